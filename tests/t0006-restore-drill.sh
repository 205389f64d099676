#!/bin/sh
# t0006-restore-drill: the backup and restore steps of docs/deploy.md, tried on
# both databases (scripts/restore-drill.sh), as one TAP test.
root=$(cd "$(dirname "$0")/.." && pwd)
build=${MOTCUA_BUILD:-$root/build-check}
case "$build" in /*) ;; *) build=$root/$build ;; esac
echo "1..1"
if out=$("$root/scripts/restore-drill.sh" "$build" 2>&1); then
	printf '%s\n' "$out" | sed 's/^/# /'
	echo "ok 1 - backups restore on SQLite and PostgreSQL, numbering gapless"
else
	printf '%s\n' "$out" | sed 's/^/# /'
	echo "not ok 1 - backups restore on SQLite and PostgreSQL, numbering gapless"
	exit 1
fi
