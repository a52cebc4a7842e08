#!/usr/bin/env python3
"""Writes a lint-clean Prometheus text 0.0.4 document of about N megabytes (default
10) to stdout: counters, gauges, histograms and summaries with realistic labels, the
shape of a big service's /metrics. Deterministic (fixed seed), so every run and every
machine benchmarks the same bytes."""
import random
import sys

target = float(sys.argv[1] if len(sys.argv) > 1 else 10) * 1024 * 1024
rng = random.Random(42)
out = sys.stdout
written = 0
family = 0
methods = ["GET", "POST", "PUT", "DELETE"]
codes = ["200", "201", "204", "400", "404", "500", "503"]
buckets = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"]


def emit(text):
    global written
    out.write(text)
    written += len(text)


while written < target:
    kind = family % 4
    name = f"app{family}_"
    if kind == 0:
        n = name + "requests_total"
        emit(f"# HELP {n} Requests served.\n# TYPE {n} counter\n")
        for path in range(20):
            for m in methods:
                for c in codes:
                    emit(f'{n}{{code="{c}",method="{m}",path="/api/v1/item{path}"}} {rng.randint(0, 10**7)}\n')
    elif kind == 1:
        n = name + "memory_bytes"
        emit(f"# HELP {n} Memory in use.\n# TYPE {n} gauge\n")
        for pod in range(200):
            emit(f'{n}{{pod="pod-{pod}",namespace="ns{pod % 7}"}} {rng.random() * 1e9:.6g}\n')
    elif kind == 2:
        n = name + "request_duration_seconds"
        emit(f"# HELP {n} Request latency.\n# TYPE {n} histogram\n")
        for path in range(20):
            for m in methods:
                count = 0
                for b in buckets:
                    count += rng.randint(0, 1000)
                    emit(f'{n}_bucket{{method="{m}",path="/api/v1/item{path}",le="{b}"}} {count}\n')
                emit(f'{n}_sum{{method="{m}",path="/api/v1/item{path}"}} {rng.random() * count:.6f}\n')
                emit(f'{n}_count{{method="{m}",path="/api/v1/item{path}"}} {count}\n')
    else:
        n = name + "gc_duration_seconds"
        emit(f"# HELP {n} GC pauses.\n# TYPE {n} summary\n")
        for worker in range(40):
            for q in ["0", "0.25", "0.5", "0.75", "1"]:
                emit(f'{n}{{worker="w{worker}",quantile="{q}"}} {rng.random() / 100:.6g}\n')
            emit(f'{n}_sum{{worker="w{worker}"}} {rng.random() * 10:.6g}\n')
            emit(f'{n}_count{{worker="w{worker}"}} {rng.randint(1, 10**6)}\n')
    family += 1
