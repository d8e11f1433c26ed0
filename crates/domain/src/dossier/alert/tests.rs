//! Tests of due-soon / overdue classification and the phrases, on the 2026 calendar.

use super::*;
use crate::dossier::testing::{deadlines, deadlines_with, vn};

#[test]
fn urgency_follows_the_status() {
    let d = deadlines();
    let due = Some(vn("2026-03-11T16:00"));
    let now = vn("2026-03-12T09:00");
    let rules = AlertRules::default();
    assert_eq!(d.urgency(Status::Submitted, due, now, &rules), Urgency::NotReceived);
    assert_eq!(d.urgency(Status::SupplementRequested, due, now, &rules), Urgency::Paused);
    assert_eq!(d.urgency(Status::FeeRequested, due, now, &rules), Urgency::Paused);
    let fee_runs = deadlines_with(|r| r.fee_wait_stops_clock = false);
    assert_eq!(fee_runs.urgency(Status::FeeRequested, due, now, &rules), Urgency::Overdue);
    for s in [Status::NotAccepted, Status::Withdrawn, Status::Stopped, Status::Finished, Status::Returned] {
        assert_eq!(d.urgency(s, due, now, &rules), Urgency::Closed, "{s:?}");
    }
    assert_eq!(d.urgency(Status::InProcess, None, now, &rules), Urgency::NoDueDate);
    assert_eq!(d.urgency(Status::Accepted, due, now, &rules), Urgency::Overdue);
}

#[test]
fn due_soon_counts_working_time() {
    let d = deadlines();
    let rules = AlertRules::default();
    let due = Some(vn("2026-03-11T16:00"));
    // Mon 9/3 16:00 → Wed 11/3 16:00: 1 + 8 + 7 = 16 working hours = the margin.
    assert_eq!(d.urgency(Status::InProcess, due, vn("2026-03-09T16:00"), &rules), Urgency::DueSoon);
    assert_eq!(d.urgency(Status::InProcess, due, vn("2026-03-09T15:59"), &rules), Urgency::OnTrack);
    assert_eq!(d.urgency(Status::InProcess, due, vn("2026-03-11T16:00"), &rules), Urgency::DueSoon);
    assert_eq!(d.urgency(Status::InProcess, due, vn("2026-03-11T16:01"), &rules), Urgency::Overdue);
    // Across Tết: twelve calendar days but 1 + 8 + 8 + 3 = 20 working hours
    // from Fri 13/2 16:00 to Wed 25/2 10:00.
    let due = Some(vn("2026-02-25T10:00"));
    assert_eq!(d.urgency(Status::InProcess, due, vn("2026-02-13T16:00"), &rules), Urgency::OnTrack);
    // From Mon 23/2 12:00 (lunch): 3.5 + 8 + 3 = 14.5 h.
    assert_eq!(d.urgency(Status::InProcess, due, vn("2026-02-23T12:00"), &rules), Urgency::DueSoon);
    let tight = AlertRules { due_soon_working_minutes: 14 * 60 };
    assert_eq!(d.urgency(Status::InProcess, due, vn("2026-02-23T12:00"), &tight), Urgency::OnTrack);
    assert!(Urgency::DueSoon.needs_attention() && Urgency::Overdue.needs_attention());
    assert!(!Urgency::Paused.needs_attention() && !Urgency::OnTrack.needs_attention());
}

#[test]
fn phrases_before_the_due_date() {
    let d = deadlines();
    let due = vn("2026-03-11T16:00");
    let say = |now: &str| {
        let left = d.time_left(vn(now), due, TimeUnit::WorkingDays);
        (left.phrase_vi(), left.phrase_en())
    };
    assert_eq!(say("2026-03-09T16:00"), ("còn 2 ngày làm việc".into(), "2 working days left".into()));
    // Mon 09:00: 6 + 8 + 7 = 21 h = 2 days 5 h, rounded down.
    assert_eq!(say("2026-03-09T09:00").0, "còn 2 ngày làm việc");
    assert_eq!(say("2026-03-10T16:00"), ("còn 1 ngày làm việc".into(), "1 working day left".into()));
    // Wed 13:00 is lunch: 13:30–16:00 = 2.5 h.
    assert_eq!(say("2026-03-11T13:00"), ("còn 2 giờ làm việc".into(), "2 working hours left".into()));
    assert_eq!(say("2026-03-11T15:45").0, "còn 15 phút làm việc");
    assert_eq!(say("2026-03-11T16:00"), ("đến hạn".into(), "due now".into()));
}

#[test]
fn phrases_after_the_due_date() {
    let d = deadlines();
    let say = |now: &str, due: &str| {
        let left = d.time_left(vn(now), vn(due), TimeUnit::WorkingDays);
        assert!(left.overdue);
        (left.phrase_vi(), left.phrase_en())
    };
    // Wed 16:00 → Thu 16:00: 1 + 7 = 8 working hours.
    assert_eq!(say("2026-03-12T16:00", "2026-03-11T16:00"), ("quá hạn 1 ngày".into(), "1 day overdue".into()));
    assert_eq!(say("2026-03-11T18:00", "2026-03-11T16:00"), ("quá hạn 1 giờ".into(), "1 hour overdue".into()));
    // Due Fri 13/2/2026 17:00; that evening no working time has passed yet.
    assert_eq!(say("2026-02-13T19:00", "2026-02-13T17:00"), ("vừa quá hạn".into(), "just overdue".into()));
    // After Tết, Mon 23/2 09:00 is two working hours late.
    assert_eq!(say("2026-02-23T09:00", "2026-02-13T17:00").0, "quá hạn 2 giờ");
    assert_eq!(say("2026-02-24T10:30", "2026-02-13T17:00").0, "quá hạn 1 ngày");
}

#[test]
fn calendar_day_limits_speak_in_days() {
    let d = deadlines();
    let due = vn("2026-05-04T10:00");
    let left = d.time_left(vn("2026-04-30T10:00"), due, TimeUnit::CalendarDays);
    assert_eq!((left.phrase_vi(), left.phrase_en()), ("còn 4 ngày".into(), "4 days left".into()));
    let late = d.time_left(vn("2026-05-06T11:00"), due, TimeUnit::CalendarDays);
    assert_eq!((late.parts(), late.phrase_vi()), ((2, 1, 0), "quá hạn 2 ngày".into()));
}

#[test]
fn durations_read_in_days_hours_and_minutes() {
    assert_eq!(duration_vi(480 + 150, 480, true), "1 ngày 2 giờ 30 phút làm việc");
    assert_eq!(duration_vi(45, 480, true), "45 phút làm việc");
    assert_eq!(duration_vi(2 * 480, 480, true), "2 ngày làm việc");
    assert_eq!(duration_vi(1440 + 60, 1440, false), "1 ngày 1 giờ");
    assert_eq!(duration_vi(0, 480, true), "dưới 1 phút");
    assert_eq!(duration_vi(-5, 480, true), "dưới 1 phút");
    assert_eq!(duration_en(480 + 61, 480, true), "1 working day 1 hour 1 minute");
    assert_eq!(duration_en(3 * 480 + 120, 480, true), "3 working days 2 hours");
    assert_eq!(duration_en(30, 1440, false), "30 minutes");
    assert_eq!(duration_en(0, 480, false), "under a minute");
}
