#!/usr/bin/env node
// Prints the README's command reference (every command, its arguments and options, from the CLI
// itself); with --write, replaces the block in README.md. Run after adding a command or flag:
// test/cli/readme-help.test.ts fails until README.md and `meshroom --help` agree.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { buildProgram } from "../dist/src/cli/main.js";
import { REFERENCE_END, REFERENCE_START, referenceBlock } from "../dist/src/cli/command-reference.js";

const README = join(resolve(dirname(fileURLToPath(import.meta.url)), ".."), "README.md");
const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env: {} };
const { program } = await buildProgram(io, ["--help"]);
const block = referenceBlock(program);
if (!process.argv.includes("--write")) {
  process.stdout.write(block + "\n");
} else {
  const text = readFileSync(README, "utf8");
  const a = text.indexOf(REFERENCE_START);
  const b = text.indexOf(REFERENCE_END);
  if (a < 0 || b < a) throw new Error(`README.md has no command reference block (${REFERENCE_START} … ${REFERENCE_END})`);
  writeFileSync(README, text.slice(0, a) + block + text.slice(b + REFERENCE_END.length));
  process.stdout.write("README.md: command reference updated\n");
}
