//! Vietnamese lunar calendar, holidays, official schedules and working-time deadline arithmetic.
//!
#![doc = include_str!("../README.md")]
//!
//! # Modules
//!
//! - [`date`]: civil dates, clock times and local (UTC+7) date-times;
//! - [`lunar`]: the lunar calendar (Hồ Ngọc Đức's algorithm) and year names;
//! - [`holidays`]: statutory holidays and the default rule for a year;
//! - [`schedule`]: yearly schedules as data, and the shipped ones;
//! - [`workdays`]: the working week and [`WorkCalendar`], counting working days;
//! - [`hours`]: office hours;
//! - [`worktime`]: due dates, working time between instants, pauses;
//! - `cli` (feature `cli`): the `xaso calendar` subcommands.

pub mod date;
pub mod error;
pub mod holidays;
pub mod hours;
pub mod lunar;
pub mod schedule;
pub mod workdays;
pub mod worktime;

#[cfg(feature = "cli")]
pub mod cli;

pub use date::{Date, DateTime, Time, Weekday};
pub use error::Error;
pub use holidays::{Holiday, HolidayRules};
pub use hours::OfficeHours;
pub use lunar::{LunarCalendar, LunarDate};
pub use schedule::{EntryKind, ScheduleEntry, ScheduleState, YearSchedule};
pub use workdays::{CalendarBuilder, WorkCalendar, WorkWeek};
pub use worktime::{Limit, Pause, PauseRule, WorkClock};
