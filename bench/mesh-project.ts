// A generated meshroom project on disk for the whole-process benchmarks: the DAG of the Terraform
// comparison (N instances of one product in a ring, 2N plugs, plug k from instance k mod N to
// the next one or the one after), with no-op TypeScript hooks (each side of a plug sets up its
// end and returns at once). The files are written directly, as `meshroom add` / `meshroom plug`
// write them: calling the CLI thousands of times would time the generator, not meshroom.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { settle } from "./settle.js";

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

const name = (i: number) => `n${i}`;

/** The instance ends of plug k of a ring of `instances` with 2 plugs per instance (the Terraform mesh's formula). */
export function ringPlugEnds(k: number, instances: number): [src: number, dst: number] {
  return [k % instances, (k + 1 + Math.floor(k / instances)) % instances];
}

/**
 * Makes a project at `root` (with `meshroom init`, run by `bin`) holding `plugs` plugs (even) on
 * `plugs / 2` instances, every file dated a minute back (see settle()).
 */
export function writeMeshProject(bin: string, root: string, plugs: number, env: NodeJS.ProcessEnv): void {
  if (plugs % 2 !== 0 || plugs < 6) throw new Error(`the ring mesh needs an even number of plugs ≥ 6, got ${plugs}`);
  const init = spawnSync(process.execPath, [bin, "init", root], { encoding: "utf8", env });
  if (init.status !== 0) throw new Error(`meshroom init ${root} failed: ${init.stderr}`);
  const instances = plugs / 2;
  write(join(root, "products/p/definition.yaml"), "name: p\ndescription: benchmark product\nsettings:\n  - { name: index, type: integer }\nproduces:\n  events: [{}]\nconsumes:\n  events: [{}]\n");
  write(
    join(root, "products/p/hooks.ts"),
    `import { setupConsumer, setupProducer } from "meshroom/hooks";\n` +
      `setupProducer("events", async () => ({ outputs: {} }), { title: "no-op producer" });\n` +
      `setupConsumer("events", async () => ({ outputs: {} }), { title: "no-op consumer" });\n`,
  );
  const side = (role: string) => `  product: p\n  target: p\n  topic: events\n  role: ${role}\n  mode: push\n  explicit: false\n`;
  const plugBody = `topic: events\nmode: push\nkind: data\nowner: both\nsrc_integration:\n${side("producer")}dst_integration:\n${side("consumer")}`;
  for (let i = 0; i < instances; i++) {
    write(join(root, "instances/p", name(i), "config.yaml"), `# Instance ${name(i)} of product p.\n\nsettings:\n  index: ${i}\n`);
  }
  for (let k = 0; k < plugs; k++) {
    const [s, d] = ringPlugEnds(k, instances);
    write(join(root, "instances/p", name(s), "plugs", name(d), "events.yaml"), `# Plug ${name(s)} -[events]-> ${name(d)} (push).\n\n${plugBody}`);
  }
  settle(root);
}
