// The quickstart's hook files are what users copy first: they must type-check strictly against
// the real `meshroom/hooks` API, and import nothing but that API, node built-ins and
// project-relative files (a project has no node_modules of its own).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const EXAMPLE = join(REPO, "examples", "quickstart");

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (n === "node_modules" || n.startsWith(".")) return [];
    return statSync(p).isDirectory() ? tsFiles(p) : n.endsWith(".ts") ? [p] : [];
  });
}

describe("examples/quickstart hook files", () => {
  const files = tsFiles(EXAMPLE);

  it("are the expected ones", () => {
    expect(files.map((f) => relative(EXAMPLE, f)).sort()).toEqual([
      "lib/intake-client.ts",
      "products/intake/service.ts",
      "products/intake/sources.ts",
      "products/sink/hooks.ts",
      "products/webhook_source/hooks.ts",
    ]);
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
