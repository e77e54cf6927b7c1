import { MODES, ROLES } from "../model/capability.js";
import type { InstanceInputs, PlugInputs } from "../model/index.js";
import { nonEmptyString, plainWithKeys } from "../util/plain-object.js";

/**
 * Hand-written checks of a stored resource's inputs, for speed: a no-op plan of 10,000 plugs
 * types every resource of its state, and zod (which also copies each object) cost a tenth of its
 * time. They are at least as strict as `InstanceInputsSchema` / `PlugInputsSchema` (document.ts):
 * exactly the schema's keys (zod would strip others, so those go to zod), plain objects, JSON
 * settings. When a check says yes, zod would accept the value unchanged and it is used as is;
 * when it says no, the caller runs zod, which gives the message (or the stripped copy).
 */
export function isInstanceInputs(v: unknown): v is InstanceInputs {
  if (!plainWithKeys(v, INSTANCE_KEYS, INSTANCE_KEYS.size)) return false;
  const r = v as Record<string, unknown>;
  return nonEmptyString(r.name) && nonEmptyString(r.product) && isJsonRecord(r.settings);
}

export function isPlugInputs(v: unknown): v is PlugInputs {
  if (!plainWithKeys(v, PLUG_KEYS, PLUG_KEYS.size)) return false;
  const r = v as Record<string, unknown>;
  return (
    nonEmptyString(r.src) && nonEmptyString(r.dst) && nonEmptyString(r.topic) && nonEmptyString(r.owner) &&
    typeof r.mode === "string" && MODE_SET.has(r.mode) &&
    (r.format === null || typeof r.format === "string") &&
    (r.kind === "data" || r.kind === "action") &&
    (r.src_integration === null || isIntegrationRef(r.src_integration)) &&
    (r.dst_integration === null || isIntegrationRef(r.dst_integration)) &&
    plainWithKeys(r.settings, SIDE_KEYS, SIDE_KEYS.size) &&
    isJsonRecord((r.settings as Record<string, unknown>).src) &&
    isJsonRecord((r.settings as Record<string, unknown>).dst)
  );
}

const INSTANCE_KEYS: ReadonlySet<string> = new Set(["name", "product", "settings"]);
const PLUG_KEYS: ReadonlySet<string> = new Set(["src", "dst", "topic", "mode", "format", "kind", "owner", "src_integration", "dst_integration", "settings"]);
const SIDE_KEYS: ReadonlySet<string> = new Set(["src", "dst"]);
const REF_KEYS: ReadonlySet<string> = new Set(["product", "target", "topic", "role", "mode", "format", "explicit"]);
const MODE_SET: ReadonlySet<string> = new Set<string>(MODES);
const ROLE_SET: ReadonlySet<string> = new Set<string>(ROLES);

function isIntegrationRef(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return false;
  // `format` is the one optional key
  if (!plainWithKeys(v, REF_KEYS, "format" in v ? REF_KEYS.size : REF_KEYS.size - 1)) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.product === "string" && typeof r.target === "string" && typeof r.topic === "string" &&
    typeof r.role === "string" && ROLE_SET.has(r.role) &&
    typeof r.mode === "string" && MODE_SET.has(r.mode) &&
    (!("format" in r) || typeof r.format === "string") &&
    typeof r.explicit === "boolean"
  );
}

/** An object of JSON values, as the schema's `JsonRecord` requires (finite numbers, plain objects, bounded depth). */
function isJsonRecord(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && isJson(v, 0);
}

function isJson(v: unknown, depth: number): boolean {
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") return Number.isFinite(v);
  if (depth > 64 || typeof v !== "object") return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!isJson(v[i], depth + 1)) return false;
    return true;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return false;
  for (const k in v) if (!isJson((v as Record<string, unknown>)[k], depth + 1)) return false;
  return true;
}
