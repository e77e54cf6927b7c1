import { existsSync } from "node:fs";
import { MeshroomError } from "../../errors/index.js";
import { resolvePlug, type ResolvedPlug } from "../../capabilities/index.js";
import { type Mode, type Plug, type SettingDef, assertName, coerceSettingValue, plugAddress } from "../../model/index.js";
import { writePlugFile } from "../../project/plug-file.js";
import { removePath } from "../../project/remove-path.js";
import { allOrNothing } from "../../project/all-or-nothing.js";
import { paths } from "../../project/paths.js";
import type { LoadedMesh } from "../../mesh/load-mesh.js";
import type { SecretsPort } from "../../mesh/secrets-port.js";

export interface PlugRequest {
  topic: string;
  src: string;
  dst: string;
  mode?: Mode;
  format?: string;
  owner?: string;
}

export type PlugOutcome = { status: "exists"; plug: Plug } | { status: "resolved"; plug: ResolvedPlug };

/** Resolves a plug without writing anything (the CLI then collects its settings). */
export function resolvePlugRequest(mesh: LoadedMesh, req: PlugRequest): PlugOutcome {
  assertName("topic", req.topic);
  if (req.format !== undefined) assertName("format", req.format);
  const src = mesh.project.instances.get(req.src);
  const dst = mesh.project.instances.get(req.dst);
  for (const [n, i] of [[req.src, src], [req.dst, dst]] as const) {
    if (!i) throw new MeshroomError("E_NOT_FOUND", `instance ${n} not found`, { detail: "see `meshroom list instances`" });
  }
  return resolvePlug(mesh.graph, {
    topic: req.topic, src: src!, dst: dst!, existing: mesh.project.plugs,
    ...(req.mode ? { mode: req.mode } : {}), ...(req.format ? { format: req.format } : {}), ...(req.owner ? { owner: req.owner } : {}),
  });
}

export interface PlugSettingsInput {
  /** `-c src.k=v` / `-c dst.k=v` */
  values: Array<[string, string]>;
  /** `-s NAME` with values from stdin */
  secrets: Array<[string, string]>;
}

/** Types plug settings by the integrations' declarations; lists required ones still missing. */
export function resolvePlugSettings(plug: ResolvedPlug, input: PlugSettingsInput): {
  settings: { src: Record<string, unknown>; dst: Record<string, unknown> };
  secrets: Record<string, string>;
  missing: Array<{ side: "src" | "dst"; def: SettingDef }>;
} {
  const settings = { src: {} as Record<string, unknown>, dst: {} as Record<string, unknown> };
  const secrets: Record<string, string> = {};
  for (const [key, text] of input.values) {
    const m = /^(src|dst)\.(.+)$/.exec(key);
    if (!m) throw new MeshroomError("E_USAGE", `plug settings are written -c src.KEY=VALUE or -c dst.KEY=VALUE, got ${JSON.stringify(key)}`);
    const side = m[1] as "src" | "dst";
    const def = plug.plugSettings[side].find((d) => d.name === m[2]);
    if (!def) {
      const known = plug.plugSettings[side].map((d) => d.name);
      throw new MeshroomError("E_BAD_VALUE", `the ${side} side of this plug has no setting ${JSON.stringify(m[2])}`, {
        detail: known.length ? `its settings: ${known.join(", ")}` : "its integration declares no plug settings",
      });
    }
    if (def.secret) throw new MeshroomError("E_BAD_VALUE", `plug setting ${def.name} is secret: pass it with -s ${def.name}`);
    settings[side][def.name] = coerceSettingValue(def, text);
  }
  const all = [...plug.plugSettings.src, ...plug.plugSettings.dst];
  for (const [name, value] of input.secrets) {
    const def = all.find((d) => d.name === name);
    if (!def || !def.secret) {
      const known = all.filter((d) => d.secret).map((d) => d.name);
      throw new MeshroomError("E_BAD_VALUE", `this plug has no secret setting ${JSON.stringify(name)}`, {
        detail: known.length
          ? `its secret settings: ${known.join(", ")}${def ? ` (${def.name} is not secret: pass it with -c ${plug.plugSettings.src.includes(def) ? "src" : "dst"}.${def.name}=…)` : ""}`
          : "its integrations declare no secret setting (a `settings:` entry with `secret: true` in an integration's YAML)",
      });
    }
    secrets[name] = value;
  }
  const missing: Array<{ side: "src" | "dst"; def: SettingDef }> = [];
  for (const side of ["src", "dst"] as const) {
    for (const def of plug.plugSettings[side]) {
      if (!def.secret && settings[side][def.name] === undefined && def.default !== undefined) settings[side][def.name] = def.default;
      const have = def.secret ? secrets[def.name] !== undefined : settings[side][def.name] !== undefined;
      if (def.required && !have) missing.push({ side, def });
    }
  }
  return { settings, secrets, missing };
}

/** Writes the plug file and stores its secrets, all or nothing. */
export async function writePlug(
  mesh: LoadedMesh,
  plug: ResolvedPlug,
  settings: { src: Record<string, unknown>; dst: Record<string, unknown> },
  secrets: Record<string, string>,
  openSecrets: () => Promise<SecretsPort>,
): Promise<string> {
  const root = mesh.project.root;
  const src = mesh.project.instances.get(plug.src)!;
  // the plug file is written first and taken back if the secrets cannot be stored
  return allOrNothing(root, [paths.plugFile(root, src.product, plug.src, plug.dst, plug.topic, plug.mode)], async () => {
    const file = writePlugFile(root, {
      product: src.product, src: plug.src, dst: plug.dst, topic: plug.topic, mode: plug.mode, kind: plug.kind, owner: plug.owner,
      settings,
      ...(plug.format !== undefined ? { format: plug.format } : {}),
      ...(plug.srcIntegration ? { srcIntegration: plug.srcIntegration } : {}),
      ...(plug.dstIntegration ? { dstIntegration: plug.dstIntegration } : {}),
    });
    if (Object.keys(secrets).length) {
      const store = await openSecrets();
      const scope = { plug: plugAddress(plug.src, plug.dst, plug.topic, plug.mode) };
      for (const [k, v] of Object.entries(secrets)) await store.set(scope, k, v);
      await store.save();
    }
    return file;
  });
}

/** Deletes a plug file (its real setup is torn down by the next apply). */
export function unplug(mesh: LoadedMesh, topic: string, srcName: string, dstName: string, mode?: Mode): Plug[] {
  const found = mesh.project.plugs.filter((p) => p.src === srcName && p.dst === dstName && p.topic === topic && (!mode || p.mode === mode));
  if (found.length === 0) {
    throw new MeshroomError("E_NOT_FOUND", `no plug ${srcName} -[${topic}]-> ${dstName}${mode ? ` (${mode})` : ""}`, { detail: "see `meshroom list plugs`" });
  }
  for (const p of found) if (existsSync(p.file)) removePath(mesh.project.root, p.file);
  return found;
}
