// Group commit: one batch per write+fsync, batches one at a time, in order.
import { describe, expect, it } from "vitest";
import { GroupCommit } from "../../src/intake/group-commit.js";

function recorder(): { sizes: number[]; gc: GroupCommit<number, number> } {
  const sizes: number[] = [];
  const gc = new GroupCommit<number, number>(async (batch) => {
    sizes.push(batch.length);
    await new Promise((r) => setTimeout(r, 5));
    return batch.map((n) => n * 10);
  });
  return { sizes, gc };
}

describe("group commit", () => {
  it("puts the requests of one event-loop turn in one batch, even from separate callbacks", async () => {
    const { sizes, gc } = recorder();
    // three callbacks of one loop iteration, each followed by its own microtask checkpoint, as three
    // sockets' data handlers of one poll phase would be (check-phase callbacks: timers of 0 ms may
    // straddle a millisecond and fire in two iterations on a loaded machine)
    const results = await Promise.all([1, 2, 3].map((n) => new Promise<number>((resolve) => setImmediate(() => resolve(gc.submit(n))))));
    expect(results).toEqual([10, 20, 30]);
    expect(sizes).toEqual([3]);
  });

  it("runs one batch at a time: what arrives during a flush waits for the next one; exclusive work waits for both", async () => {
    const { sizes, gc } = recorder();
    const first = gc.submit(1);
    await new Promise((r) => setTimeout(r, 1)); // the first batch is flushing
    const order: string[] = [];
    const later = [gc.submit(2), gc.submit(3)];
    const between = gc.exclusive(async () => void order.push(`exclusive after ${sizes.length} batches`));
    const last = gc.submit(4);
    expect(await Promise.all([first, ...later, last])).toEqual([10, 20, 30, 40]);
    await between;
    expect(sizes).toEqual([1, 3]); // 4 joined the batch already waiting (exclusive runs after it)
    expect(order).toEqual(["exclusive after 2 batches"]);
  });
});
