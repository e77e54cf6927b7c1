import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { plainYaml } from "../../src/util/plain-yaml.js";
import { parsePlainYamlMap } from "../../src/util/plain-yaml-parse.js";

const REPO = join(import.meta.dirname, "..", "..");

/** What the project loader's full parse gives (yaml's core schema, duplicate keys refused), or "error". */
function viaYaml(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, logLevel: "error" });
  return doc.errors.length > 0 ? "error" : doc.toJS({ maxAliasCount: 100 });
}

/** Accepted inputs give exactly yaml's value; the rest are left to yaml (undefined). */
function expectSameAsYaml(text: string): unknown {
  const fast = parsePlainYamlMap(text);
  if (fast !== undefined) expect(fast, JSON.stringify(text)).toEqual(viaYaml(text));
  return fast;
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name) && !e.parentPath.includes("node_modules"))
    .map((e) => join(e.parentPath, e.name));
}

describe("plain YAML reader", () => {
  it("reads the plain files meshroom writes as yaml does", () => {
    const plug = "# Plug a -[events]-> b (push).\n\ntopic: events\nmode: push\nkind: data\nowner: both\nsrc_integration:\n  product: p\n  target: q\n  topic: events\n  role: producer\n  mode: push\n  explicit: false\n";
    expect(expectSameAsYaml(plug)).toMatchObject({ topic: "events", src_integration: { explicit: false, role: "producer" } });
    expect(expectSameAsYaml("# Instance n0.\n\nsettings:\n  index: 0\n  port: -8514\n  name: \"a b: c\"\n  none:\n  tags: []\n  extra: {}\n")).toEqual({
      settings: { index: 0, port: -8514, name: "a b: c", none: null, tags: [], extra: {} },
    });
    for (const value of [{ a: "x", b: { c: 1, d: { e: true, f: null } } }, { s: "two words", t: "TRUE", u: "y", v: "no", w: "1.5", x: "0777", y: "" }]) {
      const text = plainYaml(value);
      expect(expectSameAsYaml(text) ?? viaYaml(text)).toEqual(value);
    }
  });

  it("leaves everything else to yaml", () => {
    const others = [
      "", "# only a comment\n", "a: 1\na: 2\n", "- a\n- b\n", "a:\n  - x\n", "a: [x]\n", "a: {b: 1}\n", "a: 'x'\n", "a: \"x\\n\"\n",
      "a: 1.5\n", "a: 0x1F\n", "a: 0o17\n", "a: 007\n", "a: +1\n", "a: 12345678901234567890\n", "a: .inf\n", "a: b # c\n", "a: b \n",
      "a:\tb\n", "a: b\r\n", "\ufeffa: b\n", "---\na: b\n", "a: &x b\n", "a: *x\n", "a: !!str 1\n", "a: |\n  x\n", "a: >\n  x\n",
      "a: b\n  c\n", "a: b\n  c: d\n", "a:\n    b: 1\n  c: 2\n", "  a: 1\n", "null: 1\n", "true: 1\n", "__proto__: 1\n", "a:b\n",
      "? a\n: b\n", "a: @x\n", "a: `x\n", "a: %x\n", "\"a\": 1\n", "a: x: y\n", "a: b\n...\n",
    ];
    for (const text of others) expect(expectSameAsYaml(text), JSON.stringify(text)).toBeUndefined();
  });

  it("agrees with yaml on every YAML file of the repository and on variants of them", () => {
    let accepted = 0;
    let total = 0;
    const edits: Array<(t: string) => string> = [
      (t) => t,
      (t) => t.replace(/: /g, ":  "),
      (t) => t.replace(/\n/g, "\n\n"),
      (t) => t.replace(/^( *)(\w+):/gm, "$1$2:\n$1  # note\n$1$2x:"),
      (t) => t.replace(/: (\w+)$/gm, ": $1 $1"),
      (t) => t.replace(/: (\w+)$/gm, ': "$1"'),
      (t) => t.replace(/: (\w+)$/gm, ": ~"),
      (t) => t.replace(/^  /gm, "    "),
      (t) => t.replace(/^  /gm, " "),
      (t) => t.replace(/: \w+$/m, ": 42"),
      (t) => t.replace(/: \w+$/m, ": -0"),
      (t) => t.replace(/: \w+$/m, ": False"),
    ];
    for (const file of yamlFilesUnder(join(REPO, "examples")).concat(yamlFilesUnder(join(REPO, "src")), yamlFilesUnder(join(REPO, "test")))) {
      const text = readFileSync(file, "utf8");
      for (const edit of edits) {
        total++;
        if (expectSameAsYaml(edit(text)) !== undefined) accepted++;
      }
    }
    expect(total).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(10);
  });
});
