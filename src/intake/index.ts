// intake: the MozDef-style event intake service (`meshroom intake serve`). Owns per-source
// token auth, event validation (required fields + per-source JSON schema), the MozDef-style
// envelope, the durable spool (the queue), the dead-letter queue and its reprocessing, the
// admin API and counters. Storage sits behind `IntakeQueue` (queue.ts), one kind per URL
// scheme (queue-kinds.ts; `file`, the data directory, by default; `nats`, JetStream, shared by
// many intake processes; `--workers N` runs N of them on one port, workers.ts). The rest of meshroom talks to it only over HTTP and the CLI;
// this module imports nothing of meshroom but `errors` and `util` (lock files, process checks).
//
// Data directory: spool.jsonl, dlq.jsonl, sources.json (token hashes only), counters.json, idempotency.jsonl,
// admin.token (when generated), intake.lock + server.json (while a process owns it).
// The HTTP API and file formats are documented in API.md next to this file.
export { startIntakeServer } from "./server.js";
export { startWorkerPool } from "./workers.js";
export type { WorkerPool, WorkerPoolOptions } from "./workers.js";
export { DEFAULT_MAX_BODY } from "./defaults.js";
export type { ConnectionLimits, IntakeServer, IntakeServerOptions } from "./server.js";
export { reprocessDir } from "./reprocess.js";
export type { ReprocessOptions, ReprocessOutcome } from "./reprocess.js";
export { listDeadLetters } from "./dlq-list.js";
export type { DlqListOptions, DlqListing } from "./dlq-list.js";
export type { ReprocessResult, IngestResult, Rejection } from "./store.js";
export type { IntakeQueue, QueueDeadLetters, QueueEvents, QueueIdempotency, QueueSources } from "./queue.js";
export { DEFAULT_QUEUE_SCHEME, openQueue, queueSchemes, registerQueueKind } from "./queue-kinds.js";
export type { QueueKind, QueueOpenOptions, QueueTarget } from "./queue-kinds.js";
export { resolveAdminToken, ADMIN_TOKEN_ENV, ADMIN_TOKEN_FILE } from "./admin-token.js";
export type { AdminTokenSource } from "./admin-token.js";
export { writeFileAtomic } from "./atomic-file.js";
export { SEVERITIES, EVENTSOURCE } from "./envelope.js";
export type { EventEnvelope, Severity } from "./envelope.js";
export type { DlqEntry } from "./dlq.js";
export type { QueuePage } from "./spool.js";
export type { CounterSnapshot } from "./counters.js";
export type { SourceInfo, SourceKind } from "./sources.js";
export { readServerInfo, LOCK_FILE, SERVER_FILE } from "./dir-lock.js";
export type { ServerInfo } from "./dir-lock.js";
