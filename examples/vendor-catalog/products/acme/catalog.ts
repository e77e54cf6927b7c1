// Acme's catalog hooks: how Acme SOC shares its part of the capability graph through git.
//
//   meshroom pull acme                         clone (or update) Acme's catalog repository into
//                                              mirrors/acme/catalog and import its products and
//                                              integrations into this project
//   meshroom publish acme TARGET TOPIC ROLE    push one of Acme's integrations to a new branch
//                                              meshroom/acme-TARGET-TOPIC-ROLE of the catalog
//                                              (or of your fork) for Acme to review and merge
//   meshroom create integration acme T X trigger
//                                              writes a starter setup hook for the new action
//
// Where the catalog lives:
//   ACME_CATALOG_URL   git URL or path of the catalog (else the `default` of the catalog_url setting
//                      in products/acme/definition.yaml)
//   ACME_CATALOG_REF   branch or tag to pull (default: the repository's default branch)
//   ACME_PUBLISH_URL   where `publish` pushes (default: the catalog itself; point it at your fork)
//
// Hooks are code you run with your own rights: read them before you pull them.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { pull, publish, scaffoldTrigger, type IntegrationContext, type ProjectHandle } from "meshroom/hooks";

const PRODUCT = "acme";
/** Entries imported by earlier pulls, to notice the ones the catalog no longer has. */
const MANIFEST = "imported.json";

pull(async ({ path, git, project, log }) => {
  const url = await catalogUrl(project);
  const repo = join(path, "catalog");
  const ref = process.env.ACME_CATALOG_REF;
  if (existsSync(join(repo, ".git"))) {
    await git.fetch(repo, { remote: url, ref: ref ?? "HEAD" });
    await git.reset(repo, "FETCH_HEAD");
  } else {
    rmSync(repo, { recursive: true, force: true });
    await git.clone(url, repo, ref ? { branch: ref } : {});
  }
  const commit = await git.head(repo);

  const seen = new Set<string>();
  let products = 0;
  let integrations = 0;
  const productsDir = join(repo, "products");
  const names = (existsSync(productsDir) ? readdirSync(productsDir).sort() : []).filter((n) => existsSync(join(productsDir, n, "definition.yaml")));
  const known = new Set([...names, ...(await project.listProducts())]);
  const skipped = new Set<string>();
  for (const name of names) {
    const dir = join(productsDir, name);
    await project.writeProductFile(name, "definition.yaml", readFileSync(join(dir, "definition.yaml"), "utf8"));
    seen.add(`product ${name}`);
    products++;
    // integrations/<target>/<stem>.yaml with their same-stem hook files and whatever else is there
    for (const file of walk(join(dir, "integrations"))) {
      const rel = relative(dir, file);
      const target = rel.split(sep)[1] ?? "";
      if (!known.has(target)) {
        skipped.add(target);
        continue;
      }
      await project.writeProductFile(name, rel, readFileSync(file, "utf8"));
      if (/\.ya?ml$/.test(file)) {
        seen.add(`integration products/${name}/${rel.split(sep).join("/")}`);
        integrations++;
      }
    }
  }

  for (const t of skipped) log.warn(`integrations towards ${t} left out: neither the catalog nor this project has product ${t}`);

  // An entry that left the catalog stays in the project (it may be in use): say so at every pull.
  const manifestFile = join(path, MANIFEST);
  const before: string[] = existsSync(manifestFile) ? (JSON.parse(readFileSync(manifestFile, "utf8")) as { entries: string[] }).entries : [];
  const gone = before.filter((e) => !seen.has(e) && existsSync(localPath(project.root, e)));
  const goneProducts = gone.filter((e) => e.startsWith("product ")).map((e) => e.slice("product ".length));
  // an integration of a product that left is said with its product
  const shown = gone.filter((e) => !goneProducts.some((p) => e.startsWith(`integration products/${p}/`)));
  for (const e of shown) log.warn(`catalog no longer has ${e}; kept locally`);
  writeFileSync(manifestFile, JSON.stringify({ url, commit, entries: [...seen, ...gone].sort() }, null, 2) + "\n");

  const removed = gone.length ? `; ${gone.length} local entr${gone.length === 1 ? "y is" : "ies are"} no longer in the catalog` : "";
  return `${products} products and ${integrations} integrations in ${url} at ${commit.slice(0, 7)}${removed}`;
}, { title: "Pull the Acme catalog" });

publish(async ({ integration, path, git, log, project }) => {
  if (!integration || !path) throw new Error("publish needs an integration (run `meshroom publish acme TARGET TOPIC ROLE`)");
  const remote = process.env.ACME_PUBLISH_URL ?? (await catalogUrl(project));
  const stem = integrationStem(integration);
  const target = integration.targetProduct;
  const from = join(path, "integrations", target);
  const names = readdirSync(from).filter((n) => n.startsWith(`${stem}.`) && /\.(ya?ml|ts|mts|js|mjs)$/.test(n) && !n.endsWith(".d.ts")).sort();
  const relDir = `products/${integration.product}/integrations/${target}`;
  const branch = `meshroom/${integration.product}-${target}-${integration.topic}-${integration.role}`;

  const work = mkdtempSync(join(tmpdir(), "acme-publish-"));
  try {
    await git.clone(remote, work);
    await git.branch(work, branch);
    mkdirSync(join(work, relDir), { recursive: true });
    for (const n of names) copyFileSync(join(from, n), join(work, relDir, n));
    const title = `Add integration ${integration.product} → ${target}: ${integration.topic} (${integration.role})`;
    const committed = await git.commit(work, `${title}\n\nProposed with \`meshroom publish\`.`);
    const files = names.map((n) => `${relDir}/${n}`);
    if (!committed) {
      log.info(`${remote} already has these files: nothing to propose`);
      return { remote, status: "unchanged", files };
    }
    await git.push(work, { branch, force: true, remoteUrl: remote });
    const commit = await git.head(work);
    log.info(`review it with: git fetch ${remote} ${branch} && git log -p FETCH_HEAD -1`);
    return { remote, branch, commit, files };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}, { title: "Publish to the Acme catalog" });

// `meshroom create integration acme TARGET TOPIC trigger` gets a setup hook to fill in.
scaffoldTrigger(async ({ integration, files }) => {
  const file = `${integrationStem(integration)}.ts`;
  if (await files.exists(file)) return;
  await files.write(file, triggerHookTemplate(integration));
}, { title: "Scaffold an Acme playbook action" });

async function catalogUrl(project: ProjectHandle): Promise<string> {
  const fromEnv = process.env.ACME_CATALOG_URL;
  if (fromEnv) return fromEnv;
  const def = await project.readProduct(PRODUCT);
  const settings = Array.isArray(def?.settings) ? (def.settings as Array<Record<string, unknown>>) : [];
  const fromSetting = settings.find((s) => s.name === "catalog_url")?.default;
  if (typeof fromSetting === "string" && fromSetting !== "") return fromSetting;
  throw new Error("no catalog repository: set ACME_CATALOG_URL (a git URL or path), or a default for the catalog_url setting in products/acme/definition.yaml");
}

/** `<topic>_<role>[_<format>][_pull]`, as meshroom names integration files. */
function integrationStem(i: IntegrationContext): string {
  return `${i.topic}_${i.role}${i.format ? `_${i.format}` : ""}${i.mode === "pull" ? "_pull" : ""}`;
}

/** "product x" → products/x ; "integration products/…yaml" → that file. */
function localPath(root: string, entry: string): string {
  const [kind, name] = entry.split(" ", 2) as [string, string];
  return kind === "product" ? join(root, "products", name) : join(root, ...name.split("/"));
}

function* walk(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

function triggerHookTemplate(i: IntegrationContext): string {
  return `// Setup of Acme SOC's "${i.topic}" playbook action towards ${i.targetProduct}.
// Written by Acme's scaffold hook: replace the log lines with calls to the Acme SOC API.
import { setup, teardown } from "meshroom/hooks";

setup(async ({ instance, plug, log }) => {
  const action = \`${i.topic}-\${plug.dst}\`;
  log.info(\`would register playbook action \${action} on \${instance.settings.API_URL}\`);
  return { outputs: { action } };
}, { title: "Register the ${i.topic} playbook action" });

teardown(async ({ outputs, log }) => {
  log.info(\`would unregister playbook action \${String(outputs.action)}\`);
}, { title: "Unregister the ${i.topic} playbook action" });
`;
}
