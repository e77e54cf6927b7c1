#!/usr/bin/env node
// Entry point of the `meshroom` binary: the compiled CLI lives in dist/ (built by `npm install` via `prepare`).
import { main } from "../dist/src/cli/main.js";

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`meshroom: internal error: ${err?.stack ?? err}\n`); process.exitCode = 1; },
);
