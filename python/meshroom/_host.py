"""The Python side of meshroom's hook protocol: one process serves every Python hook of one
meshroom command.

meshroom starts ``python3 -B meshroom_host.py`` and talks to it in JSON lines: requests on
stdin, answers on stdout (the real fd 1 is kept for the protocol; anything else a hook or a
program it starts writes to stdout goes to stderr, or becomes the hook's messages).

    meshroom -> host   {"op": "allow", "root", "products": {name: dir}, "files": [...], "env": {...}}
                       {"op": "register", "id", "files": [...]}
                       {"op": "call", "id", "file", "index", "expect", "kind", "context"}
                       {"op": "reply", "req", "ok", "value" | "error"}   (answer to an "ask")
                       {"op": "cancel", "id"}
    host -> meshroom   {"op": "hello", "protocol", "python"}
                       {"op": "registered", "id", "files": {file: {"hooks": [...]} | {"error", "traceback"}}}
                       {"op": "ask", "id", "req", "what", "args"}   (get_secret, set_secret, files.write, ...)
                       {"op": "log", "id", "level", "message"}
                       {"op": "item", "id", "value"}                 (a watch hook's yield)
                       {"op": "result", "id", "ok", "value" | "error": {"type", "message", "traceback"}}

A file is imported only when meshroom names it, and only inside a product meshroom allowed
(a trusted one): the ``products`` package has no search path of its own, so no other
product's folder can be reached by an import.
"""
import importlib.util
import inspect
import json
import os
import queue
import sys
import threading
import traceback
import types
from importlib.machinery import ModuleSpec

from meshroom import PROTOCOL, _context, _registry
from meshroom.model import Files, Instance, Integration, Plug, Product

_HERE = os.path.dirname(os.path.abspath(__file__))


class _Protocol(object):
    def __init__(self, out):
        self._out = out
        self._lock = threading.Lock()

    def send(self, msg):
        self.write(encode(msg))

    def write(self, data):
        with self._lock:
            self._out.write(data)
            self._out.flush()


class HookError(Exception):
    """A failure meshroom reports as it is (no Python traceback of the host)."""


class _Call(object):
    def __init__(self, host, call_id):
        self.host = host
        self.id = call_id
        self.cancelled = False

    def ask(self, what, *args):
        if self.cancelled:
            raise HookError("the hook was stopped by meshroom (timeout or interruption)")
        return self.host.ask(self.id, what, list(args))

    def log(self, level, message):
        self.host.proto.send({"op": "log", "id": self.id, "level": level, "message": message})


class Host(object):
    def __init__(self, proto):
        self.proto = proto
        self.root = None
        self.products = {}  # name -> dir (trusted products only)
        self.hook_files = set()
        self.regs_by_file = {}
        self.calls = {}
        self._asks = {}
        self._ask_seq = 0
        self._lock = threading.Lock()
        self._import_lock = threading.RLock()
        self.workers = _Workers()

    # --- callbacks into meshroom -------------------------------------------------------------
    def ask(self, call_id, what, args):
        ev = threading.Event()
        box = {}
        with self._lock:
            self._ask_seq += 1
            req = self._ask_seq
            self._asks[req] = (ev, box)
        self.proto.send({"op": "ask", "id": call_id, "req": req, "what": what, "args": args})
        ev.wait()
        if not box.get("ok"):
            raise HookError(box.get("error") or "meshroom refused %s" % what)
        return box.get("value")

    def on_reply(self, msg):
        with self._lock:
            pending = self._asks.pop(msg.get("req"), None)
        if pending is None:
            return
        ev, box = pending
        box.update(msg)
        ev.set()

    # --- allowed products, imports ------------------------------------------------------------
    def on_allow(self, msg):
        root = msg.get("root")
        if self.root is None:
            self.root = root
            _package("products", None)  # no search path: nothing is found under `products` but the products allowed below
        elif root != self.root:
            raise HookError("this Python host serves %s, not %s" % (self.root, root))
        for name, d in (msg.get("products") or {}).items():
            self.products[name] = d
        for f in msg.get("files") or []:
            self.hook_files.add(os.path.realpath(f))
        for k, v in (msg.get("env") or {}).items():
            os.environ[k] = v

    def module_name(self, path):
        base = os.path.realpath(os.path.join(self.root, "products"))
        rel = os.path.relpath(path, base).split(os.sep)
        product = rel[0] if rel else ""
        if product not in self.products or os.path.realpath(self.products[product]) != os.path.join(base, product):
            raise HookError("%s is not in a product meshroom allowed to run" % path)
        stem = os.path.splitext(rel[-1])[0]
        if len(rel) == 2:
            pkg = _product_package(product, self.products[product])
        elif len(rel) == 4 and rel[1] == "integrations":
            pdir = self.products[product]
            ppkg = _product_package(product, pdir)
            ipkg = _package(ppkg + ".integrations", os.path.join(pdir, "integrations"))
            pkg = _package(ipkg + "." + _ident(rel[2]), os.path.join(pdir, "integrations", rel[2]))
        else:
            raise HookError("%s is not a hook file of a product (products/<p>/*.py or products/<p>/integrations/<t>/*.py)" % path)
        return pkg + "." + _ident(stem)

    def registrations(self, path):
        """The hooks a file registers, importing it once."""
        with self._import_lock:
            return self._registrations(os.path.realpath(path))

    def _registrations(self, path):
        if path in self.regs_by_file:
            return self.regs_by_file[path]
        name = self.module_name(path)
        if name not in sys.modules:
            n0 = _registry.count()
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                sys.modules.pop(name, None)
                raise
            for reg in _registry.since(n0):
                # a hook file imported by another keeps its own hooks
                owner = os.path.realpath(reg.defined_in) if reg.defined_in else path
                if owner not in self.hook_files or owner == path:
                    owner = path
                self.regs_by_file.setdefault(owner, []).append(reg)
        return self.regs_by_file.setdefault(path, [])

    def on_register(self, msg):
        out = {}
        for f in msg.get("files") or []:
            try:
                out[f] = {"hooks": [r.describe() for r in self.registrations(f)]}
            except BaseException as e:  # noqa: B902 - any failure of user code is reported, SystemExit included
                out[f] = {"error": _message(e), "traceback": None if isinstance(e, HookError) else _user_traceback(e)}
        self.proto.send({"op": "registered", "id": msg.get("id"), "files": out})

    # --- calls --------------------------------------------------------------------------------
    def on_call(self, msg):
        call = _Call(self, msg["id"])
        self.calls[call.id] = call
        self.workers.submit(self._run, call, msg)

    def on_cancel(self, msg):
        call = self.calls.get(msg.get("id"))
        if call is not None:
            call.cancelled = True

    def _run(self, call, msg):
        _context.set_current(call)
        try:
            reg = self._find(msg)
            fn = reg.fn
            kwargs = _arguments(fn, self._available(call, msg))
            result = fn(**kwargs)
            if msg.get("kind") == "watch":
                self._stream(call, reg, result)
                result = None
            elif inspect.isgenerator(result):
                result = list(result)
            self.proto.write(_checked({"op": "result", "id": call.id, "ok": True, "value": result}))
        except BaseException as e:  # noqa: B902
            self.proto.send({"op": "result", "id": call.id, "ok": False, "error": {
                "type": type(e).__name__, "message": _message(e), "traceback": None if isinstance(e, HookError) else _user_traceback(e),
            }})
        finally:
            sys.stdout.flush()
            _context.set_current(None)
            self.calls.pop(call.id, None)

    def _find(self, msg):
        regs = self.registrations(msg["file"])
        i = msg.get("index", -1)
        want = msg.get("expect") or {}
        reg = regs[i] if 0 <= i < len(regs) else None
        got = reg.describe() if reg is not None else None
        if got is None or any(got.get(k) != want.get(k) for k in ("kind", "name", "role", "topic")):
            raise HookError(
                "%s no longer registers the hook meshroom expected (%s %s); the file changed during this command: run it again"
                % (msg["file"], want.get("registrar"), want.get("name"))
            )
        return reg

    def _available(self, call, msg):
        ctx = msg.get("context") or {}
        products_dir = os.path.join(self.root, "products") if self.root else None
        a = {"address": ctx.get("address"), "outputs": ctx.get("outputs"), "changes": ctx.get("changes"),
             "params": ctx.get("params"), "data": ctx.get("data"), "path": ctx.get("path")}
        a["instance"] = Instance(ctx["instance"], call) if ctx.get("instance") else None
        a["plug"] = Plug(ctx["plug"], call) if ctx.get("plug") else None
        a["integration"] = Integration(ctx["integration"], products_dir) if ctx.get("integration") else None
        if ctx.get("filesDir"):
            a["files"] = Files(call, ctx["filesDir"])
        product = ctx.get("product")
        if product:
            a["product"] = Product(product, products_dir and os.path.join(products_dir, product))
        return a

    def _stream(self, call, reg, result):
        if result is None or isinstance(result, (str, bytes, dict)) or not hasattr(result, "__iter__"):
            raise HookError("watch hook '%s' did not return a generator: write it with `yield`" % getattr(reg.fn, "__name__", "?"))
        it = iter(result)
        try:
            for item in it:
                if call.cancelled:
                    break
                self.proto.write(_checked({"op": "item", "id": call.id, "value": item}))
                if call.cancelled:
                    break
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                close()


class _Workers(object):
    """Threads that run hook calls: an idle one takes the next call, else a new one starts
    (a watch hook may hold its thread as long as it streams, so there is no fixed pool)."""

    def __init__(self):
        self._queue = queue.SimpleQueue()
        self._idle = 0
        self._lock = threading.Lock()

    def submit(self, fn, *args):
        with self._lock:
            start = self._idle == 0
            if not start:
                self._idle -= 1
        self._queue.put((fn, args))
        if start:
            t = threading.Thread(target=self._loop, name="hook-worker")
            t.daemon = True
            t.start()

    def _loop(self):
        while True:
            fn, args = self._queue.get()
            fn(*args)
            with self._lock:
                self._idle += 1


# --- helpers --------------------------------------------------------------------------------
def _ident(name):
    return name.replace(".", "__").replace("-", "_")


def _package(name, path):
    mod = sys.modules.get(name)
    if mod is None:
        spec = ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = [path] if path else []
        mod = importlib.util.module_from_spec(spec)
        mod.__path__ = [path] if path else []
        sys.modules[name] = mod
        parent, _, child = name.rpartition(".")
        if parent and parent in sys.modules:
            setattr(sys.modules[parent], child, mod)
    return name


def _product_package(product, path):
    return _package("products." + _ident(product), path)


_TYPES = {"Instance": "instance", "Plug": "plug", "Integration": "integration", "Product": "product", "Files": "files"}


_SIGNATURES = {}


def _parameters(fn):
    """(name, kind, has_default, annotation name) of each parameter, computed once per function."""
    params = _SIGNATURES.get(fn)
    if params is None:
        params = []
        for name, p in inspect.signature(fn).parameters.items():
            ann = p.annotation
            ann_name = ann if isinstance(ann, str) else getattr(ann, "__name__", None)
            params.append((name, p.kind, p.default is not p.empty, ann_name))
        _SIGNATURES[fn] = params
    return params


def _arguments(fn, available):
    """Fills the hook's parameters by name (or by their model type annotation)."""
    params = available.get("params") or {}
    kwargs = {}
    var_kw = False
    for name, kind, has_default, ann_name in _parameters(fn):
        if kind == inspect.Parameter.VAR_POSITIONAL:
            continue
        if kind == inspect.Parameter.VAR_KEYWORD:
            var_kw = True
            continue
        if kind == inspect.Parameter.POSITIONAL_ONLY:
            raise HookError("hook %s: positional-only parameter %r cannot be filled by name" % (fn.__name__, name))
        if name in available and (available[name] is not None or not has_default):
            kwargs[name] = available[name]
            continue
        if name in params:
            kwargs[name] = params[name]
            continue
        if ann_name in _TYPES and available.get(_TYPES[ann_name]) is not None:
            kwargs[name] = available[_TYPES[ann_name]]
            continue
        if has_default:
            continue
        raise HookError("hook %s: meshroom has nothing to pass as parameter %r (it passes: %s%s)" % (
            fn.__name__, name, ", ".join(sorted(k for k, v in available.items() if v is not None)),
            "; params: " + ", ".join(sorted(params)) if params else ""))
    if var_kw:
        # **kwargs receives the call's parameters (`-p name=value` of trigger/execute), nothing else
        for k, v in params.items():
            if k not in kwargs:
                kwargs[k] = v
    return kwargs


def encode(msg):
    return (json.dumps(msg, separators=(",", ":"), allow_nan=False) + "\n").encode("utf-8")


def _checked(msg):
    """The message as protocol bytes; a value JSON cannot hold fails the hook."""
    try:
        return encode(msg)
    except (TypeError, ValueError) as e:
        raise HookError("returned a result that cannot be stored (%s): return plain data (str, int, float, bool, None, list, dict)" % e)


def _message(e):
    text = str(e)
    if isinstance(e, HookError):
        return text
    if isinstance(e, SystemExit):
        return "the hook tried to end the Python process (SystemExit %s)" % (e.code,)
    return "%s: %s" % (type(e).__name__, text) if text else type(e).__name__


def _user_traceback(e):
    tb = e.__traceback__
    while tb is not None and os.path.dirname(os.path.abspath(tb.tb_frame.f_code.co_filename)) == _HERE:
        tb = tb.tb_next
    lines = traceback.format_exception(type(e), e, tb)
    return "".join(lines).rstrip()


def main():
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    # fd 1 and 0 belong to hooks and their programs from now on: stdout goes to stderr
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    sys.stdin = open(os.devnull)
    sys.stdout = _context.HookStdout(sys.stderr)
    proto = _Protocol(proto_out)
    host = Host(proto)
    proto.send({"op": "hello", "protocol": PROTOCOL, "python": "%d.%d.%d" % sys.version_info[:3]})
    handlers = {"allow": host.on_allow, "register": host.on_register, "call": host.on_call, "reply": host.on_reply, "cancel": host.on_cancel}
    for line in proto_in:
        if not line.strip():
            continue
        msg = json.loads(line.decode("utf-8"))
        h = handlers.get(msg.get("op"))
        if h is None:
            sys.stderr.write("meshroom python host: unknown request %r\n" % msg.get("op"))
            continue
        try:
            h(msg)
        except BaseException as e:  # noqa: B902
            if msg.get("id") is not None:
                proto.send({"op": "result", "id": msg.get("id"), "ok": False, "error": {"type": type(e).__name__, "message": _message(e), "traceback": None}})
            else:
                sys.stderr.write("meshroom python host: %s\n" % _message(e))
    # meshroom closed the pipe (it ended): hooks still running are abandoned with the process
    sys.stderr.flush()
    os._exit(0)
