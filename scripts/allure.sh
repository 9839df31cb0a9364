#!/usr/bin/env bash
# Runs the Allure 2 command-line tool at the version the project pins, after installing it into
# .tools/ (git-ignored) from the npm registry the first time. It needs Java, and npm once.
#
# Usage: scripts/allure.sh ARGS...   e.g. scripts/allure.sh generate --clean -o OUT RESULTS
set -euo pipefail

VERSION=2.46.1 # allure-commandline on npm: the report's look and its categories depend on it
TOOLS=$(cd "$(dirname "$0")/.." && pwd)/.tools
STAMP=$TOOLS/allure-commandline-$VERSION.installed

if ! command -v java >/dev/null 2>&1; then
    echo "error: the Allure command-line tool runs on Java, and java is not on PATH. Install" \
        "it with: scripts/system-packages.sh java=openjdk-17-jre-headless (make setup does)." >&2
    exit 1
fi
if [[ ! -e $STAMP ]]; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "error: installing allure-commandline@$VERSION into .tools/ needs npm, which is" \
            "not on PATH. Install it with: scripts/system-packages.sh npm=npm (make setup does)." >&2
        exit 1
    fi
    echo "Installing allure-commandline@$VERSION into .tools/ ..." >&2
    rm -f "$TOOLS"/allure-commandline-*.installed
    npm install --prefix "$TOOLS" --no-audit --no-fund --save-exact \
        "allure-commandline@$VERSION" >&2
    touch "$STAMP"
fi
exec "$TOOLS/node_modules/.bin/allure" "$@"
