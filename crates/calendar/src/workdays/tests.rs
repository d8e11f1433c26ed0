//! Tests of working-day counting against a day-by-day reference.

use super::*;
use crate::holidays::Holiday;
use crate::schedule::{EntryKind, ScheduleEntry, ScheduleState};
use proptest::prelude::*;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn vietnam() -> &'static WorkCalendar {
    static CAL: std::sync::OnceLock<WorkCalendar> = std::sync::OnceLock::new();
    CAL.get_or_init(WorkCalendar::vietnam)
}

/// calendar.md §5 rule 1, read straight from the year's schedule entries.
fn reference_works(cal: &WorkCalendar, date: Date) -> bool {
    let entries = cal.schedule(date.year()).map(|s| s.entries).unwrap_or_default();
    let here = |f: fn(EntryKind) -> bool| entries.iter().any(|e| e.date == date && f(e.kind));
    (cal.work_week().works(date) && !here(EntryKind::is_off)) || here(|k| !k.is_off())
}

/// A 2025 schedule with the 30/4–1/5 bridge: Friday 2/5 off, Saturday 26/4 worked.
fn swapped_2025() -> YearSchedule {
    let mut s = schedule::official(2025).unwrap();
    s.entries.push(ScheduleEntry::for_holiday(d("2025-05-02"), EntryKind::SwappedOff, Holiday::VictoryDay));
    s.entries.push(ScheduleEntry::for_holiday(d("2025-04-26"), EntryKind::SwappedWorkday, Holiday::VictoryDay));
    s.state = ScheduleState::Confirmed;
    s
}

#[test]
fn tet_2026_and_hung_kings() {
    let cal = vietnam();
    assert!(cal.is_working_day(d("2026-02-13")));
    for day in 14..=22 {
        let date = Date::ymd(2026, 2, day);
        assert!(!cal.is_working_day(date), "{date}");
    }
    assert!(cal.is_working_day(d("2026-02-23")));
    assert!(!cal.is_working_day(d("2026-04-27")), "compensatory Monday");
    assert!(!cal.is_working_day(d("2026-11-24")), "culture day");
    assert_eq!(cal.next_working_day(d("2026-02-14")), d("2026-02-23"));
    assert_eq!(cal.add_working_days(d("2026-02-13"), 1), d("2026-02-23"));
    assert_eq!(cal.add_working_days(d("2026-02-23"), -1), d("2026-02-13"));
    assert_eq!(cal.working_days_between(d("2026-02-13"), d("2026-02-24")), 2);
}

#[test]
fn tet_2025() {
    let cal = vietnam();
    assert!(cal.is_working_day(d("2025-01-24")));
    for day in 25..=31 {
        assert!(!cal.is_working_day(Date::ymd(2025, 1, day)));
    }
    assert!(!cal.is_working_day(d("2025-02-01")));
    assert!(!cal.is_working_day(d("2025-02-02")));
    assert!(cal.is_working_day(d("2025-02-03")));
}

#[test]
fn working_days_in_2026() {
    // 365 days, 104 weekend days, 11 weekday holidays/compensatory days off
    // (1/1, 16–20/2, 27/4, 30/4, 1/5, 1/9, 2/9, 24/11 = 12; the 26/4 Sunday is compensated on 27/4).
    let cal = vietnam();
    assert_eq!(cal.working_days_between(d("2026-01-01"), d("2027-01-01")), 261 - 12);
    assert_eq!(cal.weekday_days_off_between(d("2026-01-01"), d("2027-01-01")), 12);
    let no_culture = WorkCalendar::builder().culture_day(false).build().unwrap();
    assert!(no_culture.is_working_day(d("2026-11-24")));
    assert_eq!(no_culture.working_days_between(d("2026-01-01"), d("2027-01-01")), 261 - 11);
}

#[test]
fn swapped_saturday() {
    let cal = WorkCalendar::builder().schedule(swapped_2025()).build().unwrap();
    assert!(cal.is_working_day(d("2025-04-26")), "worked Saturday");
    assert!(!cal.is_working_day(d("2025-05-02")), "bridge Friday");
    assert!(cal.has_loaded_schedule(2025));
    assert_eq!(cal.add_working_days(d("2025-04-25"), 1), d("2025-04-26"));
    assert_eq!(cal.add_working_days(d("2025-04-26"), 1), d("2025-04-28"));
    assert_eq!(cal.add_working_days(d("2025-04-29"), 1), d("2025-05-05"));
    assert_eq!(
        cal.exceptions(d("2025-04-01"), d("2025-06-01")),
        vec![
            (d("2025-04-07"), false),
            (d("2025-04-26"), true),
            (d("2025-04-30"), false),
            (d("2025-05-01"), false),
            (d("2025-05-02"), false)
        ]
    );
    // The shipped calendar has no swap in 2025.
    assert!(!vietnam().is_working_day(d("2025-04-26")));
}

#[test]
fn loaded_schedule_replaces_the_default_rule() {
    let s = YearSchedule {
        year: 2027,
        state: ScheduleState::Confirmed,
        basis: "test".to_owned(),
        entries: vec![ScheduleEntry {
            date: d("2027-03-03"),
            kind: EntryKind::Holiday,
            name: "Only day off".to_owned(),
            holiday: None,
        }],
    };
    let cal = WorkCalendar::builder().schedule(s).build().unwrap();
    assert!(!cal.is_working_day(d("2027-03-03")));
    assert!(cal.is_working_day(d("2027-01-01")), "New Year not in the loaded schedule");
    assert!(!vietnam().is_working_day(d("2027-01-01")));
    // Schedules are checked.
    let bad = YearSchedule {
        year: 2027,
        state: ScheduleState::Proposed,
        basis: String::new(),
        entries: vec![ScheduleEntry {
            date: d("2028-01-01"),
            kind: EntryKind::Holiday,
            name: "x".to_owned(),
            holiday: None,
        }],
    };
    assert!(WorkCalendar::builder().schedule(bad).build().is_err());
}

#[test]
fn six_day_week() {
    let week = WorkWeek::new(&Weekday::ALL[..6]).unwrap();
    let cal = WorkCalendar::builder().work_week(week).build().unwrap();
    assert!(cal.is_working_day(d("2026-03-07")), "Saturday works");
    assert!(!cal.is_working_day(d("2026-03-08")));
    assert_eq!(cal.add_working_days(d("2026-03-06"), 1), d("2026-03-07"));
    assert!(WorkWeek::new(&[]).is_err());
}

#[test]
fn outside_the_years_only_the_week_applies() {
    let cal = WorkCalendar::builder().years(2020..=2030).build().unwrap();
    assert!(cal.is_working_day(d("2031-01-01")));
    assert!(!cal.is_working_day(d("2030-01-01")));
    assert!(cal.schedule(2031).is_none());
}

#[test]
fn index_matches_reference_over_1990_2060() {
    let cal = vietnam();
    let (first, last) = (d("1990-01-01"), d("2060-12-31"));
    let mut count = cal.working_days_before(first);
    let mut date = first;
    while date <= last {
        let works = reference_works(cal, date);
        assert_eq!(cal.is_working_day(date), works, "{date}");
        assert_eq!(cal.working_days_before(date), count, "{date}");
        if works {
            assert_eq!(cal.nth_working_day(count), date);
            count += 1;
        }
        date = date.add_days(1);
    }
}

proptest! {
    #[test]
    fn add_and_count_agree(start in 0i32..30_000, n in -3_000i64..3_000) {
        let cal = vietnam();
        let date = Date::from_day_number(start);
        let to = cal.add_working_days(date, n);
        prop_assert!(cal.is_working_day(to));
        let first = cal.next_working_day(date);
        prop_assert_eq!(cal.working_days_between(first, to), n);
    }

    #[test]
    fn swapped_calendar_matches_reference(start in 20_000i32..20_500) {
        static CAL: std::sync::OnceLock<WorkCalendar> = std::sync::OnceLock::new();
        let cal = CAL.get_or_init(|| WorkCalendar::builder().schedule(swapped_2025()).build().unwrap());
        let date = Date::from_day_number(start);
        prop_assert_eq!(cal.is_working_day(date), reference_works(cal, date));
        let next = cal.next_working_day(date);
        prop_assert!(next >= date && cal.is_working_day(next));
        let mut x = date;
        while x < next {
            prop_assert!(!reference_works(cal, x));
            x = x.add_days(1);
        }
    }
}
