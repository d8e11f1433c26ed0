//! The dossier code (mã hồ sơ), `<agency e-ID>-<yyMMdd>-<NNNN>`
//! (one-stop-dossiers.md §3).
//!
//! The first part is the receiving agency's electronic ID under QĐ 20/2020
//! (shaped like `000.00.17.H19`, a recalled shape, so it is checked only
//! loosely and otherwise kept opaque); the second is the local (UTC+7) date
//! of receipt; the third is the day's sequence for that agency, at least
//! four digits. The sequence itself is allocated by the store in the receipt
//! transaction, unique on (agency, date, sequence); this module only builds,
//! shows and parses codes. Once a [`DossierCode`] exists it is valid, and its
//! text form parses back to the same value.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The longest agency ID accepted, in characters.
pub const MAX_AGENCY_LEN: usize = 40;

/// The largest daily sequence number: five digits, far beyond any agency's day.
pub const MAX_SEQUENCE: u32 = 99_999;

/// Why a dossier code or one of its parts was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// The agency ID is empty, too long, or not dot-separated letters and digits.
    #[error(
        "mã định danh cơ quan không hợp lệ: {0:?} (invalid agency electronic ID: letters and digits in \
         dot-separated groups, e.g. 000.00.17.H19)"
    )]
    BadAgency(String),
    /// The date is not a valid `yyMMdd` or lies outside 2000–2099.
    #[error("ngày tiếp nhận trong mã hồ sơ không hợp lệ: {0:?} (invalid receipt date in the dossier code)")]
    BadDate(String),
    /// The sequence is outside 1–[`MAX_SEQUENCE`] or not written canonically.
    #[error(
        "số thứ tự hồ sơ phải từ 1 đến 99999, viết ít nhất 4 chữ số: {0:?} (sequence must be 1–99999, at least 4 digits)"
    )]
    BadSequence(String),
    /// The text does not have the three parts.
    #[error(
        "mã hồ sơ phải có dạng <mã cơ quan>-<yyMMdd>-<NNNN>: {0:?} (dossier code must be <agency>-<yyMMdd>-<NNNN>)"
    )]
    Malformed(String),
}

/// An agency's electronic ID (mã định danh điện tử, QĐ 20/2020/QĐ-TTg).
///
/// Kept opaque, as the rules ask: one to [`MAX_AGENCY_LEN`] characters, ASCII
/// letters and digits in non-empty groups separated by dots, upper-cased. No
/// `-`, which separates the parts of a dossier code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgencyId(String);

impl AgencyId {
    /// Checks and normalises (trims, upper-cases) an agency ID.
    pub fn parse(s: &str) -> Result<AgencyId, CodeError> {
        let id = s.trim().to_ascii_uppercase();
        let groups_ok = id.split('.').all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_alphanumeric()));
        if id.is_empty() || id.len() > MAX_AGENCY_LEN || !groups_ok {
            return Err(CodeError::BadAgency(s.to_string()));
        }
        Ok(AgencyId(id))
    }

    /// The ID.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the ID has the shape recalled for QĐ 20/2020 codes,
    /// `DDD.DD.DD.LDD` (e.g. `000.00.17.H19`). The shape is not confirmed,
    /// so it is only a hint for a form (a warning), never a refusal.
    pub fn has_qd20_shape(&self) -> bool {
        let groups: Vec<&[u8]> = self.0.split('.').map(str::as_bytes).collect();
        let digits = |g: &[u8], n: usize| g.len() == n && g.iter().all(u8::is_ascii_digit);
        matches!(groups.as_slice(), [a, b, c, d]
            if digits(a, 3) && digits(b, 2) && digits(c, 2)
                && d.len() == 3 && d[0].is_ascii_uppercase() && digits(&d[1..], 2))
    }
}

impl fmt::Display for AgencyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for AgencyId {
    type Error = CodeError;

    fn try_from(s: String) -> Result<AgencyId, CodeError> {
        AgencyId::parse(&s)
    }
}

impl From<AgencyId> for String {
    fn from(id: AgencyId) -> String {
        id.0
    }
}

/// A dossier code: agency, local date of receipt and the day's sequence.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DossierCode {
    agency: AgencyId,
    date: NaiveDate,
    seq: u32,
}

impl DossierCode {
    /// The code of the `seq`-th dossier `agency` received on the local date
    /// `date`.
    ///
    /// # Errors
    /// [`CodeError::BadAgency`] for an agency ID that does not pass
    /// [`AgencyId::parse`], [`CodeError::BadDate`] for a date outside
    /// 2000–2099 (the code keeps two digits of the year),
    /// [`CodeError::BadSequence`] for a sequence outside 1–[`MAX_SEQUENCE`].
    pub fn new(agency: &str, date: NaiveDate, seq: u32) -> Result<DossierCode, CodeError> {
        let agency = AgencyId::parse(agency)?;
        if !(2000..=2099).contains(&date.year()) {
            return Err(CodeError::BadDate(date.to_string()));
        }
        if !(1..=MAX_SEQUENCE).contains(&seq) {
            return Err(CodeError::BadSequence(seq.to_string()));
        }
        Ok(DossierCode { agency, date, seq })
    }

    /// The code of a dossier received at the instant `received_at_ms` (UTC
    /// milliseconds): its date part is the local (UTC+7) date.
    ///
    /// # Errors
    /// As [`DossierCode::new`].
    pub fn for_receipt(agency: &str, received_at_ms: i64, seq: u32) -> Result<DossierCode, CodeError> {
        DossierCode::new(agency, crate::time::local_date(crate::time::from_millis(received_at_ms)), seq)
    }

    /// The receiving agency.
    pub fn agency(&self) -> &AgencyId {
        &self.agency
    }

    /// The local date of receipt.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The day's sequence number.
    pub fn seq(&self) -> u32 {
        self.seq
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{:04}", self.agency, self.date.format("%y%m%d"), self.seq)
    }
}

impl FromStr for DossierCode {
    type Err = CodeError;

    /// Parses `<agency>-<yyMMdd>-<NNNN>`; only the canonical form is accepted
    /// (the sequence has exactly four digits, or more without a leading zero;
    /// the agency ID is upper-cased), so a code has a single spelling.
    fn from_str(s: &str) -> Result<DossierCode, CodeError> {
        let s = s.trim();
        let mut parts = s.rsplitn(3, '-');
        let (Some(seq), Some(date), Some(agency)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(CodeError::Malformed(s.to_string()));
        };
        if date.len() != 6 || !date.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeError::BadDate(date.to_string()));
        }
        let bad_seq = || CodeError::BadSequence(seq.to_string());
        if seq.len() < 4 || !seq.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad_seq());
        }
        let n: u32 = seq.parse().map_err(|_| bad_seq())?;
        if format!("{n:04}") != seq {
            return Err(bad_seq());
        }
        let day = NaiveDate::parse_from_str(&format!("20{date}"), "%Y%m%d")
            .map_err(|_| CodeError::BadDate(date.to_string()))?;
        if agency.trim() != agency {
            return Err(CodeError::BadAgency(agency.to_string()));
        }
        DossierCode::new(agency, day, n)
    }
}

impl TryFrom<String> for DossierCode {
    type Error = CodeError;

    fn try_from(s: String) -> Result<DossierCode, CodeError> {
        s.parse()
    }
}

impl From<DossierCode> for String {
    fn from(code: DossierCode) -> String {
        code.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn formats_the_three_parts() {
        let code = DossierCode::new("000.00.17.H19", day(2025, 7, 14), 1).unwrap();
        assert_eq!(code.to_string(), "000.00.17.H19-250714-0001");
        assert_eq!(DossierCode::new("H19", day(2026, 2, 23), 12_345).unwrap().to_string(), "H19-260223-12345");
        assert_eq!(DossierCode::new("h19.x", day(2026, 1, 2), 9999).unwrap().to_string(), "H19.X-260102-9999");
    }

    #[test]
    fn parses_back_what_it_prints() {
        for (agency, date, seq) in [
            ("000.00.17.H19", day(2025, 7, 14), 1),
            ("G22.26", day(2099, 12, 31), MAX_SEQUENCE),
            ("A", day(2000, 1, 1), 42),
        ] {
            let code = DossierCode::new(agency, date, seq).unwrap();
            let back: DossierCode = code.to_string().parse().unwrap();
            assert_eq!(back, code);
            assert_eq!((back.agency().as_str(), back.date(), back.seq()), (agency, date, seq));
        }
    }

    #[test]
    fn refuses_bad_parts() {
        let d = day(2025, 7, 14);
        for agency in ["", " ", "000..17", ".H19", "H19.", "000-00", "mã.xã", &"9".repeat(MAX_AGENCY_LEN + 1)] {
            assert!(matches!(DossierCode::new(agency, d, 1), Err(CodeError::BadAgency(_))), "{agency:?}");
        }
        assert_eq!(DossierCode::new("H19", d, 0), Err(CodeError::BadSequence("0".into())));
        assert_eq!(DossierCode::new("H19", d, MAX_SEQUENCE + 1), Err(CodeError::BadSequence("100000".into())));
        assert!(matches!(DossierCode::new("H19", day(1999, 12, 31), 1), Err(CodeError::BadDate(_))));
        assert!(matches!(DossierCode::new("H19", day(2100, 1, 1), 1), Err(CodeError::BadDate(_))));
    }

    #[test]
    fn refuses_malformed_text() {
        let (malformed, date, seq, agency) = (
            CodeError::Malformed(String::new()),
            CodeError::BadDate(String::new()),
            CodeError::BadSequence(String::new()),
            CodeError::BadAgency(String::new()),
        );
        let cases = [
            ("H19-250714", &malformed),
            ("2507140001", &malformed),
            ("H19-250230-0001", &date),
            ("H19-25071-0001", &date),
            ("H19-2507a4-0001", &date),
            ("H19-250714-001", &seq),
            ("H19-250714-00001", &seq),
            ("H19-250714-0000", &seq),
            ("H19-250714-+001", &seq),
            ("-250714-0001", &agency),
            ("A-B-250714-0001", &agency),
        ];
        for (text, expected) in cases {
            let err = text.parse::<DossierCode>().unwrap_err();
            assert_eq!(std::mem::discriminant(&err), std::mem::discriminant(expected), "{text}: {err:?}");
        }
    }

    #[test]
    fn the_date_part_is_the_local_date_of_receipt() {
        // 2025-07-13T17:30Z is 00:30 on the 14th in Hà Nội.
        let ms = chrono::DateTime::parse_from_rfc3339("2025-07-13T17:30:00Z").unwrap().timestamp_millis();
        assert_eq!(DossierCode::for_receipt("H19", ms, 7).unwrap().to_string(), "H19-250714-0007");
        assert_eq!(DossierCode::for_receipt("H19", ms - 3_600_000, 7).unwrap().to_string(), "H19-250713-0007");
    }

    #[test]
    fn qd20_shape_is_a_hint_only() {
        assert!(AgencyId::parse("000.00.17.H19").unwrap().has_qd20_shape());
        assert!(AgencyId::parse("000.00.17.h19").unwrap().has_qd20_shape());
        for other in ["G22.26", "000.00.17.19H", "00.00.17.H19", "000.00.17.H19.1"] {
            assert!(!AgencyId::parse(other).unwrap().has_qd20_shape(), "{other}");
        }
    }

    #[test]
    fn errors_speak_vietnamese_then_english() {
        let msg = "x".parse::<DossierCode>().unwrap_err().to_string();
        assert!(msg.starts_with("mã hồ sơ phải có dạng") && msg.ends_with("<agency>-<yyMMdd>-<NNNN>)"), "{msg}");
    }
}
