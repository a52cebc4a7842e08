#!/usr/bin/env python3
"""Writes an exposition document of about MB megabytes in one SHAPE to stdout, for
the scaling benchmark (tests/bench/scaling.sh, tests/bench/inspect_longtask.mjs).
Every shape is valid and lint-clean for promtool (text 0.0.4), except `exemplars`,
which only OpenMetrics can carry (it ends with `# EOF`). Deterministic: the same
bytes on every run and machine.

    python3 tests/bench/gen_shapes.py SHAPE MB

Shapes: families (many small families), series (one counter family with very many
series), labels (40 labels per series), values (2 KB label values), help (4 KB
HELP texts), exemplars (an exemplar on every sample), comments (a comment line
between samples)."""
import sys

SHAPES = ["families", "series", "labels", "values", "help", "exemplars", "comments"]


def families(emit):
    i = 0
    while True:
        n = f"fam{i}_bytes"
        emit(f"# HELP {n} One of many small families.\n# TYPE {n} gauge\n{n}{{pod=\"p{i % 13}\"}} {i}\n")
        i += 1


def series(emit):
    emit("# HELP big_requests_total Requests by client.\n# TYPE big_requests_total counter\n")
    i = 0
    while True:
        emit(f'big_requests_total{{client="c{i}",zone="z{i % 7}"}} {i}\n')
        i += 1


def labels(emit):
    emit("# HELP wide_info_bytes Series with many labels.\n# TYPE wide_info_bytes gauge\n")
    names = [f"label_{k:02d}" for k in range(39)]
    i = 0
    while True:
        pairs = ",".join(f'{n}="v{(i + k) % 5}"' for k, n in enumerate(names))
        emit(f'wide_info_bytes{{id="{i}",{pairs}}} {i}\n')
        i += 1


def values(emit):
    emit("# HELP long_values_bytes Series with long label values.\n# TYPE long_values_bytes gauge\n")
    i = 0
    while True:
        value = (f"v{i}-" + "abcdefghij" * 200)[:2000]
        emit(f'long_values_bytes{{path="{value}"}} {i}\n')
        i += 1


def help_texts(emit):
    i = 0
    text = ("Explains at length what this metric measures. " * 90)[:4000]
    while True:
        n = f"helpful{i}_seconds"
        emit(f"# HELP {n} {text}\n# TYPE {n} gauge\n{n} {i}\n")
        i += 1


def exemplars(emit):
    emit("# HELP traced_requests Requests with exemplars.\n# TYPE traced_requests counter\n")
    i = 0
    while True:
        emit(f'traced_requests_total{{route="r{i}"}} {i} # {{trace_id="{i:032x}"}} 1.5 1714521600.{i % 1000:03d}\n')
        i += 1


def comments(emit):
    emit("# HELP commented_total Samples between comments.\n# TYPE commented_total counter\n")
    i = 0
    while True:
        emit(f"# a comment line before sample {i}, which parsers must skip\n")
        emit(f'commented_total{{n="{i}"}} {i}\n')
        i += 1


GENERATORS = dict(zip(SHAPES, [families, series, labels, values, help_texts, exemplars, comments]))


class Done(Exception):
    pass


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in GENERATORS:
        sys.exit(f"usage: gen_shapes.py {{{'|'.join(SHAPES)}}} MB")
    shape, target = sys.argv[1], float(sys.argv[2]) * 1024 * 1024
    chunks, written = [], 0

    def emit(text):
        nonlocal written
        if written >= target:
            raise Done
        chunks.append(text)
        written += len(text)

    try:
        GENERATORS[shape](emit)
    except Done:
        pass
    if shape == "exemplars":
        chunks.append("# EOF\n")
    sys.stdout.write("".join(chunks))


main()
