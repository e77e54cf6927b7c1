"""Decorators that register hooks, one per hook kind (and per role where a kind has roles).

Each can be used with a topic, with options, or bare::

    @setup_consumer("events", order="first", owns_both=True)
    @teardown_consumer("events")
    @setup_instance
    @publish(role="trigger")
    @watch("events")            # a generator: yield what arrives

The decorated function is returned unchanged. meshroom calls it later (``meshroom up``,
``down``, ``produce``, ...), never while it imports the file. Its parameters are filled by
name from what the hook receives: ``integration``, ``plug``, ``instance``, ``outputs``,
``changes``, ``params``, ``data``, ``path``, ``files``, ``address``, ``product``; trigger and
execute hooks also get each ``-p name=value`` parameter by its name (all of them in a
``**params`` parameter).

Options: ``order`` ("first", "last" or an integer), ``owns_both``, ``keep_when_overloaded``,
``title``, ``timeout`` (seconds), ``mode``, ``format``, ``role``, ``topic``, ``env`` (names
of environment variables the Python process may inherit).
"""
from meshroom._registry import Registration, record

ROLES = ("producer", "consumer", "trigger", "executor")

# python option name -> name in meshroom's hook options
_OPTIONS = {
    "order": "order",
    "owns_both": "ownsBoth",
    "keep_when_overloaded": "keepWhenOverloaded",
    "title": "title",
    "timeout": "timeout",
    "mode": "mode",
    "format": "format",
    "role": "role",
    "topic": "topic",
    "env": "env",
}


def _registrar(name, kind, role=None, takes_topic=True):
    def decorator_factory(*args, **kwargs):
        # bare use: @setup_instance
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return _register(name, kind, role, None, {}, args[0])
        if len(args) > (1 if takes_topic else 0):
            raise TypeError("%s() takes %s positional argument%s" % (name, "at most one (the topic)" if takes_topic else "no", "" if takes_topic else "s"))
        topic = args[0] if args else None
        if topic is not None and not isinstance(topic, str):
            raise TypeError("%s(): the topic must be a string, got %s" % (name, type(topic).__name__))

        def decorate(fn):
            if not callable(fn):
                raise TypeError("@%s must decorate a function, got %s" % (name, type(fn).__name__))
            return _register(name, kind, role, topic, kwargs, fn)

        return decorate

    decorator_factory.__name__ = name
    decorator_factory.__qualname__ = name
    decorator_factory.__doc__ = "Registers a %s hook%s." % (kind, " for the %s role" % role if role else "")
    return decorator_factory


def _register(name, kind, role, topic, kwargs, fn):
    opts = {}
    for k, v in kwargs.items():
        if k not in _OPTIONS:
            raise TypeError("%s(): unknown option %r (options: %s)" % (name, k, ", ".join(sorted(_OPTIONS))))
        if v is None:
            continue
        if k == "env":
            v = list(v)
        opts[_OPTIONS[k]] = v
    if topic is None:
        topic = opts.pop("topic", None)
    else:
        opts.pop("topic", None)
    if role is None:
        role = opts.pop("role", None)
    elif "role" in opts and opts["role"] != role:
        raise TypeError("%s(): role=%r contradicts the decorator's role %r" % (name, opts["role"], role))
    else:
        opts.pop("role", None)
    record(Registration(name, kind, role, topic, opts, fn))
    return fn


# setup: create one side of an edge (or both, with owns_both); the return value becomes its outputs
setup = _registrar("setup", "setup")
setup_producer = _registrar("setup_producer", "setup", "producer")
setup_consumer = _registrar("setup_consumer", "setup", "consumer")
setup_trigger = _registrar("setup_trigger", "setup", "trigger")
setup_executor = _registrar("setup_executor", "setup", "executor")

# teardown: remove what setup created; gets the outputs recorded at setup
teardown = _registrar("teardown", "teardown")
teardown_producer = _registrar("teardown_producer", "teardown", "producer")
teardown_consumer = _registrar("teardown_consumer", "teardown", "consumer")
teardown_trigger = _registrar("teardown_trigger", "teardown", "trigger")
teardown_executor = _registrar("teardown_executor", "teardown", "executor")

# read: drift check; returns True/False, or {"exists": bool, "outputs": {...}}
read = _registrar("read", "read")
read_producer = _registrar("read_producer", "read", "producer")
read_consumer = _registrar("read_consumer", "read", "consumer")
read_trigger = _registrar("read_trigger", "read", "trigger")
read_executor = _registrar("read_executor", "read", "executor")

# update: in-place change; gets outputs and changes, returns the new outputs
update = _registrar("update", "update")
update_producer = _registrar("update_producer", "update", "producer")
update_consumer = _registrar("update_consumer", "update", "consumer")
update_trigger = _registrar("update_trigger", "update", "trigger")
update_executor = _registrar("update_executor", "update", "executor")

# instances (product-wide files only)
setup_instance = _registrar("setup_instance", "setupInstance", takes_topic=False)
teardown_instance = _registrar("teardown_instance", "teardownInstance", takes_topic=False)
read_instance = _registrar("read_instance", "readInstance", takes_topic=False)

# scaffold: `meshroom create integration` writes starter files (`files.write(...)`)
scaffold = _registrar("scaffold", "scaffold")
scaffold_producer = _registrar("scaffold_producer", "scaffold", "producer")
scaffold_consumer = _registrar("scaffold_consumer", "scaffold", "consumer")
scaffold_trigger = _registrar("scaffold_trigger", "scaffold", "trigger")
scaffold_executor = _registrar("scaffold_executor", "scaffold", "executor")

# catalog hooks
pull = _registrar("pull", "pull", takes_topic=False)
publish = _registrar("publish", "publish")

# live hooks
produce = _registrar("produce", "produce")
watch = _registrar("watch", "watch")
trigger = _registrar("trigger", "trigger", "trigger")
execute = _registrar("execute", "execute", "executor")

__all__ = [n for n in list(globals()) if not n.startswith("_") and n not in ("Registration", "record", "ROLES")]
