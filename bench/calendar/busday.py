"""Time numpy.busday_offset on the workload of crates/calendar/examples/bench_due.rs.

Usage: busday.py BENCH_DUE_BINARY HOLIDAYS_FILE

Runs the Rust timing example (which also writes the holidays) and the numpy
timing in turn, ROUNDS times, keeping the best time of each.

Prints a table: nanoseconds per date for numpy and for the Rust crate, and
the ratio, for offsets of 1, 10 and 1,000 working days. The Rust checksums
must equal numpy's: both compute the same dates from the same holidays.
"""

import subprocess
import sys
import time

import numpy as np

N = 200_000
REPEAT = 7
ROUNDS = 3


def run_rust(binary: str, holidays_path: str) -> dict:
    """One run of the Rust example: {(name, n): (ns_per_date, checksum)}."""
    out = subprocess.run([binary, holidays_path], check=True, capture_output=True, text=True).stdout
    result = {}
    for line in out.splitlines():
        name, n, ns, checksum = line.split()
        result[(name, int(n))] = (float(ns), int(checksum))
    return result


def run_numpy(starts, cal) -> dict:
    """One numpy run: {n: (ns_per_date, checksum)}."""
    result = {}
    for n in (1, 10, 1000):
        best = float("inf")
        for _ in range(REPEAT):
            t0 = time.perf_counter_ns()
            out = np.busday_offset(starts, n, roll="forward", busdaycal=cal)
            best = min(best, (time.perf_counter_ns() - t0) / N)
        result[n] = (best, int(out.astype("int64").sum()))
    return result


def best_of(a: dict, b: dict) -> dict:
    return {k: (min(a[k][0], b[k][0]), a[k][1]) for k in a}


def main() -> int:
    binary, holidays_path = sys.argv[1], sys.argv[2]
    rust = run_rust(binary, holidays_path)
    with open(holidays_path, encoding="utf-8") as f:
        holidays = np.array([line.strip() for line in f if line.strip()], dtype="datetime64[D]")
    cal = np.busdaycalendar(weekmask="1111100", holidays=holidays)
    starts = np.datetime64("2025-01-01") + (np.arange(N) % 3653).astype("timedelta64[D]")
    numpy = run_numpy(starts, cal)
    for _ in range(ROUNDS - 1):
        rust = best_of(rust, run_rust(binary, holidays_path))
        numpy = best_of(numpy, run_numpy(starts, cal))

    print(f"numpy {np.__version__}, {N} start dates, {len(holidays)} weekday holidays, best of {ROUNDS} rounds")
    print(f"{'working days':>12} | {'numpy ns/date':>13} | {'rust date ns':>12} | {'rust due ns':>11} | {'numpy/rust':>10} | same dates")
    print("-" * 86)
    ok = True
    for n in (1, 10, 1000):
        np_ns, np_sum = numpy[n]
        rust_ns, rust_sum = rust[("rust_dates", n)]
        due_ns, _ = rust[("rust_due", n)]
        same = np_sum == rust_sum
        ok = ok and same
        print(f"{n:>12} | {np_ns:>13.2f} | {rust_ns:>12.2f} | {due_ns:>11.2f} | {np_ns / rust_ns:>10.2f} | {'yes' if same else 'NO'}")
    print("numpy/rust > 1: the crate's working-day offset is faster per date than numpy's vectorized busday_offset.")
    print("'rust due' is the full due instant (working minutes within office hours), which numpy has no equivalent of.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
