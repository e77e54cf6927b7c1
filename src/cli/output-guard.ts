import { exitNow, failRunningHooks, isExitAttempt } from "../util/exit-guard.js";
import { knownSecretCount, redactText } from "../util/redact.js";

const ORIGINAL = Symbol.for("meshroom.output-guard.original-write");
type Write = (chunk: unknown, encoding?: unknown, cb?: unknown) => boolean;
type Guarded = { write: Write; [ORIGINAL]?: Write };

/**
 * Hooks run in-process, so what they print with `console.*` goes straight to the process
 * streams, past `ctx.out/err`. Redacts known secret values there too (once per stream).
 */
export function guardProcessOutput(stream: NodeJS.WriteStream): void {
  const s = stream as unknown as Guarded;
  if (s[ORIGINAL]) return;
  const write = s.write.bind(stream) as Write;
  s[ORIGINAL] = write;
  s.write = (chunk, encoding, cb) => {
    if (knownSecretCount() === 0) return write(chunk, encoding, cb);
    if (typeof chunk === "string") return write(redactText(chunk), encoding, cb);
    if (chunk instanceof Uint8Array) return write(Buffer.from(redactText(Buffer.from(chunk).toString("utf8")), "utf8"), encoding, cb);
    return write(chunk, encoding, cb);
  };
}

/** Writes past the guard: only for output that is a secret on purpose (`secrets get`). */
export function writeUnredacted(stream: NodeJS.WritableStream, text: string): void {
  const original = (stream as unknown as Guarded)[ORIGINAL];
  if (original) original(text);
  else stream.write(text);
}

let crashGuard = false;

/**
 * An error no one caught — typically a hook's stray callback or promise — is printed by Node
 * itself, past every stream guard. Print it redacted instead, then exit 1 as Node would.
 */
export function guardUncaughtErrors(): void {
  if (crashGuard) return;
  crashGuard = true;
  process.on("uncaughtException", (e: unknown) => {
    // a hook's callback called process.exit(): the running hooks fail, the apply goes on and saves state
    if (isExitAttempt(e) && failRunningHooks(e)) return;
    const text = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
    process.stderr.write(`meshroom: uncaught error (a hook's unawaited promise or callback?)\n${redactText(text)}\n`);
    exitNow(1);
  });
}
