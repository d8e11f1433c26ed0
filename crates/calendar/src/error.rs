//! The crate's error type: every way an input can be refused.
//!
//! Messages are written for the person who typed the input (the CLI prints
//! them as they are), so each one names the offending value.

use std::fmt;

/// Why an input was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A solar date that does not exist or is malformed.
    InvalidDate(String),
    /// A clock time that does not exist or is malformed.
    InvalidTime(String),
    /// A date-time that is malformed.
    InvalidDateTime(String),
    /// A lunar date that does not exist (a leap month the year lacks, day 30
    /// of a 29-day month, month 13, …).
    InvalidLunarDate(String),
    /// A date outside the range the lunar tables or the calendar cover.
    OutOfRange(String),
    /// Office hours, a schedule or another setting that is inconsistent.
    InvalidConfig(String),
    /// A duration that is negative, not a whole number of minutes, or too large.
    InvalidDuration(String),
    /// A pause interval whose end precedes its start.
    InvalidPause(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, msg) = match self {
            Error::InvalidDate(m) => ("invalid date", m),
            Error::InvalidTime(m) => ("invalid time", m),
            Error::InvalidDateTime(m) => ("invalid date-time", m),
            Error::InvalidLunarDate(m) => ("invalid lunar date", m),
            Error::OutOfRange(m) => ("out of range", m),
            Error::InvalidConfig(m) => ("invalid configuration", m),
            Error::InvalidDuration(m) => ("invalid duration", m),
            Error::InvalidPause(m) => ("invalid pause", m),
        };
        write!(f, "{what}: {msg}")
    }
}

impl std::error::Error for Error {}
