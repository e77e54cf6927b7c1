// `meshroom --help` and the README agree on every command and flag (issue 20): the README's
// command reference is exactly what the CLI's commander program declares, and every `meshroom …`
// the README shows (code blocks and inline code) names a real command and only its real options.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { Command } from "commander";
import { beforeAll, describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/main.js";
import { GLOBAL_OPTIONS, REFERENCE_END, REFERENCE_START, ownOptions, referenceBlock } from "../../src/cli/command-reference.js";
import { REPO } from "./helpers.js";

const README = readFileSync(join(REPO, "README.md"), "utf8");
let program: Command;

beforeAll(async () => {
  const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env: {} };
  program = (await buildProgram(io, ["--help"])).program;
});

/** Every `meshroom …` invocation in the README's code: the words after `meshroom`, up to a shell separator or the end of the span. */
function invocations(markdown: string): string[][] {
  const code = [
    // shell lines without their comments
    ...[...markdown.matchAll(/^```(?:sh|bash)\n([\s\S]*?)^```$/gm)].flatMap((m) => m[1]!.split("\n").map((l) => l.replace(/(^|\s)#.*$/, ""))),
    ...[...markdown.replace(/^```[\s\S]*?^```$/gm, "").matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!),
  ];
  const out: string[][] = [];
  for (const text of code) {
    for (const m of text.matchAll(/(?<![\w/.-])meshroom(?=\s|$)(.*)/g)) {
      const rest = m[1]!.split(/\s(?:&&|\|\||\||;|#)\s?|\s#|`/)[0]!.replace(/\bmeshroom\b[\s\S]*$/, "");
      out.push(rest.trim().split(/\s+/).filter(Boolean));
    }
  }
  return out;
}

function optionNames(c: Command): Set<string> {
  return new Set(ownOptions(c).flatMap((o) => [o.long, o.short]).filter((n): n is string => n !== undefined));
}

describe("README and --help", () => {
  it("the README's command reference is what the CLI declares (run `node scripts/command-reference.js --write` after a change)", () => {
    const a = README.indexOf(REFERENCE_START);
    const b = README.indexOf(REFERENCE_END);
    expect(a, "README.md has no command reference block").toBeGreaterThan(0);
    expect(README.slice(a, b + REFERENCE_END.length)).toBe(referenceBlock(program));
  });

  it("every top-level command of --help is in the reference, and the reference names no other", () => {
    const names = program.commands.map((c) => c.name()).filter((n) => n !== "help");
    const block = README.slice(README.indexOf(REFERENCE_START), README.indexOf(REFERENCE_END));
    const listed = new Set([...block.matchAll(/^meshroom ([\w-]+)/gm)].map((m) => m[1]!));
    expect([...listed].sort()).toEqual([...names].sort());
  });

  it("every `meshroom …` the README shows is a real command with real options", () => {
    const calls = invocations(README);
    expect(calls.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const words of calls) {
      let cmd = program;
      let i = 0;
      // global options may come first (`meshroom -p DIR graph …`)
      while (i < words.length && words[i]!.startsWith("-")) i += words[i] === "-p" || words[i] === "--path" ? 2 : 1;
      for (; i < words.length && cmd.commands.length > 0; i++) {
        const find = (w: string) => cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
        // `workspace list|new|select|delete`: each alternative must be a subcommand
        const alternatives = words[i]!.split("|");
        if (alternatives.length > 1) {
          for (const w of alternatives.filter((a) => !find(a))) problems.push(`meshroom ${words.join(" ")}: no command "${w}" under \`${cmd.name()}\``);
          cmd = program;
          break;
        }
        const sub = find(words[i]!);
        if (!sub) {
          if (!/^[A-Z]/.test(words[i]!)) problems.push(`meshroom ${words.join(" ")}: no command "${words[i]}" under \`${cmd.name()}\``);
          break;
        }
        cmd = sub;
      }
      if (cmd === program) continue; // `meshroom --version`, `meshroom --help`
      const known = optionNames(cmd);
      for (const w of words.slice(i)) {
        if (!/^--?[A-Za-z]/.test(w)) continue;
        const flag = w.split("=")[0]!;
        if (!known.has(flag) && !GLOBAL_OPTIONS.includes(flag) && flag !== "-p") problems.push(`meshroom ${words.join(" ")}: \`${cmd.name()}\` has no option ${flag}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
