// The intake as a real child process: ready line, kill -9 under load and restart (nothing
// acknowledged is lost), graceful SIGTERM, the reprocess command.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, call, removeRoot, tempRoot } from "./helpers.js";

const REPO = join(import.meta.dirname, "..", "..");
const BUILD = join(REPO, "node_modules", ".cache", "mr-intake-build");
const ENTRY = join(BUILD, "test", "intake", "fixtures", "intake-cli.js");

interface Ready {
  port: number;
  pid: number;
}

function startChild(dir: string, readyFile: string, tokenFile: string): Promise<{ child: ChildProcess; ready: Ready; base: string }> {
  const child = spawn(process.execPath, [ENTRY, "intake", "serve", "--dir", dir, "--port", "0", "--ready-file", readyFile, "--admin-token-file", tokenFile], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`intake did not start: ${err}`)), 15_000);
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf("\n");
      if (nl === -1) return;
      clearTimeout(timer);
      const ready = JSON.parse(out.slice(0, nl)) as Ready;
      resolve({ child, ready, base: `http://127.0.0.1:${ready.port}` });
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`intake exited with ${code}: ${err}`));
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((r) => child.once("exit", (code) => r(code)));
}

describe("intake as a child process", () => {
  let root: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    // compile only the intake command and what it imports, so other modules' work in progress cannot break it
    await execa(process.execPath, [
      join(REPO, "node_modules", "typescript", "bin", "tsc"),
      ...["--outDir", BUILD, "--rootDir", REPO, "--module", "NodeNext", "--moduleResolution", "NodeNext", "--target", "ES2022"],
      ...["--strict", "--skipLibCheck", "--types", "node", "--declaration", "false", join(REPO, "test", "intake", "fixtures", "intake-cli.ts")],
    ]);
    root = await tempRoot();
    await writeFile(join(root, "admin.token"), ADMIN + "\n", { mode: 0o600 });
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    await removeRoot(root);
  });

  it("loses no acknowledged event when killed with SIGKILL under load, and shuts down cleanly on SIGTERM", async () => {
    const dir = join(root, "data");
    const readyFile = join(root, "ready.json");
    const tokenFile = join(root, "admin.token");
    const first = await startChild(dir, readyFile, tokenFile);
    children.push(first.child);
    expect(JSON.parse(await readFile(readyFile, "utf8"))).toMatchObject({ port: first.ready.port, pid: first.child.pid });

    const src = await call(first.base, "POST", "/admin/sources", { token: ADMIN, body: { name: "load" } });
    const token = src.body.token as string;
    const acked = new Map<number, string>();
    let stop = false;
    let seq = 0;
    const worker = async (): Promise<void> => {
      while (!stop) {
        const batch = [{ summary: `s${++seq}` }, { summary: `s${++seq}` }];
        try {
          const r = await call(first.base, "POST", "/events/load", { token, body: batch });
          if (r.status === 202) (r.body.offsets as number[]).forEach((o, i) => acked.set(o, batch[i]!.summary));
        } catch {
          return; // the server died under us: this request was never acknowledged
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    while (acked.size < 300) await new Promise((r) => setTimeout(r, 20));
    first.child.kill("SIGKILL");
    await exited(first.child);
    stop = true;
    await Promise.all(workers);
    expect(acked.size).toBeGreaterThanOrEqual(300);

    const second = await startChild(dir, readyFile, tokenFile);
    children.push(second.child);
    const got = new Map<number, string>();
    for (let after = 0; ; ) {
      const page = await call(second.base, "GET", `/queue?after=${after}&limit=1000`, { token });
      const events = page.body.events as { offset: number; summary: string }[];
      if (events.length === 0) break;
      for (const e of events) got.set(e.offset, e.summary);
      after = page.body.next as number;
    }
    for (const [offset, summary] of acked) expect(got.get(offset)).toBe(summary);
    const offsets = [...got.keys()];
    expect(offsets).toEqual(Array.from({ length: offsets.length }, (_, i) => i + 1));
    const more = await call(second.base, "POST", "/events/load", { token, body: { summary: "after restart" } });
    expect(more.body.offsets).toEqual([offsets.length + 1]);

    second.child.kill("SIGTERM");
    expect(await exited(second.child)).toBe(0);
    expect(existsSync(join(dir, "intake.lock"))).toBe(false);
    expect(existsSync(join(dir, "server.json"))).toBe(false);
  });

  it("runs `intake reprocess` offline and reports in words and JSON", async () => {
    const dir = join(root, "data");
    const text = await execa(process.execPath, [ENTRY, "intake", "reprocess", "--dir", dir]);
    expect(text.stdout).toMatch(/^Reprocessed 0 dead letters \(offline\): 0 moved to the queue, 0 still in the DLQ\.$/m);
    const json = await execa(process.execPath, [ENTRY, "intake", "reprocess", "--dir", dir, "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ via: "offline", examined: 0 });
  });
});
