//! Tests of working-time arithmetic against the rules' examples and a
//! day-by-day reference.

use super::*;
use crate::holidays::Holiday;
use crate::schedule::{self, EntryKind, ScheduleEntry};
use proptest::prelude::*;
use std::sync::OnceLock;

fn t(s: &str) -> DateTime {
    s.parse().unwrap()
}

fn vietnam() -> &'static WorkCalendar {
    static CAL: OnceLock<WorkCalendar> = OnceLock::new();
    CAL.get_or_init(WorkCalendar::vietnam)
}

fn clock() -> WorkClock<'static> {
    vietnam().clock(OfficeHours::default())
}

/// 2025 with Saturday 26/4 worked in exchange for Friday 2/5.
fn swapped() -> &'static WorkCalendar {
    static CAL: OnceLock<WorkCalendar> = OnceLock::new();
    CAL.get_or_init(|| {
        let mut s = schedule::official(2025).unwrap();
        for (date, kind) in [("2025-04-26", EntryKind::SwappedWorkday), ("2025-05-02", EntryKind::SwappedOff)] {
            s.entries.push(ScheduleEntry::for_holiday(date.parse().unwrap(), kind, Holiday::VictoryDay));
        }
        WorkCalendar::builder().schedule(s).build().unwrap()
    })
}

/// The due date found by walking the office intervals day by day.
fn reference_due(c: &WorkClock<'_>, start: DateTime, minutes: u64) -> DateTime {
    let mut left = minutes as i64;
    let mut date = start.date();
    loop {
        if c.calendar().is_working_day(date) {
            for (open, close) in c.hours().intervals() {
                let a = date.at(open).max(start);
                let b = date.at(close);
                if a >= b {
                    continue;
                }
                let len = b.minutes() - a.minutes();
                if left == 0 {
                    return a;
                }
                if len >= left {
                    return a.add_minutes(left);
                }
                left -= len;
            }
        }
        date = date.add_days(1);
    }
}

#[test]
fn the_rules_illustration() {
    // 3 working days received Friday 16:00 → Wednesday 16:00.
    assert_eq!(clock().add_working_days(t("2026-03-06T16:00"), 3), t("2026-03-11T16:00"));
}

#[test]
fn one_working_day_from_late_afternoon() {
    let c = clock();
    assert_eq!(c.add_working_days(t("2026-03-06T16:30"), 1), t("2026-03-09T16:30"));
    // After closing: counting starts Monday 07:00, ends at Monday's closing.
    assert_eq!(c.add_working_days(t("2026-03-06T17:30"), 1), t("2026-03-09T17:00"));
    assert_eq!(c.add_working_days(t("2026-03-06T17:00"), 1), t("2026-03-09T17:00"));
    // Before opening and in the lunch break.
    assert_eq!(c.add_working_hours(t("2026-03-09T06:00"), 1), t("2026-03-09T08:00"));
    assert_eq!(c.add_working_hours(t("2026-03-09T12:00"), 1), t("2026-03-09T14:30"));
    // Time running out at the lunch closing is the closing, not 13:30.
    assert_eq!(c.add_working_minutes(t("2026-03-09T06:00"), 270), t("2026-03-09T11:30"));
    // Zero: the start of counting.
    assert_eq!(c.add_working_minutes(t("2026-03-06T18:00"), 0), t("2026-03-09T07:00"));
    assert!(c.is_working_time(t("2026-03-09T07:00")));
    assert!(!c.is_working_time(t("2026-03-09T17:00")));
    assert!(!c.is_working_time(t("2026-03-07T09:00")));
}

#[test]
fn across_tet_2026() {
    let c = clock();
    // The CLI contract's example: Friday 13/2 16:30 + 3 days. Tết runs 14–22/2.
    assert_eq!(c.add_working_days(t("2026-02-13T16:30"), 3), t("2026-02-25T16:30"));
    assert_eq!(c.add_working_hours(t("2026-02-13T16:30"), 1), t("2026-02-23T07:30"));
    assert_eq!(c.working_hours(t("2026-02-13T07:00"), t("2026-02-24T07:00")), 16.0);
}

#[test]
fn across_tet_2025() {
    let c = clock();
    // Friday 24/1 10:00: 5 h that day; Tết 25/1–2/2; Mon 3/2 8 h; Tue 4/2 3 h.
    assert_eq!(c.add_working_days(t("2025-01-24T10:00"), 2), t("2025-02-04T10:00"));
    assert_eq!(c.working_minutes(t("2025-01-24T10:00"), t("2025-02-04T10:00")), 960);
    // Received during Tết: counting starts Monday 3/2 07:00.
    assert_eq!(c.add_working_days(t("2025-01-29T09:00"), 1), t("2025-02-03T17:00"));
}

#[test]
fn across_a_swapped_saturday() {
    let c = swapped().clock(OfficeHours::default());
    // Friday 25/4 16:00 + 1 day: 1 h Friday, 7 h on the worked Saturday.
    assert_eq!(c.add_working_days(t("2025-04-25T16:00"), 1), t("2025-04-26T16:00"));
    // Tuesday 29/4 16:00 + 1 day: 30/4, 1/5, the bridge 2/5 and the weekend are off.
    assert_eq!(c.add_working_days(t("2025-04-29T16:00"), 1), t("2025-05-05T16:00"));
    assert_eq!(c.working_hours(t("2025-04-25T07:00"), t("2025-04-28T07:00")), 16.0);
}

#[test]
fn across_pauses() {
    let c = clock();
    let start = t("2026-03-02T08:00");
    let pause = Pause::new(t("2026-03-02T10:00"), t("2026-03-04T10:00")).unwrap();
    // 2 h Monday, paused to Wednesday 10:00, 5 h Wednesday, 1 h Thursday.
    let due = c.add_working_minutes_excluding(start, 480, &[pause]);
    assert_eq!(due, t("2026-03-05T08:00"));
    assert_eq!(c.working_minutes_excluding(start, due, &[pause]), 480);
    // A pause over Tết 2026 costs no extra: the days were off anyway.
    let tet = Pause::new(t("2026-02-14T00:00"), t("2026-02-23T00:00")).unwrap();
    assert_eq!(c.add_working_minutes_excluding(t("2026-02-13T16:30"), 3 * 480, &[tet]), t("2026-02-25T16:30"));
    // Overlapping pauses count once; a pause before the start is ignored.
    let p1 = Pause::new(t("2026-03-02T09:00"), t("2026-03-02T11:00")).unwrap();
    let p2 = Pause::new(t("2026-03-02T10:00"), t("2026-03-02T14:30")).unwrap();
    let early = Pause::new(t("2026-02-27T09:00"), t("2026-02-27T11:00")).unwrap();
    assert_eq!(c.add_working_minutes_excluding(start, 90, &[p2, p1, early]), t("2026-03-02T15:00"));
    // Over a weekend the two pause rules differ: the pause Fri 16:00 – Mon
    // 08:00 holds 2 working hours but 64 wall-clock hours.
    let friday = t("2026-03-06T10:00");
    let weekend = Pause::new(t("2026-03-06T16:00"), t("2026-03-09T08:00")).unwrap();
    let limit = Limit::WorkingMinutes(480);
    let stopped = c.due(friday, limit, &[weekend], PauseRule::WorkingTime);
    assert_eq!(stopped, t("2026-03-09T14:00"));
    // Without the pause: Monday 10:00; plus 64 h: Thursday 02:00 → 07:00.
    let wall = c.due(friday, limit, &[weekend], PauseRule::WallClock);
    assert_eq!(wall, t("2026-03-12T07:00"));
    assert!(Pause::new(t("2026-03-04T10:00"), t("2026-03-02T10:00")).is_err());
    assert!("2026-03-02T10:00/2026-03-0".parse::<Pause>().is_err());
}

#[test]
fn calendar_days() {
    let c = clock();
    // 10/2 + 5 days = Sunday 15/2, inside Tết → Monday 23/2.
    assert_eq!(c.add_calendar_days(t("2026-02-10T09:00"), 5, false), t("2026-02-23T09:00"));
    // 20/4 + 10 = Thursday 30/4 (holiday) → Monday 4/5.
    assert_eq!(c.add_calendar_days(t("2026-04-20T09:00"), 10, false), t("2026-05-04T09:00"));
    // Skipping weekday days off: 27/4, 30/4 and 1/5 add three days → Sunday 3/5 → Monday 4/5.
    assert_eq!(c.add_calendar_days(t("2026-04-20T09:00"), 10, true), t("2026-05-04T09:00"));
    // 20/4 + 7 = 27/4, itself a day off, so one more: Tuesday 28/4.
    assert_eq!(c.add_calendar_days(t("2026-04-20T09:00"), 7, true), t("2026-04-28T09:00"));
    // Received after closing: counting starts the next morning.
    assert_eq!(c.add_calendar_days(t("2026-03-02T18:00"), 1, false), t("2026-03-04T07:00"));
    // A pause moves the date by its length.
    let p = Pause::new(t("2026-03-03T09:00"), t("2026-03-05T09:00")).unwrap();
    let limit = Limit::CalendarDays { days: 2, skip_days_off: false };
    assert_eq!(c.due(t("2026-03-02T09:00"), limit, &[p], PauseRule::WorkingTime), t("2026-03-06T09:00"));
}

#[test]
fn cutoff() {
    let c = clock();
    let cut = Time::hm(15, 0);
    // Received Friday 15:30 with a 15:00 cut-off: counting starts Monday 07:00.
    let start = c.start_with_cutoff(t("2026-03-06T15:30"), cut);
    assert_eq!(start, t("2026-03-09T07:00"));
    assert_eq!(c.add_working_days(start, 1), t("2026-03-09T17:00"));
    // Before the cut-off, or on a day off, nothing changes.
    assert_eq!(c.start_with_cutoff(t("2026-03-06T14:59"), cut), t("2026-03-06T14:59"));
    assert_eq!(c.start_with_cutoff(t("2026-03-07T16:00"), cut), t("2026-03-09T07:00"));
    // Thursday 12/2/2026 after the cut-off: the next working day is after Tết.
    assert_eq!(c.start_with_cutoff(t("2026-02-12T16:00"), cut), t("2026-02-13T07:00"));
    assert_eq!(c.start_with_cutoff(t("2026-02-13T16:00"), cut), t("2026-02-23T07:00"));
}

#[test]
fn other_office_hours() {
    let hours = OfficeHours::parse("08:00-12:00,13:00-17:00").unwrap();
    let c = vietnam().clock(hours);
    assert_eq!(c.add_working_days(t("2026-03-06T16:30"), 1), t("2026-03-09T16:30"));
    assert_eq!(c.add_working_hours(t("2026-03-09T12:30"), 1), t("2026-03-09T14:00"));
    assert_eq!(c.working_hours(t("2026-03-09T00:00"), t("2026-03-10T00:00")), 8.0);
}

#[test]
fn long_spans() {
    let c = clock();
    let start = t("2026-01-05T07:00");
    let due = c.add_working_days(start, 1000);
    assert_eq!(due, reference_due(&c, start, 1000 * 480));
    assert_eq!(c.working_minutes(start, due), 480_000);
}

fn instant() -> impl Strategy<Value = DateTime> {
    // 2024-01-01 .. 2028-12-31, any minute.
    let first = t("2024-01-01T00:00").minutes();
    let last = t("2028-12-31T23:59").minutes();
    (first..=last).prop_map(DateTime::from_minutes)
}

fn pauses() -> impl Strategy<Value = Vec<Pause>> {
    prop::collection::vec((instant(), 0i64..20_000), 0..4)
        .prop_map(|v| v.into_iter().map(|(a, len)| Pause::new(a, a.add_minutes(len)).unwrap()).collect())
}

proptest! {
    #[test]
    fn between_inverts_due(start in instant(), minutes in 0u64..200_000) {
        let c = clock();
        let due = c.add_working_minutes(start, minutes);
        prop_assert_eq!(c.working_minutes(start, due), minutes as i64);
        if minutes > 0 {
            // Earliest such instant: a minute earlier is not enough.
            prop_assert_eq!(c.working_minutes(start, due.add_minutes(-1)), minutes as i64 - 1);
        }
    }

    #[test]
    fn due_matches_day_by_day_reference(start in instant(), minutes in 0u64..5_000) {
        let c = clock();
        prop_assert_eq!(c.add_working_minutes(start, minutes), reference_due(&c, start, minutes));
    }

    #[test]
    fn between_inverts_due_with_pauses(start in instant(), minutes in 1u64..20_000, ps in pauses()) {
        let c = clock();
        let due = c.add_working_minutes_excluding(start, minutes, &ps);
        prop_assert_eq!(c.working_minutes_excluding(start, due, &ps), minutes as i64);
        prop_assert!(c.working_minutes_excluding(start, due.add_minutes(-1), &ps) < minutes as i64);
        prop_assert!(due >= c.add_working_minutes(start, minutes));
    }

    #[test]
    fn swapped_calendar_due(start in instant(), minutes in 0u64..3_000) {
        let c = swapped().clock(OfficeHours::default());
        let due = c.add_working_minutes(start, minutes);
        prop_assert_eq!(due, reference_due(&c, start, minutes));
        prop_assert_eq!(c.working_minutes(start, due), minutes as i64);
    }
}
