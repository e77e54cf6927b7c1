import type { ProductTemplate } from "./catalog.js";
import { parseCapabilityNotation } from "./capability-notation.js";

type Role = "producer" | "consumer" | "trigger" | "executor";

const ROLES: ReadonlyArray<readonly [keyof Pick<ProductTemplate, "produces" | "consumes" | "triggers" | "executes">, Role, string]> = [
  ["produces", "producer", "Producer"],
  ["consumes", "consumer", "Consumer"],
  ["triggers", "trigger", "Trigger"],
  ["executes", "executor", "Executor"],
];

/** What the setup hook of one role is for, in a sentence the user reads before writing it. */
const SETUP_JOB: Record<Role, (topic: string) => string> = {
  producer: (t) => `make this instance send ${t} to plug.dst (e.g. create an export or forwarding rule)`,
  consumer: (t) => `make this instance accept ${t} from plug.src (e.g. create an intake key: plug.setSecret("intake_key", …))`,
  trigger: (t) => `let this instance call ${t} on plug.dst (e.g. register the destination as a response connector)`,
  executor: (t) => `let plug.src call ${t} on this instance (e.g. create an API client for it: plug.setSecret(…))`,
};

/** The text a boilerplate hook throws until its user writes it (the file is relative to the project). */
export function notImplementedMessage(product: string, registrar: string, topic: string): string {
  return `not implemented yet: edit products/${product}/hooks.ts (${registrar} ${topic})`;
}

/** One role/topic pair of the template's capabilities, in declaration order, with the formats and modes it covers. */
interface RoleTopic {
  role: Role;
  suffix: string;
  topic: string;
  variants: string[];
}

function roleTopics(t: ProductTemplate): RoleTopic[] {
  const out: RoleTopic[] = [];
  for (const [key, role, suffix] of ROLES) {
    for (const notation of t[key] ?? []) {
      const c = parseCapabilityNotation(notation);
      let entry = out.find((e) => e.role === role && e.topic === c.topic);
      if (!entry) out.push((entry = { role, suffix, topic: c.topic, variants: [] }));
      entry.variants.push(`${c.mode ?? "push"}${c.format ? `, ${c.format}` : ""}`);
    }
  }
  return out;
}

function hookPair(product: string, rt: RoleTopic): string {
  const setup = `setup${rt.suffix}`;
  const teardown = `teardown${rt.suffix}`;
  const t = JSON.stringify(rt.topic);
  return `
// ${rt.role} of ${rt.topic} (${rt.variants.join("; ")}): ${SETUP_JOB[rt.role](rt.topic)}.
// Return { outputs: { … } } to keep ids in the state: teardown gets them back as \`outputs\`.
${setup}(${t}, async ({ instance, plug, log }) => {
  log.info(\`${setup} ${rt.topic}: \${instance.name} (\${plug.src} -> \${plug.dst})\`);
  throw new Error(${JSON.stringify(notImplementedMessage(product, setup, rt.topic))});
}, { title: ${JSON.stringify(`${rt.role === "producer" || rt.role === "trigger" ? "Connect" : "Accept"} ${rt.topic} (${product})`)} });

${teardown}(${t}, async ({ instance, outputs, log }) => {
  log.info(\`${teardown} ${rt.topic}: \${instance.name}\`, outputs);
  throw new Error(${JSON.stringify(notImplementedMessage(product, teardown, rt.topic))});
});
`;
}

/**
 * The hooks file written next to a new product: one boilerplate setup and teardown hook per
 * role and topic the template declares, so any two products made from templates whose
 * capabilities match can be plugged at once; each hook throws "not implemented yet: edit
 * products/P/hooks.ts (setupProducer events)" until its user writes it.
 */
export function renderStarterHooks(name: string, t?: ProductTemplate): string {
  const pairs = t ? roleTopics(t) : [];
  const registrars = pairs.flatMap((p) => [`setup${p.suffix}`, `teardown${p.suffix}`]);
  const head = `// Hooks of product ${name}. meshroom loads this file at run time (no build step needed);
// hook bodies run only during apply/destroy/produce/watch/..., never while listing.
// Hooks run in-process with your rights: treat them as code you execute.
`;
  if (pairs.length === 0) {
    return `${head}// Declare capabilities in definition.yaml, then register their hooks here, e.g.:
//
// import { setupConsumer, teardownConsumer } from "meshroom/hooks";
// setupConsumer("events", async ({ instance, plug, log }) => ({ outputs: {} }));
// teardownConsumer("events", async ({ instance, outputs, log }) => {});
export {};
`;
  }
  return `${head}//
// Every capability below has a boilerplate setup and teardown hook, so \`meshroom plug\` accepts
// it; each one throws "not implemented yet" until you replace its body with real calls to the
// product (instance.settings, await instance.getSecret("API_KEY"), plug.setSecret, …).
import { ${[...new Set(registrars)].join(", ")} } from "meshroom/hooks";
${pairs.map((p) => hookPair(name, p)).join("")}`;
}
