//! The Vietnamese lunar calendar: conversions, leap months and year names.
//!
//! A [`LunarCalendar`] is Hồ Ngọc Đức's algorithm (see [`astro`]) evaluated
//! once for a time zone and kept as a table of month starts covering solar
//! years 1900–2199 (about 3,700 months). A conversion is then a binary search
//! in that table instead of a dozen trigonometric series, which is what lets
//! the holiday rules and the tests convert freely. [`LunarCalendar::vietnam`]
//! is the shared UTC+7 table; [`LunarCalendar::new`] builds one for another
//! offset (UTC+8 gives the Chinese calendar the tests compare against).

pub mod astro;

use std::fmt;
use std::sync::OnceLock;

use crate::date::{Date, VIETNAM_OFFSET_MINUTES};
use crate::error::Error;

/// First solar year covered by the lunar tables.
pub const FIRST_YEAR: i32 = 1900;
/// Last solar year covered by the lunar tables.
pub const LAST_YEAR: i32 = 2199;

/// The heavenly stems (can), indexed by `(year + 6) % 10`.
const STEMS: [&str; 10] = ["Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý"];
/// The earthly branches (chi), indexed by `(year + 8) % 12`.
const BRANCHES: [&str; 12] = ["Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi"];

/// The can-chi (sexagenary) name of a lunar year, e.g. "Bính Ngọ" for 2026.
#[must_use]
pub fn year_name(lunar_year: i32) -> String {
    let stem = STEMS[(lunar_year + 6).rem_euclid(10) as usize];
    let branch = BRANCHES[(lunar_year + 8).rem_euclid(12) as usize];
    format!("{stem} {branch}")
}

/// A date of the lunar calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LunarDate {
    /// The lunar year, numbered like the solar year in which it mostly falls
    /// (lunar 2026 begins on 17 February 2026).
    pub year: i32,
    /// The month, 1–12.
    pub month: u32,
    /// The day of the month, 1–30.
    pub day: u32,
    /// Whether the month is the leap (intercalary) repetition of `month`.
    pub leap: bool,
}

impl LunarDate {
    /// The can-chi name of the lunar year.
    #[must_use]
    pub fn year_name(&self) -> String {
        year_name(self.year)
    }
}

impl fmt::Display for LunarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let leap = if self.leap { " (nhuận)" } else { "" };
        write!(f, "{}/{}{leap}/{}", self.day, self.month, self.year)
    }
}

/// One lunar month of the table.
#[derive(Debug, Clone, Copy)]
struct Month {
    /// Day number (days since 1970-01-01) of its first day.
    start: i32,
    /// Lunar year.
    year: i32,
    /// Month number 1–12.
    month: u8,
    /// Leap month.
    leap: bool,
}

impl Month {
    /// Ordering key for lunar → solar look-ups: a leap month follows its namesake.
    fn key(&self) -> (i32, u8, bool) {
        (self.year, self.month, self.leap)
    }
}

/// Lunar-calendar tables for one time zone, covering solar years
/// [`FIRST_YEAR`]..=[`LAST_YEAR`].
#[derive(Debug, Clone)]
pub struct LunarCalendar {
    /// Offset from UTC in minutes.
    tz_minutes: i32,
    /// Months in order; `end` is the start of the month after the last.
    months: Vec<Month>,
    /// Day number at which the month after the last one begins.
    end: i32,
}

impl LunarCalendar {
    /// Builds the tables for a time zone given in minutes east of UTC
    /// (420 for Vietnam, 480 for China).
    #[must_use]
    pub fn new(tz_minutes: i32) -> LunarCalendar {
        let a11: Vec<i64> = (FIRST_YEAR - 1..=LAST_YEAR + 1).map(|y| astro::lunar_month_11(y, tz_minutes)).collect();
        let mut months = Vec::with_capacity(13 * a11.len());
        for (i, pair) in a11.windows(2).enumerate() {
            let (a, b) = (pair[0], pair[1]);
            let y = FIRST_YEAR - 1 + i as i32;
            let k = astro::new_moon_index(a);
            let leap_off = (b - a > 365).then(|| astro::leap_month_offset(a, tz_minutes));
            let count = if leap_off.is_some() { 13 } else { 12 };
            for diff in 0..count {
                let (mut month, leap) = match leap_off {
                    Some(off) if diff >= off => (diff + 10, diff == off),
                    _ => (diff + 11, false),
                };
                if month > 12 {
                    month -= 12;
                }
                let year = if month >= 11 && diff < 4 { y } else { y + 1 };
                let start = astro::new_moon_day(k + diff, tz_minutes);
                months.push(Month { start: astro::date_from_jd(start).day_number(), year, month: month as u8, leap });
            }
        }
        let end = astro::date_from_jd(*a11.last().unwrap_or(&0)).day_number();
        LunarCalendar { tz_minutes, months, end }
    }

    /// The shared UTC+7 (Vietnamese) calendar, built on first use.
    #[must_use]
    pub fn vietnam() -> &'static LunarCalendar {
        static VIETNAM: OnceLock<LunarCalendar> = OnceLock::new();
        VIETNAM.get_or_init(|| LunarCalendar::new(VIETNAM_OFFSET_MINUTES))
    }

    /// The time zone of this calendar, in minutes east of UTC.
    #[must_use]
    pub fn tz_minutes(&self) -> i32 {
        self.tz_minutes
    }

    /// Index of the month holding solar day number `d`, if covered.
    fn month_index(&self, d: i32) -> Option<usize> {
        let first = self.months.first()?;
        if d < first.start || d >= self.end {
            return None;
        }
        Some(self.months.partition_point(|m| m.start <= d) - 1)
    }

    /// Number of days of the month at `idx`.
    fn month_len(&self, idx: usize) -> i32 {
        let next = self.months.get(idx + 1).map_or(self.end, |m| m.start);
        next - self.months[idx].start
    }

    /// Checks that a solar date is within the supported years.
    fn check_solar(date: Date) -> Result<(), Error> {
        if (FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
            Ok(())
        } else {
            Err(Error::OutOfRange(format!("{date} is outside the lunar calendar's range {FIRST_YEAR}–{LAST_YEAR}")))
        }
    }

    /// Converts a solar date to the lunar calendar.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] outside solar years 1900–2199.
    pub fn to_lunar(&self, date: Date) -> Result<LunarDate, Error> {
        Self::check_solar(date)?;
        let d = date.day_number();
        let idx = self.month_index(d).ok_or_else(|| Error::OutOfRange(format!("{date} is not covered")))?;
        let m = self.months[idx];
        Ok(LunarDate { year: m.year, month: u32::from(m.month), day: (d - m.start + 1) as u32, leap: m.leap })
    }

    /// Converts a lunar date to the solar calendar.
    ///
    /// # Errors
    /// [`Error::InvalidLunarDate`] when the date does not exist: month outside
    /// 1–12, a leap month the year does not have, or a day past the month's
    /// length (29 or 30); [`Error::OutOfRange`] when the result would fall
    /// outside solar years 1900–2199.
    pub fn to_solar(&self, lunar: LunarDate) -> Result<Date, Error> {
        let LunarDate { year, month, day, leap } = lunar;
        let leap_txt = if leap { "leap " } else { "" };
        if !(1..=12).contains(&month) {
            return Err(Error::InvalidLunarDate(format!("month {month} does not exist (lunar months are 1–12)")));
        }
        let key = (year, month as u8, leap);
        let idx = self.months.partition_point(|m| m.key() < key);
        let found = self.months.get(idx).filter(|m| m.key() == key);
        let Some(m) = found else {
            if leap && self.months.iter().any(|m| m.year == year) {
                let actual = self.leap_month(year);
                let has = actual.map_or_else(|| "no leap month".to_owned(), |l| format!("only leap month {l}"));
                return Err(Error::InvalidLunarDate(format!(
                    "lunar year {year} ({}) has {has}, not leap month {month}",
                    year_name(year)
                )));
            }
            return Err(Error::OutOfRange(format!("lunar year {year} is outside the supported range")));
        };
        let len = self.month_len(idx);
        if day == 0 || day as i32 > len {
            return Err(Error::InvalidLunarDate(format!(
                "{leap_txt}month {month} of lunar year {year} has {len} days, so day {day} does not exist"
            )));
        }
        let date = Date::from_day_number(m.start + day as i32 - 1);
        Self::check_solar(date)?;
        Ok(date)
    }

    /// The leap month of a lunar year, if it has one.
    #[must_use]
    pub fn leap_month(&self, lunar_year: i32) -> Option<u32> {
        self.months.iter().find(|m| m.year == lunar_year && m.leap).map(|m| u32::from(m.month))
    }

    /// The solar date of lunar New Year's Day (Tết, 1/1) of a lunar year.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] for a year not covered.
    pub fn new_year(&self, lunar_year: i32) -> Result<Date, Error> {
        self.to_solar(LunarDate { year: lunar_year, month: 1, day: 1, leap: false })
    }
}

/// Converts a solar date to the Vietnamese (UTC+7) lunar calendar.
///
/// # Errors
/// See [`LunarCalendar::to_lunar`].
pub fn to_lunar(date: Date) -> Result<LunarDate, Error> {
    LunarCalendar::vietnam().to_lunar(date)
}

/// Converts a Vietnamese (UTC+7) lunar date to the solar calendar.
///
/// # Errors
/// See [`LunarCalendar::to_solar`].
pub fn to_solar(lunar: LunarDate) -> Result<Date, Error> {
    LunarCalendar::vietnam().to_solar(lunar)
}

#[cfg(test)]
mod tests;
