#!/bin/sh
# t0031-portal-browser: every public page of the portal in a real browser (tests/e2e/portal.js),
# as issue 8 §5 asks: at 360 px and 1280 px wide, axe-core finds no critical or serious
# violation, the page loads nothing from another host and has no horizontal scroll; without
# JavaScript it shows its content and its form submits. One TAP line per page and check. Runs on
# SQLite (the pages are the browser's; the HTTP tests cover PostgreSQL). MOTCUA_E2E_SHOTS=1 saves
# a screenshot of every page at both widths in the work directory, which is then kept. What it
# needs: tests/e2e/browser.sh.
#   tests/t0031-portal-browser.sh [BUILD_DIR]
exec "$(dirname "$0")/e2e/browser.sh" portal.js "the portal's public pages in a browser" "$@"
