#!/usr/bin/env bash
# Benchmark: the cost of rule evaluation. A 24 h run of the api service (2
# instances, 15 s scrapes) with its default rules (evaluated every 15 s) against
# the same run with no rules, side by side with hyperfine; prints both, the ratio,
# and each group's mean evaluation time.
#   bash tests/bench/rules.sh [DURATION]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-24h}
command -v hyperfine >/dev/null || { echo "needs hyperfine: apt-get install hyperfine" >&2; exit 1; }
cargo build --release --locked --quiet
: > target/bench-no-rules.yml
run="target/release/promplay simulate --start 1714521600 --duration $duration --instances 2 --quiet"
$run 2>&1 | grep '^rule_group='
hyperfine --warmup 1 --runs 5 --export-json target/bench-rules.json \
  -n "with rules" "$run" \
  -n "no rules" "$run --rules target/bench-no-rules.yml"
python3 - <<'PY'
import json
r = {x["command"]: x for x in json.load(open("target/bench-rules.json"))["results"]}
w, n = r["with rules"]["mean"], r["no rules"]["mean"]
print(f"backfill: {w:.2f} s with the default rules, {n:.2f} s without: {w/n:.2f}x ({(w-n)*1000:.0f} ms for the rules)")
PY
