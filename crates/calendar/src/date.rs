//! Civil dates, weekdays, clock times and local date-times (UTC+7 wall clock).
//!
//! The crate keeps its own small time types instead of depending on `chrono`
//! or `time`: everything it computes is a count of days or of minutes, and a
//! deadline in Vietnamese public administration is stated in local (UTC+7)
//! wall-clock time, which has had no daylight saving since 1975. So:
//!
//! - [`Date`] is a proleptic Gregorian date stored as a day number (days
//!   since 1970-01-01), which makes "days between" and "day of week" plain
//!   integer arithmetic;
//! - [`Time`] is a minute of the day;
//! - [`DateTime`] is a local wall-clock minute (minutes since
//!   1970-01-01T00:00 local). Minutes are the resolution of office hours and
//!   of every legal deadline; seconds are not represented.
//!
//! Text forms follow the CLI contract: `YYYY-MM-DD`, `HH:MM` and
//! `YYYY-MM-DDTHH:MM`; on input a date-time may carry an explicit offset
//! (`+07:00`, or any other offset or `Z`, which is converted to UTC+7).

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// Minutes in a day.
pub const MINUTES_PER_DAY: i64 = 24 * 60;

/// The offset of Vietnamese local time from UTC, in minutes (UTC+7).
pub const VIETNAM_OFFSET_MINUTES: i32 = 7 * 60;

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Weekday {
    /// Thứ Hai.
    Monday,
    /// Thứ Ba.
    Tuesday,
    /// Thứ Tư.
    Wednesday,
    /// Thứ Năm.
    Thursday,
    /// Thứ Sáu.
    Friday,
    /// Thứ Bảy.
    Saturday,
    /// Chủ Nhật.
    Sunday,
}

impl Weekday {
    /// All weekdays, Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// Days since Monday: Monday is 0, Sunday is 6.
    #[must_use]
    pub const fn index(self) -> u8 {
        self as u8
    }

    /// The weekday whose [`index`](Self::index) is `i % 7`.
    #[must_use]
    pub const fn from_index(i: u8) -> Weekday {
        Weekday::ALL[(i % 7) as usize]
    }
}

/// A proleptic Gregorian calendar date (years 1..=9999).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    /// Days since 1970-01-01.
    days: i32,
}

/// Days since 1970-01-01 of a valid (year, month, day) (H. Hinnant's algorithm).
const fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i32 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Whether `year` is a Gregorian leap year.
#[must_use]
pub const fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days of a month of a year (`month` in 1..=12).
#[must_use]
pub const fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// The earliest representable date, 0001-01-01.
    pub const MIN: Date = Date { days: days_from_civil(1, 1, 1) };
    /// The latest representable date, 9999-12-31.
    pub const MAX: Date = Date { days: days_from_civil(9999, 12, 31) };

    /// The date of a year, month (1–12) and day (1–31), if it exists.
    ///
    /// # Errors
    /// [`Error::InvalidDate`] when the date does not exist (e.g. 2025-02-29)
    /// or the year is outside 1..=9999.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Result<Date, Error> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(Error::InvalidDate(format!("{year:04}-{month:02}-{day:02} is not a valid date")));
        }
        Ok(Date { days: days_from_civil(year, month, day) })
    }

    /// Like [`from_ymd`](Self::from_ymd) for dates known to be valid at
    /// compile time; panics on an invalid date (in const context, at compile time).
    #[must_use]
    pub const fn ymd(year: i32, month: u32, day: u32) -> Date {
        assert!(year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1, "invalid date");
        assert!(day <= days_in_month(year, month), "invalid date");
        Date { days: days_from_civil(year, month, day) }
    }

    /// The date `days` days after 1970-01-01 (negative: before).
    #[must_use]
    pub const fn from_day_number(days: i32) -> Date {
        Date { days }
    }

    /// Days since 1970-01-01 (negative before it).
    #[must_use]
    pub const fn day_number(self) -> i32 {
        self.days
    }

    /// The (year, month, day) of this date.
    #[must_use]
    pub const fn to_ymd(self) -> (i32, u32, u32) {
        let z = self.days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
        (y, m, d)
    }

    /// The year.
    #[must_use]
    pub const fn year(self) -> i32 {
        self.to_ymd().0
    }

    /// The day of the week.
    #[must_use]
    pub const fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday (index 3).
        Weekday::from_index((self.days + 3).rem_euclid(7) as u8)
    }

    /// The date `n` days later (earlier for negative `n`).
    #[must_use]
    pub const fn add_days(self, n: i32) -> Date {
        Date { days: self.days + n }
    }

    /// Days from `self` to `other` (`other - self`).
    #[must_use]
    pub const fn days_until(self, other: Date) -> i32 {
        other.days - self.days
    }

    /// The instant at `time` on this date.
    #[must_use]
    pub const fn at(self, time: Time) -> DateTime {
        DateTime { minutes: self.days as i64 * MINUTES_PER_DAY + time.minutes as i64 }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.to_ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Parses exactly `n` ASCII digits.
fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl FromStr for Date {
    type Err = Error;

    /// Parses `YYYY-MM-DD`.
    fn from_str(s: &str) -> Result<Date, Error> {
        let bad = || Error::InvalidDate(format!("'{s}' is not a date of the form YYYY-MM-DD"));
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let y = digits(&s[0..4]).ok_or_else(bad)?;
        let m = digits(&s[5..7]).ok_or_else(bad)?;
        let d = digits(&s[8..10]).ok_or_else(bad)?;
        Date::from_ymd(y as i32, m, d)
    }
}

/// A clock time with minute resolution, 00:00..=24:00 (24:00 is the end of a day).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Time {
    /// Minutes since midnight.
    minutes: u16,
}

impl Time {
    /// Midnight at the start of a day.
    pub const MIDNIGHT: Time = Time { minutes: 0 };
    /// 24:00, the end of a day (only meaningful as the end of an interval).
    pub const END_OF_DAY: Time = Time { minutes: 1440 };

    /// `hour:minute`; panics (at compile time in const context) when out of range.
    #[must_use]
    pub const fn hm(hour: u32, minute: u32) -> Time {
        assert!(minute < 60 && hour * 60 + minute <= 1440, "invalid time");
        Time { minutes: (hour * 60 + minute) as u16 }
    }

    /// `hour:minute`, checked.
    ///
    /// # Errors
    /// [`Error::InvalidTime`] when the minute is not below 60 or the time is after 24:00.
    pub fn from_hm(hour: u32, minute: u32) -> Result<Time, Error> {
        if minute >= 60 || hour * 60 + minute > 1440 {
            return Err(Error::InvalidTime(format!("{hour:02}:{minute:02} is not a valid time")));
        }
        Ok(Time::hm(hour, minute))
    }

    /// Minutes since midnight.
    #[must_use]
    pub const fn minutes(self) -> u32 {
        self.minutes as u32
    }

    /// The time `m` minutes after midnight (`m` ≤ 1440).
    ///
    /// # Errors
    /// [`Error::InvalidTime`] when `m` exceeds 1440.
    pub fn from_minutes(m: u32) -> Result<Time, Error> {
        Time::from_hm(m / 60, m % 60)
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}

impl FromStr for Time {
    type Err = Error;

    /// Parses `HH:MM` (24:00 allowed).
    fn from_str(s: &str) -> Result<Time, Error> {
        let bad = || Error::InvalidTime(format!("'{s}' is not a time of the form HH:MM"));
        let b = s.as_bytes();
        if b.len() != 5 || b[2] != b':' {
            return Err(bad());
        }
        let h = digits(&s[0..2]).ok_or_else(bad)?;
        let m = digits(&s[3..5]).ok_or_else(bad)?;
        Time::from_hm(h, m)
    }
}

/// A local (UTC+7) wall-clock instant with minute resolution.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime {
    /// Minutes since 1970-01-01T00:00 local time.
    minutes: i64,
}

impl DateTime {
    /// The instant `minutes` minutes after 1970-01-01T00:00 local time.
    #[must_use]
    pub const fn from_minutes(minutes: i64) -> DateTime {
        DateTime { minutes }
    }

    /// Minutes since 1970-01-01T00:00 local time.
    #[must_use]
    pub const fn minutes(self) -> i64 {
        self.minutes
    }

    /// The local date.
    #[must_use]
    pub const fn date(self) -> Date {
        Date::from_day_number(self.minutes.div_euclid(MINUTES_PER_DAY) as i32)
    }

    /// The local clock time (never 24:00).
    #[must_use]
    pub const fn time(self) -> Time {
        Time { minutes: self.minutes.rem_euclid(MINUTES_PER_DAY) as u16 }
    }

    /// The instant `n` minutes later (earlier for negative `n`).
    #[must_use]
    pub const fn add_minutes(self, n: i64) -> DateTime {
        DateTime { minutes: self.minutes + n }
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}T{}", self.date(), self.time())
    }
}

/// Parses an offset suffix (`Z`, `+HH:MM`, `-HH:MM`) into minutes east of UTC.
fn parse_offset(s: &str) -> Option<i32> {
    if s == "Z" {
        return Some(0);
    }
    let b = s.as_bytes();
    if b.len() != 6 || b[3] != b':' {
        return None;
    }
    let sign = match b[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let h = digits(&s[1..3])?;
    let m = digits(&s[4..6])?;
    (h <= 14 && m < 60).then(|| sign * (h * 60 + m) as i32)
}

impl FromStr for DateTime {
    type Err = Error;

    /// Parses `YYYY-MM-DDTHH:MM`, optionally followed by an offset (`+07:00`,
    /// or another offset or `Z`, converted to UTC+7).
    fn from_str(s: &str) -> Result<DateTime, Error> {
        let bad = || {
            Error::InvalidDateTime(format!("'{s}' is not a date-time of the form YYYY-MM-DDTHH:MM (optionally +07:00)"))
        };
        if s.len() < 16 || !s.is_char_boundary(16) || s.as_bytes()[10] != b'T' {
            return Err(bad());
        }
        let date: Date = s[..10].parse()?;
        let time: Time = s[11..16].parse().map_err(|_| bad())?;
        if time == Time::END_OF_DAY {
            return Err(bad());
        }
        let offset = match &s[16..] {
            "" => VIETNAM_OFFSET_MINUTES,
            rest => parse_offset(rest).ok_or_else(bad)?,
        };
        Ok(date.at(time).add_minutes(i64::from(VIETNAM_OFFSET_MINUTES - offset)))
    }
}

/// Debug output is the text form, which is what a failing test needs to show.
macro_rules! debug_as_display {
    ($($t:ty),*) => {$(
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }
    )*};
}
debug_as_display!(Date, Time, DateTime);

#[cfg(feature = "serde")]
mod serde_impls {
    //! Serde support: dates, times and date-times travel as their text forms.
    use super::{Date, DateTime, Time};
    use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error as _};

    macro_rules! via_string {
        ($t:ty) => {
            impl Serialize for $t {
                fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    s.collect_str(self)
                }
            }
            impl<'de> Deserialize<'de> for $t {
                fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    let s = String::deserialize(d)?;
                    s.parse().map_err(D::Error::custom)
                }
            }
        };
    }
    via_string!(Date);
    via_string!(Time);
    via_string!(DateTime);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_and_weekdays() {
        assert_eq!(Date::ymd(1970, 1, 1).day_number(), 0);
        assert_eq!(Date::ymd(1970, 1, 1).weekday(), Weekday::Thursday);
        assert_eq!(Date::ymd(2026, 2, 17).weekday(), Weekday::Tuesday);
        assert_eq!(Date::ymd(1900, 1, 1).weekday(), Weekday::Monday);
        assert_eq!(Date::ymd(2000, 2, 29).to_ymd(), (2000, 2, 29));
        for n in (Date::MIN.day_number()..=Date::MAX.day_number()).step_by(5) {
            let d = Date::from_day_number(n);
            let (y, m, dd) = d.to_ymd();
            assert_eq!(Date::from_ymd(y, m, dd).unwrap(), d);
        }
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!("2026-02-13".parse::<Date>().unwrap(), Date::ymd(2026, 2, 13));
        assert!("2025-02-29".parse::<Date>().is_err());
        assert!("2026-2-13".parse::<Date>().is_err());
        assert!("2026-02-13x".parse::<Date>().is_err());
        let t: DateTime = "2026-02-13T16:30".parse().unwrap();
        assert_eq!(t.to_string(), "2026-02-13T16:30");
        let t2: DateTime = "2026-02-13T16:30+07:00".parse().unwrap();
        assert_eq!(t, t2);
        let t3: DateTime = "2026-02-13T09:30Z".parse().unwrap();
        assert_eq!(t, t3);
        assert!("2026-02-13T24:00".parse::<DateTime>().is_err());
        assert!("2026-02-13T16:60".parse::<DateTime>().is_err());
        assert!("2026-02-13 16:30".parse::<DateTime>().is_err());
        assert!("2026-02-13T16:30+7".parse::<DateTime>().is_err());
        assert!("2026-02-13Tổ6:30".parse::<DateTime>().is_err());
        assert_eq!("11:30".parse::<Time>().unwrap(), Time::hm(11, 30));
    }
}
