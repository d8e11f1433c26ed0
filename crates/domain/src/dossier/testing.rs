//! Helpers shared by the dossier tests: local times and the calendar.

use std::sync::OnceLock;

use calendar::WorkCalendar;

use super::deadline::{DeadlineRules, Deadlines};

/// A local (UTC+7) `YYYY-MM-DDTHH:MM` as UTC milliseconds, through chrono
/// (independently of the module's own conversion).
pub(crate) fn vn(s: &str) -> i64 {
    let t = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap();
    crate::time::local_to_utc_ms(t)
}

/// The default Vietnamese calendar with the shipped 2025 and 2026 schedules, built once.
pub(crate) fn vietnam() -> &'static WorkCalendar {
    static CAL: OnceLock<WorkCalendar> = OnceLock::new();
    CAL.get_or_init(WorkCalendar::vietnam)
}

/// Deadlines under the default rules.
pub(crate) fn deadlines() -> Deadlines<'static> {
    Deadlines::new(vietnam(), DeadlineRules::default())
}

/// Deadlines under the default rules changed by `f`.
pub(crate) fn deadlines_with(f: impl FnOnce(&mut DeadlineRules)) -> Deadlines<'static> {
    let mut r = DeadlineRules::default();
    f(&mut r);
    Deadlines::new(vietnam(), r)
}
