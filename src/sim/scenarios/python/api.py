"""api.py - a small HTTP API, instrumented with prometheus_client.

Run:  pip install flask prometheus-client psutil && python api.py
Then: curl localhost:8080/api/products  and  curl localhost:8080/metrics
"""
import random
import shutil
import threading
import time

import psutil
from flask import Flask, abort, g, jsonify, request
from prometheus_client import REGISTRY, Counter, Gauge, Histogram, make_wsgi_app
from prometheus_client.core import GaugeMetricFamily
from werkzeug.middleware.dispatcher import DispatcherMiddleware

app = Flask(__name__)
# Serve /metrics from the same port as the API.
app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/metrics": make_wsgi_app()})

REQUESTS = Counter(
    "http_requests_total", "HTTP requests served.", ["method", "path", "status"]
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency, in seconds.",
    ["method", "path"],
    buckets=[0.005 * 2**i for i in range(12)],  # 5 ms to 10.24 s
)
IN_PROGRESS = Gauge("http_requests_in_progress", "HTTP requests being served now.")
CPU = Counter("cpu_usage_seconds_total", "CPU time spent, by mode.", ["mode"])
MEMORY = Gauge("memory_usage_bytes", "Memory, by type.", ["type"])
BATCH_LAST_SUCCESS = Gauge(
    "batch_last_success_timestamp_seconds", "When the minutely batch job last succeeded."
)
BATCH_DURATION = Gauge(
    "batch_last_run_duration_seconds", "How long the last batch run took, in seconds."
)
DISK_USAGE = Gauge("disk_usage_bytes", "Disk space used by the data directory.")
DISK_TOTAL = Gauge("disk_total_bytes", "Size of the data volume.")

USERS = {i: {"id": i, "name": f"user{i}"} for i in range(1, 1000)}
ORDERS = {}
PRODUCTS = [
    {"id": i, "name": name, "price": price}
    for i, (name, price) in enumerate(
        [("running shoes", 89.0), ("trail shoes", 119.0), ("socks", 9.5), ("rain jacket", 149.0),
         ("water bottle", 15.0), ("backpack", 69.0)],
        start=1,
    )
]


# The "database": each call takes a few to tens of milliseconds.
def query_products(q):
    """Products whose name contains `q` (all of them for an empty query)."""
    time.sleep(random.uniform(0.003, 0.030))
    return [p for p in PRODUCTS if q.lower() in p["name"]]


def save_order(order):
    """Stores an order and returns it with its id. Fails when the database is down."""
    time.sleep(random.uniform(0.010, 0.060))
    if random.random() < 0.02:
        raise ConnectionError("database is down: could not save the order")
    order = dict(order or {}, id=str(len(ORDERS) + 1))
    return order


def compact_sessions():
    """Removes expired sessions from the session store: slow, and it times out now and then."""
    time.sleep(random.uniform(0.5, 3.0))
    if random.random() < 0.1:
        raise TimeoutError("session store did not answer in time")


@app.before_request
def before():
    g.start = time.perf_counter()
    IN_PROGRESS.inc()


@app.after_request
def after(response):
    IN_PROGRESS.dec()
    # The route template, not the raw URL: one series per route, not per user id.
    path = request.url_rule.rule if request.url_rule else "unmatched"
    LATENCY.labels(request.method, path).observe(time.perf_counter() - g.start)
    REQUESTS.labels(request.method, path, str(response.status_code)).inc()
    return response


@app.get("/api/users/<id>")
def get_user(id):
    user = USERS.get(int(id))
    if user is None:
        abort(404)
    return jsonify(user)


@app.get("/api/products")
def list_products():
    return jsonify(query_products(request.args.get("q", "")))


@app.post("/api/orders")
def create_order():
    order = save_order(request.get_json())  # raises (500) when the database is down
    ORDERS[order["id"]] = order
    return jsonify(order), 201


@app.get("/api/orders/<id>")
def get_order(id):
    return jsonify(ORDERS.get(id) or abort(404))


@app.get("/healthz")
def healthz():
    return "ok"


def sample_host():
    """Every five seconds: CPU time by mode, memory, disk."""
    last = psutil.cpu_times()
    while True:
        time.sleep(5)
        now = psutil.cpu_times()
        for mode in ("user", "system", "idle"):
            CPU.labels(mode).inc(getattr(now, mode) - getattr(last, mode))
        last = now
        memory = psutil.virtual_memory()
        for kind in ("used", "cached", "buffers", "free"):
            MEMORY.labels(kind).set(getattr(memory, kind))
        disk = shutil.disk_usage("/var/lib/api")
        DISK_USAGE.set(disk.used)
        DISK_TOTAL.set(disk.total)


def batch_job():
    """Every minute: compact the session store. It fails now and then."""
    while True:
        time.sleep(60 - time.time() % 60)
        start = time.time()
        try:
            compact_sessions()
            BATCH_LAST_SUCCESS.set_to_current_time()
        except Exception:
            app.logger.exception("batch run failed")
        finally:
            BATCH_DURATION.set(time.time() - start)


class IntermittentCollector:
    """A custom collector whose metric exists only in even minutes."""

    def collect(self):
        if int(time.time() // 60) % 2 == 0:
            yield GaugeMetricFamily(
                "intermittent_metric", "Exposed only in even minutes.", value=random.random() * 100
            )


REGISTRY.register(IntermittentCollector())

if __name__ == "__main__":
    threading.Thread(target=sample_host, daemon=True).start()
    threading.Thread(target=batch_job, daemon=True).start()
    app.run(host="0.0.0.0", port=8080, threaded=True)
