// Connection limits of the intake: a slow upload is cut at the request timeout (not held for
// ~a minute), and connections over the cap are closed at once. Option checks.
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startIntakeServer, type ConnectionLimits, type IntakeServer } from "../../src/intake/index.js";
import { ADMIN, createSource, removeRoot, tempRoot } from "./helpers.js";
import { meshroom } from "../cli/helpers.js";

const running: { server: IntakeServer; root: string }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.server.close();
    await removeRoot(r.root);
  }
});

async function start(limits: Partial<ConnectionLimits>): Promise<{ server: IntakeServer; base: string }> {
  const root = await tempRoot();
  const server = await startIntakeServer({ dir: join(root, "data"), port: 0, adminToken: ADMIN, limits });
  running.push({ server, root });
  return { server, base: `http://127.0.0.1:${server.port}` };
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
}

/** Everything the server sends until it closes the socket (or `ms` pass). */
function received(s: Socket, ms: number): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    let text = "";
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      resolve({ text, closed });
    };
    const timer = setTimeout(() => done(false), ms);
    s.on("data", (d: Buffer) => (text += d.toString("utf8")));
    s.on("error", () => undefined);
    s.once("close", () => done(true));
  });
}

describe("intake connection limits", () => {
  it("cuts a slow upload with a valid token at --request-timeout (408), before it finishes", async () => {
    const { server, base } = await start({ headersTimeoutMs: 500, requestTimeoutMs: 1000 });
    const token = await createSource(base, "web");
    const body = JSON.stringify({ summary: "slow upload, one byte at a time" });
    const s = await open(server.port);
    const reply = received(s, 15_000);
    s.write(`POST /events/web HTTP/1.1\r\nHost: intake\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`);
    // the whole body would take ~8 s at this pace
    let sent = 0;
    const pace = setInterval(() => {
      if (s.destroyed || sent >= body.length) return clearInterval(pace);
      s.write(body[sent++] as string);
    }, 8000 / body.length);
    const r = await reply;
    clearInterval(pace);
    expect(r.closed).toBe(true);
    expect(sent).toBeLessThan(body.length);
    expect(r.text).toMatch(/^HTTP\/1\.1 408/);
    s.destroy();
  }, 20_000);

  it("closes connections over --max-connections at once, and accepts again when one ends", async () => {
    const { server } = await start({ maxConnections: 2, headersTimeoutMs: 10_000, requestTimeoutMs: 10_000 });
    const held = [await open(server.port), await open(server.port)];
    const extra = await open(server.port);
    const refused = received(extra, 3000);
    extra.write("GET /health HTTP/1.1\r\nHost: intake\r\nConnection: close\r\n\r\n");
    const r = await refused;
    expect(r.closed).toBe(true);
    expect(r.text).toBe("");
    held[0]?.destroy();
    await new Promise((res) => setTimeout(res, 200));
    const again = await open(server.port);
    const ok = received(again, 3000);
    again.write("GET /health HTTP/1.1\r\nHost: intake\r\nConnection: close\r\n\r\n");
    expect((await ok).text).toMatch(/^HTTP\/1\.1 200/);
    for (const s of held) s.destroy();
  });

  it("refuses limits that are not positive integers, or a head timeout over the request timeout", async () => {
    const root = await tempRoot();
    try {
      const dir = join(root, "data");
      await expect(startIntakeServer({ dir, adminToken: ADMIN, limits: { maxConnections: 0 } })).rejects.toThrow(/--max-connections must be a positive integer/);
      await expect(startIntakeServer({ dir, adminToken: ADMIN, limits: { headersTimeoutMs: 20_000, requestTimeoutMs: 10_000 } })).rejects.toThrow(/--headers-timeout .* must not exceed --request-timeout/);
    } finally {
      await removeRoot(root);
    }
  });

  it("`meshroom intake serve` has the four options, with their defaults, and refuses bad values", async () => {
    const help = await meshroom(["intake", "serve", "--help"]);
    const text = help.stdout.replace(/\s+/g, " ");
    for (const [flag, def] of [["--headers-timeout", "10000"], ["--request-timeout", "30000"], ["--keep-alive-timeout", "5000"], ["--max-connections", "1024"]]) {
      expect(text).toMatch(new RegExp(`${flag} <[a-z]+> [^"]*\\(default: "${def}"\\)`));
    }
    const root = await tempRoot();
    try {
      const bad = await meshroom(["intake", "serve", "--dir", join(root, "d"), "--max-connections", "0"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/bad value for --max-connections/);
    } finally {
      await removeRoot(root);
    }
  });
});

