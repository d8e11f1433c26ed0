//! The `xaso calendar` subcommands: parse arguments, call the library, print JSON.
//!
//! Other systems script against this output, so it is a contract (issue 3):
//! every command prints one JSON object or array on one line; times are
//! local (UTC+7) and written `YYYY-MM-DDTHH:MM`; `+07:00` (or another
//! offset, converted) is accepted on input. Values are taken as text and
//! checked here, so that every bad input — malformed dates, impossible lunar
//! dates, negative counts — gets exit code 1 and a message on `err`, rather
//! than a clap usage error.
//!
//! The binary wires it as
//! `Calendar { #[command(subcommand)] cmd: calendar::cli::Command }` and
//! exits with `calendar::cli::run(cmd, &mut stdout, &mut stderr)`.

use std::io::Write;

use serde::Serialize;

use crate::date::DateTime;
use crate::error::Error;
use crate::hours::OfficeHours;
use crate::lunar::{self, LunarDate};
use crate::workdays::WorkCalendar;
use crate::worktime::{Limit, Pause, PauseRule};

/// Options shared by the commands that need the working calendar.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct CalendarArgs {
    /// Do not treat Ngày Văn hóa Việt Nam (24/11, from 2026) as a holiday.
    #[arg(long)]
    pub no_culture_day: bool,
    /// Office hours, e.g. `07:00-11:30,13:30-17:00` (the default).
    #[arg(long, value_name = "HH:MM-HH:MM,...")]
    pub office_hours: Option<String>,
}

/// A `xaso calendar` subcommand.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Convert a solar date to the Vietnamese lunar calendar.
    Lunar {
        /// Solar date, YYYY-MM-DD.
        date: String,
    },
    /// Convert a lunar date (YYYY-MM-DD, lunar year-month-day) to the solar calendar.
    Solar {
        /// Lunar date, YYYY-MM-DD (e.g. 2026-01-01 for Tết 2026).
        date: String,
        /// The month is the leap (intercalary) month.
        #[arg(long)]
        leap: bool,
    },
    /// List the holidays, extra days off and worked weekend days of a year.
    DaysOff {
        /// The year.
        #[arg(allow_hyphen_values = true)]
        year: String,
        /// Calendar options.
        #[command(flatten)]
        calendar: CalendarArgs,
    },
    /// Compute a due date from a start instant and a time limit.
    Due {
        /// Start (receipt) instant, YYYY-MM-DDTHH:MM.
        #[arg(long)]
        from: String,
        /// Time limit in working days (decimals allowed, 1 day = 8 working hours).
        #[arg(long, allow_hyphen_values = true)]
        working_days: Option<String>,
        /// Time limit in working hours (decimals allowed).
        #[arg(long, allow_hyphen_values = true)]
        working_hours: Option<String>,
        /// Time limit in calendar days; a due date on a day off moves to the next working day.
        #[arg(long, allow_hyphen_values = true)]
        calendar_days: Option<String>,
        /// With --calendar-days: weekday days off inside the span do not count.
        #[arg(long)]
        skip_days_off: bool,
        /// A stop-the-clock interval FROM/TO; repeatable.
        #[arg(long = "pause", value_name = "FROM/TO")]
        pauses: Vec<String>,
        /// Pauses move the due date by their wall-clock length (instead of stopping working time).
        #[arg(long)]
        wall_clock_pauses: bool,
        /// Cut-off time HH:MM: a receipt at or after it counts from the next working day.
        #[arg(long, value_name = "HH:MM")]
        cutoff: Option<String>,
        /// Calendar options.
        #[command(flatten)]
        calendar: CalendarArgs,
    },
    /// Working time between two instants, in hours.
    Between {
        /// Start instant, YYYY-MM-DDTHH:MM.
        #[arg(long)]
        from: String,
        /// End instant, YYYY-MM-DDTHH:MM.
        #[arg(long)]
        to: String,
        /// A stop-the-clock interval FROM/TO to exclude; repeatable.
        #[arg(long = "pause", value_name = "FROM/TO")]
        pauses: Vec<String>,
        /// Calendar options.
        #[command(flatten)]
        calendar: CalendarArgs,
    },
}

/// `lunar` output.
#[derive(Serialize)]
struct LunarOut {
    year: i32,
    month: u32,
    day: u32,
    leap: bool,
    year_name: String,
}

/// `solar` output.
#[derive(Serialize)]
struct SolarOut {
    date: String,
}

/// One `days-off` element.
#[derive(Serialize)]
struct DayOut {
    date: String,
    name: String,
    kind: &'static str,
}

/// `due` output.
#[derive(Serialize)]
struct DueOut {
    due: String,
}

/// `between` output.
#[derive(Serialize)]
struct BetweenOut {
    working_hours: f64,
}

/// Largest accepted limits, far beyond any procedure, so results stay in range.
const MAX_WORKING_DAYS: u64 = 100_000;
const MAX_CALENDAR_DAYS: u64 = 100_000;

/// Runs a subcommand, printing JSON to `out` and errors to `err`.
/// Returns the process exit code: 0 on success, 1 on bad input.
pub fn run(cmd: Command, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    match execute(cmd) {
        Ok(json) => match writeln!(out, "{json}") {
            Ok(()) => 0,
            Err(e) => {
                // Nothing more useful can be done if stderr fails too.
                let _ = writeln!(err, "error: cannot write output: {e}");
                1
            }
        },
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            1
        }
    }
}

/// Runs a subcommand and returns its JSON text.
fn execute(cmd: Command) -> Result<String, Error> {
    match cmd {
        Command::Lunar { date } => {
            let l = lunar::to_lunar(date.parse()?)?;
            json(&LunarOut { year: l.year, month: l.month, day: l.day, leap: l.leap, year_name: l.year_name() })
        }
        Command::Solar { date, leap } => {
            let (year, month, day) = parse_lunar(&date)?;
            let date = lunar::to_solar(LunarDate { year, month, day, leap })?;
            json(&SolarOut { date: date.to_string() })
        }
        Command::DaysOff { year, calendar } => days_off(&year, &calendar),
        Command::Due {
            from,
            working_days,
            working_hours,
            calendar_days,
            skip_days_off,
            pauses,
            wall_clock_pauses,
            cutoff,
            calendar,
        } => {
            let (cal, hours) = build(&calendar)?;
            let mut start: DateTime = from.parse()?;
            if let Some(cutoff) = cutoff {
                start = cal.clock(hours).start_with_cutoff(start, cutoff.parse()?);
            }
            let limit = limit(
                working_days.as_deref(),
                working_hours.as_deref(),
                calendar_days.as_deref(),
                skip_days_off,
                hours.minutes_per_day(),
            )?;
            let pauses = parse_pauses(&pauses)?;
            let rule = if wall_clock_pauses { PauseRule::WallClock } else { PauseRule::WorkingTime };
            let due = cal.clock(hours).due(start, limit, &pauses, rule);
            json(&DueOut { due: due.to_string() })
        }
        Command::Between { from, to, pauses, calendar } => {
            let (cal, hours) = build(&calendar)?;
            let (from, to): (DateTime, DateTime) = (from.parse()?, to.parse()?);
            let pauses = parse_pauses(&pauses)?;
            let minutes = cal.clock(hours).working_minutes_excluding(from, to, &pauses);
            json(&BetweenOut { working_hours: minutes as f64 / 60.0 })
        }
    }
}

/// Serializes an output value.
fn json<T: Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|e| Error::InvalidConfig(e.to_string()))
}

/// The calendar and office hours the options ask for.
fn build(args: &CalendarArgs) -> Result<(WorkCalendar, OfficeHours), Error> {
    let hours = match &args.office_hours {
        Some(s) => OfficeHours::parse(s)?,
        None => OfficeHours::default(),
    };
    let cal = WorkCalendar::builder().culture_day(!args.no_culture_day).build()?;
    Ok((cal, hours))
}

/// `days-off YEAR`.
fn days_off(year: &str, args: &CalendarArgs) -> Result<String, Error> {
    let y: i32 = year.parse().map_err(|_| Error::OutOfRange(format!("'{year}' is not a year")))?;
    let (cal, _) = build(args)?;
    let schedule = cal.schedule(y).ok_or_else(|| {
        Error::OutOfRange(format!("{y} is outside the supported years {}–{}", lunar::FIRST_YEAR, lunar::LAST_YEAR))
    })?;
    let days: Vec<DayOut> = schedule
        .entries
        .iter()
        .map(|e| DayOut { date: e.date.to_string(), name: e.name.clone(), kind: e.kind.cli_kind() })
        .collect();
    json(&days)
}

/// Parses a lunar `YYYY-MM-DD` (no solar validity check: 2026-02-30 is a
/// well-formed lunar date that may or may not exist).
fn parse_lunar(s: &str) -> Result<(i32, u32, u32), Error> {
    let bad = || Error::InvalidLunarDate(format!("'{s}' is not a lunar date of the form YYYY-MM-DD"));
    let mut parts = s.split('-');
    let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let all_digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(y, 4) && all_digits(m, 2) && all_digits(d, 2)) {
        return Err(bad());
    }
    Ok((y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?))
}

/// A non-negative decimal as `numerator / 10^scale`.
fn parse_decimal(flag: &str, s: &str) -> Result<(u64, u32), Error> {
    let bad = |why: &str| Error::InvalidDuration(format!("{flag} '{s}' {why}"));
    if s.starts_with('-') {
        return Err(bad("must not be negative"));
    }
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || frac.len() > 6 || int.len() > 9 {
        return Err(bad("is not a non-negative number"));
    }
    let scale = frac.len() as u32;
    let n = format!("{int}{frac}").parse::<u64>().map_err(|_| bad("is not a number"))?;
    Ok((n, scale))
}

/// A decimal count times `unit` minutes, which must come out whole.
fn to_minutes(flag: &str, s: &str, unit: u64, max: u64) -> Result<u64, Error> {
    let (n, scale) = parse_decimal(flag, s)?;
    let denom = 10u64.pow(scale);
    if n / denom > max {
        return Err(Error::InvalidDuration(format!("{flag} {s} is too large (at most {max})")));
    }
    let scaled = n * unit;
    if !scaled.is_multiple_of(denom) {
        return Err(Error::InvalidDuration(format!("{flag} {s} is not a whole number of minutes")));
    }
    Ok(scaled / denom)
}

/// The one limit given among the three flags.
fn limit(
    working_days: Option<&str>,
    working_hours: Option<&str>,
    calendar_days: Option<&str>,
    skip_days_off: bool,
    minutes_per_day: u32,
) -> Result<Limit, Error> {
    match (working_days, working_hours, calendar_days) {
        (Some(d), None, None) => {
            Ok(Limit::WorkingMinutes(to_minutes("--working-days", d, u64::from(minutes_per_day), MAX_WORKING_DAYS)?))
        }
        (None, Some(h), None) => {
            Ok(Limit::WorkingMinutes(to_minutes("--working-hours", h, 60, MAX_WORKING_DAYS * 24)?))
        }
        (None, None, Some(c)) => {
            let (n, scale) = parse_decimal("--calendar-days", c)?;
            if scale > 0 {
                return Err(Error::InvalidDuration(format!("--calendar-days {c} must be a whole number of days")));
            }
            if n > MAX_CALENDAR_DAYS {
                return Err(Error::InvalidDuration(format!(
                    "--calendar-days {c} is too large (at most {MAX_CALENDAR_DAYS})"
                )));
            }
            Ok(Limit::CalendarDays { days: n as u32, skip_days_off })
        }
        _ => Err(Error::InvalidDuration(
            "give exactly one of --working-days, --working-hours, --calendar-days".to_owned(),
        )),
    }
}

/// Parses every `--pause FROM/TO`.
fn parse_pauses(pauses: &[String]) -> Result<Vec<Pause>, Error> {
    pauses.iter().map(|p| p.parse()).collect()
}

#[cfg(test)]
mod tests;
