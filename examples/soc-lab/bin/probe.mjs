#!/usr/bin/env node
// HTTP probes from a chosen source address, run inside the lab's network namespace:
//   ip netns exec meshroom-lab node bin/probe.mjs --from 127.0.0.66 --count 30 --path /probe-
//   ip netns exec meshroom-lab node bin/probe.mjs --from 127.0.0.67 --path /
// Prints one JSON line per request: {"from","path","status"} (status "timeout" when the
// firewall drops the packets, or the error code). With --count N the paths get a suffix 0..N-1.
// The user agent is a browser's: curl's would trip CrowdSec's bad-user-agent scenario.
import http from "node:http";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const from = opt("from", "127.0.0.67");
const host = opt("host", "127.0.0.1");
const port = Number(opt("port", "8080"));
const count = Number(opt("count", "1"));
const path = opt("path", "/");
const timeoutMs = Number(opt("timeout-ms", "1500"));
const UA = "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0";

function probe(p) {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: p, localAddress: from, timeout: timeoutMs, headers: { "user-agent": UA } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("timeout", () => {
      req.destroy();
      resolve("timeout");
    });
    req.on("error", (e) => resolve(e.code ?? e.message));
  });
}

for (let i = 0; i < count; i++) {
  const p = count > 1 ? `${path}${i}` : path;
  const status = await probe(p);
  process.stdout.write(JSON.stringify({ from, path: p, status }) + "\n");
}
