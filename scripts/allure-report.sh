#!/usr/bin/env bash
# Builds the HTML report OUT from the Allure results RESULTS, carrying the previous report's
# history over, so the overview's Trend widget shows the last runs and not this one alone.
#
# Usage: scripts/allure-report.sh RESULTS OUT   e.g. reports/allure-results reports/allure-report
#
# Allure 2 reads the history from RESULTS/history and writes it, this run added, to OUT/history.
# `generate --clean` wipes OUT, so the history is copied out of it first. Results that already
# hold a history keep it: that is the history from before these results were reported, and
# replacing it with OUT's (which already counts these results) would count this run twice when
# the same results are reported again. `make sla` and `make test` start from no results.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 RESULTS OUT" >&2
    exit 2
fi
RESULTS=$1
OUT=$2
if [[ ! -d $RESULTS ]]; then
    echo "error: no Allure results in $RESULTS to build a report from" >&2
    exit 1
fi
if [[ -d $OUT/history && ! -e $RESULTS/history ]]; then
    cp -R "$OUT/history" "$RESULTS/history"
fi
exec "$(dirname "$0")/allure.sh" generate --clean -o "$OUT" "$RESULTS"
