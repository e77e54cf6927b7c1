// Attack: redaction matched a secret's literal text only. A secret holding `"` or `\` was
// printed in full by `destroy` when a failing command hook echoed its JSON input (JSON escapes
// those characters), and the base64, hex and URL-encoded forms a hook printed or returned were
// printed and stored in meshroom.state.json (then mode 0644, and committed, as `init` did not
// ignore it). Now every form is redacted wherever meshroom prints or stores text.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, assertBuilt } from "../e2e/helpers.js";

/** One secret per instance: with a quote and a backslash, ordinary, and URL-special characters. */
const SECRETS = {
  quoted: 'tok"en\\K9-quoted',
  plain: "plainsecretvalue7731",
  urlish: "a&b=c/d+e f?g%h-Xq2",
} as const;
const MARK = "(sensitive value)";

const base = mkdtempSync(join(tmpdir(), "mr-redact-"));
const root = join(base, "proj");
const ENV = {
  PATH: process.env.PATH ?? "",
  HOME: join(base, "home"),
  XDG_CONFIG_HOME: join(base, "xdg"),
  MESHROOM_PASSPHRASE: "redaction-test-passphrase",
  CI: "true",
  NO_COLOR: "1",
};
interface Run { code: number; out: string }
const runs: Record<string, Run> = {};

async function run(args: string[], input = ""): Promise<Run> {
  const r = await execa(process.execPath, [BIN, ...args], { cwd: root, reject: false, input, timeout: 60_000, extendEnv: false, env: ENV });
  return { code: r.exitCode ?? -1, out: `${String(r.stdout)}\n${String(r.stderr)}` };
}
async function ok(args: string[], input = ""): Promise<Run> {
  const r = await run(args, input);
  if (r.code !== 0) throw new Error(`meshroom ${args.join(" ")} exited ${r.code}\n${r.out}`);
  return r;
}
function write(rel: string, text: string): void {
  const f = join(root, rel);
  mkdirSync(dirname(f), { recursive: true });
  writeFileSync(f, text);
}

// A command hook script: the forms a real tool would print (a Basic auth header, a hex dump,
// a URL with the key as a query parameter) and its whole JSON input, echoed.
const ENCODE = `const forms = (v) => {
  const b = (s) => Buffer.from(s).toString("base64");
  return {
    b64: b(v), b64url: Buffer.from(v).toString("base64url"), hex: Buffer.from(v).toString("hex"),
    HEX: Buffer.from(v).toString("hex").toUpperCase(),
    basic: "Basic " + b("admin:" + v), basic1: b("x" + v + "!"), basic2: b("xy" + v + "!!"),
    url: "https://api.example/v1?key=" + encodeURIComponent(v) + "&q=1",
    form: new URLSearchParams({ key: v }).toString(),
  };
};
let s = ""; process.stdin.setEncoding("utf8").on("data", (c) => (s += c)).on("end", () => {
  const ctx = JSON.parse(s);
  const v = ctx.instance.secrets.API_KEY;
  const f = forms(v);
  if (ctx.kind === "setupInstance") {
    process.stdout.write(JSON.stringify({ outputs: f }) + "\\n");
    return;
  }
  process.stderr.write("input was " + s + "\\n");
  for (const [k, x] of Object.entries(f)) process.stderr.write(k + ": " + x + "\\n");
  process.exit(2);
});
`;

beforeAll(async () => {
  assertBuilt();
  mkdirSync(root, { recursive: true });
  await ok(["init", "."]);
  await ok(["secrets", "init", "--name", "Redaction Tester", "--email", "redact@example.test"]);
  await ok(["create", "product", "vault"]);
  rmSync(join(root, "products", "vault", "hooks.ts"), { force: true });
  write("products/vault/definition.yaml", `name: vault
settings:
  - { name: API_KEY, secret: true }
hooks:
  - { kind: setupInstance, run: ["node", "scripts/encode.mjs"], secrets: [API_KEY], title: "register" }
  - { kind: teardownInstance, run: ["node", "scripts/encode.mjs"], secrets: [API_KEY], title: "unregister" }
`);
  write("products/vault/scripts/encode.mjs", ENCODE);
  for (const [name, v] of Object.entries(SECRETS)) await ok(["add", "vault", name, "-s", "API_KEY"], `${v}\n`);
  runs.apply = await ok(["apply", "--auto-approve"]);
  runs.apply2 = await ok(["apply", "--auto-approve"]); // a second save: the backup now holds outputs too
  runs.show = await ok(["state", "show", "instance.plain"]);
  runs.pull = await ok(["state", "pull"]);
  runs.destroy = await run(["destroy", "--auto-approve"]);
  runs.destroyJson = await run(["destroy", "--auto-approve", "--json"]);
}, 300_000);

afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Every form of `v` a reader could decode back: literal, escaped, URL-encoded, hex. */
function needles(v: string): string[] {
  const json = JSON.stringify(v).slice(1, -1);
  const hex = Buffer.from(v).toString("hex");
  return [...new Set([v, json, JSON.stringify(json).slice(1, -1), encodeURIComponent(v), new URLSearchParams({ k: v }).toString().slice(2), hex, hex.toUpperCase()])];
}

/** Base64 runs in `text` whose decoding (standard or URL-safe) contains `v`. */
function base64Leaks(text: string, v: string): string[] {
  const leaks: string[] = [];
  for (const m of text.matchAll(/[A-Za-z0-9+/_-]{8,}={0,2}/g)) {
    for (const enc of ["base64", "base64url"] as const) {
      if (Buffer.from(m[0], enc).toString("latin1").includes(Buffer.from(v).toString("latin1"))) leaks.push(m[0]);
    }
  }
  return leaks;
}

function expectClean(what: string, text: string): void {
  for (const v of Object.values(SECRETS)) {
    for (const n of needles(v)) expect(text.includes(n), `${what} contains ${JSON.stringify(n)}`).toBe(false);
    expect(base64Leaks(text, v), `${what}: base64 that decodes to ${JSON.stringify(v)}`).toEqual([]);
  }
}

describe("a secret's encoded and escaped forms are redacted", () => {
  it("the hooks ran and meshroom printed the redaction mark where the secrets were", () => {
    expect(runs.destroy!.code).toBe(1);
    expect(runs.destroy!.out).toContain("exited with code 2");
    expect(runs.destroy!.out).toContain(`"API_KEY":"${MARK}"`);
    expect(runs.destroy!.out).toMatch(/basic: Basic \S*\(sensitive value\)/);
    expect(runs.show!.out).toContain(MARK);
  });

  it("in destroy's output (human and --json), from a failing command hook that echoes its JSON input", () => {
    expectClean("destroy", runs.destroy!.out);
    expectClean("destroy --json", runs.destroyJson!.out);
  });

  it("in apply's and the state commands' output", () => {
    for (const k of ["apply", "apply2", "show", "pull"]) expectClean(k, runs[k]!.out);
  });

  it("in meshroom.state.json and its backup", () => {
    const state = readFileSync(join(root, "meshroom.state.json"), "utf8");
    expect(state).toContain(MARK);
    expectClean("meshroom.state.json", state);
    expectClean("meshroom.state.json.backup", readFileSync(join(root, "meshroom.state.json.backup"), "utf8"));
  });
});
