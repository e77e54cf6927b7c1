import { stringify } from "yaml";
import type { ProductTemplate } from "./catalog.js";
import { parseCapabilityNotation } from "./capability-notation.js";

export { parseCapabilityNotation } from "./capability-notation.js";
export { renderStarterHooks } from "./render-hooks.js";

const ROLE_KEYS = [["produces", "producer"], ["consumes", "consumer"], ["triggers", "trigger"], ["executes", "executor"]] as const;

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
