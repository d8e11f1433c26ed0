//! Times the due-date workload that `bench/calendar/run.sh` compares with
//! `numpy.busday_offset`, and writes the holidays numpy needs.
//!
//! Usage: `cargo run --release -p calendar --example bench_due -- HOLIDAYS_FILE`
//!
//! The workload: for each of 200,000 start dates (2025-01-01 plus `i % 3653`
//! days), the date `n` working days later, rolled forward first like
//! `busday_offset(..., roll="forward")`, for n = 1, 10 and 1,000; and the
//! same as a working-time due instant from 09:00 of each start date. Each
//! line printed is `name n ns_per_date checksum`; the checksum (the sum of
//! the result day numbers since 1970-01-01) lets the script check that numpy
//! computed the same dates.

use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

use calendar::{Date, OfficeHours, Time, WorkCalendar};

const N: usize = 200_000;
const REPEAT: usize = 7;

/// Best-of-`REPEAT` nanoseconds per date for `f` over all starts, and its checksum.
fn time(starts: &[Date], f: impl Fn(Date) -> i64) -> (f64, i64) {
    let mut best = f64::INFINITY;
    let mut sum = 0;
    for _ in 0..REPEAT {
        let t0 = Instant::now();
        sum = starts.iter().map(|&d| f(black_box(d))).sum();
        best = best.min(t0.elapsed().as_nanos() as f64 / starts.len() as f64);
    }
    (best, sum)
}

fn main() -> std::io::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "holidays.txt".to_owned());
    let cal = WorkCalendar::vietnam();
    let clock = cal.clock(OfficeHours::default());
    let first = Date::ymd(2025, 1, 1);

    // Weekday days off over every date the workload can reach.
    let mut file = std::fs::File::create(&path)?;
    for (date, works) in cal.exceptions(first, Date::ymd(2041, 1, 1)) {
        if works {
            eprintln!("warning: {date} is a worked weekend day; numpy cannot express it");
        } else {
            writeln!(file, "{date}")?;
        }
    }

    let starts: Vec<Date> = (0..N).map(|i| first.add_days((i % 3653) as i32)).collect();
    let nine = Time::hm(9, 0);
    for n in [1i64, 10, 1000] {
        let (ns, sum) = time(&starts, |d| i64::from(cal.add_working_days(d, n).day_number()));
        println!("rust_dates {n} {ns:.2} {sum}");
        let (ns, sum) = time(&starts, |d| clock.add_working_days(d.at(nine), n as u32).minutes());
        println!("rust_due {n} {ns:.2} {sum}");
    }
    Ok(())
}
