// state/pg: the PostgreSQL state backend for teams and CI (after Terraform's `pg` backend).
// One schema (default `meshroom`) with `meshroom_states` (one row per workspace: the state
// document as text, lineage, serial, content hash) and `meshroom_locks` (details of held
// locks); locks are session advisory locks held on a dedicated connection. Owns the backend
// settings resolution (conn_str / env var) and the mapping of connection failures to
// E_STATE / E_STATE_WRITE. No printing, no exiting.
export { PgBackend } from "./pg-backend.js";
export { PgStateStore } from "./pg-store.js";
export type { PgBackendOptions } from "./pg-context.js";
export {
  DEFAULT_CONN_STR_ENV,
  DEFAULT_PG_SCHEMA,
  redactConnString,
  PgSettingsSchema,
  resolvePgConfig,
} from "./config.js";
export type { PgConfig, PgSettings } from "./config.js";
export { isConnectionFailure } from "./pg-errors.js";
