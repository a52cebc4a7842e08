"""hello_world.py - Hello, World! with a request counter and a latency histogram.

Run:  pip install flask prometheus-client && python hello_world.py
Metrics: http://localhost:8000/metrics, the app: http://localhost:5000/
"""
import time

from flask import Flask
from prometheus_client import Counter, Histogram, start_http_server

app = Flask(__name__)

REQUESTS = Counter("app_requests_total", "Total requests to the app.")
RESPONSE_TIME = Histogram("app_response_time_seconds", "Response time, in seconds.")


@app.route("/")
def hello():
    started = time.time()
    REQUESTS.inc()
    body = "Hello, World!"
    RESPONSE_TIME.observe(time.time() - started)
    return body


if __name__ == "__main__":
    start_http_server(8000)
    app.run(host="0.0.0.0", port=5000)
