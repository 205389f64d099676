#!/bin/sh
# t0022-browser: the one-stop shop end to end in a real browser (tests/e2e/one_stop.js):
# a citizen registers and submits a dossier online with PDF scans; the ward's clerk
# receives and starts it, the specialist passes it on, the chairman approves it, the
# clerk returns it and prints form 01; the citizen and the public lookup see the result.
# axe-core checks the pages on the way. One TAP line per step. Runs on SQLite (the journey
# is the browser's; the store tests cover PostgreSQL). What it needs, and its work directory:
# tests/e2e/browser.sh.
#   tests/t0022-browser.sh [BUILD_DIR]
exec "$(dirname "$0")/e2e/browser.sh" one_stop.js "the one-stop journey in a browser" "$@"
