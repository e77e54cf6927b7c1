// Capability-graph benchmark (issue 3): a generated project of 500 products / 2,000 explicit
// integrations (+ a few instances), timed as real CLI processes — `list products`,
// `list integrations P` and `plug` — median of 3 runs each. Target: each under 1 s, on a catalog
// written earlier (its manifests served by the manifest cache); the first `list products` after
// every file changed (`MESHROOM_NO_CACHE=1`: all 2,500 files parsed) is timed for information.
// Run: `node dist/bench/capabilities.js` (after the build), or call runCapabilitiesBench().
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { execa } from "execa";
import { settle } from "./settle.js";

export interface CapabilitiesBenchOptions {
  products?: number;
  integrations?: number;
  /** Products (besides the two plugged ones) that get a TypeScript hooks file; the rest use YAML command hooks. */
  tsHookProducts?: number;
  runs?: number;
  /** Keep the generated project (its path is in the result). */
  keep?: boolean;
}

export interface TimedCommand {
  command: string;
  /** False for a timing shown for information, not held to the target. */
  budgeted: boolean;
  /** Wall-clock time of each process, spawn to exit. */
  runsMs: number[];
  medianMs: number;
  /** CPU time (user + system) of each process, as the process measured it at exit. */
  cpuMs: number[];
  medianCpuMs: number;
}

export interface CapabilitiesBenchResult {
  root: string;
  products: number;
  integrations: number;
  tsHookFiles: number;
  instances: number;
  commands: TimedCommand[];
  /** True when every median is under 1 s. */
  withinTarget: boolean;
}

const TOPICS = Array.from({ length: 30 }, (_, i) => `topic${String(i).padStart(2, "0")}`);
const ACTIONS = Array.from({ length: 8 }, (_, i) => `action${i}`);
const FORMATS = [undefined, "ecs", "ocsf", "cef"] as const;
const ROLES = ["producer", "consumer", "trigger", "executor"] as const;
const ROLE_KEY = { producer: "produces", consumer: "consumes", trigger: "triggers", executor: "executes" } as const;

function _bin(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const c of [join(here, "..", "bin", "meshroom.js"), join(here, "..", "..", "bin", "meshroom.js")]) if (existsSync(c)) return c;
  throw new Error("bin/meshroom.js not found next to the bench");
}

function _write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

const _name = (i: number) => `p${String(i).padStart(3, "0")}`;

/** Writes the project files directly (calling the CLI 2,500 times would time the generator, not meshroom). */
function _generate(root: string, nProducts: number, nIntegrations: number, tsHookProducts: number): { tsFiles: number } {
  const perProduct = Math.ceil(nIntegrations / nProducts);
  let written = 0;
  let tsFiles = 0;
  for (let i = 0; i < nProducts; i++) {
    const name = _name(i);
    const caps: Record<string, string[]> = { produces: [], consumes: [], triggers: [], executes: [] };
    const hooks: string[] = [];
    const integrationFiles: Array<[string, string, string]> = [];
    for (let k = 0; k < perProduct && written < nIntegrations; k++, written++) {
      const role = ROLES[k % 4]!;
      const topic = role === "trigger" || role === "executor" ? ACTIONS[(i + k) % ACTIONS.length]! : TOPICS[(i * 7 + k * 3) % TOPICS.length]!;
      const format = role === "producer" || role === "consumer" ? FORMATS[(i + k) % FORMATS.length] : undefined;
      const mode = k % 3 === 2 ? "pull" : "push";
      let t = (i * 13 + k * 101) % nProducts;
      if (t === i) t = (t + 1) % nProducts;
      const spec = [mode === "pull" ? "mode: pull" : "", format ? `format: ${format}` : ""].filter(Boolean).join(", ");
      caps[ROLE_KEY[role]]!.push(`  ${topic}: [{${spec ? ` ${spec} ` : ""}}]`);
      const stem = `${topic}_${role}${format ? `_${format}` : ""}${mode === "pull" ? "_pull" : ""}`;
      integrationFiles.push([_name(t), stem, `topic: ${topic}\nrole: ${role}\nmode: ${mode}\ndescription: generated for the benchmark\nplug_settings:\n  - { name: index, default: main }\n`]);
      hooks.push(`  - { kind: setup, role: ${role}, topic: ${topic}, target: ${_name(t)}, run: ["./setup.sh"], title: "setup ${stem}" }`);
    }
    const roleBlocks = Object.entries(caps).map(([key, lines]) => {
      const uniq = [...new Map(lines.map((l) => [l.split(":")[0], l])).values()];
      return uniq.length ? `${key}:\n${uniq.join("\n")}` : `${key}: {}`;
    });
    _write(join(root, "products", name, "definition.yaml"),
      `name: ${name}\ndescription: generated product ${i}\nvendor: bench\ntags: [bench, group${i % 10}]\nsettings:\n  - { name: url, required: true }\n  - { name: api_key, secret: true }\n${roleBlocks.join("\n")}\nhooks:\n${hooks.join("\n")}\n`);
    for (const [target, stem, text] of integrationFiles) _write(join(root, "products", name, "integrations", target, `${stem}.yaml`), text);
    if (i < tsHookProducts) {
      tsFiles++;
      _write(join(root, "products", name, "hooks.ts"),
        `import { setupInstance, teardownInstance } from "meshroom/hooks";\nsetupInstance(async ({ instance }) => ({ outputs: { name: instance.name } }), { title: "register ${name}" });\nteardownInstance(async () => {});\n`);
    }
  }
  // The two plugged products: each side owns self through TypeScript hooks.
  _write(join(root, "products", "edr", "definition.yaml"), "name: edr\nsettings: []\nproduces:\n  topic00: [{}]\n");
  _write(join(root, "products", "edr", "hooks.ts"), `import { setupProducer } from "meshroom/hooks";\nsetupProducer("topic00", async () => ({ outputs: {} }), { title: "edr forwarder" });\n`);
  _write(join(root, "products", "siem", "definition.yaml"), "name: siem\nsettings: []\nconsumes:\n  topic00: [{}]\n");
  _write(join(root, "products", "siem", "hooks.ts"), `import { setupConsumer } from "meshroom/hooks";\nsetupConsumer("topic00", async () => ({ outputs: {} }), { title: "siem intake" });\n`);
  return { tsFiles: tsFiles + 2 };
}

function _instance(root: string, product: string, name: string, settings: Record<string, string>): void {
  const body = Object.entries(settings).map(([k, v]) => `  ${k}: ${v}`).join("\n");
  _write(join(root, "instances", product, name, "config.yaml"), `settings:${body ? `\n${body}` : " {}"}\n`);
}

function _median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function runCapabilitiesBench(opts: CapabilitiesBenchOptions = {}): Promise<CapabilitiesBenchResult> {
  const nProducts = opts.products ?? 500;
  const nIntegrations = opts.integrations ?? 2_000;
  const runs = opts.runs ?? 3;
  const bin = _bin();
  const base = mkdtempSync(join(tmpdir(), "meshroom-cap-bench-"));
  const root = join(base, "proj");
  // A preload that records the process's own CPU time at exit: on a busy machine wall time
  // mostly measures the scheduler, CPU time what meshroom itself costs.
  const cpuFile = join(base, "cpu.txt");
  const preload = join(base, "cpu-at-exit.mjs");
  const cli = async (args: string[], env: Record<string, string> = {}): Promise<[wallMs: number, cpuMs: number]> => {
    rmSync(cpuFile, { force: true });
    const t0 = performance.now();
    const r = await execa(process.execPath, ["--import", pathToFileURL(preload).href, bin, ...args], {
      cwd: root, reject: false, env: { NO_COLOR: "1", CI: "1", MESHROOM_BENCH_CPU_FILE: cpuFile, XDG_CACHE_HOME: join(base, "cache"), ...env },
    });
    const ms = performance.now() - t0;
    if (r.exitCode !== 0) throw new Error(`meshroom ${args.join(" ")} exited ${r.exitCode}:\n${r.stderr}`);
    return [ms, existsSync(cpuFile) ? Number(readFileSync(cpuFile, "utf8")) : Number.NaN];
  };
  try {
    _write(preload, `import { writeFileSync } from "node:fs";\nprocess.on("exit", () => { const u = process.cpuUsage(); writeFileSync(process.env.MESHROOM_BENCH_CPU_FILE, String((u.user + u.system) / 1000)); });\n`);
    const init = await execa(process.execPath, [bin, "init", root], { reject: false, env: { NO_COLOR: "1", CI: "1" } });
    if (init.exitCode !== 0) throw new Error(`meshroom init failed: ${init.stderr}`);
    const { tsFiles } = _generate(root, nProducts, nIntegrations, opts.tsHookProducts ?? 20);
    for (let r = 1; r <= runs; r++) {
      _instance(root, "edr", `edr${r}`, {});
      _instance(root, "siem", `siem${r}`, {});
    }
    _instance(root, _name(0), "p000a", { url: "https://a.example" });
    _instance(root, _name(1), "p001a", { url: "https://b.example" });
    settle(root);
    // One untimed load warms the OS file cache, the manifest cache and jiti's transpile cache, as any second run would.
    await cli(["validate"]);

    const commands: TimedCommand[] = [];
    const time = async (label: string, argsOf: (run: number) => string[], env: Record<string, string> = {}, budgeted = true) => {
      const runsMs: number[] = [];
      const cpuMs: number[] = [];
      for (let r = 1; r <= runs; r++) {
        const [wall, cpu] = await cli(argsOf(r), env);
        runsMs.push(Math.round(wall));
        cpuMs.push(Math.round(cpu));
      }
      commands.push({ command: label, budgeted, runsMs, medianMs: _median(runsMs), cpuMs, medianCpuMs: _median(cpuMs) });
    };
    await time("meshroom --version (startup baseline)", () => ["--version"], {}, false);
    await time("meshroom list products", () => ["list", "products"]);
    await time("list products, every file parsed (no cache)", () => ["list", "products"], { MESHROOM_NO_CACHE: "1" }, false);
    await time(`meshroom list integrations ${_name(42)}`, () => ["list", "integrations", _name(42)]);
    // A fresh pair each run, so every run resolves and writes a plug (a re-plug would be a no-op).
    await time("meshroom plug topic00 edrN siemN", (r) => ["plug", "topic00", `edr${r}`, `siem${r}`]);
    return {
      root, products: nProducts + 2, integrations: nIntegrations, tsHookFiles: tsFiles, instances: runs * 2 + 2,
      commands, withinTarget: commands.filter((c) => c.budgeted).every((c) => c.medianMs < 1000),
    };
  } finally {
    if (!opts.keep) rmSync(base, { recursive: true, force: true });
  }
}

export function formatCapabilitiesBench(r: CapabilitiesBenchResult): string {
  const w = Math.max(...r.commands.map((c) => c.command.length));
  return [
    `capability graph: ${r.products} products, ${r.integrations} explicit integrations, ${r.tsHookFiles} TypeScript hook files, ${r.instances} instances (CLI processes, median of ${r.commands[0]?.runsMs.length ?? 0}; target < 1 s)`,
    ...r.commands.map((c) => `  ${c.command.padEnd(w)}  wall ${String(c.medianMs).padStart(5)} ms  cpu ${String(c.medianCpuMs).padStart(5)} ms  (wall runs: ${c.runsMs.join(", ")}; cpu runs: ${c.cpuMs.join(", ")})${c.budgeted ? "" : "  [for information]"}`),
    r.withinTarget ? "  all under 1 s" : "  NOT all under 1 s",
  ].join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const tsArg = process.argv.find((a) => a.startsWith("--ts-hooks="));
  runCapabilitiesBench(tsArg ? { tsHookProducts: Number(tsArg.split("=")[1]) } : {}).then(
    (r) => {
      process.stdout.write(formatCapabilitiesBench(r) + "\n");
      if (!r.withinTarget) process.exitCode = 1;
    },
    (e: unknown) => {
      process.stderr.write(`capabilities bench failed: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
