//! People's identifiers and how they are shown: the 12-digit personal ID
//! (CCCD number) and Vietnamese phone numbers.
//!
//! Once parsed, a value is valid. Public views show only masked forms; the
//! full value leaves the store only through audited reads.

use serde::{Deserialize, Serialize};

/// A 12-digit personal ID (số định danh cá nhân), structure checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CitizenId(String);

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonError {
    /// Not 12 digits.
    #[error("số định danh phải gồm 12 chữ số (a personal ID has 12 digits)")]
    IdLength,
    /// The province part is outside 001–096.
    #[error("mã tỉnh nơi đăng ký khai sinh {0:03} không hợp lệ (province part must be 001–096)")]
    IdProvince(u32),
    /// The phone number is not a Vietnamese number.
    #[error("số điện thoại không hợp lệ (a phone number is 10 digits starting with 0, or +84)")]
    Phone,
    /// The scanned string is not a CCCD QR code.
    #[error("mã QR không phải của thẻ căn cước: {0} (not a CCCD QR code)")]
    CccdQr(&'static str),
}

/// What the QR code on a chip-based citizen identity card (CCCD) holds:
/// fields separated by `|`: the 12-digit ID, the old 9-digit ID (may be
/// empty), the full name, the date of birth (`ddMMyyyy`), the sex, the
/// permanent address and the date of issue (`ddMMyyyy`). A hand scanner
/// "types" this string into the focused field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CccdQr {
    /// The personal ID.
    pub id: CitizenId,
    /// The old identity card number, if printed.
    pub old_id: Option<String>,
    /// Full name.
    pub name: String,
    /// Date of birth.
    pub birth_date: Option<chrono::NaiveDate>,
    /// Sex as printed ("Nam", "Nữ").
    pub sex: String,
    /// Permanent address.
    pub address: String,
    /// Date of issue.
    pub issued: Option<chrono::NaiveDate>,
}

impl CccdQr {
    /// Parses a scanned string. Only the ID is required to be valid; other
    /// fields are kept as printed (old cards leave some empty).
    pub fn parse(s: &str) -> Result<CccdQr, PersonError> {
        let s = s.trim().trim_end_matches(['\r', '\n']);
        if s.is_empty() {
            return Err(PersonError::CccdQr("chuỗi rỗng (empty)"));
        }
        let f: Vec<&str> = s.split('|').map(str::trim).collect();
        if f.len() != 1 && f.len() < 7 {
            return Err(PersonError::CccdQr("thiếu trường (too few fields)"));
        }
        let id = CitizenId::parse(f[0])?;
        let field = |i: usize| f.get(i).copied().unwrap_or_default();
        let date = |i: usize| chrono::NaiveDate::parse_from_str(field(i), "%d%m%Y").ok();
        Ok(CccdQr {
            id,
            old_id: Some(field(1)).filter(|o| !o.is_empty()).map(str::to_string),
            name: field(2).to_string(),
            birth_date: date(3),
            sex: field(4).to_string(),
            address: field(5).to_string(),
            issued: date(6),
        })
    }

    /// What a public screen may show: the masked ID and the masked name.
    pub fn masked(&self) -> String {
        if self.name.is_empty() {
            self.id.masked()
        } else {
            format!("{} · {}", self.id.masked(), mask_name(&self.name))
        }
    }
}

impl CitizenId {
    /// Parses and checks a 12-digit ID.
    pub fn parse(s: &str) -> Result<CitizenId, PersonError> {
        let s = s.trim();
        if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PersonError::IdLength);
        }
        let province: u32 = s[..3].parse().map_err(|_| PersonError::IdLength)?;
        if !(1..=96).contains(&province) {
            return Err(PersonError::IdProvince(province));
        }
        Ok(CitizenId(s.to_string()))
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the ID's century-and-gender digit says male (even digit).
    pub fn is_male(&self) -> bool {
        (self.0.as_bytes()[3] - b'0').is_multiple_of(2)
    }

    /// The year of birth encoded in digits 4–6.
    pub fn birth_year(&self) -> i32 {
        let d = |i: usize| i32::from(self.0.as_bytes()[i] - b'0');
        1900 + 100 * (d(3) / 2) + 10 * d(4) + d(5)
    }

    /// The masked form for public views: the last 4 digits only.
    pub fn masked(&self) -> String {
        format!("********{}", &self.0[8..])
    }
}

impl TryFrom<String> for CitizenId {
    type Error = PersonError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CitizenId::parse(&s)
    }
}

impl From<CitizenId> for String {
    fn from(c: CitizenId) -> String {
        c.0
    }
}

/// A Vietnamese phone number, stored as 10 digits starting with 0.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// Parses `0901234567`, `0901 234 567`, `+84 901 234 567` or `84901234567`.
    pub fn parse(s: &str) -> Result<Phone, PersonError> {
        let digits: String = s.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')')).collect();
        let national = if let Some(rest) = digits.strip_prefix("+84") {
            format!("0{rest}")
        } else if digits.len() == 11 && digits.starts_with("84") {
            format!("0{}", &digits[2..])
        } else {
            digits
        };
        let ok = national.len() == 10 && national.starts_with('0') && national.bytes().all(|b| b.is_ascii_digit());
        if ok { Ok(Phone(national)) } else { Err(PersonError::Phone) }
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The display form `0901 234 567`.
    pub fn display(&self) -> String {
        format!("{} {} {}", &self.0[..4], &self.0[4..7], &self.0[7..])
    }

    /// The masked form for public views: `0901 *** 567`.
    pub fn masked(&self) -> String {
        format!("{} *** {}", &self.0[..4], &self.0[7..])
    }

    /// The last four digits, which a citizen gives to track a dossier.
    pub fn last4(&self) -> &str {
        &self.0[6..]
    }
}

impl TryFrom<String> for Phone {
    type Error = PersonError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Phone::parse(&s)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

/// Masks a personal name for public views: initials of all but the given name
/// ("Nguyễn Văn An" → "N. V. An").
pub fn mask_name(name: &str) -> String {
    let parts: Vec<&str> = name.split_whitespace().collect();
    match parts.split_last() {
        None => String::new(),
        Some((last, rest)) => {
            let mut out: Vec<String> = rest.iter().filter_map(|p| p.chars().next()).map(|c| format!("{c}.")).collect();
            out.push((*last).to_string());
            out.join(" ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cccd_qr_is_parsed_and_masked() {
        let q = CccdQr::parse(
            "001090123456|012345678|Nguyễn Văn An|01011990|Nam|Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|15042021\r\n",
        )
        .unwrap();
        assert_eq!(q.id.as_str(), "001090123456");
        assert_eq!(q.old_id.as_deref(), Some("012345678"));
        assert_eq!(q.birth_date, chrono::NaiveDate::from_ymd_opt(1990, 1, 1));
        assert_eq!(q.issued, chrono::NaiveDate::from_ymd_opt(2021, 4, 15));
        let m = q.masked();
        assert!(!m.contains("090123"), "{m}");
        assert!(!m.contains("Nguyễn Văn An"), "{m}");
        // An ID typed alone is accepted; garbage is refused with a reason.
        assert_eq!(CccdQr::parse("001090123456").unwrap().name, "");
        assert!(matches!(CccdQr::parse("abc|def"), Err(PersonError::CccdQr(_))));
        assert!(matches!(CccdQr::parse("12345|a|b|c|d|e|f"), Err(PersonError::IdLength)));
        assert!(CccdQr::parse("").is_err());
    }

    #[test]
    fn citizen_ids_are_checked_and_decoded() {
        let id = CitizenId::parse("001090123456").unwrap();
        assert!(id.is_male());
        assert_eq!(id.birth_year(), 1990);
        assert_eq!(id.masked(), "********3456");
        assert_eq!(CitizenId::parse("093305001234").unwrap().birth_year(), 2005);
        assert!(!CitizenId::parse("093305001234").unwrap().is_male());
        assert_eq!(CitizenId::parse("12345"), Err(PersonError::IdLength));
        assert_eq!(CitizenId::parse("000090123456"), Err(PersonError::IdProvince(0)));
        assert_eq!(CitizenId::parse("097090123456"), Err(PersonError::IdProvince(97)));
    }

    #[test]
    fn phones_normalise_and_mask() {
        let p = Phone::parse("+84 901 234 567").unwrap();
        assert_eq!(p.as_str(), "0901234567");
        assert_eq!(p.display(), "0901 234 567");
        assert_eq!(p.masked(), "0901 *** 567");
        assert_eq!(p.last4(), "4567");
        assert_eq!(Phone::parse("84901234567").unwrap(), p);
        assert!(Phone::parse("12345").is_err());
        assert_eq!(mask_name("Nguyễn Thị Ánh Tuyết"), "N. T. Á. Tuyết");
    }
}
