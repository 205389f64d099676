#!/bin/sh
# Run each libFuzzer target for a short time on a copy of its seed corpus.
#   fuzz/run.sh BUILD_DIR [SECONDS]
# New inputs go to a scratch folder; crashes are kept in BUILD_DIR/fuzz-crashes.
set -u
build=${1:-build-fuzz}
secs=${2:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
crashes=$build/fuzz-crashes
mkdir -p "$crashes"
failed=0
for t in "$build"/fuzz/fuzz_*; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	name=$(basename "$t")
	work=$(mktemp -d)
	cp "$root/fuzz/corpus/$name"/* "$work"/ 2>/dev/null
	if "$t" -max_total_time="$secs" -artifact_prefix="$crashes/$name-" -print_final_stats=1 \
		"$work" >"$build/$name.log" 2>&1; then
		runs=$(awk '/^stat::number_of_executed_units:/ {print $2}' "$build/$name.log")
		echo "fuzz $name: ok, $runs runs in ${secs}s"
	else
		echo "fuzz $name: FAILED, see $build/$name.log and $crashes"
		failed=$((failed + 1))
	fi
	rm -rf "$work"
done
[ "$failed" -eq 0 ]
