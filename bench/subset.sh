#!/usr/bin/env bash
# Benchmark: stagecopy snapshot --subset of the last 1% of a shop's orders
# against the full snapshot of the same live MariaDB, both anonymizing with
# the WooCommerce preset, on the same throwaway server in one run.
#
#   bash bench/subset.sh [SIZE]     # SIZE of the generated dump, default 1GiB
#
# The database is bench/gendump -shop: ten years of WooCommerce orders
# (shop_order posts, meta, items, item meta, notes, refunds), customers and a
# catalogue, with WordPress's indexes; the subset's root is the orders from
# the date the last 1% of them start on. Needs mariadb-server,
# mariadb-client and time (Debian packages). Prints a Markdown table: wall
# time (best and median of RUNS rounds, default 5; each round runs both
# commands once), the subset's time over the full snapshot's within each
# round (median over rounds), peak RSS of stagecopy, archive size; then the
# subset's summary line and the load average before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1GiB}
runs=${RUNS:-5}
dir=${BENCH_DIR:-/tmp/stagecopy-bench}
kind=shop
tools="mariadbd mariadb-install-db mariadb"
# shellcheck source=bench/server.sh
source bench/server.sh
mariadb "${client[@]}" -e 'ANALYZE TABLE bench.wp_users, bench.wp_usermeta, bench.wp_posts, bench.wp_postmeta, bench.wp_comments, bench.wp_woocommerce_order_items, bench.wp_woocommerce_order_itemmeta' >/dev/null
since=$(grep -o 'shopLast1Percent = "[^"]*"' bench/gendump/shop.go | cut -d'"' -f2)
root="wp_posts: post_type = 'shop_order' AND post_date >= '$since'"

names=(); cmds=()
add() { names+=("$1"); cmds+=("$2"); }
add "stagecopy snapshot --anonymize --preset woocommerce" "'$dir/stagecopy' snapshot -q --anonymize --preset woocommerce -S '$sock' -u root -D bench -o '$dir/out/s.tar.zst'"
add "the same with --subset (last 1% of orders)" "'$dir/stagecopy' snapshot -q --anonymize --preset woocommerce -S '$sock' -u root -D bench --subset \"$root\" -o '$dir/out/s.tar.zst'"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$dir"/times.* "$dir"/rss.* "$dir"/size.*
for r in $(seq "$runs"); do
  for i in "${!cmds[@]}"; do
    rm -rf "$dir/out"; mkdir -p "$dir/out"
    out=$( { /usr/bin/time -f "%e %M" bash -c "${cmds[$i]}"; } 2>&1 | tail -n 1)
    echo "$r ${out% *}" >> "$dir/times.$i"
    echo "${out#* }" >> "$dir/rss.$i"
    du -sb "$dir/out" | cut -f1 > "$dir/size.$i"
  done
  echo "round $r of $runs done (load $(cut -d' ' -f1 /proc/loadavg))" >&2
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

rows=$(mariadb "${client[@]}" -N -e "SELECT SUM(TABLE_ROWS) FROM information_schema.TABLES WHERE TABLE_SCHEMA='bench'")
echo "database: $(du -sb "$dump" | cut -f1) bytes of SQL, about $rows rows; $(nproc) cores; $runs rounds; root: $root"
rm -rf "$dir/out"; mkdir -p "$dir/out"
"$dir/stagecopy" snapshot --anonymize --preset woocommerce -S "$sock" -u root -D bench --subset "$root" -o "$dir/out/s.tar.zst" | grep -E '^\s+(tables|subset) '
echo
echo "| command | best | median | peak RSS | archive | vs the full snapshot (median of rounds) |"
echo "|---|---|---|---|---|---|"
for i in "${!cmds[@]}"; do
  ratio=$(join "$dir/times.$i" "$dir/times.0" | awk '{print $2/$3}' | sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
  sort -g -k2 "$dir/times.$i" | N="${names[$i]}" awk -v rss="$(sort -g "$dir/rss.$i" | tail -n1)" -v size="$(cat "$dir/size.$i")" -v ratio="$ratio" '
    {t[NR]=$2} END{med=(NR%2 ? t[(NR+1)/2] : (t[NR/2]+t[NR/2+1])/2)
    printf "| %s | %.2f s | %.2f s | %.1f MB | %.1f MB | %.3f× |\n", ENVIRON["N"], t[1], med, rss/1024, size/1e6, ratio}'
done
