import { stringify } from "yaml";
import type { ProductTemplate } from "./catalog.js";

const ROLE_KEYS = [["produces", "producer"], ["consumes", "consumer"], ["triggers", "trigger"], ["executes", "executor"]] as const;

/** Parses the catalog's `topic[:format][@pull]` notation. */
export function parseCapabilityNotation(s: string): { topic: string; format?: string; mode?: "pull" } {
  const [left, mode] = s.split("@") as [string, string | undefined];
  const [topic, format] = left.split(":") as [string, string | undefined];
  return { topic, ...(format ? { format } : {}), ...(mode === "pull" ? { mode: "pull" as const } : {}) };
}

function roleBlock(key: string, caps: string[] | undefined): string {
  if (!caps?.length) return `${key}: {}\n`;
  const byTopic = new Map<string, Array<Record<string, string>>>();
  for (const c of caps) {
    const { topic, ...spec } = parseCapabilityNotation(c);
    const list = byTopic.get(topic) ?? [];
    list.push(spec);
    byTopic.set(topic, list);
  }
  const lines = [`${key}:`];
  for (const [topic, specs] of byTopic) {
    lines.push(`  ${topic}: [${specs.map((s) => (Object.keys(s).length ? `{ ${Object.entries(s).map(([k, v]) => `${k}: ${v}`).join(", ")} }` : "{}")).join(", ")}]`);
  }
  return lines.join("\n") + "\n";
}

/** definition.yaml text for a new product, from a template or empty. */
export function renderDefinition(name: string, t?: ProductTemplate): string {
  const head = [
    `# Capability sheet of product ${name}${t ? ` (from the ${t.name} template: ${t.title})` : ""}.`,
    "# produces/consumes carry data topics, triggers/executes carry actions (OpenC2 verbs).",
    "# Each entry may set `mode` (push: the source is active, the default; pull: the destination is)",
    "# and `format` (unset = matches any format).",
    `name: ${name}`,
    `description: ${JSON.stringify(t?.description ?? "")}`,
    `vendor: ""`,
    `tags: [${(t?.tags ?? []).join(", ")}]`,
  ].join("\n") + "\n";
  const settings = t?.settings.length
    ? "# Settings asked by `meshroom add`; secret ones are stored in secrets.gpg.\n" +
      stringify({ settings: t.settings.map((s) => ({ ...s })) }, { collectionStyle: "block" })
    : "# Settings asked by `meshroom add`, e.g. - { name: API_URL, required: true }\nsettings: []\n";
  return head + settings + ROLE_KEYS.map(([key]) => roleBlock(key, t?.[key])).join("");
}

/** The commented starter hooks file written next to a new product. */
export function renderStarterHooks(name: string, t?: ProductTemplate): string {
  const consumes = t?.consumes?.[0] ? parseCapabilityNotation(t.consumes[0]).topic : "events";
  const executes = t?.executes?.[0] ? parseCapabilityNotation(t.executes[0]).topic : undefined;
  return `// Hooks of product ${name}. meshroom loads this file at run time (no build step needed);
// hook bodies run only during apply/destroy/produce/watch/..., never while listing.
// Hooks run in-process with your rights: treat them as code you execute.
import { setupConsumer, teardownConsumer, readConsumer${executes ? ", execute" : ""} } from "meshroom/hooks";

// Called by \`meshroom apply\` for every plug where ${name} consumes "${consumes}".
// Return outputs to keep them in the state; they come back to teardown and read.
setupConsumer("${consumes}", async ({ instance, plug, log }) => {
  log.info(\`enable ${consumes} intake on \${instance.name} for \${plug.src}\`);
  // const apiKey = await instance.getSecret("API_KEY");
  // const feed = await createFeed(instance.settings.API_URL, apiKey, { signal });
  return { outputs: {} };
}, { title: "Enable ${consumes} intake" });

teardownConsumer("${consumes}", async ({ instance, outputs, log }) => {
  log.info(\`disable ${consumes} intake on \${instance.name}\`, outputs);
}, { title: "Disable ${consumes} intake" });

// Drift check used by \`meshroom plan\`: say whether what setup made still exists.
readConsumer("${consumes}", async ({ outputs }) => ({ exists: true, outputs }));
${executes ? `
// Called by \`meshroom execute ${executes} <instance> -p key=value\`.
execute("${executes}", async ({ instance, params, log }) => {
  log.info(\`${executes} on \${instance.name}\`, params);
  return { ok: true };
});
` : ""}`;
}
