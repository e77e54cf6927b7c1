import { readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { setupRecords, type ResourceRuntime, type ResourceStep } from "../../apply/index.js";
import { MeshroomError, isMeshroomError } from "../../errors/index.js";
import type { HookDescriptor } from "../../model/index.js";
import type { Plan } from "../../plan/index.js";
import type { MeshState } from "../../state/index.js";

/**
 * Apply's check of the secrets store before any hook runs: a hook that creates a credential and
 * hands it to `setSecret` must not run when the store cannot save it (no recipient) or cannot be
 * read (no private key or passphrase) — the credential would exist, unrecorded, and be lost.
 *
 * Which hooks may use secrets is read from their source: a hook file that mentions
 * `setSecret`/`deleteSecret` (itself or a project file it imports) may write, one that mentions
 * `getSecret` may read; a YAML command hook reads the secrets it declares. A hook that reaches the
 * store some other way is still safe: its secrets are saved before its step is recorded, and a
 * failed save fails the step (hook-runtime.ts).
 */
export interface SecretsNeeds {
  read: boolean;
  write: boolean;
  /** The hooks behind the needs, for the message: "'title' (file)". */
  hooks: string[];
}

export interface SecretsChecker {
  checkAccess(needs: { read: boolean; write: boolean }): Promise<void>;
}

/** Fails, before anything ran, when the plan's hooks may need the store and it is not usable. */
export async function preflightSecrets(
  root: string, plan: Plan, runtime: ResourceRuntime, state: MeshState, open: () => Promise<SecretsChecker>, leaving: readonly string[] = [],
): Promise<void> {
  const needs = secretsNeedsOf(root, plan, runtime, state);
  if (leaving.length > 0) {
    // the secrets of what leaves the mesh are deleted once it is torn down: the store must open and save
    needs.read = needs.write = true;
    needs.hooks.unshift(`deleting the secrets of ${leaving.slice(0, 3).join(", ")}${leaving.length > 3 ? ` and ${leaving.length - 3} more` : ""}`);
  }
  if (!needs.read && !needs.write) return;
  try {
    await (await open()).checkAccess(needs);
  } catch (e) {
    if (!isMeshroomError(e)) throw e;
    throw new MeshroomError(e.code, `Nothing was applied: ${e.message}`, {
      detail:
        `${e.detail ? `${e.detail}\n` : ""}No hook ran. What in this plan may ${needs.write ? "save" : "read"} secrets: ` +
        `${needs.hooks.slice(0, 5).join(", ")}${needs.hooks.length > 5 ? `, and ${needs.hooks.length - 5} more` : ""}.`,
      cause: e,
    });
  }
}

/** What the hooks this plan runs may do with secrets. */
export function secretsNeedsOf(root: string, plan: Plan, runtime: ResourceRuntime, state: MeshState): SecretsNeeds {
  const needs: SecretsNeeds = { read: false, write: false, hooks: [] };
  if (plan.mode === "refresh-only") return needs; // records what read hooks found; runs no hook
  const scanner = new SourceScanner(root);
  const seen = new Set<string>();
  for (const step of plannedSteps(plan, runtime, state)) {
    if (!step.hook || seen.has(step.hook.id)) continue;
    seen.add(step.hook.id);
    const use = scanner.useOf(step.hook);
    if (!use.read && !use.write) continue;
    needs.read ||= use.read;
    needs.write ||= use.write;
    needs.hooks.push(`'${step.hook.title}' (${step.hook.source})`);
  }
  return needs;
}

/** Every step apply may run for this plan (teardowns as if every setup step completed). */
function plannedSteps(plan: Plan, runtime: ResourceRuntime, state: MeshState): ResourceStep[] {
  const out: ResourceStep[] = [];
  for (const c of plan.changes) {
    if ((c.action === "create" || c.action === "replace") && c.after) {
      out.push(...runtime.setupSteps({ address: c.address, type: c.type, inputs: c.after.inputs }));
    }
    if (c.action === "update" && c.after) out.push(...runtime.updateSteps({ address: c.address, type: c.type, inputs: c.after.inputs }));
    const prior = state.get(c.address);
    if ((c.action === "delete" || c.action === "replace") && prior) {
      const r = { address: c.address, type: prior.type, inputs: prior.inputs };
      out.push(...runtime.teardownSteps(r, setupRecords(c.address, prior.steps_done), prior.status));
    }
  }
  return out;
}

const WRITES = /\b(setSecret|deleteSecret)\b/;
const READS = /\bgetSecret\b/;
const DECLARES = /\bsecrets\s*:/;
const IMPORTS = /(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+)["']/g;

/** Reads hook files (and the project files they import), once each. */
class SourceScanner {
  private readonly _cache = new Map<string, { read: boolean; write: boolean }>();
  constructor(private readonly _root: string) {}

  useOf(h: HookDescriptor): { read: boolean; write: boolean } {
    const file = isAbsolute(h.source) ? h.source : join(this._root, h.source);
    if (/\.ya?ml$/.test(file)) return { read: DECLARES.test(readText(file)), write: false };
    return this._scan(file, new Set());
  }

  private _scan(file: string, visiting: Set<string>): { read: boolean; write: boolean } {
    const cached = this._cache.get(file);
    if (cached) return cached;
    if (visiting.has(file)) return { read: false, write: false };
    visiting.add(file);
    const text = readText(file);
    const use = { read: READS.test(text), write: WRITES.test(text) };
    for (const m of text.matchAll(IMPORTS)) {
      if (use.read && use.write) break;
      const dep = this._resolve(file, m[1]!);
      if (!dep) continue;
      const d = this._scan(dep, visiting);
      use.read ||= d.read;
      use.write ||= d.write;
    }
    this._cache.set(file, use);
    return use;
  }

  /** A relative import inside the project, as a file on disk (`./x.js` may be `./x.ts`). */
  private _resolve(from: string, spec: string): string | undefined {
    const base = resolve(dirname(from), spec);
    const rel = relative(this._root, base);
    if (rel.startsWith("..") || isAbsolute(rel)) return undefined;
    const stem = base.replace(/\.(m?js|cjs)$/, "");
    return [base, `${stem}.ts`, `${stem}.mts`, `${base}.ts`, join(base, "index.ts")].find(isFile);
  }
}

function isFile(f: string): boolean {
  return statSync(f, { throwIfNoEntry: false })?.isFile() ?? false;
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
