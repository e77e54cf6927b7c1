// state: what meshroom remembers between runs, in three parts (after Terraform's states/,
// statefile/ and statemgr/):
// - the in-memory model (`MeshState`, resources by address) used by plan/apply;
// - the versioned file format (zod schema, `parseStateText`, one deterministic rendering) with
//   lineage (set once) and serial (bumped only when content changes);
// - storage behind small roles (`StateReader`, `StateWriter`, `StateLocker`, workspaces): the
//   local JSON backend with its lock file, PostgreSQL (pg/). Stores are plain storage: they
//   schedule nothing and take one write at a time;
// - `StatePersister` (persister.ts), the one persistence pipeline of a run that changes state
//   (after Terraform's StateHook): it alone decides when state is written — background saves
//   paced by `SavePacing` (its PersistInterval), the per-step group commit (`flush()`: everyone
//   waiting shares the next write), and the last synchronous save of a process about to exit
//   (`saveNow` / `saveWhenStopped`, its Stopping()).
// Secret values never enter state: only keyed HMACs (`secret_hmacs`). No printing, no exiting.
// with-state-lock.ts holds an operation under the state lock (imported by file, not through this index).
// May import: util, errors.
export {
  STATE_FORMAT_VERSION,
  StateFileSchema,
  StateResourceSchema,
  StepRecordSchema,
  PendingStepSchema,
  parseStateText,
  parseStateValue,
} from "./schema.js";
export type { JsonObject, JsonValue, PendingStep, ResourceStatus, StateFile, StateResource, StepRecord } from "./schema.js";
export { MeshState, emptyStateFile } from "./model.js";
export { renderState, canonicalJson } from "./render-state.js";
export type { RenderedState } from "./render-state.js";
export { decideWrite } from "./write-rules.js";
export type { StoredSnapshot, WriteDecision } from "./write-rules.js";
export { DEFAULT_WORKSPACE, assertWorkspaceName } from "./backend.js";
export type {
  LockHandle,
  LockInfo,
  LockOptions,
  LockRequest,
  StateBackend,
  StateLocker,
  StateReader,
  StateStore,
  StateWriter,
  WriteOutcome,
} from "./backend.js";
export { describeHolder, lockedError } from "./lock-messages.js";
export type { LockHolder } from "./lock-messages.js";
export { FileLock } from "./lock-file.js";
export { currentUser } from "../util/lock-file.js";
export { PRIVATE_FILE_MODE, writeFileAtomic, writeFileAtomicSync } from "../util/atomic-write.js";
export {
  LocalBackend,
  STATE_FILE_NAME,
  STATE_BACKUP_NAME,
  STATE_ERRORED_NAME,
  LOCK_FILE_NAME,
} from "./local-backend.js";
export { LocalStateStore } from "./local-store.js";
export type { LocalPaths } from "./local-store.js";
export { APPLY_SAVE_PACING, StatePersister } from "./persister.js";
export type { EmergencySave, PersisterOptions, PersisterStats, SavePacing } from "./persister.js";
