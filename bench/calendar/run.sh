#!/usr/bin/env bash
# Compares the calendar crate's due-date arithmetic with numpy.busday_offset
# given the same holidays, on this machine, and prints ns per date and the ratio.
#
#   bench/calendar/run.sh              # Rust timing example + numpy
#   bench/calendar/run.sh --criterion  # also `cargo bench -p calendar`
#
# The Python venv lives in bench/.venv (gitignored). CALENDAR_WORKSPACE may
# point at another checkout of the workspace to build from.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
workspace="${CALENDAR_WORKSPACE:-$root}"
venv="$root/bench/.venv"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check numpy

cd "$workspace"
cargo build --quiet --release -p calendar --example bench_due
target="$(cargo metadata --format-version 1 --no-deps | "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
# The machine is shared: busday.py alternates the Rust and numpy runs a few
# times and keeps the best of each, so both see the same load.
"$venv/bin/python" "$root/bench/calendar/busday.py" "$target/release/examples/bench_due" "$tmp/holidays.txt"

if [ "${1:-}" = "--criterion" ]; then
    cargo bench --quiet -p calendar --bench due -- --noplot 2>&1 | grep -E '^[a-z]|time:'
fi
