"""A local stand-in for the two tenants of the tutorial: a SOC platform ("sekoia" routes) and
the myedr console ("myedr" routes), in memory, on loopback. Standard library only.

    python3 standin/service.py [--port 0]      # prints: listening on http://127.0.0.1:PORT

Every route but /state wants `Authorization: Bearer <API key>`; /state shows everything (for
the tutorial's checks). Not a real product: just enough API for the hooks to talk to.
"""
import argparse
import json
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {"intakes": {}, "events": [], "plugins": {}, "actions": {}, "modules": [], "searches": []}


def _plugin_search(token, params):
    """What a myedr plugin answers: hosts where the searched indicator was seen."""
    plugin = next((p for p in STATE["plugins"].values() if p["token"] == token), None)
    if plugin is None:
        return None
    query = params.get("query", "")
    STATE["searches"].append({"plugin": plugin["id"], "query": query})
    return {"plugin": plugin["id"], "query": query, "matches": ["host-%d" % (len(query) % 7), "host-42"] if query else []}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        n = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(n) if n else b""
        return json.loads(raw) if raw else {}

    def _key(self):
        auth = self.headers.get("authorization", "")
        return auth[7:] if auth.startswith("Bearer ") and len(auth) > 7 else None

    def do_GET(self):
        path, _, query = self.path.partition("?")
        parts = path.strip("/").split("/")
        with LOCK:
            if parts == ["state"]:
                return self._send(200, STATE)
            if not self._key() and parts != ["sekoia", "events"]:
                return self._send(401, {"error": "missing API key"})
            # GET /sekoia/events?after=N, with the intake's key: what that intake received
            if parts == ["sekoia", "events"]:
                intake = next((i for i in STATE["intakes"].values() if i["key"] == self.headers.get("x-intake-key")), None)
                if intake is None:
                    return self._send(403, {"error": "unknown intake key"})
                after = int(query.split("after=")[1]) if "after=" in query else 0
                evs = [e for e in STATE["events"] if e["intake"] == intake["uuid"]]
                return self._send(200, {"intake": intake["uuid"], "events": evs[after:], "total": len(evs)})
            # GET /sekoia/actions?name=X
            if parts == ["sekoia", "actions"]:
                name = query.split("name=")[1] if "name=" in query else ""
                return self._send(200, {"items": [a for a in STATE["actions"].values() if a["name"] == name]})
        return self._send(404, {"error": "no route GET %s" % path})

    def do_POST(self):
        parts = self.path.strip("/").split("/")
        body = self._body()
        with LOCK:
            key = self._key()
            if parts == ["sekoia", "events"]:
                intake = next((i for i in STATE["intakes"].values() if i["key"] == self.headers.get("x-intake-key")), None)
                if intake is None:
                    return self._send(403, {"error": "unknown intake key"})
                STATE["events"].append({"intake": intake["uuid"], "event": body.get("event"), "at": time.time()})
                return self._send(202, {"accepted": 1})
            if not key:
                return self._send(401, {"error": "missing API key"})
            if parts == ["sekoia", "intakes"]:
                i = {"uuid": str(uuid.uuid4()), "key": "ik_" + uuid.uuid4().hex, "name": body.get("name"), "format": body.get("format"), "api_key": key}
                STATE["intakes"][i["uuid"]] = i
                return self._send(201, i)
            if parts == ["sekoia", "actions"]:
                a = {"uuid": str(uuid.uuid4()), "name": body.get("name"), "executor_token": body.get("executor_token"), "module": body.get("module")}
                STATE["actions"][a["uuid"]] = a
                return self._send(201, a)
            # POST /sekoia/actions/<uuid>/run: the platform calls the executor's plugin
            if len(parts) == 4 and parts[:2] == ["sekoia", "actions"] and parts[3] == "run":
                a = STATE["actions"].get(parts[2])
                if a is None:
                    return self._send(404, {"error": "no action %s" % parts[2]})
                answer = _plugin_search(a["executor_token"], body.get("params") or {})
                if answer is None:
                    return self._send(502, {"error": "the executor's plugin is not installed"})
                return self._send(200, {"action": a["name"], "result": answer})
            if parts == ["sekoia", "modules"]:
                STATE["modules"].append(body)
                return self._send(201, {"published": body.get("name")})
            if parts == ["myedr", "plugins"]:
                p = {"id": "plg-" + uuid.uuid4().hex[:8], "name": body.get("name"), "token": "pt_" + uuid.uuid4().hex, "options": body.get("options"), "api_key": key}
                STATE["plugins"][p["id"]] = p
                return self._send(201, p)
            # POST /myedr/search: a search through an installed plugin (what `meshroom execute` calls)
            if parts == ["myedr", "search"]:
                answer = _plugin_search(self.headers.get("x-plugin-token"), body)
                if answer is None:
                    return self._send(404, {"error": "no plugin has this token"})
                return self._send(200, answer)
        return self._send(404, {"error": "no route POST %s" % self.path})

    def do_DELETE(self):
        parts = self.path.strip("/").split("/")
        with LOCK:
            if not self._key():
                return self._send(401, {"error": "missing API key"})
            table = {("sekoia", "intakes"): "intakes", ("sekoia", "actions"): "actions", ("myedr", "plugins"): "plugins"}.get(tuple(parts[:2]))
            if table and len(parts) == 3 and STATE[table].pop(parts[2], None) is not None:
                return self._send(200, {"deleted": parts[2]})
        return self._send(404, {"error": "nothing to delete at %s" % self.path})


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=8089)
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print("listening on http://127.0.0.1:%d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
