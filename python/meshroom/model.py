"""What a hook receives: the integration, the plug, the instance (and the product).

These are views of meshroom's own objects for one hook call. Secrets are not copied into
the Python process ahead of time: ``get_secret`` asks meshroom, which reads its encrypted
store and redacts the value from everything meshroom prints; ``set_secret`` saves into that
store (written when the command ends), never into the state.
"""
from pathlib import Path


class _Settings(dict):
    """A plain dict of settings (``settings.get("region", "fra1")``), also readable as attributes."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)


class _Secrets(object):
    __slots__ = ("_call", "_scope")

    def __init__(self, call, scope):
        self._call = call
        self._scope = scope

    def get(self, name):
        return self._call.ask(self._scope + ".get_secret", name)

    def set(self, name, value):
        if not isinstance(value, str):
            raise TypeError("set_secret(%r, ...): a secret value must be a string, got %s" % (name, type(value).__name__))
        self._call.ask(self._scope + ".set_secret", name, value)

    def delete(self, name):
        self._call.ask(self._scope + ".delete_secret", name)


class _HasSecrets(object):
    """``get_secret``/``set_secret`` of instances and plugs (answered by meshroom's store)."""

    _secrets = None

    def get_secret(self, name, default=None):
        v = self._secrets.get(name)
        return default if v is None else v

    def set_secret(self, name, value):
        self._secrets.set(name, value)


class Product(object):
    """A product of the project: ``name`` and ``path`` (its folder)."""

    def __init__(self, name, path):
        self.name = name
        self.path = Path(path) if path else None

    def __repr__(self):
        return "Product(%r)" % self.name


class Instance(_HasSecrets):
    """An instance of a product: ``name``, ``product``, ``settings``; ``get_secret``/``set_secret``."""

    def __init__(self, data, call=None):
        self.name = data.get("name")
        self.product = data.get("product")
        self.settings = _Settings(data.get("settings") or {})
        self._secrets = _Secrets(call, "instance")

    def __repr__(self):
        return "Instance(%r, product=%r)" % (self.name, self.product)


class Plug(_HasSecrets):
    """A plug ``src -[topic]-> dst``: ``src``, ``dst``, ``topic``, ``mode``, ``format``, ``kind``,
    this side's ``settings``; secrets shared by both sides (``get_secret``, ``set_secret``, ``delete_secret``)."""

    def __init__(self, data, call=None):
        self.src = data.get("src")
        self.dst = data.get("dst")
        self.topic = data.get("topic")
        self.mode = data.get("mode")
        self.format = data.get("format")
        self.kind = data.get("kind")
        self.settings = _Settings(data.get("settings") or {})
        self._secrets = _Secrets(call, "plug")

    # the names the original meshroom model uses for the two ends
    @property
    def src_instance(self):
        return self.src

    @property
    def dst_instance(self):
        return self.dst

    def delete_secret(self, name):
        self._secrets.delete(name)

    def __repr__(self):
        return "Plug(%r -[%s]-> %r, mode=%r)" % (self.src, self.topic, self.dst, self.mode)


class Integration(object):
    """One side's integration: ``product``, ``target_product``, ``topic``, ``role``, ``mode``,
    ``format``, ``settings``, and every extra field of its YAML file as an attribute
    (``getattr(integration, "intake_format_uuid", None)``)."""

    _KNOWN = ("product", "targetProduct", "topic", "role", "mode", "format", "settings")

    def __init__(self, data, products_dir=None):
        for k, v in data.items():
            if k not in self._KNOWN and not k.startswith("_"):
                setattr(self, k, v)
        self.product = data.get("product")
        self.target_product = data.get("targetProduct")
        self.topic = data.get("topic")
        self.role = data.get("role")
        self.mode = data.get("mode")
        self.format = data.get("format")
        self.settings = _Settings(data.get("settings") or {})
        self._products_dir = products_dir

    def get_product(self):
        return Product(self.product, self._products_dir and Path(self._products_dir) / self.product)

    def get_target_product(self):
        return Product(self.target_product, self._products_dir and Path(self._products_dir) / self.target_product)

    def __repr__(self):
        return "Integration(%s -[%s %s]-> %s, mode=%r)" % (self.product, self.topic, self.role, self.target_product, self.mode)


class Files(object):
    """Scaffold hooks' ``files``: read and write files under the integration's folder only."""

    def __init__(self, call, dir):
        self._call = call
        self.dir = Path(dir) if dir else None

    def write(self, path, content):
        if isinstance(content, bytes):
            content = content.decode("utf-8")
        return self._call.ask("files.write", str(path), content)

    def read(self, path):
        return self._call.ask("files.read", str(path))

    def exists(self, path):
        return bool(self._call.ask("files.exists", str(path)))
