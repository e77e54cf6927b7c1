// Runs a command on a real pseudo-terminal (Python's pty module, in the standard library: no
// native Node addon to build), so the CLI sees a TTY on stdin and stdout as a user's shell gives
// it. The test waits for text on the terminal before typing, like a user.
import { execa, type ResultPromise } from "execa";

const PTY_SPAWN = "import pty, sys; status = pty.spawn(sys.argv[1:]); sys.exit(status >> 8 if status & 0xff == 0 else 1)";

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]/g;

export class PtySession {
  private _out = "";
  private _seen = 0;
  private readonly _proc: ResultPromise;

  constructor(command: string, args: readonly string[], opts: { cwd: string; env: Record<string, string> }) {
    // a wide terminal, so prompts are not wrapped (a pty starts at 80 columns)
    const wide = ["sh", "-c", 'stty cols 250 rows 50 && exec "$@"', "sh", command, ...args];
    this._proc = execa("python3", ["-c", PTY_SPAWN, ...wide], {
      cwd: opts.cwd, env: { TERM: "xterm", ...opts.env }, extendEnv: false, reject: false, stdin: "pipe", timeout: 120_000,
    });
    this._proc.stdout?.on("data", (d: Buffer) => (this._out += d.toString("utf8").replace(ANSI, "")));
  }

  /** Everything the terminal showed so far, escape sequences removed. */
  get output(): string {
    return this._out;
  }

  /** Waits until `text` appears after what the previous `expect` matched. */
  async expect(text: string | RegExp, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this._out.slice(this._seen);
      const i = typeof text === "string" ? rest.indexOf(text) : rest.search(text);
      if (i >= 0) {
        this._seen += i + 1;
        return;
      }
      if (this._proc.exitCode !== null || Date.now() > deadline) {
        throw new Error(`the terminal never showed ${String(text)}; it showed:\n${this._out}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Types `text` (a line ends with "\r", as the Enter key sends). */
  type(text: string): void {
    this._proc.stdin?.write(text);
  }

  async exit(): Promise<{ code: number; output: string }> {
    this._proc.stdin?.end();
    const r = await this._proc;
    return { code: r.exitCode ?? -1, output: this._out };
  }
}
