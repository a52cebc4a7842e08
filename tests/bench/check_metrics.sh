#!/usr/bin/env bash
# Benchmark: parse + lint a 10 MB lint-clean text 0.0.4 file, whole process, promplay
# against `promtool check metrics` (Debian's prometheus package, 2.42), side by side
# with hyperfine on the same file. Prints both timings and the ratio.
#   bash tests/bench/check_metrics.sh [MEGABYTES]
set -euo pipefail
cd "$(dirname "$0")/../.."
mb=${1:-10}
for tool in promtool hyperfine; do
  command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install prometheus hyperfine" >&2; exit 1; }
done
cargo build --release --locked --quiet
file=target/bench-${mb}mb.prom
[ -s "$file" ] || python3 tests/bench/gen_exposition.py "$mb" > "$file"
# Both must agree the file is valid and lint-clean, or the comparison means nothing.
promtool check metrics < "$file"
target/release/promplay check-metrics "$file"
hyperfine --warmup 2 --runs 10 --export-json target/bench-check-metrics.json \
  -n promtool "promtool check metrics < $file" \
  -n promplay "target/release/promplay check-metrics $file"
python3 - <<'PY'
import json
r = {x["command"]: x for x in json.load(open("target/bench-check-metrics.json"))["results"]}
p, t = r["promplay"]["mean"], r["promtool"]["mean"]
print(f"check-metrics: promplay {p*1000:.1f} ms, promtool {t*1000:.1f} ms; promplay takes {p/t:.2f}x promtool's time ({t/p:.2f}x faster)")
PY
