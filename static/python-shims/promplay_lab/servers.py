"""promplay_lab.servers - prometheus_client's servers, http.server and wsgiref in the lab.

``_install_prometheus`` makes start_http_server/start_wsgi_server register
prometheus_client's make_wsgi_app for the page's scrapes; ``_install_http_server``
replaces http.server.HTTPServer and wsgiref's make_server with servers without a
socket whose serve_forever serves the page's traffic (``HttpServerServed``).
"""

import io

from .process import _baseline
from .serving import TRAFFIC_HEADERS, WsgiServed, _client, _request_body
from .state import S
from .tasks import block_forever, sleep


# ---------------------------------------------------------------------------
# prometheus_client's servers and http.server.


class _DummyServer:
    """What start_http_server returns: the server is the lab's (shutdown does nothing)."""

    def __init__(self, addr, port):
        self.server_address = (addr, port)
        self.server_port = port

    def shutdown(self):
        pass

    def server_close(self):
        pass

    def serve_forever(self, poll_interval=0.5):
        block_forever()


class _DummyThread:
    daemon = True
    name = "prometheus-http-server"

    def is_alive(self):
        return True

    def join(self, timeout=None):
        if timeout is None:
            block_forever()
        sleep(timeout)


def _install_prometheus():
    import prometheus_client
    import prometheus_client.exposition as exposition
    import prometheus_client.registry as registry

    reg = registry.REGISTRY

    def start_wsgi_server(port, addr="0.0.0.0", registry=reg, certfile=None, keyfile=None,
                          client_cafile=None, client_capath=None, protocol=None,
                          client_auth_required=False, tls_min_version=None, tls_max_version=None):
        """Serves prometheus_client's make_wsgi_app(registry) (in the lab: to the page's scrapes)."""
        S.metrics_app = exposition.make_wsgi_app(registry)
        return _DummyServer(addr, port), _DummyThread()

    start_wsgi_server.__module__ = "prometheus_client.exposition"
    exposition.start_wsgi_server = start_wsgi_server
    exposition.start_http_server = start_wsgi_server
    prometheus_client.start_wsgi_server = start_wsgi_server
    prometheus_client.start_http_server = start_wsgi_server
    _baseline["registry"] = reg
    _baseline["collectors"] = list(reg._collector_to_names)
    import prometheus_client.metrics as metrics

    _baseline["use_created"] = metrics._use_created
    import promplay_gateway

    promplay_gateway.install()


class _FakeSocket:
    """A connection for BaseHTTPRequestHandler: reads the request, collects the reply."""

    def __init__(self, data):
        self._in = data
        self.out = bytearray()

    def makefile(self, mode="r", buffering=None, **kwargs):
        if "r" in mode:
            return io.BytesIO(self._in)
        return _SocketWriter(self)

    def sendall(self, data):
        self.out += data

    def send(self, data):
        self.out += data
        return len(data)

    def settimeout(self, t):
        pass

    def setsockopt(self, *args):
        pass

    def getpeername(self):
        return ("127.0.0.1", 0)

    def shutdown(self, how):
        pass

    def close(self):
        pass

    def fileno(self):
        return -1


class _SocketWriter(io.BufferedIOBase):
    def __init__(self, sock):
        self._sock = sock

    def writable(self):
        return True

    def write(self, b):
        self._sock.sendall(bytes(b))
        return len(b)

    def flush(self):
        pass


def _simulated_failure(self):
    raise RuntimeError("simulated failure")


class HttpServerServed:
    """An http.server.HTTPServer (serve_forever) and its handler class."""

    def __init__(self, server):
        self.server = server
        self._faulty = None

    def _handler(self, fault):
        handler = self.server.RequestHandlerClass
        if not fault:
            return handler
        if self._faulty is None:
            methods = {name: _simulated_failure for name in dir(handler) if name.startswith("do_")}
            self._faulty = type(handler.__name__, (handler,), methods)
        return self._faulty

    def call(self, method, path, fault=False, body=None, headers=None):
        headers = {**TRAFFIC_HEADERS, **dict(headers or {}), "Connection": "close"}
        body = _request_body(method.upper(), body, headers)
        head = f"{method.upper()} {path} HTTP/1.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        sock = _FakeSocket(head.encode("latin-1") + body)
        client = _client()
        server = self.server
        real = server.RequestHandlerClass
        server.RequestHandlerClass = self._handler(fault)
        try:
            server.finish_request(sock, client)
        except Exception:
            server.handle_error(sock, client)
        finally:
            server.RequestHandlerClass = real
        raw = bytes(sock.out)
        head, _, payload = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        try:
            status = int(lines[0].split()[1])
        except (IndexError, ValueError):
            return 0, [], b""
        out_headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            out_headers.append((name.strip(), value.strip()))
        return status, out_headers, payload

    def request(self, method, path, fault, body, headers):
        return self.call(method, path, fault, body, headers)[0]

    def routes(self):
        handler = self.server.RequestHandlerClass
        methods = sorted(name[3:] for name in dir(handler) if name.startswith("do_"))
        return [{"method": m, "path": "*"} for m in methods]

    def has_metrics(self):
        from prometheus_client.exposition import MetricsHandler

        return issubclass(self.server.RequestHandlerClass, MetricsHandler)


def _install_http_server():
    import http.server
    import socketserver
    import wsgiref.simple_server as simple

    class HTTPServer(http.server.HTTPServer):
        """http.server.HTTPServer in the lab: no socket; serve_forever serves the page's traffic."""

        def __init__(self, server_address, RequestHandlerClass, bind_and_activate=True):
            socketserver.BaseServer.__init__(self, server_address, RequestHandlerClass)
            host, port = server_address[:2]
            self.server_name = host or "localhost"
            self.server_port = port
            self.socket = None

        def server_bind(self):
            pass

        def server_activate(self):
            pass

        def server_close(self):
            pass

        def fileno(self):
            return -1

        def serve_forever(self, poll_interval=0.5):
            S.served = HttpServerServed(self)
            block_forever()

        def handle_request(self):
            S.served = HttpServerServed(self)
            block_forever()

        def shutdown(self):
            pass

        def shutdown_request(self, request):
            pass

        def process_request(self, request, client_address):
            self.finish_request(request, client_address)

    class ThreadingHTTPServer(HTTPServer):
        daemon_threads = True

    HTTPServer.__module__ = ThreadingHTTPServer.__module__ = "http.server"
    HTTPServer.__qualname__ = "HTTPServer"
    ThreadingHTTPServer.__qualname__ = "ThreadingHTTPServer"
    http.server.HTTPServer = HTTPServer
    http.server.ThreadingHTTPServer = ThreadingHTTPServer

    class WSGIServer:
        """wsgiref's server in the lab: serve_forever serves the page's traffic to the app."""

        def __init__(self, host, port, app):
            self.server_address = (host, port)
            self.server_port = port
            self.app = app

        def set_app(self, app):
            self.app = app

        def get_app(self):
            return self.app

        def serve_forever(self, poll_interval=0.5):
            S.served = WsgiServed(self.app, *self.server_address)
            block_forever()

        def handle_request(self):
            self.serve_forever()

        def shutdown(self):
            pass

        def server_close(self):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            pass

    def make_server(host, port, app, server_class=None, handler_class=None):
        return WSGIServer(host, port, app)

    simple.make_server = make_server
