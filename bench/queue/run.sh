#!/usr/bin/env bash
# Queue benchmark: ticket issuance and call-next through the API, beside
# GET /healthz in the same run, on SQLite and on PostgreSQL, with wrk.
#
#   bash bench/queue/run.sh            # both backends
#   BACKENDS=sqlite bash bench/queue/run.sh
#
# Each backend gets a fresh database with the demo data (the Tân Hòa center,
# 6 services, 4 counters). Issuance POSTs tickets cycling through the
# services; call-next then POSTs to the 4 counters in turn, drawing on the
# backlog the issuance phase left, doubled by a second, unmeasured issuance
# run (a call that finds nobody would be a 204,
# which wrk counts as a success, so the script checks the backlog outlasts
# the run). Every request is a committed transaction with its event log,
# audit row and live event. Prints requests/s, p50, p99 and the ratio to
# /healthz, with the issue's goals for SQLite (issuance ≥ 30% of /healthz,
# p99 < 20 ms).
#
# Settings (environment): THREADS (4), CONNECTIONS (64), DURATION (10s),
# BACKENDS ("sqlite postgres"), PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/bench/queue"
# shellcheck source=../lib.sh
source "$root/bench/lib.sh"
ensure_tools python3
build_xaso

backends="${BACKENDS:-sqlite postgres}"
pg_admin="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
center="31342-TTPVHCC"
rows=()

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", (b > 0) ? 100 * a / b : 0 }'; }

run_backend() {
    local backend="$1" url
    case "$backend" in
        sqlite) url="$tmp/queue.db" ;;
        postgres)
            command -v psql >/dev/null || { echo "psql missing: skipping PostgreSQL" >&2; return 0; }
            psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS xaso_bench_queue" -c "CREATE DATABASE xaso_bench_queue" >/dev/null
            url="${pg_admin%/*}/xaso_bench_queue"
            ;;
        *) echo "unknown backend $backend" >&2; exit 1 ;;
    esac
    echo "== $backend: preparing the demo database..." >&2
    "$bin" demo --database-url "$url" >/dev/null 2>"$tmp/demo.err" || { cat "$tmp/demo.err" >&2; exit 1; }
    export XASO_TOKEN
    XASO_TOKEN="$("$bin" token create --user motcua.tanhoa --name bench --database-url "$url" 2>/dev/null)"
    start_server "$url" >/dev/null

    local centers
    centers="$(curl -s -H "Authorization: Bearer $XASO_TOKEN" "$base/api/v1/queue/centers")"
    export XASO_CENTER="$center"
    XASO_SERVICES="$(printf '%s' "$centers" | python3 -c 'import json,sys; c=[c for c in json.load(sys.stdin) if c["code"]==sys.argv[1]][0]; print(",".join(s["code"] for s in c["services"]))' "$center")"
    XASO_COUNTERS="$(printf '%s' "$centers" | python3 -c 'import json,sys; c=[c for c in json.load(sys.stdin) if c["code"]==sys.argv[1]][0]; print(",".join(str(k["id"]) for k in c["counters"]))' "$center")"
    export XASO_SERVICES XASO_COUNTERS
    [ -n "$XASO_SERVICES" ] && [ -n "$XASO_COUNTERS" ] || { echo "no services or counters for $center" >&2; exit 1; }

    measure "$backend-healthz" "$base/healthz"
    local h=("$rps" "$p50" "$p99" "$errors")
    measure "$backend-issue" "$base" -s "$here/issue.lua"
    local i=("$rps" "$p50" "$p99" "$errors")
    # Call-next can outrun issuance: issue as much again (not measured) so the
    # backlog outlasts the call-next run.
    measure "$backend-backlog" "$base" -s "$here/issue.lua"
    local backlog
    backlog="$(curl -s "$base/api/v1/queue/centers/$center/state" | python3 -c 'import json,sys; print(sum(s["waiting"] for s in json.load(sys.stdin)["services"]))')"
    measure "$backend-call" "$base" -s "$here/call.lua"
    local c=("$rps" "$p50" "$p99" "$errors")
    local left
    left="$(curl -s "$base/api/v1/queue/centers/$center/state" | python3 -c 'import json,sys; print(sum(s["waiting"] for s in json.load(sys.stdin)["services"]))')"
    [ "$left" -gt 0 ] || echo "warning: the backlog ran out during call-next on $backend; its rate includes 204s" >&2
    stop_server
    [ "$backend" = postgres ] && psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS xaso_bench_queue" >/dev/null

    local goal_i="" goal_c=""
    if [ "$backend" = sqlite ]; then
        goal_i="≥ 30% of /healthz ($(awk -v a="${i[0]}" -v b="${h[0]}" 'BEGIN { print (a >= 0.3 * b) ? "met" : "MISSED" }')), p99 < 20 ms ($(verdict "${i[2]}" 20))"
        goal_c="p99 < 20 ms ($(verdict "${c[2]}" 20))"
    fi
    rows+=("| $backend | \`GET /healthz\` | ${h[0]} | ${h[1]} | ${h[2]} | 100% | ${h[3]} | |")
    rows+=("| $backend | \`POST /api/v1/queue/tickets\` | ${i[0]} | ${i[1]} | ${i[2]} | $(ratio "${i[0]}" "${h[0]}") | ${i[3]} | $goal_i |")
    rows+=("| $backend | \`POST …/counters/{id}/call-next\` (backlog $backlog → $left) | ${c[0]} | ${c[1]} | ${c[2]} | $(ratio "${c[0]}" "${h[0]}") | ${c[3]} | $goal_c |")
}

for b in $backends; do run_backend "$b"; done

cpu="$(awk -F ': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)"
echo
echo "$("$bin" --version); $(nproc) cores ($cpu), shared with wrk."
echo "wrk -t$threads -c$connections -d$duration --latency; demo data; one run per row."
echo
echo "| backend | request | requests/s | p50 ms | p99 ms | vs /healthz | errors | goal |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
