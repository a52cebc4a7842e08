"""flask - a small, pure-Python Flask for the Python lab (no Jinja, no sessions).

It follows Flask 3's request handling closely, so instrumentation behaves as in
a real Flask app:

* ``Flask(__name__)``; ``@app.route(rule, methods=[...])``, ``@app.get``,
  ``.post``, ``.put``, ``.delete``, ``.patch``, ``add_url_rule``; rules with
  ``<id>``, ``<int:id>``, ``<float:x>``, ``<path:p>``, ``<uuid:u>``
  (static rules win over dynamic ones, as Werkzeug matches); HEAD and OPTIONS
  answered automatically; a rule ending in "/" redirects the path without it
  (308).
* ``request``: method, path, full_path, url, base_url, host, args (``.get(key,
  default, type)``), form, values, headers, url_rule (``.rule``), endpoint,
  view_args, get_json() / json (415 when the body is not JSON, as Flask 3),
  data, get_data(), content_type, mimetype, is_json, remote_addr, environ; ``g``;
  ``abort(code)``; ``jsonify``; ``Response(body, status=, headers=, mimetype=,
  content_type=)``; ``make_response``; ``redirect``; ``url_for`` (no external
  URLs).
* View return values: str, bytes, dict/list (JSON), Response, (body, status),
  (body, headers), (body, status, headers); ``async def`` views run to their end.
* ``before_request``, ``after_request`` (in reverse order), ``teardown_request``,
  ``errorhandler(code or exception class)``. An unhandled exception is logged
  ("Exception on /path [GET]") and answered 500 with the after_request hooks run
  (Flask's handle_exception → finalize_request); an HTTPException from abort
  gets its status, hooks run; an unknown path is a 404 with ``request.url_rule``
  None.
* ``app.logger`` (Flask's default handler and format), ``app.config``,
  ``app.wsgi_app`` (a real WSGI callable that can be wrapped, e.g. by
  DispatcherMiddleware), ``app(environ, start_response)``, ``app.test_client()``
  (get/post/... returning a Response), and ``app.run(...)``, which serves the app
  to the lab's traffic and blocks for ever.

Not supported: blueprints' own hooks (a Blueprint's routes are registered on the
app with its url_prefix), templates, sessions, streaming, signals.
"""

import inspect
import json as _json
import logging
import re
import sys
from http import HTTPStatus
from urllib.parse import parse_qsl, quote

import promplay_lab as _lab
from werkzeug.datastructures import EnvironHeaders, Headers, MultiDict
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    UnsupportedMediaType,
    abort,
)

__version__ = "3.1.0"
__all__ = [
    "Flask", "Blueprint", "Request", "Response", "abort", "current_app", "g", "jsonify",
    "make_response", "redirect", "request", "url_for",
]

_CHARSET_MIMETYPES = {
    "application/ecmascript", "application/javascript", "application/sql", "application/xml",
    "application/xml-dtd", "application/xml-external-parsed-entity",
}


def _get_content_type(mimetype, charset="utf-8"):
    # Werkzeug's rule: text/* and a few others get a charset appended (even if one is
    # already there: Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST) really
    # answers "...; charset=utf-8; charset=utf-8").
    if mimetype.startswith("text/") or mimetype in _CHARSET_MIMETYPES or mimetype.endswith("+xml"):
        mimetype += f"; charset={charset}"
    return mimetype


def _status_line(code):
    try:
        return f"{code} {HTTPStatus(code).phrase.upper()}"
    except ValueError:
        return f"{code} UNKNOWN"


# ---------------------------------------------------------------------------
# Response


class Response:
    default_status = 200
    default_mimetype = "text/html"

    def __init__(self, response=None, status=None, headers=None, mimetype=None, content_type=None,
                 direct_passthrough=False):
        self.headers = headers if isinstance(headers, Headers) else Headers(headers)
        if content_type is None:
            if mimetype is None and "content-type" not in self.headers:
                mimetype = self.default_mimetype
            if mimetype is not None:
                mimetype = _get_content_type(mimetype)
            content_type = mimetype
        if content_type is not None:
            self.headers["Content-Type"] = content_type
        self.status = status if status is not None else self.default_status
        self._body = b""
        if response is not None:
            self.set_data(response)

    # status
    @property
    def status_code(self):
        return self._status_code

    @status_code.setter
    def status_code(self, code):
        self._status_code = int(code)
        self._status = _status_line(self._status_code)

    @property
    def status(self):
        return self._status

    @status.setter
    def status(self, value):
        if isinstance(value, HTTPStatus):
            value = int(value)
        if isinstance(value, int):
            self.status_code = value
            return
        value = str(value).strip()
        code, _, phrase = value.partition(" ")
        self._status_code = int(code)
        self._status = f"{code} {phrase.upper()}" if phrase else _status_line(int(code))

    # body
    def set_data(self, value):
        if isinstance(value, str):
            value = value.encode("utf-8")
        elif isinstance(value, (bytes, bytearray)):
            value = bytes(value)
        else:
            value = b"".join(v.encode("utf-8") if isinstance(v, str) else bytes(v) for v in value)
        self._body = value
        self.headers["Content-Length"] = str(len(value))

    def get_data(self, as_text=False):
        return self._body.decode("utf-8") if as_text else self._body

    data = property(get_data, set_data)

    @property
    def response(self):
        return [self._body]

    @property
    def content_type(self):
        return self.headers.get("Content-Type")

    @content_type.setter
    def content_type(self, value):
        self.headers["Content-Type"] = value

    @property
    def mimetype(self):
        ct = self.content_type
        return ct.split(";")[0].strip() if ct else None

    @mimetype.setter
    def mimetype(self, value):
        self.headers["Content-Type"] = _get_content_type(value)

    @property
    def content_length(self):
        return len(self._body)

    @property
    def is_json(self):
        mt = self.mimetype or ""
        return mt == "application/json" or (mt.startswith("application/") and mt.endswith("+json"))

    def get_json(self, force=False, silent=False):
        if not (force or self.is_json):
            return None
        try:
            return _json.loads(self._body)
        except ValueError:
            if silent:
                return None
            raise

    @property
    def json(self):
        return self.get_json()

    def set_cookie(self, key, value="", max_age=None, path="/", **kwargs):
        cookie = f"{key}={quote(str(value))}; Path={path}"
        if max_age is not None:
            cookie += f"; Max-Age={int(max_age)}"
        self.headers.add("Set-Cookie", cookie)

    def delete_cookie(self, key, path="/", **kwargs):
        self.set_cookie(key, "", max_age=0, path=path)

    @classmethod
    def force_type(cls, response, environ=None):
        if isinstance(response, Response):
            return response
        status, headers, body = _lab.call_wsgi(response, environ or {})
        return cls(body, status, headers)

    def __call__(self, environ, start_response):
        start_response(self._status, self.headers.to_wsgi_list())
        if environ.get("REQUEST_METHOD") == "HEAD":
            return [b""]
        return [self._body]

    def __repr__(self):
        return f"<{type(self).__name__} {len(self._body)} bytes [{self._status}]>"


# ---------------------------------------------------------------------------
# Request


class Request:
    def __init__(self, environ):
        self.environ = environ
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        self.script_root = environ.get("SCRIPT_NAME", "").rstrip("/")
        self.path = "/" + environ.get("PATH_INFO", "").lstrip("/")
        qs = environ.get("QUERY_STRING", "")
        self.query_string = qs.encode("latin-1")
        self.args = MultiDict(parse_qsl(qs, keep_blank_values=True))
        self.headers = EnvironHeaders(environ)
        self.remote_addr = environ.get("REMOTE_ADDR")
        self.scheme = environ.get("wsgi.url_scheme", "http")
        self.host = self.headers.get("Host") or environ.get("SERVER_NAME", "localhost")
        self.root_url = f"{self.scheme}://{self.host}{self.script_root}/"
        self.base_url = f"{self.scheme}://{self.host}{self.script_root}{self.path}"
        self.full_path = f"{self.path}?{qs}"
        self.url = self.base_url + (f"?{qs}" if qs else "")
        self.host_url = f"{self.scheme}://{self.host}/"
        self.url_root = self.root_url
        self.url_rule = None
        self.view_args = None
        self.routing_exception = None
        self.cookies = {}
        self.files = MultiDict()
        self._data = None
        self._json = _MISSING
        self._form = None

    @property
    def endpoint(self):
        return self.url_rule.endpoint if self.url_rule is not None else None

    @property
    def blueprint(self):
        return None

    @property
    def blueprints(self):
        return []

    @property
    def content_type(self):
        return self.environ.get("CONTENT_TYPE", "")

    @property
    def mimetype(self):
        return self.content_type.split(";")[0].strip().lower()

    @property
    def content_length(self):
        try:
            return int(self.environ.get("CONTENT_LENGTH") or 0) or None
        except ValueError:
            return None

    @property
    def user_agent(self):
        return self.headers.get("User-Agent", "")

    @property
    def access_route(self):
        return [self.remote_addr]

    def get_data(self, cache=True, as_text=False, parse_form_data=False):
        if self._data is None:
            stream = self.environ.get("wsgi.input")
            length = self.content_length or 0
            self._data = stream.read(length) if stream is not None and length else b""
        return self._data.decode("utf-8", "replace") if as_text else self._data

    @property
    def data(self):
        return self.get_data()

    @property
    def is_json(self):
        mt = self.mimetype
        return mt == "application/json" or (mt.startswith("application/") and mt.endswith("+json"))

    def get_json(self, force=False, silent=False, cache=True):
        if self._json is not _MISSING:
            return self._json
        if not (force or self.is_json):
            if not silent:
                raise UnsupportedMediaType(
                    "Did not attempt to load JSON data because the request Content-Type was not"
                    " 'application/json'.")
            return None
        try:
            value = _json.loads(self.get_data())
        except ValueError as e:
            if silent:
                return None
            raise BadRequest(f"Failed to decode JSON object: {e}") from None
        self._json = value
        return value

    @property
    def json(self):
        return self.get_json()

    @property
    def form(self):
        if self._form is None:
            if self.mimetype == "application/x-www-form-urlencoded":
                self._form = MultiDict(parse_qsl(self.get_data(as_text=True), keep_blank_values=True))
            else:
                self._form = MultiDict()
        return self._form

    @property
    def values(self):
        merged = MultiDict(self.args.items(multi=True))
        for key, value in self.form.items(multi=True):
            merged.add(key, value)
        return merged

    def __repr__(self):
        return f"<Request '{self.url}' [{self.method}]>"


_MISSING = object()


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


class Config(dict):
    def from_object(self, obj):
        if isinstance(obj, str):
            return
        for key in dir(obj):
            if key.isupper():
                self[key] = getattr(obj, key)

    def from_mapping(self, mapping=None, **kwargs):
        self.update(mapping or {}, **kwargs)
        return True

    def from_prefixed_env(self, prefix="FLASK", **kwargs):
        return True


def _default_handler_stream():
    return sys.stderr


class _StderrHandler(logging.StreamHandler):
    """Flask's default_handler: writes to the current stderr."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


class _AppModule(logging.Filter):
    """Records logged by this module say "in app", as Flask's (flask/app.py) do."""

    def filter(self, record):
        if record.module == "__init__" and record.pathname == __file__:
            record.module = "app"
        return True


default_handler = _StderrHandler()
default_handler.addFilter(_AppModule())
default_handler.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s"))


class _Scaffold:
    def __init__(self):
        self._deferred = []

    def route(self, rule, **options):
        def decorator(f):
            endpoint = options.pop("endpoint", None)
            self.add_url_rule(rule, endpoint, f, **options)
            return f

        return decorator

    def _method_route(self, method, rule, options):
        if "methods" in options:
            raise TypeError("Use the 'route' decorator to use the 'methods' argument.")
        return self.route(rule, methods=[method], **options)

    def get(self, rule, **options):
        return self._method_route("GET", rule, options)

    def post(self, rule, **options):
        return self._method_route("POST", rule, options)

    def put(self, rule, **options):
        return self._method_route("PUT", rule, options)

    def delete(self, rule, **options):
        return self._method_route("DELETE", rule, options)

    def patch(self, rule, **options):
        return self._method_route("PATCH", rule, options)


class Blueprint(_Scaffold):
    """Routes registered on the app with the blueprint's url_prefix (endpoints "name.view")."""

    def __init__(self, name, import_name, url_prefix=None, **kwargs):
        super().__init__()
        self.name = name
        self.url_prefix = url_prefix or ""

    def add_url_rule(self, rule, endpoint=None, view_func=None, **options):
        self._deferred.append((rule, endpoint, view_func, options))

    def errorhandler(self, code_or_exception):
        def decorator(f):
            return f

        return decorator

    def before_request(self, f):
        return f

    def after_request(self, f):
        return f


class Flask(_Scaffold):
    response_class = Response
    request_class = Request

    def __init__(self, import_name, static_url_path=None, static_folder="static", template_folder="templates",
                 instance_path=None, root_path=None, **kwargs):
        super().__init__()
        self.import_name = import_name
        self.name = import_name
        if import_name == "__main__":
            # As Flask: the app of `python api.py` is named "api".
            import os

            main_file = getattr(sys.modules.get("__main__"), "__file__", None)
            if main_file and not main_file.startswith("<"):
                self.name = os.path.splitext(os.path.basename(main_file))[0]
        self.config = Config(DEBUG=False, TESTING=False, PROPAGATE_EXCEPTIONS=None, SECRET_KEY=None,
                             JSON_SORT_KEYS=True)
        self.debug = False
        self.testing = False
        self.url_map = []
        self.view_functions = {}
        self.before_request_funcs = {None: []}
        self.after_request_funcs = {None: []}
        self.teardown_request_funcs = {None: []}
        self.error_handler_spec = {}
        self.extensions = {}
        self.wsgi_app = self._wsgi_app
        self._logger = None
        self._rule_order = 0

    # --- the lab's view of the app
    promplay_kind = "wsgi"

    def promplay_routes(self):
        routes = []
        for rule in self.url_map:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append({"method": method, "path": rule.rule})
        return routes

    def promplay_has_metrics(self):
        app = self.wsgi_app
        seen = 0
        while app is not None and seen < 20:
            mounts = getattr(app, "mounts", None)
            if isinstance(mounts, dict) and any(
                    "/metrics" == m or "/metrics".startswith(m.rstrip("/") + "/") for m in mounts):
                return True
            app = getattr(app, "app", None)
            seen += 1
        return self._match_path("GET", "/metrics") is not None

    # --- logging
    @property
    def logger(self):
        if self._logger is None:
            logger = logging.getLogger(self.name)
            if self.debug and not logger.level:
                logger.setLevel(logging.DEBUG)
            if not any(isinstance(h, logging.Handler) and h.level <= logger.getEffectiveLevel()
                       for h in _logger_chain_handlers(logger)):
                logger.addHandler(default_handler)
            self._logger = logger
        return self._logger

    # --- registration
    def add_url_rule(self, rule, endpoint=None, view_func=None, provide_automatic_options=None, **options):
        if endpoint is None:
            if view_func is None:
                raise TypeError("add_url_rule needs a view_func or an endpoint")
            endpoint = view_func.__name__
        methods = options.pop("methods", None)
        if methods is None:
            methods = getattr(view_func, "methods", None) or ("GET",)
        if isinstance(methods, str):
            raise TypeError("Allowed methods must be a list of strings, for example: @app.route(..., methods=[\"POST\"])")
        methods = {m.upper() for m in methods}
        if "GET" in methods:
            methods.add("HEAD")
        methods.add("OPTIONS")
        self._rule_order += 1
        self.url_map.append(Rule(rule, endpoint, methods, self._rule_order))
        self.url_map.sort(key=lambda r: r.sort_key)
        if view_func is not None:
            old = self.view_functions.get(endpoint)
            if old is not None and old != view_func:
                raise AssertionError(
                    f"View function mapping is overwriting an existing endpoint function: {endpoint}")
            self.view_functions[endpoint] = view_func

    def endpoint(self, endpoint):
        def decorator(f):
            self.view_functions[endpoint] = f
            return f

        return decorator

    def register_blueprint(self, blueprint, url_prefix=None, **options):
        prefix = (url_prefix if url_prefix is not None else blueprint.url_prefix).rstrip("/")
        for rule, endpoint, view_func, opts in blueprint._deferred:
            endpoint = endpoint or view_func.__name__
            self.add_url_rule(prefix + rule if rule != "/" or not prefix else prefix + "/",
                              f"{blueprint.name}.{endpoint}", view_func, **dict(opts))

    def before_request(self, f):
        self.before_request_funcs[None].append(f)
        return f

    def after_request(self, f):
        self.after_request_funcs[None].append(f)
        return f

    def teardown_request(self, f):
        self.teardown_request_funcs[None].append(f)
        return f

    def teardown_appcontext(self, f):
        return self.teardown_request(f)

    def before_first_request(self, f):
        return f

    def context_processor(self, f):
        return f

    def template_filter(self, name=None):
        return lambda f: f

    def errorhandler(self, code_or_exception):
        def decorator(f):
            self.register_error_handler(code_or_exception, f)
            return f

        return decorator

    def register_error_handler(self, code_or_exception, f):
        if isinstance(code_or_exception, HTTPException):
            code_or_exception = type(code_or_exception)
        if isinstance(code_or_exception, type) and issubclass(code_or_exception, HTTPException) and code_or_exception.code:
            code_or_exception = code_or_exception.code
        self.error_handler_spec[code_or_exception] = f

    # --- serving
    def run(self, host=None, port=None, debug=None, load_dotenv=True, **options):
        host = host or "127.0.0.1"
        port = int(port or 5000)
        if debug is not None:
            self.debug = bool(debug)
        sys.stdout.write(f" * Serving Flask app '{self.name}'\n * Debug mode: {'on' if self.debug else 'off'}\n")
        sys.stderr.write(f" * Running on http://{host}:{port}\n")
        _lab.serve_wsgi(self, host, port)
        _lab.block_forever()

    def __call__(self, environ, start_response):
        return self.wsgi_app(environ, start_response)

    def test_client(self, use_cookies=True, **kwargs):
        return _TestClient(self)

    def app_context(self):
        return _ContextManager(self, {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "wsgi.url_scheme": "http"})

    def test_request_context(self, path="/", method="GET", **kwargs):
        path, _, qs = path.partition("?")
        return _ContextManager(self, {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": qs,
                                      "wsgi.url_scheme": "http"})

    # --- Flask's request handling
    def _match_path(self, method, path):
        allowed = set()
        for rule in self.url_map:
            values = rule.match(path)
            if values is None:
                if rule._slashless is not None and rule._slashless.match(path):
                    return _RequestRedirect(path + "/")
                continue
            if method in rule.methods:
                return rule, values
            allowed |= rule.methods
        if allowed:
            return MethodNotAllowed(sorted(allowed))
        return None

    def _wsgi_app(self, environ, start_response):
        ctx = _RequestContext(self, environ)
        stack = _stack()
        stack.append(ctx)
        error = None
        try:
            try:
                self._route(ctx.request)
                response = self.full_dispatch_request()
            except Exception as e:
                error = e
                response = self.handle_exception(e)
            except BaseException:
                error = sys.exc_info()[1]
                raise
            return response(environ, start_response)
        finally:
            try:
                self.do_teardown_request(error)
            finally:
                if stack and stack[-1] is ctx:
                    stack.pop()

    def _route(self, req):
        found = self._match_path(req.method, req.path)
        if found is None:
            req.routing_exception = NotFound()
        elif isinstance(found, HTTPException):
            req.routing_exception = found
        else:
            req.url_rule, req.view_args = found

    def full_dispatch_request(self):
        try:
            rv = self.preprocess_request()
            if rv is None:
                rv = self.dispatch_request()
        except Exception as e:
            rv = self.handle_user_exception(e)
        return self.finalize_request(rv)

    def preprocess_request(self):
        for func in self.before_request_funcs[None]:
            rv = _call(func)
            if rv is not None:
                return rv
        return None

    def dispatch_request(self):
        req = request._get_current_object()
        if req.routing_exception is not None:
            raise req.routing_exception
        rule = req.url_rule
        if req.method == "OPTIONS":
            return self.make_default_options_response()
        if req.environ.get("promplay.fault"):
            # The lab's injected fault: the view raises.
            raise RuntimeError("simulated failure")
        return _call(self.view_functions[rule.endpoint], **req.view_args)

    def make_default_options_response(self):
        req = request._get_current_object()
        allowed = sorted(req.url_rule.methods) if req.url_rule else []
        rv = self.response_class()
        rv.headers["Allow"] = ", ".join(allowed)
        return rv

    def finalize_request(self, rv, from_error_handler=False):
        response = self.make_response(rv)
        try:
            response = self.process_response(response)
        except Exception:
            if not from_error_handler:
                raise
            self.logger.exception("Request finalizing failed with an error while handling an error")
        return response

    def process_response(self, response):
        ctx = _top("request")
        for func in ctx._after_request_functions:
            response = _call(func, response)
        for func in reversed(self.after_request_funcs[None]):
            response = _call(func, response)
        return response

    def do_teardown_request(self, exc=None):
        for func in reversed(self.teardown_request_funcs[None]):
            _call(func, exc)

    def handle_user_exception(self, e):
        if isinstance(e, HTTPException):
            return self.handle_http_exception(e)
        handler = _find_error_handler(self, e)
        if handler is None:
            raise
        return _call(handler, e)

    def handle_http_exception(self, e):
        if e.code is None or isinstance(e, _RequestRedirect):
            return e
        handler = _find_error_handler(self, e)
        if handler is None:
            return e
        return _call(handler, e)

    def log_exception(self, exc_info):
        req = request._get_current_object()
        self.logger.error(f"Exception on {req.path} [{req.method}]", exc_info=exc_info)

    def handle_exception(self, e):
        exc_info = sys.exc_info()
        propagate = self.config.get("PROPAGATE_EXCEPTIONS")
        if propagate is None:
            propagate = self.testing or self.debug
        if propagate:
            if exc_info[1] is e:
                raise
            raise e
        self.log_exception(exc_info)
        server_error = InternalServerError(original_exception=e)
        handler = _find_error_handler(self, server_error)
        if handler is not None:
            server_error = _call(handler, server_error)
        return self.finalize_request(server_error, from_error_handler=True)

    def make_response(self, rv):
        status = headers = None
        if isinstance(rv, tuple):
            len_rv = len(rv)
            if len_rv == 3:
                rv, status, headers = rv
            elif len_rv == 2:
                if isinstance(rv[1], (Headers, dict, tuple, list)):
                    rv, headers = rv
                else:
                    rv, status = rv
            else:
                raise TypeError(
                    "The view function did not return a valid response tuple. The tuple must have the form"
                    " (body, status, headers), (body, status), or (body, headers).")
        if rv is None:
            endpoint = request.endpoint if request else None
            raise TypeError(
                f"The view function for {endpoint!r} did not return a valid response. The function either"
                " returned None or ended without a return statement.")
        if not isinstance(rv, Response):
            if isinstance(rv, (str, bytes, bytearray)):
                rv = self.response_class(rv, status=status, headers=headers)
                status = headers = None
            elif isinstance(rv, (dict, list)):
                rv = jsonify(rv)
            elif isinstance(rv, HTTPException):
                rv = rv.get_response()
            elif callable(rv):
                rv = self.response_class.force_type(rv, request.environ)
            else:
                raise TypeError(
                    f"The view function did not return a valid response. The return type must be a string,"
                    f" dict, list, tuple with headers or status, Response instance, or WSGI callable, but it"
                    f" was a {type(rv).__name__}.")
        if status is not None:
            rv.status = status
        if headers:
            rv.headers.extend(headers) if not isinstance(headers, dict) else [rv.headers.set(k, v) for k, v in headers.items()]
        return rv


def _logger_chain_handlers(logger):
    current = logger
    while current:
        yield from current.handlers
        if not current.propagate:
            break
        current = current.parent


class _ContextManager:
    def __init__(self, app, environ):
        self.ctx = _RequestContext(app, environ)

    def push(self):
        _stack().append(self.ctx)

    def pop(self, exc=None):
        stack = _stack()
        if stack and stack[-1] is self.ctx:
            stack.pop()

    def __enter__(self):
        self.push()
        return self

    def __exit__(self, *exc):
        self.pop()


class _TestClient:
    def __init__(self, app):
        self.app = app

    def open(self, path="/", method="GET", data=None, json=None, headers=None, query_string=None, **kwargs):
        headers = dict(headers or {})
        if json is not None:
            data = _json.dumps(json)
            headers.setdefault("Content-Type", "application/json")
        if query_string:
            from urllib.parse import urlencode

            path += "?" + (urlencode(query_string) if isinstance(query_string, dict) else str(query_string))
        served = _lab.WsgiServed(self.app)
        status, out_headers, body = served.call(method, path, False, data if data is not None else "", headers)
        return Response(body, status, out_headers)

    def get(self, path="/", **kw):
        return self.open(path, "GET", **kw)

    def post(self, path="/", **kw):
        return self.open(path, "POST", **kw)

    def put(self, path="/", **kw):
        return self.open(path, "PUT", **kw)

    def delete(self, path="/", **kw):
        return self.open(path, "DELETE", **kw)

    def patch(self, path="/", **kw):
        return self.open(path, "PATCH", **kw)


# ---------------------------------------------------------------------------
# Helpers


def _dumps(obj):
    def default(o):
        import datetime
        import decimal
        import uuid

        if isinstance(o, datetime.date):
            from email.utils import format_datetime

            if not isinstance(o, datetime.datetime):
                o = datetime.datetime(o.year, o.month, o.day)
            return format_datetime(o.replace(tzinfo=datetime.timezone.utc) if o.tzinfo is None else o, usegmt=True)
        if isinstance(o, (decimal.Decimal, uuid.UUID)):
            return str(o)
        if hasattr(o, "__html__"):
            return str(o.__html__())
        raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")

    return _json.dumps(obj, default=default, ensure_ascii=True, sort_keys=True, separators=(",", ":"))


def jsonify(*args, **kwargs):
    if args and kwargs:
        raise TypeError("jsonify() behavior undefined when passed both args and kwargs")
    if len(args) == 1:
        data = args[0]
    else:
        data = args or kwargs
    return Response(_dumps(data) + "\n", mimetype="application/json")


class _JsonModule:
    @staticmethod
    def dumps(obj, **kwargs):
        return _dumps(obj)

    @staticmethod
    def loads(s, **kwargs):
        return _json.loads(s)

    jsonify = staticmethod(jsonify)


json = _JsonModule()


def make_response(*args):
    if not args:
        return Response()
    if len(args) == 1:
        args = args[0]
    app = _app_stack_top()
    if app is None:
        return Flask.make_response(Flask("__main__"), args)
    return app.make_response(args)


def redirect(location, code=302, Response=None):
    from html import escape

    cls = Response or globals()["Response"]
    body = (
        "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n"
        f"<p>You should be redirected automatically to the target URL: <a href=\"{escape(location)}\">"
        f"{escape(location)}</a>. If not, click the link.\n"
    )
    rv = cls(body, code, mimetype="text/html")
    rv.headers["Location"] = location
    return rv


def url_for(endpoint, **values):
    app = _top("app").app
    for rule in app.url_map:
        if rule.endpoint == endpoint and rule.arguments <= set(values):
            path = rule.build(values)
            if values:
                from urllib.parse import urlencode

                path += "?" + urlencode(values)
            return path
    raise RuntimeError(f"Could not build url for endpoint {endpoint!r}.")


def render_template_string(source, **context):
    return source.format(**context) if context else source


def stream_with_context(gen):
    return gen
