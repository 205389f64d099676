#!/bin/sh
# Install every Debian package that building, running, testing and benchmarking
# motcua need. Quick and quiet when everything is present.
#   scripts/deps.sh          build + run + test
#   scripts/deps.sh bench    also what `make bench` needs (wrk, nginx)
#   scripts/deps.sh fuzz     also what `make fuzz` needs (clang + libFuzzer runtime)
set -eu

pkgs="build-essential meson ninja-build pkg-config python3 gettext
libcairo2-dev libpango1.0-dev libqrencode-dev libxlsxwriter-dev fonts-dejavu-core libmagic-dev
poppler-utils python3-aiosmtpd zbar-tools
tesseract-ocr tesseract-ocr-vie
libxml2-dev libxmlsec1-dev libssl-dev xmlsec1
libcmark-gfm-dev libcmark-gfm-extensions-dev
libmicrohttpd-dev libsqlite3-dev libjansson-dev libsodium-dev
libcmocka-dev libcurl4-openssl-dev curl sqlite3
libpq-dev postgresql nginx-light
chromium"
# The documents' text (src/features/doc_text.c) runs poppler-utils' pdftotext and pdftoppm and
# Tesseract with its Vietnamese data as programs, at run time: no library to build against.
# The browser test (tests/t0022-browser.sh) drives Debian's chromium with playwright-core
# from npm: node and npm from Debian unless a node is there already (NodeSource's nodejs
# brings its own npm and conflicts with Debian's npm package).
command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"

for extra in "$@"; do
	case "$extra" in
	bench) pkgs="$pkgs wrk nginx-light" ;;
	fuzz) pkgs="$pkgs clang libclang-rt-14-dev" ;;
	style) pkgs="$pkgs clang-format" ;;
	*) echo "deps.sh: unknown group '$extra' (bench, fuzz, style)" >&2; exit 2 ;;
	esac
done

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	echo "deps.sh: installing:$missing"
	SUDO=""
	if [ "$(id -u)" != 0 ]; then
		SUDO="sudo"
	fi
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# playwright-core and axe-core for the browser test, exactly as tests/e2e/package-lock.json
# says, into tests/e2e/node_modules; again whenever the lock file changes (the copy of it
# kept in node_modules is what was installed).
e2e=$(cd "$(dirname "$0")/.." && pwd)/tests/e2e
if ! cmp -s "$e2e/package-lock.json" "$e2e/node_modules/.motcua-package-lock.json"; then
	echo "deps.sh: installing playwright-core and axe-core into tests/e2e/node_modules (npm ci)"
	(cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	cp "$e2e/package-lock.json" "$e2e/node_modules/.motcua-package-lock.json"
fi
