#!/usr/bin/env bash
# Benchmark: stagecopy restore of an archive against loading the same
# database with the mariadb client (mariadb < dump.sql) and with
# myloader -t 2 (from a mydumper -t 2 dump of plain files), on the same
# throwaway server in one run.
#
#   bash bench/restore.sh [SIZE]      # SIZE of the generated dump, default 300MB
#   BENCH_SERVER=default bash bench/restore.sh 300MB
#
# BENCH_SERVER=tuned|default picks the server's settings (bench/server.sh),
# RUNS the number of paired rounds (default 5; each round runs every
# command once), THREADS stagecopy's and myloader's threads (default 2),
# BENCH_DIR the work directory (default /tmp/stagecopy-bench).
# Needs mariadb-server, mariadb-client, mydumper, zstd and time (Debian
# packages). Prints a Markdown table (bench/rounds.sh): median wall time,
# client CPU (user+sys of the loading process) in seconds and per GB of SQL,
# the server's CPU, the loading process's peak RSS, and stagecopy's ratios
# to the peers within each round.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-300MB}
runs=${RUNS:-5}
threads=${THREADS:-2}
dir=${BENCH_DIR:-/tmp/stagecopy-bench}
tools="mariadbd mariadb-install-db mariadb mydumper myloader zstd"
# shellcheck source=bench/server.sh
source bench/server.sh
# shellcheck source=bench/rounds.sh
source bench/rounds.sh
echo "making the inputs: a stagecopy archive (not anonymized: the same rows for every loader) and a mydumper dump ..." >&2
"$dir/stagecopy" snapshot -q --no-anonymize -S "$sock" -u root -D bench -o "$dir/restore-in.tar.zst" --force >/dev/null 2>&1
rm -rf "$dir/mydumper-in"
mydumper -S "$sock" -u root -B bench -t "$threads" -o "$dir/mydumper-in" >/dev/null 2>&1
export STAGECOPY_STATE_DIR="$dir/state"
rm -rf "$dir/out"

drop="mariadb ${client[*]} -e 'DROP DATABASE IF EXISTS target'; rm -rf '$dir/state'"
add "stagecopy restore --threads $threads" "$drop" "'$dir/stagecopy' restore -q --cms none --threads $threads -S '$sock' -u root --db-name target ${RESTORE_FLAGS:-} '$dir/restore-in.tar.zst' >/dev/null"
add "mariadb < dump.sql" "$drop; mariadb ${client[*]} -e 'CREATE DATABASE target'" "mariadb ${client[*]} target < '$dump'"
add "myloader -t $threads (plain files)" "$drop" "myloader -S '$sock' -u root -B target -t $threads -d '$dir/mydumper-in' >/dev/null 2>&1"
run_rounds
echo "archive: $(stat -c %s "$dir/restore-in.tar.zst") bytes"
report 2 1
echo
paste -d' ' "$dir/m.0" "$dir/m.2" "$dir/m.1" | awk -v t="$threads" '{print $3/$8, $3/$13, $2/$7, $2/$12}' > "$dir/ratios"
awk -v t="$threads" -v r="$(awk '{print $5}' "$dir/m.0" | sort -g | tail -n 1)" \
  -v cm="$(awk '{print $1}' "$dir/ratios" | median)" -v cc="$(awk '{print $2}' "$dir/ratios" | median)" \
  -v wm="$(awk '{print $3}' "$dir/ratios" | median)" -v wc="$(awk '{print $4}' "$dir/ratios" | median)" 'BEGIN{
  printf "stagecopy restore, client CPU: %.2fx myloader -t %s (target <= 0.9x), %.2fx mariadb < dump.sql (target <= 0.7x); wall: %.2fx myloader, %.2fx mariadb (README: <= 1.0x, <= 0.75x); peak RSS %.1f MB (target <= 128 MB)\n", cm, t, cc, wm, wc, r/1024 }'
