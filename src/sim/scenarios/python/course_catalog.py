"""course_catalog.py - a course catalog with search, instrumented with prometheus_client.

Run:  pip install flask prometheus-client && python course_catalog.py
Metrics are served by the app itself at http://localhost:5000/metrics
"""
import time

from flask import Flask, Response, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

app = Flask(__name__)

REQUEST_COUNT = Counter(
    "app_request_count_total",
    "Application request count",
    ["method", "endpoint", "http_status"],
)
REQUEST_LATENCY = Histogram(
    "app_request_latency_seconds", "Application request latency", ["method", "endpoint"]
)

COURSES = [
    {"id": 1, "name": "Introduction to Prometheus", "level": "beginner"},
    {"id": 2, "name": "PromQL in depth", "level": "intermediate"},
    {"id": 3, "name": "Alerting with Alertmanager", "level": "intermediate"},
    {"id": 4, "name": "Scaling Prometheus", "level": "advanced"},
]


def record(endpoint, status, started):
    REQUEST_COUNT.labels(request.method, endpoint, status).inc()
    REQUEST_LATENCY.labels(request.method, endpoint).observe(time.time() - started)


@app.route("/")
def index():
    started = time.time()
    response = jsonify({"message": "Welcome to the course catalog"})
    record("/", 200, started)
    return response


@app.route("/courses")
def list_courses():
    started = time.time()
    response = jsonify(COURSES)
    record("/courses", 200, started)
    return response


@app.route("/search")
def search():
    started = time.time()
    query = request.args.get("q", "").strip().lower()
    if not query:
        # A failed search: no query at all.
        record("/search", 400, started)
        return jsonify({"error": "missing query"}), 400
    found = [course for course in COURSES if query in course["name"].lower()]
    if not found:
        # A failed search: nothing matched.
        record("/search", 404, started)
        return jsonify({"error": f"no course matches {query!r}"}), 404
    record("/search", 200, started)
    return jsonify(found)


@app.route("/metrics")
def metrics():
    return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5000)
