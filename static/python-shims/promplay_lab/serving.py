"""promplay_lab.serving - emulated HTTP: the page's requests to the served app, and scrapes.

``WsgiServed`` and ``AsgiServed`` call a WSGI/ASGI app as a server would
(``serve_wsgi``/``serve_asgi`` register one for the page's traffic); ``scrape``
answers a Prometheus scrape at the current virtual time.
"""

import io
import json
import sys

from .clock import run_coroutine
from .errors import describe_error
from .output import take_output
from .process import _uses_gateway
from .state import S


# ---------------------------------------------------------------------------
# Emulated HTTP: requests to the served app, and scrapes.

TRAFFIC_HEADERS = {"Host": "localhost", "User-Agent": "promplay-traffic/1.0", "Accept": "*/*"}
SCRAPE_ACCEPT = {
    "openmetrics": "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
    "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
    "text": "text/plain;version=0.0.4;q=1,*/*;q=0.1",
}
SCRAPE_HEADERS = {"Host": "localhost", "User-Agent": "Prometheus/3.5.0"}
_client_port = [40000]


def _request_body(method, body, headers):
    if body is None:
        if method in ("POST", "PUT", "PATCH"):
            body = "{}"
            headers.setdefault("Content-Type", "application/json")
        else:
            body = ""
    if isinstance(body, str):
        body = body.encode()
    if body:
        headers["Content-Length"] = str(len(body))
    return body


def _client():
    _client_port[0] = 40000 + (_client_port[0] - 39999) % 20000
    return ("127.0.0.1", _client_port[0])


class WsgiServed:
    """A WSGI app served by the program (Flask's app.run, wsgiref's make_server)."""

    def __init__(self, app, host="0.0.0.0", port=5000):
        self.app = app
        self.host = host
        self.port = port

    def environ(self, method, path, fault, body, headers):
        from urllib.parse import unquote

        path, _, query = path.partition("?")
        headers = {**TRAFFIC_HEADERS, **headers}
        body = _request_body(method, body, headers)
        client = _client()
        environ = {
            "REQUEST_METHOD": method.upper(),
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(path, "latin-1") or "/",
            "QUERY_STRING": query,
            "SERVER_NAME": "localhost",
            "SERVER_PORT": str(self.port),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": client[0],
            "REMOTE_PORT": str(client[1]),
            "REQUEST_URI": path + ("?" + query if query else ""),
            "RAW_URI": path + ("?" + query if query else ""),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "promplay.fault": fault,
        }
        for name, value in headers.items():
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            elif key == "CONTENT_LENGTH":
                environ["CONTENT_LENGTH"] = value
            else:
                environ["HTTP_" + key] = value
        return environ

    def call(self, method, path, fault=False, body=None, headers=None):
        environ = self.environ(method, path, fault, body, dict(headers or {}))
        return call_wsgi(self.app, environ)

    def request(self, method, path, fault, body, headers):
        return self.call(method, path, fault, body, headers)[0]

    def routes(self):
        routes = getattr(self.app, "promplay_routes", None)
        if routes is not None:
            return routes()
        return [{"method": "GET", "path": "*"}]

    def has_metrics(self):
        probe = getattr(self.app, "promplay_has_metrics", None)
        return probe() if probe is not None else True


def call_wsgi(app, environ):
    """Calls a WSGI app as a server would: (status, headers, body bytes)."""
    started = {}

    def start_response(status, headers, exc_info=None):
        if exc_info and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started["status"] = status
        started["headers"] = list(headers)
        return lambda data: chunks.append(data)

    chunks = []
    result = app(environ, start_response)
    try:
        for chunk in result:
            chunks.append(chunk)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    status = int(str(started.get("status", "500")).split(" ", 1)[0])
    return status, started.get("headers", []), b"".join(
        c.encode("latin-1") if isinstance(c, str) else bytes(c) for c in chunks)


class AsgiServed:
    """An ASGI app served by the program (uvicorn.run)."""

    def __init__(self, app, host="127.0.0.1", port=8000):
        self.app = app
        self.host = host
        self.port = port

    def call(self, method, path, fault=False, body=None, headers=None):
        path, _, query = path.partition("?")
        from urllib.parse import unquote

        headers = {**TRAFFIC_HEADERS, **dict(headers or {})}
        body = _request_body(method.upper(), body, headers)
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": method.upper(),
            "scheme": "http",
            "path": unquote(path) or "/",
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": [(k.lower().encode("latin-1"), str(v).encode("latin-1")) for k, v in headers.items()],
            "client": _client(),
            "server": ("127.0.0.1", self.port),
            "promplay.fault": fault,
        }
        sent = []
        received = [False]

        async def receive():
            if received[0]:
                return {"type": "http.disconnect"}
            received[0] = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message):
            sent.append(message)

        run_coroutine(self.app(scope, receive, send))
        status = 500
        out_headers = []
        chunks = []
        for message in sent:
            if message["type"] == "http.response.start":
                status = int(message["status"])
                out_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers", [])]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
        return status, out_headers, b"".join(chunks)

    def request(self, method, path, fault, body, headers):
        return self.call(method, path, fault, body, headers)[0]

    def routes(self):
        routes = getattr(self.app, "promplay_routes", None)
        return routes() if routes is not None else [{"method": "GET", "path": "*"}]

    def has_metrics(self):
        probe = getattr(self.app, "promplay_has_metrics", None)
        return probe() if probe is not None else True


def served_for(app):
    """The Served wrapper of a Flask/FastAPI app object (None for anything else)."""
    kind = getattr(app, "promplay_kind", None)
    if kind == "wsgi":
        return WsgiServed(app)
    if kind == "asgi":
        return AsgiServed(app)
    return None


def serve_wsgi(app, host="0.0.0.0", port=5000):
    S.served = WsgiServed(app, host, port)


def serve_asgi(app, host="127.0.0.1", port=8000):
    S.served = AsgiServed(app, host, port)


def _header(headers, name):
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def scrape(fmt):
    """A scrape at the current virtual time, as Prometheus makes it."""
    S.current = None
    accept = SCRAPE_ACCEPT.get(fmt, SCRAPE_ACCEPT["text"])
    headers = {**SCRAPE_HEADERS, "Accept": accept}
    try:
        if S.metrics_app is not None:
            target = WsgiServed(S.metrics_app)
        elif S.served is not None and S.served.has_metrics():
            target = S.served
        elif S.pushed or _uses_gateway():
            import promplay_gateway

            target = WsgiServed(promplay_gateway.wsgi_app())
        else:
            return json.dumps({
                "ok": False,
                "error": "the program serves no metrics: call start_http_server(8000) or add a /metrics route",
                "output": take_output()})
        path = "/metrics"
        for _ in range(5):
            status, out_headers, body = target.call("GET", path, headers=dict(headers))
            location = _header(out_headers, "location")
            if status in (301, 302, 303, 307, 308) and location:
                from urllib.parse import urlsplit

                parts = urlsplit(location)
                path = parts.path + ("?" + parts.query if parts.query else "")
                continue
            break
    except Exception as e:
        return json.dumps({"ok": False, **describe_error(e), "output": take_output()})
    finally:
        S.current = None
    encoding = _header(out_headers, "content-encoding")
    if encoding == "gzip":
        import gzip

        body = gzip.decompress(body)
    return json.dumps({
        "ok": True, "status": status, "content_type": _header(out_headers, "content-type") or "",
        "text": body.decode("utf-8", "replace"), "output": take_output()})
