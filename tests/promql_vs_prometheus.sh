#!/usr/bin/env bash
# promplay's PromQL against Prometheus itself, on the same simulated data.
#
# Simulates an hour of the `api` scenario, imports it into a Prometheus TSDB with
# `promtool tsdb create-blocks-from openmetrics`, starts `prometheus` on that
# storage (127.0.0.1, a free port, a temporary directory; stopped on exit), and
# compares `/api/v1/query_range` with `promplay query` for each query below, at
# times off the sample grid (samples sit at .656 s; queries at .567 s, so no range
# boundary falls on a sample and Prometheus 2's closed ranges agree with
# Prometheus 3's left-open ones). Values must agree within 1e-6 relative.
#
#   bash tests/promql_vs_prometheus.sh          # PROMPLAY=path/to/promplay to skip the build
#
# Then compares `promtool query instant`'s text with `promplay query --format promql`.
# Prints one `ok` / `FAIL` line per query and exits 1 on any mismatch; prints
# "skipped: prometheus not installed" and exits 0 without prometheus and promtool
# (1 when PROMPLAY_REQUIRE_REFERENCES is set, as .ci/run sets it).
set -euo pipefail

if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  echo "skipped: prometheus not installed (apt-get install prometheus gives prometheus and promtool)"
  # CI (.ci/run) requires its references.
  [[ "${PROMPLAY_REQUIRE_REFERENCES:-0}" == 0 ]] || exit 1
  exit 0
fi
cd "$(dirname "$0")/.."
for tool in curl python3; do
  command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }
done

if [[ -z "${PROMPLAY:-}" ]]; then
  cargo build --quiet
  PROMPLAY=target/debug/promplay
fi

work=$(mktemp -d)
prom_pid=
cleanup() {
  if [[ -n "$prom_pid" ]]; then
    kill "$prom_pid" 2>/dev/null || true
    wait "$prom_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The data: 1 h from 2024-05-01T00:00:00Z (1714521600), two instances.
"$PROMPLAY" simulate --scenario api --seed 7 --start 1714521600 --duration 1h \
  --instances 2 >"$work/samples.om" 2>"$work/simulate.txt"
promtool tsdb create-blocks-from openmetrics "$work/samples.om" "$work/data" >"$work/import.txt"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'global:\n  scrape_interval: 1m\n' >"$work/prometheus.yml"
# Retention far beyond 2024, so the imported blocks are kept.
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --storage.tsdb.retention.time=100y --web.listen-address="127.0.0.1:$port" \
  >"$work/prometheus.log" 2>&1 &
prom_pid=$!
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
if ! curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1; then
  echo "prometheus did not start; its log:" >&2
  cat "$work/prometheus.log" >&2
  exit 2
fi

# Guard against comparing empty results: the import must have reached Prometheus.
series_up=$(curl -s "http://127.0.0.1:$port/api/v1/query" --data-urlencode 'query=count(up)' \
  --data-urlencode 'time=1714523400' | python3 -c 'import json, sys; r = json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)')
if [[ "$series_up" == 0 ]]; then
  echo "prometheus holds no samples: the import failed? $(cat "$work/import.txt")" >&2
  exit 2
fi

# 20 min into the data, for 30 min, every minute; .567 s off the sample grid.
start=1714522800.567
end=1714524600.567
step=60

queries=(
  'up'
  'rate(http_requests_total[5m])'
  'sum by (job, status) (rate(http_requests_total[5m]))'
  'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))'
  'histogram_quantile(0.5, sum by (le, path) (rate(http_request_duration_seconds_bucket[10m])))'
  'topk(3, rate(http_requests_total[5m]))'
  'rate(cpu_usage_seconds_total[5m]) * on (instance) group_left up'
  'sum by (instance) (rate(http_requests_total{status=~"5.."}[5m])) / sum by (instance) (rate(http_requests_total[5m]))'
  'increase(http_request_duration_seconds_count[10m])'
  'avg_over_time(memory_usage_bytes[10m])'
  'max_over_time(scrape_duration_seconds[5m])'
  'deriv(disk_usage_bytes[10m])'
  'count by (path) (http_requests_total)'
  'http_requests_total offset 5m'
  'intermittent_metric'
  'sum without (instance) (rate(http_requests_total[5m]))'
  'max_over_time(sum(rate(http_requests_total[5m]))[10m:1m])'
  'absent(nonexistent_metric)'
  'time() - timestamp(up)'
  'quantile by (instance) (0.5, memory_usage_bytes)'
)

cat >"$work/compare.py" <<'PY'
import json, math, sys

def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except Exception as e:
        err = open(sys.argv[3]).read().strip() if path == sys.argv[2] else ""
        return {"status": "error", "errorType": "unreadable", "error": f"{e} {err}".strip()}

def num(s):
    return float({"+Inf": "inf", "-Inf": "-inf"}.get(s, s))

def close(a, b):
    # Upstream's almost.Equal with epsilon 1e-6.
    if math.isnan(a) and math.isnan(b):
        return True
    if a == b:
        return True
    diff, total = abs(a - b), abs(a) + abs(b)
    tiny = 2.2250738585072014e-308
    if a == 0 or b == 0 or total < tiny:
        return diff < 1e-6 * tiny
    return diff / min(total, 1.7976931348623157e308) < 1e-6

prom, ours = load(sys.argv[1]), load(sys.argv[2])
if prom.get("status") != "success" or ours.get("status") != "success":
    if prom.get("status") == ours.get("status") == "error" and prom.get("errorType") == ours.get("errorType"):
        print(f"both fail with {prom.get('errorType')}")
        sys.exit(0)
    print(f"prometheus: {prom.get('status')} {prom.get('error', '')}; promplay: {ours.get('status')} {ours.get('error', '')}")
    sys.exit(1)

def series(doc):
    out = {}
    for s in doc["data"]["result"]:
        key = tuple(sorted(s["metric"].items()))
        out[key] = [(round(float(t) * 1000), num(v)) for t, v in s["values"]]
    return out

p, o = series(prom), series(ours)
only_p, only_o = set(p) - set(o), set(o) - set(p)
if only_p or only_o:
    print(f"series differ: only in prometheus {sorted(only_p)[:3]}, only in promplay {sorted(only_o)[:3]}")
    sys.exit(1)
for key in p:
    if [t for t, _ in p[key]] != [t for t, _ in o[key]]:
        print(f"{dict(key)}: timestamps differ ({len(p[key])} vs {len(o[key])} points)")
        sys.exit(1)
    for (t, a), (_, b) in zip(p[key], o[key]):
        if not close(a, b):
            print(f"{dict(key)} at {t / 1000}: prometheus {a!r}, promplay {b!r}")
            sys.exit(1)
print(f"{len(p)} series, {sum(len(v) for v in p.values())} points")
PY

# compare QUERY START END [PROMPLAY FLAGS...]: promplay's range query against
# Prometheus's; prints the verdict, exits 1 when they differ.
compare() {
  local q=$1 from=$2 to=$3
  shift 3
  curl -s "http://127.0.0.1:$port/api/v1/query_range" --data-urlencode "query=$q" \
    --data-urlencode "start=$from" --data-urlencode "end=$to" --data-urlencode "step=$step" \
    >"$work/prometheus.json" || true
  "$PROMPLAY" query --data "$work/samples.om" --start "$from" --end "$to" --step "$step" "$@" "$q" \
    >"$work/promplay.json" 2>"$work/promplay.err" || true
  python3 "$work/compare.py" "$work/prometheus.json" "$work/promplay.json" "$work/promplay.err"
}

failed=0
for q in "${queries[@]}"; do
  if verdict=$(compare "$q" "$start" "$end"); then
    printf 'ok    %s  (%s)\n' "$q" "$verdict"
  else
    printf 'FAIL  %s: %s\n' "$q" "$verdict"
    failed=$((failed + 1))
  fi
done
echo "$(( ${#queries[@]} - failed )) of ${#queries[@]} queries agree with Prometheus $(prometheus --version 2>&1 | awk 'NR == 1 { print $3 }')"

# On the sample grid of `api-1` (its scrapes at 7.656 s past each 15 s): every
# 5m, 10m and 1m window of that target starts exactly on a
# sample, where Prometheus 2 and 3 differ (README "Prometheus 2 and 3"): 2 keeps a
# sample at the window's start, 3 leaves it out, and 2 extrapolates rate towards
# a counter's zero before applying the threshold. `promplay query --prometheus2`
# evaluates as 2 does and must agree exactly; promplay's own (3's) answers must
# differ somewhere, or this pass would not be testing the edge.
grid_start=1714522807.656
grid_end=1714524607.656
grid_failed=0
differs_as_3=0
for q in "${queries[@]}"; do
  if verdict=$(compare "$q" "$grid_start" "$grid_end" --prometheus2); then
    if compare "$q" "$grid_start" "$grid_end" >/dev/null; then
      printf 'ok    on the grid %s  (%s; the same as 3)\n' "$q" "$verdict"
    else
      differs_as_3=$((differs_as_3 + 1))
      printf 'ok    on the grid %s  (%s; 3 differs, as expected)\n' "$q" "$verdict"
    fi
  else
    printf 'FAIL  on the grid %s (--prometheus2): %s\n' "$q" "$verdict"
    grid_failed=$((grid_failed + 1))
  fi
done
echo "on the sample grid: $(( ${#queries[@]} - grid_failed )) of ${#queries[@]} queries agree with --prometheus2; $differs_as_3 answer differently with Prometheus 3's semantics"
if (( differs_as_3 == 0 )); then
  echo "FAIL  no query differs on the grid: the windows' edges are not being tested" >&2
  grid_failed=$((grid_failed + 1))
fi

# The text `promtool query` prints, byte for byte, against `promplay query
# --format promql` (queries whose values are exact, so the text can be compared).
text_queries=(
  'up'
  'count by (path) (http_requests_total)'
  'http_requests_total{path="/api/orders"} offset 5m'
  'scalar(count(up))'
  'up[1m]'
  'absent(nonexistent_metric)'
  'sum(up'
)
text_failed=0
for q in "${text_queries[@]}"; do
  promtool query instant "http://127.0.0.1:$port" "$q" --time="$end" >"$work/promtool.txt" 2>"$work/promtool.err" && prc=0 || prc=$?
  "$PROMPLAY" query --data "$work/samples.om" --time "$end" --format promql "$q" >"$work/ours.txt" 2>"$work/ours.err" && orc=0 || orc=$?
  if [[ $prc -ne $orc ]]; then
    printf 'FAIL  text %s: exit %s from promtool, %s from promplay\n' "$q" "$prc" "$orc"
    text_failed=$((text_failed + 1))
  elif [[ $prc -ne 0 ]]; then
    # Both fail: the same kind of error (the message wording is the engine's, compared above).
    if [[ "$(cut -d: -f1-2 "$work/promtool.err")" == "$(cut -d: -f1-2 "$work/ours.err")" ]]; then
      printf 'ok    text %s  (%s)\n' "$q" "$(cut -d: -f1-2 "$work/ours.err")"
    else
      printf 'FAIL  text %s: promtool: %s; promplay: %s\n' "$q" "$(cat "$work/promtool.err")" "$(cat "$work/ours.err")"
      text_failed=$((text_failed + 1))
    fi
  elif cmp -s "$work/promtool.txt" "$work/ours.txt"; then
    printf 'ok    text %s  (%s lines)\n' "$q" "$(wc -l <"$work/ours.txt")"
  else
    printf 'FAIL  text %s:\n' "$q"
    diff "$work/promtool.txt" "$work/ours.txt" | head -10
    text_failed=$((text_failed + 1))
  fi
done
echo "$(( ${#text_queries[@]} - text_failed )) of ${#text_queries[@]} texts equal promtool's"
[[ $failed -eq 0 && $grid_failed -eq 0 && $text_failed -eq 0 ]]
