#!/usr/bin/env node
// Entry point of the `meshroom` binary: the CLI bundled by `npm run build` (tsc, then
// scripts/bundle.js into dist/cli/; built by `npm install` via `prepare`).
import { readFileSync } from "node:fs";

const argv = process.argv.slice(2);

// `meshroom --version` alone needs no module of the CLI: printed here, it starts as fast as node itself.
if (argv.length === 1 && argv[0] === "--version") {
  process.stdout.write(`${JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version}\n`);
} else {
  const { main } = await import("../dist/cli/main.js");
  main(argv).then(exitWhenFlushed, (err) => {
    process.stderr.write(`meshroom: internal error: ${err?.stack ?? err}\n`);
    exitWhenFlushed(1);
  });
}

// Exit once the command is done and the output is flushed: a hook that ignored its abort signal
// (a leftover timer or socket) must not keep meshroom alive after it has reported the result.
function exitWhenFlushed(code) {
  let pending = 2;
  const next = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write("", next);
  process.stderr.write("", next);
}
