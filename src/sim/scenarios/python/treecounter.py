"""treecounter.py - a plain http.server handler that counts /treecounter hits.

Run:  pip install prometheus-client && python treecounter.py
The app listens on port 8001, its metrics on http://localhost:8000/metrics
"""
from http.server import BaseHTTPRequestHandler, HTTPServer

from prometheus_client import Counter, start_http_server

REQUESTS = Counter("requests_total", "Requests, by status and endpoint.", ["status", "endpoint"])

trees = 0


class TreeHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        global trees
        if self.path == "/treecounter":
            trees += 1
            REQUESTS.labels(status="200", endpoint="/treecounter").inc()
            self.send_response(200)
            self.end_headers()
            self.wfile.write(f"{trees} trees counted so far\n".encode())
        else:
            REQUESTS.labels(status="404", endpoint=self.path).inc()
            self.send_error(404)


if __name__ == "__main__":
    start_http_server(8000)
    HTTPServer(("0.0.0.0", 8001), TreeHandler).serve_forever()
