/**
 * End to end (issue 9): two checkouts of one project share a pg state; two `meshroom apply`
 * processes at once: exactly one runs, the other fails naming the holder; then the other runs
 * and sees the first's changes (nothing left to do).
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgBackend } from "../../src/state/pg/index.js";
import { basicMesh } from "../engine/fixtures.js";
import { ensureBuilt } from "../setup/build.js";
import { BIN, REPO } from "../cli/helpers.js";
import { pgAvailable, startPgServer, type PgTestServer } from "./pg-server.js";

let server: PgTestServer;
const dirs: string[] = [];

describe.skipIf(!pgAvailable())("two checkouts sharing a pg state", () => {
  beforeAll(async () => {
    if (distLacksPgBackend()) {
      process.env.MESHROOM_TEST_BUILD = "always";
      ensureBuilt();
    }
    server = await startPgServer();
  }, 240_000);
  afterAll(() => {
    server?.destroy();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("two applies at once: one runs, the other fails naming it, then runs and finds nothing to do", async () => {
    const a = basicMesh().root;
    const b = mkdtempSync(join(tmpdir(), "meshroom-checkout-b-"));
    dirs.push(a, b);
    writeFileSync(join(a, "meshroom.yaml"), "name: test\nbackend: { type: pg, conn_str_env: TEAM_PG, schema_name: e2e }\n");
    cpSync(a, b, { recursive: true });
    const env = (root: string, sleepMs: number) => ({
      PATH: process.env.PATH ?? "",
      HOME: root,
      CI: "true",
      NO_COLOR: "1",
      TEAM_PG: server.connectionString,
      MESHROOM_TEST_DIR: root,
      MESHROOM_TEST_SLEEP_MS: String(sleepMs),
    });
    const run = (root: string, args: string[], sleepMs = 0) =>
      execa(process.execPath, [BIN, "-p", root, ...args], { reject: false, extendEnv: false, env: env(root, sleepMs), stdin: "ignore", timeout: 60_000 });

    // Both start together; every hook sleeps, so the winner holds the lock for seconds.
    const watcher = new PgBackend({ connectionString: server.connectionString, schema: "e2e" });
    const runs = [run(a, ["apply", "--auto-approve"], 2500), run(b, ["apply", "--auto-approve"], 2500)];
    let holder: Awaited<ReturnType<ReturnType<PgBackend["store"]>["lockInfo"]>>;
    const until = Date.now() + 30_000;
    while (!(holder = await watcher.store().lockInfo().catch(() => undefined)) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(holder?.operation).toBe("apply");
    const results = await Promise.all(runs);
    const codes = results.map((r) => r.exitCode);
    expect(codes.sort()).toEqual([0, 1]);
    const winner = results[0]!.exitCode === 0 ? a : b;
    const loserRoot = winner === a ? b : a;
    const loser = results[winner === a ? 1 : 0]!;
    expect(String(loser.stderr)).toMatch(/The state is locked by .+ \(operation "apply"/);
    expect(String(loser.stderr)).toContain(`meshroom force-unlock ${holder!.id}`);
    expect(readFileSync(join(winner, "calls.log"), "utf8")).toContain("edr-producer-setup edr1->siem1 push");
    expect(existsSync(join(loserRoot, "calls.log"))).toBe(false); // the loser ran no hook

    const stored = await watcher.store().read();
    expect(stored?.resources.map((r) => r.address)).toEqual(["instance.edr1", "instance.siem1", "plug.edr1.siem1.events.push"]);
    expect(existsSync(join(winner, "meshroom.state.json"))).toBe(false); // the state is in pg only

    const again = await run(loserRoot, ["apply", "--auto-approve"]);
    expect(again.exitCode, String(again.stderr)).toBe(0);
    expect(String(again.stdout)).toContain("No changes.");
    expect(existsSync(join(loserRoot, "calls.log"))).toBe(false);
    expect((await watcher.store().read())?.serial).toBe(stored?.serial);
    expect(await watcher.store().lockInfo()).toBeUndefined();
    await watcher.close();
  });
});

/** True when dist/ (what the binary runs) is older than the state backends or the engine's use of them. */
function distLacksPgBackend(): boolean {
  const srcs = ["src/engine/deploy/project-setup.ts", "src/state/open-backend.ts", ...readdirSync(join(REPO, "src/state/pg")).map((f) => `src/state/pg/${f}`)];
  return srcs.some((src) => {
    const out = join(REPO, "dist", src.replace(/\.ts$/, ".js"));
    return !existsSync(out) || statSync(out).mtimeMs < statSync(join(REPO, src)).mtimeMs;
  });
}
