import json
import urllib.request

from meshroom.decorators import setup_executor, teardown_executor, execute
from meshroom.model import Integration, Plug, Instance


def _myedr(instance: Instance, method: str, path: str, body=None, headers=None):
    req = urllib.request.Request(instance.settings["API_URL"].rstrip("/") + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("content-type", "application/json")
    req.add_header("authorization", "Bearer " + instance.get_secret("API_KEY"))
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    with urllib.request.urlopen(req, timeout=30) as res:
        return json.loads(res.read() or b"null")


@setup_executor("search_threat")
def setup_threat_search_api_via_myedr_plugin(integration: Integration, plug: Plug, instance: Instance):
    """Install myedr's threat-search plugin for this plug"""
    from meshroom.interaction import info

    if plug.get_secret("plugin_token"):
        return
    plugin = _myedr(instance, "POST", "/plugins", {
        "name": "search_threat",
        "options": {"some_setting": instance.settings.get("some_setting"), "caller": integration.target_product},
    })
    info("installed plugin", plugin["id"], "on", instance.name)
    # the trigger side reads it to call the plugin (its setup runs after this one)
    plug.set_secret("plugin_token", plugin["token"])
    return {"plugin_id": plugin["id"]}


@teardown_executor("search_threat")
def remove_threat_search_plugin(plug: Plug, instance: Instance, outputs: dict):
    if outputs.get("plugin_id"):
        _myedr(instance, "DELETE", "/plugins/" + outputs["plugin_id"])
    plug.delete_secret("plugin_token")


@execute("search_threat")
def search_threat(instance: Instance, plug: Plug = None, query: str = ""):
    """Search a threat on myedr directly, as the trigger would"""
    token = plug.get_secret("plugin_token") if plug else None
    if not token:
        raise ValueError("the search_threat plugin is not installed: run `meshroom up`")
    return _myedr(instance, "POST", "/search", {"query": query}, {"x-plugin-token": token})
