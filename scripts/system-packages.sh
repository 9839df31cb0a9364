#!/usr/bin/env bash
# Installs the Debian packages that provide the given commands, when any of them is missing.
#
# Usage: scripts/system-packages.sh CMD=PKG [CMD=PKG ...]
#   e.g. scripts/system-packages.sh redis-server=redis-server initdb=postgresql
# Quiet when everything is present; installs as root or through passwordless sudo; otherwise
# prints the command to run and exits 1.
set -euo pipefail

usage() {
    echo "Usage: $0 CMD=PKG [CMD=PKG ...], e.g. $0 redis-server=redis-server initdb=postgresql" >&2
    exit 2
}

has_command() {
    command -v "$1" >/dev/null 2>&1 && return 0
    # Debian keeps the PostgreSQL server programs off PATH, in one directory per version.
    case "$1" in
        initdb | postgres | pg_ctl)
            for found in /usr/lib/postgresql/*/bin/"$1"; do
                [[ -x $found ]] && return 0
            done ;;
    esac
    return 1
}

missing_commands() {
    local pair
    for pair in "$@"; do
        has_command "${pair%%=*}" || echo "$pair"
    done
}

(($# > 0)) || usage
for pair in "$@"; do
    [[ $pair == ?*=?* ]] || usage
done

mapfile -t missing < <(missing_commands "$@")
((${#missing[@]} > 0)) || exit 0
mapfile -t packages < <(printf '%s\n' "${missing[@]#*=}" | sort -u)
needed="${missing[*]%%=*} (from the packages ${packages[*]})"

if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: the tests need the commands $needed, but apt-get is missing, so this machine" \
        "is not Debian or Ubuntu. Install those programs with this system's package manager" \
        "and run this again." >&2
    exit 1
fi

if ((EUID == 0)); then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo)
else
    echo "error: the tests need the commands $needed, and installing them needs root." \
        "Run: sudo apt-get install -y ${packages[*]}" >&2
    exit 1
fi

echo "Installing ${packages[*]} for the commands ${missing[*]%%=*}..." >&2
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${packages[@]}"

mapfile -t still_missing < <(missing_commands "${missing[@]}")
if ((${#still_missing[@]} > 0)); then
    echo "error: installed ${packages[*]}, but ${still_missing[*]%%=*} is still not found." \
        "The CMD=PKG pair is probably wrong: find the right package with" \
        "'apt-file search bin/${still_missing[0]%%=*}' and fix the call to $0." >&2
    exit 1
fi
