//! Working days: the working week, the calendar of exceptions and
//! constant-time counting of working days.
//!
//! A date is a working day (calendar.md §5, rule 1) when it is a working day
//! of the week (Monday–Friday by default) and no schedule entry takes it off,
//! or when a schedule entry makes it a worked weekend day.
//!
//! [`WorkCalendar`] turns the schedules of its years into the list of dates
//! where that differs from the working week (about ten a year), and from it
//! a bitmap of working days in 64-day blocks with running counts (see
//! `bits`). Counting the working days before a date is one `popcount`, and
//! finding the k-th working day one table look-up and a broadword select;
//! outside the covered years the week's closed formula takes over. No
//! operation walks day by day, so a span of 1,000 working days costs what a
//! span of one does.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use crate::date::{Date, Weekday};
use crate::error::Error;
use crate::holidays::HolidayRules;
use crate::lunar::{self, LunarCalendar};
use crate::schedule::{self, YearSchedule};

mod bits;
use bits::DayBits;

/// The days of the week that are working days (for deadlines).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WorkWeek {
    /// Bit `i` set: the weekday of index `i` (Monday = 0) works.
    mask: u8,
}

impl WorkWeek {
    /// Monday to Friday (the deadline week, QĐ 188/1999/QĐ-TTg).
    pub const MON_FRI: WorkWeek = WorkWeek { mask: 0b001_1111 };

    /// A working week of the given days.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] when no day is given.
    pub fn new(days: &[Weekday]) -> Result<WorkWeek, Error> {
        let mask = days.iter().fold(0u8, |m, d| m | 1 << d.index());
        if mask == 0 {
            return Err(Error::InvalidConfig("a working week needs at least one working day".to_owned()));
        }
        Ok(WorkWeek { mask })
    }

    /// Whether the weekday works.
    #[must_use]
    pub const fn includes(self, day: Weekday) -> bool {
        self.mask & (1 << day.index()) != 0
    }

    /// Whether the date's weekday works (ignoring holidays).
    #[must_use]
    pub const fn works(self, date: Date) -> bool {
        self.includes(date.weekday())
    }

    /// Number of working days per week.
    #[must_use]
    pub const fn days_per_week(self) -> u32 {
        self.mask.count_ones()
    }
}

impl Default for WorkWeek {
    fn default() -> WorkWeek {
        WorkWeek::MON_FRI
    }
}

/// A Monday used as the origin of week arithmetic (1970-01-05).
const ORIGIN: i32 = 4;

/// The working week turned into closed formulas.
#[derive(Debug, Clone)]
struct WeekCount {
    /// Working days per week.
    per_week: i64,
    /// `before[r]`: working days among the first `r` days of a week (Monday first).
    before: [i64; 8],
    /// `nth[r]`: the weekday index of the r-th working day of a week.
    nth: [i32; 7],
}

impl WeekCount {
    fn new(week: WorkWeek) -> WeekCount {
        let mut before = [0; 8];
        let mut nth = [0; 7];
        let mut n = 0;
        for i in 0..7u8 {
            before[i as usize] = n;
            if week.includes(Weekday::from_index(i)) {
                nth[n as usize] = i32::from(i);
                n += 1;
            }
        }
        before[7] = n;
        WeekCount { per_week: n, before, nth }
    }

    /// Working days of the week pattern in [ORIGIN, d) (negative before ORIGIN).
    fn count_before(&self, d: i32) -> i64 {
        let n = i64::from(d - ORIGIN);
        n.div_euclid(7) * self.per_week + self.before[n.rem_euclid(7) as usize]
    }

    /// The pattern working day with `k` pattern working days in [ORIGIN, day).
    fn kth(&self, k: i64) -> i32 {
        // Division by a constant compiles to a multiplication; the five-day
        // week is the case worth that.
        let (weeks, r) = match self.per_week {
            5 => (k.div_euclid(5), k.rem_euclid(5) as usize),
            n => (k.div_euclid(n), k.rem_euclid(n) as usize),
        };
        ORIGIN + (weeks * 7) as i32 + self.nth[r]
    }
}

/// The calendar of working days: a working week, holiday rules and yearly
/// schedules, precomputed for fast counting.
#[derive(Debug, Clone)]
pub struct WorkCalendar {
    week: WorkWeek,
    rules: HolidayRules,
    years: RangeInclusive<i32>,
    /// Schedules loaded for particular years (override the default rule).
    schedules: BTreeMap<i32, YearSchedule>,
    count: WeekCount,
    /// Day numbers where the working status differs from the week, ascending.
    ex_days: Vec<i32>,
    /// Whether the exception at the same index is a worked day (else a day off).
    ex_works: Vec<bool>,
    /// The bitmap of working days over the covered years.
    bits: DayBits,
    /// `ex_offs[j]`: days off among the first `j` exceptions.
    ex_offs: Vec<i64>,
    /// Net working days added by the exceptions (after the bitmap's range).
    after: i64,
}

/// Builds a [`WorkCalendar`].
#[derive(Debug, Clone)]
pub struct CalendarBuilder {
    week: WorkWeek,
    rules: HolidayRules,
    years: RangeInclusive<i32>,
    official: bool,
    schedules: Vec<YearSchedule>,
}

impl Default for CalendarBuilder {
    fn default() -> CalendarBuilder {
        CalendarBuilder {
            week: WorkWeek::MON_FRI,
            rules: HolidayRules::default(),
            years: lunar::FIRST_YEAR..=lunar::LAST_YEAR,
            official: true,
            schedules: Vec::new(),
        }
    }
}

impl CalendarBuilder {
    /// Sets the working week (default Monday–Friday).
    #[must_use]
    pub fn work_week(mut self, week: WorkWeek) -> CalendarBuilder {
        self.week = week;
        self
    }

    /// Sets the holiday rules (default: [`HolidayRules::default`]).
    #[must_use]
    pub fn rules(mut self, rules: HolidayRules) -> CalendarBuilder {
        self.rules = rules;
        self
    }

    /// Switches Ngày Văn hóa Việt Nam (24/11, from 2026) on or off.
    #[must_use]
    pub fn culture_day(mut self, on: bool) -> CalendarBuilder {
        self.rules.culture_day = on;
        self
    }

    /// The civil years for which holidays are applied (default 1900–2199,
    /// the lunar tables' range). Outside them only the working week and
    /// loaded schedules apply.
    #[must_use]
    pub fn years(mut self, years: RangeInclusive<i32>) -> CalendarBuilder {
        self.years = years;
        self
    }

    /// Whether to load the schedules shipped with the crate (default yes).
    #[must_use]
    pub fn official_schedules(mut self, on: bool) -> CalendarBuilder {
        self.official = on;
        self
    }

    /// Loads a schedule for its year, replacing any shipped one and the default rule.
    #[must_use]
    pub fn schedule(mut self, schedule: YearSchedule) -> CalendarBuilder {
        self.schedules.push(schedule);
        self
    }

    /// Builds the calendar.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] when a schedule is inconsistent (see
    /// [`YearSchedule::normalized`]) or the years are outside 1..=9999.
    pub fn build(self) -> Result<WorkCalendar, Error> {
        if *self.years.start() < 1 || *self.years.end() > 9999 {
            return Err(Error::InvalidConfig("calendar years must lie within 1..=9999".to_owned()));
        }
        let mut schedules = BTreeMap::new();
        if self.official {
            for y in schedule::official_years() {
                schedules.extend(schedule::official(y).map(|s| (y, s)));
            }
        }
        for s in self.schedules {
            let s = s.normalized()?;
            schedules.insert(s.year, s);
        }
        let mut cal = WorkCalendar {
            week: self.week,
            rules: self.rules,
            years: self.years,
            schedules,
            count: WeekCount::new(self.week),
            ex_days: Vec::new(),
            ex_works: Vec::new(),
            bits: DayBits::default(),
            after: 0,
            ex_offs: Vec::new(),
        };
        cal.index_exceptions();
        Ok(cal)
    }
}

impl WorkCalendar {
    /// A builder with the defaults: Monday–Friday, culture day on, the
    /// shipped schedules, years 1900–2199.
    #[must_use]
    pub fn builder() -> CalendarBuilder {
        CalendarBuilder::default()
    }

    /// The default Vietnamese calendar (see [`builder`](Self::builder)).
    #[must_use]
    pub fn vietnam() -> WorkCalendar {
        let Ok(cal) = CalendarBuilder::default().build() else { unreachable!("the default configuration is valid") };
        cal
    }

    /// The working week.
    #[must_use]
    pub fn work_week(&self) -> WorkWeek {
        self.week
    }

    /// The holiday rules.
    #[must_use]
    pub fn rules(&self) -> HolidayRules {
        self.rules
    }

    /// The schedule in force for a year: the loaded one, else the default
    /// rule's proposal; `None` for a year outside the calendar's years
    /// that has no loaded schedule. Entries
    /// switched off by the rules (the culture day) are left out.
    #[must_use]
    pub fn schedule(&self, year: i32) -> Option<YearSchedule> {
        let mut s = match self.schedules.get(&year) {
            Some(s) => s.clone(),
            None if self.years.contains(&year) => self.rules.proposal(year, self.week, LunarCalendar::vietnam()),
            None => return None,
        };
        s.entries.retain(|e| self.rules.keeps(e));
        Some(s)
    }

    /// Whether a year's schedule was loaded (shipped or given) rather than proposed.
    #[must_use]
    pub fn has_loaded_schedule(&self, year: i32) -> bool {
        self.schedules.contains_key(&year)
    }

    /// Computes the exception index from the schedules of every covered year.
    fn index_exceptions(&mut self) {
        let mut status: BTreeMap<i32, bool> = BTreeMap::new();
        let mut years: Vec<i32> = self.years.clone().collect();
        years.extend(self.schedules.keys().filter(|y| !self.years.contains(y)));
        for year in years {
            let Some(s) = self.schedule(year) else {
                continue;
            };
            for e in &s.entries {
                let d = e.date.day_number();
                // A worked-day entry wins over any day-off entry of the same date.
                let works = status.get(&d).copied().unwrap_or(false) || !e.kind.is_off();
                status.insert(d, works);
            }
        }
        let mut offs = 0i64;
        let mut list = Vec::new();
        self.ex_offs.push(0);
        for (d, works) in status {
            if works == self.week.works(Date::from_day_number(d)) {
                continue;
            }
            self.ex_days.push(d);
            list.push((d, works));
            self.ex_works.push(works);
            offs += i64::from(!works);
            self.ex_offs.push(offs);
        }
        // The bitmap spans the calendar's years and every exception.
        let mut first = Date::ymd(*self.years.start(), 1, 1).day_number();
        let mut end = Date::ymd(*self.years.end(), 12, 31).day_number() + 1;
        if let (Some(a), Some(b)) = (list.first(), list.last()) {
            first = first.min(a.0);
            end = end.max(b.0 + 1);
        }
        let mut patterns = [0u64; 7];
        for (w, p) in patterns.iter_mut().enumerate() {
            *p = (0..64)
                .filter(|i| self.week.includes(Weekday::from_index(((w + i) % 7) as u8)))
                .fold(0, |m, i| m | 1 << i);
        }
        self.bits = DayBits::new(first, end, &patterns, self.count.count_before(first), &list);
        self.after = self.bits.count_at_end() - self.count.count_before(self.bits.end());
    }

    /// Number of exceptions strictly before day `d`.
    fn ex_before(&self, d: i32) -> usize {
        self.ex_days.partition_point(|&e| e < d)
    }

    /// Whether a date is a working day.
    #[must_use]
    pub fn is_working_day(&self, date: Date) -> bool {
        self.position(date).1
    }

    /// Working days in [1970-01-05, `date`) (negative before): the
    /// cumulative count that differences of give spans.
    #[must_use]
    pub fn working_days_before(&self, date: Date) -> i64 {
        self.position(date).0
    }

    /// [`working_days_before`](Self::working_days_before) and
    /// [`is_working_day`](Self::is_working_day) together.
    #[inline]
    pub(crate) fn position(&self, date: Date) -> (i64, bool) {
        let d = date.day_number();
        if let Some(found) = self.bits.rank(d) {
            return found;
        }
        // Outside the bitmap only the week applies (plus, after it, the net
        // effect of every exception).
        let extra = if d < self.bits.end() { 0 } else { self.after };
        (self.count.count_before(d) + extra, self.week.works(date))
    }

    /// The working day with exactly `k` working days before it (counted as in
    /// [`working_days_before`](Self::working_days_before)).
    #[must_use]
    #[inline]
    pub fn nth_working_day(&self, k: i64) -> Date {
        if let Some(d) = self.bits.select(k) {
            return Date::from_day_number(d);
        }
        let extra = if k < self.bits.count_at_start() { 0 } else { self.after };
        Date::from_day_number(self.count.kth(k - extra))
    }

    /// Working days in [`from`, `to`) (negative when `to` < `from`).
    #[must_use]
    pub fn working_days_between(&self, from: Date, to: Date) -> i64 {
        self.working_days_before(to) - self.working_days_before(from)
    }

    /// The first working day on or after `date`.
    #[must_use]
    pub fn next_working_day(&self, date: Date) -> Date {
        self.nth_working_day(self.working_days_before(date))
    }

    /// `date` rolled forward to a working day, then moved `n` working days
    /// (backwards for negative `n`): `numpy.busday_offset(date, n, roll="forward")`.
    #[must_use]
    pub fn add_working_days(&self, date: Date, n: i64) -> Date {
        self.nth_working_day(self.working_days_before(date) + n)
    }

    /// Days off that are working days of the week (holidays, compensatory
    /// and swapped days off on weekdays) in [`from`, `to`).
    #[must_use]
    pub fn weekday_days_off_between(&self, from: Date, to: Date) -> i64 {
        let (a, b) = (self.ex_before(from.day_number()), self.ex_before(to.day_number()));
        self.ex_offs[b] - self.ex_offs[a]
    }

    /// Every exception to the working week in [`from`, `to`): (date, works).
    /// Days off on weekend days are not exceptions and are not listed.
    #[must_use]
    pub fn exceptions(&self, from: Date, to: Date) -> Vec<(Date, bool)> {
        let (a, b) = (self.ex_before(from.day_number()), self.ex_before(to.day_number()));
        (a..b).map(|j| (Date::from_day_number(self.ex_days[j]), self.ex_works[j])).collect()
    }
}

#[cfg(test)]
mod tests;
