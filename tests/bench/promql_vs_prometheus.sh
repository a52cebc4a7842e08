#!/usr/bin/env bash
# PromQL speed: promplay's native evaluation against Prometheus 2.42's
# `innerEvalTime` (query API with stats=all) on the same simulated data.
#   bash tests/bench/promql_vs_prometheus.sh [INSTANCES...]     (default: 8 80)
# 8 instances of `api` are about 1 000 series, 80 about 10 000; both sides read the
# same `promplay simulate` output. Each query is a
# range query over the last hour of 2 h of data, every 15 s, off the sample grid;
# each side reports the median of 5 runs after a warm-up.
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in prometheus promtool curl python3; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install prometheus curl python3)" >&2; exit 1; }
done
cargo build --release --locked --quiet
work=$(mktemp -d)
prom_pid=
cleanup() { [ -n "$prom_pid" ] && kill "$prom_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'global:\n  scrape_interval: 15s\n' > "$work/prometheus.yml"

for instances in "${@:-8 80}"; do
  for n in $instances; do
    echo "== api x $n"
    # The very file Prometheus imports is what promplay loads (no stale markers in it).
    target/release/promplay simulate --scenario api --start 2024-05-01T00:00:00Z --duration 2h \
      --instances "$n" > "$work/samples.om" 2>/dev/null
    target/release/promplay bench-promql --instances "$n" --data "$work/samples.om" > "$work/ours.txt"
    cat "$work/ours.txt"
    read -r start end step < <(awk '/^range:/ { sub("start=","",$2); sub("end=","",$3); sub("step=","",$4); print $2, $3, $4 }' "$work/ours.txt")
    rm -rf "$work/data"
    promtool tsdb create-blocks-from openmetrics "$work/samples.om" "$work/data" > /dev/null
    prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
      --storage.tsdb.retention.time=100y --web.listen-address="127.0.0.1:$port" \
      --log.level=error > "$work/prometheus.log" 2>&1 &
    prom_pid=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null && break; sleep 0.2; done
    while read -r line; do
      name=$(sed 's/^query: \([^ ]*\) .*/\1/' <<<"$line")
      ours=$(sed 's/.*median_ms=\([^ ]*\).*/\1/' <<<"$line")
      ours_series=$(sed 's/.* series=\([^ ]*\).*/\1/' <<<"$line")
      expr=${line#*expr=}
      theirs=$(python3 - "$port" "$expr" "$start" "$end" "$step" <<'PY'
import json, statistics, sys, urllib.parse, urllib.request
port, expr, start, end, step = sys.argv[1:]
url = f"http://127.0.0.1:{port}/api/v1/query_range?" + urllib.parse.urlencode(
    {"query": expr, "start": start, "end": end, "step": step, "stats": "all"})
times = []
for i in range(6):
    body = json.load(urllib.request.urlopen(url))
    assert body["status"] == "success", body
    if i:
        times.append(body["data"]["stats"]["timings"]["innerEvalTime"] * 1000)
series = len(body["data"]["result"])
print(f"{statistics.median(times):.3f} {series}")
PY
)
      read -r theirs_ms theirs_series <<<"$theirs"
      python3 -c "
ours, theirs = $ours, $theirs_ms
print(f'{\"$name\":20s} promplay {ours:9.3f} ms ($ours_series series)   prometheus {theirs:9.3f} ms ($theirs_series series)   prometheus/promplay = {theirs / ours:6.2f}x')"
    done < <(grep '^query:' "$work/ours.txt")
    kill "$prom_pid"; wait "$prom_pid" 2>/dev/null || true; prom_pid=
  done
done
