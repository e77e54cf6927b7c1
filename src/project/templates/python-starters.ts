import type { Role } from "../../model/index.js";
import type { ProductTemplate } from "./catalog.js";
import { parseCapabilityNotation } from "./render-template.js";

/** Languages a starter hooks file can be written in (`create product|integration --lang`). */
export const HOOK_LANGS = ["ts", "py"] as const;
export type HookLang = (typeof HOOK_LANGS)[number];

/** The commented starter hooks file `hooks.py` of a new product (`create product --lang py`). */
export function renderStarterPythonHooks(name: string, t?: ProductTemplate): string {
  const consumes = t?.consumes?.[0] ? parseCapabilityNotation(t.consumes[0]).topic : "events";
  const executes = t?.executes?.[0] ? parseCapabilityNotation(t.executes[0]).topic : undefined;
  return `"""Hooks of product ${name}.

meshroom imports this file (with its own \`meshroom\` package on the path, nothing to install)
to learn which hooks it declares; the bodies run only during up/down/produce/watch/...,
never while listing. Hooks run with your rights: treat them as code you execute.
"""
from meshroom.decorators import setup_consumer, teardown_consumer, read_consumer${executes ? ", execute" : ""}
from meshroom.model import Integration, Plug, Instance
from meshroom.interaction import info


@setup_consumer("${consumes}")
def enable_${ident(consumes)}_intake(integration: Integration, plug: Plug, instance: Instance):
    """Called by \`meshroom up\` for every plug where ${name} consumes "${consumes}"."""
    info("enable ${consumes} intake on", instance.name, "for", plug.src)
    # api_key = instance.get_secret("API_KEY")
    # feed = create_feed(instance.settings["API_URL"], api_key)
    return {}  # outputs: kept in the state, handed back to teardown and read


@teardown_consumer("${consumes}")
def disable_${ident(consumes)}_intake(instance: Instance, outputs: dict):
    info("disable ${consumes} intake on", instance.name, outputs)


@read_consumer("${consumes}")
def ${ident(consumes)}_intake_exists(outputs: dict):
    """Drift check used by \`meshroom plan\`: does what setup made still exist?"""
    return True
${executes ? `

@execute("${executes}")
def ${ident(executes)}(instance: Instance, **params):
    """Called by \`meshroom execute ${executes} <instance> -p key=value\`."""
    info("${executes} on", instance.name, params)
    return {"ok": True}
` : ""}`;
}

/** The starter `<stem>.py` next to a new integration's YAML (`create integration --lang py`). */
export function renderStarterIntegrationPython(product: string, target: string, topic: string, role: Role): string {
  return `"""Hooks of ${product}'s ${role} integration with ${target} for "${topic}".

Their scope (topic, role, mode, format, target) comes from the YAML file of the same name.
"""
from meshroom.decorators import setup, teardown
from meshroom.model import Integration, Plug, Instance
from meshroom.interaction import info


@setup()
def setup_${ident(topic)}_${role}(integration: Integration, plug: Plug, instance: Instance):
    info("set up ${topic} ${role} on", instance.name, "towards", integration.target_product)
    return {}


@teardown()
def teardown_${ident(topic)}_${role}(instance: Instance, outputs: dict):
    info("tear down ${topic} ${role} on", instance.name, outputs)
`;
}

function ident(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, "_");
}
