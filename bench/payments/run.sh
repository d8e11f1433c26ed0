#!/usr/bin/env bash
# Payments benchmark: ingestion of payment notifications on SQLite
# (synchronous=FULL, group commit), through the SePay webhook endpoint and
# through statement import.
#
#   bash bench/payments/run.sh
#   N=20000 CONCURRENCY=128 bash bench/payments/run.sh
#
# A fresh database gets the demo data, one receiving account and 2×N open
# bills of 10.000 ₫ (seeded by the `payments_load` example: multi-row
# inserts, no audit rows). Then N signed SePay webhooks, one per bill of the
# first half, are fired at `POST /api/v1/payments/webhooks/sepay` from
# CONCURRENCY connections; each is committed (matched, bill paid, receipt,
# job, audit row) before its 200. Then one CSV statement of N credit rows
# paying the second half is uploaded to
# `POST /api/v1/payments/accounts/{id}/statements`. Prints, per path: the
# notifications, seconds, notifications per second, matched and exceptions
# (counted in the database afterwards). The issue's goal: ≥ 5,000 webhook
# notifications/s on SQLite.
#
# Settings (environment): N (100000), CONCURRENCY (256), SKIP_BUILD (set: use the
# release binaries already built).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../lib.sh
source "$root/bench/lib.sh"
for tool in curl awk python3; do
    command -v "$tool" >/dev/null || { echo "this benchmark needs $tool" >&2; exit 1; }
done
if [ -n "${SKIP_BUILD:-}" ]; then
    bin="${CARGO_TARGET_DIR:-$root/target}/release/xaso"
else
    build_xaso
    echo "Building the payments_load example (release)..." >&2
    cargo build --quiet --release -p xaso --example payments_load
fi
load="${CARGO_TARGET_DIR:-$root/target}/release/examples/payments_load"

n="${N:-100000}"
concurrency="${CONCURRENCY:-256}"
db="$tmp/payments.db"

echo "== preparing the database: demo data, $((2 * n)) bills..." >&2
"$bin" demo --database-url "$db" >/dev/null 2>"$tmp/demo.err" || { cat "$tmp/demo.err" >&2; exit 1; }
account_id="$("$load" seed "$db" $((2 * n)) "$tmp/codes.txt")"
token="$("$bin" token create --user thungan.tanhoa --name bench --database-url "$db" 2>/dev/null)"
"$load" csv "$tmp/codes.txt" "$n" "$n" "$tmp/statement.csv"
start_server "$db" >/dev/null

echo "== webhooks: $n SePay notifications, $concurrency connections..." >&2
read -r w_ok w_failed w_secs < <("$load" fire "$base" "$tmp/codes.txt" 0 "$n" "$concurrency")
[ "$w_failed" = 0 ] || echo "warning: $w_failed webhook requests failed" >&2

echo "== statement: one CSV of $n credit rows..." >&2
mapping='{"txn_id":"Số tham chiếu","date":"Ngày giao dịch","credit":"Ghi có","debit":"Ghi nợ","content":"Nội dung"}'
curl -sf -X PUT -H "Authorization: Bearer $token" -H 'content-type: application/json' \
    -d "$mapping" "$base/api/v1/payments/statement-mappings/970436" >/dev/null
t0="$(now_ms)"
curl -sf -H "Authorization: Bearer $token" -F "file=@$tmp/statement.csv" \
    "$base/api/v1/payments/accounts/$account_id/statements" >"$tmp/import.json"
t1="$(now_ms)"
s_ok="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["credits"])' "$tmp/import.json")"
s_secs="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1000 }')"
stop_server

declare -A matched exceptions
while read -r provider m e; do
    matched[$provider]="$m"
    exceptions[$provider]="$e"
done < <("$load" report "$db")

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0) ? n / s : 0 }'; }
w_rate="$(rate "$w_ok" "$w_secs")"
goal="$(awk -v r="$w_rate" 'BEGIN { print (r >= 5000) ? "met" : "MISSED" }')"
cpu="$(awk -F ': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)"
echo
echo "$("$bin" --version); $(nproc) cores ($cpu), shared with the load generator."
echo "SQLite, synchronous=FULL; $concurrency concurrent webhook connections; one run."
echo
echo "| path | notifications | seconds | per second | matched | exceptions | goal |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
echo "| webhook (SePay) | $w_ok | $w_secs | $w_rate | ${matched[sepay]:-0} | ${exceptions[sepay]:-0} | ≥ 5,000/s ($goal) |"
echo "| statement import (CSV) | $s_ok | $s_secs | $(rate "$s_ok" "$s_secs") | ${matched[statement]:-0} | ${exceptions[statement]:-0} | |"
