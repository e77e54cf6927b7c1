import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadHooks, type HookEntry, type HookRegistry } from "../../src/hooks/index.js";
import type { CommandHookDecl } from "../../src/model/index.js";

/** A temp project outside the repo (no node_modules anywhere above it that has meshroom). */
export class TempProject {
  readonly root = mkdtempSync(join(tmpdir(), "meshroom-hooks-"));

  write(rel: string, content: string): string {
    const full = join(this.root, rel);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    return full;
  }

  path(rel: string): string {
    return join(this.root, rel);
  }

  load(products: string[], commandHooks: Record<string, CommandHookDecl[]> = {}): Promise<HookRegistry> {
    return loadHooks({
      root: this.root,
      products: products.map((name) => ({ name, dir: join(this.root, "products", name), commandHooks: commandHooks[name] ?? [] })),
    });
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

export function only(reg: HookRegistry, pred: (e: HookEntry) => boolean = () => true): HookEntry {
  const found = reg.entries().filter(pred);
  if (found.length !== 1) throw new Error(`expected one hook, found ${found.length}: ${found.map((e) => e.descriptor.id).join(", ")}`);
  return found[0]!;
}

/** Rejection of a promise, or a failure when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; detail?: string; cause?: unknown }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error("expected a rejection");
}
