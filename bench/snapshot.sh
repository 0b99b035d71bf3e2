#!/usr/bin/env bash
# Benchmark: stagecopy snapshot of a live MariaDB (anonymizing with the
# WordPress preset) against mariadb-dump | zstd -3 and mydumper -t 2 -c, on
# the same throwaway server in one run.
#
#   bash bench/snapshot.sh [SIZE]     # SIZE of the generated dump, default 1GiB
#
# Needs mariadb-server, mariadb-client, mydumper, zstd and time (Debian
# packages). Prints a Markdown table: wall time (best and median of RUNS
# rounds, default 3; each round runs every command once), the ratio to
# mariadb-dump | zstd -3 within each round (median over rounds) and
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

names=(); cmds=()
add() { names+=("$1"); cmds+=("$2"); }
add "stagecopy snapshot --anonymize --preset wordpress" "'$dir/stagecopy' snapshot -q --anonymize --preset wordpress -S '$sock' -u root -D bench -o '$dir/out/s.tar.zst'"
add "stagecopy snapshot --no-anonymize" "'$dir/stagecopy' snapshot -q --no-anonymize -S '$sock' -u root -D bench -o '$dir/out/s.tar.zst' 2>/dev/null"
add "mariadb-dump --single-transaction \\| zstd -3" "mariadb-dump --no-defaults -S '$sock' -uroot --single-transaction bench | zstd -3 -q -o '$dir/out/d.sql.zst'"
add "mydumper -t 2 -c (mydumper $(mydumper --version | cut -d' ' -f2 | tr -d ,): gzip)" "mydumper -S '$sock' -u root -B bench -t 2 -c -o '$dir/out/m' >/dev/null 2>&1"

# Rounds: each round runs every command once, so that a machine that
# speeds up or slows down over the minutes of a run affects all alike.
rm -f "$dir"/times.* "$dir"/rss.* "$dir"/size.*
for r in $(seq "$runs"); do
  for i in "${!cmds[@]}"; do
    rm -rf "$dir/out"; mkdir -p "$dir/out"
    out=$( { /usr/bin/time -f "%e %M" bash -c "${cmds[$i]}"; } 2>&1 | tail -n 1)
    echo "$r ${out% *}" >> "$dir/times.$i"
    echo "${out#* }" >> "$dir/rss.$i"
    du -sb "$dir/out" | cut -f1 > "$dir/size.$i"
  done
  echo "round $r of $runs done" >&2
done

rows=$(mariadb "${client[@]}" -N -e "SELECT SUM(TABLE_ROWS) FROM information_schema.TABLES WHERE TABLE_SCHEMA='bench'")
echo "database: $(du -sb "$dump" | cut -f1) bytes of SQL, about $rows rows; $(nproc) cores; $runs rounds"
echo
echo "| command | best | median | peak RSS | output | vs \`mariadb-dump \\| zstd -3\` (median of rounds) |"
echo "|---|---|---|---|---|---|"
for i in "${!cmds[@]}"; do
  # The ratio is taken within each round, then the median of the rounds.
  ratio=$(join "$dir/times.$i" "$dir/times.2" | awk '{print $2/$3}' | sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
  sort -g -k2 "$dir/times.$i" | N="${names[$i]}" awk -v rss="$(sort -g "$dir/rss.$i" | tail -n1)" -v size="$(cat "$dir/size.$i")" -v ratio="$ratio" '
    {t[NR]=$2} END{med=(NR%2 ? t[(NR+1)/2] : (t[NR/2]+t[NR/2+1])/2)
    printf "| %s | %.2f s | %.2f s | %.1f MB | %.0f MB | %.2f× |\n", ENVIRON["N"], t[1], med, rss/1024, size/1e6, ratio}'
done
