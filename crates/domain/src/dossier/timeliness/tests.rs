//! Tests of early / on time / late, by the local reports and by Decision 766.

use super::*;
use crate::dossier::deadline::PauseReason;
use crate::dossier::testing::{deadlines, vn};

#[test]
fn local_reports_compare_instants_or_dates() {
    let due = vn("2026-03-11T16:00");
    let end = vn("2026-04-01T00:00");
    let at = |finish: &str, g| timeliness(Some(vn(finish)), due, end, g);
    use Granularity::{Date, Instant};
    assert_eq!(at("2026-03-10T09:00", Instant), Timeliness::Early);
    assert_eq!(at("2026-03-10T09:00", Date), Timeliness::Early);
    assert_eq!(at("2026-03-11T15:00", Instant), Timeliness::Early);
    assert_eq!(at("2026-03-11T15:00", Date), Timeliness::OnTime);
    assert_eq!(at("2026-03-11T16:00", Instant), Timeliness::OnTime);
    assert_eq!(at("2026-03-11T16:30", Instant), Timeliness::Late);
    // 23:30 in Hà Nội is still the 11th (16:30 UTC): on time by date.
    assert_eq!(at("2026-03-11T23:30", Date), Timeliness::OnTime);
    assert_eq!(at("2026-03-12T00:10", Date), Timeliness::Late);
}

#[test]
fn open_dossiers_are_judged_at_the_period_end() {
    let end = vn("2026-04-01T00:00");
    assert_eq!(timeliness(None, vn("2026-03-31T17:00"), end, Granularity::Date), Timeliness::Overdue);
    assert_eq!(timeliness(None, vn("2026-04-02T10:00"), end, Granularity::Date), Timeliness::WithinTime);
    assert_eq!(timeliness(None, end, end, Granularity::Instant), Timeliness::WithinTime);
    // Finished only after the period: open at its end.
    let after = Some(vn("2026-04-02T09:00"));
    assert_eq!(timeliness(after, vn("2026-03-11T16:00"), end, Granularity::Date), Timeliness::Overdue);
    assert!(Timeliness::WithinTime.is_timely() && Timeliness::Early.is_timely() && !Timeliness::Overdue.is_timely());
    assert_eq!((Timeliness::Late.label_vi(), Timeliness::Early.label_vi()), ("Quá hạn", "Trước hạn"));
}

#[test]
fn more_than_one_supplement_request_is_late() {
    assert!(!late_by_supplements(0));
    assert!(!late_by_supplements(1));
    assert!(late_by_supplements(2));
    assert!(late_by_supplements(3));
}

/// 5 working days from Mon 24/8/2026 09:00: due Mon 31/8 09:00.
fn august() -> Facts766 {
    let received = vn("2026-08-24T09:00");
    let limit = TimeLimit::WorkingDays(5);
    let due = deadlines().due_dates(received, limit, &[], &[]);
    assert_eq!(due.map(|d| d.current), Some(vn("2026-08-31T09:00")));
    Facts766 { due, ..Facts766::new(received, limit) }
}

const SEPT: &str = "2026-10-01T00:00";

fn verdict(f: &Facts766) -> Verdict766 {
    deadlines().verdict_766(f, vn(SEPT), DueBasis::WithoutExtension)
}

#[test]
fn decision_766_finished_dossiers() {
    let finished = |t: &str| Facts766 { finished_at: Some(vn(t)), ..august() };
    assert_eq!(verdict(&finished("2026-08-31T08:00")), Verdict766::OnTime, "early counts as on time");
    assert_eq!(verdict(&finished("2026-08-31T09:00")), Verdict766::OnTime, "finish = due is on time");
    assert_eq!(verdict(&finished("2026-08-31T09:30")), Verdict766::Late);
    // Finish priority: "processing finished" before "result returned".
    let returned = Facts766 { returned_at: Some(vn("2026-08-31T08:30")), ..august() };
    assert_eq!(verdict(&returned), Verdict766::OnTime);
    let both = Facts766 { finished_at: Some(vn("2026-08-31T10:00")), ..returned.clone() };
    assert_eq!(verdict(&both), Verdict766::Late);
    // Stopped, refused or withdrawn: the end counts as the finish.
    let stopped = Facts766 { ended_at: Some(vn("2026-08-28T10:00")), ..august() };
    assert_eq!(verdict(&stopped), Verdict766::OnTime);
}

#[test]
fn decision_766_waiting_on_a_supplement_counts_as_finished_at_the_request() {
    // Still waiting at the end of September, long after the due date: the
    // request (28/8, before the due date) is the finish.
    let waiting =
        Facts766 { awaiting_supplement_since: Some(vn("2026-08-28T10:00")), supplement_requests: 1, ..august() };
    assert_eq!(verdict(&waiting), Verdict766::OnTime);
    // A second request makes it late, finished early or not.
    let twice = Facts766 { supplement_requests: 2, ..waiting };
    assert_eq!(verdict(&twice), Verdict766::Late);
    let pending_twice = Facts766 { supplement_requests: 2, ..august() };
    assert_eq!(
        deadlines().verdict_766(&pending_twice, vn("2026-08-26T00:00"), DueBasis::WithoutExtension),
        Verdict766::PendingLate
    );
}

#[test]
fn decision_766_subtracts_supplement_time() {
    // Paused Thu 27/8 14:00 → Thu 3/9 10:00 moves the due date to Fri 4/9 17:00.
    let d = deadlines();
    let f = august();
    let pause = Pause::new(vn("2026-08-27T14:00"), vn("2026-09-03T10:00"), PauseReason::Supplement).unwrap();
    let due = d.due_dates(f.received_at, f.limit, &[pause], &[]);
    let finished = Facts766 { due, finished_at: Some(vn("2026-09-04T16:00")), supplement_requests: 1, ..f };
    assert_eq!(verdict(&finished), Verdict766::OnTime);
    // Without the pause, the same finish is four days late.
    assert_eq!(verdict(&Facts766 { due: august().due, ..finished }), Verdict766::Late);
}

#[test]
fn decision_766_pending_dossiers_at_the_period_end() {
    let d = deadlines();
    let f = august();
    let at = |end: &str| d.verdict_766(&f, vn(end), DueBasis::WithoutExtension);
    assert_eq!(at("2026-08-31T00:00"), Verdict766::PendingWithinTime);
    assert_eq!(at("2026-09-01T00:00"), Verdict766::PendingLate);
    // A finish after the period end is not seen.
    let later = Facts766 { finished_at: Some(vn("2026-08-28T10:00")), ..august() };
    assert_eq!(
        d.verdict_766(&later, vn("2026-08-27T00:00"), DueBasis::WithoutExtension),
        Verdict766::PendingWithinTime
    );
    assert!(Verdict766::PendingWithinTime.counts_on_time() && Verdict766::OnTime.counts_on_time());
    assert!(!Verdict766::PendingLate.counts_on_time() && !Verdict766::Late.counts_on_time());
}

#[test]
fn decision_766_extension_basis_is_a_setting() {
    let due = DueDates {
        original: vn("2026-08-31T09:00"),
        without_extension: vn("2026-08-31T09:00"),
        current: vn("2026-09-04T17:00"),
    };
    let f = Facts766 { due: Some(due), finished_at: Some(vn("2026-09-03T10:00")), ..august() };
    let d = deadlines();
    assert_eq!(d.verdict_766(&f, vn(SEPT), DueBasis::WithoutExtension), Verdict766::Late);
    assert_eq!(d.verdict_766(&f, vn(SEPT), DueBasis::WithExtension), Verdict766::OnTime);
    assert_eq!(DueBasis::default(), DueBasis::WithoutExtension);
}

#[test]
fn decision_766_without_a_due_date_uses_the_statutory_time() {
    // 2 working days (960 min), no appointment date. Fri 13/2/2026 10:00 →
    // Tue 24/2 10:00 is Friday 5 h + Monday 8 h + Tuesday 3 h = 16 h.
    let f = Facts766::new(vn("2026-02-13T10:00"), TimeLimit::WorkingDays(2));
    let d = deadlines();
    let end = vn("2026-03-01T00:00");
    let done = |t: &str, pauses: Vec<Pause>| Facts766 { finished_at: Some(vn(t)), pauses, ..f.clone() };
    let v = |x: &Facts766| d.verdict_766(x, end, DueBasis::WithoutExtension);
    assert_eq!(v(&done("2026-02-24T10:00", vec![])), Verdict766::OnTime);
    assert_eq!(v(&done("2026-02-24T10:01", vec![])), Verdict766::Late);
    let monday = Pause::new(vn("2026-02-23T07:00"), vn("2026-02-23T17:00"), PauseReason::Supplement).unwrap();
    assert_eq!(v(&done("2026-02-24T10:01", vec![monday])), Verdict766::OnTime);
    // Pending at Wed 25/2 00:00: 5 + 8 + 8 = 21 h > 16 h.
    assert_eq!(d.verdict_766(&f, vn("2026-02-25T00:00"), DueBasis::WithoutExtension), Verdict766::PendingLate);
    assert_eq!(d.verdict_766(&f, vn("2026-02-24T00:00"), DueBasis::WithoutExtension), Verdict766::PendingWithinTime);
    // No limit at all: nothing to be late against.
    let free = Facts766::new(vn("2026-02-13T10:00"), TimeLimit::None);
    assert_eq!(d.verdict_766(&free, end, DueBasis::WithoutExtension), Verdict766::PendingWithinTime);
}
