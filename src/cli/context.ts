import type { Readable, Writable } from "node:stream";

/** What a command needs from the outside world; tests may pass their own streams. */
export interface CliIO {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** Global options every command sees (`-p/--path`, `--json`, `--debug`, `--no-color`). */
export interface GlobalOptions {
  path: string;
  debug: boolean;
  color: boolean;
}

export interface CliContext {
  io: CliIO;
  /** Resolved global options (call after commander parsed argv). */
  globals(): GlobalOptions;
  /** True when prompts may be shown: stdin and stdout are TTYs and CI is not set. */
  interactive(): boolean;
  out(line: string): void;
  err(line: string): void;
}
