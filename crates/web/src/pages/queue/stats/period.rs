//! The period of a statistics request: `?from&to` as local days (ISO or
//! `dd/MM/yyyy`), defaults, bounds, and the half-open UTC range the store
//! queries. Refusals carry a message in the user's language that says what
//! to do.

use axum::http::StatusCode;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use crate::i18n::Lang;

/// The longest period a report may cover, in days.
pub const MAX_DAYS: i64 = 366;

/// `?from=…&to=…`: local dates, `YYYY-MM-DD` or `dd/MM/yyyy`.
#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    /// First day, as typed.
    pub from: Option<String>,
    /// Last day (included), as typed.
    pub to: Option<String>,
}

/// A period of whole local days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub from: NaiveDate,
    /// Last day (included).
    pub to: NaiveDate,
}

/// Why a period was refused; the message says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodError {
    /// The field at fault (`from` or `to`).
    pub field: &'static str,
    /// 400 for an unreadable date, 422 for a period out of bounds.
    pub status: StatusCode,
    /// The message, in the user's language.
    pub message: String,
}

/// Days shown when the request names no start.
const DEFAULT_DAYS: u64 = 7;

impl Period {
    /// Reads the query. `to` defaults to `today`, `from` to the week ending
    /// at `to` (a leader opening the page sees the last seven days); dates may
    /// be ISO or `dd/MM/yyyy`; `from` after `to` and periods over
    /// [`MAX_DAYS`] days are refused.
    pub fn parse(q: &PeriodQuery, today: NaiveDate, lang: Lang) -> Result<Period, PeriodError> {
        let date = |field: &'static str, v: &Option<String>| -> Result<Option<NaiveDate>, PeriodError> {
            match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(s) => domain::time::parse_date(s)
                    .filter(|d| (1970..=9999).contains(&d.year()))
                    .map(Some)
                    .ok_or_else(|| PeriodError {
                        field,
                        status: StatusCode::BAD_REQUEST,
                        message: lang.t("qstats.err.date").replace("{value}", s),
                    }),
            }
        };
        let to = date("to", &q.to)?.unwrap_or(today);
        let from = date("from", &q.from)?.unwrap_or_else(|| to - chrono::Days::new(DEFAULT_DAYS - 1));
        let refuse = |key: &str| PeriodError {
            field: "from",
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: lang
                .t(key)
                .replace("{from}", &domain::time::format_date(from))
                .replace("{to}", &domain::time::format_date(to))
                .replace("{max}", &MAX_DAYS.to_string()),
        };
        if from > to {
            return Err(refuse("qstats.err.order"));
        }
        if (to - from).num_days() + 1 > MAX_DAYS {
            return Err(refuse("qstats.err.long"));
        }
        Ok(Period { from, to })
    }

    /// The half-open UTC range `[start of from, start of the day after to)`.
    pub fn utc_ms(self) -> (i64, i64) {
        let start = domain::time::local_day_start_ms;
        (start(self.from), self.to.succ_opt().map_or(i64::MAX, start))
    }

    /// Days covered.
    pub fn days(self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The query string that selects this period.
    pub fn query(self) -> String {
        format!("from={}&to={}", self.from.format("%Y-%m-%d"), self.to.format("%Y-%m-%d"))
    }

    /// The period for people: "01/11/2026 – 29/11/2026", or one date.
    pub fn label(self) -> String {
        if self.from == self.to {
            domain::time::format_date(self.from)
        } else {
            format!("{} – {}", domain::time::format_date(self.from), domain::time::format_date(self.to))
        }
    }

    /// The download's name: `thong-ke-<center>-<from>[_<to>].<ext>`.
    pub fn filename(self, center_code: &str, ext: &str) -> String {
        let code: String =
            center_code.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect();
        let from = self.from.format("%Y-%m-%d");
        if self.from == self.to {
            format!("thong-ke-{code}-{from}.{ext}")
        } else {
            format!("thong-ke-{code}-{from}_{}.{ext}", self.to.format("%Y-%m-%d"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(from: Option<&str>, to: Option<&str>) -> PeriodQuery {
        PeriodQuery { from: from.map(Into::into), to: to.map(Into::into) }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_default_to_today_and_read_both_spellings() {
        let today = d(2026, 11, 29);
        let p = Period::parse(&q(None, None), today, Lang::Vi).unwrap();
        assert_eq!((p.from, p.to), (d(2026, 11, 23), today), "the last seven days");
        let p = Period::parse(&q(None, Some("2026-11-10")), today, Lang::Vi).unwrap();
        assert_eq!((p.from, p.to), (d(2026, 11, 4), d(2026, 11, 10)), "the week ending at `to`");
        let p = Period::parse(&q(Some("01/11/2026"), Some("2026-11-29")), today, Lang::Vi).unwrap();
        assert_eq!((p.from, p.to, p.days()), (d(2026, 11, 1), today, 29));
        let p = Period::parse(&q(Some("2026-11-01"), Some("")), today, Lang::Vi).unwrap();
        assert_eq!(p.to, today, "an empty field is the default");
    }

    #[test]
    fn local_days_become_a_half_open_utc_range() {
        let p = Period { from: d(2026, 11, 29), to: d(2026, 11, 29) };
        let (a, b) = p.utc_ms();
        // 29/11/2026 00:00 at UTC+7 is 28/11/2026 17:00 UTC.
        assert_eq!(domain::time::format_local(a), "29/11/2026 00:00");
        assert_eq!(b - a, 86_400_000);
        assert_eq!(p.filename("31342-TTPVHCC", "xlsx"), "thong-ke-31342-TTPVHCC-2026-11-29.xlsx");
        let p = Period { from: d(2026, 11, 1), ..p };
        assert_eq!(p.filename("a/b", "csv"), "thong-ke-a-b-2026-11-01_2026-11-29.csv");
    }

    #[test]
    fn bad_periods_say_what_to_do() {
        let today = d(2026, 11, 29);
        let e = Period::parse(&q(Some("31/02/2026"), None), today, Lang::Vi).unwrap_err();
        assert_eq!((e.field, e.status), ("from", StatusCode::BAD_REQUEST));
        assert!(e.message.contains("31/02/2026") && e.message.contains("dd/mm/yyyy"), "{}", e.message);
        let e = Period::parse(&q(Some("2026-11-30"), Some("2026-11-29")), today, Lang::En).unwrap_err();
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(e.message.contains("30/11/2026"), "{}", e.message);
        let e = Period::parse(&q(Some("2025-01-01"), Some("2026-01-02")), today, Lang::Vi).unwrap_err();
        assert!(e.message.contains("366"), "{}", e.message);
        assert!(Period::parse(&q(Some("2025-01-01"), Some("2026-01-01")), today, Lang::Vi).is_ok(), "366 days pass");
        for far in ["+262143-12-31", "0001-01-01", "9999-12-31x"] {
            let e = Period::parse(&q(None, Some(far)), today, Lang::Vi).unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST, "{far} is refused, not a panic");
        }
    }
}
