#!/usr/bin/env bash
# Bytes per sample: promplay's store against Prometheus's own TSDB on the same data.
# Simulates 24 h of `api` × 3 at 15 s, imports the samples with
# `promtool tsdb create-blocks-from openmetrics`, and compares chunk bytes per sample.
#   bash tests/bench/store_vs_prometheus.sh [DURATION]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-24h}
command -v promtool >/dev/null || { echo "needs promtool: apt-get install prometheus" >&2; exit 1; }
cargo build --release --locked --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target/release/promplay simulate --scenario api --start 2024-05-01T00:00:00Z --duration "$duration" \
  --instances 3 > "$work/samples.om" 2> "$work/report.txt"
ours=$(tail -1 "$work/report.txt")
promtool tsdb create-blocks-from openmetrics "$work/samples.om" "$work/blocks" > "$work/blocks.txt"
samples=$(awk 'NR > 1 { s += $5 } END { print s }' "$work/blocks.txt")
chunk_bytes=$(du -cb "$work"/blocks/*/chunks/* | tail -1 | cut -f1)
echo "promplay:   $ours"
echo "prometheus: samples=$samples chunk_file_bytes=$chunk_bytes bytes_per_sample=$(python3 -c "print(f'{$chunk_bytes / $samples:.2f}')")"
