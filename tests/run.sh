#!/bin/sh
# Run every test program of a build and add up their TAP results.
#   tests/run.sh BUILD_DIR [PATTERN]
# Each program prints TAP ("ok N - name" / "not ok N - name"); a program that
# crashes or exits non-zero without a failed test counts as one failure. The
# last line is "N passed, N failed".
set -u
build=${1:-build-check}
pattern=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export MUSTACHE_SPEC_DIR=${MUSTACHE_SPEC_DIR:-$root/../shared/conformance/mustache-spec}
passed=0
failed=0
logdir=$build/test-logs
mkdir -p "$logdir"

for t in "$build"/tests/test_* "$build"/tests/t[0-9][0-9][0-9][0-9]-*; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	name=$(basename "$t")
	case "$name" in *.p) continue ;; esac
	if [ -n "$pattern" ]; then
		case "$name" in *$pattern*) ;; *) continue ;; esac
	fi
	log=$logdir/$name.log
	start=$(date +%s)
	(cd "$root" && timeout 600 "$t") >"$log" 2>&1
	rc=$?
	ok=$(grep -c '^ok ' "$log")
	bad=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1
		echo "FAIL $name exited with status $rc; see $log"
		tail -n 20 "$log" | sed 's/^/    /'
	elif [ "$bad" -ne 0 ]; then
		echo "FAIL $name: $bad failed; see $log"
		grep -E '^not ok|^# ' "$log" | head -n 30 | sed 's/^/    /'
	fi
	printf '%-28s %4d passed %3d failed  (%ss)\n' "$name" "$ok" "$bad" "$(($(date +%s) - start))"
	passed=$((passed + ok))
	failed=$((failed + bad))
done
grep -h '^# mustache spec' "$logdir"/*.log 2>/dev/null | sort -u
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
