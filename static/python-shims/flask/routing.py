"""flask.routing - URL rules (Werkzeug's matching order), the slash redirect, error
handler lookup, and calling a view (an ``async def`` view runs to its end)."""

import inspect
import re
from urllib.parse import quote

import promplay_lab as _lab
from werkzeug.exceptions import HTTPException

from .helpers import redirect


# ---------------------------------------------------------------------------
# Routing


class Rule:
    _PART = re.compile(r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\((?P<args>[^)]*)\))?:)?(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>")
    _CONVERTERS = {
        "default": (r"[^/]+", str, 1),
        "string": (r"[^/]+", str, 1),
        "int": (r"\d+", int, 1),
        "float": (r"\d+\.\d+", float, 1),
        "path": (r"[^/].*?", str, 2),
        "uuid": (r"[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}", None, 1),
        "any": (None, str, 1),
    }

    def __init__(self, rule, endpoint, methods, order):
        if not rule.startswith("/"):
            raise ValueError("urls must start with a leading slash")
        self.rule = rule
        self.endpoint = endpoint
        self.methods = set(methods)
        self.order = order
        self.arguments = set()
        self._converters = {}
        pattern = ""
        weights = []
        pos = 0
        for m in self._PART.finditer(rule):
            static = rule[pos:m.start()]
            pattern += re.escape(static)
            weights.extend([0] * static.count("/"))
            conv = m.group("converter") or "default"
            if conv not in self._CONVERTERS:
                raise LookupError(f"the converter {conv!r} does not exist")
            regex, to_python, weight = self._CONVERTERS[conv]
            if conv == "any":
                options = [o.strip().strip("'\"") for o in (m.group("args") or "").split(",")]
                regex = "|".join(re.escape(o) for o in options)
            if conv == "uuid":
                import uuid

                to_python = uuid.UUID
            name = m.group("name")
            pattern += f"(?P<{name}>{regex})"
            self.arguments.add(name)
            self._converters[name] = to_python
            weights.append(weight)
            pos = m.end()
        pattern += re.escape(rule[pos:])
        weights.extend([0] * rule[pos:].count("/"))
        self._regex = re.compile("^" + pattern + "$")
        self.strict_slash = rule.endswith("/") and len(rule) > 1
        self._slashless = re.compile("^" + pattern[:-1] + "$") if self.strict_slash and pattern.endswith("/") else None
        self.sort_key = (self.arguments and 1 or 0, weights, -len(rule), order)

    def match(self, path):
        m = self._regex.match(path)
        if m is None:
            return None
        values = {}
        for name, raw in m.groupdict().items():
            convert = self._converters[name]
            try:
                values[name] = convert(raw) if convert else raw
            except ValueError:
                return None
        return values

    def build(self, values):
        out = self.rule
        for m in self._PART.finditer(self.rule):
            out = out.replace(m.group(0), quote(str(values.pop(m.group("name"))), safe="/"), 1)
        return out

    def __repr__(self):
        return f"<Rule '{self.rule}' ({', '.join(sorted(self.methods))}) -> {self.endpoint}>"


class _RequestRedirect(HTTPException):
    code = 308

    def __init__(self, new_url):
        super().__init__(f"Redirecting to {new_url}")
        self.new_url = new_url

    def get_response(self, environ=None, scope=None):
        return redirect(self.new_url, 308)


def _find_error_handler(app, e):
    code = getattr(e, "code", None) if isinstance(e, HTTPException) else None
    if code is not None and code in app.error_handler_spec:
        return app.error_handler_spec[code]
    for cls in type(e).__mro__:
        if cls in app.error_handler_spec:
            return app.error_handler_spec[cls]
    return None


def _call(view, *args, **kwargs):
    rv = view(*args, **kwargs)
    if inspect.iscoroutine(rv):
        rv = _lab.run_coroutine(rv)
    return rv
