#!/bin/sh
# Run every test program of a build and add up their TAP results.
#   tests/run.sh BUILD_DIR [PATTERN]
# Each program prints TAP ("ok N - name" / "not ok N - name"; cmocka prints a
# skipped test as "not ok N # SKIP name"); a program that crashes or exits
# non-zero without a failed test counts as one failure. The last line is
# "N passed, N failed", with ", N skipped" when tests were skipped.
#
# The store tests and the HTTP tests (tNNNN-*) run twice: on SQLite, then on
# PostgreSQL (MOTCUA_TEST_BACKEND=pg, the row named "NAME (pg)"). One
# throw-away PostgreSQL is started for the run by tests/pg.sh and removed at
# the end; each test makes its own database in it. MOTCUA_TEST_PG=off runs
# SQLite only; MOTCUA_TEST_PG_URL set beforehand uses that server instead
# (tests create and drop databases named t_<hex> in it).
set -u
build=${1:-build-check}
pattern=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export MUSTACHE_SPEC_DIR=${MUSTACHE_SPEC_DIR:-$root/../shared/conformance/mustache-spec}
unset MOTCUA_TEST_BACKEND
passed=0
failed=0
skipped=0
logdir=$build/test-logs
mkdir -p "$logdir"

# Programs that run on both databases.
is_dual() {
	case "$1" in
	*.sh) return 1 ;; # scripts cover both databases themselves
	test_store | test_audit | test_authz | test_accounts | test_procedures | test_mail | test_dossiers | test_calendar | \
	test_receipts | test_satisfaction | test_visitors | test_schedule | test_doc_text | test_worker | t[0-9][0-9][0-9][0-9]-*) return 0 ;;
	esac
	return 1
}

# The programs to run, PATTERN applied.
programs=
dual=0
for t in "$build"/tests/test_* "$build"/tests/t[0-9][0-9][0-9][0-9]-* "$root"/tests/t[0-9][0-9][0-9][0-9]-*.sh; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	name=$(basename "$t")
	case "$name" in *.p) continue ;; esac
	if [ -n "$pattern" ]; then
		case "$name" in *$pattern*) ;; *) continue ;; esac
	fi
	programs="$programs $t"
	is_dual "$name" && dual=1
done

# One PostgreSQL for the whole run; stopped and removed however the run ends.
pgdir=
pg=off
child=
cleanup() {
	if [ -n "$pgdir" ]; then
		"$root/tests/pg.sh" stop "$pgdir" || echo "FAIL postgresql: could not stop the server in $pgdir"
		pgdir=
	fi
}
# Ctrl-C: `timeout` keeps the test in a process group of its own, away from
# the terminal's signal, so stop it (it passes the signal on to the test and
# the servers it started), then leave through the EXIT trap.
on_signal() {
	if [ -n "$child" ]; then
		kill -TERM "$child" 2>/dev/null
		wait "$child" 2>/dev/null
	fi
	echo "interrupted"
	exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
if [ "${MOTCUA_TEST_PG:-on}" = off ]; then
	[ "$dual" -eq 0 ] || echo "# PostgreSQL runs are off (MOTCUA_TEST_PG=off): SQLite only"
elif [ "$dual" -eq 1 ] && [ -n "${MOTCUA_TEST_PG_URL:-}" ]; then
	pg=on
	echo "# PostgreSQL: $MOTCUA_TEST_PG_URL (from MOTCUA_TEST_PG_URL)"
elif [ "$dual" -eq 1 ]; then
	pgdir=$(mktemp -d /tmp/motcua-pg-XXXXXX)
	if url=$("$root/tests/pg.sh" start "$pgdir" 2>"$logdir/postgresql.log"); then
		pg=on
		export MOTCUA_TEST_PG_URL="$url"
		echo "# PostgreSQL: $url"
	else
		echo "FAIL postgresql: the test server did not start; see $logdir/postgresql.log"
		sed 's/^/    /' "$logdir/postgresql.log" | tail -n 20
		printf '%-28s %4d passed %3d failed %3d skipped\n' "postgresql" 0 1 0
		failed=$((failed + 1))
		[ -e "$pgdir/.motcua-pg" ] || rm -rf "$pgdir"
		[ -e "$pgdir" ] || pgdir=
	fi
fi

# run_one PROGRAM LABEL LOG [BACKEND]: run it, print its row, add up its results.
run_one() {
	t=$1
	label=$2
	log=$3
	backend=${4:-}
	start=$(date +%s)
	# in the background, so that a trapped signal does not wait for the test to end
	(
		cd "$root" || exit 1
		[ -z "$backend" ] || export MOTCUA_TEST_BACKEND="$backend"
		export MOTCUA_BUILD="$build"
		exec timeout 600 "$t"
	) >"$log" 2>&1 </dev/null &
	child=$!
	wait "$child"
	rc=$?
	child=
	skip=$(grep -Eic '^(not )?ok [0-9]+ # skip' "$log")
	ok=$(grep -E '^ok ' "$log" | grep -Evic '^ok [0-9]+ # skip')
	bad=$(grep -E '^not ok ' "$log" | grep -Evic '^not ok [0-9]+ # skip')
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1
		echo "FAIL $label exited with status $rc; see $log"
		tail -n 20 "$log" | sed 's/^/    /'
	elif [ "$bad" -ne 0 ]; then
		echo "FAIL $label: $bad failed; see $log"
		grep -E '^not ok|^# ' "$log" | grep -Evi '^not ok [0-9]+ # skip' | head -n 30 | sed 's/^/    /'
	fi
	printf '%-28s %4d passed %3d failed %3d skipped  (%ss)\n' "$label" "$ok" "$bad" "$skip" \
		"$(($(date +%s) - start))"
	passed=$((passed + ok))
	failed=$((failed + bad))
	skipped=$((skipped + skip))
}

for t in $programs; do
	name=$(basename "$t")
	run_one "$t" "$name" "$logdir/$name.log"
	if [ "$pg" = on ] && is_dual "$name"; then
		run_one "$t" "$name (pg)" "$logdir/$name.pg.log" pg
	fi
done
cleanup
grep -h '^# mustache spec' "$logdir"/*.log 2>/dev/null | sort -u
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
