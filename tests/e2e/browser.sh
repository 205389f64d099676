#!/bin/sh
# tests/e2e/browser.sh: run one browser test of tests/e2e (what t0022 and t0031 share).
#   tests/e2e/browser.sh SCRIPT NAME [BUILD_DIR]
# SCRIPT is the node program in tests/e2e (one_stop.js, portal.js), run as
# `node SCRIPT MOTCUA_BIN WORK_DIR`; it prints TAP. NAME names the test in a skip or failure line.
# The build is BUILD_DIR, else $MOTCUA_BUILD (tests/run.sh sets it), else build-check;
# $MOTCUA_BIN names the motcua binary instead. Needs node 18 or later, Debian's chromium
# ($CHROMIUM, default /usr/bin/chromium) and tests/e2e/node_modules (playwright-core,
# axe-core): scripts/deps.sh installs all three; without them the test is skipped. The work
# directory (database, server log, screenshots of a failure) is removed when everything passed
# and kept otherwise, and with MOTCUA_E2E_SHOTS=1 (for the scripts that save every page).
root=$(cd "$(dirname "$0")/../.." && pwd)
script=$1
name=$2
build=${3:-${MOTCUA_BUILD:-$root/build-check}}
case "$build" in /*) ;; *) build=$root/$build ;; esac
bin=${MOTCUA_BIN:-$build/motcua}
e2e=$root/tests/e2e

skip() {
	echo "1..1"
	echo "ok 1 # SKIP $name: $1"
	exit 0
}

if [ ! -x "$bin" ]; then
	echo "1..1"
	echo "not ok 1 - $name: no motcua binary at $bin (build first)"
	exit 1
fi
command -v node >/dev/null 2>&1 || skip "node is not installed (scripts/deps.sh installs it)"
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)
[ "${major:-0}" -ge 18 ] 2>/dev/null || skip "node $(node --version 2>/dev/null) is older than 18, which playwright-core needs"
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || skip "chromium is not installed at $CHROMIUM (scripts/deps.sh installs Debian's)"
if [ ! -f "$e2e/node_modules/playwright-core/package.json" ] || [ ! -f "$e2e/node_modules/axe-core/axe.min.js" ]; then
	skip "playwright-core and axe-core are not installed in tests/e2e/node_modules (scripts/deps.sh runs npm ci there)"
fi
if ! cmp -s "$e2e/package-lock.json" "$e2e/node_modules/.motcua-package-lock.json"; then
	echo "# tests/e2e/node_modules does not match package-lock.json: scripts/deps.sh reinstalls it"
fi

work=$(mktemp -d "/tmp/motcua-${script%.js}-XXXXXX") || exit 1
node "$e2e/$script" "$bin" "$work" &
pid=$!
# tests/run.sh's timeout and Ctrl-C: stop the test, which stops its server and browser
trap 'kill -TERM $pid 2>/dev/null' INT TERM
while :; do
	wait $pid
	rc=$?
	kill -0 $pid 2>/dev/null || break
done
if [ "$rc" -eq 0 ] && [ -z "${MOTCUA_E2E_SHOTS:-}" ]; then
	rm -rf "$work"
fi
exit "$rc"
