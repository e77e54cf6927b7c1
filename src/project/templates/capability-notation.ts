/** Parses the catalog's `topic[:format][@pull]` notation. */
export function parseCapabilityNotation(s: string): { topic: string; format?: string; mode?: "pull" } {
  const [left, mode] = s.split("@") as [string, string | undefined];
  const [topic, format] = left.split(":") as [string, string | undefined];
  return { topic, ...(format ? { format } : {}), ...(mode === "pull" ? { mode: "pull" as const } : {}) };
}
