"""The hook call running on this thread (for interaction messages and print())."""
import sys
import threading

_local = threading.local()


def current():
    return getattr(_local, "call", None)


def set_current(call):
    _local.call = call


def emit_log(level, message):
    call = current()
    if call is None:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
    else:
        call.log(level, message)


class HookStdout(object):
    """Replaces sys.stdout: what a hook prints becomes its info messages (fd 1 is meshroom's protocol)."""

    encoding = "utf-8"

    def __init__(self, fallback):
        self._fallback = fallback
        self._partial = threading.local()

    def write(self, s):
        call = current()
        if call is None:
            return self._fallback.write(s)
        buf = getattr(self._partial, "buf", "") + s
        lines = buf.split("\n")
        self._partial.buf = lines.pop()
        for line in lines:
            call.log("info", line)
        return len(s)

    def flush(self):
        call = current()
        buf = getattr(self._partial, "buf", "")
        if call is not None and buf:
            self._partial.buf = ""
            call.log("info", buf)
        elif call is None:
            self._fallback.flush()

    def isatty(self):
        return False

    def fileno(self):
        return self._fallback.fileno()
