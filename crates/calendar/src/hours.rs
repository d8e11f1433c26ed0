//! Office hours: the working intervals of a working day.
//!
//! The default is 07:00–11:30 and 13:30–17:00 (4.5 h + 3.5 h = 8 h), the
//! Thanh Hóa one-stop system's default. A unit may configure up to
//! [`MAX_INTERVALS`] intervals. The working time of a working day is the sum
//! of the intervals, and "one working day" of a time limit is that many
//! minutes (8 hours by default).

use std::fmt;

use crate::date::Time;
use crate::error::Error;

/// The largest number of intervals in a day.
pub const MAX_INTERVALS: usize = 4;

/// The office hours of a working day: sorted, disjoint, non-empty intervals.
///
/// It is `Copy` and allocation-free so that the deadline arithmetic that
/// uses it stays in the tens of nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OfficeHours {
    /// `(start, end)` minutes of the day; only the first `len` are used.
    intervals: [(u16, u16); MAX_INTERVALS],
    len: u8,
    /// Total minutes per working day.
    total: u16,
}

impl OfficeHours {
    /// 07:00–11:30 and 13:30–17:00.
    pub const DEFAULT: OfficeHours =
        OfficeHours { intervals: [(420, 690), (810, 1020), (0, 0), (0, 0)], len: 2, total: 480 };

    /// Office hours from `(start, end)` intervals.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] when there are no intervals or more than
    /// [`MAX_INTERVALS`], an interval is empty, or they overlap or are out of order.
    pub fn new(intervals: &[(Time, Time)]) -> Result<OfficeHours, Error> {
        if intervals.is_empty() || intervals.len() > MAX_INTERVALS {
            return Err(Error::InvalidConfig(format!(
                "office hours need 1 to {MAX_INTERVALS} intervals, not {}",
                intervals.len()
            )));
        }
        let mut out = [(0u16, 0u16); MAX_INTERVALS];
        let mut total = 0;
        let mut prev_end = 0;
        for (i, &(start, end)) in intervals.iter().enumerate() {
            let (s, e) = (start.minutes() as u16, end.minutes() as u16);
            if s >= e || (i > 0 && s < prev_end) {
                return Err(Error::InvalidConfig(format!(
                    "office hours {start}–{end} are empty, overlap or are out of order"
                )));
            }
            out[i] = (s, e);
            total += e - s;
            prev_end = e;
        }
        Ok(OfficeHours { intervals: out, len: intervals.len() as u8, total })
    }

    /// Parses a comma-separated list such as `07:00-11:30,13:30-17:00`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] or [`Error::InvalidTime`] for a malformed list.
    pub fn parse(s: &str) -> Result<OfficeHours, Error> {
        let intervals = s
            .split(',')
            .map(|part| {
                let (a, b) = part
                    .trim()
                    .split_once('-')
                    .ok_or_else(|| Error::InvalidConfig(format!("'{part}' is not an interval HH:MM-HH:MM")))?;
                Ok((a.trim().parse()?, b.trim().parse()?))
            })
            .collect::<Result<Vec<(Time, Time)>, Error>>()?;
        OfficeHours::new(&intervals)
    }

    /// The intervals as `(start, end)` minutes of the day.
    pub(crate) fn spans(&self) -> &[(u16, u16)] {
        &self.intervals[..self.len as usize]
    }

    /// The intervals.
    #[must_use]
    pub fn intervals(&self) -> Vec<(Time, Time)> {
        self.spans()
            .iter()
            .filter_map(|&(s, e)| {
                Some((Time::from_minutes(u32::from(s)).ok()?, Time::from_minutes(u32::from(e)).ok()?))
            })
            .collect()
    }

    /// Working minutes in a working day (480 by default).
    #[must_use]
    pub const fn minutes_per_day(&self) -> u32 {
        self.total as u32
    }

    /// Working minutes of a working day that lie before minute-of-day `tod`.
    pub(crate) fn minutes_before(&self, tod: u32) -> u32 {
        let tod = tod as u16;
        let mut sum = 0;
        for &(s, e) in self.spans() {
            if tod <= s {
                break;
            }
            sum += tod.min(e) - s;
        }
        u32::from(sum)
    }

    /// The earliest minute-of-day at which `r` working minutes of the day
    /// have elapsed (`r` in 1..=minutes_per_day): the end of an interval
    /// when `r` is exactly its cumulative end.
    pub(crate) fn time_after(&self, r: u32) -> u32 {
        let mut left = r as u16;
        for &(s, e) in self.spans() {
            if left <= e - s {
                return u32::from(s + left);
            }
            left -= e - s;
        }
        u32::from(self.spans().last().map_or(0, |&(_, e)| e))
    }

    /// The first minute-of-day ≥ `tod` that is inside an interval, if any.
    pub(crate) fn next_open(&self, tod: u32) -> Option<u32> {
        let tod = tod as u16;
        self.spans().iter().find(|&&(_, e)| tod < e).map(|&(s, _)| u32::from(tod.max(s)))
    }

    /// The first opening of the day (minute of the day).
    pub(crate) fn opening(&self) -> u32 {
        u32::from(self.intervals[0].0)
    }
}

impl Default for OfficeHours {
    fn default() -> OfficeHours {
        OfficeHours::DEFAULT
    }
}

impl fmt::Display for OfficeHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (s, e)) in self.intervals().into_iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{s}-{e}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_hours() {
        let h = OfficeHours::default();
        assert_eq!(h, OfficeHours::parse("07:00-11:30, 13:30-17:00").unwrap());
        assert_eq!(h.minutes_per_day(), 480);
        assert_eq!(h.to_string(), "07:00-11:30,13:30-17:00");
        assert_eq!(h.minutes_before(6 * 60), 0);
        assert_eq!(h.minutes_before(12 * 60), 270);
        assert_eq!(h.minutes_before(16 * 60), 420);
        assert_eq!(h.minutes_before(23 * 60), 480);
        assert_eq!(h.time_after(270), 690);
        assert_eq!(h.time_after(271), 811);
        assert_eq!(h.time_after(480), 1020);
        assert_eq!(h.next_open(700), Some(810));
        assert_eq!(h.next_open(1020), None);
    }

    #[test]
    fn rejects_bad_hours() {
        assert!(OfficeHours::parse("").is_err());
        assert!(OfficeHours::parse("11:00-10:00").is_err());
        assert!(OfficeHours::parse("07:00-12:00,11:00-17:00").is_err());
        assert!(OfficeHours::parse("07:00").is_err());
        assert!(OfficeHours::parse("7-8").is_err());
    }
}
