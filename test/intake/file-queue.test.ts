import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { openQueue, registerQueueKind, startIntakeServer, type IntakeQueue } from "../../src/intake/index.js";
import { unregisterQueueKind } from "../../src/intake/queue-kinds.js";
import { ADMIN } from "./helpers.js";
import { items, queueConformance } from "./queue-conformance.js";

const roots: string[] = [];
async function tempDir(): Promise<string> {
  const r = await mkdtemp(join(tmpdir(), "meshroom-queue-"));
  roots.push(r);
  return r;
}
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

queueConformance("file (the data directory)", async () => {
  const dir = join(await tempDir(), "data");
  return { queue: await openQueue(dir), reopen: () => openQueue(dir), cleanup: async () => undefined };
});

queueConformance("file:// URL", async () => {
  const root = await tempDir();
  const url = pathToFileURL(join(root, "elsewhere")).href;
  return { queue: await openQueue(join(root, "data"), url), reopen: () => openQueue(join(root, "data"), url), cleanup: async () => undefined };
});

describe("intake queue kinds", () => {
  it("refuses a scheme no kind is registered for, naming the known ones", async () => {
    const dir = await tempDir();
    await expect(openQueue(dir, "kafka://127.0.0.1:9092/events")).rejects.toThrow(/no intake queue kind for `kafka:\/\/`/);
    await expect(openQueue(dir, "kafka://127.0.0.1:9092/events")).rejects.toMatchObject({ detail: "Known kinds: file://, nats://." });
    await expect(openQueue(dir, "not a url")).rejects.toThrow(/is not a URL/);
  });

  it("the server stores events in the queue of a registered kind, through the interface only", async () => {
    const root = await tempDir();
    const opened: string[] = [];
    registerQueueKind({
      scheme: "test-queue",
      describe: "a test's queue",
      open: async ({ url }) => {
        opened.push(url?.href ?? "");
        return openQueue(root, pathToFileURL(join(root, url?.hostname ?? "x")).href);
      },
    });
    let server: Awaited<ReturnType<typeof startIntakeServer>> | undefined;
    try {
      server = await startIntakeServer({ dir: join(root, "data"), queue: "test-queue://q1", port: 0, adminToken: ADMIN });
      expect(opened).toEqual(["test-queue://q1"]);
      const base = `http://127.0.0.1:${server.port}`;
      const auth = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };
      const created = await fetch(`${base}/admin/sources`, { method: "POST", headers: auth, body: JSON.stringify({ name: "fw" }) });
      const { token } = (await created.json()) as { token: string };
      const posted = await fetch(`${base}/events/fw`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: '{"summary":"hi"}' });
      expect(posted.status).toBe(202);
      await server.close();
      server = undefined;
      // the events are where the kind put them, not in the data directory
      const q: IntakeQueue = await openQueue(root, pathToFileURL(join(root, "q1")).href);
      try {
        expect((await q.spool.read({ after: 0, limit: 10 })).events.map((e) => e.summary)).toEqual(["hi"]);
        await q.ingest("fw", items({ summary: "offline" }), { receivedAt: new Date(), remoteAddress: "local" });
      } finally {
        await q.close();
      }
      const empty = await openQueue(join(root, "data"));
      try {
        expect((await empty.spool.stats()).count).toBe(0);
      } finally {
        await empty.close();
      }
    } finally {
      await server?.close();
      unregisterQueueKind("test-queue");
    }
  });
});
