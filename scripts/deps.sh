#!/bin/sh
# Install every Debian package that building, running, testing and benchmarking
# motcua need. Quick and quiet when everything is present.
#   scripts/deps.sh          build + run + test
#   scripts/deps.sh bench    also what `make bench` needs (wrk, nginx)
#   scripts/deps.sh fuzz     also what `make fuzz` needs (clang + libFuzzer runtime)
set -eu

pkgs="build-essential meson ninja-build pkg-config python3 gettext
libmicrohttpd-dev libsqlite3-dev libjansson-dev libsodium-dev
libcmocka-dev libcurl4-openssl-dev curl sqlite3
libpq-dev postgresql nginx-light"

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
[ -z "$missing" ] && exit 0

echo "deps.sh: installing:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
	SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
