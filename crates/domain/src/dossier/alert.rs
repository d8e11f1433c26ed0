//! Due-soon and overdue alerts, and the phrases dossier lists show: "còn 2
//! ngày làm việc", "quá hạn 1 ngày" (UX.md "Dossier work";
//! one-stop-dossiers.md §7, §9).
//!
//! A dossier is *due soon* when at most [`AlertRules::due_soon_working_minutes`]
//! of working time are left. The default, two working days, leaves a day to
//! prepare the apology (Mẫu 04) and the day of notice it needed under NĐ
//! 61/2018 (recalled), so the alert comes early enough to issue it in time.
//! Time left is counted in working time for working-time limits and in
//! calendar time for calendar-day limits, and shown in whole days, then whole
//! hours, then minutes, rounded down. [`duration_vi`] words how long a step
//! or a pause took, in the same units.

use serde::{Deserialize, Serialize};

use super::deadline::{Deadlines, to_local};
use super::{Status, TimeUnit};

/// When a dossier counts as due soon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertRules {
    /// Working minutes left at or under which a dossier is due soon (default
    /// 960, two 8-hour working days).
    pub due_soon_working_minutes: u32,
}

impl Default for AlertRules {
    fn default() -> AlertRules {
        AlertRules { due_soon_working_minutes: 2 * 480 }
    }
}

/// Where a dossier stands against its due date, for lists and alerts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Not received yet: no due date runs.
    NotReceived,
    /// Processing is over (finished, returned, refused, withdrawn, stopped).
    Closed,
    /// The clock is stopped (waiting for a supplement, or for fees when that stops it).
    Paused,
    /// The procedure has no appointment date.
    NoDueDate,
    /// More than the due-soon margin is left.
    OnTrack,
    /// At most the due-soon margin is left.
    DueSoon,
    /// The due date has passed.
    Overdue,
}

impl Urgency {
    /// The stored (and CSS class) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::NotReceived => "not_received",
            Urgency::Closed => "closed",
            Urgency::Paused => "paused",
            Urgency::NoDueDate => "no_due_date",
            Urgency::OnTrack => "on_track",
            Urgency::DueSoon => "due_soon",
            Urgency::Overdue => "overdue",
        }
    }

    /// The Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Urgency::NotReceived => "Chưa tiếp nhận",
            Urgency::Closed => "Đã kết thúc xử lý",
            Urgency::Paused => "Tạm dừng tính thời gian",
            Urgency::NoDueDate => "Không có ngày hẹn trả",
            Urgency::OnTrack => "Trong hạn",
            Urgency::DueSoon => "Sắp đến hạn",
            Urgency::Overdue => "Quá hạn",
        }
    }

    /// Whether staff should be alerted (due soon or overdue).
    pub fn needs_attention(self) -> bool {
        matches!(self, Urgency::DueSoon | Urgency::Overdue)
    }
}

/// The time left before a due date, or past it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimeLeft {
    /// Whether the due date has passed.
    pub overdue: bool,
    /// Minutes left (or past): working minutes when `working`, else wall-clock minutes.
    pub minutes: i64,
    /// Whether `minutes` are working minutes.
    pub working: bool,
    /// Minutes in one day of the same kind (a working day, or 1,440).
    pub minutes_per_day: i64,
}

impl TimeLeft {
    /// Whole days, then whole hours of the rest, then minutes of the rest.
    pub fn parts(&self) -> (i64, i64, i64) {
        let rest = self.minutes % self.minutes_per_day;
        (self.minutes / self.minutes_per_day, rest / 60, rest % 60)
    }

    /// "còn 2 ngày làm việc", "còn 3 giờ làm việc", "quá hạn 1 ngày", "đến hạn".
    pub fn phrase_vi(&self) -> String {
        let (days, hours, minutes) = self.parts();
        let (amount, unit) = match (days, hours, minutes) {
            (d, _, _) if d > 0 => (d, "ngày"),
            (_, h, _) if h > 0 => (h, "giờ"),
            (_, _, m) if m > 0 => (m, "phút"),
            _ if self.overdue => return "vừa quá hạn".to_string(),
            _ => return "đến hạn".to_string(),
        };
        if self.overdue {
            format!("quá hạn {amount} {unit}")
        } else if self.working {
            format!("còn {amount} {unit} làm việc")
        } else {
            format!("còn {amount} {unit}")
        }
    }

    /// "2 working days left", "1 day overdue", "due now".
    pub fn phrase_en(&self) -> String {
        let (days, hours, minutes) = self.parts();
        let (amount, unit) = match (days, hours, minutes) {
            (d, _, _) if d > 0 => (d, "day"),
            (_, h, _) if h > 0 => (h, "hour"),
            (_, _, m) if m > 0 => (m, "minute"),
            _ if self.overdue => return "just overdue".to_string(),
            _ => return "due now".to_string(),
        };
        let plural = if amount == 1 { "" } else { "s" };
        if self.overdue {
            format!("{amount} {unit}{plural} overdue")
        } else if self.working {
            format!("{amount} working {unit}{plural} left")
        } else {
            format!("{amount} {unit}{plural} left")
        }
    }
}

/// A length of (working) time as a timeline shows how long a step took:
/// whole days, hours and minutes, zero parts left out ("1 ngày 2 giờ làm
/// việc", "45 phút"); under a minute is "dưới 1 phút". `minutes_per_day` is
/// 480 for working time (one 8-hour working day), 1,440 for calendar time.
pub fn duration_vi(minutes: i64, minutes_per_day: i64, working: bool) -> String {
    let parts = duration_parts(minutes, minutes_per_day);
    if parts.is_empty() {
        return "dưới 1 phút".to_string();
    }
    let words: Vec<String> = parts.iter().map(|&(n, unit)| format!("{n} {}", ["ngày", "giờ", "phút"][unit])).collect();
    let text = words.join(" ");
    if working { format!("{text} làm việc") } else { text }
}

/// The English twin of [`duration_vi`] ("1 working day 2 hours", "45 minutes").
pub fn duration_en(minutes: i64, minutes_per_day: i64, working: bool) -> String {
    let parts = duration_parts(minutes, minutes_per_day);
    if parts.is_empty() {
        return "under a minute".to_string();
    }
    let words: Vec<String> = parts
        .iter()
        .map(|&(n, unit)| {
            let name = ["day", "hour", "minute"][unit];
            let working = if working && unit == 0 { "working " } else { "" };
            format!("{n} {working}{name}{}", if n == 1 { "" } else { "s" })
        })
        .collect();
    words.join(" ")
}

/// The non-zero (amount, unit) parts of a duration: unit 0 days, 1 hours, 2 minutes.
fn duration_parts(minutes: i64, minutes_per_day: i64) -> Vec<(i64, usize)> {
    let minutes = minutes.max(0);
    let per_day = minutes_per_day.max(1);
    let rest = minutes % per_day;
    [(minutes / per_day, 0), (rest / 60, 1), (rest % 60, 2)].into_iter().filter(|&(n, _)| n > 0).collect()
}

impl Deadlines<'_> {
    /// Where a dossier in `status` with the current due date `due` stands at
    /// `now` (UTC milliseconds).
    pub fn urgency(&self, status: Status, due: Option<i64>, now: i64, rules: &AlertRules) -> Urgency {
        match status {
            Status::Submitted => return Urgency::NotReceived,
            Status::SupplementRequested => return Urgency::Paused,
            Status::FeeRequested if self.rules().fee_wait_stops_clock => return Urgency::Paused,
            s if !s.is_in_progress() => return Urgency::Closed,
            _ => {}
        }
        let Some(due) = due else {
            return Urgency::NoDueDate;
        };
        if now > due {
            return Urgency::Overdue;
        }
        let left = self.clock().working_minutes(to_local(now), to_local(due));
        if left <= i64::from(rules.due_soon_working_minutes) { Urgency::DueSoon } else { Urgency::OnTrack }
    }

    /// The time from `now` to `due` (UTC milliseconds) for a limit in `unit`.
    pub fn time_left(&self, now: i64, due: i64, unit: TimeUnit) -> TimeLeft {
        let (from, to) = (to_local(now), to_local(due));
        let working = unit != TimeUnit::CalendarDays;
        let minutes = if working { self.clock().working_minutes(from, to) } else { to.minutes() - from.minutes() };
        TimeLeft {
            overdue: now > due,
            minutes: minutes.abs(),
            working,
            minutes_per_day: if working { i64::from(self.minutes_per_day()) } else { 24 * 60 },
        }
    }
}

#[cfg(test)]
mod tests;
