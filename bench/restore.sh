#!/usr/bin/env bash
# Benchmark: stagecopy restore of an archive against loading the same
# database with the mariadb client (mariadb < dump.sql) and myloader -t 2
# (from a mydumper -t 2 dump), on the same throwaway server in one run.
#
#   bash bench/restore.sh [SIZE]      # SIZE of the generated dump, default 1GiB
#
# Needs mariadb-server, mariadb-client, mydumper, zstd and time (Debian
# packages). Prints a Markdown table: wall time (best of RUNS, default 3),
# the CPU seconds (user+sys) of the loading process and of the server in
# that run, and peak RSS of the loading process. On a shared machine the
# CPU seconds move less than wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1GiB}
runs=${RUNS:-3}
threads=${THREADS:-2}
dir=${BENCH_DIR:-/tmp/stagecopy-bench}
tools="mariadbd mariadb-install-db mariadb mydumper myloader zstd"
# shellcheck source=bench/server.sh
source bench/server.sh
echo "making the inputs: a stagecopy archive (not anonymized: the same rows for every loader) and a mydumper dump ..." >&2
"$dir/stagecopy" snapshot -q --no-anonymize -S "$sock" -u root -D bench -o "$dir/restore-in.tar.zst" --force >/dev/null 2>&1
rm -rf "$dir/mydumper-in" "$dir/mydumper-in-c"
mydumper -S "$sock" -u root -B bench -t 2 -o "$dir/mydumper-in" >/dev/null 2>&1
mydumper -S "$sock" -u root -B bench -t 2 -c -o "$dir/mydumper-in-c" >/dev/null 2>&1
export STAGECOPY_STATE_DIR="$dir/state"

cpu_of() { awk '{print $14+$15}' "/proc/$1/stat"; } # user+sys clock ticks of a process
hz=$(getconf CLK_TCK)

measure() { # name, prepare command (not timed), timed command
  local name=$1 prep=$2 cmd=$3 best="" cpu="" srv="" rss=0
  for _ in $(seq "$runs"); do
    mariadb "${client[@]}" -e 'DROP DATABASE IF EXISTS target'
    rm -rf "$dir/state"
    bash -c "$prep"
    local out s0 s1
    s0=$(cpu_of "$server")
    out=$( { /usr/bin/time -f "%e %U %S %M" bash -c "$cmd"; } 2>&1 | tail -n 1)
    s1=$(cpu_of "$server")
    local t u s m
    read -r t u s m <<<"$out"
    # The run with the best wall time gives all the columns but peak RSS,
    # which is the largest of all runs.
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then
      best=$t; cpu=$(awk "BEGIN{print $u + $s}"); srv=$(awk "BEGIN{print ($s1 - $s0) / $hz}")
    fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  last_time=$best last_rss=$rss
  N="$name" awk -v t="$best" -v c="$cpu" -v sv="$srv" -v r="$rss" 'BEGIN{n=ENVIRON["N"]; printf "| %s | %.2f s | %.2f s | %.2f s | %.1f MB |\n", n, t, c, sv, r/1024}'
}

rows=$(mariadb "${client[@]}" -N -e "SELECT SUM(TABLE_ROWS) FROM information_schema.TABLES WHERE TABLE_SCHEMA='bench'")
echo "database: $(du -sb "$dump" | cut -f1) bytes of SQL, about $rows rows; archive $(du -sb "$dir/restore-in.tar.zst" | cut -f1) bytes"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)); load average before: $(cut -d' ' -f1-3 /proc/loadavg); MariaDB $(PATH=$PATH:/usr/sbin mariadbd --version | awk '{print $3}')"
echo "time: wall, best of $runs; client CPU: user+sys of the loading process in that run; server CPU: user+sys of mariadbd in that run; peak RSS: of the loading process, largest of all runs"
echo
echo "| command | time | client CPU | server CPU | peak RSS |"
echo "|---|---|---|---|---|"
measure "stagecopy restore --threads $threads" "true" "'$dir/stagecopy' restore -q --cms none --threads $threads -S '$sock' -u root --db-name target '$dir/restore-in.tar.zst' >/dev/null"
sc_time=$last_time sc_rss=$last_rss
measure "mariadb < dump.sql" "mariadb ${client[*]} -e 'CREATE DATABASE target'" "mariadb ${client[*]} target < '$dump'"
client_time=$last_time
measure "myloader -t $threads (plain files)" "true" "myloader -S '$sock' -u root -B target -t $threads -d '$dir/mydumper-in' >/dev/null 2>&1"
myloader_time=$last_time
measure "myloader -t $threads (mydumper -c: gzip)" "true" "myloader -S '$sock' -u root -B target -t $threads -d '$dir/mydumper-in-c' >/dev/null 2>&1"
echo
awk -v s="$sc_time" -v c="$client_time" -v m="$myloader_time" -v r="$sc_rss" -v t="$threads" 'BEGIN{
  printf "stagecopy restore: %.2fx the time of mariadb < dump.sql (target <= 0.75x), %.2fx myloader -t %s (target <= 1.0x), peak RSS %.1f MB (target <= 128 MB)\n", s/c, s/m, t, r/1024 }'
