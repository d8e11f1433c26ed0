#!/usr/bin/env bash
# Benchmarks vietqr against its peers on the same input (NAPAS VietQR example
# 6.1.3, encode and decode+validate) and prints payloads per second and ratios.
# Each rate is the median of ~20 ms rounds in which the functions of one process
# take turns (so that a noisy neighbour slows them alike), with the 10th-90th
# percentiles beside it:
#   - npm vietnam-qr-pay and npm promptparse (bench.mjs, installed into ./node_modules)
#   - the promptparse crate, and vietqr itself, timed by the same loop (peers-rs/,
#     a standalone Cargo project outside the main workspace, with its own target dir)
# Environment: BENCH_SECONDS (default 2) of rounds per function; CARGO_TARGET_DIR for peers-rs
# (default peers-rs/target). Needs node/npm and cargo.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

echo "== installing npm peers" >&2
npm install --no-audit --no-fund --silent --prefix "$here" >&2

out="$(mktemp)"
trap 'rm -f "$out"' EXIT

echo "== timing npm peers (node $(node --version))" >&2
node "$here/bench.mjs" | tee -a "$out" >&2

echo "== timing the promptparse crate and vietqr (release build)" >&2
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/peers-rs/target}"
cargo run --quiet --release --manifest-path "$here/peers-rs/Cargo.toml" | tee -a "$out" >&2

echo >&2
node "$here/report.mjs" "$out"
