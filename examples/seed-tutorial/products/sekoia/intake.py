from meshroom.decorators import setup_consumer, teardown_consumer
from meshroom.model import Integration, Plug, Instance
from .api import SekoiaAPI


@setup_consumer("events", order="first", owns_both=True)
def create_intake_key(integration: Integration, plug: Plug, instance: Instance):
    """Create an intake, and the key its producer sends events with"""
    from meshroom.interaction import debug, info

    api = SekoiaAPI(
        instance.settings.get("url"),
        instance.get_secret("API_KEY"),
        instance.settings.get("region", "fra1"),
    )
    intake_key = plug.get_secret("intake_key")
    if intake_key:
        debug("this plug already has an intake key: nothing to create")
        return {"intake_uuid": api.received(intake_key, after=10**9)["intake"]}

    intake_format = getattr(integration, "intake_format", None) or plug.format or "json"
    intake = api.create_intake("%s events" % integration.target_product.replace("_", " "), intake_format)
    info("created intake %s for %s" % (intake["name"], plug.src))

    # the key is a secret: kept in meshroom's encrypted store, shared by both sides of the plug
    plug.set_secret("intake_key", intake["key"])
    return {"intake_uuid": intake["uuid"], "intake_name": intake["name"]}


@teardown_consumer("events")
def delete_intake(plug: Plug, instance: Instance, outputs: dict):
    """Delete the intake created at setup"""
    api = SekoiaAPI(instance.settings.get("url"), instance.get_secret("API_KEY"), instance.settings.get("region", "fra1"))
    api.delete_intake(outputs["intake_uuid"])
    plug.delete_secret("intake_key")
