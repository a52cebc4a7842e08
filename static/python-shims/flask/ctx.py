"""flask.ctx - context locals: request contexts, and the request, g and current_app proxies.

Each request runs on a lab task of its own, so the context stack lives in the
task's own dict (promplay_lab.context()).
"""

import promplay_lab as _lab

from .wrappers import _MISSING, Request


# ---------------------------------------------------------------------------
# Context locals: each request runs on a lab task of its own.


class _AppCtxGlobals:
    def get(self, name, default=None):
        return self.__dict__.get(name, default)

    def pop(self, name, default=_MISSING):
        if default is _MISSING:
            return self.__dict__.pop(name)
        return self.__dict__.pop(name, default)

    def setdefault(self, name, default=None):
        return self.__dict__.setdefault(name, default)

    def __contains__(self, item):
        return item in self.__dict__

    def __iter__(self):
        return iter(self.__dict__)

    def __repr__(self):
        return f"<flask.g of {getattr(_app_stack_top(), 'name', '?')!r}>"


class _RequestContext:
    def __init__(self, app, environ):
        self.app = app
        self.request = Request(environ)
        self.g = _AppCtxGlobals()
        self._after_request_functions = []


def _stack():
    return _lab.context().setdefault("flask", [])


def _top(kind):
    stack = _stack()
    if not stack:
        if kind == "app":
            raise RuntimeError("Working outside of application context.")
        raise RuntimeError("Working outside of request context.")
    return stack[-1]


def _app_stack_top():
    stack = _stack()
    return stack[-1].app if stack else None


class _Proxy:
    __slots__ = ("_lookup",)

    def __init__(self, lookup):
        object.__setattr__(self, "_lookup", lookup)

    def _get_current_object(self):
        return self._lookup()

    def __getattr__(self, name):
        return getattr(self._lookup(), name)

    def __setattr__(self, name, value):
        setattr(self._lookup(), name, value)

    def __delattr__(self, name):
        delattr(self._lookup(), name)

    def __contains__(self, item):
        return item in self._lookup()

    def __iter__(self):
        return iter(self._lookup())

    def __bool__(self):
        try:
            self._lookup()
        except RuntimeError:
            return False
        return True

    def __eq__(self, other):
        return self._lookup() == other

    def __hash__(self):
        return hash(self._lookup())

    def __repr__(self):
        try:
            return repr(self._lookup())
        except RuntimeError:
            return "<LocalProxy unbound>"


request = _Proxy(lambda: _top("request").request)
g = _Proxy(lambda: _top("app").g)
current_app = _Proxy(lambda: _top("app").app)
session = {}


def has_request_context():
    return bool(_stack())


has_app_context = has_request_context


def after_this_request(f):
    _top("request")._after_request_functions.append(f)
    return f
