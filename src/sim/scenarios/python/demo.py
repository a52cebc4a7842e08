"""demo.py - Prometheus's demo service (github.com/juliusv/prometheus_demo_service) in
Python: an API that sends itself traffic, CPU, memory and disk that drift, a batch job
every minute, holidays that slow shipping, and a metric that comes and goes.

Run:  pip install flask prometheus-client && python demo.py
Metrics: http://localhost:10000/metrics
"""
import itertools
import math
import operator
import random
import threading
import time

from flask import Flask, g, request
from prometheus_client import REGISTRY, Counter, Gauge, Histogram, make_wsgi_app
from prometheus_client.core import GaugeMetricFamily
from werkzeug.middleware.dispatcher import DispatcherMiddleware

app = Flask(__name__)
app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/metrics": make_wsgi_app()})
START = time.time()

REQUEST_DURATION = Histogram(
    "demo_api_request_duration_seconds",
    "A histogram of the API HTTP request durations in seconds.",
    ["method", "path", "status"],
    # client_golang's ExponentialBuckets(0.0001, 1.5, 25), multiplied out as it does.
    buckets=list(itertools.accumulate([1.5] * 24, operator.mul, initial=0.0001)),
)
IN_PROGRESS = Gauge(
    "demo_api_http_requests_in_progress",
    "The current number of API HTTP requests in progress.",
)
LAST_SUCCESS = Gauge(
    "demo_batch_last_success_timestamp_seconds",
    "The Unix timestamp in seconds since the last successful demo batch job completion.",
)
LAST_RUN = Gauge(
    "demo_batch_last_run_timestamp_seconds",
    "The Unix timestamp in seconds since the last demo batch job run.",
)
LAST_DURATION = Gauge(
    "demo_batch_last_run_duration_seconds", "The duration in seconds of the last batch job run."
)
PROCESSED_BYTES = Gauge(
    "demo_batch_last_run_processed_bytes",
    "The number of bytes processed by the demo batch job in the last run.",
)
NUM_CPUS = Gauge("demo_num_cpus", "The number of CPUs.")
CPU_USAGE = Counter(
    "demo_cpu_usage_seconds_total", "The CPU usage in seconds split by mode.", ["mode"]
)
DISK_USAGE = Gauge("demo_disk_usage_bytes", "Disk usage in bytes.")
DISK_TOTAL = Gauge("demo_disk_total_bytes", "Total disk space in bytes.")
IS_HOLIDAY = Gauge("demo_is_holiday", "Set to 1 if it is currently a holiday, 0 otherwise.")
ITEMS_SHIPPED = Counter(
    "demo_items_shipped_total",
    "The total number of shipped items. Affected heavily by whether it's currently a holiday.",
)
MEMORY_USAGE = Gauge("demo_memory_usage_bytes", "The memory usage by type.", ["type"])

# (base latency in seconds, error ratio, outage duration in seconds) by path and method.
OPTS = {
    ("/api/foo", "GET"): (0.010, 0.005, 23),
    ("/api/foo", "POST"): (0.020, 0.02, 60),
    ("/api/bar", "GET"): (0.015, 0.0025, 13),
    ("/api/bar", "POST"): (0.050, 0.01, 47),
}


@app.before_request
def before():
    g.start = time.perf_counter()
    IN_PROGRESS.inc()


@app.after_request
def after(response):
    IN_PROGRESS.dec()
    # The raw path: unknown paths (404) get their own series, as in the Go service.
    status = str(response.status_code)
    REQUEST_DURATION.labels(request.method, request.path, status).observe(
        time.perf_counter() - g.start
    )
    return response


@app.route("/api/foo", methods=["GET", "POST"])
@app.route("/api/bar", methods=["GET", "POST"])
def api():
    base, error_ratio, outage = OPTS[request.path, request.method]
    latency_factor, error_factor = 1, 1
    # Every 10 outage durations since start, an outage: 3x latency, 10x errors.
    if (time.time() - START) % (10 * outage) < outage:
        latency_factor, error_factor = 3, 10
    time.sleep(max(0.0, random.gauss(base, base / 10)) * latency_factor)
    if random.random() <= error_ratio * error_factor:
        return "Fake error to test monitoring.", 500
    return ""


def client(method, path, pause_ms):
    """The service's own traffic: requests in a loop, pausing 1 to 3 times pause_ms."""
    http = app.test_client()
    while True:
        http.open(path, method=method)
        oscillation = 2 + math.sin(math.sin(2 * math.pi * (time.time() - START) / 3600))
        time.sleep(pause_ms * oscillation / 1000)


def batch_jobs():
    """Every minute: a 10 s job that fails a quarter of the time."""
    last = time.time()
    while True:
        started = time.time()
        time.sleep(11 - random.randrange(2000) / 1e6)
        now = time.time()
        if random.random() > 0.25:
            LAST_SUCCESS.set(now)
            PROCESSED_BYTES.set(1e6 + 1e5 - random.randrange(100000))
        LAST_RUN.set(now)
        LAST_DURATION.set(now - last)
        last = now
        time.sleep(max(0.0, 60 - (time.time() - started)))


def cpu(cpus=4, user=0.3, system=0.2):
    NUM_CPUS.set(cpus)
    factor = cpus * 0.1
    while True:
        user_s = (user + (random.random() - 0.5) / 5) * factor
        system_s = (system + (random.random() - 0.5) / 5) * factor
        CPU_USAGE.labels("user").inc(user_s)
        CPU_USAGE.labels("system").inc(system_s)
        CPU_USAGE.labels("idle").inc(factor - user_s - system_s)
        time.sleep(0.1)


def disk(total=160e9, inc=0.5e6):
    DISK_TOTAL.set(total)
    usage = int(0.1 * total)
    while True:
        usage += int(inc * (1 - (random.random() - 0.5)))
        if usage > 0.9 * total:
            usage = int(0.1 * total)
        DISK_USAGE.set(usage)
        time.sleep(1)


def holidays(day=300, ratio=0.2):
    """Each 5-minute "day" is a holiday with probability 0.2: shipping slows down."""
    started = time.time()
    while True:
        holiday = random.random() <= ratio
        IS_HOLIDAY.set(holiday)
        day_ends = time.time() + day
        while time.time() < day_ends:
            ITEMS_SHIPPED.inc()
            pause = 0.1 * (2 + math.sin(1 + 2 * math.pi * (time.time() - started) / day))
            time.sleep(pause * (1.8 if holiday else 1))


def memory(total=8 * 2**30, bases=(1200 * 2**20, 2500 * 2**20, 165 * 2**20)):
    current = list(bases)
    while True:
        for i, base in enumerate(bases):
            current[i] += int((random.random() - 0.5) * 60 * 2**20)
            if abs(current[i] - base) > base * 0.5:
                current[i] = base
        used, cached, buffers = current
        MEMORY_USAGE.labels("used").set(used)
        MEMORY_USAGE.labels("cached").set(cached)
        MEMORY_USAGE.labels("buffers").set(buffers)
        MEMORY_USAGE.labels("free").set(total - used - cached - buffers)
        time.sleep(0.1)


class IntermittentCollector:
    """A custom collector whose metric exists only in even minutes."""

    def collect(self):
        if time.gmtime().tm_min % 2 == 0:
            yield GaugeMetricFamily(
                "demo_intermittent_metric",
                "A metric that is only present intermittently to test staleness handling.",
                value=1,
            )


REGISTRY.register(IntermittentCollector())

if __name__ == "__main__":
    for method, path, pause_ms in [
        ("GET", "/api/foo", 10),
        ("POST", "/api/foo", 150),
        ("GET", "/api/bar", 20),
        ("POST", "/api/bar", 100),
        ("GET", "/api/nonexistent", 500),
    ]:
        threading.Thread(target=client, args=(method, path, pause_ms), daemon=True).start()
    for loop in (batch_jobs, cpu, disk, holidays, memory):
        threading.Thread(target=loop, daemon=True).start()
    app.run(host="0.0.0.0", port=10000, threaded=True)
