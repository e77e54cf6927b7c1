// errors: the one error class meshroom raises on purpose, its codes, and diagnostics
// (a one-line summary plus actionable detail, optionally located in a file).
// May import: nothing of meshroom (the ground floor).

export type ErrorCode =
  | "E_USAGE"
  | "E_BAD_NAME"
  | "E_BAD_PATH"
  | "E_BAD_MANIFEST"
  | "E_NOT_FOUND"
  | "E_EXISTS"
  | "E_CONFLICT"
  | "E_NOT_PROJECT"
  | "E_DIR_NOT_EMPTY"
  | "E_MISSING_VALUE"
  | "E_BAD_VALUE"
  | "E_NO_INTEGRATION"
  | "E_NO_HOOK"
  | "E_UNTRUSTED"
  | "E_HOOK_FAILED"
  | "E_HOOK_TIMEOUT"
  | "E_SECRETS"
  | "E_STATE"
  | "E_STATE_LOCKED"
  | "E_STATE_WRITE"
  | "E_PLAN_STALE"
  | "E_ABORTED"
  | "E_APPLY_FAILED"
  | "E_EXEC"
  | "E_INTERNAL";

/** Where a problem was found: a file, and optionally a 1-based line/column and a field path. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
  field?: string;
}

export interface Diagnostic {
  summary: string;
  detail?: string;
  location?: SourceLocation;
  /** Which rule was broken (`unknown-setting`, `wrong-type`, …), for tools and for tests that compare sources. */
  rule?: string;
}

export function formatLocation(loc: SourceLocation): string {
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.line !== undefined && loc.column !== undefined) s += `:${loc.column}`;
  return s;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${formatLocation(d.location)}: ` : "";
  const field = d.location?.field ? ` (field \`${d.location.field}\`)` : "";
  const detail = d.detail ? `\n  ${d.detail.split("\n").join("\n  ")}` : "";
  return `${where}${d.summary}${field}${detail}`;
}

export interface MeshroomErrorOptions {
  detail?: string;
  diagnostics?: Diagnostic[];
  cause?: unknown;
  /** Process exit code the CLI uses for this error (default 1). */
  exitCode?: number;
}

/** An expected failure: the CLI prints `message` (+ detail, diagnostics) without a stack. */
export class MeshroomError extends Error {
  readonly code: ErrorCode;
  readonly detail?: string;
  readonly diagnostics: Diagnostic[];
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, opts: MeshroomErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "MeshroomError";
    this.code = code;
    this.detail = opts.detail;
    this.diagnostics = opts.diagnostics ?? [];
    this.exitCode = opts.exitCode ?? (code === "E_USAGE" ? 2 : 1);
  }

  /** Text for the user: message, detail, then one line per diagnostic. */
  render(): string {
    const parts = [this.message];
    if (this.detail) parts.push(this.detail);
    for (const d of this.diagnostics) parts.push(`  - ${formatDiagnostic(d).split("\n").join("\n    ")}`);
    return parts.join("\n");
  }
}

export function isMeshroomError(e: unknown): e is MeshroomError {
  return e instanceof Error && (e as { name?: string }).name === "MeshroomError" && "code" in e;
}

/** Throws an E_BAD_MANIFEST error when diagnostics is not empty. */
export function throwIfDiagnostics(diagnostics: Diagnostic[], what: string): void {
  if (diagnostics.length === 0) return;
  const n = diagnostics.length;
  throw new MeshroomError("E_BAD_MANIFEST", `${what}: ${n} problem${n === 1 ? "" : "s"} found`, { diagnostics });
}
