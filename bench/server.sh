# Sourced by bench/snapshot.sh and bench/restore.sh: checks the tools named
# in $tools, builds stagecopy, makes the generated dump of $size, and starts
# a throwaway MariaDB on a unix socket in $dir with the dump loaded into
# database "bench". Sets: dump, sock, client (mariadb client options),
# server (pid); the server is stopped and its data removed on exit.
for b in $tools; do
  command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || { echo "bench: $b missing (apt-get install mariadb-server mariadb-client mydumper zstd time)" >&2; exit 1; }
done
mkdir -p "$dir"
go build -o "$dir/stagecopy" ./cmd/stagecopy
# kind=shop (bench/subset.sh): gendump -shop, a WooCommerce shop's orders.
kind=${kind:-wp}
dump="$dir/$kind-$size.sql"
shopflag=(); [ "$kind" = shop ] && shopflag=(-shop)
[ -f "$dump" ] || go run ./bench/gendump "${shopflag[@]}" -size "$size" -o "$dump"

data="$dir/server"; sock="$dir/server.sock"
rm -rf "$data"; mkdir -p "$data"
user=(); [ "$(id -u)" -eq 0 ] && user=(--user=root)
mariadb-install-db --no-defaults "${user[@]}" --datadir="$data" --auth-root-authentication-method=normal --skip-test-db >/dev/null
PATH=$PATH:/usr/sbin mariadbd --no-defaults "${user[@]}" --datadir="$data" --socket="$sock" --skip-networking \
  --innodb-buffer-pool-size=1G --innodb-log-file-size=256M --innodb-flush-log-at-trx-commit=0 \
  --character-set-server=utf8mb4 --log-error="$dir/server.err" --pid-file="$dir/server.pid" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 60); do mariadb --no-defaults -S "$sock" -uroot -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.5; done
client=(--no-defaults -S "$sock" -uroot)
mariadb "${client[@]}" -e 'CREATE DATABASE bench'
echo "loading $dump ..." >&2
mariadb "${client[@]}" bench < "$dump"
