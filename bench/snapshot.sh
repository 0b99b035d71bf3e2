#!/usr/bin/env bash
# Benchmark: stagecopy snapshot of a live MariaDB (anonymizing with the
# WordPress preset, whose rules include the `lorem` comment column
# wp_comments.comment_content) against mariadb-dump | zstd -3 and
# mydumper -t 2, on the same throwaway server in one run.
#
#   bash bench/snapshot.sh [SIZE]     # SIZE of the generated dump, default 300MB
#   BENCH_SERVER=default bash bench/snapshot.sh 300MB
#
# BENCH_SERVER=tuned|default picks the server's settings (bench/server.sh),
# RUNS the number of paired rounds (default 5; each round runs every
# command once), BENCH_DIR the work directory (default /tmp/stagecopy-bench).
# Needs mariadb-server, mariadb-client, mydumper, zstd and time (Debian
# packages). Prints a Markdown table (bench/rounds.sh): median wall time,
# client CPU (user+sys of the dumping processes: for a pipeline, all of
# them) in seconds and per GB of SQL, the server's CPU, peak RSS (for a
# pipeline, its largest process's), the output's size, and the ratios to
# mariadb-dump | zstd -3 within each round.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-300MB}
runs=${RUNS:-5}
dir=${BENCH_DIR:-/tmp/stagecopy-bench}
tools="mariadbd mariadb-install-db mariadb mariadb-dump mydumper zstd"
# shellcheck source=bench/server.sh
source bench/server.sh
# shellcheck source=bench/rounds.sh
source bench/rounds.sh
mariadb "${client[@]}" -e 'ANALYZE TABLE bench.wp_users, bench.wp_usermeta, bench.wp_posts, bench.wp_comments' >/dev/null

prep="rm -rf '$dir/out'; mkdir -p '$dir/out'"
add "stagecopy snapshot --anonymize --preset wordpress" "$prep" "'$dir/stagecopy' snapshot -q --anonymize --preset wordpress -S '$sock' -u root -D bench -o '$dir/out/s.tar.zst'"
add "stagecopy snapshot --no-anonymize" "$prep" "'$dir/stagecopy' snapshot -q --no-anonymize -S '$sock' -u root -D bench -o '$dir/out/s.tar.zst' 2>/dev/null"
add "mariadb-dump --single-transaction \\| zstd -3" "$prep" "mariadb-dump --no-defaults -S '$sock' -uroot --single-transaction bench | zstd -3 -q -o '$dir/out/d.sql.zst'"
add "mydumper -t 2 (plain files)" "$prep" "mydumper -S '$sock' -u root -B bench -t 2 -o '$dir/out/m' >/dev/null 2>&1"
add "mydumper -t 2 -c (mydumper $(mydumper --version | cut -d' ' -f2 | tr -d ,): gzip)" "$prep" "mydumper -S '$sock' -u root -B bench -t 2 -c -o '$dir/out/m' >/dev/null 2>&1"
run_rounds
report 2
echo
paste -d' ' "$dir/m.0" "$dir/m.2" | awk '{print $2/$7}' > "$dir/ratios"
awk -v w="$(median < "$dir/ratios")" -v r="$(awk '{print $5}' "$dir/m.0" | sort -g | tail -n 1)" 'BEGIN{
  printf "stagecopy snapshot --anonymize: wall %.2fx mariadb-dump | zstd -3 (target <= 0.8x), peak RSS %.1f MB (target <= 128 MB)\n", w, r/1024 }'
