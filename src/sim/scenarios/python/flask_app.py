"""flask_app.py - a Flask app with a fast page and a slow one.

Run:  pip install flask prometheus-client && python flask_app.py
Metrics: http://localhost:8000/metrics (start_http_server), the app on port 5000.
"""
import random
import time

from flask import Flask
from prometheus_client import Counter, Histogram, start_http_server

app = Flask(__name__)

REQUESTS = Counter("requests_total", "Total requests, by endpoint.", ["endpoint"])
SLOW = Histogram("slow", "Time spent serving slow pages, in seconds.", ["endpoint"])


@app.route("/")
def index():
    REQUESTS.labels(endpoint="/").inc()
    return "<h1>Development Prometheus-backed Flask App</h1>"


@app.route("/database")
def database():
    REQUESTS.labels(endpoint="/database").inc()
    with SLOW.labels(endpoint="/database").time():
        # Pretend to run an expensive query.
        time.sleep(random.uniform(1, 3))
    return "<h1>Completed expensive database operation</h1>"


if __name__ == "__main__":
    start_http_server(8000)
    app.run(host="0.0.0.0", port=5000)
