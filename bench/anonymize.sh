#!/usr/bin/env bash
# Benchmark: stagecopy anonymize against cat, zstd -1 and its own
# pass-through, on a generated WordPress-shaped dump (bench/gendump).
#
#   bash bench/anonymize.sh [SIZE]      # SIZE like 1GiB (default), 200MiB
#
# Prints a Markdown table: wall time (best of RUNS, default 3), MB/s
# (10^6 bytes of input per second) and peak RSS from /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1GiB}
runs=${RUNS:-3}
dir=${BENCH_DIR:-/tmp/stagecopy-bench}
mkdir -p "$dir"
command -v zstd >/dev/null || { echo "bench: zstd is needed (apt-get install zstd)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
go build -o "$dir/stagecopy" ./cmd/stagecopy
dump="$dir/wp-$size.sql"
[ -f "$dump" ] || go run ./bench/gendump -size "$size" -o "$dump"
bytes=$(stat -c %s "$dump")
cat "$dump" > /dev/null # warm the page cache

measure() { # name, command...
  local name=$1; shift
  local best="" rss=0
  for _ in $(seq "$runs"); do
    local out
    out=$( { /usr/bin/time -f "%e %M" "$@" > /dev/null; } 2>&1 | tail -n 1)
    local t=${out% *} m=${out#* }
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  N="$name" awk -v t="$best" -v b="$bytes" -v r="$rss" 'BEGIN{n=ENVIRON["N"]; printf "| %s | %.2f s | %.0f MB/s | %.1f MB |\n", n, t, b/t/1e6, r/1024}'
}

echo "input: $dump ($bytes bytes), $(nproc) cores, best of $runs"
echo
echo "| command | time | throughput | peak RSS |"
echo "|---|---|---|---|"
measure "cat" cat "$dump"
measure "zstd -1 (1 thread)" zstd -1 -T1 -c "$dump"
measure "stagecopy anonymize, pass-through (rules: keep)" "$dir/stagecopy" anonymize -q -r bench/rules-keep.yml "$dump"
measure "stagecopy anonymize, 3 columns (email, email, ip)" "$dir/stagecopy" anonymize -q -r bench/rules-3cols.yml "$dump"
measure "stagecopy anonymize --preset wordpress" "$dir/stagecopy" anonymize -q --preset wordpress "$dump"
