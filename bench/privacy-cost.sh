#!/usr/bin/env bash
# Benchmark: the CPU cost of snapshot's full privacy check (issue 13's
# budget: at most 10% more CPU than the snapshot before it). Runs
#   stagecopy snapshot -q --anonymize --preset wordpress --dump DUMP
# with the binary in $BASE (a build of the release before the check, e.g.
# `git worktree add /tmp/base 144051c && go build -C /tmp/base -o
# /tmp/stagecopy-base ./cmd/stagecopy`) and with the working tree's, side by
# side, at the same time, so that a shared machine's load touches both
# alike; prints each round's user+sys CPU-seconds and their ratio, then the
# median ratio.
#
#   BASE=/tmp/stagecopy-base bash bench/privacy-cost.sh [SIZE]   # SIZE: 1GiB (default)
#
# Environment: RUNS=10 rounds; BENCH_DIR=/tmp/stagecopy-bench.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1GiB}
runs=${RUNS:-10}
dir=${BENCH_DIR:-/tmp/stagecopy-bench}
[ -n "${BASE:-}" ] && [ -x "$BASE" ] || { echo "bench: set BASE to a stagecopy binary built before the privacy check" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
mkdir -p "$dir"
go build -o "$dir/stagecopy-new" ./cmd/stagecopy
dump=$dir/wp-$size.sql
[ -f "$dump" ] || go run ./bench/gendump -size "$size" -o "$dump"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "privacy check cost, $(date -u +%F), $(nproc) CPUs, dump $dump ($(stat -L -c %s "$dump") bytes), load average $(cut -d' ' -f1-3 /proc/loadavg)"
ratios=()
for r in $(seq "$runs"); do
  rm -rf "$tmp/a" "$tmp/b"; mkdir "$tmp/a" "$tmp/b"
  /usr/bin/time -o "$tmp/a.time" -f "%U %S" "$BASE" snapshot -q --anonymize --preset wordpress --dump "$dump" -o "$tmp/a/s.tar.zst" >/dev/null &
  /usr/bin/time -o "$tmp/b.time" -f "%U %S" "$dir/stagecopy-new" snapshot -q --anonymize --preset wordpress --dump "$dump" -o "$tmp/b/s.tar.zst" >/dev/null &
  wait
  a=$(awk '{print $1 + $2}' "$tmp/a.time"); b=$(awk '{print $1 + $2}' "$tmp/b.time")
  ratio=$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.3f", b / a}')
  ratios+=("$ratio")
  echo "round $r: before $a CPU-s, with the check $b CPU-s, ratio $ratio"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{v[NR] = $1} END {m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "median ratio %.3f over %d rounds (%.3f to %.3f); load average %s\n", m, NR, v[1], v[NR], "'"$(cut -d' ' -f1-3 /proc/loadavg)"'"}'
