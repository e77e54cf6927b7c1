"""Where decorators record hooks while meshroom imports a hook file.

A decorator never calls the hook: it records it here and returns the function
unchanged, so a hook file can also be imported by a unit test of its own.
"""
import threading

_lock = threading.Lock()
#: Every registration made in this process, in order.
_all = []


class Registration(object):
    __slots__ = ("registrar", "kind", "role", "topic", "options", "fn", "defined_in")

    def __init__(self, registrar, kind, role, topic, options, fn):
        self.registrar = registrar
        self.kind = kind
        self.role = role
        self.topic = topic
        self.options = options
        self.fn = fn
        code = getattr(fn, "__code__", None)
        self.defined_in = code.co_filename if code is not None else None

    def describe(self):
        d = {"registrar": self.registrar, "kind": self.kind, "name": getattr(self.fn, "__name__", self.registrar), "opts": self.options}
        if self.role is not None:
            d["role"] = self.role
        if self.topic is not None:
            d["topic"] = self.topic
        return d


def record(reg):
    with _lock:
        _all.append(reg)


def count():
    with _lock:
        return len(_all)


def since(n):
    with _lock:
        return list(_all[n:])
