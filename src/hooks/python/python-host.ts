import { join } from "node:path";
import { MeshroomError } from "../../errors/index.js";
import { findExecutable, hookEnvironment, startServiceProcess, type ServiceProcess } from "../../exec/index.js";
import { redactText } from "../../util/redact.js";
import { PACKAGE_ROOT } from "../../util/version.js";

/** The shipped `meshroom` Python package (python/meshroom) and its entry point. */
export const PYTHON_PACKAGE_DIR = join(PACKAGE_ROOT, "python");
const ENTRY = join(PYTHON_PACKAGE_DIR, "meshroom_host.py");
const PROTOCOL = 1;
const STDERR_LINES = 30;

/** What a Python hook file registered (one decorator call), as the host reports it. */
export interface PyRegistration {
  registrar: string;
  kind: string;
  /** The function's name (the hook's default title). */
  name: string;
  opts: Record<string, unknown>;
  role?: string;
  topic?: string;
}
export type PyFileResult = { hooks: PyRegistration[] } | { error: string; traceback: string | null };

export interface PyCallError {
  type: string;
  message: string;
  traceback: string | null;
}

/** How a call answers the host: callbacks into meshroom (secrets, files) and messages. */
export interface PyCallHandlers {
  ask(what: string, args: unknown[]): Promise<unknown>;
  log(level: string, message: string): void;
  /** Items of a watch hook. */
  item?(value: unknown): void;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  handlers?: PyCallHandlers;
}

/** The Python interpreter meshroom runs hooks with: MESHROOM_PYTHON, else python3 on PATH. */
export function pythonCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.MESHROOM_PYTHON || "python3";
}

/**
 * One Python process serving the Python hooks of one project for this meshroom process
 * (python/meshroom/_host.py is the other side; the protocol is described there). Started on
 * first use; it holds the event loop only while a request is pending, and ends when meshroom
 * does (its stdin closes; and the group is killed, as every hook program's).
 */
export class PythonHost {
  private proc: ServiceProcess | undefined;
  private started: Promise<void> | undefined;
  private failure: MeshroomError | undefined;
  private buf = "";
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly stderr: string[] = [];
  private readonly allowed = { products: new Map<string, string>(), files: new Set<string>(), env: new Map<string, string>() };
  private readonly sent = { products: new Set<string>(), files: new Set<string>(), env: new Set<string>() };
  /** Files that need Python, for the error when there is none. */
  private readonly needing = new Set<string>();
  private corked = false;
  /** Something allowed has not been sent to the process yet. */
  private unsent = true;

  constructor(readonly root: string, private readonly python: string = pythonCommand()) {}

  /** Lets the host import these (trusted) products' files; sent before the next request. */
  allow(products: ReadonlyMap<string, string>, files: readonly string[], env: Readonly<Record<string, string>>, shown: readonly string[]): void {
    for (const [n, d] of products) this.allowed.products.set(n, d);
    for (const f of files) this.allowed.files.add(f);
    for (const [k, v] of Object.entries(env)) this.allowed.env.set(k, v);
    for (const s of shown) this.needing.add(s);
    this.unsent = true;
  }

  /** Imports the files and returns what each registered (or why it could not be imported). */
  async register(files: readonly string[]): Promise<Record<string, PyFileResult>> {
    const r = (await this.request({ op: "register", files })) as { files: Record<string, PyFileResult> };
    return r.files;
  }

  /** Calls one hook; resolves with its return value, rejects with its error. */
  call(msg: { file: string; index: number; expect: PyRegistration; kind: string; context: unknown }, handlers: PyCallHandlers, signal?: AbortSignal): Promise<unknown> {
    return this.request({ op: "call", ...msg }, handlers, signal);
  }

  /** Ends the process now (pending requests fail). */
  close(): void {
    this.proc?.kill();
  }

  private async request(msg: Record<string, unknown>, handlers?: PyCallHandlers, signal?: AbortSignal): Promise<unknown> {
    await this.start();
    const id = ++this.seq;
    this.sendAllowed();
    return new Promise<unknown>((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.delete(id)) return;
        this.send({ op: "cancel", id });
        this.updateRef();
        reject(signal?.reason ?? new Error("aborted"));
      };
      const done = () => signal?.removeEventListener("abort", onAbort);
      this.pending.set(id, {
        resolve: (v) => (done(), resolve(v)),
        reject: (e) => (done(), reject(e)),
        ...(handlers ? { handlers } : {}),
      });
      this.updateRef();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.send({ ...msg, id });
      if (signal?.aborted) onAbort();
    });
  }

  private start(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return (this.started ??= new Promise<void>((resolve, reject) => {
      const exe = findExecutable(this.python);
      if (!exe) {
        const files = [...this.needing].sort();
        reject((this.failure = new MeshroomError("E_EXEC", `Python hook files need ${this.python}, which is not on PATH: ${files.slice(0, 5).join(", ")}${files.length > 5 ? ` and ${files.length - 5} more` : ""}`, {
          detail: "install Python 3.9 or later (e.g. `apt-get install python3`), or set MESHROOM_PYTHON to the interpreter to use",
        })));
        return;
      }
      // a hook program's environment (exec/hook-env.ts): never meshroom's own variables
      const env = hookEnvironment({ set: { PYTHONPATH: PYTHON_PACKAGE_DIR, PYTHONDONTWRITEBYTECODE: "1", PYTHONIOENCODING: "utf-8", PYTHONUNBUFFERED: "1" } });
      const proc = startServiceProcess(exe, ["-B", ENTRY], { cwd: this.root, env });
      this.proc = proc;
      let hello = false;
      proc.child.stdout.setEncoding("utf8");
      proc.child.stdout.on("data", (chunk: string) => {
        this.buf += chunk;
        let start = 0;
        let nl: number;
        while ((nl = this.buf.indexOf("\n", start)) >= 0) {
          const line = this.buf.slice(start, nl);
          start = nl + 1;
          if (line.trim() === "") continue;
          let m: Record<string, unknown>;
          try {
            m = JSON.parse(line) as Record<string, unknown>;
          } catch {
            this.stderr.push(`(not protocol) ${line.slice(0, 200)}`);
            continue;
          }
          if (!hello && m.op === "hello") {
            hello = true;
            if (m.protocol !== PROTOCOL) {
              this.failure = new MeshroomError("E_EXEC", `the Python hook host speaks protocol ${String(m.protocol)}, this meshroom ${PROTOCOL}`, { detail: `reinstall meshroom: ${PYTHON_PACKAGE_DIR} does not match it` });
              proc.kill();
              reject(this.failure);
            } else resolve();
            continue;
          }
          this.onMessage(m);
        }
        this.buf = start === 0 ? this.buf : this.buf.slice(start);
      });
      proc.child.stderr.setEncoding("utf8");
      proc.child.stderr.on("data", (chunk: string) => {
        for (const l of chunk.split("\n")) if (l !== "") this.stderr.push(l);
        if (this.stderr.length > STDERR_LINES) this.stderr.splice(0, this.stderr.length - STDERR_LINES);
      });
      proc.child.stdin.on("error", () => undefined);
      void proc.exited.then((code) => {
        const tail = this.stderr.join("\n");
        const err = new MeshroomError("E_EXEC", `the Python hook process (${this.python}) ended${typeof code === "number" ? ` with code ${code}` : ` (${code})`}${hello ? "" : " before it started"}`, {
          detail: tail ? tail : `check that \`${this.python} --version\` is 3.9 or later`,
        });
        if (!hello) reject((this.failure = err));
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        // the next request starts a new process
        this.proc = undefined;
        this.started = undefined;
        this.sent.products.clear();
        this.sent.files.clear();
        this.sent.env.clear();
        this.unsent = true;
      });
      this.updateRef();
    }));
  }

  private sendAllowed(): void {
    if (!this.unsent) return;
    this.unsent = false;
    const products: Record<string, string> = {};
    const files: string[] = [];
    const env: Record<string, string> = {};
    for (const [n, d] of this.allowed.products) if (!this.sent.products.has(n)) (products[n] = d), this.sent.products.add(n);
    for (const f of this.allowed.files) if (!this.sent.files.has(f)) files.push(f), this.sent.files.add(f);
    for (const [k, v] of this.allowed.env) if (!this.sent.env.has(k)) (env[k] = v), this.sent.env.add(k);
    this.send({ op: "allow", root: this.root, products, files, env });
  }

  private onMessage(m: Record<string, unknown>): void {
    const p = this.pending.get(m.id as number);
    if (!p) {
      // a request given up (timeout, interruption): its hook learns it at its next question
      if (m.op === "ask") this.send({ op: "reply", req: m.req, ok: false, error: "the hook was stopped by meshroom (timeout or interruption)" });
      return;
    }
    switch (m.op) {
      case "registered":
        this.settle(m.id as number).resolve(m);
        return;
      case "result": {
        const s = this.settle(m.id as number);
        if (m.ok) s.resolve(m.value ?? undefined);
        else s.reject(pythonError(m.error as PyCallError));
        return;
      }
      case "item":
        p.handlers?.item?.(m.value);
        return;
      case "log":
        p.handlers?.log(String(m.level), String(m.message));
        return;
      case "ask": {
        const req = m.req;
        const answer = p.handlers ? p.handlers.ask(String(m.what), Array.isArray(m.args) ? m.args : []) : Promise.reject(new Error("no callbacks for this request"));
        answer.then(
          (value) => this.send({ op: "reply", req, ok: true, value: value ?? null }),
          (e: unknown) => this.send({ op: "reply", req, ok: false, error: e instanceof Error ? e.message : String(e) }),
        );
        return;
      }
    }
  }

  private settle(id: number): Pending {
    const p = this.pending.get(id)!;
    this.pending.delete(id);
    this.updateRef();
    return p;
  }

  private send(msg: Record<string, unknown>): void {
    const stdin = this.proc?.child.stdin;
    if (!stdin) return;
    // the messages of one turn of the event loop go in one write (an apply starts many hooks at once)
    if (!this.corked) {
      this.corked = true;
      stdin.cork();
      process.nextTick(() => {
        this.corked = false;
        stdin.uncork();
      });
    }
    stdin.write(`${JSON.stringify(msg)}\n`);
  }

  /** The host keeps meshroom running only while a request is pending. */
  private updateRef(): void {
    const c = this.proc?.child;
    if (!c) return;
    const busy = this.pending.size > 0 || !this.started;
    for (const s of [c, c.stdout, c.stderr, c.stdin] as Array<{ ref?: () => void; unref?: () => void }>) {
      if (busy) s.ref?.();
      else s.unref?.();
    }
  }
}

/**
 * A Python exception as a JS error: its message, and its Python traceback as the stack (shown
 * with --debug), with known secret values redacted (a traceback quotes the hook's own lines and
 * messages).
 */
export function pythonError(e: PyCallError): Error {
  const err = new Error(e.message);
  err.name = e.type;
  err.stack = redactText(e.traceback ? `${e.traceback}\n    (Python traceback)` : `${e.type}: ${e.message}`);
  return err;
}

const hosts = new Map<string, PythonHost>();

/** The host of this project for this process. */
export function pythonHostFor(root: string): PythonHost {
  let h = hosts.get(root);
  if (!h) hosts.set(root, (h = new PythonHost(root)));
  return h;
}

/** Ends every Python host of this process (tests, benchmarks; meshroom's exit ends them anyway). */
export function closePythonHosts(): void {
  for (const h of hosts.values()) h.close();
  hosts.clear();
}
