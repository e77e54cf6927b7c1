import type { Mode } from "./capability.js";

/** Resource addresses of the engine: `instance.<name>` and `plug.<src>.<dst>.<topic>.<mode>`. */
export type ResourceType = "meshroom_instance" | "meshroom_plug";

export function instanceAddress(name: string): string {
  return `instance.${name}`;
}

export function plugAddress(src: string, dst: string, topic: string, mode: Mode): string {
  return `plug.${src}.${dst}.${topic}.${mode}`;
}

export type ParsedAddress =
  | { type: "meshroom_instance"; name: string }
  | { type: "meshroom_plug"; src: string; dst: string; topic: string; mode: Mode };

/**
 * Names may contain `.`, so a plug address is split on the instance names known to the caller
 * when given; without them, the plain 5-part form is assumed.
 */
export function parseAddress(addr: string, instanceNames?: ReadonlySet<string>): ParsedAddress | undefined {
  if (addr.startsWith("instance.")) {
    const name = addr.slice("instance.".length);
    return name ? { type: "meshroom_instance", name } : undefined;
  }
  if (!addr.startsWith("plug.")) return undefined;
  const body = addr.slice("plug.".length);
  const modeMatch = /\.(push|pull)$/.exec(body);
  if (!modeMatch) return undefined;
  const mode = modeMatch[1] as Mode;
  const rest = body.slice(0, -modeMatch[0].length);
  const parts = rest.split(".");
  if (instanceNames) {
    for (let i = 1; i < parts.length - 1; i++) {
      const src = parts.slice(0, i).join(".");
      if (!instanceNames.has(src)) continue;
      for (let j = i + 1; j < parts.length; j++) {
        const dst = parts.slice(i, j).join(".");
        if (instanceNames.has(dst)) return { type: "meshroom_plug", src, dst, topic: parts.slice(j).join("."), mode };
      }
    }
  }
  if (parts.length !== 3 || parts.some((p) => p === "")) return undefined;
  return { type: "meshroom_plug", src: parts[0]!, dst: parts[1]!, topic: parts[2]!, mode };
}

export function resourceTypeOf(addr: string): ResourceType | undefined {
  if (addr.startsWith("instance.")) return "meshroom_instance";
  if (addr.startsWith("plug.")) return "meshroom_plug";
  return undefined;
}
