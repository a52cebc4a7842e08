"""flask.app - the Flask app and Blueprint: registration, Flask 3's request handling,
app.logger, app.run, the test client, and make_response."""

import json as _json
import logging
import sys

import promplay_lab as _lab
from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed, NotFound

from .ctx import _app_stack_top, _RequestContext, _stack, _top, request
from .helpers import jsonify
from .routing import Rule, _call, _find_error_handler, _RequestRedirect
from .wrappers import Request, Response


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


def make_response(*args):
    if not args:
        return Response()
    if len(args) == 1:
        args = args[0]
    app = _app_stack_top()
    if app is None:
        return Flask.make_response(Flask("__main__"), args)
    return app.make_response(args)
