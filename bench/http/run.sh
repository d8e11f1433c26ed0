#!/usr/bin/env bash
# HTTP benchmark of `xaso serve` on SQLite with the demo data, with wrk.
#
#   bash bench/http/run.sh
#
# Measures requests per second and latency percentiles for GET /healthz,
# an authenticated page (GET /units with a session cookie) and the
# authenticated API (GET /api/v1/me with a bearer token); the resident
# memory idle and after the load; and the time from process start to a
# 200 from /healthz on an existing, already migrated database (median of 5).
# Prints one Markdown table, with the goals of the foundation issue beside
# the numbers.
#
# Settings (environment): THREADS (4), CONNECTIONS (64), DURATION (10s),
# STARTS (5). wrk runs on the same machine as the server, so on a small
# machine the two share the cores: the numbers are a floor, not a ceiling.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
starts="${STARTS:-5}"
# shellcheck source=../lib.sh
source "$root/bench/lib.sh"
ensure_tools
build_xaso
db="$tmp/bench.db"

rss_mb() {
    awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status"
}
hwm_mb() {
    awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status"
}

# --- database, token, server, session ----------------------------------------
echo "Preparing a demo database in $db..." >&2
"$bin" demo --database-url "$db" >/dev/null 2>"$tmp/demo.err" || { cat "$tmp/demo.err" >&2; exit 1; }
token="$("$bin" token create --user admin --name bench --database-url "$db" 2>/dev/null)"
[ -n "$token" ] || { echo "xaso token create printed no token" >&2; exit 1; }

# start_server runs in this shell (not a subshell) so that pid and base stick.
start_server "$db" >"$tmp/first.ms"
sleep 2
rss_idle="$(rss_mb)"

jar="$tmp/cookies.txt"
login_page="$(curl -s -c "$jar" -b "$jar" "$base/login")"
csrf="$(printf '%s' "$login_page" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1)"
[ -n "$csrf" ] || { echo "no _csrf field on /login" >&2; exit 1; }
code="$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" \
    --data-urlencode "_csrf=$csrf" --data-urlencode "username=admin" \
    --data-urlencode "password=xaso-demo-2025" --data-urlencode "next=/" "$base/login")"
[ "$code" = 303 ] || { echo "login failed: HTTP $code" >&2; exit 1; }
session="$(awk -F '\t' '$6 == "xaso_session" { print $7 }' "$jar")"
[ -n "$session" ] || { echo "no xaso_session cookie after login" >&2; exit 1; }

# Each endpoint must answer 200 before it is measured.
check() {
    local url="$1"
    shift
    local code
    code="$(curl -s -o /dev/null -w '%{http_code}' "$@" "$url")"
    [ "$code" = 200 ] || { echo "GET $url answered $code, expected 200" >&2; exit 1; }
}
check "$base/healthz"
check "$base/units" -H "Cookie: xaso_session=$session"
check "$base/api/v1/me" -H "Authorization: Bearer $token"

# --- load --------------------------------------------------------------------
measure healthz "$base/healthz"
healthz=("$rps" "$p50" "$p99" "$errors")
measure units "$base/units" -H "Cookie: xaso_session=$session"
units=("$rps" "$p50" "$p99" "$errors")
measure api-me "$base/api/v1/me" -H "Authorization: Bearer $token"
me=("$rps" "$p50" "$p99" "$errors")

sleep 2
rss_after="$(rss_mb)"
rss_peak="$(hwm_mb)"
stop_server

# --- start to ready on the existing database ---------------------------------
times=()
for _ in $(seq 1 "$starts"); do
    start_server "$db" >"$tmp/start.ms"
    times+=("$(<"$tmp/start.ms")")
    stop_server
done
median="$(printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')"

# --- report ------------------------------------------------------------------
cpu="$(awk -F ': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)"
version="$("$bin" --version)"

echo
echo "$version, SQLite with the demo data; $(nproc) cores ($cpu), shared with wrk."
echo "wrk -t$threads -c$connections -d$duration --latency, one run per endpoint."
echo
echo "| measure | result | goal |"
echo "| --- | --- | --- |"
echo "| \`GET /healthz\` requests/s | ${healthz[0]} | |"
echo "| \`GET /healthz\` latency p50 / p99 | ${healthz[1]} ms / ${healthz[2]} ms | |"
echo "| \`GET /units\` (session cookie) requests/s | ${units[0]} | |"
echo "| \`GET /units\` latency p50 / p99 | ${units[1]} ms / ${units[2]} ms | |"
echo "| \`GET /api/v1/me\` (bearer token) requests/s | ${me[0]} | |"
echo "| \`GET /api/v1/me\` latency p50 / p99 | ${me[1]} ms / ${me[2]} ms | |"
echo "| non-2xx responses or socket errors | $((healthz[3] + units[3] + me[3])) | 0 |"
echo "| RSS idle, demo data loaded | ${rss_idle} MB | < 50 MB ($(verdict "$rss_idle" 50)) |"
echo "| RSS after the load (peak) | ${rss_after} MB (${rss_peak} MB) | |"
echo "| start to ready, existing database (median of $starts) | ${median} ms (runs: ${times[*]}) | < 1000 ms ($(verdict "$median" 1000)) |"
