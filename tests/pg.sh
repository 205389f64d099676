#!/bin/sh
# A throw-away PostgreSQL for the tests (Debian's `postgresql` package).
#   tests/pg.sh start DIR   initdb into DIR/data, start on a free loopback port,
#                           wait until it answers, print its base URL
#                           (postgresql://postgres@127.0.0.1:PORT/postgres)
#   tests/pg.sh stop DIR    stop it (fast shutdown) and remove DIR
#   tests/pg.sh kill-data DIR  stop it and delete its data directory (restore drills)
#   tests/pg.sh restart DIR    start it again on the same port from DIR/data
# DIR is made by the caller (mktemp -d). Run as root, the server runs as the
# `postgres` user (initdb refuses root) and DIR is given to that user. The
# server trusts every local connection and does not fsync (tests only), unless
# MOTCUA_PG_FSYNC=on (benchmarks: durable like production).
set -eu

usage() {
	echo "usage: tests/pg.sh start|stop|kill-data|restart DIR" >&2
	exit 2
}

die() {
	echo "pg.sh: $*" >&2
	exit 1
}

[ $# -eq 2 ] || usage
cmd=$1
dir=$2
[ -d "$dir" ] || die "'$dir' is not a directory"
dir=$(cd "$dir" && pwd)

# The newest installed major version, unless PG_BIN names one.
bin=${PG_BIN:-}
if [ -z "$bin" ]; then
	for b in /usr/lib/postgresql/*/bin; do
		[ -x "$b/initdb" ] && [ -x "$b/pg_ctl" ] && bin=$b
	done
fi
if [ -n "${PG_BIN:-}" ] && [ ! -x "$bin/initdb" ]; then
	die "PG_BIN='$PG_BIN' has no initdb"
elif [ -z "$bin" ]; then
	die "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); apt-get install postgresql"
fi

# Run a PostgreSQL program as the user who owns the cluster.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

case $cmd in
start)
	# a new folder only: it is given to the postgres user and removed by stop
	[ -z "$(ls -A "$dir")" ] || die "'$dir' is not empty; give a new folder (mktemp -d)"
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || die "no 'postgres' user to run the server as"
		chown postgres "$dir"
	fi
	# the marker lets `stop` remove only folders this script made
	: >"$dir/.motcua-pg"
	if ! as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
		>"$dir/initdb.log" 2>&1; then
		cat "$dir/initdb.log" >&2
		die "initdb failed in '$dir/data'"
	fi
	cat >>"$dir/data/postgresql.conf" <<-EOF
		# tests/pg.sh: a throw-away server for the tests
		listen_addresses = '127.0.0.1'
		unix_socket_directories = '$dir'
		max_connections = 200
	EOF
	if [ "${MOTCUA_PG_FSYNC:-off}" != on ]; then
		printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >>"$dir/data/postgresql.conf"
	fi
	# A port that is free now may be taken before the server binds it: try a few.
	tries=0
	while :; do
		tries=$((tries + 1))
		[ "$tries" -le 20 ] || die "no free port found for the server"
		# below Linux's ephemeral range, so no test's free_port() or client socket takes it
		port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 12000))
		if command -v ss >/dev/null && [ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]; then
			continue
		fi
		if as_pg "$bin/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -w -t 60 \
			-o "-p $port" >/dev/null 2>&1; then
			break
		fi
		if [ "$tries" -ge 5 ]; then
			tail -n 20 "$dir/server.log" >&2 2>/dev/null || true
			die "the server did not start (see $dir/server.log)"
		fi
	done
	# pg_ctl -w waits for the socket; wait for a real connection too
	i=0
	until as_pg "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres; do
		i=$((i + 1))
		if [ "$i" -ge 100 ]; then
			as_pg "$bin/pg_ctl" stop -D "$dir/data" -m immediate >/dev/null 2>&1 || true
			die "the server on port $port does not answer (see $dir/server.log)"
		fi
		sleep 0.1
	done
	echo "$port" >"$dir/port"
	echo "postgresql://postgres@127.0.0.1:$port/postgres"
	;;
stop)
	[ -e "$dir/.motcua-pg" ] || die "'$dir' was not made by tests/pg.sh start; not removing it"
	rc=0
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_pg "$bin/pg_ctl" stop -D "$dir/data" -m fast -w -t 60 >/dev/null 2>&1 ||
			as_pg "$bin/pg_ctl" stop -D "$dir/data" -m immediate -w -t 30 >/dev/null 2>&1 ||
			rc=1
	fi
	rm -rf "$dir"
	[ "$rc" -eq 0 ] || die "the server in '$dir' did not stop cleanly"
	;;
kill-data)
	[ -e "$dir/.motcua-pg" ] || die "'$dir' was not made by tests/pg.sh start"
	as_pg "$bin/pg_ctl" stop -D "$dir/data" -m immediate -w -t 30 >/dev/null 2>&1 || true
	cp "$dir/data/postgresql.conf" "$dir/postgresql.conf.saved"
	rm -rf "$dir/data"
	;;
restart)
	[ -e "$dir/.motcua-pg" ] && [ -f "$dir/port" ] || die "'$dir' was not made by tests/pg.sh start"
	port=$(cat "$dir/port")
	# a restored data directory carries the settings it was backed up with
	[ -f "$dir/postgresql.conf.saved" ] && cp "$dir/postgresql.conf.saved" "$dir/data/postgresql.conf"
	rm -f "$dir/data/postmaster.pid"
	as_pg "$bin/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "-p $port" >/dev/null 2>&1 ||
		die "the server did not start again (see $dir/server.log)"
	echo "postgresql://postgres@127.0.0.1:$port/postgres"
	;;
*)
	usage
	;;
esac
