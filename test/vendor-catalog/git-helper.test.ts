// The hook context's git helper (src/hooks/git.ts): fetch/reset/head over real repositories,
// and the errors a user gets for a missing remote, a folder that is not a clone, and a
// remote that wants credentials (a loopback HTTP server answering 401).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MeshroomError } from "../../src/errors/index.js";
import { createGitHelper } from "../../src/hooks/git.js";
import { GIT_ENV, git } from "./helpers.js";

let base: string;
const saved: Record<string, string | undefined> = {};

beforeAll(() => {
  // the helper inherits the environment: give git an identity for the commits below
  for (const [k, v] of Object.entries(GIT_ENV)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  base = mkdtempSync(join(tmpdir(), "meshroom-git-"));
  git(["init", "--quiet", "--bare", "--initial-branch=main", "remote.git"], base);
});
afterAll(() => {
  rmSync(base, { recursive: true, force: true });
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

async function rejection(p: Promise<unknown>): Promise<MeshroomError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(MeshroomError);
  return e as MeshroomError;
}

describe("git helper", () => {
  it("clones, commits on a branch, pushes, fetches and resets", async () => {
    const g = createGitHelper({ cwd: base });
    const a = join(base, "a");
    const b = join(base, "b");
    await g.clone(join(base, "remote.git"), a);
    writeFileSync(join(a, "one.txt"), "1\n");
    expect(await g.commit(a, "first")).toBe(true);
    expect(await g.commit(a, "nothing")).toBe(false);
    await g.push(a, { branch: "HEAD:main" });
    await g.clone(join(base, "remote.git"), b);
    const first = await g.head(b);

    writeFileSync(join(a, "one.txt"), "2\n");
    await g.commit(a, "second");
    await g.push(a, { branch: "HEAD:main" });
    await g.fetch(b, { ref: "main" });
    expect(await g.head(b)).toBe(first); // fetch alone does not move the checkout
    await g.reset(b, "FETCH_HEAD");
    expect(await g.head(b)).toBe(await g.head(a));
    expect(readFileSync(join(b, "one.txt"), "utf8")).toBe("2\n");

    await g.branch(b, "meshroom/topic");
    expect(await g.currentBranch(b)).toBe("meshroom/topic");
    writeFileSync(join(b, "two.txt"), "x\n");
    await g.commit(b, "on a branch");
    await g.push(b, { branch: "meshroom/topic", setUpstream: true });
    expect(git(["log", "--format=%s", "-1", "meshroom/topic"], join(base, "remote.git"))).toBe("on a branch");
  });

  it("names a missing remote", async () => {
    const g = createGitHelper({ cwd: base });
    const url = join(base, "absent.git");
    const e = await rejection(g.clone(url, join(base, "c")));
    expect(e.code).toBe("E_NOT_FOUND");
    expect(e.message).toBe(`git clone: git remote ${url} not found`);
    expect(e.detail).toContain("check the URL");
    const f = await rejection(g.fetch(join(base, "a"), { remote: url }));
    expect(f.message).toBe(`git fetch: git remote ${url} not found`);
  });

  it("says when a folder is not a clone", async () => {
    const dir = mkdtempSync(join(base, "plain-"));
    const e = await rejection(createGitHelper({ cwd: base }).head(dir));
    expect(e.code).toBe("E_NOT_FOUND");
    expect(e.message).toContain(`${dir} is not a git repository`);
  });

  describe("with a remote that asks for credentials", () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        res.writeHead(401, { "WWW-Authenticate": 'Basic realm="catalog"' });
        res.end("auth required");
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/acme/catalog.git`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it("fails fast with an authentication error instead of prompting", async () => {
      const e = await rejection(createGitHelper({ cwd: base }).clone(url, join(base, "d")));
      expect(e.code).toBe("E_EXEC");
      expect(e.message).toBe(`git clone: authentication to ${url} failed`);
      expect(e.detail).toContain("credential");
    });
  });
});
