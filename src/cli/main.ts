// cli: argv → options, views (human / JSON), prompts. The only code that prints or exits;
// every command's errors reach the one catch site below.
import { Command, CommanderError } from "commander";
import { isMeshroomError } from "../errors/index.js";
import type { CliContext, CliIO, GlobalOptions } from "./context.js";
import { VERSION } from "../util/version.js";
import { commandNameOf, registerCommands } from "./commands/index.js";
import { redactText } from "../util/redact.js";
import { terminalSafe } from "../util/terminal-safe.js";
import { guardProcessOutput, guardUncaughtErrors } from "./output-guard.js";

export function createContext(io: CliIO, program: Command): CliContext {
  return {
    io,
    globals(): GlobalOptions {
      const o = program.opts<{ path?: string; debug?: boolean; color?: boolean }>();
      const tty = Boolean(io.stdout.isTTY) || Boolean(io.env.FORCE_COLOR && io.env.FORCE_COLOR !== "0");
      return { path: o.path ?? ".", debug: o.debug === true, color: o.color !== false && !io.env.NO_COLOR && tty };
    },
    interactive(): boolean {
      const ci = io.env.CI;
      return Boolean(io.stdin.isTTY && io.stdout.isTTY) && !(ci && ci !== "false" && ci !== "0");
    },
    out(line: string) {
      io.stdout.write(redactText(line) + "\n");
    },
    err(line: string) {
      io.stderr.write(redactText(line) + "\n");
    },
  };
}

export async function buildProgram(io: CliIO, argv: readonly string[] = []): Promise<{ program: Command; ctx: CliContext }> {
  const program = new Command("meshroom");
  const ctx = createContext(io, program);
  program
    .description("Compose cybersecurity meshes: declare products, instances and plugs; plan, apply, destroy.")
    .version(VERSION, "--version", "print the meshroom version")
    .option("-p, --path <dir>", "project directory", ".")
    .option("--debug", "show stack traces of errors")
    .option("--no-color", "disable colours")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride();
  await registerCommands(program, ctx, argv);
  // Global options are accepted before the command and on every leaf command (`meshroom list -p DIR`).
  // `trigger`/`execute` use `-p` for their params (as the original did), so there only `--path` works.
  program.enablePositionalOptions();
  const walk = (c: Command): void => {
    c.exitOverride(); // every subcommand throws instead of exiting: the catch site below decides the exit code
    c.configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
    if (c.commands.length === 0) {
      const taken = new Set(c.options.map((o) => o.short));
      c.option(taken.has("-p") ? "--path <dir>" : "-p, --path <dir>", "project directory");
      c.option("--debug", "show stack traces of errors");
      c.option("--no-color", "disable colours");
    }
    c.commands.forEach(walk);
  };
  program.commands.forEach(walk);
  program.hook("preAction", (_this, action) => {
    const o = action.opts<{ path?: string; debug?: boolean; color?: boolean }>();
    if (o.path !== undefined) program.setOptionValue("path", o.path);
    if (o.debug) program.setOptionValue("debug", true);
    if (o.color === false) program.setOptionValue("color", false);
  });
  return { program, ctx };
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  argv = terraformSpellings(argv);
  const { program, ctx } = await buildProgram(io, argv);
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    return handleError(e, ctx, argv.includes("--debug"));
  }
}

/** `meshroom show -json` as Terraform spells it: `-json` is `--json` there (commander would read -j -s -o -n). */
function terraformSpellings(argv: string[]): string[] {
  return commandNameOf(argv) === "show" ? argv.map((a) => (a === "-json" ? "--json" : a)) : argv;
}

function handleError(e: unknown, ctx: CliContext, debug: boolean): number {
  if (e instanceof CommanderError) {
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
    return e.exitCode === 0 ? 0 : 2;
  }
  if (isMeshroomError(e)) {
    ctx.err(`Error: ${terminalSafe(e.render())}`);
    if (debug && e.stack) ctx.err(e.stack);
    if (debug && e.cause instanceof Error && e.cause.stack) ctx.err(`Caused by: ${e.cause.stack}`);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  ctx.err(`Error: ${terminalSafe(err.message)}`);
  if (debug) ctx.err(err.stack ?? "");
  else ctx.err("(unexpected error; run with --debug for the stack trace)");
  return 1;
}

function defaultIO(): CliIO {
  guardProcessOutput(process.stdout);
  guardProcessOutput(process.stderr);
  guardUncaughtErrors();
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}
