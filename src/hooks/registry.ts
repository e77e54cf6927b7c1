import { MeshroomError } from "../errors/index.js";
import type { HookDescriptor } from "../model/index.js";
import type { HookContext } from "./types.js";

/** A hook body as the runner calls it (TS hooks and command hooks alike). */
export type HookFn = (ctx: HookContext) => unknown;

export interface HookEntry {
  descriptor: HookDescriptor;
  fn: HookFn;
  /** Directory of the declaring file: cwd of command hooks, root of scaffold files. */
  dir: string;
}

/** The hooks of one loaded project. Holds functions; never calls them. */
export class HookRegistry {
  private readonly byId = new Map<string, HookEntry>();

  constructor(
    entries: readonly HookEntry[],
    /** Non-fatal findings of the load (e.g. an integration hook file without its YAML). */
    readonly warnings: readonly string[] = [],
  ) {
    for (const e of entries) {
      if (this.byId.has(e.descriptor.id)) {
        throw new MeshroomError("E_INTERNAL", `two hooks share the id ${e.descriptor.id}`);
      }
      this.byId.set(e.descriptor.id, e);
    }
  }

  entries(): HookEntry[] {
    return [...this.byId.values()];
  }

  /** What the capability graph needs: every hook, without its body. */
  descriptors(): HookDescriptor[] {
    return this.entries().map((e) => e.descriptor);
  }

  get(id: string): HookEntry | undefined {
    return this.byId.get(id);
  }

  /** The entry for a descriptor id; E_NO_HOOK when the project no longer declares it. */
  require(id: string): HookEntry {
    const e = this.byId.get(id);
    if (!e) {
      throw new MeshroomError("E_NO_HOOK", `hook ${id} is not declared any more`, {
        detail: "the project's hook files changed since the plan was made; run `meshroom plan` again",
      });
    }
    return e;
  }

  get size(): number {
    return this.byId.size;
  }
}
