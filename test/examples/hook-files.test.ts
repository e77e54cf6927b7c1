// The examples' hook files are what users copy first: they must type-check strictly against
// the real `meshroom/hooks` API, and import nothing but that API, node built-ins and
// project-relative files (a project has no node_modules of its own). The SOC lab's hooks only
// run in its root-only system test: this is where every change to them is checked by default.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (n === "node_modules" || n.startsWith(".")) return [];
    return statSync(p).isDirectory() ? tsFiles(p) : n.endsWith(".ts") ? [p] : [];
  });
}

const EXAMPLES: Record<string, string[]> = {
  quickstart: [
    "lib/intake-client.ts",
    "products/intake/service.ts",
    "products/intake/sources.ts",
    "products/sink/hooks.ts",
    "products/webhook_source/hooks.ts",
  ],
  "soc-lab": [
    "lib/crowdsec.ts", "lib/daemon.ts", "lib/lab.ts", "lib/nft.ts", "lib/tail.ts",
    "products/crowdsec/acquisition.ts", "products/crowdsec/decisions.ts", "products/crowdsec/service.ts",
    "products/nftables/bouncer.ts", "products/nftables/hooks.ts", "products/nginx/hooks.ts",
    "products/rsyslog/hooks.ts", "products/suricata/hooks.ts",
  ],
  "vendor-catalog": [
    "products/acme/catalog.ts",
    "products/acme/integrations/fortigate/deny_trigger.ts",
    "products/acme/integrations/suricata/events_consumer.ts",
    "products/fortigate/integrations/acme/deny_executor.ts",
  ],
};

describe.each(Object.entries(EXAMPLES))("examples/%s hook files", (name, expected) => {
  const EXAMPLE = join(REPO, "examples", name);
  const files = tsFiles(EXAMPLE);

  it("are the expected ones", () => {
    expect(files.map((f) => relative(EXAMPLE, f)).sort()).toEqual(expected);
  });

  it("import only meshroom/hooks, node: built-ins and relative files", () => {
    for (const f of files) {
      const specifiers = [...readFileSync(f, "utf8").matchAll(/\bfrom\s+"([^"]+)"/g)].map((m) => m[1] as string);
      for (const s of specifiers) expect(s, relative(EXAMPLE, f)).toMatch(/^(meshroom\/hooks|node:[a-z/_]+|\.\.?\/.+\.js)$/);
    }
  });

  it("type-check in strict mode against src/hooks/api.ts", () => {
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ["lib.es2023.d.ts"],
      types: ["node"],
      typeRoots: [join(REPO, "node_modules", "@types")],
      strict: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
      skipLibCheck: true,
      baseUrl: EXAMPLE,
      paths: { "meshroom/hooks": [join(REPO, "src", "hooks", "api.ts")] },
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file && d.start !== undefined ? `${relative(REPO, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : "";
      return where + ts.flattenDiagnosticMessageText(d.messageText, "\n");
    });
    expect(problems).toEqual([]);
  }, 60_000);
});
