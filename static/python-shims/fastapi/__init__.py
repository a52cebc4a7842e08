"""fastapi - a small, pure-Python FastAPI (an ASGI app) for the Python lab (no pydantic).

Supported:

* ``FastAPI()``, ``APIRouter`` (``include_router(router, prefix=)``);
  ``@app.get/post/put/delete/patch/head/options(path)`` and ``api_route``;
  ``{param}`` and ``{param:path}`` path parameters, passed by name and converted
  by their annotation (int, float, bool, str); other parameters are query
  parameters by name (default value or 422 when missing); a parameter annotated
  ``Request`` gets the request, one annotated ``dict``/``list`` (or
  ``Body()``) the JSON body.
* ``async def`` and plain handlers; ``asyncio.sleep`` inside them is a virtual
  sleep of the request's task (``await`` of anything else real is not
  supported).
* Return values: dict/list/str/number/None → JSON; a ``Response``
  (``JSONResponse``, ``PlainTextResponse``, ``HTMLResponse``) as is;
  ``status_code=`` of the decorator.
* ``HTTPException(status_code, detail)`` → ``{"detail": ...}``; unknown path 404
  ``{"detail":"Not Found"}``; 405 for a known path and another method.
* ``@app.middleware("http")`` with ``call_next`` (an exception in the handler
  propagates out of ``call_next``, as with Starlette's BaseHTTPMiddleware; an
  unhandled one ends as "500 Internal Server Error" text, logged like uvicorn);
  ``@app.exception_handler(cls or status)``;
  ``app.mount("/metrics", make_asgi_app())`` (a mount also answers its bare
  path: Starlette would first redirect /metrics to /metrics/); startup/shutdown
  hooks (``on_event``) run when the app is served.
* ``request.scope["route"].path`` is the route template (for metric labels).

The app is served by ``uvicorn.run(app, ...)``, which blocks for ever.
"""

import inspect
import json as _json
import re
import sys
import traceback
from urllib.parse import parse_qsl

import promplay_lab as _lab

__version__ = "0.115.0"

from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response  # noqa: E402


class HTTPException(Exception):
    def __init__(self, status_code, detail=None, headers=None):
        if detail is None:
            from http import HTTPStatus

            try:
                detail = HTTPStatus(status_code).phrase
            except ValueError:
                detail = ""
        super().__init__(status_code, detail)
        self.status_code = status_code
        self.detail = detail
        self.headers = headers

    def __str__(self):
        return f"{self.status_code}: {self.detail}"


class status:  # noqa: N801 - fastapi.status constants
    HTTP_200_OK = 200
    HTTP_201_CREATED = 201
    HTTP_204_NO_CONTENT = 204
    HTTP_400_BAD_REQUEST = 400
    HTTP_401_UNAUTHORIZED = 401
    HTTP_403_FORBIDDEN = 403
    HTTP_404_NOT_FOUND = 404
    HTTP_409_CONFLICT = 409
    HTTP_422_UNPROCESSABLE_ENTITY = 422
    HTTP_429_TOO_MANY_REQUESTS = 429
    HTTP_500_INTERNAL_SERVER_ERROR = 500
    HTTP_503_SERVICE_UNAVAILABLE = 503


class _Marker:
    def __init__(self, default=inspect.Parameter.empty, **kwargs):
        self.default = default


class Body(_Marker):
    pass


class Query(_Marker):
    pass


class Path(_Marker):
    pass


class Header(_Marker):
    pass


def Depends(dependency=None):  # noqa: N802
    return _Marker(default=None)


class URL(str):
    def __new__(cls, scheme, host, path, query):
        value = f"{scheme}://{host}{path}" + (f"?{query}" if query else "")
        self = super().__new__(cls, value)
        self.scheme, self.hostname, self.path, self.query = scheme, host, path, query
        return self


class _Headers(dict):
    def get(self, key, default=None):
        return super().get(key.lower(), default)

    def __getitem__(self, key):
        return super().__getitem__(key.lower())

    def __contains__(self, key):
        return super().__contains__(key.lower())


class _State:
    pass


class Request:
    def __init__(self, scope, receive=None):
        self.scope = scope
        self._receive = receive
        self._body = None
        self.method = scope.get("method", "GET")
        query = scope.get("query_string", b"").decode("latin-1")
        self.headers = _Headers((k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in scope.get("headers", []))
        self.url = URL(scope.get("scheme", "http"), self.headers.get("host", "localhost"),
                       scope.get("root_path", "") + scope.get("path", "/"), query)
        self.query_params = dict(parse_qsl(query, keep_blank_values=True))
        self.path_params = scope.get("path_params", {})
        client = scope.get("client") or ("127.0.0.1", 0)
        self.client = _Address(client[0], client[1])
        self.cookies = {}
        self.state = scope.setdefault("state", _State()) if isinstance(scope.get("state", _State()), _State) else _State()
        self.app = scope.get("app")

    async def body(self):
        if self._body is None:
            chunks = []
            while self._receive is not None:
                message = await self._receive()
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    break
            self._body = b"".join(chunks)
        return self._body

    async def json(self):
        return _json.loads(await self.body() or b"null")

    async def form(self):
        return dict(parse_qsl((await self.body()).decode()))


class _Address(tuple):
    def __new__(cls, host, port):
        self = super().__new__(cls, (host, port))
        self.host, self.port = host, port
        return self


class APIRoute:
    _PARAM = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::path)?}")

    def __init__(self, path, endpoint, methods, status_code=None, response_class=None, name=None):
        self.path = path
        self.endpoint = endpoint
        self.methods = {m.upper() for m in methods}
        self.status_code = status_code
        self.response_class = response_class or JSONResponse
        self.name = name or endpoint.__name__
        pattern = ""
        pos = 0
        for m in self._PARAM.finditer(path):
            pattern += re.escape(path[pos:m.start()])
            pattern += f"(?P<{m.group(1)}>.+)" if m.group(0).endswith(":path}") else f"(?P<{m.group(1)}>[^/]+)"
            pos = m.end()
        pattern += re.escape(path[pos:])
        self.regex = re.compile("^" + pattern + "$")
        self.signature = inspect.signature(endpoint)
        try:
            import typing

            self.hints = typing.get_type_hints(endpoint)
        except Exception:
            self.hints = {}

    async def handle(self, request):
        kwargs = {}
        missing = []
        for name, param in self.signature.parameters.items():
            hint = self.hints.get(name, param.annotation)
            default = param.default
            if isinstance(default, _Marker):
                marker, default = default, default.default
            else:
                marker = None
            if hint is Request or (isinstance(hint, type) and issubclass(hint, Request)):
                kwargs[name] = request
            elif name in request.path_params:
                kwargs[name] = _convert(request.path_params[name], hint, name, "path")
            elif isinstance(marker, Body) or hint in (dict, list) or getattr(hint, "__origin__", None) in (dict, list):
                kwargs[name] = await request.json()
            elif name in request.query_params:
                kwargs[name] = _convert(request.query_params[name], hint, name, "query")
            elif default is not inspect.Parameter.empty:
                kwargs[name] = default
            else:
                missing.append(name)
        if missing:
            return JSONResponse({"detail": [
                {"type": "missing", "loc": ["query", n], "msg": "Field required", "input": None} for n in missing]},
                status_code=422)
        if request.scope.get("promplay.fault"):
            # The lab's injected fault: the handler raises.
            raise RuntimeError("simulated failure")
        result = self.endpoint(**kwargs)
        if inspect.isawaitable(result):
            result = await result
        if isinstance(result, Response):
            return result
        kwargs = {"status_code": self.status_code} if self.status_code else {}
        return self.response_class(result, **kwargs)


class _Invalid(Exception):
    def __init__(self, response):
        self.response = response


def _convert(raw, hint, name, where):
    if hint in (inspect.Parameter.empty, str, None) or not isinstance(hint, type):
        return raw
    try:
        if hint is bool:
            if raw.lower() in ("1", "true", "on", "yes"):
                return True
            if raw.lower() in ("0", "false", "off", "no"):
                return False
            raise ValueError(raw)
        return hint(raw)
    except (ValueError, TypeError):
        kind = {int: "int_parsing", float: "float_parsing", bool: "bool_parsing"}.get(hint, "value_error")
        raise _Invalid(JSONResponse({"detail": [{
            "type": kind, "loc": [where, name],
            "msg": f"Input should be a valid {hint.__name__}", "input": raw}]}, status_code=422)) from None


class APIRouter:
    def __init__(self, prefix="", tags=None, **kwargs):
        self.prefix = prefix.rstrip("/")
        self.entries = []

    def add_api_route(self, path, endpoint, methods=("GET",), status_code=None, response_class=None, name=None,
                      **kwargs):
        self.entries.append(APIRoute(self.prefix + path, endpoint, methods, status_code, response_class, name))

    def api_route(self, path, methods=("GET",), **kwargs):
        def decorator(f):
            self.add_api_route(path, f, methods, **kwargs)
            return f

        return decorator

    def get(self, path, **kwargs):
        return self.api_route(path, ["GET"], **kwargs)

    def post(self, path, **kwargs):
        return self.api_route(path, ["POST"], **kwargs)

    def put(self, path, **kwargs):
        return self.api_route(path, ["PUT"], **kwargs)

    def delete(self, path, **kwargs):
        return self.api_route(path, ["DELETE"], **kwargs)

    def patch(self, path, **kwargs):
        return self.api_route(path, ["PATCH"], **kwargs)

    def head(self, path, **kwargs):
        return self.api_route(path, ["HEAD"], **kwargs)

    def options(self, path, **kwargs):
        return self.api_route(path, ["OPTIONS"], **kwargs)

    def include_router(self, router, prefix="", **kwargs):
        for route in router.entries:
            if isinstance(route, APIRoute):
                self.add_api_route(prefix.rstrip("/") + route.path, route.endpoint, route.methods,
                                   route.status_code, route.response_class, route.name)


class _Mount:
    def __init__(self, path, app, name=None):
        self.path = path.rstrip("/")
        self.app = app
        self.name = name


class FastAPI(APIRouter):
    promplay_kind = "asgi"

    def __init__(self, title="FastAPI", version="0.1.0", lifespan=None, **kwargs):
        super().__init__()
        self.title = title
        self.version = version
        self.middlewares = []
        self.exception_handlers = {}
        self.state = _State()
        self._on = {"startup": [], "shutdown": []}
        self._started = False

    # --- the lab's view of the app
    def promplay_routes(self):
        routes = []
        for entry in self.entries:
            if isinstance(entry, APIRoute):
                for method in sorted(entry.methods):
                    routes.append({"method": method, "path": entry.path})
        return routes

    def promplay_has_metrics(self):
        for entry in self.entries:
            if isinstance(entry, _Mount) and (entry.path == "/metrics" or entry.path == ""):
                return True
            if isinstance(entry, APIRoute) and "GET" in entry.methods and entry.regex.match("/metrics"):
                return True
        return False

    # --- registration
    @property
    def routes(self):
        return list(self.entries)

    def mount(self, path, app, name=None):
        self.entries.append(_Mount(path, app, name))

    def middleware(self, middleware_type):
        def decorator(f):
            if middleware_type != "http":
                raise ValueError("Currently only middleware('http') is supported")
            self.middlewares.insert(0, f)
            return f

        return decorator

    def add_middleware(self, cls, **options):
        pass

    def exception_handler(self, exc_class_or_status_code):
        def decorator(f):
            self.exception_handlers[exc_class_or_status_code] = f
            return f

        return decorator

    def on_event(self, event_type):
        def decorator(f):
            self._on.setdefault(event_type, []).append(f)
            return f

        return decorator

    async def _startup(self):
        if self._started:
            return
        self._started = True
        for f in self._on["startup"]:
            result = f()
            if inspect.isawaitable(result):
                await result

    # --- ASGI
    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            await self._startup()
            return
        if scope["type"] != "http":
            return
        scope["app"] = self
        path = scope["path"]
        for entry in self.entries:
            if isinstance(entry, _Mount) and (path == entry.path or path.startswith(entry.path + "/")):
                child = dict(scope)
                child["root_path"] = scope.get("root_path", "") + entry.path
                child["path"] = path[len(entry.path):] or "/"
                await entry.app(child, receive, send)
                return
        request = Request(scope, receive)
        try:
            response = await self._middleware_chain(0, request)
        except Exception as e:
            response = await self._server_error(request, e)
        await response(scope, receive, send)

    async def _middleware_chain(self, index, request):
        if index == len(self.middlewares):
            return await self._dispatch(request)

        async def call_next(req):
            return await self._middleware_chain(index + 1, req)

        return await self.middlewares[index](request, call_next)

    def _handler_for(self, exc):
        if isinstance(exc, HTTPException) and exc.status_code in self.exception_handlers:
            return self.exception_handlers[exc.status_code]
        for cls in type(exc).__mro__:
            if cls in self.exception_handlers:
                return self.exception_handlers[cls]
        return None

    async def _dispatch(self, request):
        scope = request.scope
        path = scope["path"]
        allowed = set()
        for entry in self.entries:
            if not isinstance(entry, APIRoute):
                continue
            m = entry.regex.match(path)
            if m is None:
                continue
            if request.method not in entry.methods and not (request.method == "HEAD" and "GET" in entry.methods):
                allowed |= entry.methods
                continue
            scope["route"] = entry
            scope["endpoint"] = entry.endpoint
            scope["path_params"] = m.groupdict()
            request.path_params = scope["path_params"]
            try:
                return await entry.handle(request)
            except _Invalid as invalid:
                return invalid.response
            except HTTPException as e:
                return await self._http_error(request, e)
            except Exception as e:
                handler = self._handler_for(e)
                if handler is None or handler in (self.exception_handlers.get(Exception), self.exception_handlers.get(500)):
                    raise
                result = handler(request, e)
                return await result if inspect.isawaitable(result) else result
        if allowed:
            return await self._http_error(request, HTTPException(405, "Method Not Allowed"),
                                          {"Allow": ", ".join(sorted(allowed))})
        return await self._http_error(request, HTTPException(404, "Not Found"))

    async def _http_error(self, request, e, headers=None):
        handler = self._handler_for(e)
        if handler is not None:
            result = handler(request, e)
            return await result if inspect.isawaitable(result) else result
        return JSONResponse({"detail": e.detail}, status_code=e.status_code, headers={**(headers or {}), **(e.headers or {})})

    async def _server_error(self, request, e):
        handler = self.exception_handlers.get(Exception) or self.exception_handlers.get(500)
        sys.stderr.write("ERROR:    Exception in ASGI application\n")
        sys.stderr.write("".join(traceback.format_exception(type(e), e, _lab._user_tb(e.__traceback__))))
        if handler is not None:
            result = handler(request, e)
            return await result if inspect.isawaitable(result) else result
        return PlainTextResponse("Internal Server Error", status_code=500)


__all__ = [
    "APIRouter", "Body", "Depends", "FastAPI", "HTTPException", "Header", "HTMLResponse", "JSONResponse",
    "Path", "PlainTextResponse", "Query", "Request", "Response", "status",
]
