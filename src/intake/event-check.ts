// The checks every queue kind runs on an event before storing it: base fields, the source's
// JSON schema, the envelope; and the same for a dead letter being reprocessed. Pure code over
// a validator lookup, shared by the file queue (store.ts) and JetStream (js-queue.ts).
import type { ValidateFunction } from "ajv";
import type { BodyItem } from "./body.js";
import type { DlqEntry, NewDlqEntry } from "./dlq.js";
import { checkBaseEvent, toEnvelope } from "./envelope.js";
import { shapeProblem } from "./limits.js";
import type { IngestMeta } from "./queue.js";
import { schemaErrorsText } from "./sources.js";
import { toSpoolRecord, type SpoolRecord } from "./spool.js";

export type Checked = { ok: true; record: SpoolRecord } | { ok: false; reason: string };

export type ValidatorOf = (source: string) => ValidateFunction | undefined;

/** One event of `source`: its envelope serialised, or why it is rejected. */
export function checkEvent(validatorOf: ValidatorOf, source: string, value: unknown, meta: IngestMeta, reprocessedFrom?: string): Checked {
  const base = checkBaseEvent(value);
  if (!base.ok) return base;
  const validate = validatorOf(source);
  if (validate && !validate(value)) return { ok: false, reason: schemaErrorsText(validate) };
  const ctx = { source, receivedAt: meta.receivedAt, remoteAddress: meta.remoteAddress, reprocessedFrom };
  try {
    const envelope = toEnvelope(value as Record<string, unknown>, base.event, ctx);
    // the key travels with the events in the same append: a crash before the reply is recognised on a retry
    const keyed = meta.idempotencyKey === undefined ? envelope : { ...envelope, idempotency_key: meta.idempotencyKey };
    return { ok: true, record: toSpoolRecord(keyed) };
  } catch (e) {
    // the shape bounds make this unreachable; should it happen, the event is dead-lettered, not the batch failed
    return { ok: false, reason: `the event cannot be stored: ${(e as Error).message}` };
  }
}

/** A dead letter checked again against the current schema of its source. */
export function recheckDeadLetter(validatorOf: ValidatorOf, entry: DlqEntry): Checked {
  if (entry.raw_base64 !== undefined || entry.raw_truncated) return { ok: false, reason: entry.reason };
  let value: unknown;
  try {
    value = JSON.parse(entry.raw);
  } catch (e) {
    return { ok: false, reason: `not JSON: ${(e as Error).message}` };
  }
  const problem = shapeProblem(value);
  if (problem !== undefined) return { ok: false, reason: problem };
  const received = new Date(entry.received_at);
  const meta = { receivedAt: Number.isNaN(received.getTime()) ? new Date() : received, remoteAddress: entry.remote_address ?? "unknown" };
  return checkEvent(validatorOf, entry.source, value, meta, entry.id);
}

/** The dead-letter entry for a rejected body item. */
export function deadLetterOf(source: string, item: BodyItem, reason: string, meta: IngestMeta): NewDlqEntry {
  const entry: NewDlqEntry = { source, reason, received_at: meta.receivedAt.toISOString(), raw: item.raw, remote_address: meta.remoteAddress };
  if (!item.ok && item.rawBase64 !== undefined) entry.raw_base64 = item.rawBase64;
  if (!item.ok && item.rawTruncated) entry.raw_truncated = true;
  return entry;
}
