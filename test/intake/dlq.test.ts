import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Dlq } from "../../src/intake/dlq.js";
import { removeRoot, tempRoot } from "./helpers.js";

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await removeRoot(r);
});

async function opened(n: number): Promise<{ dlq: Dlq; path: string }> {
  const root = await tempRoot();
  roots.push(root);
  const path = join(root, "dlq.jsonl");
  const { dlq } = await Dlq.open(path);
  const items = Array.from({ length: n }, (_, i) => ({ source: i % 2 === 0 ? "even" : "odd", reason: "bad", received_at: "2026-01-01T00:00:00.000Z", raw: `raw ${i}` }));
  await dlq.add(items);
  return { dlq, path };
}

describe("Dlq on disk", () => {
  it("keeps the file and its index as they were when a reprocess fails half way", async () => {
    const { dlq, path } = await opened(2500);
    const before = await readFile(path, "utf8");
    let batches = 0;
    await expect(
      dlq.rewrite(async (entries) => {
        if (++batches === 2) throw new Error("disk full");
        return entries.map(() => "drop" as const);
      }),
    ).rejects.toThrow(/disk full/);
    expect(await readFile(path, "utf8")).toBe(before);
    expect(dlq.count()).toBe(2500);
    expect((await dlq.list({ limit: 2, source: "odd" })).map((e) => e.raw)).toEqual(["raw 1", "raw 3"]);
    await dlq.close();
  });

  it("streams a rewrite in batches: kept entries byte for byte, changed ones rewritten, dropped ones gone", async () => {
    const { dlq, path } = await opened(2500);
    await dlq.rewrite(async (entries) => entries.map((e) => (e.source === "odd" ? "drop" : e.raw === "raw 0" ? { ...e, attempts: 1 } : "keep")));
    expect(dlq.countsBySource()).toEqual(new Map([["even", 1250]]));
    const lines = (await readFile(path, "utf8")).trimEnd().split("\n");
    expect(lines).toHaveLength(1250);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ raw: "raw 0", attempts: 1 });
    expect((await dlq.list({ limit: 1000 })).at(-1)?.raw).toBe("raw 1998");
    await dlq.add([{ source: "odd", reason: "late", received_at: "x", raw: "after" }]);
    expect((await dlq.list({ source: "odd", limit: 5 })).map((e) => e.raw)).toEqual(["after"]);
    await dlq.close();
    const { dlq: again } = await Dlq.open(path);
    expect(again.count()).toBe(1251);
    await again.close();
  });
});
