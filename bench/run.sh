#!/bin/sh
# make bench: motcua against nginx on this machine, in one run.
#
# For each target wrk runs ROUNDS times (interleaved, so machine noise hits all
# targets alike) and the median requests/s and p99 latency are printed:
#   home          motcua's rendered home page
#   static        a 12 KB static asset served by motcua from the binary
#                 (made from static/site.css by bench/make-asset.py, in the benchmark's binary only)
#   nginx-static  nginx (2 workers, access log off) serving the same asset file
#   nginx-home    nginx serving the home page's bytes as a static file
#   home-pg       motcua's home page with its database on PostgreSQL
#   article       the demo's article page (its view counted), and nginx serving its bytes
#   site.css      the whole stylesheet, by motcua and by nginx (for information)
# and then the write path (bench_write: a transaction that takes a counter
# number and inserts the row using it) on SQLite and on PostgreSQL, and the
# catalogue search (bench_catalogue: procedure_list over 5,000 procedures,
# p50/p99 per query; target p99 < 5 ms) on both, and the one-stop shop
# (bench_dossiers: durable intakes a second, lookup by code and the dashboard at
# 100,000 dossiers, and 1,000,000 with BENCH_FULL=1) on both, and e-receipts (bench_receipts:
# receipts issued a second, durable and signed) on both, and the e-office (bench_documents:
# durable registrations of incoming documents and issues of outgoing ones a second, the figures'
# page over a year at the seed district's scale and ten times it (target < 50 ms), the incoming
# list at 100,000 documents; a hundred times the seed and 1,000,000 documents with BENCH_FULL=1)
# on both.
# Targets (DESIGN.md, issue "motcua runs"): static >= 1.2 x nginx-static,
# home >= 0.5 x nginx (same bytes). Environment: DURATION (s, default 10),
# ROUNDS (default 3), CONNECTIONS (default 64), ASSET (default static/bench-12k.css).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-64}
ASSET=${ASSET:-static/bench-12k.css}
build=$root/build-bench

command -v wrk >/dev/null || { echo "bench: wrk is missing (scripts/deps.sh bench)" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "bench: nginx is missing (scripts/deps.sh bench)" >&2; exit 1; }

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$root" --buildtype=release -Db_ndebug=false -Dtests=false \
		-Dbench_asset=true >/dev/null
else
	# the 12 KB asset of the targets, served from the benchmark's binary only
	meson setup --reconfigure "$build" "$root" -Dbench_asset=true >/dev/null
fi
ninja -C "$build" >/dev/null

tmp=$(mktemp -d /tmp/motcua-bench-XXXXXX)
chmod 755 "$tmp"  # nginx workers run as another user
mpid=""
ppid_=""
pgdir=""
cleanup() {
	[ -n "$mpid" ] && kill "$mpid" 2>/dev/null && wait "$mpid" 2>/dev/null
	[ -n "$ppid_" ] && kill "$ppid_" 2>/dev/null && wait "$ppid_" 2>/dev/null
	[ -n "$pgdir" ] && "$root/tests/pg.sh" stop "$pgdir" >/dev/null 2>&1
	[ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null
	sleep 0.2
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

mport=$(free_port)
nport=$(free_port)
pport=$(free_port)
"$build/motcua" demo --db "$tmp/bench.db" >/dev/null
"$build/motcua" serve --db "$tmp/bench.db" --data "$tmp/data" --listen "127.0.0.1:$mport" \
	2>"$tmp/motcua.log" &
mpid=$!
for _ in $(seq 1 100); do
	curl -fs "http://127.0.0.1:$mport/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done

# nginx serves the very bytes motcua sends
mkdir -p "$tmp/www/static"
asset_name=$(basename "$ASSET")
curl -fs "http://127.0.0.1:$mport/$ASSET" -o "$tmp/www/static/$asset_name"
curl -fs "http://127.0.0.1:$mport/static/site.css" -o "$tmp/www/static/site.css"
curl -fs "http://127.0.0.1:$mport/" -o "$tmp/www/index.html"
# the seed's own article (the demo's), its view counted on every request
article=tin-tuc/quan-thanh-xuan-day-manh-cai-cach-hanh-chinh
mkdir -p "$tmp/www/tin-tuc"
curl -fs "http://127.0.0.1:$mport/$article" -o "$tmp/www/$article.html"
chmod -R a+rX "$tmp/www"
cat >"$tmp/nginx.conf" <<NGINX
worker_processes 2;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	types { text/css css; text/html html; image/svg+xml svg; }
	client_body_temp_path $tmp/nginx-tmp;
	proxy_temp_path $tmp/nginx-tmp;
	fastcgi_temp_path $tmp/nginx-tmp;
	uwsgi_temp_path $tmp/nginx-tmp;
	scgi_temp_path $tmp/nginx-tmp;
	server {
		listen 127.0.0.1:$nport;
		root $tmp/www;
		location / { index index.html; try_files \$uri \$uri.html \$uri/ =404; }
	}
}
NGINX
mkdir -p "$tmp/nginx-tmp"
"$NGINX" -c "$tmp/nginx.conf" -p "$tmp" 2>"$tmp/nginx-start.log"
for _ in $(seq 1 50); do
	curl -fs "http://127.0.0.1:$nport/static/$asset_name" >/dev/null 2>&1 && break
	sleep 0.1
done

# the same server on PostgreSQL
pgdir=$(mktemp -d /tmp/motcua-bench-pg-XXXXXX)
# durable like production (fsync on), unlike the test server
pgurl=$(MOTCUA_PG_FSYNC=on "$root/tests/pg.sh" start "$pgdir")
pgbench_url=$(printf '%s' "$pgurl" | sed 's|/postgres$|/bench|')
export PGOPTIONS='-c client_min_messages=warning'
psql -q "$pgurl" -c 'CREATE DATABASE bench' >/dev/null
"$build/motcua" demo --db "$pgbench_url" >/dev/null
"$build/motcua" serve --db "$pgbench_url" --data "$tmp/data" --listen "127.0.0.1:$pport" \
	2>"$tmp/motcua-pg.log" &
ppid_=$!
for _ in $(seq 1 100); do
	curl -fs "http://127.0.0.1:$pport/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done

rss_idle=$(awk '/^VmRSS/ {print $2}' "/proc/$mpid/status")
asset_bytes=$(wc -c <"$tmp/www/static/$asset_name")
home_bytes=$(wc -c <"$tmp/www/index.html")
echo "motcua bench: $(nproc) cores, wrk -t2 -c$CONNECTIONS -d${DURATION}s, $ROUNDS rounds, medians"
echo "  asset /$ASSET: $asset_bytes bytes; home page: $home_bytes bytes"

run_wrk() { # name url
	out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$2" 2>&1)
	rps=$(printf '%s\n' "$out" | awk '/^Requests\/sec/ {print $2}')
	p99=$(printf '%s\n' "$out" | awk '$1 == "99%" {print $2}')
	non2xx=$(printf '%s\n' "$out" | awk '/Non-2xx/ {print $NF}')
	[ -n "$non2xx" ] && echo "  warning: $1 had $non2xx non-2xx answers" >&2
	echo "$1 $rps $p99" >>"$tmp/results"
}

: >"$tmp/results"
for r in $(seq 1 "$ROUNDS"); do
	run_wrk home "http://127.0.0.1:$mport/"
	run_wrk static "http://127.0.0.1:$mport/$ASSET"
	run_wrk nginx-static "http://127.0.0.1:$nport/static/$asset_name"
	run_wrk nginx-home "http://127.0.0.1:$nport/"
	run_wrk article "http://127.0.0.1:$mport/$article"
	run_wrk nginx-article "http://127.0.0.1:$nport/$article"
	run_wrk home-pg "http://127.0.0.1:$pport/"
	run_wrk site.css "http://127.0.0.1:$mport/static/site.css"
	run_wrk nginx-site.css "http://127.0.0.1:$nport/static/site.css"
done

python3 - "$tmp/results" "$(wc -c <"$tmp/www/static/site.css")" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, rps, p99 = line.split()
    def ms(v):
        for suf, f in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
            if v.endswith(suf):
                return float(v[:-len(suf)]) * f
        return float(v)
    rows.setdefault(name, []).append((float(rps), ms(p99)))
med = {k: (statistics.median(r for r, _ in v), statistics.median(p for _, p in v)) for k, v in rows.items()}
print("  %-13s %12s %10s" % ("target", "requests/s", "p99 ms"))
for k in ("home", "static", "nginx-static", "nginx-home", "home-pg", "site.css", "nginx-site.css", "article", "nginx-article"):
    print("  %-13s %12.0f %10.2f" % (k, med[k][0], med[k][1]))
s = med["static"][0] / med["nginx-static"][0]
h = med["home"][0] / med["nginx-static"][0]
hh = med["home"][0] / med["nginx-home"][0]
print("  ratio static/nginx-static      %.2f  (target >= 1.2)" % s)
print("  ratio home/nginx-static        %.2f  (target >= 0.5)" % h)
print("  ratio home/nginx-home (same bytes) %.2f  (target >= 0.5)" % hh)
print("  ratio article/nginx-article (same bytes, its view counted) %.2f  (target >= 0.5)" % (med["article"][0] / med["nginx-article"][0]))
print("  ratio home-pg/home (PostgreSQL vs SQLite)  %.2f" % (med["home-pg"][0] / med["home"][0]))
print("  ratio site.css/nginx (the whole stylesheet, %s bytes)  %.2f" % (sys.argv[2], med["site.css"][0] / med["nginx-site.css"][0]))
PY

echo "memory (motcua on SQLite): $((rss_idle / 1024)) MB resident idle, $(awk '/^VmHWM/ {print int($2 / 1024)}' "/proc/$mpid/status") MB at the peak under load (budgets: 64 and 256)"

# the write path: counter row + the row using the number, one transaction each
kill "$mpid" "$ppid_" 2>/dev/null
wait "$mpid" "$ppid_" 2>/dev/null
mpid=""
ppid_=""
echo "write path (counter row + insert, one transaction each, ${DURATION}s):"
pgwrite_url=$(printf '%s' "$pgurl" | sed 's|/postgres$|/bench_write|')
for threads in 1 4; do
	rm -f "$tmp/write.db" "$tmp/write.db-wal" "$tmp/write.db-shm"
	printf '  '; "$build/bench/bench_write" "$tmp/write.db" "$threads" "$DURATION"
	psql -q "$pgurl" -c 'DROP DATABASE IF EXISTS bench_write' -c 'CREATE DATABASE bench_write' >/dev/null
	printf '  '; "$build/bench/bench_write" "$pgwrite_url" "$threads" "$DURATION"
done

# the catalogue search (issue 5): 5,000 procedures, procedure_list as /thu-tuc calls it
echo "catalogue search (bench_catalogue: 5,000 procedures; target p99 < 5 ms):"
rm -f "$tmp/catalogue.db" "$tmp/catalogue.db-wal" "$tmp/catalogue.db-shm"
"$build/bench/bench_catalogue" "$tmp/catalogue.db" >"$tmp/catalogue.out"
sed 's/^/  /' "$tmp/catalogue.out"
pgcat_url=$(printf '%s' "$pgurl" | sed 's|/postgres$|/bench_catalogue|')
psql -q "$pgurl" -c 'DROP DATABASE IF EXISTS bench_catalogue' -c 'CREATE DATABASE bench_catalogue' >/dev/null
"$build/bench/bench_catalogue" "$pgcat_url" >"$tmp/catalogue-pg.out"
sed 's/^/  /' "$tmp/catalogue-pg.out"

# the one-stop shop (issue 6): durable intake (dossier_create, synchronous=FULL, 2 threads), lookup
# by code and the dashboard's reads, at 100,000 dossiers made through the model (dossier_generate),
# and at 1,000,000 with BENCH_FULL=1 (see the line printed below for how long that takes)
echo "one-stop shop (bench_dossiers; targets: 1,000 intakes/s, lookup p99 < 5 ms, dashboard < 50 ms):"
sizes=100000
if [ "${BENCH_FULL:-0}" = 1 ]; then
	sizes="100000 1000000"
else
	echo "  1,000,000 dossiers only with BENCH_FULL=1: generating them took 9.5 minutes on SQLite and about an hour on PostgreSQL here"
fi
rm -f "$tmp/dossiers.db" "$tmp/dossiers.db-wal" "$tmp/dossiers.db-shm"
"$build/bench/bench_dossiers" "$tmp/dossiers.db" $sizes | sed 's/^/  /'
rm -f "$tmp/dossiers.db" "$tmp/dossiers.db-wal" "$tmp/dossiers.db-shm"
pgdos_url=$(printf '%s' "$pgurl" | sed 's|/postgres$|/bench_dossiers|')
psql -q "$pgurl" -c 'DROP DATABASE IF EXISTS bench_dossiers' -c 'CREATE DATABASE bench_dossiers' >/dev/null
"$build/bench/bench_dossiers" "$pgdos_url" $sizes | sed 's/^/  /'

# e-receipts (issue 7): receipts issued a second, each in a transaction of its own (the book's
# counter, the XML signed with RSA-2048, the rows; synchronous=FULL / fsync on), 2 threads
echo "e-receipts (bench_receipts: durable, signed, numbers checked gapless):"
"$build/bench/bench_receipts" "$tmp/receipts.db" 2 | sed 's/^/  /'
rm -f "$tmp/receipts.db" "$tmp/receipts.db-wal" "$tmp/receipts.db-shm"
pgrec_url=$(printf '%s' "$pgurl" | sed 's|/postgres$|/bench_receipts|')
psql -q "$pgurl" -c 'DROP DATABASE IF EXISTS bench_receipts' -c 'CREATE DATABASE bench_receipts' >/dev/null
"$build/bench/bench_receipts" "$pgrec_url" 2 | sed 's/^/  /'

# the e-office (issue 9): registrations and issues a second, each in a transaction of its own
# (synchronous=FULL / fsync on), 2 threads; the figures' page (doc_stats) over a year of the seed
# district (8,512 received, 7,018 issued) and ten times it; the incoming list at 100,000 documents
echo "e-office (bench_documents; targets: the figures' page < 50 ms, and the intake's 1,000 writes/s as a yardstick):"
docsizes=100000
if [ "${BENCH_FULL:-0}" = 1 ]; then
	docsizes="100000 1000000"
	export STATS_SCALES="${STATS_SCALES:-1 10 100}"
fi
rm -f "$tmp/documents.db" "$tmp/documents.db-wal" "$tmp/documents.db-shm"
"$build/bench/bench_documents" "$tmp/documents.db" $docsizes | sed 's/^/  /'
rm -f "$tmp/documents.db" "$tmp/documents.db-wal" "$tmp/documents.db-shm"
pgdoc_url=$(printf '%s' "$pgurl" | sed 's|/postgres$|/bench_documents|')
psql -q "$pgurl" -c 'DROP DATABASE IF EXISTS bench_documents' -c 'CREATE DATABASE bench_documents' >/dev/null
"$build/bench/bench_documents" "$pgdoc_url" $docsizes | sed 's/^/  /'
