//! Due dates (ngày hẹn trả) in working time: from receipt, through
//! stop-the-clock pauses, to extensions (one-stop-dossiers.md §5–§7).
//!
//! The arithmetic is the `calendar` crate's ([`calendar::WorkClock`] over
//! [`calendar::WorkCalendar`]: working days with the holidays and the
//! official make-up days, office hours, the 8-hour day); this module applies
//! the one-stop rules on top:
//!
//! - **Start.** Counting starts at receipt if that is inside office hours of
//!   a working day, else at the next opening (after 17:00 → 07:00 of the next
//!   working day, lunch → 13:30). With a per-procedure cut-off
//!   ([`DeadlineRules::cutoff`], e.g. 15:00), a receipt at or after it counts
//!   from the next working day.
//! - **Due at receipt** ([`Deadlines::due`]): working days and hours are
//!   working minutes (one working day = one day of office hours); calendar
//!   days count weekends, and a due date on a day off moves to the next
//!   working day (whether weekday days off inside the span are skipped too is
//!   [`DeadlineRules::skip_days_off_in_calendar_days`]). No appointment date,
//!   no due date.
//! - **Pauses** ([`Deadlines::shift`]): a supplement request (and, by
//!   default, a fee request) stops the clock; on resumption the due date
//!   moves by the paused *working* time ([`PauseRule::WorkingTime`]), or by
//!   the wall-clock length rolled forward to working time as the Thanh Hóa
//!   system does ([`PauseRule::WallClock`]). Calendar-day limits always move
//!   by the wall-clock length, then to a working day. A pause that begins
//!   after the due date does not move it: the dossier is already late.
//! - **Extensions** ([`Deadlines::check_extension`]): the apology (Mẫu 04)
//!   sets a new due date, later than the current one, issued at least
//!   [`DeadlineRules::extension_notice_working_days`] before it (1 day under
//!   NĐ 61/2018, recalled, hence a setting). Pauses after it move the new date.
//! - Both dates are kept ([`DueDates`]): the one printed on the receipt, the
//!   one moved by pauses only, and the current one, because whether Decision
//!   766 judges against the extended date is not confirmed.
//!
//! Instants are UTC milliseconds; the arithmetic runs on local (UTC+7) wall
//! minutes, so seconds are dropped (a receipt at 16:00:40 counts from 16:00).

use calendar::{DateTime, Limit, OfficeHours, PauseRule, Time, WorkCalendar, WorkClock};
use serde::{Deserialize, Serialize};

use super::{TimeLimit, TimeUnit};

/// Milliseconds per minute.
const MINUTE_MS: i64 = 60_000;
/// Minutes per calendar day.
const DAY_MINUTES: i64 = 24 * 60;
/// UTC+7 in milliseconds.
const OFFSET_MS: i64 = crate::time::VN_OFFSET_SECS as i64 * 1000;

/// A stored instant (UTC milliseconds) as a local (UTC+7) wall-clock minute.
pub fn to_local(ms: i64) -> DateTime {
    DateTime::from_minutes((ms + OFFSET_MS).div_euclid(MINUTE_MS))
}

/// A local (UTC+7) wall-clock minute as a stored instant (UTC milliseconds).
pub fn from_local(t: DateTime) -> i64 {
    t.minutes() * MINUTE_MS - OFFSET_MS
}

/// Why a pause or an extension was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// A pause ends before it starts.
    #[error("thời điểm tiếp tục phải sau thời điểm tạm dừng (a pause must end after it starts)")]
    BadPause,
    /// The new date of an extension is not after the current due date.
    #[error(
        "ngày hẹn mới ({proposed}) phải sau ngày hẹn hiện tại ({current}) (the new date must be after the current due date)"
    )]
    NotLater {
        /// The current due date, as shown (`dd/MM/yyyy HH:mm`).
        current: String,
        /// The proposed date, as shown.
        proposed: String,
    },
    /// The apology comes too close to (or after) the due date.
    #[error(
        "văn bản xin lỗi và gia hạn phải ban hành trước hạn ({due}) ít nhất {days} ngày làm việc (the apology \
         must be issued at least {days} working day(s) before the due date)"
    )]
    TooLate {
        /// The current due date, as shown.
        due: String,
        /// The notice required, in working days.
        days: u32,
    },
}

/// The deadline settings a dossier is computed under: the unit's office
/// hours, the procedure's cut-off, and the rules the domain files leave open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineRules {
    /// Office hours (default 07:00–11:30 and 13:30–17:00, 8 h a day).
    pub hours: OfficeHours,
    /// Receipts at or after this time count from the next working day (a
    /// per-procedure setting, e.g. 15:00); none by default.
    pub cutoff: Option<Time>,
    /// How a pause moves a working-time due date (default: by the paused working time).
    pub pause_rule: PauseRule,
    /// Whether weekday days off inside a calendar-day span are skipped
    /// (a configuration flag in the rules; off by default).
    pub skip_days_off_in_calendar_days: bool,
    /// Whether waiting for fees stops the clock like a supplement request.
    /// The domain files do not say; on by default, as the wait is the applicant's.
    pub fee_wait_stops_clock: bool,
    /// Working days before the due date by which an apology must be issued;
    /// `None` for no check. 1 under NĐ 61/2018 (recalled).
    pub extension_notice_working_days: Option<u32>,
}

impl Default for DeadlineRules {
    fn default() -> DeadlineRules {
        DeadlineRules {
            hours: OfficeHours::DEFAULT,
            cutoff: None,
            pause_rule: PauseRule::WorkingTime,
            skip_days_off_in_calendar_days: false,
            fee_wait_stops_clock: true,
            extension_notice_working_days: Some(1),
        }
    }
}

/// Why the clock stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseReason {
    /// Waiting for the applicant to supplement (status 5, Mẫu 02).
    Supplement,
    /// Waiting for fees or other obligations (status 6).
    Fee,
}

/// A stop-the-clock interval, stored as data (one-stop-dossiers.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Pause {
    /// When the clock stopped (the request), UTC milliseconds.
    pub from: i64,
    /// When it started again (the resumption), UTC milliseconds.
    pub to: i64,
    /// Why.
    pub reason: PauseReason,
}

impl Pause {
    /// A pause from `from` to `to`.
    ///
    /// # Errors
    /// [`DeadlineError::BadPause`] when `to` precedes `from`.
    pub fn new(from: i64, to: i64, reason: PauseReason) -> Result<Pause, DeadlineError> {
        if to < from {
            return Err(DeadlineError::BadPause);
        }
        Ok(Pause { from, to, reason })
    }
}

/// An extension (Mẫu 04): when the apology was issued and the new due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Extension {
    /// When the apology was issued, UTC milliseconds.
    pub issued_at: i64,
    /// The new due date, UTC milliseconds.
    pub new_due: i64,
}

/// A dossier's due dates, UTC milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DueDates {
    /// Set at receipt and printed on the receipt (Mẫu 01); never changes.
    pub original: i64,
    /// The original date moved by the pauses, ignoring extensions.
    pub without_extension: i64,
    /// The date in force: the last extension's, moved by later pauses.
    pub current: i64,
}

/// Due-date arithmetic for one set of rules over a working calendar.
#[derive(Debug, Clone, Copy)]
pub struct Deadlines<'a> {
    clock: WorkClock<'a>,
    rules: DeadlineRules,
}

impl<'a> Deadlines<'a> {
    /// The arithmetic of `rules` over `calendar` (e.g. [`WorkCalendar::vietnam`]).
    pub fn new(calendar: &'a WorkCalendar, rules: DeadlineRules) -> Deadlines<'a> {
        Deadlines { clock: calendar.clock(rules.hours), rules }
    }

    /// The rules.
    pub fn rules(&self) -> &DeadlineRules {
        &self.rules
    }

    /// The working clock (calendar and office hours).
    pub fn clock(&self) -> WorkClock<'a> {
        self.clock
    }

    /// Working minutes in one working day (480 by default).
    pub fn minutes_per_day(&self) -> u32 {
        self.rules.hours.minutes_per_day()
    }

    /// When counting starts for a receipt at `received_at` (see the module doc).
    pub fn start(&self, received_at: i64) -> i64 {
        let t = to_local(received_at);
        from_local(match self.rules.cutoff {
            Some(cutoff) => self.clock.start_with_cutoff(t, cutoff),
            None => self.clock.start_of_count(t),
        })
    }

    /// The due date at receipt, `None` without an appointment date.
    pub fn due(&self, received_at: i64, limit: TimeLimit) -> Option<i64> {
        let start = to_local(self.start(received_at));
        let due = match limit {
            TimeLimit::WorkingDays(n) => {
                self.clock.add_working_minutes(start, u64::from(n) * u64::from(self.minutes_per_day()))
            }
            TimeLimit::WorkingHours(h) => self.clock.add_working_minutes(start, u64::from(h) * 60),
            TimeLimit::CalendarDays(days) => self.clock.due(
                start,
                Limit::CalendarDays { days, skip_days_off: self.rules.skip_days_off_in_calendar_days },
                &[],
                self.rules.pause_rule,
            ),
            TimeLimit::None => return None,
        };
        Some(from_local(due))
    }

    /// Whether a pause for this reason stops the clock.
    pub fn stops_clock(&self, reason: PauseReason) -> bool {
        match reason {
            PauseReason::Supplement => true,
            PauseReason::Fee => self.rules.fee_wait_stops_clock,
        }
    }

    /// The due date `due` (of a limit in `unit`) moved by one pause, as on
    /// resumption (see the module doc). Pauses that do not stop the clock,
    /// and pauses that begin at or after the due date, leave it unchanged.
    pub fn shift(&self, due: i64, pause: &Pause, unit: TimeUnit) -> i64 {
        if !self.stops_clock(pause.reason) {
            return due;
        }
        let (d, from, to) = (to_local(due), to_local(pause.from), to_local(pause.to));
        from_local(self.shift_local(d, from, to, unit))
    }

    fn shift_local(&self, due: DateTime, from: DateTime, to: DateTime, unit: TimeUnit) -> DateTime {
        if to <= from {
            return due;
        }
        let wall = to.minutes() - from.minutes();
        match (unit, self.rules.pause_rule) {
            (TimeUnit::CalendarDays, _) if from < due => {
                let moved = due.add_minutes(wall);
                self.clock.calendar().next_working_day(moved.date()).at(moved.time())
            }
            (TimeUnit::CalendarDays, _) => due,
            (_, PauseRule::WorkingTime) => {
                // Compare working positions: a pause that starts after hours
                // on the due day starts, in working time, at the due date.
                if self.clock.working_index(from) >= self.clock.working_index(due) {
                    return due;
                }
                match self.clock.working_minutes(from, to) {
                    w if w > 0 => self.clock.add_working_minutes(due, w as u64),
                    _ => due,
                }
            }
            (_, PauseRule::WallClock) if from < due => self.clock.start_of_count(due.add_minutes(wall)),
            (_, PauseRule::WallClock) => due,
        }
    }

    /// The pauses that stop the clock, sorted and with overlaps merged.
    fn clock_stops(&self, pauses: &[Pause]) -> Vec<(i64, i64)> {
        let mut v: Vec<(i64, i64)> =
            pauses.iter().filter(|p| self.stops_clock(p.reason) && p.to > p.from).map(|p| (p.from, p.to)).collect();
        v.sort_unstable();
        let mut out: Vec<(i64, i64)> = Vec::with_capacity(v.len());
        for (a, b) in v {
            match out.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        out
    }

    /// `due` moved by every clock-stopping pause that begins at or after `since`.
    fn shift_all(&self, due: i64, stops: &[(i64, i64)], since: i64, unit: TimeUnit) -> i64 {
        stops
            .iter()
            .filter(|&&(a, _)| a >= since)
            .fold(due, |d, &(a, b)| from_local(self.shift_local(to_local(d), to_local(a), to_local(b), unit)))
    }

    /// A dossier's due dates from its receipt, limit, closed pauses and
    /// extensions (in any order); `None` without an appointment date.
    ///
    /// Pauses apply one by one to the due date in force when they begin, as
    /// on each resumption; the last extension replaces the due date and only
    /// pauses from its issue on move it further.
    pub fn due_dates(
        &self,
        received_at: i64,
        limit: TimeLimit,
        pauses: &[Pause],
        extensions: &[Extension],
    ) -> Option<DueDates> {
        let original = self.due(received_at, limit)?;
        let unit = limit.unit();
        let stops = self.clock_stops(pauses);
        let without_extension = self.shift_all(original, &stops, i64::MIN, unit);
        let current = match extensions.iter().max_by_key(|e| e.issued_at) {
            Some(e) => self.shift_all(e.new_due, &stops, e.issued_at, unit),
            None => without_extension,
        };
        Some(DueDates { original, without_extension, current })
    }

    /// Checks an extension against the current due date: the new date must be
    /// later, and the apology issued at least the notice before (compared by
    /// local dates: issued on a working day before the due day counts as one).
    ///
    /// # Errors
    /// [`DeadlineError::NotLater`] or [`DeadlineError::TooLate`].
    pub fn check_extension(&self, current_due: i64, extension: &Extension) -> Result<(), DeadlineError> {
        if extension.new_due <= current_due {
            return Err(DeadlineError::NotLater {
                current: crate::time::format_local(current_due),
                proposed: crate::time::format_local(extension.new_due),
            });
        }
        if let Some(days) = self.rules.extension_notice_working_days {
            let (issued, due) = (to_local(extension.issued_at), to_local(current_due));
            let notice = self.clock.calendar().working_days_between(issued.date(), due.date());
            if issued > due || notice < i64::from(days) {
                return Err(DeadlineError::TooLate { due: crate::time::format_local(current_due), days });
            }
        }
        Ok(())
    }

    /// Processing time in minutes from receipt to `finished_at`, without the
    /// clock-stopping pauses: working minutes (from the start of counting)
    /// for working-time units and procedures without a date, wall-clock
    /// minutes for calendar days. Negative when `finished_at` precedes the start.
    pub fn elapsed_minutes(&self, received_at: i64, finished_at: i64, pauses: &[Pause], unit: TimeUnit) -> i64 {
        let (start, end) = (self.start(received_at), finished_at);
        let stops = self.clock_stops(pauses);
        let span = |a: i64, b: i64| match unit {
            TimeUnit::CalendarDays => to_local(b).minutes() - to_local(a).minutes(),
            _ => self.clock.working_minutes(to_local(a), to_local(b)),
        };
        let paused: i64 = stops
            .iter()
            .map(|&(a, b)| (a.max(start), b.min(end)))
            .filter(|(a, b)| a < b)
            .map(|(a, b)| span(a, b))
            .sum();
        span(start, end) - paused
    }

    /// Processing time in the procedure's unit (766 item 2.2): working days,
    /// working hours, or calendar days (working days for a procedure without
    /// a date).
    pub fn elapsed_in_unit(&self, received_at: i64, finished_at: i64, pauses: &[Pause], unit: TimeUnit) -> f64 {
        let minutes = self.elapsed_minutes(received_at, finished_at, pauses, unit) as f64;
        match unit {
            TimeUnit::WorkingDays | TimeUnit::None => minutes / f64::from(self.minutes_per_day()),
            TimeUnit::WorkingHours => minutes / 60.0,
            TimeUnit::CalendarDays => minutes / DAY_MINUTES as f64,
        }
    }

    /// A limit in the minutes [`elapsed_minutes`](Self::elapsed_minutes)
    /// counts; `None` without a limit.
    pub fn limit_minutes(&self, limit: TimeLimit) -> Option<i64> {
        match limit {
            TimeLimit::WorkingDays(n) => Some(i64::from(n) * i64::from(self.minutes_per_day())),
            TimeLimit::WorkingHours(h) => Some(i64::from(h) * 60),
            TimeLimit::CalendarDays(d) => Some(i64::from(d) * DAY_MINUTES),
            TimeLimit::None => None,
        }
    }
}

#[cfg(test)]
mod tests;
