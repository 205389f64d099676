#!/bin/sh
# Backup and restore drills for docs/deploy.md, run on this machine:
#   scripts/restore-drill.sh [BUILD_DIR]
# SQLite: rows written while the server runs, `motcua backup` taken during the
# writes, the database lost, the copy restored, the server started on it.
# PostgreSQL: rows written, pg_basebackup (tar, WAL included) taken, the data
# directory lost, the backup unpacked into a new one, the server started on it.
# Each drill checks that every row acknowledged before the backup is there and
# that numbering goes on without a gap or a duplicate.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
motcua=$build/motcua
bw=$build/bench/bench_write
[ -x "$motcua" ] && [ -x "$bw" ] || { echo "restore-drill: build first (make)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/motcua-drill-XXXXXX)
chmod 755 "$tmp" # the postgres user writes the base backup below it
pgdir=""
cleanup() {
	[ -n "$pgdir" ] && "$root/tests/pg.sh" stop "$pgdir" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

count() { # URL-or-file → "rows max"
	case "$1" in
	postgres*) psql -At "$1" -c "SELECT COUNT(*) || ' ' || COALESCE(MAX(number), 0) FROM bench_rows" ;;
	*) sqlite3 "$1" "SELECT COUNT(*) || ' ' || COALESCE(MAX(number), 0) FROM bench_rows" ;;
	esac
}

check_gapless() { # label URL
	set -- "$1" "$(count "$2")"
	rows=${2% *}
	max=${2#* }
	[ "$rows" = "$max" ] || { echo "$1: $rows rows but the highest number is $max" >&2; exit 1; }
	echo "$1: $rows rows, numbered 1..$max without a gap"
}

echo "SQLite drill"
db=$tmp/motcua.db
"$bw" "$db" 2 1 >/dev/null
"$bw" "$db" 2 3 >/dev/null &
writer=$!
sleep 1
"$motcua" backup --db "$db" "$tmp/copy.db" >/dev/null
wait $writer
before=$(count "$tmp/copy.db")
rm -f "$db" "$db-wal" "$db-shm"
cp "$tmp/copy.db" "$db"
check_gapless "  restored copy" "$db"
"$bw" "$db" 1 1 >/dev/null
check_gapless "  after new writes" "$db"
echo "  (copy taken during writes held ${before% *} rows)"

echo "PostgreSQL drill"
pgdir=$(mktemp -d /tmp/motcua-drill-pg-XXXXXX)
url=$("$root/tests/pg.sh" start "$pgdir")
psql -q "$url" -c 'CREATE DATABASE drill' >/dev/null
durl=$(printf '%s' "$url" | sed 's|/postgres$|/drill|')
"$bw" "$durl" 2 2 >/dev/null
before=$(count "$durl")
port=$(printf '%s' "$url" | sed 's|.*:\([0-9]*\)/.*|\1|')
mkdir "$tmp/base"
chown postgres "$tmp/base"
runuser -u postgres -- pg_basebackup -h 127.0.0.1 -p "$port" -U postgres -D "$tmp/base" -Ft -z -Xs -c fast >/dev/null
"$root/tests/pg.sh" kill-data "$pgdir"
runuser -u postgres -- sh -c "mkdir -m 0700 '$pgdir/data' && tar -xzf '$tmp/base/base.tar.gz' -C '$pgdir/data' && tar -xzf '$tmp/base/pg_wal.tar.gz' -C '$pgdir/data/pg_wal'"
"$root/tests/pg.sh" restart "$pgdir" >/dev/null
after=$(count "$durl")
[ "$before" = "$after" ] || { echo "  restored: $after, expected $before" >&2; exit 1; }
check_gapless "  restored base backup" "$durl"
"$bw" "$durl" 1 1 >/dev/null
check_gapless "  after new writes" "$durl"
"$motcua" migrate --db "$durl" >/dev/null
echo "restore drills passed"
