#!/usr/bin/env bash
# Dossier reports benchmark: 1,000,000 generated dossiers (a year, in the
# demo's current communes) on SQLite and on PostgreSQL, then over real HTTP:
#   - the processor's list (GET /api/v1/dossiers, helper C's) p50 / p99 over
#     LIST_REQUESTS requests, as the processor of Tân Hòa (unit scope);
#   - the Decision 766 preview over the last year (GET /api/v1/reports/766)
#     p50 over REPORT_REQUESTS, for Tân Hòa (31342, the commune that merged
#     four former communes, about a quarter of the rows) and for the city
#     (92, every row);
# and beside each, on the same database, a naive aggregate that scans the
# table (SQLite `NOT INDEXED`; PostgreSQL with index scans disabled),
# timed by the database's own client, with the ratio. Prints a table.
#
#   bash bench/dossiers/run.sh                 # both backends
#   BACKENDS=sqlite N=200000 bash bench/dossiers/run.sh
#
# Settings (environment): N (1000000), BACKENDS ("sqlite postgres"),
# LIST_REQUESTS (200), REPORT_REQUESTS (20),
# PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres);
# SQLITE_DB (a SQLite file) / PG_DB (a PostgreSQL URL): a database already
# generated with `xaso demo --dossiers N` to measure instead of generating
# one (it is migrated, analysed and kept; the table shows no generation time).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../lib.sh
source "$root/bench/lib.sh"
for tool in curl python3; do command -v "$tool" >/dev/null || { echo "this benchmark needs $tool" >&2; exit 1; }; done
build_xaso

n="${N:-1000000}"
backends="${BACKENDS:-sqlite postgres}"
pg_admin="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
list_requests="${LIST_REQUESTS:-200}"
report_requests="${REPORT_REQUESTS:-20}"
to="$(TZ=Asia/Ho_Chi_Minh date +%F)"
from="$(TZ=Asia/Ho_Chi_Minh date -d "$to - 364 days" +%F)"
rows=()

# Times GET $1 with bearer $XASO_TOKEN $2 times over one keep-alive
# connection; prints "p50 p99" in milliseconds (status 200 required).
http_times() {
    python3 - "$1" "$2" <<'PY'
import http.client, os, sys, time, urllib.parse
url, n = urllib.parse.urlsplit(sys.argv[1]), int(sys.argv[2])
conn = http.client.HTTPConnection(url.hostname, url.port)
path = url.path + ("?" + url.query if url.query else "")
headers = {"Authorization": "Bearer " + os.environ["XASO_TOKEN"]}
times = []
for i in range(n + 2):
    t = time.perf_counter()
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    r.read()
    if r.status != 200:
        sys.exit(f"GET {path}: {r.status}")
    if i >= 2:  # two warm-up requests
        times.append((time.perf_counter() - t) * 1000)
times.sort()
q = lambda p: times[min(len(times) - 1, int(p * len(times)))]
print(f"{q(0.5):.1f} {q(0.99):.1f}")
PY
}

# The naive aggregate / list over unit code $2 (as of today) on backend $1, by the database client; prints ms.
subtree_sql() {
    cat <<SQL
WITH RECURSIVE reach(uid, depth) AS (
  SELECT id, 0 FROM units WHERE code = '$1' AND valid_from <= '$to' AND (valid_to IS NULL OR valid_to >= '$to')
  UNION SELECT e.dst, reach.depth + 1 FROM (
    SELECT parent_id AS src, id AS dst FROM units WHERE parent_id IS NOT NULL
    UNION ALL SELECT successor_id AS src, unit_id AS dst FROM unit_successors) e
  JOIN reach ON e.src = reach.uid WHERE reach.depth < 32)
SQL
}
naive_sql() { # $1 table expression, $2 unit code, $3 kind (report|list)
    local start end
    start="$(python3 -c "import datetime as d; print(int(d.datetime.fromisoformat('${from}T00:00+07:00').timestamp()*1000))")"
    end="$(python3 -c "import datetime as d; print(int((d.datetime.fromisoformat('${to}T00:00+07:00')+d.timedelta(days=1)).timestamp()*1000))")"
    subtree_sql "$2"
    if [ "$3" = report ]; then
        cat <<SQL
SELECT COUNT(*), SUM(CASE WHEN channel = 2 THEN 1 ELSE 0 END),
  SUM(CASE WHEN finished_at IS NOT NULL AND finished_at < $end AND timeliness = 'late' THEN 1 ELSE 0 END),
  SUM(CASE WHEN finished_at IS NULL AND due_at < $end THEN 1 ELSE 0 END),
  SUM(CASE WHEN finished_at IS NOT NULL THEN finished_at - received_at ELSE 0 END)
FROM $1 WHERE unit_id IN (SELECT uid FROM reach) AND received_at >= $start AND received_at < $end;
SQL
    else
        echo "SELECT * FROM $1 WHERE unit_id IN (SELECT uid FROM reach) ORDER BY due_at IS NULL, due_at, id LIMIT 50;"
    fi
}
naive_sqlite_ms() { # $1 url, $2 unit, $3 kind: best of 3
    local best=""
    for _ in 1 2 3; do
        local t
        t="$({ echo ".timer on"; naive_sql "dossiers NOT INDEXED" "$2" "$3"; } | sqlite3 "$1" | awk '/Run Time/ { printf "%.1f\n", $4 * 1000 }' | tail -1)"
        best="$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')"
    done
    echo "$best"
}
naive_pg_ms() {
    local best=""
    for _ in 1 2 3; do
        local t
        t="$({ echo "SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off;"
               echo "\\timing on"; naive_sql dossiers "$2" "$3"; } | psql -q "$1" | awk '/^Time:/ { print $2 }' | tail -1)"
        best="$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')"
    done
    echo "$best"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f×", (a > 0) ? b / a : 0 }'; }

run_backend() {
    local backend="$1" url reuse=""
    case "$backend" in
        sqlite) url="$tmp/dossiers.db"; [ -n "${SQLITE_DB:-}" ] && { url="$SQLITE_DB"; reuse=1; } ;;
        postgres) if [ -n "${PG_DB:-}" ]; then url="$PG_DB"; reuse=1; else
            command -v psql >/dev/null || { echo "psql missing: skipping PostgreSQL" >&2; return 0; }
            psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS xaso_bench_dossiers" -c "CREATE DATABASE xaso_bench_dossiers" >/dev/null
            url="${pg_admin%/*}/xaso_bench_dossiers"; fi
            ;;
        *) echo "unknown backend $backend" >&2; exit 1 ;;
    esac
    local t0 t1 gen_s="reused"
    if [ -z "$reuse" ]; then
        echo "== $backend: generating $n dossiers..." >&2
        t0="$(now_ms)"
        "$bin" demo --dossiers "$n" --database-url "$url" >/dev/null 2>"$tmp/demo.err" || { cat "$tmp/demo.err" >&2; exit 1; }
        t1="$(now_ms)"
        gen_s="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f s", (b - a) / 1000 }')"
    else
        echo "== $backend: measuring $url (migrating it first)..." >&2
        "$bin" migrate --database-url "$url" >/dev/null
    fi
    if [ "$backend" = postgres ]; then psql -q "$url" -c "VACUUM ANALYZE dossiers" >/dev/null; else sqlite3 "$url" "ANALYZE;" >/dev/null; fi
    export XASO_TOKEN
    XASO_TOKEN="$("$bin" token create --user xuly.tanhoa --name "bench-$(now_ms)" --database-url "$url" 2>/dev/null)"
    start_server "$url" >/dev/null

    local list r31342 r92
    read -r -a list <<<"$(http_times "$base/api/v1/dossiers" "$list_requests")"
    read -r -a r31342 <<<"$(http_times "$base/api/v1/reports/766?unit=31342&from=$from&to=$to" "$report_requests")"
    XASO_TOKEN="$("$bin" token create --user lanhdao --name "bench-$(now_ms)" --database-url "$url" 2>/dev/null)"
    read -r -a r92 <<<"$(http_times "$base/api/v1/reports/766?unit=92&from=$from&to=$to" "$report_requests")"
    stop_server

    local nl n1 n2
    if [ "$backend" = sqlite ]; then
        nl="$(naive_sqlite_ms "$url" 31342 list)"; n1="$(naive_sqlite_ms "$url" 31342 report)"; n2="$(naive_sqlite_ms "$url" 92 report)"
    else
        nl="$(naive_pg_ms "$url" 31342 list)"; n1="$(naive_pg_ms "$url" 31342 report)"; n2="$(naive_pg_ms "$url" 92 report)"
    fi
    local in_31342
    if [ "$backend" = sqlite ]; then
        in_31342="$(sqlite3 "$url" "SELECT COUNT(*) FROM dossiers d JOIN units u ON u.id = d.unit_id WHERE u.code = '31342'")"
    else
        in_31342="$(psql -qtA "$url" -c "SELECT COUNT(*) FROM dossiers d JOIN units u ON u.id = d.unit_id WHERE u.code = '31342'")"
    fi
    [ "$backend" = postgres ] && [ -z "$reuse" ] && psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS xaso_bench_dossiers" >/dev/null

    rows+=("| $backend | generate $n dossiers | ${gen_s} | | | |")
    rows+=("| $backend | processor list \`GET /api/v1/dossiers\` (Tân Hòa scope) | p50 ${list[0]} ms | p99 ${list[1]} ms | $nl ms | $(ratio "${list[0]}" "$nl") |")
    rows+=("| $backend | 766 report, Tân Hòa 31342 ($in_31342 dossiers), one year | p50 ${r31342[0]} ms | p99 ${r31342[1]} ms | $n1 ms | $(ratio "${r31342[0]}" "$n1") |")
    rows+=("| $backend | 766 report, city 92 (all $n), one year | p50 ${r92[0]} ms | p99 ${r92[1]} ms | $n2 ms | $(ratio "${r92[0]}" "$n2") |")
}

for b in $backends; do run_backend "$b"; done

echo
echo "Dossier reports, $n dossiers over $from … $to ($(nproc) cores)"
echo
echo "| backend | what | ours (HTTP) | | naive scan (DB client) | naive ÷ ours |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "Goals: 766 report of a district-sized subtree ≤ 100 ms; processor list p50 ≤ 10 ms."
