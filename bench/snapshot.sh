#!/usr/bin/env bash
# Benchmark: stagecopy snapshot of a live MariaDB (anonymizing with the
# WordPress preset) against mariadb-dump | zstd -3 and mydumper -t 2 -c, on
# the same throwaway server in one run.
#
#   bash bench/snapshot.sh [SIZE]     # SIZE of the generated dump, default 1GiB
#
# Needs mariadb-server, mariadb-client, mydumper, zstd and time (Debian
# packages). Prints a Markdown table: wall time (best of RUNS, default 3) and
# peak RSS of the dumping process (for pipelines, the dumper's own).
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1GiB}
runs=${RUNS:-3}
dir=${BENCH_DIR:-/tmp/stagecopy-bench}
tools="mariadbd mariadb-install-db mariadb mariadb-dump mydumper zstd"
# shellcheck source=bench/server.sh
source bench/server.sh
mariadb "${client[@]}" -e 'ANALYZE TABLE bench.wp_users, bench.wp_usermeta, bench.wp_posts, bench.wp_comments' >/dev/null

measure() { # name, shell command (the first process's RSS is reported)
  local name=$1 cmd=$2 best="" rss=0
  for _ in $(seq "$runs"); do
    rm -rf "$dir/out"; mkdir -p "$dir/out"
    local out
    out=$( { /usr/bin/time -f "%e %M" bash -c "$cmd"; } 2>&1 | tail -n 1)
    local t=${out% *} m=${out#* }
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  local size; size=$(du -sb "$dir/out" | cut -f1)
  N="$name" awk -v t="$best" -v r="$rss" -v s="$size" 'BEGIN{n=ENVIRON["N"]; printf "| %s | %.2f s | %.1f MB | %.0f MB |\n", n, t, r/1024, s/1e6}'
}

rows=$(mariadb "${client[@]}" -N -e "SELECT SUM(TABLE_ROWS) FROM information_schema.TABLES WHERE TABLE_SCHEMA='bench'")
echo "database: $(du -sb "$dump" | cut -f1) bytes of SQL, about $rows rows; $(nproc) cores; best of $runs"
echo
echo "| command | time | peak RSS | output |"
echo "|---|---|---|---|"
measure "stagecopy snapshot --anonymize --preset wordpress" "'$dir/stagecopy' snapshot -q --anonymize --preset wordpress -S '$sock' -u root -D bench -o '$dir/out/s.tar.zst'"
measure "stagecopy snapshot --no-anonymize" "'$dir/stagecopy' snapshot -q --no-anonymize -S '$sock' -u root -D bench -o '$dir/out/s.tar.zst' 2>/dev/null"
measure "mariadb-dump --single-transaction \| zstd -3" "mariadb-dump --no-defaults -S '$sock' -uroot --single-transaction bench | zstd -3 -q -o '$dir/out/d.sql.zst'"
measure "mydumper -t 2 -c (mydumper $(mydumper --version | cut -d' ' -f2 | tr -d ,): gzip)" "mydumper -S '$sock' -u root -B bench -t 2 -c -o '$dir/out/m' >/dev/null 2>&1"
