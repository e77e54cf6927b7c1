/**
 * Names of environment variables a hook may declare (`env: [NAME, …]`): what a hook's
 * processes inherit from meshroom's environment beyond the base set (see exec/hook-env.ts).
 * `MESHROOM_*` variables are meshroom's own settings and credentials (MESHROOM_PASSPHRASE,
 * MESHROOM_GPG_KEY, MESHROOM_PG_CONN_STR, …): no hook may declare one.
 */
export const RESERVED_ENV_PREFIX = "MESHROOM_";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why `name` cannot be declared in a hook's `env` ("cannot pass NAME to a hook: …"), or undefined when it can. */
export function hookEnvNameProblem(name: string): string | undefined {
  if (!ENV_NAME.test(name)) return `cannot pass ${JSON.stringify(name)} to a hook: not an environment variable name (letters, digits and _, not starting with a digit)`;
  if (name.toUpperCase().startsWith(RESERVED_ENV_PREFIX)) {
    return `cannot pass ${name} to a hook: ${RESERVED_ENV_PREFIX}* variables are meshroom's own (its passphrase and connection strings among them) and never reach hooks; give the hook what it needs as a secret (\`secrets: [NAME]\`) instead`;
  }
  if (withheld().has(name)) return `cannot pass ${name} to a hook: it holds the state backend's connection string, which never reaches hooks`;
  return undefined;
}

/**
 * Variables holding meshroom's credentials: never in a hook's environment, even when hook code
 * passes them explicitly (e.g. `env: { ...process.env }`). The pg backend adds the name its
 * `conn_str_env` setting chose.
 */
const KEY = Symbol.for("meshroom.env.withheld");
function withheld(): Set<string> {
  const g = globalThis as unknown as Record<symbol, Set<string> | undefined>;
  return (g[KEY] ??= new Set(["MESHROOM_PASSPHRASE", "MESHROOM_GPG_KEY", "MESHROOM_PG_CONN_STR"]));
}

export function withholdEnvName(name: string): void {
  withheld().add(name);
}

export function isWithheldEnvName(name: string): boolean {
  return withheld().has(name);
}
