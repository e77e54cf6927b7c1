import fc from "fast-check";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { type Diagnostic, isMeshroomError } from "../../src/errors/index.js";
import { loadProject, loadProjectWithDiagnostics } from "../../src/project/load.js";
import { EDR_DEFINITION, SIEM_DEFINITION, makeProject, snapshotDir } from "./helpers.js";

// Every manifest kind the loader reads, with a valid sibling set so each file is really reached.
const TARGETS = [
  "meshroom.yaml",
  "products/myedr/definition.yaml",
  "products/myedr/integrations/mysiem/events_producer_ecs.yaml",
  "products/myedr/integrations/mysiem/alerts_consumer_pull.yml",
  "instances/myedr/e1/config.yaml",
  "instances/mysiem/s1/config.yaml",
  "instances/myedr/e1/plugs/s1/events.yaml",
  "instances/myedr/e1/plugs/s1/events_pull.yml",
] as const;

const BASE: Record<string, string> = {
  "meshroom.yaml": "backend:\n  type: local\n",
  "products/myedr/definition.yaml": EDR_DEFINITION,
  "products/mysiem/definition.yaml": SIEM_DEFINITION,
  "products/myedr/integrations/mysiem/events_producer_ecs.yaml": "topic: events\n",
  "products/myedr/integrations/mysiem/alerts_consumer_pull.yml": "{}\n",
  "instances/myedr/e1/config.yaml": "settings:\n  API_URL: https://e\n",
  "instances/mysiem/s1/config.yaml": "settings: {}\n",
  "instances/myedr/e1/plugs/s1/events.yaml": "kind: data\nowner: both\n",
  "instances/myedr/e1/plugs/s1/events_pull.yml": "kind: data\nowner: s1\n",
};

const yamlChars = fc.constantFrom(..."abcAPI_:- \n\t[]{},#&*!|>'\"%@?`\\0123456789.~=<".split(""));
const yamlish = fc.string({ unit: yamlChars, maxLength: 200 });
const keyWords = fc.constantFrom(
  "name", "description", "vendor", "tags", "settings", "produces", "consumes", "triggers", "executes", "hooks", "type", "default",
  "required", "secret", "properties", "items", "mode", "format", "topic", "role", "kind", "owner", "src_integration", "backend",
  "plug_settings", "API_URL", "API_KEY", "port", "events", "push", "pull", "<<", "", "__proto__", "constructor",
);
const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), keyWords);
// valid-looking structures: known keys with values of any type, nested a few levels
const shaped: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("arr"), tie("obj")),
  arr: fc.array(tie("node"), { maxLength: 4 }),
  obj: fc.dictionary(keyWords, tie("node"), { maxKeys: 5 }),
})).node;
const mutatedDefinition = fc.record({
  name: fc.oneof(fc.constant("myedr"), scalar),
  settings: fc.oneof(fc.constant([{ name: "API_URL", required: true }]), shaped),
  produces: fc.oneof(fc.constant({ events: [{ format: "ecs" }] }), shaped),
  extra: fc.option(fc.dictionary(keyWords, shaped, { maxKeys: 2 })),
}).map(({ extra, ...d }) => ({ ...d, ...(extra ?? {}) }));

const NASTY = [
  // alias bomb
  'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n',
  "[".repeat(5000) + "]".repeat(5000),
  "a:\n" + "  ".repeat(1).concat("- ").repeat(3000) + "x\n",
  "!!binary aGVsbG8=\n",
  "!!js/function 'function(){}'\n",
  "settings: !!set { a, b }\n",
  "<<: { name: x }\n",
  "--- a\n--- b\n",
  "%YAML 9.9\n---\n{}\n",
  "\uFEFFname: bom\n",
  "name: \"\\ud800\"\n",
  "? [a, b]\n: c\n",
  "settings:\n  - &s { name: A }\n  - *s\n",
  "a: *nope\n",
];

const content: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { arbitrary: yamlish, weight: 4 },
  { arbitrary: fc.jsonValue().map((v) => stringify(v)), weight: 2 },
  { arbitrary: fc.jsonValue().map((v) => JSON.stringify(v) ?? "null"), weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 300 }), weight: 2 },
  { arbitrary: shaped.map((v) => stringify(v)), weight: 4 },
  { arbitrary: mutatedDefinition.map((v) => stringify(v)), weight: 3 },
  { arbitrary: fc.constantFrom(...NASTY), weight: 1 },
);

describe("the loader on malformed manifests", () => {
  it("gives diagnostics or loads cleanly for thousands of generated files, never throws anything else, never writes", async () => {
    // tmpfs when there is one: this test writes tens of thousands of small files
    const base = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
    const root = mkdtempSync(join(base, "mr-fuzz-"));
    const write = (rel: string, data: string | Uint8Array) => {
      const f = join(root, rel);
      mkdirSync(dirname(f), { recursive: true });
      writeFileSync(f, data);
    };
    for (const [rel, text] of Object.entries(BASE)) write(rel, text);
    let dirty: string[] = [];
    let withDiagnostics = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TARGETS), content, fc.option(fc.tuple(fc.constantFrom(...TARGETS), content)), async (target, data, second) => {
        for (const rel of dirty) write(rel, BASE[rel]!);
        dirty = second ? [target, second[0]] : [target];
        write(target, data);
        if (second) write(second[0], second[1]);
        const before = snapshotDir(root);
        // loadProject = loadProjectWithDiagnostics + one E_BAD_MANIFEST error listing them all
        let diagnostics: Diagnostic[] = [];
        try {
          await loadProject(root);
        } catch (e) {
          if (!isMeshroomError(e)) throw e;
          expect(e.code).toBe("E_BAD_MANIFEST");
          diagnostics = e.diagnostics;
          expect(diagnostics.length).toBeGreaterThan(0);
        }
        for (const d of diagnostics) {
          expect(typeof d.summary).toBe("string");
          expect(d.summary.length).toBeGreaterThan(0);
          expect(d.location?.file).toBeTruthy();
          if (d.location?.line !== undefined) expect(d.location.line).toBeGreaterThanOrEqual(1);
        }
        if (diagnostics.length) withDiagnostics++;
        expect(snapshotDir(root)).toEqual(before);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 2000) },
    );
    rmSync(root, { recursive: true, force: true });
    // the generators really produce broken files (a test that only saw valid input would prove nothing)
    expect(withDiagnostics).toBeGreaterThan(Number(process.env.FUZZ_RUNS ?? 2000) * 0.6);
  }, 240_000);

  it.each(NASTY.map((n, i) => [i, n] as const))("nasty input #%i in a definition gives diagnostics, not a crash", async (_i, text) => {
    const root = makeProject({ ...BASE, "products/myedr/definition.yaml": text });
    const { diagnostics } = await loadProjectWithDiagnostics(root);
    expect(diagnostics.length).toBeGreaterThan(0);
  });
});
