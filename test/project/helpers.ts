import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterEach } from "vitest";

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temp project dir (removed after the test) with the given files (path → text or bytes). */
export function makeProject(files: Record<string, string | Uint8Array> = {}): string {
  const root = mkdtempSync(join(tmpdir(), "mr-proj-"));
  made.push(root);
  writeFiles(root, { "meshroom.yaml": "backend:\n  type: local\n", "products/.gitkeep": "", "instances/.gitkeep": "", ...files });
  return root;
}

export function writeFiles(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [rel, data] of Object.entries(files)) {
    const f = join(root, rel);
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, data);
  }
}

/** path → size:mtime:content-hash-ish of every file under root, to prove nothing was written. */
export function snapshotDir(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        out.set(relative(root, p) + "/", "dir");
        walk(p);
      } else {
        const st = statSync(p);
        out.set(relative(root, p), `${st.size}:${st.mtimeMs}:${readFileSync(p).toString("base64")}`);
      }
    }
  };
  walk(root);
  return out;
}

export const EDR_DEFINITION = `# my EDR
name: myedr
description: an EDR
tags: [EDR]
settings:
  - { name: API_URL, required: true }
  - { name: API_KEY, secret: true }
  - { name: port, type: integer, default: 8443 }
produces:
  events: [{ format: ecs }]
consumes:
  iocs: [{}]
`;

export const SIEM_DEFINITION = `name: mysiem
settings: []
consumes:
  events: [{}]
`;
