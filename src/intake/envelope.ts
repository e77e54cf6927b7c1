// The event contract: what a producer must send (checked with zod, then with the source's
// JSON schema) and the MozDef-style envelope an accepted event is wrapped in. Pure code.
import { z } from "zod";

export const SEVERITIES = ["DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"] as const;
export type Severity = (typeof SEVERITIES)[number];

const isoDate = z
  .string()
  .max(64)
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: "must be a date (ISO 8601)" });

/**
 * Required: a non-empty `summary` string or a non-null `payload`. Optional fields that the
 * envelope lifts out must have the right type when present; any other field is kept as is.
 */
export const IncomingEventSchema = z
  .looseObject({
    summary: z.string().min(1).max(8192).optional(),
    payload: z.unknown().optional(),
    category: z.string().min(1).max(256).optional(),
    severity: z
      .string()
      .transform((s) => s.toUpperCase())
      .pipe(z.enum(SEVERITIES))
      .optional(),
    tags: z.array(z.string().min(1).max(256)).max(100).optional(),
    hostname: z.string().min(1).max(255).optional(),
    processname: z.string().min(1).max(255).optional(),
    processid: z.number().int().nonnegative().optional(),
    utctimestamp: isoDate.optional(),
    timestamp: isoDate.optional(),
  })
  .refine((e) => e.summary !== undefined || (e.payload !== undefined && e.payload !== null), {
    message: "an event needs a non-empty `summary` string or a `payload`",
  });

export type IncomingEvent = z.infer<typeof IncomingEventSchema>;

/** What an accepted event looks like on the queue (`offset` is added by the spool). */
export interface EventEnvelope {
  offset: number;
  hostname: string;
  processname: string;
  processid: number | null;
  summary: string;
  category: string;
  source: string;
  eventsource: string;
  severity: Severity;
  tags: string[];
  details: Record<string, unknown>;
  utctimestamp: string;
  receivedtimestamp: string;
  /** Set when the event came out of the DLQ by `reprocess`: the DLQ entry's id. */
  reprocessed_from?: string;
  /** The producer's `Idempotency-Key` of the request that stored the event, when it sent one. */
  idempotency_key?: string;
}

export type UnsequencedEnvelope = Omit<EventEnvelope, "offset">;

export const EVENTSOURCE = "meshroom-intake";

export type BaseCheck = { ok: true; event: IncomingEvent } | { ok: false; reason: string };

/** Checks the required fields and the types of the lifted fields. */
export function checkBaseEvent(value: unknown): BaseCheck {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, reason: `an event must be a JSON object, got ${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}` };
  }
  const quick = plainEvent(value as Record<string, unknown>);
  if (quick !== undefined) return { ok: true, event: quick };
  const r = IncomingEventSchema.safeParse(value);
  if (r.success) return { ok: true, event: r.data };
  const parts = r.error.issues.map((i) => (i.path.length > 0 ? `\`${i.path.join(".")}\` ${i.message}` : i.message));
  return { ok: false, reason: `invalid event: ${parts.join("; ")}` };
}

const SEVERITY_SET: ReadonlySet<string> = new Set(SEVERITIES);

const isText = (v: unknown, max: number): v is string => typeof v === "string" && v.length >= 1 && v.length <= max;
const isDate = (v: unknown): v is string => typeof v === "string" && v.length <= 64 && !Number.isNaN(Date.parse(v));

/**
 * The fast path of checkBaseEvent for the common event: the lifted fields read by hand, with
 * rules no looser than IncomingEventSchema (a test holds the two together). Undefined when in
 * any doubt: the schema then decides, and words the reason.
 */
export function plainEvent(e: Record<string, unknown>): IncomingEvent | undefined {
  const { summary, payload, category, severity, tags, hostname, processname, processid, utctimestamp, timestamp } = e;
  if (summary !== undefined ? !isText(summary, 8192) : payload === undefined || payload === null) return undefined;
  if (category !== undefined && !isText(category, 256)) return undefined;
  if (hostname !== undefined && !isText(hostname, 255)) return undefined;
  if (processname !== undefined && !isText(processname, 255)) return undefined;
  if (processid !== undefined && !(typeof processid === "number" && Number.isSafeInteger(processid) && processid >= 0)) return undefined;
  if (utctimestamp !== undefined && !isDate(utctimestamp)) return undefined;
  if (timestamp !== undefined && !isDate(timestamp)) return undefined;
  let upper: Severity | undefined;
  if (severity !== undefined) {
    if (typeof severity !== "string") return undefined;
    const s = severity.toUpperCase();
    if (!SEVERITY_SET.has(s)) return undefined;
    upper = s as Severity;
  }
  if (tags !== undefined && !(Array.isArray(tags) && tags.length <= 100 && tags.every((t) => isText(t, 256)))) return undefined;
  return { summary, payload, category, severity: upper, tags, hostname, processname, processid, utctimestamp, timestamp } as IncomingEvent;
}

export interface EnvelopeContext {
  source: string;
  receivedAt: Date;
  /** The peer's address: the hostname when the event names none. */
  remoteAddress: string;
  reprocessedFrom?: string;
}

/** Wraps a checked event; `details` keeps the original fields untouched. */
export function toEnvelope(original: Record<string, unknown>, ev: IncomingEvent, ctx: EnvelopeContext): UnsequencedEnvelope {
  const received = ctx.receivedAt.toISOString();
  const when = ev.utctimestamp ?? ev.timestamp;
  const tags = [...(ev.tags ?? [])];
  if (ctx.reprocessedFrom !== undefined && !tags.includes("reprocessed")) tags.push("reprocessed");
  const env: UnsequencedEnvelope = {
    hostname: ev.hostname ?? ctx.remoteAddress,
    processname: ev.processname ?? "unknown",
    processid: ev.processid ?? null,
    summary: ev.summary ?? summarize(ev.payload),
    category: ev.category ?? "event",
    source: ctx.source,
    eventsource: EVENTSOURCE,
    severity: ev.severity ?? "INFO",
    tags,
    details: original,
    utctimestamp: when === undefined ? received : new Date(when).toISOString(),
    receivedtimestamp: received,
  };
  if (ctx.reprocessedFrom !== undefined) env.reprocessed_from = ctx.reprocessedFrom;
  return env;
}

function summarize(payload: unknown): string {
  const text = typeof payload === "string" ? payload : JSON.stringify(payload) ?? "";
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
