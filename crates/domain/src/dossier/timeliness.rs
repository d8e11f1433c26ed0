//! Early, on time, late: a dossier judged against its due date, by the local
//! reports' definitions and by Decision 766's (one-stop-dossiers.md §6).
//!
//! - **Local reports** ([`timeliness`], the Thanh Hóa reports 06 and 06b): a
//!   finished dossier is early (finish < due), on time (=) or late (>); an
//!   open one is within time when its due date is not before the end of the
//!   period, else overdue. Report 06b compares dates, not instants
//!   ([`Granularity`]): at minute precision "equal" almost never happens.
//! - **Decision 766 item 2.1** ([`Deadlines::verdict_766`]): on time ⇔ finish
//!   ≤ due (early and on time together); the finish is the first of
//!   "processing finished", "result returned", "stopped / refused /
//!   withdrawn", and a dossier waiting on a supplement counts as finished at
//!   the request; **more than one supplement request makes it late**
//!   ([`late_by_supplements`]); supplement time is subtracted (the due date
//!   has moved by it); without a due date, on time ⇔ processing time without
//!   pauses ≤ the statutory time; unfinished dossiers are judged at the end
//!   of the period. Whether the portal judges against the extended date after
//!   an apology is not confirmed: [`DueBasis`] chooses.

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use super::TimeLimit;
use super::deadline::{Deadlines, DueDates, Pause};

/// How finish and due are compared for local reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    /// Instants (to the millisecond).
    Instant,
    /// Local (UTC+7) dates, as report 06b does.
    #[default]
    Date,
}

/// A dossier's standing for local reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Trước hạn: finished before the due date.
    Early,
    /// Đúng hạn: finished at the due date.
    OnTime,
    /// Quá hạn: finished after the due date.
    Late,
    /// Trong hạn: open, and due at or after the end of the period.
    WithinTime,
    /// Quá hạn: open, and due before the end of the period.
    Overdue,
}

impl Timeliness {
    /// The Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Timeliness::Early => "Trước hạn",
            Timeliness::OnTime => "Đúng hạn",
            Timeliness::Late | Timeliness::Overdue => "Quá hạn",
            Timeliness::WithinTime => "Trong hạn",
        }
    }

    /// The English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Timeliness::Early => "Early",
            Timeliness::OnTime => "On time",
            Timeliness::Late => "Late",
            Timeliness::WithinTime => "Within time",
            Timeliness::Overdue => "Overdue",
        }
    }

    /// Whether the dossier is not late (early, on time or within time).
    pub fn is_timely(self) -> bool {
        !matches!(self, Timeliness::Late | Timeliness::Overdue)
    }
}

/// A dossier's standing for local reports: `finished_at` against `due` at
/// the granularity, or, when not finished by `period_end` (exclusive), `due`
/// against `period_end`.
pub fn timeliness(finished_at: Option<i64>, due: i64, period_end: i64, granularity: Granularity) -> Timeliness {
    match finished_at.filter(|&f| f < period_end) {
        Some(finish) => {
            let key = |ms: i64| match granularity {
                Granularity::Instant => ms,
                Granularity::Date => {
                    i64::from(crate::time::local_date(crate::time::from_millis(ms)).num_days_from_ce())
                }
            };
            match key(finish).cmp(&key(due)) {
                std::cmp::Ordering::Less => Timeliness::Early,
                std::cmp::Ordering::Equal => Timeliness::OnTime,
                std::cmp::Ordering::Greater => Timeliness::Late,
            }
        }
        None if due >= period_end => Timeliness::WithinTime,
        None => Timeliness::Overdue,
    }
}

/// Whether a dossier is late under Decision 766 because of its supplement
/// requests after receipt: more than one makes it late, whatever the dates.
pub fn late_by_supplements(supplement_requests: u32) -> bool {
    supplement_requests > 1
}

/// Which due date Decision 766 is judged against after an extension: not
/// confirmed (one-stop-dossiers.md §6), so a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueBasis {
    /// The due date moved by pauses, ignoring extensions (the stricter reading).
    #[default]
    WithoutExtension,
    /// The extended due date.
    WithExtension,
}

/// What Decision 766 item 2.1 looks at in one dossier. Instants are UTC
/// milliseconds; finish times at or after the period end are ignored, and the
/// caller counts supplement requests and pauses up to the period end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts766 {
    /// When the dossier was received.
    pub received_at: i64,
    /// The procedure's time limit (used when there is no due date).
    pub limit: TimeLimit,
    /// The due dates, if the dossier has any.
    pub due: Option<DueDates>,
    /// When processing finished (status 9).
    pub finished_at: Option<i64>,
    /// When the result was returned (status 10).
    pub returned_at: Option<i64>,
    /// When processing ended otherwise: stopped, refused or withdrawn.
    pub ended_at: Option<i64>,
    /// When the pending supplement request was made, if the dossier is waiting on one.
    pub awaiting_supplement_since: Option<i64>,
    /// Supplement requests since receipt.
    pub supplement_requests: u32,
    /// Closed pauses (for the processing time without a due date).
    pub pauses: Vec<Pause>,
}

impl Facts766 {
    /// A dossier received at `received_at` under `limit`, with nothing else
    /// known yet: fill in the other fields.
    pub fn new(received_at: i64, limit: TimeLimit) -> Facts766 {
        Facts766 {
            received_at,
            limit,
            due: None,
            finished_at: None,
            returned_at: None,
            ended_at: None,
            awaiting_supplement_since: None,
            supplement_requests: 0,
            pauses: Vec::new(),
        }
    }

    /// The finish time 766 uses, if the dossier finished before `period_end`:
    /// "processing finished", else "result returned", else "stopped / refused
    /// / withdrawn", else the pending supplement request.
    pub fn finish(&self, period_end: i64) -> Option<i64> {
        [self.finished_at, self.returned_at, self.ended_at, self.awaiting_supplement_since]
            .into_iter()
            .flatten()
            .find(|&t| t < period_end)
    }
}

/// A dossier's standing under Decision 766 item 2.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict766 {
    /// Finished early or on time.
    OnTime,
    /// Finished late.
    Late,
    /// Not finished, still within time at the end of the period.
    PendingWithinTime,
    /// Not finished, and late at the end of the period.
    PendingLate,
}

impl Verdict766 {
    /// Whether it counts in item 2.1's numerator.
    pub fn counts_on_time(self) -> bool {
        matches!(self, Verdict766::OnTime | Verdict766::PendingWithinTime)
    }
}

impl Deadlines<'_> {
    /// A dossier's standing under Decision 766 item 2.1 at the end of a
    /// period (`period_end`, exclusive), judged against the due date `basis`
    /// picks (see the module doc).
    pub fn verdict_766(&self, facts: &Facts766, period_end: i64, basis: DueBasis) -> Verdict766 {
        let finish = facts.finish(period_end);
        let verdict = |timely: bool| match (finish.is_some(), timely) {
            (true, true) => Verdict766::OnTime,
            (true, false) => Verdict766::Late,
            (false, true) => Verdict766::PendingWithinTime,
            (false, false) => Verdict766::PendingLate,
        };
        if late_by_supplements(facts.supplement_requests) {
            return verdict(false);
        }
        if let Some(due) = facts.due {
            let due = match basis {
                DueBasis::WithoutExtension => due.without_extension,
                DueBasis::WithExtension => due.current,
            };
            return verdict(match finish {
                Some(f) => f <= due,
                None => due >= period_end,
            });
        }
        let Some(limit) = self.limit_minutes(facts.limit) else {
            return verdict(true);
        };
        let end = finish.unwrap_or(period_end);
        verdict(self.elapsed_minutes(facts.received_at, end, &facts.pauses, facts.limit.unit()) <= limit)
    }
}

#[cfg(test)]
mod tests;
