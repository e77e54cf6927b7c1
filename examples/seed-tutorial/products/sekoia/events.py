import json
import time

from meshroom.decorators import produce, watch
from meshroom.model import Plug, Instance
from .api import SekoiaAPI


def _api(instance):
    return SekoiaAPI(instance.settings.get("url"), instance.get_secret("API_KEY"), instance.settings.get("region", "fra1"))


def _intake_key(plug, what):
    key = plug.get_secret("intake_key") if plug is not None else None
    if not key:
        raise ValueError("%s needs a plug whose intake exists: run `meshroom up` first" % what)
    return key


@produce("events", role="consumer")
def send_event(instance: Instance, data: str, plug: Plug = None):
    """Emulate the producer: send one line to the plug's intake"""
    from meshroom.interaction import info

    key = _intake_key(plug, "produce")
    try:
        event = json.loads(data)
    except ValueError:
        event = data
    _api(instance).send_event(key, event)
    info("sent 1 event to intake of", plug.dst)
    return {"sent": 1}


@watch("events", role="consumer")
def watch_events(instance: Instance, plug: Plug = None):
    """What the plug's intake received, as it arrives"""
    key = _intake_key(plug, "watch")
    api = _api(instance)
    seen = 0
    while True:
        page = api.received(key, after=seen)
        for e in page["events"]:
            seen += 1
            yield e["event"]
        time.sleep(0.2)
