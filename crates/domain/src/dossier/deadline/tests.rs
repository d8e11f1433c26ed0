//! Tests of due dates, pauses and extensions on the Vietnamese calendar with
//! the shipped 2025 and 2026 schedules. Every expected date is worked out by
//! hand in the comment above it (office hours 07:00–11:30, 13:30–17:00).

use super::*;
use crate::dossier::testing::{deadlines as rules, deadlines_with as with, vn};

fn supplement(from: &str, to: &str) -> Pause {
    Pause::new(vn(from), vn(to), PauseReason::Supplement).unwrap()
}

#[test]
fn local_minutes_convert_both_ways() {
    let ms = vn("2026-02-13T16:00");
    assert_eq!(to_local(ms), "2026-02-13T16:00".parse().unwrap());
    assert_eq!(from_local(to_local(ms)), ms);
    // Seconds are dropped: 16:00:40 counts as 16:00.
    assert_eq!(to_local(ms + 40_000), to_local(ms));
}

#[test]
fn the_rules_illustration_friday_16h_plus_3_working_days() {
    // Fri 6/3/2026 16:00: Friday 1 h, Monday 8 h, Tuesday 8 h, Wednesday
    // 4.5 h + 2.5 h → Wednesday 11/3 16:00.
    assert_eq!(rules().due(vn("2026-03-06T16:00"), TimeLimit::WorkingDays(3)), Some(vn("2026-03-11T16:00")));
}

#[test]
fn receipt_just_before_tet_2026() {
    // Fri 13/2/2026 10:00, 3 working days = 24 h. Friday 10:00–11:30 and
    // 13:30–17:00 = 5 h; 14/2–22/2 off (weekend, Tết 16–20/2, weekend);
    // Mon 23/2 8 h (13 h), Tue 24/2 8 h (21 h), Wed 25/2 07:00 + 3 h → 10:00.
    assert_eq!(rules().due(vn("2026-02-13T10:00"), TimeLimit::WorkingDays(3)), Some(vn("2026-02-25T10:00")));
}

#[test]
fn receipt_just_before_tet_2025() {
    // Fri 24/1/2025 16:00, 2 working days = 16 h. Friday 1 h; Sat 25/1 – Sun
    // 2/2 off; Mon 3/2 8 h (9 h); Tue 4/2 4.5 h (13.5 h) + 2.5 h from 13:30 → 16:00.
    assert_eq!(rules().due(vn("2025-01-24T16:00"), TimeLimit::WorkingDays(2)), Some(vn("2025-02-04T16:00")));
}

#[test]
fn receipt_after_office_hours_counts_from_the_next_working_day() {
    let d = rules();
    // Thu 12/2/2026 17:30 → counting starts Fri 13/2 07:00; 8 h end at the closing.
    assert_eq!(d.start(vn("2026-02-12T17:30")), vn("2026-02-13T07:00"));
    assert_eq!(d.due(vn("2026-02-12T17:30"), TimeLimit::WorkingDays(1)), Some(vn("2026-02-13T17:00")));
    // Fri 13/2 17:30 → the next working day is Mon 23/2 (after Tết).
    assert_eq!(d.start(vn("2026-02-13T17:30")), vn("2026-02-23T07:00"));
    assert_eq!(d.due(vn("2026-02-13T17:30"), TimeLimit::WorkingDays(1)), Some(vn("2026-02-23T17:00")));
    assert_eq!(d.due(vn("2026-02-13T17:30"), TimeLimit::WorkingHours(2)), Some(vn("2026-02-23T09:00")));
    // Before opening: Mon 9/3 06:00 + 4 h → 07:00–11:00.
    assert_eq!(d.due(vn("2026-03-09T06:00"), TimeLimit::WorkingHours(4)), Some(vn("2026-03-09T11:00")));
    // In the lunch break: Wed 11/2 12:00 counts from 13:30; 3.5 h to 17:00,
    // then 0.5 h on Thursday → Thu 12/2 07:30.
    assert_eq!(d.start(vn("2026-02-11T12:00")), vn("2026-02-11T13:30"));
    assert_eq!(d.due(vn("2026-02-11T12:00"), TimeLimit::WorkingHours(4)), Some(vn("2026-02-12T07:30")));
    // On a holiday: Victory Day 30/4/2026 counts from Mon 4/5 07:00.
    assert_eq!(d.start(vn("2026-04-30T09:00")), vn("2026-05-04T07:00"));
}

#[test]
fn working_hours_across_30_4_and_1_5() {
    // Wed 29/4/2026 15:00, 8 working hours: Wednesday 2 h; Thu 30/4 and Fri
    // 1/5 are holidays, then the weekend; Mon 4/5 4.5 h (6.5 h) + 1.5 h from
    // 13:30 → 15:00.
    assert_eq!(rules().due(vn("2026-04-29T15:00"), TimeLimit::WorkingHours(8)), Some(vn("2026-05-04T15:00")));
    // Giỗ Tổ: Fri 24/4/2026 16:00 + 2 h → Fri 1 h; Mon 27/4 is the compensatory
    // day off; Tue 28/4 07:00 + 1 h → 08:00.
    assert_eq!(rules().due(vn("2026-04-24T16:00"), TimeLimit::WorkingHours(2)), Some(vn("2026-04-28T08:00")));
}

#[test]
fn a_cutoff_moves_late_receipts_to_the_next_working_day() {
    let received = vn("2026-02-12T15:30");
    // Without a cut-off: Thursday 1.5 h, then Fri 13/2 4.5 h (6 h) and 2 h
    // from 13:30 → 15:30.
    assert_eq!(rules().due(received, TimeLimit::WorkingDays(1)), Some(vn("2026-02-13T15:30")));
    // With 15:00: counting starts Fri 13/2 07:00 → 17:00.
    let cut = with(|r| r.cutoff = Some(Time::hm(15, 0)));
    assert_eq!(cut.due(received, TimeLimit::WorkingDays(1)), Some(vn("2026-02-13T17:00")));
    assert_eq!(cut.due(vn("2026-02-12T14:59"), TimeLimit::WorkingDays(1)), Some(vn("2026-02-13T14:59")));
}

#[test]
fn calendar_days_land_on_working_days() {
    let d = rules();
    // Thu 16/4/2026 10:00 + 15 days = Fri 1/5, Labour Day → Mon 4/5 10:00.
    assert_eq!(d.due(vn("2026-04-16T10:00"), TimeLimit::CalendarDays(15)), Some(vn("2026-05-04T10:00")));
    // Mon 20/4 08:00 + 14 days = Mon 4/5, a working day, holidays inside counted.
    assert_eq!(d.due(vn("2026-04-20T08:00"), TimeLimit::CalendarDays(14)), Some(vn("2026-05-04T08:00")));
    // Skipping the weekday days off inside (27/4, 30/4, 1/5) adds 3 → Thu 7/5.
    let skip = with(|r| r.skip_days_off_in_calendar_days = true);
    assert_eq!(skip.due(vn("2026-04-20T08:00"), TimeLimit::CalendarDays(14)), Some(vn("2026-05-07T08:00")));
    // After hours: Mon 20/4 18:00 counts from Tue 21/4 07:00 → Tue 5/5 07:00.
    assert_eq!(d.due(vn("2026-04-20T18:00"), TimeLimit::CalendarDays(14)), Some(vn("2026-05-05T07:00")));
    assert_eq!(d.due(vn("2026-04-20T08:00"), TimeLimit::None), None);
}

/// 5 working days from Mon 24/8/2026 09:00: Monday 6 h, Tue–Fri 32 h (38 h),
/// Mon 31/8 2 h → 09:00.
fn before_national_day() -> (i64, TimeLimit) {
    (vn("2026-08-24T09:00"), TimeLimit::WorkingDays(5))
}

#[test]
fn a_supplement_across_national_day_moves_the_due_date_by_working_time() {
    let d = rules();
    let (received, limit) = before_national_day();
    let original = d.due(received, limit).unwrap();
    assert_eq!(original, vn("2026-08-31T09:00"));
    // Paused Thu 27/8 14:00 → Thu 3/9 10:00: Thursday 3 h, Friday 8 h, Monday
    // 8 h, Tue 1/9 and Wed 2/9 off, Thursday 3 h = 22 working hours. Mon 31/8
    // 09:00 + 22 h: Monday 6 h, Thu 3/9 8 h, Fri 4/9 8 h → Fri 4/9 17:00.
    // (Check: 13 h were left at the request; Thu 3/9 10:00 + 13 h = Fri 17:00.)
    let pause = supplement("2026-08-27T14:00", "2026-09-03T10:00");
    let moved = vn("2026-09-04T17:00");
    assert_eq!(d.shift(original, &pause, TimeUnit::WorkingDays), moved);
    let dates = d.due_dates(received, limit, &[pause], &[]).unwrap();
    assert_eq!(dates, DueDates { original, without_extension: moved, current: moved });
    // The calendar's own stop-the-clock arithmetic agrees.
    let p = calendar::Pause::new(to_local(pause.from), to_local(pause.to)).unwrap();
    let start = to_local(d.start(received));
    assert_eq!(from_local(d.clock().add_working_minutes_excluding(start, 5 * 480, &[p])), moved);
}

#[test]
fn the_wall_clock_rule_moves_by_elapsed_time() {
    // Thanh Hóa's rule: Mon 31/8 09:00 + (Thu 3/9 10:00 − Thu 27/8 14:00 =
    // 6 days 20 h) = Mon 7/9 05:00, rolled to the opening → 07:00.
    let d = with(|r| r.pause_rule = PauseRule::WallClock);
    let (received, limit) = before_national_day();
    let pause = supplement("2026-08-27T14:00", "2026-09-03T10:00");
    assert_eq!(d.due_dates(received, limit, &[pause], &[]).unwrap().current, vn("2026-09-07T07:00"));
}

#[test]
fn a_supplement_across_tet_2026() {
    // 10 working days from Mon 2/2/2026 08:00 = 80 h: Monday 7 h, then 8 h a
    // day to Fri 13/2 (79 h), after Tết Mon 23/2 1 h → 08:00.
    let d = rules();
    let received = vn("2026-02-02T08:00");
    let limit = TimeLimit::WorkingDays(10);
    assert_eq!(d.due(received, limit), Some(vn("2026-02-23T08:00")));
    // Paused Wed 11/2 15:00 → Wed 25/2 09:00: 2 + 8 + 8 (Tết off) + 8 + 8 + 2 =
    // 36 h. Mon 23/2 08:00 + 36 h: Monday 7 h, Tue 8, Wed 8, Thu 8 (31 h),
    // Fri 27/2 4.5 h to 11:30 and 0.5 h from 13:30 → 14:00.
    let pause = supplement("2026-02-11T15:00", "2026-02-25T09:00");
    assert_eq!(d.due_dates(received, limit, &[pause], &[]).unwrap().current, vn("2026-02-27T14:00"));
}

#[test]
fn pauses_that_do_not_stop_the_clock_or_come_late_change_nothing() {
    let (received, limit) = before_national_day();
    let original = vn("2026-08-31T09:00");
    let fee = Pause::new(vn("2026-08-27T14:00"), vn("2026-09-03T10:00"), PauseReason::Fee).unwrap();
    // Fee waits stop the clock by default, not when switched off.
    assert_eq!(rules().due_dates(received, limit, &[fee], &[]).unwrap().current, vn("2026-09-04T17:00"));
    let no_fee = with(|r| r.fee_wait_stops_clock = false);
    assert_eq!(no_fee.due_dates(received, limit, &[fee], &[]).unwrap().current, original);
    // A supplement requested after the due date (even 30 minutes after, in
    // working time at the same position) does not move it.
    let late = supplement("2026-08-31T10:00", "2026-09-03T10:00");
    assert_eq!(rules().shift(original, &late, TimeUnit::WorkingDays), original);
    let due_at_close = vn("2026-09-04T17:00");
    let after_close = supplement("2026-09-04T17:30", "2026-09-07T09:00");
    assert_eq!(rules().shift(due_at_close, &after_close, TimeUnit::WorkingDays), due_at_close);
    // An empty pause moves nothing, even from a closing time.
    let empty = supplement("2026-09-04T16:00", "2026-09-04T16:00");
    assert_eq!(rules().shift(due_at_close, &empty, TimeUnit::WorkingDays), due_at_close);
    assert_eq!(Pause::new(2, 1, PauseReason::Supplement), Err(DeadlineError::BadPause));
}

#[test]
fn pauses_apply_in_order_and_overlaps_count_once() {
    let d = rules();
    let (received, limit) = before_national_day();
    // Two pauses of 2 h, Tue 25/8 and Wed 26/8 07:00–09:00, given out of
    // order, move Mon 31/8 09:00 by 4 h: 09:00–11:30 is 2.5 h, 13:30–15:00
    // the other 1.5 h → 15:00.
    let a = supplement("2026-08-25T07:00", "2026-08-25T09:00");
    let b = supplement("2026-08-26T07:00", "2026-08-26T09:00");
    assert_eq!(d.due_dates(received, limit, &[b, a], &[]).unwrap().current, vn("2026-08-31T15:00"));
    // The same 2 h recorded twice (overlapping) count once: 09:00 + 2 h → 11:00.
    assert_eq!(d.due_dates(received, limit, &[a, a], &[]).unwrap().current, vn("2026-08-31T11:00"));
}

#[test]
fn an_extension_sets_a_new_date_and_later_pauses_move_it() {
    let d = rules();
    let (received, limit) = before_national_day();
    let first = supplement("2026-08-27T14:00", "2026-09-03T10:00");
    let current = vn("2026-09-04T17:00");
    // Apology issued Thu 3/9 14:00, one working day before the Friday due date.
    let ext = Extension { issued_at: vn("2026-09-03T14:00"), new_due: vn("2026-09-11T17:00") };
    assert_eq!(d.check_extension(current, &ext), Ok(()));
    // A second supplement Mon 7/9 09:00 → Tue 8/9 09:00: Monday 6 h + Tuesday
    // 2 h = 8 h. Fri 11/9 17:00 + 8 h → Mon 14/9 17:00. The date without the
    // extension was already past at that request, so it stays Fri 4/9 17:00.
    let second = supplement("2026-09-07T09:00", "2026-09-08T09:00");
    let dates = d.due_dates(received, limit, &[first, second], &[ext]).unwrap();
    assert_eq!(
        dates,
        DueDates { original: vn("2026-08-31T09:00"), without_extension: current, current: vn("2026-09-14T17:00") }
    );
    // Only the last extension counts.
    let earlier = Extension { issued_at: vn("2026-09-02T08:00"), new_due: vn("2026-09-09T17:00") };
    assert_eq!(d.due_dates(received, limit, &[first, second], &[ext, earlier]).unwrap(), dates);
}

#[test]
fn extensions_must_be_later_and_issued_in_time() {
    let d = rules();
    let due = vn("2026-09-04T17:00");
    let not_later = Extension { issued_at: vn("2026-09-03T09:00"), new_due: vn("2026-09-04T16:00") };
    assert!(matches!(d.check_extension(due, &not_later), Err(DeadlineError::NotLater { .. })));
    // Issued on the due day itself: no working day of notice.
    let same_day = Extension { issued_at: vn("2026-09-04T08:00"), new_due: vn("2026-09-11T17:00") };
    let err = d.check_extension(due, &same_day).unwrap_err();
    assert_eq!(err, DeadlineError::TooLate { due: "04/09/2026 17:00".into(), days: 1 });
    assert!(err.to_string().starts_with("văn bản xin lỗi và gia hạn phải ban hành trước hạn (04/09/2026 17:00)"));
    // Due Thu 3/9 (after the holidays): issued Mon 31/8 leaves one working
    // day (Monday) before it, since 1/9 and 2/9 are off; issued Tue 1/9 none.
    let due = vn("2026-09-03T17:00");
    let new_due = vn("2026-09-10T17:00");
    assert_eq!(d.check_extension(due, &Extension { issued_at: vn("2026-08-31T16:00"), new_due }), Ok(()));
    assert!(d.check_extension(due, &Extension { issued_at: vn("2026-09-01T09:00"), new_due }).is_err());
    // Without the notice rule only the order is checked.
    let lax = with(|r| r.extension_notice_working_days = None);
    assert_eq!(lax.check_extension(due, &Extension { issued_at: vn("2026-09-03T16:00"), new_due }), Ok(()));
}

#[test]
fn calendar_day_limits_move_by_wall_time_then_to_a_working_day() {
    let d = rules();
    // Mon 20/4/2026 08:00 + 14 days → Mon 4/5 08:00. A supplement of exactly
    // 2 days (Tue 28/4 08:00 → Thu 30/4 08:00) moves it to Wed 6/5 08:00.
    let received = vn("2026-04-20T08:00");
    let pause = supplement("2026-04-28T08:00", "2026-04-30T08:00");
    let dates = d.due_dates(received, TimeLimit::CalendarDays(14), &[pause], &[]).unwrap();
    assert_eq!((dates.original, dates.current), (vn("2026-05-04T08:00"), vn("2026-05-06T08:00")));
    // A 4-day pause (Sat 25/4 → Wed 29/4) moves Tue 5/5 08:00 to Sat 9/5 →
    // Mon 11/5 08:00.
    let pause = supplement("2026-04-25T08:00", "2026-04-29T08:00");
    assert_eq!(d.shift(vn("2026-05-05T08:00"), &pause, TimeUnit::CalendarDays), vn("2026-05-11T08:00"));
}

#[test]
fn processing_time_without_pauses() {
    let d = rules();
    // Fri 13/2/2026 10:00 → Tue 24/2 10:00: Friday 5 h, (Tết), Monday 8 h,
    // Tuesday 3 h = 16 h = 2 working days; 11 calendar days.
    let (a, b) = (vn("2026-02-13T10:00"), vn("2026-02-24T10:00"));
    assert_eq!(d.elapsed_minutes(a, b, &[], TimeUnit::WorkingDays), 16 * 60);
    assert_eq!(d.elapsed_in_unit(a, b, &[], TimeUnit::WorkingDays), 2.0);
    assert_eq!(d.elapsed_in_unit(a, b, &[], TimeUnit::WorkingHours), 16.0);
    assert_eq!(d.elapsed_in_unit(a, b, &[], TimeUnit::CalendarDays), 11.0);
    // Monday on hold: 8 h less.
    let monday = supplement("2026-02-23T07:00", "2026-02-23T17:00");
    assert_eq!(d.elapsed_in_unit(a, b, &[monday], TimeUnit::WorkingDays), 1.0);
    // A pause running past the finish counts only up to it: Tue 07:00–10:00.
    let tail = supplement("2026-02-24T07:00", "2026-02-25T12:00");
    assert_eq!(d.elapsed_minutes(a, b, &[tail], TimeUnit::WorkingHours), 13 * 60);
    assert_eq!(d.limit_minutes(TimeLimit::WorkingDays(2)), Some(960));
    assert_eq!(d.limit_minutes(TimeLimit::CalendarDays(2)), Some(2880));
    assert_eq!(d.limit_minutes(TimeLimit::None), None);
}
