"""A small client of the platform's HTTP API (standard library only)."""
import json
import urllib.error
import urllib.request


class SekoiaError(Exception):
    pass


class SekoiaAPI:
    def __init__(self, url, api_key, region="fra1"):
        if not url:
            raise SekoiaError("the instance has no `url` setting: meshroom configure <instance> -c url=...")
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.region = region

    def _request(self, method, path, body=None, headers=None):
        req = urllib.request.Request(self.url + path, method=method, data=None if body is None else json.dumps(body).encode())
        req.add_header("content-type", "application/json")
        req.add_header("x-region", self.region)
        if self.api_key:
            req.add_header("authorization", "Bearer " + self.api_key)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                return json.loads(res.read() or b"null")
        except urllib.error.HTTPError as e:
            raise SekoiaError("%s %s: HTTP %d %s" % (method, path, e.code, e.read().decode(errors="replace")[:200]))

    # intakes
    def create_intake(self, name, fmt):
        return self._request("POST", "/intakes", {"name": name, "format": fmt})

    def delete_intake(self, intake_uuid):
        return self._request("DELETE", "/intakes/" + intake_uuid)

    def send_event(self, intake_key, event):
        return self._request("POST", "/events", {"event": event}, {"x-intake-key": intake_key})

    def received(self, intake_key, after=0):
        """What the intake of this key received (and the intake's uuid)."""
        return self._request("GET", "/events?after=%d" % after, headers={"x-intake-key": intake_key})

    # playbook actions
    def find_action(self, name):
        return self._request("GET", "/actions?name=" + name)["items"]

    def create_action(self, name, executor_token, module):
        return self._request("POST", "/actions", {"name": name, "executor_token": executor_token, "module": module})

    def delete_action(self, action_uuid):
        return self._request("DELETE", "/actions/" + action_uuid)

    def run_action(self, action_uuid, params):
        return self._request("POST", "/actions/%s/run" % action_uuid, {"params": params})

    # catalog
    def publish_module(self, module):
        return self._request("POST", "/modules", module)
