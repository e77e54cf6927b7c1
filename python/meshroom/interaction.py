"""Messages from a hook to the person running meshroom.

They go to meshroom's progress output, prefixed with the resource the hook works on, with
every known secret value redacted. ``debug`` lines show with ``--debug``/verbose output only.
``print()`` in a hook goes the same way, as ``info``.
"""
from meshroom import _context


def _emit(level, args):
    _context.emit_log(level, " ".join(a if isinstance(a, str) else repr(a) for a in args))


def debug(*args):
    _emit("debug", args)


def info(*args):
    _emit("info", args)


def log(*args):
    _emit("info", args)


def warning(*args):
    _emit("warn", args)


warn = warning


def error(*args):
    _emit("warn", ("error:",) + tuple(args))


def box(*lines):
    """A few lines that belong together (a URL to open, a next step)."""
    _emit("info", ("\n".join(str(x) for x in lines),))
