#!/bin/sh
# make lighthouse: the Lighthouse scores of the portal's home page and the demo's article
# (issue 8 §5: goal >= 95 for performance and accessibility), mobile and desktop presets.
#   bench/lighthouse.sh [BUILD_DIR]       (default build, the release build `make` makes)
# Starts `motcua demo` + `motcua serve` (SQLite) on a free loopback port, runs Lighthouse
# (npm `lighthouse`, pinned in bench/lighthouse/package-lock.json, installed there with
# `npm ci` on the first run; make check does not need it) with Debian's chromium
# ($CHROME_PATH, default /usr/bin/chromium) on each page in each preset, and prints the four
# category scores, the page's metrics and the audits that lost points. The JSON and HTML
# reports are kept in bench/out/lighthouse/. Environment: PAGES (paths, space-separated).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
bin=${MOTCUA_BIN:-$build/motcua}
lh=$root/bench/lighthouse
out=$root/bench/out/lighthouse
PAGES=${PAGES:-"/ /tin-tuc/quan-thanh-xuan-day-manh-cai-cach-hanh-chinh"}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}

[ -x "$bin" ] || { echo "lighthouse: no motcua binary at $bin (run make, or name a build)" >&2; exit 1; }
command -v node >/dev/null || { echo "lighthouse: node is missing (scripts/deps.sh)" >&2; exit 1; }
[ -x "$CHROME_PATH" ] || { echo "lighthouse: no chromium at $CHROME_PATH (scripts/deps.sh)" >&2; exit 1; }
kind=$(node -e '
const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const v = (n) => (o.find((x) => x.name === n) || {}).value;
console.log(v("buildtype") + (v("b_sanitize") && v("b_sanitize") !== "none" ? " with sanitizers" : ""));
' "$build/meson-info/intro-buildoptions.json" 2>/dev/null || echo unknown)
case "$kind" in release | unknown) ;; *) echo "# note: $build is a $kind build; the performance scores are meant for a release build (make)" ;; esac
if ! cmp -s "$lh/package-lock.json" "$lh/node_modules/.motcua-package-lock.json"; then
	echo "lighthouse: installing Lighthouse into bench/lighthouse/node_modules (npm ci)"
	(cd "$lh" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	cp "$lh/package-lock.json" "$lh/node_modules/.motcua-package-lock.json"
fi

tmp=$(mktemp -d /tmp/motcua-lighthouse-XXXXXX)
mpid=""
cleanup() {
	[ -n "$mpid" ] && kill "$mpid" 2>/dev/null && wait "$mpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$bin" demo --db "$tmp/lh.db" --data "$tmp/data" >/dev/null
"$bin" serve --db "$tmp/lh.db" --data "$tmp/data" --listen "127.0.0.1:$port" 2>"$tmp/motcua.log" &
mpid=$!
for _ in $(seq 1 150); do
	curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { echo "lighthouse: motcua serve did not start" >&2; cat "$tmp/motcua.log" >&2; exit 1; }

mkdir -p "$out"
echo "lighthouse $(node -p "require('$lh/node_modules/lighthouse/package.json').version"), $("$CHROME_PATH" --version 2>/dev/null), motcua $bin"
printf '%-58s %-8s %5s %5s %5s %5s\n' "page" "preset" "perf" "a11y" "b.p." "seo"
status=0
for page in $PAGES; do
	for preset in mobile desktop; do
		name=$(printf '%s' "$page" | tr -c 'a-zA-Z0-9-' '_' | sed 's/^_*$/home/; s/^_//')-$preset
		set -- --output=json --output=html --output-path="$out/$name" --quiet \
			--only-categories=performance,accessibility,best-practices,seo \
			--chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --user-data-dir=$tmp/chrome-$name"
		[ "$preset" = desktop ] && set -- "$@" --preset=desktop
		if ! node "$lh/node_modules/lighthouse/cli/index.js" "http://127.0.0.1:$port$page" "$@" \
			>"$tmp/$name.log" 2>&1; then
			echo "lighthouse failed on $page ($preset):" >&2
			tail -n 20 "$tmp/$name.log" >&2
			status=1
			continue
		fi
		node - "$out/$name.report.json" "$page" "$preset" <<'JS' || status=1
const [file, page, preset] = process.argv.slice(2);
const r = JSON.parse(require('fs').readFileSync(file, 'utf8'));
const c = r.categories;
const s = (k) => (c[k] && c[k].score !== null ? Math.round(c[k].score * 100) : '–');
console.log(`${page.padEnd(58)} ${preset.padEnd(8)} ${String(s('performance')).padStart(5)} ${String(s('accessibility')).padStart(5)} ` +
	`${String(s('best-practices')).padStart(5)} ${String(s('seo')).padStart(5)}`);
const a = r.audits;
const m = (id) => (a[id] ? a[id].displayValue : '?');
console.log(`    FCP ${m('first-contentful-paint')}, LCP ${m('largest-contentful-paint')}, TBT ${m('total-blocking-time')}, ` +
	`CLS ${m('cumulative-layout-shift')}, SI ${m('speed-index')}, ${m('total-byte-weight')}`);
/* the audits that cost points in a category (weight > 0, score < 1) */
for (const k of Object.keys(c)) {
	const lost = c[k].auditRefs.filter((ref) => ref.weight > 0 && a[ref.id] && a[ref.id].score !== null && a[ref.id].score < 1);
	for (const ref of lost)
		console.log(`    ${k}: ${a[ref.id].title} (${a[ref.id].displayValue || 'score ' + a[ref.id].score})`);
}
if (s('performance') < 95 || s('accessibility') < 95)
	process.exitCode = 1;
JS
	done
done
echo "reports: $out/*.report.html"
[ "$status" -eq 0 ] || echo "lighthouse: a page scored under 95 in performance or accessibility, or a run failed"
exit "$status"
