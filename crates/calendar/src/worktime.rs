//! Working-time arithmetic: due dates, working time between instants, pauses.
//!
//! # The convention (one-stop-dossiers.md §5)
//!
//! Time limits are held in working minutes; **one working day is the
//! working time of one day of office hours** (8 h by default). Working time
//! is the time inside office hours on working days.
//!
//! - **Start.** Counting starts at the received instant if it is inside
//!   office hours of a working day, otherwise at the next opening: after
//!   17:00 → 07:00 of the next working day; before 07:00 → 07:00; in the
//!   lunch break → 13:30; on a day off → 07:00 of the next working day.
//! - **Due.** The due instant of a limit of *m* working minutes is the
//!   earliest instant by which *m* minutes of working time have elapsed since
//!   the start. It is never outside office hours, and when the time runs out
//!   exactly at a closing it *is* that closing (17:00 or 11:30), not the next
//!   opening.
//! - So **"add 1 working day" to Friday 16:30 is Monday 16:30** (30 minutes on
//!   Friday, 7 h 30 on Monday), and to Friday 17:30 it is Monday 17:00
//!   (counting starts Monday 07:00, the 8 hours end at Monday's closing). A
//!   3-working-day limit received Friday 16:00 is due Wednesday 16:00, as in
//!   the rules' illustration.
//! - **Cut-off.** With a cut-off time (e.g. 15:00, a per-procedure setting),
//!   [`WorkClock::start_with_cutoff`] moves a receipt at or after it to the
//!   next working day's opening; pass its result as the start.
//! - A limit of zero is due at the start of counting.
//! - **Between.** [`WorkClock::working_minutes`] counts working time in
//!   `[from, to)`; it inverts the due date:
//!   `working_minutes(t, add_working_minutes(t, m)) == m`.
//! - **Pauses** (stop the clock, [`PauseRule::WorkingTime`], the default):
//!   working time inside a pause does not count. The alternative of the
//!   Thanh Hóa system, [`PauseRule::WallClock`], moves the due date by the
//!   wall-clock length of each pause and then rolls it forward to working time.
//! - **Calendar days.** A limit of *n* days (`ngày`) is due at the start of
//!   counting plus *n* calendar days (same clock time); a due date on a day
//!   off moves to the next working day. With `skip_days_off`, weekday days
//!   off inside the span do not count either. Pauses move such a due date by
//!   their wall-clock length before the move to a working day.
//!
//! Every operation is a constant number of binary searches in the calendar
//! (see [`crate::workdays`]), whatever the length of the span.

use std::str::FromStr;

use crate::date::{Date, DateTime, MINUTES_PER_DAY, Time};
use crate::error::Error;
use crate::hours::OfficeHours;
use crate::workdays::WorkCalendar;

/// A stop-the-clock interval (e.g. waiting for the citizen to supplement a dossier).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Pause {
    /// When the clock stopped (request time).
    pub from: DateTime,
    /// When it started again (resume time).
    pub to: DateTime,
}

impl Pause {
    /// A pause from `from` to `to`.
    ///
    /// # Errors
    /// [`Error::InvalidPause`] when `to` precedes `from`.
    pub fn new(from: DateTime, to: DateTime) -> Result<Pause, Error> {
        if to < from {
            return Err(Error::InvalidPause(format!("the pause {from}/{to} ends before it starts")));
        }
        Ok(Pause { from, to })
    }
}

impl FromStr for Pause {
    type Err = Error;

    /// Parses `FROM/TO`, two date-times.
    fn from_str(s: &str) -> Result<Pause, Error> {
        let (a, b) = s.split_once('/').ok_or_else(|| {
            Error::InvalidPause(format!("'{s}' is not a pause of the form YYYY-MM-DDTHH:MM/YYYY-MM-DDTHH:MM"))
        })?;
        Pause::new(a.parse()?, b.parse()?)
    }
}

/// How pauses move a working-time due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum PauseRule {
    /// Working time inside pauses does not count (the clock stops).
    #[default]
    WorkingTime,
    /// The due date moves by each pause's wall-clock length, then rolls
    /// forward to working time (`GetNgayHenTraBoSung`).
    WallClock,
}

/// A time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Limit {
    /// Working minutes (working days × minutes per working day, hours × 60).
    WorkingMinutes(u64),
    /// Calendar days; `skip_days_off` also skips weekday days off in the span.
    CalendarDays {
        /// Number of days.
        days: u32,
        /// Whether weekday days off inside the span are skipped.
        skip_days_off: bool,
    },
}

/// Working-time arithmetic over a calendar and office hours.
#[derive(Debug, Clone, Copy)]
pub struct WorkClock<'a> {
    cal: &'a WorkCalendar,
    hours: OfficeHours,
}

impl WorkCalendar {
    /// Working-time arithmetic with the given office hours.
    #[must_use]
    pub fn clock(&self, hours: OfficeHours) -> WorkClock<'_> {
        WorkClock { cal: self, hours }
    }
}

/// Pauses as sorted, merged (from, to) minute pairs, clipped to start at `start`.
fn merged(pauses: &[Pause], start: DateTime) -> Vec<(DateTime, DateTime)> {
    let mut v: Vec<(DateTime, DateTime)> =
        pauses.iter().filter(|p| p.to > start && p.to > p.from).map(|p| (p.from.max(start), p.to)).collect();
    v.sort_unstable();
    let mut out: Vec<(DateTime, DateTime)> = Vec::with_capacity(v.len());
    for (a, b) in v {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

impl WorkClock<'_> {
    /// The office hours.
    #[must_use]
    pub fn hours(&self) -> OfficeHours {
        self.hours
    }

    /// The calendar.
    #[must_use]
    pub fn calendar(&self) -> &WorkCalendar {
        self.cal
    }

    /// Working minutes per working day.
    fn day(&self) -> i64 {
        i64::from(self.hours.minutes_per_day())
    }

    /// Working minutes from the calendar's origin to `t`: differences give
    /// the working time between two instants.
    #[must_use]
    pub fn working_index(&self, t: DateTime) -> i64 {
        let (days, works) = self.cal.position(t.date());
        let today = if works { self.hours.minutes_before(t.time().minutes()) } else { 0 };
        days * self.day() + i64::from(today)
    }

    /// The earliest instant whose working index is `m`.
    fn at_index(&self, m: i64) -> DateTime {
        // Division by a constant compiles to a multiplication: worth it for
        // the default 8-hour day, which is on every due-date computation.
        let k = match self.day() {
            480 => (m - 1).div_euclid(480),
            day => (m - 1).div_euclid(day),
        };
        let r = m - k * self.day();
        let date = self.cal.nth_working_day(k);
        let tod = self.hours.time_after(r as u32);
        DateTime::from_minutes(i64::from(date.day_number()) * MINUTES_PER_DAY + i64::from(tod))
    }

    /// Whether `t` is inside office hours of a working day.
    #[must_use]
    pub fn is_working_time(&self, t: DateTime) -> bool {
        self.start_of_count(t) == t
    }

    /// Where counting starts for an instant: itself if inside office hours of
    /// a working day, else the next opening.
    #[must_use]
    pub fn start_of_count(&self, t: DateTime) -> DateTime {
        let date = t.date();
        let (days, works) = self.cal.position(date);
        if works && let Some(tod) = self.hours.next_open(t.time().minutes()) {
            return DateTime::from_minutes(t.minutes() - i64::from(t.time().minutes()) + i64::from(tod));
        }
        let next = self.cal.nth_working_day(days + i64::from(works));
        next.at(Time::MIDNIGHT).add_minutes(i64::from(self.hours.opening()))
    }

    /// Where counting starts under a cut-off time (a per-procedure setting,
    /// e.g. 15:00): a receipt on a working day at or after the cut-off counts
    /// from the next working day's opening; otherwise as
    /// [`start_of_count`](Self::start_of_count). Pass the result as the start
    /// of the other operations.
    #[must_use]
    pub fn start_with_cutoff(&self, t: DateTime, cutoff: Time) -> DateTime {
        let (days, works) = self.cal.position(t.date());
        if works && t.time() >= cutoff {
            let next = self.cal.nth_working_day(days + 1);
            return next.at(Time::MIDNIGHT).add_minutes(i64::from(self.hours.opening()));
        }
        self.start_of_count(t)
    }

    /// The due instant of `minutes` working minutes from `start`.
    #[must_use]
    pub fn add_working_minutes(&self, start: DateTime, minutes: u64) -> DateTime {
        if minutes == 0 {
            return self.start_of_count(start);
        }
        self.at_index(self.working_index(start) + minutes as i64)
    }

    /// The due instant of `hours` working hours from `start`.
    #[must_use]
    pub fn add_working_hours(&self, start: DateTime, hours: u32) -> DateTime {
        self.add_working_minutes(start, u64::from(hours) * 60)
    }

    /// The due instant of `days` working days from `start` (one day = the
    /// office hours' minutes per day; see the module doc for the convention).
    #[must_use]
    pub fn add_working_days(&self, start: DateTime, days: u32) -> DateTime {
        self.add_working_minutes(start, u64::from(days) * self.day() as u64)
    }

    /// Working minutes in `[from, to)`; negative when `to` is before `from`.
    #[must_use]
    pub fn working_minutes(&self, from: DateTime, to: DateTime) -> i64 {
        self.working_index(to) - self.working_index(from)
    }

    /// Working hours in `[from, to)` (minutes / 60).
    #[must_use]
    pub fn working_hours(&self, from: DateTime, to: DateTime) -> f64 {
        self.working_minutes(from, to) as f64 / 60.0
    }

    /// Working minutes in `[from, to)` outside every pause; negative when
    /// `to` is before `from`.
    #[must_use]
    pub fn working_minutes_excluding(&self, from: DateTime, to: DateTime, pauses: &[Pause]) -> i64 {
        if to < from {
            return -self.working_minutes_excluding(to, from, pauses);
        }
        let mut total = self.working_minutes(from, to);
        for (a, b) in merged(pauses, from) {
            if a >= to {
                break;
            }
            total -= self.working_minutes(a, b.min(to));
        }
        total
    }

    /// The due instant of `minutes` working minutes from `start`, the clock
    /// stopped during `pauses` ([`PauseRule::WorkingTime`]).
    #[must_use]
    pub fn add_working_minutes_excluding(&self, start: DateTime, minutes: u64, pauses: &[Pause]) -> DateTime {
        if minutes == 0 {
            return self.start_of_count(start);
        }
        let mut left = minutes as i64;
        let mut cur = start;
        for (a, b) in merged(pauses, start) {
            let available = self.working_minutes(cur, a);
            if available >= left {
                break;
            }
            left -= available;
            cur = b;
        }
        self.at_index(self.working_index(cur) + left)
    }

    /// The due instant of a limit from `start`, with pauses applied by `rule`
    /// (see the module doc).
    #[must_use]
    pub fn due(&self, start: DateTime, limit: Limit, pauses: &[Pause], rule: PauseRule) -> DateTime {
        match limit {
            Limit::WorkingMinutes(m) if rule == PauseRule::WorkingTime => {
                self.add_working_minutes_excluding(start, m, pauses)
            }
            Limit::WorkingMinutes(m) => {
                let due = self.add_working_minutes(start, m);
                let shifted =
                    merged(pauses, start).iter().fold(due, |d, (a, b)| d.add_minutes(b.minutes() - a.minutes()));
                if shifted == due { due } else { self.start_of_count(shifted) }
            }
            Limit::CalendarDays { days, skip_days_off } => {
                let base = self.start_of_count(start);
                let shift: i64 = merged(pauses, start).iter().map(|(a, b)| b.minutes() - a.minutes()).sum();
                let date = self.calendar_day_target(base.date(), days, skip_days_off);
                let due = date.at(base.time()).add_minutes(shift);
                let day = self.cal.next_working_day(due.date());
                day.at(due.time())
            }
        }
    }

    /// `date + days`, also skipping weekday days off when asked.
    fn calendar_day_target(&self, date: Date, days: u32, skip_days_off: bool) -> Date {
        let mut target = date.add_days(days as i32);
        if skip_days_off {
            // Each round adds the days off found in the span so far; the
            // count only grows, and stops after at most a few rounds.
            loop {
                let off = self.cal.weekday_days_off_between(date.add_days(1), target.add_days(1));
                let next = date.add_days(days as i32 + off as i32);
                if next == target {
                    break;
                }
                target = next;
            }
        }
        target
    }

    /// The date `days` calendar days after `start` (see the module doc).
    #[must_use]
    pub fn add_calendar_days(&self, start: DateTime, days: u32, skip_days_off: bool) -> DateTime {
        self.due(start, Limit::CalendarDays { days, skip_days_off }, &[], PauseRule::WorkingTime)
    }
}

#[cfg(test)]
mod tests;
