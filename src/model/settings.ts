import type { RawSetting } from "./schemas.js";
import { MeshroomError } from "../errors/index.js";
import type { SettingType } from "./setting-types.js";

export { SETTING_TYPES, type SettingType } from "./setting-types.js";

export interface SettingDef {
  name: string;
  type: SettingType;
  description?: string;
  default?: unknown;
  required: boolean;
  secret: boolean;
  /** object settings: nested properties */
  properties?: SettingDef[];
  /** array settings: the item shape */
  items?: SettingDef;
}

/** Secret by flag, or by name (10-project-and-cli.md). */
export const SECRET_NAME_PATTERN = /password|token|secret|api_?key/i;

export function normalizeSetting(raw: RawSetting): SettingDef {
  const type: SettingType = raw.type ?? inferType(raw);
  const def: SettingDef = {
    name: raw.name,
    type,
    required: raw.required ?? false,
    secret: raw.secret ?? SECRET_NAME_PATTERN.test(raw.name),
  };
  if (raw.description !== undefined) def.description = raw.description;
  if (raw.default !== undefined) def.default = raw.default;
  if (raw.properties) def.properties = raw.properties.map(normalizeSetting);
  if (raw.items) def.items = normalizeSetting(raw.items);
  return def;
}

function inferType(raw: RawSetting): SettingType {
  const d = raw.default;
  if (raw.properties) return "object";
  if (raw.items) return "array";
  if (typeof d === "boolean") return "boolean";
  if (typeof d === "number") return Number.isInteger(d) ? "integer" : "number";
  if (Array.isArray(d)) return "array";
  if (d !== null && typeof d === "object") return "object";
  return "string";
}

/** Converts a CLI string (`-c key=value`) into the setting's type; throws E_BAD_VALUE with the reason. */
export function coerceSettingValue(def: SettingDef, text: string): unknown {
  const bad = (why: string) =>
    new MeshroomError("E_BAD_VALUE", `setting ${def.name}: ${JSON.stringify(text)} is not ${why}`);
  switch (def.type) {
    case "string":
      return text;
    case "integer": {
      if (!/^[-+]?\d+$/.test(text.trim())) throw bad("an integer");
      const n = Number(text);
      if (!Number.isSafeInteger(n)) throw bad("a safe integer");
      return n;
    }
    case "number": {
      const n = Number(text);
      if (text.trim() === "" || !Number.isFinite(n)) throw bad("a number");
      return n;
    }
    case "boolean": {
      const t = text.trim().toLowerCase();
      if (["true", "yes", "1", "on"].includes(t)) return true;
      if (["false", "no", "0", "off"].includes(t)) return false;
      throw bad("a boolean (true/false)");
    }
    case "array":
    case "object": {
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch {
        if (def.type === "array") return text.split(",").map((s) => s.trim()).filter((s) => s !== "");
        throw bad("a JSON object");
      }
      checkSettingValue(def, v);
      return v;
    }
  }
}

/** Checks an already-parsed value (from YAML) against the setting's type; throws E_BAD_VALUE. */
export function checkSettingValue(def: SettingDef, v: unknown, path = def.name): void {
  const bad = (why: string) => new MeshroomError("E_BAD_VALUE", `setting ${path}: expected ${why}, got ${describe(v)}`);
  switch (def.type) {
    case "string":
      if (typeof v !== "string") throw bad("a string");
      return;
    case "integer":
      if (typeof v !== "number" || !Number.isInteger(v)) throw bad("an integer");
      return;
    case "number":
      if (typeof v !== "number" || !Number.isFinite(v)) throw bad("a number");
      return;
    case "boolean":
      if (typeof v !== "boolean") throw bad("a boolean");
      return;
    case "array":
      if (!Array.isArray(v)) throw bad("an array");
      if (def.items) v.forEach((item, i) => checkSettingValue(def.items!, item, `${path}[${i}]`));
      return;
    case "object":
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw bad("an object");
      for (const p of def.properties ?? []) {
        const pv = (v as Record<string, unknown>)[p.name];
        if (pv === undefined) {
          if (p.required && p.default === undefined) throw new MeshroomError("E_MISSING_VALUE", `setting ${path}.${p.name} is required`);
          continue;
        }
        checkSettingValue(p, pv, `${path}.${p.name}`);
      }
      return;
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "string" ? `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}` : `${typeof v} ${JSON.stringify(v)}`;
}
