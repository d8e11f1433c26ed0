//! Criterion benchmarks: a due date of 1, 10 and 1,000 working days from an
//! instant, the date-level working-day offset, and one lunar conversion each way.
//!
//! Run with `cargo bench -p calendar`. The goal (issue 3) is a due date in at
//! most 200 ns, whatever the span.

use std::hint::black_box;

use calendar::{Date, DateTime, LunarDate, OfficeHours, WorkCalendar, lunar};
use criterion::{Criterion, criterion_group, criterion_main};

fn due(c: &mut Criterion) {
    let cal = WorkCalendar::vietnam();
    let clock = cal.clock(OfficeHours::default());
    let start: DateTime = "2026-02-13T16:30".parse().expect("valid instant");
    for days in [1u32, 10, 1000] {
        c.bench_function(&format!("due/{days}_working_days"), |b| {
            b.iter(|| clock.add_working_days(black_box(start), black_box(days)));
        });
    }
    let date = Date::ymd(2026, 2, 13);
    c.bench_function("workdays/add_10_working_days_to_date", |b| {
        b.iter(|| cal.add_working_days(black_box(date), black_box(10)));
    });
}

fn lunar_conversion(c: &mut Criterion) {
    // Build the shared table outside the measurement.
    let table = calendar::LunarCalendar::vietnam();
    let date = Date::ymd(2026, 2, 17);
    c.bench_function("lunar/solar_to_lunar", |b| {
        b.iter(|| table.to_lunar(black_box(date)));
    });
    let tet = LunarDate { year: 2026, month: 1, day: 1, leap: false };
    c.bench_function("lunar/lunar_to_solar", |b| {
        b.iter(|| table.to_solar(black_box(tet)));
    });
    c.bench_function("lunar/direct_algorithm_solar_to_lunar", |b| {
        b.iter(|| lunar::astro::solar_to_lunar(black_box(date), 420));
    });
}

criterion_group!(benches, due, lunar_conversion);
criterion_main!(benches);
