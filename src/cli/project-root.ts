import { resolve } from "node:path";
import type { CliContext } from "./context.js";

export function projectRoot(ctx: CliContext): string {
  return resolve(ctx.globals().path);
}
