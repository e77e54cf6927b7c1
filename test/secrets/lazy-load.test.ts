import { PassThrough, Readable } from "node:stream";
import { describe, expect, it, vi, afterAll } from "vitest";
import { main } from "../../src/cli/main.js";
import { addRecipientFileRaw, makeKey, tempDir, removeTempDirs } from "./helpers.js";

afterAll(removeTempDirs);

const loads = vi.hoisted(() => ({ count: 0 }));
vi.mock("../../src/secrets/openpgp.js", async (orig) => {
  const real = await orig<typeof import("../../src/secrets/openpgp.js")>();
  return { loadOpenPGP: () => (loads.count++, real.loadOpenPGP()) };
});

async function run(args: string[], stdin = ""): Promise<number> {
  const sink = () => new PassThrough().resume();
  return main(args, { stdin: Readable.from([Buffer.from(stdin)]), stdout: sink(), stderr: sink(), env: {} });
}

describe("openpgp is loaded only when a secret is really read or written", () => {
  it("help and listing an empty store do not load it; writing a secret does", async () => {
    const dir = await tempDir();
    loads.count = 0;
    expect(await run(["--help"])).toBe(0);
    expect(await run(["-p", dir, "secrets", "--help"])).toBe(0);
    expect(await run(["-p", dir, "secrets", "list"])).toBe(0);
    expect(loads.count).toBe(0);

    await addRecipientFileRaw(dir, "bob", await makeKey("Bob"));
    expect(await run(["-p", dir, "secrets", "set", "instance:x", "TOKEN"], "lazy-value-1")).toBe(0);
    expect(loads.count).toBeGreaterThan(0);
  });
});
