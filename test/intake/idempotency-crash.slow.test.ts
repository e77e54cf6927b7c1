// At-least-once delivery made exactly-once by Idempotency-Key: the real CLI server is killed
// with SIGKILL under load; producers then retry every batch they got no reply for, with the
// same key. Each event must be in the queue exactly once, and batches stored before the crash
// but never acknowledged must be recognised (replayed), not stored again.
import { spawn, type ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN } from "../cli/helpers.js";
import { ADMIN, call, removeRoot, tempRoot } from "./helpers.js";

const TRIALS = 4;
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

function serve(dir: string, tokenFile: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [BIN, "intake", "serve", "--dir", dir, "--admin-token-file", tokenFile], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf("\n");
      if (nl >= 0) resolve({ child, base: `http://127.0.0.1:${(JSON.parse(out.slice(0, nl)) as { port: number }).port}` });
    });
    child.once("exit", (code) => reject(new Error(`intake exited with ${code}: ${err}`)));
  });
}

async function postKeyed(base: string, token: string, key: string, batch: unknown[]): Promise<{ status: number; replayed: boolean }> {
  const res = await fetch(`${base}/events/load`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Idempotency-Key": key },
    body: JSON.stringify(batch),
  });
  await res.text();
  return { status: res.status, replayed: res.headers.get("idempotent-replayed") === "true" };
}

describe("intake: kill -9 under load, retries with Idempotency-Key", () => {
  it(`stores every event exactly once across ${TRIALS} crashes`, async () => {
    const root = await tempRoot();
    try {
      const dir = join(root, "data");
      const tokenFile = join(root, "admin.token");
      await writeFile(tokenFile, ADMIN + "\n", { mode: 0o600 });
      let server = await serve(dir, tokenFile);
      const token = (await call(server.base, "POST", "/admin/sources", { token: ADMIN, body: { name: "load" } })).body.token as string;
      let seq = 0;
      const sent = new Set<string>();
      let recognised = 0;
      for (let t = 0; t < TRIALS; t++) {
        const pending = new Map<string, unknown[]>();
        let acked = 0;
        let stop = false;
        const base = server.base;
        const worker = async (): Promise<void> => {
          while (!stop) {
            const key = `b-${++seq}`;
            const batch = [{ summary: `${key}-1` }, { summary: `${key}-2` }];
            pending.set(key, batch);
            try {
              if ((await postKeyed(base, token, key, batch)).status === 202) {
                pending.delete(key);
                acked++;
              }
            } catch {
              return; // no reply: the batch stays pending and is retried after the restart
            }
          }
        };
        const workers = Array.from({ length: 16 }, worker);
        const target = 100 + Math.floor(Math.random() * 200);
        while (acked < target) await new Promise((r) => setTimeout(r, 5));
        server.child.kill("SIGKILL");
        await new Promise((r) => server.child.once("exit", r));
        stop = true;
        await Promise.all(workers);
        server = await serve(dir, tokenFile);
        for (const [key, batch] of pending) {
          const r = await postKeyed(server.base, token, key, batch);
          expect(r.status).toBe(202);
          if (r.replayed) recognised++;
        }
        for (let i = 1; i <= seq; i++) sent.add(`b-${i}`);
      }
      const counts = new Map<string, number>();
      for (let after = 0; ; ) {
        const page = await call(server.base, "GET", `/queue?after=${after}&limit=1000`, { token });
        const events = page.body.events as { summary: string }[];
        if (events.length === 0) break;
        for (const e of events) counts.set(e.summary, (counts.get(e.summary) ?? 0) + 1);
        after = page.body.next as number;
      }
      const duplicated = [...counts.values()].filter((n) => n > 1).length;
      const missing = [...sent].flatMap((k) => [`${k}-1`, `${k}-2`]).filter((s) => !counts.has(s)).length;
      console.log(`idempotency crash test: ${TRIALS} crashes, ${sent.size} batches, ${recognised} stored-but-unacknowledged batches recognised on retry, ${duplicated} duplicated events, ${missing} missing`);
      expect(duplicated).toBe(0);
      expect(missing).toBe(0);
      server.child.kill("SIGTERM");
      await new Promise((r) => server.child.once("exit", r));
    } finally {
      await removeRoot(root);
    }
  }, 180_000);
});
