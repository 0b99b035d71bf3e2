# Sourced by bench/snapshot.sh and bench/restore.sh: checks the tools named
# in $tools, builds stagecopy, makes the generated dump of $size, and starts
# a throwaway MariaDB on a unix socket in $dir with the dump loaded into
# database "bench". Sets: dump, bytes (of the dump), sock, client (mariadb
# client options), server (pid), server_desc; the server is stopped and its
# data removed on exit.
#
# BENCH_SERVER picks the server's configuration:
#   default  what Debian's mariadb-server package runs: the compiled-in
#            defaults (128 MiB buffer pool, 96 MiB redo log,
#            innodb_flush_log_at_trx_commit=1) plus the two settings of
#            /etc/mysql/mariadb.conf.d/50-server.cnf that touch the data
#            (utf8mb4, utf8mb4_general_ci)
#   tuned    (the default) 1 GiB buffer pool, 256 MiB redo log,
#            innodb_flush_log_at_trx_commit=0
for b in $tools; do
  command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || { echo "bench: $b missing (apt-get install mariadb-server mariadb-client mydumper zstd time)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
mkdir -p "$dir"
go build -o "$dir/stagecopy" ./cmd/stagecopy
# kind=shop (bench/subset.sh): gendump -shop, a WooCommerce shop's orders.
kind=${kind:-wp}
dump="$dir/$kind-$size.sql"
shopflag=(); [ "$kind" = shop ] && shopflag=(-shop)
[ -f "$dump" ] || go run ./bench/gendump "${shopflag[@]}" -size "$size" -o "$dump"
bytes=$(stat -c %s "$dump")

case ${BENCH_SERVER:-tuned} in
tuned)
  server_opts=(--innodb-buffer-pool-size=1G --innodb-log-file-size=256M --innodb-flush-log-at-trx-commit=0 --character-set-server=utf8mb4)
  server_desc="tuned (1 GiB buffer pool, 256 MiB redo log, innodb_flush_log_at_trx_commit=0)" ;;
default)
  server_opts=(--character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci)
  server_desc="Debian's default configuration (128 MiB buffer pool, 96 MiB redo log, innodb_flush_log_at_trx_commit=1)" ;;
*) echo "bench: BENCH_SERVER must be default or tuned, not ${BENCH_SERVER}" >&2; exit 2 ;;
esac

data="$dir/server"; sock="$dir/server.sock"
rm -rf "$data"; mkdir -p "$data"
user=(); [ "$(id -u)" -eq 0 ] && user=(--user=root)
mariadb-install-db --no-defaults "${user[@]}" --datadir="$data" --auth-root-authentication-method=normal --skip-test-db >/dev/null
PATH=$PATH:/usr/sbin mariadbd --no-defaults "${user[@]}" --datadir="$data" --socket="$sock" --skip-networking \
  "${server_opts[@]}" --log-error="$dir/server.err" --pid-file="$dir/server.pid" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 60); do mariadb --no-defaults -S "$sock" -uroot -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.5; done
client=(--no-defaults -S "$sock" -uroot)
mariadb "${client[@]}" -e 'CREATE DATABASE bench'
echo "loading $dump into a server with ${BENCH_SERVER:-tuned} settings ..." >&2
mariadb "${client[@]}" bench < "$dump"
