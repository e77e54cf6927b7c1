import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWatch, type HookEntry, type HookRegistry } from "../../src/hooks/index.js";
import { TempProject, only, rejection } from "./helpers.js";

let project: TempProject;
let reg: HookRegistry;
const hook = (title: string): HookEntry => only(reg, (e) => e.descriptor.title === title);
const input = { instance: { name: "siem1", product: "siem", settings: {} } };
type Flags = { closed: number; aborted: number };
const flags = (): Flags => (globalThis as unknown as { __watchFlags: Flags }).__watchFlags;

async function collect(it: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const x of it) out.push(x);
  return out;
}

beforeAll(async () => {
  project = new TempProject();
  project.write("products/siem/hooks.ts", `
    import { watch } from "meshroom/hooks";
    const g = globalThis as unknown as { __watchFlags: { closed: number; aborted: number } };
    g.__watchFlags = { closed: 0, aborted: 0 };
    watch("events", async function* counter({ signal }) {
      signal.addEventListener("abort", () => g.__watchFlags.aborted++);
      try {
        for (let i = 1; ; i++) {
          await new Promise((r) => setTimeout(r, 20));
          yield { n: i };
        }
      } finally {
        g.__watchFlags.closed++;
      }
    });
    watch("slow", async function* quiet({ signal }) {
      try {
        await new Promise((r) => signal.addEventListener("abort", r));
      } finally {
        g.__watchFlags.closed++;
      }
    });
    watch("broken", async function* broken() { yield 1; throw new Error("connection reset"); });
  `);
  reg = await project.load(["siem"]);
});
afterAll(() => project.cleanup());

describe("runWatch", () => {
  it("stops after count items and closes the generator", async () => {
    const before = { ...flags() };
    const items = await collect(runWatch(hook("counter"), input, { address: "instance.siem1", count: 3 }));
    expect(items).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(flags().closed).toBe(before.closed + 1);
    expect(flags().aborted).toBe(before.aborted + 1);
  });

  it("stops quietly after timeoutMs even when nothing arrives", async () => {
    const before = flags().closed;
    const t0 = Date.now();
    const items = await collect(runWatch(hook("quiet"), input, { address: "instance.siem1", timeoutMs: 200 }));
    expect(items).toEqual([]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(flags().closed).toBe(before + 1);
  });

  it("stops when the caller aborts, and when the consumer breaks out", async () => {
    const ctl = new AbortController();
    const got: unknown[] = [];
    for await (const x of runWatch(hook("counter"), input, { address: "instance.siem1", signal: ctl.signal })) {
      got.push(x);
      if (got.length === 2) ctl.abort();
    }
    expect(got).toHaveLength(2);
    const before = flags().closed;
    for await (const x of runWatch(hook("counter"), input, { address: "instance.siem1" })) {
      expect(x).toEqual({ n: 1 });
      break;
    }
    expect(flags().closed).toBe(before + 1);
  });

  it("a throw inside the generator is E_HOOK_FAILED after the items before it", async () => {
    const got: unknown[] = [];
    const e = await rejection((async () => {
      for await (const x of runWatch(hook("broken"), input, { address: "instance.siem1" })) got.push(x);
    })());
    expect(got).toEqual([1]);
    expect(e.code).toBe("E_HOOK_FAILED");
    expect(e.message).toContain("hook 'broken'");
    expect(e.message).toContain("connection reset");
  });
});
