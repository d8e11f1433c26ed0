//! Administrative units, versioned.
//!
//! A unit is one version of a place (or of a non-territorial office such as a
//! public service center) valid over `[valid_from, valid_to]`. Codes are GSO
//! codes (2 digits for a province, 3 for a district, 5 for a commune) and are
//! reused by successors, so a code identifies a unit only together with a
//! date. The rules here validate a unit before it is stored; the tree queries
//! ("as of D") live in `store::unit`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What kind of unit this is. Territorial kinds carry GSO codes; the others
/// are local units (hamlets) or offices inside a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Tỉnh: province.
    Tinh,
    /// Thành phố: a centrally-run city (level 1) or a provincial city (level 2, before 2025).
    ThanhPho,
    /// Huyện: rural district (abolished 1/7/2025).
    Huyen,
    /// Thị xã: town (district level, abolished 1/7/2025).
    ThiXa,
    /// Quận: urban district (abolished 1/7/2025).
    Quan,
    /// Xã: commune.
    Xa,
    /// Phường: ward.
    Phuong,
    /// Thị trấn: township (abolished 1/7/2025).
    ThiTran,
    /// Đặc khu: special zone (commune level since 2025).
    DacKhu,
    /// Ấp: hamlet, a local unit below a commune with no national code.
    Ap,
    /// Khu vực: urban neighbourhood below a ward, no national code.
    KhuVuc,
    /// Trung tâm Phục vụ hành chính công: a public service center.
    ServiceCenter,
    /// Bộ phận một cửa: a one-stop reception desk.
    OneStopDesk,
}

impl UnitKind {
    /// Every kind, in display order.
    pub const ALL: [UnitKind; 13] = [
        UnitKind::Tinh,
        UnitKind::ThanhPho,
        UnitKind::Huyen,
        UnitKind::ThiXa,
        UnitKind::Quan,
        UnitKind::Xa,
        UnitKind::Phuong,
        UnitKind::ThiTran,
        UnitKind::DacKhu,
        UnitKind::Ap,
        UnitKind::KhuVuc,
        UnitKind::ServiceCenter,
        UnitKind::OneStopDesk,
    ];

    /// The stored name of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Tinh => "tinh",
            UnitKind::ThanhPho => "thanh_pho",
            UnitKind::Huyen => "huyen",
            UnitKind::ThiXa => "thi_xa",
            UnitKind::Quan => "quan",
            UnitKind::Xa => "xa",
            UnitKind::Phuong => "phuong",
            UnitKind::ThiTran => "thi_tran",
            UnitKind::DacKhu => "dac_khu",
            UnitKind::Ap => "ap",
            UnitKind::KhuVuc => "khu_vuc",
            UnitKind::ServiceCenter => "service_center",
            UnitKind::OneStopDesk => "one_stop_desk",
        }
    }

    /// The Vietnamese label, as written before a unit's name.
    pub fn label_vi(self) -> &'static str {
        match self {
            UnitKind::Tinh => "Tỉnh",
            UnitKind::ThanhPho => "Thành phố",
            UnitKind::Huyen => "Huyện",
            UnitKind::ThiXa => "Thị xã",
            UnitKind::Quan => "Quận",
            UnitKind::Xa => "Xã",
            UnitKind::Phuong => "Phường",
            UnitKind::ThiTran => "Thị trấn",
            UnitKind::DacKhu => "Đặc khu",
            UnitKind::Ap => "Ấp",
            UnitKind::KhuVuc => "Khu vực",
            UnitKind::ServiceCenter => "Trung tâm Phục vụ hành chính công",
            UnitKind::OneStopDesk => "Bộ phận một cửa",
        }
    }

    /// The English label.
    pub fn label_en(self) -> &'static str {
        match self {
            UnitKind::Tinh => "Province",
            UnitKind::ThanhPho => "City",
            UnitKind::Huyen => "District",
            UnitKind::ThiXa => "Town",
            UnitKind::Quan => "Urban district",
            UnitKind::Xa => "Commune",
            UnitKind::Phuong => "Ward",
            UnitKind::ThiTran => "Township",
            UnitKind::DacKhu => "Special zone",
            UnitKind::Ap => "Hamlet",
            UnitKind::KhuVuc => "Neighbourhood",
            UnitKind::ServiceCenter => "Public service center",
            UnitKind::OneStopDesk => "One-stop desk",
        }
    }

    /// Parses a stored name, or a Vietnamese label with or without diacritics
    /// ("Thị trấn", "thi tran", "thi_tran"), as CSV files from localities spell it.
    pub fn parse(s: &str) -> Option<UnitKind> {
        let key = crate::text::search_key(s).replace([' ', '-'], "_");
        UnitKind::ALL
            .into_iter()
            .find(|k| k.as_str() == key || crate::text::search_key(k.label_vi()).replace(' ', "_") == key)
    }

    /// How many digits a GSO code of this kind has, or `None` for local units
    /// and offices, whose codes are local and free-form.
    pub fn gso_code_len(self) -> Option<usize> {
        match self {
            UnitKind::Tinh => Some(2),
            // A "thành phố" is either level 1 (2 digits) or level 2 (3 digits).
            UnitKind::ThanhPho => None,
            UnitKind::Huyen | UnitKind::ThiXa | UnitKind::Quan => Some(3),
            UnitKind::Xa | UnitKind::Phuong | UnitKind::ThiTran | UnitKind::DacKhu => Some(5),
            UnitKind::Ap | UnitKind::KhuVuc | UnitKind::ServiceCenter | UnitKind::OneStopDesk => None,
        }
    }

    /// Whether the kind is an office rather than a territory.
    pub fn is_office(self) -> bool {
        matches!(self, UnitKind::ServiceCenter | UnitKind::OneStopDesk)
    }
}

/// Why a unit cannot be stored as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitError {
    /// The code is empty or has characters other than digits, letters, `-` and `_`.
    #[error("mã đơn vị không hợp lệ: {0:?} (invalid unit code)")]
    BadCode(String),
    /// A GSO code has the wrong number of digits for its kind.
    #[error("mã {code} của {kind} phải có {expected} chữ số (a {kind} code has {expected} digits)")]
    CodeLength {
        /// The code given.
        code: String,
        /// The kind's label.
        kind: &'static str,
        /// The expected number of digits.
        expected: usize,
    },
    /// The name is empty.
    #[error("tên đơn vị không được để trống (unit name is empty)")]
    EmptyName,
    /// The validity interval is reversed.
    #[error("ngày hết hiệu lực {to} trước ngày hiệu lực {from} (valid_to before valid_from)")]
    Interval {
        /// Valid from.
        from: NaiveDate,
        /// Valid to.
        to: NaiveDate,
    },
    /// The kind is unknown.
    #[error("loại đơn vị không hợp lệ: {0:?} (unknown unit kind)")]
    BadKind(String),
}

/// A unit as proposed for storage, before it has an id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUnit {
    /// GSO code, or a local code for hamlets and offices.
    pub code: String,
    /// Name without the kind prefix ("Tân Hòa", not "Xã Tân Hòa").
    pub name: String,
    /// Kind.
    pub kind: UnitKind,
    /// First day of validity.
    pub valid_from: NaiveDate,
    /// Last day of validity, if it has ended.
    pub valid_to: Option<NaiveDate>,
    /// Legal basis or a note ("NQ 1668/NQ-UBTVQH15"; "demo").
    pub note: String,
}

impl NewUnit {
    /// Checks the code, name and interval; returns the unit with trimmed fields.
    pub fn validated(mut self) -> Result<NewUnit, UnitError> {
        self.code = self.code.trim().to_string();
        self.name = self.name.trim().to_string();
        let ok_chars = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.';
        if self.code.is_empty() || self.code.len() > 32 || !self.code.chars().all(ok_chars) {
            return Err(UnitError::BadCode(self.code));
        }
        if let Some(n) = self.kind.gso_code_len()
            && (self.code.len() != n || !self.code.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(UnitError::CodeLength { code: self.code, kind: self.kind.label_vi(), expected: n });
        }
        if self.name.is_empty() {
            return Err(UnitError::EmptyName);
        }
        if let Some(to) = self.valid_to
            && to < self.valid_from
        {
            return Err(UnitError::Interval { from: self.valid_from, to });
        }
        Ok(self)
    }
}

/// Whether an interval `[from, to]` (open-ended when `to` is `None`) contains `d`.
pub fn valid_on(from: NaiveDate, to: Option<NaiveDate>, d: NaiveDate) -> bool {
    from <= d && to.is_none_or(|t| d <= t)
}

/// The full display name of a unit: the kind's label and the name, unless the
/// name already starts with it.
pub fn display_name(kind: UnitKind, name: &str) -> String {
    let label = kind.label_vi();
    if kind.is_office() || name.starts_with(label) { name.to_string() } else { format!("{label} {name}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn unit(code: &str, kind: UnitKind) -> NewUnit {
        NewUnit {
            code: code.into(),
            name: " Tân Hòa ".into(),
            kind,
            valid_from: d(2025, 7, 1),
            valid_to: None,
            note: String::new(),
        }
    }

    #[test]
    fn gso_codes_have_their_lengths() {
        assert!(unit("31342", UnitKind::Xa).validated().is_ok());
        assert!(matches!(unit("3134", UnitKind::Xa).validated(), Err(UnitError::CodeLength { expected: 5, .. })));
        assert!(matches!(unit("9a", UnitKind::Tinh).validated(), Err(UnitError::CodeLength { .. })));
        assert!(unit("31342-AP1", UnitKind::Ap).validated().is_ok());
        assert!(matches!(unit("a b", UnitKind::Ap).validated(), Err(UnitError::BadCode(_))));
        assert_eq!(unit("31342", UnitKind::Xa).validated().unwrap().name, "Tân Hòa");
    }

    #[test]
    fn interval_must_not_be_reversed() {
        let mut u = unit("31342", UnitKind::Xa);
        u.valid_to = Some(d(2025, 6, 30));
        assert!(matches!(u.validated(), Err(UnitError::Interval { .. })));
        assert!(valid_on(d(2025, 7, 1), None, d(2030, 1, 1)));
        assert!(!valid_on(d(2025, 7, 1), Some(d(2025, 12, 31)), d(2026, 1, 1)));
    }

    #[test]
    fn kinds_parse_from_labels() {
        assert_eq!(UnitKind::parse("Thị trấn"), Some(UnitKind::ThiTran));
        assert_eq!(UnitKind::parse("thi tran"), Some(UnitKind::ThiTran));
        assert_eq!(UnitKind::parse("one_stop_desk"), Some(UnitKind::OneStopDesk));
        assert_eq!(UnitKind::parse("Đặc khu"), Some(UnitKind::DacKhu));
        assert_eq!(UnitKind::parse("county"), None);
        assert_eq!(display_name(UnitKind::Xa, "Tân Hòa"), "Xã Tân Hòa");
    }
}
