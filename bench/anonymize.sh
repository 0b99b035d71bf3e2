#!/usr/bin/env bash
# Benchmark: stagecopy anonymize against myanon, cat and zstd -1, on two
# generated dump shapes (bench/gendump):
#   users: one `users` table of ~150-byte rows, 3 of 9 columns ruled
#          (email, full_name, hash): the per-value cost dominates;
#   wp:    a WordPress site (users, user meta, posts, comments).
#
#   bash bench/anonymize.sh [WP_SIZE]    # WP_SIZE like 1GiB (default), 200MiB
#
# Environment:
#   RUNS=5           rounds; each round runs every command once, in order, so
#                    that the machine's drift touches all commands alike
#   USERS_SIZE=400MB size of the users dump
#   SHAPES="users wp"
#   SCALES=1         sizes to run, as multiples of USERS_SIZE and WP_SIZE:
#                    SCALES="0.25 1 4" checks that time per GB and peak RSS
#                    stay flat as the dump grows (one table per size)
#   MYANON=/path/to/myanon   myanon binary (built from its public source; see
#                    bench/README.md); its row is skipped when unset
#   BENCH_DIR=/tmp/stagecopy-bench   where dumps and binaries go
#
# Prints one Markdown table per shape: median wall time, MB/s (10^6 bytes
# of input per median second), median client CPU-seconds (user+sys) per GB
# (10^9 bytes) of input, and peak RSS (the largest of the rounds) from
# /usr/bin/time; then stagecopy's speed against myanon, the median of the
# per-round ratios. Output goes to /dev/null; every command must exit 0.
set -euo pipefail
cd "$(dirname "$0")/.."
wp_size=${1:-1GiB}
users_size=${USERS_SIZE:-400MB}
runs=${RUNS:-5}
shapes=${SHAPES:-users wp}
scales=${SCALES:-1}
dir=${BENCH_DIR:-/tmp/stagecopy-bench}
mkdir -p "$dir"
command -v zstd >/dev/null || { echo "bench: zstd is needed (apt-get install zstd)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
if [ -n "${MYANON:-}" ] && [ ! -x "$MYANON" ]; then
  echo "bench: MYANON=$MYANON is not an executable" >&2
  exit 1
fi
go build -o "$dir/stagecopy" ./cmd/stagecopy
sc=$dir/stagecopy
secret=$dir/secret.txt
# myanon-users.conf holds the same secret, so both tools key alike.
printf '%s' stagecopy-bench-secret-0123456789 > "$secret"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# bytes SIZE SCALE: SIZE (like 400MB or 1GiB) times SCALE, in bytes.
bytes() {
  awk -v s="$1" -v k="$2" 'BEGIN {
    n = split("GiB MiB KiB GB MB KB B", u, " "); split("1073741824 1048576 1024 1e9 1e6 1e3 1", m, " ")
    for (i = 1; i <= n; i++) if (substr(s, length(s) - length(u[i]) + 1) == u[i]) { printf "%.0f", substr(s, 1, length(s) - length(u[i])) * m[i] * k; exit }
    printf "%.0f", s * k
  }'
}

# bench SHAPE DUMP then lines of "name<TAB>command" on stdin.
bench() {
  local shape=$1 dump=$2
  local -a names=() cmds=()
  local name cmd
  while IFS=$'\t' read -r name cmd; do
    names+=("$name")
    cmds+=("$cmd")
  done
  local bytes
  bytes=$(stat -c %s "$dump")
  cat "$dump" > /dev/null # warm the page cache
  : > "$tmp/res"
  for r in $(seq "$runs"); do
    for i in "${!cmds[@]}"; do
      if ! /usr/bin/time -o "$tmp/time" -f "%e %U %S %M" bash -c "${cmds[$i]}" > /dev/null 2> "$tmp/err"; then
        echo "bench: ${names[$i]} failed:" >&2
        cat "$tmp/err" >&2
        exit 1
      fi
      echo "$i $r $(tail -n 1 "$tmp/time")" >> "$tmp/res"
    done
  done
  echo "### $shape, scale $scale: $dump ($bytes bytes)"
  echo
  echo "$(nproc) cores, median of $runs rounds, load average before: $load, after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| command | wall (median) | throughput | wall per GB | client CPU per GB | peak RSS |"
  echo "|---|---|---|---|---|---|"
  for i in "${!cmds[@]}"; do
    N="${names[$i]}" awk -v i="$i" -v b="$bytes" '
      function median(a, n,   j, k, t) {
        for (j = 2; j <= n; j++) { t = a[j]; for (k = j - 1; k >= 1 && a[k] > t; k--) a[k+1] = a[k]; a[k+1] = t }
        return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
      }
      $1 == i { n++; w[n] = $3; c[n] = $4 + $5; if ($6 > rss) rss = $6 }
      END {
        mw = median(w, n); mc = median(c, n)
        tp = mw > 0 ? sprintf("%.0f MB/s", b/mw/1e6) : "-"
        printf "| %s | %.2f s | %s | %.2f s | %.2f CPU-s | %.1f MB |\n", ENVIRON["N"], mw, tp, mw/(b/1e9), mc/(b/1e9), rss/1024
      }' "$tmp/res"
  done
  # stagecopy against myanon: median of the per-round ratios of speed.
  local si=-1 mi=-1
  for i in "${!names[@]}"; do
    case ${names[$i]} in
      myanon*) mi=$i ;;
      "stagecopy anonymize"*) [ "$si" -lt 0 ] && si=$i ;;
    esac
  done
  if [ "$mi" -ge 0 ] && [ "$si" -ge 0 ]; then
    awk -v s="$si" -v m="$mi" '
      $1 == s { ws[$2] = $3; cs[$2] = $4 + $5 } $1 == m { wm[$2] = $3; cm[$2] = $4 + $5 }
      END {
        for (r in ws) { n++; q[n] = wm[r] / ws[r]; p[n] = cm[r] / cs[r] }
        for (j = 2; j <= n; j++) { t = q[j]; for (k = j - 1; k >= 1 && q[k] > t; k--) q[k+1] = q[k]; q[k+1] = t }
        for (j = 2; j <= n; j++) { t = p[j]; for (k = j - 1; k >= 1 && p[k] > t; k--) p[k+1] = p[k]; p[k+1] = t }
        printf "\nstagecopy anonymize against myanon (median of %d rounds): %.2fx its MB/s (rounds %.2fx to %.2fx; target >= 2x), %.2fx its MB per CPU-second\n", n, (n % 2 ? q[(n+1)/2] : (q[n/2]+q[n/2+1])/2), q[1], q[n], (n % 2 ? p[(n+1)/2] : (p[n/2]+p[n/2+1])/2)
      }' "$tmp/res"
  fi
  echo
}

for scale in $scales; do
for shape in $shapes; do
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  case $shape in
  users)
    size=$users_size
    [ "$scale" = 1 ] || size="$(bytes "$users_size" "$scale")B"
    dump="$dir/users-$size.sql"
    [ -f "$dump" ] || go run ./bench/gendump -shape users -size "$size" -o "$dump"
    {
      printf 'cat\tcat %q\n' "$dump"
      printf 'stagecopy anonymize, 3 columns (email, full_name, hash)\t%q anonymize -q -r bench/rules-users.yml --secret-file %q %q\n' "$sc" "$secret" "$dump"
      printf 'stagecopy anonymize, same, 1 core (GOMAXPROCS=1)\tGOMAXPROCS=1 %q anonymize -q -r bench/rules-users.yml --secret-file %q %q\n' "$sc" "$secret" "$dump"
      if [ -n "${MYANON:-}" ]; then
        printf 'myanon (emailhash, texthash, texthash)\t%q -f bench/myanon-users.conf < %q\n' "$MYANON" "$dump"
      fi
    } | bench users "$dump"
    [ -n "${MYANON:-}" ] || echo "(myanon skipped: set MYANON to its binary)"
    ;;
  wp)
    size=$wp_size
    [ "$scale" = 1 ] || size="$(bytes "$wp_size" "$scale")B"
    dump="$dir/wp-$size.sql"
    [ -f "$dump" ] || go run ./bench/gendump -size "$size" -o "$dump"
    {
      printf 'cat\tcat %q\n' "$dump"
      printf 'zstd -1 (1 thread)\tzstd -1 -T1 -c %q\n' "$dump"
      printf 'stagecopy anonymize, pass-through (rules: keep)\t%q anonymize -q -r bench/rules-keep.yml --secret-file %q %q\n' "$sc" "$secret" "$dump"
      printf 'stagecopy anonymize, 3 columns (email, email, ip)\t%q anonymize -q -r bench/rules-3cols.yml --secret-file %q %q\n' "$sc" "$secret" "$dump"
      printf 'stagecopy anonymize --preset wordpress\t%q anonymize -q --preset wordpress --secret-file %q %q\n' "$sc" "$secret" "$dump"
    } | bench wp "$dump"
    ;;
  *)
    echo "bench: unknown shape $shape (want users, wp)" >&2
    exit 2
    ;;
  esac
done
done
