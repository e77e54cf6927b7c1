import { type HookDescriptor, type HookKind, type IntegrationKey, type Role, PLUG_LIFECYCLE_HOOK_KINDS, PRODUCT_ONLY_HOOK_KINDS } from "../model/index.js";
import { checkHookOptions, type CheckedHookOptions } from "./hook-options.js";

export const DEFAULT_HOOK_TIMEOUT_S = 300;

/** A registration before it is placed in a file's context. */
export interface RawHook {
  registrar: string;
  kind: HookKind;
  role?: Role;
  topic?: string;
  opts: unknown;
  /** Used as the title when the options have none. */
  defaultTitle: string;
  /** Set by YAML command hooks (`target:`). */
  target?: string;
  /**
   * True when `opts` already passed a schema at least as strict as checkHookOptions (a YAML
   * command hook's, checked when its manifest was parsed): not checked again, as a catalog can
   * declare thousands.
   */
  optsChecked?: boolean;
}

/** Where a hook was declared. */
export type HookOrigin =
  | { type: "product"; product: string; source: string }
  | { type: "integration"; product: string; target: string; key: IntegrationKey; source: string };

const PLUG_KINDS: ReadonlySet<HookKind> = new Set(PLUG_LIFECYCLE_HOOK_KINDS);
const PRODUCT_ONLY: ReadonlySet<HookKind> = new Set(PRODUCT_ONLY_HOOK_KINDS);

/** Builds the descriptor, or returns the problem (a sentence) when the registration is invalid here. */
export function toDescriptor(raw: RawHook, origin: HookOrigin, id: string): HookDescriptor | string {
  let o: CheckedHookOptions;
  if (raw.optsChecked) o = (raw.opts ?? {}) as CheckedHookOptions;
  else {
    const checked = checkHookOptions(raw.opts);
    if (Array.isArray(checked)) return `${raw.registrar}(): bad options: ${checked.join("; ")}`;
    o = checked;
  }
  let role = raw.role ?? o.role;
  let topic = raw.topic ?? o.topic;
  let mode = o.mode;
  let format = o.format;
  let target = raw.target;
  if (origin.type === "integration") {
    if (PRODUCT_ONLY.has(raw.kind)) return `${raw.registrar}() belongs in a product-wide file (products/${origin.product}/*.ts), not in an integration's`;
    const k = origin.key;
    const clash = (what: string, got: unknown, want: unknown) =>
      `${raw.registrar}(): ${what} ${JSON.stringify(got)} contradicts the integration file name (${what} ${JSON.stringify(want)})`;
    if (role !== undefined && role !== k.role) return clash("role", role, k.role);
    if (topic !== undefined && topic !== k.topic) return clash("topic", topic, k.topic);
    if (mode !== undefined && mode !== k.mode) return clash("mode", mode, k.mode);
    if (format !== undefined && format !== k.format) return clash("format", format, k.format ?? null);
    if (target !== undefined && target !== origin.target) return clash("target", target, origin.target);
    role = k.role;
    topic = k.topic;
    mode = k.mode;
    format = k.format;
    target = origin.target;
  } else if (PLUG_KINDS.has(raw.kind) && role === undefined) {
    return `${raw.registrar}() in a product-wide file needs a role: use ${raw.kind}Producer/Consumer/Trigger/Executor(), or pass { role }`;
  }
  const d: HookDescriptor = {
    id,
    kind: raw.kind,
    product: origin.product,
    ownsBoth: o.ownsBoth ?? false,
    keepWhenOverloaded: o.keepWhenOverloaded ?? false,
    title: o.title ?? raw.defaultTitle,
    timeout: o.timeout ?? DEFAULT_HOOK_TIMEOUT_S,
    source: origin.source,
  };
  if (target !== undefined) d.target = target;
  if (role !== undefined) d.role = role;
  if (topic !== undefined) d.topic = topic;
  if (mode !== undefined) d.mode = mode;
  if (format !== undefined) d.format = format;
  if (o.order !== undefined) d.order = o.order;
  if (o.env !== undefined && o.env.length > 0) d.env = [...o.env];
  return d;
}
