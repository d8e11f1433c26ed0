//! Statutory holidays (Labour Code 2019, Art. 112) and the default rule that
//! proposes a year's schedule when no official one is loaded.
//!
//! The law fixes most holidays but leaves three choices to the yearly notice
//! of the Prime Minister / Bộ Nội vụ. The default rule makes them as follows,
//! and is what [`HolidayRules::proposal`] returns:
//!
//! 1. **Fixed solar days**: 1/1, 30/4, 1/5, 2/9, and — when
//!    [`HolidayRules::culture_day`] is on — Ngày Văn hóa Việt Nam 24/11 from
//!    1 July 2026 (NQ 28/2026/QH16, as reported).
//! 2. **Lunar days** at UTC+7: Giỗ Tổ Hùng Vương on 10/3, and Tết.
//! 3. **Tết's five days** are five consecutive days holding lunar New Year's
//!    Day and starting one or two days before it. Of the two windows the rule
//!    takes the one with more working days of the week, so the break joins
//!    the weekends and needs fewer compensatory days; on a tie it starts on
//!    New Year's Eve. (This reproduces 2025, Mon 27/1 – Fri 31/1, and 2026,
//!    Mon 16/2 – Fri 20/2.)
//! 4. **Quốc khánh's second day** is chosen by the weekday of 2/9 so that the
//!    break touches a weekend: Monday → Tue 3/9; Tuesday → Mon 1/9;
//!    Wednesday → Tue 1/9 (as in 2026); Thursday → Fri 3/9; Friday → Thu 1/9;
//!    Saturday → Fri 1/9; Sunday → Mon 3/9.
//! 5. **Compensatory days** (Art. 111(3)): each holiday on a weekly rest day
//!    is compensated on the first later working day of the week that is not
//!    already a holiday or a compensatory day.
//!
//! The rule is applied to every year the calendar covers (the 2019 Code's
//! list, also for years before it took effect); load schedules for years
//! where history matters.

use crate::date::{Date, Weekday};
use crate::lunar::{LunarCalendar, LunarDate};
use crate::schedule::{EntryKind, ScheduleEntry, ScheduleState, YearSchedule};
use crate::workdays::WorkWeek;

/// A statutory holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Holiday {
    /// Tết Dương lịch, 1/1.
    NewYear,
    /// Tết Nguyên Đán (Tết Âm lịch), five days around lunar 1/1.
    LunarNewYear,
    /// Giỗ Tổ Hùng Vương, lunar 10/3.
    HungKings,
    /// Ngày Chiến thắng, 30/4.
    VictoryDay,
    /// Ngày Quốc tế Lao động, 1/5.
    LabourDay,
    /// Quốc khánh, 2/9 and an adjacent day.
    NationalDay,
    /// Ngày Văn hóa Việt Nam, 24/11, from 2026.
    CultureDay,
}

impl Holiday {
    /// The Vietnamese name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Holiday::NewYear => "Tết Dương lịch",
            Holiday::LunarNewYear => "Tết Nguyên Đán",
            Holiday::HungKings => "Giỗ Tổ Hùng Vương",
            Holiday::VictoryDay => "Ngày Chiến thắng",
            Holiday::LabourDay => "Ngày Quốc tế Lao động",
            Holiday::NationalDay => "Quốc khánh",
            Holiday::CultureDay => "Ngày Văn hóa Việt Nam",
        }
    }
}

/// The first day on which Ngày Văn hóa Việt Nam is a paid holiday (1 July 2026).
pub const CULTURE_DAY_IN_FORCE: Date = Date::ymd(2026, 7, 1);

/// Settings of the statutory rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HolidayRules {
    /// Whether Ngày Văn hóa Việt Nam (24/11) is a holiday from 1 July 2026.
    /// On by default, as reported (NQ 28/2026/QH16). When off, schedule
    /// entries belonging to it are dropped too.
    pub culture_day: bool,
}

impl Default for HolidayRules {
    fn default() -> HolidayRules {
        HolidayRules { culture_day: true }
    }
}

/// The second Quốc khánh day for the weekday of 2/9 (rule 4 of the module doc).
fn second_national_day(sep2: Date) -> Date {
    let offset = match sep2.weekday() {
        Weekday::Monday | Weekday::Thursday | Weekday::Sunday => 1,
        _ => -1,
    };
    sep2.add_days(offset)
}

/// The five Tết days (rule 3 of the module doc).
fn tet_window(new_year: Date, week: WorkWeek) -> Date {
    let score = |start: Date| (0..5).filter(|&i| week.works(start.add_days(i))).count();
    let eve = new_year.add_days(-1);
    let before_eve = new_year.add_days(-2);
    if score(before_eve) > score(eve) { before_eve } else { eve }
}

impl HolidayRules {
    /// Whether an entry survives these settings (the culture-day switch).
    #[must_use]
    pub fn keeps(&self, entry: &ScheduleEntry) -> bool {
        self.culture_day || entry.holiday != Some(Holiday::CultureDay)
    }

    /// The statutory holidays of a civil year as the default rule places
    /// them, sorted by date (weekend dates included). Lunar holidays are
    /// omitted for years the lunar tables do not cover.
    #[must_use]
    pub fn holidays(&self, year: i32, week: WorkWeek, lunar: &LunarCalendar) -> Vec<(Date, Holiday)> {
        let mut days = vec![
            (Date::ymd(year, 1, 1), Holiday::NewYear),
            (Date::ymd(year, 4, 30), Holiday::VictoryDay),
            (Date::ymd(year, 5, 1), Holiday::LabourDay),
        ];
        let sep2 = Date::ymd(year, 9, 2);
        days.push((sep2, Holiday::NationalDay));
        days.push((second_national_day(sep2), Holiday::NationalDay));
        let nov24 = Date::ymd(year, 11, 24);
        if self.culture_day && nov24 >= CULTURE_DAY_IN_FORCE {
            days.push((nov24, Holiday::CultureDay));
        }
        if let Ok(new_year) = lunar.new_year(year) {
            let start = tet_window(new_year, week);
            days.extend((0..5).map(|i| (start.add_days(i), Holiday::LunarNewYear)));
        }
        let hung = LunarDate { year, month: 3, day: 10, leap: false };
        if let Ok(date) = lunar.to_solar(hung) {
            days.push((date, Holiday::HungKings));
        }
        days.sort();
        days
    }

    /// The schedule the default rule proposes for a civil year: the
    /// holidays of [`holidays`](Self::holidays) plus their compensatory days.
    #[must_use]
    pub fn proposal(&self, year: i32, week: WorkWeek, lunar: &LunarCalendar) -> YearSchedule {
        let holidays = self.holidays(year, week, lunar);
        let mut taken: Vec<Date> = holidays.iter().map(|(d, _)| *d).collect();
        let mut entries: Vec<ScheduleEntry> =
            holidays.iter().map(|&(d, h)| ScheduleEntry::for_holiday(d, EntryKind::Holiday, h)).collect();
        for &(date, holiday) in &holidays {
            if week.works(date) {
                continue;
            }
            let mut comp = date.add_days(1);
            while !week.works(comp) || taken.contains(&comp) {
                comp = comp.add_days(1);
            }
            taken.push(comp);
            entries.push(ScheduleEntry::for_holiday(comp, EntryKind::CompensatoryOff, holiday));
        }
        // A compensatory day of 31/12 may spill into the next year; the
        // schedule keeps only its own year.
        entries.retain(|e| e.date.year() == year);
        entries.sort_by_key(|e| (e.date, e.kind));
        YearSchedule {
            year,
            state: ScheduleState::Proposed,
            basis: "default rule of the calendar crate (Labour Code 2019 Art. 111–112)".to_owned(),
            entries,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule;

    fn dates(s: &YearSchedule, kind: EntryKind) -> Vec<String> {
        s.entries.iter().filter(|e| e.kind == kind).map(|e| e.date.to_string()).collect()
    }

    #[test]
    fn default_rule_reproduces_the_shipped_schedules() {
        let lunar = LunarCalendar::vietnam();
        for year in schedule::official_years() {
            let proposed = HolidayRules::default().proposal(year, WorkWeek::MON_FRI, lunar);
            let shipped = schedule::official(year).unwrap();
            assert_eq!(proposed.entries, shipped.entries, "{year}");
        }
    }

    #[test]
    fn proposal_2026() {
        let p = HolidayRules::default().proposal(2026, WorkWeek::MON_FRI, LunarCalendar::vietnam());
        assert_eq!(
            dates(&p, EntryKind::Holiday),
            [
                "2026-01-01",
                "2026-02-16",
                "2026-02-17",
                "2026-02-18",
                "2026-02-19",
                "2026-02-20",
                "2026-04-26",
                "2026-04-30",
                "2026-05-01",
                "2026-09-01",
                "2026-09-02",
                "2026-11-24"
            ]
        );
        assert_eq!(dates(&p, EntryKind::CompensatoryOff), ["2026-04-27"]);
        let off = HolidayRules { culture_day: false }.proposal(2026, WorkWeek::MON_FRI, LunarCalendar::vietnam());
        assert!(!dates(&off, EntryKind::Holiday).contains(&"2026-11-24".to_owned()));
        // Before 1 July 2026 there is no culture day even with the switch on.
        let p25 = HolidayRules::default().proposal(2025, WorkWeek::MON_FRI, LunarCalendar::vietnam());
        assert!(p25.entries.iter().all(|e| e.holiday != Some(Holiday::CultureDay)));
    }

    #[test]
    fn compensation_and_second_national_day() {
        let lunar = LunarCalendar::vietnam();
        // 2023: 2/9 is a Saturday → Fri 1/9 and a compensatory Mon 4/9.
        let p = HolidayRules::default().proposal(2023, WorkWeek::MON_FRI, lunar);
        let nd: Vec<_> = p
            .entries
            .iter()
            .filter(|e| e.holiday == Some(Holiday::NationalDay))
            .map(|e| (e.date.to_string(), e.kind))
            .collect();
        assert_eq!(
            nd,
            [
                ("2023-09-01".to_owned(), EntryKind::Holiday),
                ("2023-09-02".to_owned(), EntryKind::Holiday),
                ("2023-09-04".to_owned(), EntryKind::CompensatoryOff)
            ]
        );
        // 2024: 2/9 is a Monday → Tue 3/9.
        let p = HolidayRules::default().proposal(2024, WorkWeek::MON_FRI, lunar);
        assert!(dates(&p, EntryKind::Holiday).contains(&"2024-09-03".to_owned()));
        // Every year: 11 holiday dates (12 with the culture day), each
        // weekend holiday compensated exactly once on a free weekday.
        for year in 1900..=2199 {
            let p = HolidayRules::default().proposal(year, WorkWeek::MON_FRI, lunar);
            let hol = dates(&p, EntryKind::Holiday);
            let expected = if year >= 2026 { 12 } else { 11 };
            assert_eq!(hol.len(), expected, "{year}: {hol:?}");
            for e in p.entries.iter().filter(|e| e.kind == EntryKind::CompensatoryOff) {
                assert!(WorkWeek::MON_FRI.works(e.date), "{year}: {}", e.date);
                assert_eq!(p.entries.iter().filter(|x| x.date == e.date).count(), 1);
            }
        }
    }

    #[test]
    fn tet_window_prefers_weekdays() {
        // 2025: Tết on Wednesday → Mon–Fri (starts two days before).
        let ny = LunarCalendar::vietnam().new_year(2025).unwrap();
        assert_eq!(tet_window(ny, WorkWeek::MON_FRI), Date::ymd(2025, 1, 27));
        // 2024: Tết on Saturday 10/2 → windows Thu–Mon or Fri–Tue tie at 3; New Year's Eve wins.
        let ny = LunarCalendar::vietnam().new_year(2024).unwrap();
        assert_eq!(tet_window(ny, WorkWeek::MON_FRI), Date::ymd(2024, 2, 9));
    }
}
