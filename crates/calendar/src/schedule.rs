//! Yearly holiday schedules as data: the official ones shipped with the
//! crate and the type an application stores and lets an admin edit.
//!
//! A [`YearSchedule`] is the complete list of exceptions to the working week
//! for one civil year: statutory holidays, compensatory and swapped days off,
//! and weekend days that are worked. When a calendar has a schedule for a
//! year it uses it *instead of* the default rule of [`crate::holidays`] for
//! that year (see [`crate::WorkCalendar`] for the working-day formula).
//!
//! [`official`] returns the schedules shipped in this crate. Their dates come
//! from `calendar.md` §2 (reported from the Bộ Nội vụ notices); the days the
//! notices are not quoted for are the statutory dates themselves.

use std::fmt;

use crate::date::Date;
use crate::error::Error;
use crate::holidays::Holiday;

/// What an entry of a schedule does to its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum EntryKind {
    /// A statutory holiday (Labour Code Art. 112). It may fall on a weekend.
    Holiday,
    /// A compensatory day off (nghỉ bù) for a holiday on a weekly rest day.
    CompensatoryOff,
    /// A bridge weekday given off in exchange for a worked weekend day.
    SwappedOff,
    /// A weekend day that is worked (đi làm bù): a working day for deadlines.
    SwappedWorkday,
}

impl EntryKind {
    /// Whether the entry takes a day off (every kind but [`EntryKind::SwappedWorkday`]).
    #[must_use]
    pub const fn is_off(self) -> bool {
        !matches!(self, EntryKind::SwappedWorkday)
    }

    /// The CLI's three-way classification: `holiday`, `day_off` or `workday`.
    #[must_use]
    pub const fn cli_kind(self) -> &'static str {
        match self {
            EntryKind::Holiday => "holiday",
            EntryKind::CompensatoryOff | EntryKind::SwappedOff => "day_off",
            EntryKind::SwappedWorkday => "workday",
        }
    }
}

/// Whether a schedule is still a proposal or has been confirmed from the official notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ScheduleState {
    /// Computed by the default rule, or reported but not yet checked by staff.
    #[default]
    Proposed,
    /// Entered or checked by staff from the official notice.
    Confirmed,
}

/// One dated entry of a yearly schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ScheduleEntry {
    /// The civil date.
    pub date: Date,
    /// What the entry does.
    pub kind: EntryKind,
    /// Display name, e.g. "Tết Nguyên Đán" or "Nghỉ bù Giỗ Tổ Hùng Vương".
    pub name: String,
    /// The statutory holiday the entry belongs to, if any (a compensatory day
    /// carries the holiday it compensates). Entries of
    /// [`Holiday::CultureDay`] are dropped when that holiday is switched off.
    #[cfg_attr(feature = "serde", serde(default))]
    pub holiday: Option<Holiday>,
}

impl ScheduleEntry {
    /// An entry named after its holiday.
    #[must_use]
    pub fn for_holiday(date: Date, kind: EntryKind, holiday: Holiday) -> ScheduleEntry {
        let name = match kind {
            EntryKind::CompensatoryOff => format!("Nghỉ bù {}", holiday.name()),
            EntryKind::SwappedOff => format!("Nghỉ hoán đổi ({})", holiday.name()),
            EntryKind::SwappedWorkday => format!("Làm bù ({})", holiday.name()),
            EntryKind::Holiday => holiday.name().to_owned(),
        };
        ScheduleEntry { date, kind, name, holiday: Some(holiday) }
    }
}

/// The holiday schedule of one civil year.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct YearSchedule {
    /// The civil year; every entry's date lies in it.
    pub year: i32,
    /// Proposed or confirmed.
    #[cfg_attr(feature = "serde", serde(default))]
    pub state: ScheduleState,
    /// The issuing document (number and date) or where the data comes from.
    #[cfg_attr(feature = "serde", serde(default))]
    pub basis: String,
    /// The entries, sorted by date.
    pub entries: Vec<ScheduleEntry>,
}

impl YearSchedule {
    /// Checks the schedule and sorts its entries by date.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] when an entry lies outside the year, or one
    /// date is both a day off and a worked day.
    pub fn normalized(mut self) -> Result<YearSchedule, Error> {
        self.entries.sort_by_key(|e| (e.date, e.kind));
        for e in &self.entries {
            if e.date.year() != self.year {
                return Err(Error::InvalidConfig(format!(
                    "schedule {}: entry '{}' on {} is outside the year",
                    self.year, e.name, e.date
                )));
            }
        }
        for w in self.entries.windows(2) {
            if w[0].date == w[1].date && w[0].kind.is_off() != w[1].kind.is_off() {
                return Err(Error::InvalidConfig(format!(
                    "schedule {}: {} is both a day off and a worked day",
                    self.year, w[0].date
                )));
            }
        }
        Ok(self)
    }
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.cli_kind())
    }
}

/// A shipped entry: (month, day, kind, holiday).
type Row = (u32, u32, EntryKind, Holiday);

use EntryKind::{CompensatoryOff as Comp, Holiday as Hol};
use Holiday::{CultureDay, HungKings, LabourDay, LunarNewYear, NationalDay, NewYear, VictoryDay};

/// 2025: Tết Sat 25/1 – Sun 2/2 (nine days, five of them weekdays).
const Y2025: &[Row] = &[
    (1, 1, Hol, NewYear),
    (1, 27, Hol, LunarNewYear),
    (1, 28, Hol, LunarNewYear),
    (1, 29, Hol, LunarNewYear),
    (1, 30, Hol, LunarNewYear),
    (1, 31, Hol, LunarNewYear),
    (4, 7, Hol, HungKings),
    (4, 30, Hol, VictoryDay),
    (5, 1, Hol, LabourDay),
    (9, 1, Hol, NationalDay),
    (9, 2, Hol, NationalDay),
];

/// 2026: Tết Mon 16/2 – Fri 20/2 with the adjoining weekends; Giỗ Tổ on
/// Sunday 26/4 compensated on Monday 27/4; Quốc khánh Tue 1/9 – Wed 2/9;
/// the first Ngày Văn hóa Việt Nam on Tuesday 24/11.
const Y2026: &[Row] = &[
    (1, 1, Hol, NewYear),
    (2, 16, Hol, LunarNewYear),
    (2, 17, Hol, LunarNewYear),
    (2, 18, Hol, LunarNewYear),
    (2, 19, Hol, LunarNewYear),
    (2, 20, Hol, LunarNewYear),
    (4, 26, Hol, HungKings),
    (4, 27, Comp, HungKings),
    (4, 30, Hol, VictoryDay),
    (5, 1, Hol, LabourDay),
    (9, 1, Hol, NationalDay),
    (9, 2, Hol, NationalDay),
    (11, 24, Hol, CultureDay),
];

/// The shipped tables: (year, basis, rows).
const OFFICIAL: &[(i32, &str, &[Row])] = &[
    (2025, "Tết: Bộ Nội vụ notice as reported in calendar.md §2; other days: the statutory dates", Y2025),
    (2026, "Thông báo 9441/TB-BNV/2025 as reported in calendar.md §2; NQ 28/2026/QH16 for 24/11", Y2026),
];

/// Years for which the crate ships a schedule.
#[must_use]
pub fn official_years() -> Vec<i32> {
    OFFICIAL.iter().map(|(y, _, _)| *y).collect()
}

/// The schedule shipped for a year, if any. Its state is
/// [`ScheduleState::Proposed`]: the dates are reported, and staff confirm
/// them against the notice.
#[must_use]
pub fn official(year: i32) -> Option<YearSchedule> {
    let (_, basis, rows) = OFFICIAL.iter().find(|(y, _, _)| *y == year)?;
    let entries = rows
        .iter()
        .map(|&(m, d, kind, holiday)| ScheduleEntry::for_holiday(Date::ymd(year, m, d), kind, holiday))
        .collect();
    Some(YearSchedule { year, state: ScheduleState::Proposed, basis: (*basis).to_owned(), entries })
}

#[cfg(all(test, feature = "serde"))]
mod serde_tests {
    use super::*;

    #[test]
    fn a_schedule_round_trips_through_json() {
        let json = r#"{
            "year": 2027,
            "state": "confirmed",
            "basis": "Thông báo (test)",
            "entries": [
                {"date": "2027-05-01", "kind": "holiday", "name": "Ngày Quốc tế Lao động", "holiday": "labour_day"},
                {"date": "2027-05-03", "kind": "compensatory_off", "name": "Nghỉ bù"},
                {"date": "2027-04-24", "kind": "swapped_workday", "name": "Làm bù"}
            ]
        }"#;
        let s: YearSchedule = serde_json::from_str(json).unwrap();
        assert_eq!(s.entries[0].holiday, Some(Holiday::LabourDay));
        assert_eq!(s.entries[1].holiday, None);
        assert_eq!(s.state, ScheduleState::Confirmed);
        let back: YearSchedule = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
        let cal = crate::WorkCalendar::builder().schedule(s).build().unwrap();
        assert!(cal.is_working_day(Date::ymd(2027, 4, 24)));
        assert!(!cal.is_working_day(Date::ymd(2027, 5, 3)));
        assert!(
            serde_json::from_str::<YearSchedule>(
                r#"{"year":2027,"entries":[{"date":"2027-02-30","kind":"holiday","name":"x"}]}"#
            )
            .is_err()
        );
    }
}
