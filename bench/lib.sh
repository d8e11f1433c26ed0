# Shared by the bench/ scripts that load `xaso serve` with wrk: installing
# wrk, building the release binary, starting and stopping the server on a
# port the kernel picks, and running wrk into rps / p50 / p99 / errors.
# Source it after setting `root`; it defines `tmp`, `bin`, `pid`, `base`.
# Settings (environment): THREADS (4), CONNECTIONS (64), DURATION (10s).

threads="${THREADS:-4}"
connections="${CONNECTIONS:-64}"
duration="${DURATION:-10s}"

ensure_tools() {
    if ! command -v wrk >/dev/null; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            echo "wrk is missing: installing it from Debian (apt-get install wrk)" >&2
            DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
        else
            echo "this benchmark needs wrk: install it (Debian/Ubuntu: sudo apt-get install wrk; macOS: brew install wrk)" >&2
            exit 1
        fi
    fi
    local tool
    for tool in curl awk sort "$@"; do
        command -v "$tool" >/dev/null || { echo "this benchmark needs $tool" >&2; exit 1; }
    done
}

build_xaso() {
    cd "$root"
    echo "Building xaso (release)..." >&2
    cargo build --quiet --release -p xaso
    bin="${CARGO_TARGET_DIR:-$root/target}/release/xaso"
    [ -x "$bin" ] || { echo "no binary at $bin" >&2; exit 1; }
}

tmp="$(mktemp -d)"
pid=""
base=""

stop_server() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.05
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    pid=""
}
cleanup() {
    stop_server
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Starts `xaso serve` on database URL $1 and waits until /healthz answers 200.
# Sets pid and base; prints the milliseconds from the spawn to that first 200.
# Run it in this shell (not a subshell) so that pid and base stick.
start_server() {
    local url="$1" out="$tmp/serve.out" t0 t1 code
    : >"$out"
    t0="$(now_ms)"
    XASO_LOG="${XASO_LOG:-warn}" "$bin" serve --database-url "$url" --listen 127.0.0.1:0 >"$out" 2>>"$tmp/serve.err" &
    pid=$!
    base=""
    for _ in $(seq 1 2000); do
        if [[ -z "$base" && "$(<"$out")" =~ (http://[0-9.]+:[0-9]+) ]]; then
            base="${BASH_REMATCH[1]}"
        fi
        if [ -n "$base" ]; then
            code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/healthz" || true)"
            if [ "$code" = 200 ]; then
                t1="$(now_ms)"
                echo $((t1 - t0))
                return 0
            fi
        fi
        kill -0 "$pid" 2>/dev/null || { echo "xaso serve exited early:" >&2; cat "$tmp/serve.err" >&2; exit 1; }
        sleep 0.005
    done
    echo "xaso serve did not become ready in time" >&2
    exit 1
}

# wrk prints latencies with units (us, ms, s); convert to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
        printf "%.2f", n
    }'
}

# Runs wrk on URL $2 (name $1, further wrk arguments after); sets rps, p50,
# p99 and errors (non-2xx/3xx responses plus socket errors) from its report.
measure() {
    local name="$1" url="$2"
    shift 2
    local report="$tmp/wrk-$name.txt"
    echo "wrk: $name ($threads threads, $connections connections, $duration)..." >&2
    wrk -t "$threads" -c "$connections" -d "$duration" --latency "$@" "$url" >"$report"
    rps="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$report")"
    p50="$(to_ms "$(awk '$1 == "50%" { print $2 }' "$report")")"
    p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' "$report")")"
    errors="$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$report")"
}

# "met" when $1 < $2, else "MISSED".
verdict() { awk -v v="$1" -v g="$2" 'BEGIN { print (v + 0 < g + 0) ? "met" : "MISSED" }'; }
