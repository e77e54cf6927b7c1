#!/usr/bin/env node
// Entry point of the `meshroom` binary: the compiled CLI lives in dist/ (built by `npm install` via `prepare`).
import { main } from "../dist/src/cli/main.js";

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

main(process.argv.slice(2)).then(exitWhenFlushed, (err) => {
  process.stderr.write(`meshroom: internal error: ${err?.stack ?? err}\n`);
  exitWhenFlushed(1);
});
