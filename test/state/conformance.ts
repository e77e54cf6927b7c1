/**
 * The conformance suite every state backend passes (local JSON now, PostgreSQL later).
 * Usage, in a `*.test.ts` file:
 *   backendConformance("local", async () => ({ backend, cleanup, reopen }));
 * `reopen`, when given, returns a second, independent handle on the same storage (as another
 * process would have); the cross-handle checks run only then.
 */
import { afterEach, describe, expect, it } from "vitest";
import { isMeshroomError, type ErrorCode } from "../../src/errors/index.js";
import { emptyStateFile, type StateBackend, type StateFile, type StateResource } from "../../src/state/index.js";

export interface BackendUnderTest {
  backend: StateBackend;
  cleanup: () => Promise<void>;
  reopen?: () => StateBackend;
}

export function resource(address: string, inputs: Record<string, string> = {}): StateResource {
  return {
    address,
    type: address.startsWith("plug.") ? "meshroom_plug" : "meshroom_instance",
    status: "ready",
    inputs,
    outputs: {},
    secret_hmacs: {},
    steps_done: [],
    dependencies: [],
  };
}

export function stateWith(base: StateFile, ...resources: StateResource[]): StateFile {
  return { ...base, resources: [...base.resources, ...resources] };
}

export async function expectCode(p: Promise<unknown>, code: ErrorCode): Promise<Error> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${code}`).toBeDefined();
  expect(isMeshroomError(caught) ? caught.code : String(caught)).toBe(code);
  return caught as Error;
}

export function backendConformance(name: string, makeBackend: () => Promise<BackendUnderTest>): void {
  describe(`state backend conformance: ${name}`, () => {
    let current: BackendUnderTest | undefined;
    const open = async (): Promise<BackendUnderTest> => (current = await makeBackend());
    afterEach(async () => {
      await current?.cleanup();
      current = undefined;
    });

    it("reads nothing from empty storage", async () => {
      const { backend } = await open();
      expect(await backend.store().read()).toBeUndefined();
      expect(await backend.store("staging").read()).toBeUndefined();
      expect(await backend.store().lockInfo()).toBeUndefined();
    });

    it("round-trips a written state, starting at serial 1", async () => {
      const { backend } = await open();
      const store = backend.store();
      const s = stateWith(emptyStateFile(), resource("instance.a", { url: "https://a" }), {
        ...resource("plug.a.b.alerts.push"),
        status: "tainted",
        dependencies: ["instance.a", "instance.b"],
        secret_hmacs: { token: "hmac-sha256:abcd" },
        steps_done: [{ id: "s1", title: "create feed", side: "src", outputs: { feed_id: 7, nested: { ok: true } } }],
        pending_step: { id: "s2", title: "enable", action: "setup", started: new Date(0).toISOString() },
      });
      const out = await store.write(s);
      expect(out.written).toBe(true);
      expect(out.state.serial).toBe(1);
      const back = await backend.store().read();
      expect(back?.lineage).toBe(s.lineage);
      expect(back?.serial).toBe(1);
      expect(back?.resources).toEqual([...s.resources].sort((a, b) => a.address.localeCompare(b.address)));
    });

    it("bumps the serial only when the content changes", async () => {
      const { backend } = await open();
      const store = backend.store();
      const first = (await store.write(stateWith(emptyStateFile(), resource("instance.a")))).state;
      const same = await store.write({ ...first, resources: first.resources.map((r) => ({ ...r })) });
      expect(same.written).toBe(false);
      expect(same.state.serial).toBe(1);
      const changed = await store.write(stateWith(first, resource("instance.b")));
      expect(changed.written).toBe(true);
      expect(changed.state.serial).toBe(2);
      expect((await store.read())?.serial).toBe(2);
    });

    it("refuses to overwrite another lineage or a newer serial", async () => {
      const { backend } = await open();
      const store = backend.store();
      const v1 = (await store.write(stateWith(emptyStateFile(), resource("instance.a")))).state;
      const v2 = (await store.write(stateWith(v1, resource("instance.b")))).state;
      const foreign = await expectCode(store.write(stateWith(emptyStateFile(), resource("instance.x"))), "E_STATE");
      expect(foreign.message).toMatch(/lineage/);
      const stale = await expectCode(store.write(stateWith(v1, resource("instance.c"))), "E_STATE");
      expect(stale.message).toMatch(/changed since it was read/);
      const stored = await store.read();
      expect(stored?.serial).toBe(v2.serial);
      expect(stored?.resources.map((r) => r.address)).toEqual(["instance.a", "instance.b"]);
    });

    it("detects a write made through another handle", async (ctx) => {
      const { backend, reopen } = await open();
      if (!reopen) return ctx.skip();
      const mine = backend.store();
      const v1 = (await mine.write(stateWith(emptyStateFile(), resource("instance.a")))).state;
      const theirs = reopen().store();
      const read = await theirs.read();
      await theirs.write(stateWith(read!, resource("instance.theirs")));
      await expectCode(mine.write(stateWith(v1, resource("instance.mine"))), "E_STATE");
    });

    it("excludes a second lock and names the holder", async () => {
      const { backend, reopen } = await open();
      const held = await backend.store().lock({ operation: "apply", who: "alice@box" });
      expect(held.id).toMatch(/^[0-9a-f-]{36}$/);
      for (const other of [backend, reopen?.()].filter((b): b is StateBackend => b !== undefined)) {
        const err = await expectCode(other.store().lock({ operation: "plan" }), "E_STATE_LOCKED");
        expect(err.message).toContain("alice@box");
        expect(err.message).toContain('"apply"');
        expect(err.message).toContain(held.info.created);
        expect(err.message).toContain(`meshroom force-unlock ${held.id}`);
      }
      const info = await backend.store().lockInfo();
      expect(info).toMatchObject({ id: held.id, operation: "apply", who: "alice@box", pid: process.pid });
      expect(typeof info?.version).toBe("string");
      expect(typeof info?.path).toBe("string");
      expect(Number.isNaN(Date.parse(info!.created))).toBe(false);
      await held.release();
      const again = await backend.store().lock({ operation: "plan" });
      await backend.store().unlock(again.id);
      expect(await backend.store().lockInfo()).toBeUndefined();
    });

    it("with a timeout, waits for the lock and gets it once released", async () => {
      const { backend } = await open();
      const store = backend.store();
      const held = await store.lock({ operation: "apply" });
      const t0 = Date.now();
      setTimeout(() => void store.unlock(held.id), 300);
      const next = await store.lock({ operation: "plan" }, { timeoutMs: 5000 });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
      expect(next.id).not.toBe(held.id);
      const t1 = Date.now();
      await expectCode(store.lock({ operation: "plan" }, { timeoutMs: 300 }), "E_STATE_LOCKED");
      expect(Date.now() - t1).toBeGreaterThanOrEqual(250);
      await next.release();
    });

    it("force-unlocks only with the right id", async () => {
      const { backend } = await open();
      const store = backend.store();
      await expectCode(store.forceUnlock("00000000-0000-4000-8000-000000000000"), "E_NOT_FOUND");
      const held = await store.lock({ operation: "apply" });
      await expectCode(store.forceUnlock("00000000-0000-4000-8000-000000000000"), "E_STATE");
      await expectCode(store.unlock("00000000-0000-4000-8000-000000000000"), "E_STATE");
      expect((await store.lockInfo())?.id).toBe(held.id);
      await store.forceUnlock(held.id);
      expect(await store.lockInfo()).toBeUndefined();
      await (await store.lock({ operation: "apply" })).release();
    });

    it("keeps workspaces apart", async () => {
      const { backend } = await open();
      expect(await backend.listWorkspaces()).toEqual(["default"]);
      const def = (await backend.store().write(stateWith(emptyStateFile(), resource("instance.prod")))).state;
      const stg = (await backend.store("staging").write(stateWith(emptyStateFile(), resource("instance.stg")))).state;
      expect(def.lineage).not.toBe(stg.lineage);
      expect((await backend.store().read())?.resources.map((r) => r.address)).toEqual(["instance.prod"]);
      expect((await backend.store("staging").read())?.resources.map((r) => r.address)).toEqual(["instance.stg"]);
      expect(await backend.store("other").read()).toBeUndefined();
      const lockStg = await backend.store("staging").lock({ operation: "apply" });
      const lockDef = await backend.store().lock({ operation: "apply" });
      await expectCode(backend.deleteWorkspace("staging"), "E_STATE_LOCKED");
      await lockStg.release();
      await lockDef.release();
      expect(await backend.listWorkspaces()).toEqual(["default", "staging"]);
      await expectCode(backend.deleteWorkspace("default"), "E_USAGE");
      await expectCode(backend.deleteWorkspace("nope"), "E_NOT_FOUND");
      expect(() => backend.store("../escape")).toThrow(/workspace name/);
      await backend.deleteWorkspace("staging");
      expect(await backend.listWorkspaces()).toEqual(["default"]);
      expect(await backend.store("staging").read()).toBeUndefined();
      expect((await backend.store().read())?.serial).toBe(1);
    });
  });
}
