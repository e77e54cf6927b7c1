// Test helpers: an in-process intake on a free loopback port in a temp dir, and small HTTP calls.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { startIntakeServer, type IntakeServer } from "../../src/intake/index.js";

export const ADMIN = "test-admin-token-0123456789abcdef";

export interface Harness {
  server: IntakeServer;
  dir: string;
  base: string;
  root: string;
  stop(): Promise<void>;
}

export async function tempRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), "meshroom-intake-"));
}

export async function startHarness(opts: { maxBody?: number; root?: string } = {}): Promise<Harness> {
  const root = opts.root ?? (await tempRoot());
  const dir = join(root, "data");
  const server = await startIntakeServer({ dir, port: 0, adminToken: ADMIN, maxBody: opts.maxBody });
  return {
    server,
    dir,
    root,
    base: `http://127.0.0.1:${server.port}`,
    stop: async () => {
      await server.close();
    },
  };
}

export async function removeRoot(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
}

/** Servers a test file starts: every one still running is stopped after each test, and the temp roots it made are removed. */
export interface HarnessPool {
  /** A server on a fresh temp root, or on `root` (a restart on the same directory). */
  start(opts?: { maxBody?: number; root?: string }): Promise<Harness>;
  /** Stops one server now (the test goes on with its directory offline). */
  stop(h: Harness): Promise<void>;
}

export function harnessPool(): HarnessPool {
  const roots: string[] = [];
  const running: Harness[] = [];
  afterEach(async () => {
    for (const h of running.splice(0)) await h.stop();
    for (const r of roots.splice(0)) await removeRoot(r);
  });
  return {
    async start(opts = {}) {
      let root = opts.root;
      if (root === undefined) roots.push((root = await tempRoot()));
      const h = await startHarness({ ...opts, root });
      running.push(h);
      return h;
    },
    async stop(h) {
      const i = running.indexOf(h);
      if (i >= 0) running.splice(i, 1);
      await h.stop();
    },
  };
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

export async function call(base: string, method: string, path: string, opts: { token?: string; body?: unknown; raw?: string | Buffer; type?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (opts.token !== undefined) headers.Authorization = `Bearer ${opts.token}`;
  let body: string | Buffer | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers["Content-Type"] = opts.type ?? "application/json";
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

export async function createSource(base: string, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await call(base, "POST", "/admin/sources", { token: ADMIN, body: { name, ...extra } });
  if (r.status !== 201) throw new Error(`create source ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token as string;
}
