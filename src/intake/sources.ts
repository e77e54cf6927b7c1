// The registry of sources in `sources.json`: name, kind, sha256 of the token (never the
// token), optional JSON schema. Schemas are compiled once per source (ajv) and recompiled
// only when changed. Mutations are serialized and written atomically.
import { Ajv, type ValidateFunction } from "ajv";
import { z } from "zod";
import { promises as fsp } from "node:fs";
import { MeshroomError } from "../errors/index.js";
import { writeFileAtomic } from "./atomic-file.js";
import { NO_MATCH_HASH, hashToken, newToken, tokenMatchesHash } from "./tokens.js";

/** `producer` sources post events (and may read their own); `consumer` sources only read the whole queue. */
export const SourceKind = z.enum(["producer", "consumer"]);
export type SourceKind = z.infer<typeof SourceKind>;

export const SOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const SourceName = z
  .string()
  .regex(SOURCE_NAME, "a source name is 1-64 letters, digits, `_`, `.` or `-`, starting with a letter or digit")
  .refine((s) => !s.includes(".."), "a source name may not contain `..`");

export const JsonSchemaObject = z.record(z.string(), z.unknown());

const SourceRecordSchema = z.object({
  name: SourceName,
  kind: SourceKind,
  token_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  created_at: z.string(),
  schema: JsonSchemaObject.optional(),
});
export type SourceRecord = z.infer<typeof SourceRecordSchema>;

const SourcesFileSchema = z.object({ version: z.literal(1), sources: z.array(SourceRecordSchema) });

/** What the admin API shows about a source (no hash). */
export interface SourceInfo {
  name: string;
  kind: SourceKind;
  created_at: string;
  has_schema: boolean;
}

/**
 * The sources as memory holds them: records by name and their compiled schemas. Read by the
 * HTTP routes synchronously; kept by `SourceRegistry` (a file) or `KvSources` (JetStream KV).
 */
export class SourceTable {
  protected readonly byName = new Map<string, SourceRecord>();
  protected readonly validators = new Map<string, ValidateFunction>();
  /** Per connection (keep-alive): the last token that opened a source, and that source's record then. */
  private readonly verified = new WeakMap<object, { token: string; rec: SourceRecord }>();

  list(): SourceInfo[] {
    return [...this.byName.values()].map((s) => ({ name: s.name, kind: s.kind, created_at: s.created_at, has_schema: s.schema !== undefined }));
  }

  get(name: string): SourceRecord | undefined {
    return this.byName.get(name);
  }

  /**
   * The source named `name` when `token` is its token; undefined otherwise (a wrong token, or
   * an unknown source, costs the same whatever it is). Given the connection, a token that
   * already opened this very source on it (same record: not revoked, not replaced since) is let
   * in without hashing it again; what the shortcut compares against is what that connection
   * itself sent.
   */
  authenticate(name: string, token: string, connection?: object): SourceRecord | undefined {
    const rec = this.byName.get(name);
    if (connection !== undefined && rec !== undefined) {
      const seen = this.verified.get(connection);
      if (seen !== undefined && seen.rec === rec && seen.token === token) return rec;
    }
    const ok = tokenMatchesHash(token, rec?.token_sha256 ?? NO_MATCH_HASH);
    if (!ok) return undefined;
    if (connection !== undefined && rec !== undefined) this.verified.set(connection, { token, rec });
    return rec;
  }

  /** The source whose token this is, whatever its name (used by queue readers). */
  authenticateAny(token: string): SourceRecord | undefined {
    let found: SourceRecord | undefined;
    for (const rec of this.byName.values()) if (tokenMatchesHash(token, rec.token_sha256)) found = rec;
    return found;
  }

  /** The compiled schema of a source, if it has one. */
  validator(name: string): ValidateFunction | undefined {
    return this.validators.get(name);
  }

  protected set(rec: SourceRecord, validator: ValidateFunction | undefined): void {
    this.byName.set(rec.name, rec);
    if (validator) this.validators.set(rec.name, validator);
    else this.validators.delete(rec.name);
  }

  protected forget(name: string): void {
    this.byName.delete(name);
    this.validators.delete(name);
  }
}

/** A new source's record and its token (the only time the token exists in clear). */
export function newSourceRecord(input: { name: string; kind: SourceKind; schema?: Record<string, unknown> }): { rec: SourceRecord; token: string; validator?: ValidateFunction } {
  const validator = input.schema ? compileSchema(input.name, input.schema) : undefined;
  const token = newToken();
  const rec: SourceRecord = { name: input.name, kind: input.kind, token_sha256: hashToken(token), created_at: new Date().toISOString() };
  if (input.schema) rec.schema = input.schema;
  return { rec, token, validator };
}

export function sourceExists(name: string): MeshroomError {
  return new MeshroomError("E_EXISTS", `source \`${name}\` already exists`, {
    detail: "Revoke it first (DELETE /admin/sources/<name>) to issue a new token.",
  });
}

export function noSource(name: string): MeshroomError {
  return new MeshroomError("E_NOT_FOUND", `no source \`${name}\``);
}

/** A stored source record checked (zod) with its schema compiled; throws E_STATE / E_BAD_VALUE. */
export function parseSourceRecord(json: unknown, where: string): { rec: SourceRecord; validator?: ValidateFunction } {
  const r = SourceRecordSchema.safeParse(json);
  if (!r.success) throw new MeshroomError("E_STATE", `${where}: not a source record: ${r.error.issues[0]?.message ?? ""}`);
  return { rec: r.data, validator: r.data.schema ? compileSchema(r.data.name, r.data.schema) : undefined };
}

export class SourceRegistry extends SourceTable {
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(private readonly path: string) {
    super();
  }

  static async open(path: string): Promise<SourceRegistry> {
    const reg = new SourceRegistry(path);
    let text: string | undefined;
    try {
      text = await fsp.readFile(path, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    if (text !== undefined) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new MeshroomError("E_STATE", `${path}: not JSON (${(e as Error).message})`);
      }
      const r = SourcesFileSchema.safeParse(json);
      if (!r.success) throw new MeshroomError("E_STATE", `${path}: not a sources file: ${r.error.issues[0]?.message ?? ""}`);
      for (const s of r.data.sources) reg.set(s, s.schema ? compileSchema(s.name, s.schema) : undefined);
    }
    return reg;
  }

  /** Creates a source; resolves with its token (the only time it exists in clear). */
  create(input: { name: string; kind: SourceKind; schema?: Record<string, unknown> }): Promise<string> {
    return this.mutate(() => {
      if (this.byName.has(input.name)) throw sourceExists(input.name);
      const { rec, token, validator } = newSourceRecord(input);
      return { apply: () => this.set(rec, validator), result: token };
    });
  }

  /** Revokes a source: it and its token are gone at once. */
  remove(name: string): Promise<void> {
    return this.mutate(() => {
      if (!this.byName.has(name)) throw noSource(name);
      return { apply: () => this.forget(name), result: undefined };
    });
  }

  /** Sets (or with `null` removes) a source's schema; the new schema is compiled before it is saved. */
  setSchema(name: string, schema: Record<string, unknown> | null): Promise<void> {
    return this.mutate(() => {
      const rec = this.byName.get(name);
      if (!rec) throw noSource(name);
      const validator = schema ? compileSchema(name, schema) : undefined;
      const next: SourceRecord = { ...rec };
      if (schema) next.schema = schema;
      else delete next.schema;
      return { apply: () => this.set(next, validator), result: undefined };
    });
  }

  /** Checks, writes the would-be file, and only then changes memory: a failed write changes nothing. */
  private mutate<R>(plan: () => { apply: () => void; result: R }): Promise<R> {
    const run = this.chain.then(async () => {
      const { apply, result } = plan();
      const before = new Map(this.byName);
      const beforeV = new Map(this.validators);
      apply();
      try {
        await this.save();
      } catch (e) {
        this.restore(before, beforeV);
        throw e;
      }
      return result;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private restore(byName: Map<string, SourceRecord>, validators: Map<string, ValidateFunction>): void {
    this.byName.clear();
    for (const [k, v] of byName) this.byName.set(k, v);
    this.validators.clear();
    for (const [k, v] of validators) this.validators.set(k, v);
  }

  private async save(): Promise<void> {
    const file = { version: 1 as const, sources: [...this.byName.values()] };
    await writeFileAtomic(this.path, JSON.stringify(file, null, 2) + "\n");
  }
}

/** One Ajv per source, so two sources' schemas may share an `$id` without clashing. */
export function compileSchema(source: string, schema: Record<string, unknown>): ValidateFunction {
  try {
    return new Ajv({ allErrors: true, strict: false }).compile(schema);
  } catch (e) {
    throw new MeshroomError("E_BAD_VALUE", `the JSON schema of source \`${source}\` does not compile: ${(e as Error).message}`);
  }
}

/** A one-line reason from a failed schema validation. */
export function schemaErrorsText(v: ValidateFunction): string {
  const errs = (v.errors ?? []).slice(0, 10).map((e) => `${e.instancePath === "" ? "event" : e.instancePath} ${e.message ?? "is invalid"}`);
  return `does not match the source's JSON schema: ${errs.join("; ")}`;
}
