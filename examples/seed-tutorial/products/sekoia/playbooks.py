import json
import os

from meshroom.decorators import trigger, scaffold_trigger, publish
from meshroom.model import Integration, Plug, Instance, Product
from .api import SekoiaAPI


@trigger()
def run_playbook_action(instance: Instance, plug: Plug = None, **params):
    """Run the playbook action that triggers the plug's executor (any action topic)"""
    from meshroom.interaction import info

    if plug is None:
        raise ValueError("a playbook action runs along a plug: meshroom trigger TOPIC SRC DST")
    api = SekoiaAPI(instance.settings.get("url"), instance.get_secret("API_KEY"), instance.settings.get("region", "fra1"))
    actions = api.find_action("%s:%s" % (plug.topic, plug.dst))
    if not actions:
        raise ValueError("no playbook action %s:%s on %s: run `meshroom up`" % (plug.topic, plug.dst, instance.name))
    info("running playbook action", actions[0]["name"])
    return api.run_action(actions[0]["uuid"], params)["result"]


ACTION_HOOKS = '''"""Hooks of the custom playbook action that triggers {target}'s {topic} (scaffolded by sekoia)."""
from meshroom.decorators import setup, teardown
from meshroom.model import Integration, Plug, Instance
from ...api import SekoiaAPI


def _api(instance):
    return SekoiaAPI(instance.settings.get("url"), instance.get_secret("API_KEY"), instance.settings.get("region", "fra1"))


@setup()
def register_playbook_action(integration: Integration, plug: Plug, instance: Instance):
    """Register the playbook action that calls {target}"""
    token = plug.get_secret("plugin_token")
    if not token:
        raise ValueError("{target} has not shared its plugin token on this plug (its executor setup runs first)")
    action = _api(instance).create_action("%s:%s" % (plug.topic, plug.dst), token, "{module}")
    return {{"action_uuid": action["uuid"]}}


@teardown()
def unregister_playbook_action(instance: Instance, outputs: dict):
    _api(instance).delete_action(outputs["action_uuid"])
'''

ACTION_MAIN = '''"""Playbook action: ask {target} to run {topic}."""
import json
import sys


def run(arguments):
    # TODO: map the playbook's arguments to {target}'s API call
    return {{"called": "{topic}", "arguments": arguments}}


if __name__ == "__main__":
    print(json.dumps(run(json.load(sys.stdin))))
'''


@scaffold_trigger()
def scaffold_playbook_action(integration: Integration, files):
    """Scaffold a custom playbook action that triggers the target product"""
    stem = "%s_%s%s%s" % (integration.topic, integration.role, "_" + integration.format if integration.format else "", "_pull" if integration.mode == "pull" else "")
    module = "%s-%s" % (integration.target_product, integration.topic)
    values = {"target": integration.target_product, "topic": integration.topic, "module": module}
    wanted = {
        stem + ".py": ACTION_HOOKS.format(**values),
        "playbook/%s/main.py" % integration.topic: ACTION_MAIN.format(**values),
        "playbook/%s/manifest.json" % integration.topic: json.dumps({"name": module, "slug": module, "arguments": {"query": "string"}}, indent=2) + "\n",
    }
    for path, content in wanted.items():
        if not files.exists(path):  # never overwrite the user's work
            files.write(path, content)


@publish(role="trigger", env=["SEKOIA_CATALOG_URL", "SEKOIA_CATALOG_TOKEN"])
def publish_playbook_action(integration: Integration, product: Product):
    """Submit the scaffolded playbook action to the vendor's catalog"""
    from meshroom import interaction

    folder = product.path / "integrations" / integration.target_product / "playbook" / integration.topic
    if not folder.is_dir():
        raise FileNotFoundError("no playbook action at %s: run `meshroom create integration` first" % folder)
    catalog = os.environ.get("SEKOIA_CATALOG_URL")
    if not catalog:
        raise ValueError("set SEKOIA_CATALOG_URL (and SEKOIA_CATALOG_TOKEN) to the catalog to publish to")
    module = {
        "name": "%s-%s" % (integration.target_product, integration.topic),
        "files": {p.name: p.read_text() for p in sorted(folder.iterdir()) if p.is_file()},
    }
    answer = SekoiaAPI(catalog, os.environ.get("SEKOIA_CATALOG_TOKEN")).publish_module(module)
    interaction.box("Submitted to the catalog:", answer["published"])
    return answer
