// exec: the single place meshroom spawns processes. `runCommand` runs a program to completion
// (execa; process-group kill on timeout/abort; redacted E_EXEC errors); `spawnDetached` /
// `stopProcess` manage daemons with a pid file and a log file; `hookEnvironment` is the minimal
// environment of every program a hook starts (never meshroom's credentials).
// May import: util, errors.
export { runCommand, stderrTail, type RunCommandOptions, type CommandResult } from "./run-command.js";
export { environmentWithoutCredentials, hookEnvironment, BASE_HOOK_ENV, type HookEnvOptions } from "./hook-env.js";
export { spawnDetached, stopProcess, isProcessRunning, readPid, isAlive, type SpawnDetachedOptions } from "./detached.js";
export { startServiceProcess, findExecutable, type ServiceProcess, type ServiceProcessOptions } from "./service-process.js";
