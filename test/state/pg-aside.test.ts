import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { MeshState, parseStateText } from "../../src/state/index.js";
import { PgContext } from "../../src/state/pg/pg-context.js";
import { PgStateStore } from "../../src/state/pg/pg-store.js";
import { resource } from "./conformance.js";

// No server is needed: the aside save is the one write that never talks to PostgreSQL.
describe("pg backend: the last save on a second Ctrl-C", () => {
  it("writes the state to the workspace's errored file, one serial ahead, for `state push`", async () => {
    const root = await mkdtemp(join(tmpdir(), "meshroom-pg-aside-"));
    const ctx = new PgContext({ connectionString: "postgres://127.0.0.1:9/none", erroredPath: (ws) => join(root, "ws", ws, "meshroom.state.errored.json") });
    onTestFinished(async () => {
      await ctx.pool.end();
      await rm(root, { recursive: true, force: true });
    });
    const state = MeshState.empty();
    state.set(resource("instance.a"));
    const file = { ...state.toFile(), serial: 7 };
    const path = new PgStateStore(ctx, "prod").saveAsideSync(file);
    expect(path).toBe(join(root, "ws", "prod", "meshroom.state.errored.json"));
    const saved = parseStateText(readFileSync(path!, "utf8"), path!);
    expect(saved.serial).toBe(8);
    expect(saved.lineage).toBe(file.lineage);
    expect(saved.resources.map((r) => r.address)).toEqual(["instance.a"]);
  });

  it("says it could not when no errored path is configured", async () => {
    const ctx = new PgContext({ connectionString: "postgres://127.0.0.1:9/none" });
    onTestFinished(() => ctx.pool.end());
    expect(new PgStateStore(ctx, "prod").saveAsideSync(MeshState.empty().toFile())).toBeUndefined();
    expect(existsSync("meshroom.state.errored.json")).toBe(false);
  });
});
