// A symbolic link inside a project must not make meshroom read a file outside it and replay its
// content: `validate` with config.yaml -> a secret file elsewhere (its lines used to come back as
// "unknown field `root:$6$…`"), meshroom.yaml or a plug file the same way, and a hook file linked
// from outside (it must not even be imported). Keys that are unknown are echoed only as a short,
// escaped excerpt.
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { E2EProject } from "../e2e/helpers.js";

let p: E2EProject;
let outside: string;

const SHADOW = "root:$6$Zq8.secret.hash:19000:0:99999:7:::\nadmin_password: hunter2-Xy\napi_token: tok-0123456789\n";
const SECRET_BITS = ["$6$Zq8", "secret.hash", "admin_password", "hunter2", "api_token", "tok-0123"];

beforeAll(async () => {
  p = await E2EProject.create({ edr: "produces:\n  events: [{}]\n", siem: "consumes:\n  events: [{}]\n" });
  await p.ok(["add", "edr", "edr1"]);
  await p.ok(["add", "siem", "siem1"]);
  outside = join(dirname(p.root), "outside");
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, "shadow"), SHADOW);
});
afterAll(() => p?.dispose());

const restore: Array<() => void> = [];
afterEach(() => {
  for (const r of restore.splice(0).reverse()) r();
});

/** Replaces `rel` by a symbolic link to `target` for one test. */
function linkTo(rel: string, target: string): void {
  const f = p.path(rel);
  const before = existsSync(f) ? p.read(rel) : undefined;
  rmSync(f, { recursive: true, force: true });
  mkdirSync(dirname(f), { recursive: true });
  symlinkSync(target, f);
  restore.push(() => {
    rmSync(f, { recursive: true, force: true });
    if (before !== undefined) writeFileSync(f, before);
  });
}

function expectNothingEchoed(text: string): void {
  for (const bit of SECRET_BITS) expect(text).not.toContain(bit);
}

describe("reads through a symbolic link leading out of the project", () => {
  it("validate refuses config.yaml -> a file outside, and shows none of its content", async () => {
    linkTo("instances/edr/edr1/config.yaml", join(outside, "shadow"));
    const r = await p.run(["validate"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("instances/edr/edr1/config.yaml");
    expect(r.stderr).toContain(`resolves to ${join(outside, "shadow")}, outside the project`);
    expectNothingEchoed(r.stdout + r.stderr);
    const json = await p.run(["validate", "--json"]);
    expectNothingEchoed(json.stdout + json.stderr);
  });

  it("every command refuses meshroom.yaml -> a file outside", async () => {
    linkTo("meshroom.yaml", join(outside, "shadow"));
    const r = await p.run(["plan"]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/meshroom\.yaml: refused: the file resolves to .*outside the project/);
    expectNothingEchoed(r.stdout + r.stderr);
  });

  it("a plugs/ folder linked outside is not read", async () => {
    mkdirSync(join(outside, "plugs", "siem1"), { recursive: true });
    writeFileSync(join(outside, "plugs", "siem1", "events.yaml"), SHADOW);
    linkTo("instances/edr/edr1/plugs", join(outside, "plugs"));
    const r = await p.run(["validate"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/outside the project/);
    expectNothingEchoed(r.stdout + r.stderr);
  });

  it("a hook file linked from outside is refused and never imported", async () => {
    const mark = join(outside, "imported.mark");
    writeFileSync(join(outside, "evil.ts"), `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(mark)}, "ran");\n`);
    linkTo("products/edr/hooks.ts", join(outside, "evil.ts"));
    const r = await p.run(["validate"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/products\/edr\/hooks\.ts: hook file refused: the file resolves to .*evil\.ts, outside the project/);
    expect(existsSync(mark)).toBe(false);
  });

  it("an integrations/ folder linked outside: neither its YAML nor its hook file is read", async () => {
    const mark = join(outside, "integration-imported.mark");
    const dir = join(outside, "integrations", "siem");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "events_producer.yaml"), "topic: events\nrole: producer\n");
    writeFileSync(join(dir, "events_producer.ts"), `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(mark)}, "ran");\n`);
    linkTo("products/edr/integrations", join(outside, "integrations"));
    const r = await p.run(["validate"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/products\/edr\/integrations\/siem\/events_producer\.yaml: refused: the file resolves to .*outside the project/);
    expect(r.stderr).toMatch(/products\/edr\/integrations\/siem\/events_producer\.ts: hook file refused/);
    expect(existsSync(mark)).toBe(false);
  });
});

describe("unknown keys are echoed as a short escaped excerpt", () => {
  it("cuts a long key to 40 characters and escapes control characters", async () => {
    const long = `\\e[2J${"A".repeat(30)}${"Z".repeat(200)}`;
    linkTo("instances/siem/siem1/config.yaml", join(p.root, "real-config.yaml"));
    writeFileSync(p.path("real-config.yaml"), `settings: {}\n"${long}": 1\n`);
    restore.push(() => rmSync(p.path("real-config.yaml"), { force: true }));
    const r = await p.run(["validate"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`unknown field \`\\x1b[2J${"A".repeat(30)}${"Z".repeat(6)}…\``);
    expect(r.stderr).not.toContain("\x1b");
    expect(r.stderr).not.toContain("Z".repeat(7));
  });
});
