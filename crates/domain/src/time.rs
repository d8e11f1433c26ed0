//! Time conventions: instants are stored as UTC milliseconds and shown at
//! UTC+7 (Vietnam has no daylight saving time).
//!
//! Calendar dates that carry legal meaning (a unit's validity, a period) are
//! plain `NaiveDate`s: they are local dates, not instants.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};

/// Vietnam's offset from UTC, in seconds.
pub const VN_OFFSET_SECS: i32 = 7 * 3600;

/// The UTC+7 offset.
pub fn vn_offset() -> FixedOffset {
    FixedOffset::east_opt(VN_OFFSET_SECS).expect("UTC+7 is a valid offset")
}

/// An instant as UTC milliseconds since the Unix epoch, the storage form.
pub fn to_millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// Reads a stored instant back; out-of-range values clamp to the epoch.
pub fn from_millis(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// Formats a stored instant for people: `dd/MM/yyyy HH:mm` at UTC+7.
pub fn format_local(ms: i64) -> String {
    from_millis(ms).with_timezone(&vn_offset()).format("%d/%m/%Y %H:%M").to_string()
}

/// Formats a stored instant as ISO 8601 at UTC+7 (for APIs read by people and scripts).
pub fn format_iso_local(ms: i64) -> String {
    from_millis(ms).with_timezone(&vn_offset()).format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// Today's date in Vietnam for a given instant.
pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&vn_offset()).date_naive()
}

/// A local (UTC+7) wall-clock time as stored UTC milliseconds.
pub fn local_to_utc_ms(t: chrono::NaiveDateTime) -> i64 {
    (t - chrono::Duration::seconds(i64::from(VN_OFFSET_SECS))).and_utc().timestamp_millis()
}

/// The start (00:00 at UTC+7) of a local day as stored UTC milliseconds.
pub fn local_day_start_ms(d: NaiveDate) -> i64 {
    local_to_utc_ms(d.and_time(chrono::NaiveTime::MIN))
}

/// Formats a date for people: `dd/MM/yyyy`.
pub fn format_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Parses an ISO date `YYYY-MM-DD` or a Vietnamese `dd/MM/yyyy`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_wall_clock_converts_to_utc() {
        let t = NaiveDate::from_ymd_opt(2026, 2, 13).unwrap().and_hms_opt(16, 30, 0).unwrap();
        assert_eq!(local_to_utc_ms(t), Utc.with_ymd_and_hms(2026, 2, 13, 9, 30, 0).unwrap().timestamp_millis());
    }

    #[test]
    fn shows_instants_at_utc_plus_7() {
        // 2026-02-13T09:30Z is 16:30 in Hà Nội.
        let t = Utc.with_ymd_and_hms(2026, 2, 13, 9, 30, 0).unwrap();
        assert_eq!(format_local(to_millis(t)), "13/02/2026 16:30");
        assert_eq!(format_iso_local(to_millis(t)), "2026-02-13T16:30:00+07:00");
        let late = Utc.with_ymd_and_hms(2026, 2, 13, 18, 0, 0).unwrap();
        assert_eq!(local_date(late), NaiveDate::from_ymd_opt(2026, 2, 14).unwrap());
    }

    #[test]
    fn parses_both_date_spellings() {
        let d = NaiveDate::from_ymd_opt(2025, 7, 1);
        assert_eq!(parse_date("2025-07-01"), d);
        assert_eq!(parse_date("01/07/2025"), d);
        assert_eq!(parse_date("2025-13-01"), None);
    }
}
