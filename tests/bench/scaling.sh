#!/usr/bin/env bash
# Benchmark: does parsing + linting stay linear whatever the input's shape? For each
# shape of tests/bench/gen_shapes.py at 1, 2, 4 and 8 MB, times `promplay
# check-metrics` (whole process, hyperfine, mean of 5 runs) and prints the time
# ratio per doubling (linear is 2.0; the goal is under 2.2), then compares the 8 MB
# file with `promtool check metrics` (Debian's prometheus 2.42) side by side.
# `exemplars` is OpenMetrics, which promtool's text parser cannot read: no ratio.
#   bash tests/bench/scaling.sh [SHAPE...]
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in promtool hyperfine python3; do
  command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install prometheus hyperfine python3" >&2; exit 1; }
done
cargo build --release --locked --quiet
shapes=("$@")
[[ ${#shapes[@]} -gt 0 ]] || shapes=(families series labels values help exemplars comments)
dir=target/bench-shapes
mkdir -p "$dir"
mean() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["mean"])' "$@"; }
printf '%-10s %9s %9s %9s %9s   %-20s %s\n' shape "1 MB" "2 MB" "4 MB" "8 MB" "ratio per doubling" "8 MB vs promtool"
for shape in "${shapes[@]}"; do
  times=()
  for mb in 1 2 4 8; do
    file="$dir/$shape-$mb.txt"
    [[ -s "$file" ]] || python3 tests/bench/gen_shapes.py "$shape" "$mb" >"$file"
    # check-metrics exits 3 on lint problems; the shapes are lint-clean, so 0 is expected.
    hyperfine --style none --warmup 1 --runs 5 --export-json "$dir/run.json" \
      "target/release/promplay check-metrics $file" >/dev/null 2>&1
    times+=("$(mean "$dir/run.json" 0)")
  done
  ratios=$(python3 -c 'import sys; t = [float(x) for x in sys.argv[1:]]; print(" ".join(f"{b / a:.2f}" for a, b in zip(t, t[1:])))' "${times[@]}")
  versus="n/a (OpenMetrics)"
  if [[ $shape != exemplars ]]; then
    hyperfine --style none --warmup 1 --runs 5 --export-json "$dir/vs.json" \
      -n promtool "promtool check metrics < $dir/$shape-8.txt" \
      -n promplay "target/release/promplay check-metrics $dir/$shape-8.txt" >/dev/null 2>&1
    versus=$(python3 - "$dir/vs.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
tool, ours = r["promtool"], r["promplay"]
print(f"promtool {tool * 1000:.0f} ms, promplay {ours * 1000:.0f} ms: {tool / ours:.1f}x faster")
PY
)
  fi
  printf '%-10s %7.1fms %7.1fms %7.1fms %7.1fms   %-20s %s\n' "$shape" \
    "$(python3 -c "print(${times[0]} * 1000)")" "$(python3 -c "print(${times[1]} * 1000)")" \
    "$(python3 -c "print(${times[2]} * 1000)")" "$(python3 -c "print(${times[3]} * 1000)")" "$ratios" "$versus"
done
