import { secretAccess } from "../engine/live/hook-input.js";
import type { RuntimeDeps } from "../engine/live/live-hook-operation.js";
import type { CliContext } from "./context.js";
import { secretsOpener } from "./secrets-opener.js";
import { terminalSafe } from "../util/terminal-safe.js";

/** Hook runtime dependencies for a CLI command: lazy secrets, logs on stderr, Ctrl-C → abort. */
export function cliHookDeps(ctx: CliContext, root: string): RuntimeDeps & { flush(): Promise<void>; dispose(): void } {
  const secrets = secretAccess(secretsOpener(ctx, root));
  const ctl = new AbortController();
  const onSignal = () => ctl.abort(new Error("interrupted"));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return {
    secrets,
    signal: ctl.signal,
    log: (e) => ctx.err(terminalSafe(`${e.address}: ${e.level === "info" ? "" : `${e.level}: `}${e.message}`)),
    flush: () => secrets.flush(),
    dispose() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

/** One line of output for a hook's value: strings as they are, anything else as JSON; control characters escaped. */
export function formatValue(v: unknown): string {
  return terminalSafe(typeof v === "string" ? v : JSON.stringify(v));
}
