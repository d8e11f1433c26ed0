//! Profile validation: which fields a payload must carry and what their values may
//! be, under strict EMVCo or under the NAPAS VietQR profile (see [`Profile`]).
//!
//! Structural checks (TLV, CRC, templates) already happened in
//! [`decode`](crate::decode()); this module only looks at values.

use crate::NAPAS_GUID;
use crate::decode::{DecodeError, Payload, Profile, Span, sub};
use crate::tlv::{FieldPath, char_len};
use crate::types::{Bin, Vnd};

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// At most 13 characters: digits with an optional `.` that is not the first.
fn emv_amount(s: &str) -> bool {
    let b = s.as_bytes();
    let int_len = b.iter().position(|&c| c == b'.').unwrap_or(b.len());
    int_len > 0 && b.len() <= 13 && b.iter().enumerate().all(|(i, c)| c.is_ascii_digit() || i == int_len)
}

/// The profile a payload claims: VietQR when field `38` carries the NAPAS GUID,
/// strict EMVCo otherwise.
#[must_use]
pub fn detect(p: &Payload<'_>) -> Profile {
    let napas = p.template(38).find(|t| t.id == 0).is_some_and(|t| t.value.eq_ignore_ascii_case(NAPAS_GUID));
    if napas { Profile::VietQr } else { Profile::Emvco }
}

impl<'a> Payload<'a> {
    /// Checks mandatory fields and value formats under `profile`.
    ///
    /// # Errors
    /// [`DecodeError::Missing`] or [`DecodeError::InvalidValue`], naming the field.
    pub fn validate(&self, profile: Profile) -> Result<(), DecodeError> {
        // The common VietQR case passes every check below.
        if profile == Profile::VietQr && self.vietqr_common(&mut Err(DecodeError::Empty)).is_some() {
            return Ok(());
        }
        self.check_common()?;
        match profile {
            Profile::Emvco => self.check_emvco(),
            Profile::VietQr => self.check_vietqr().map(drop),
        }
    }

    fn require(&self, id: u8, profile: Profile) -> Result<&'a str, DecodeError> {
        self.get(id).ok_or(DecodeError::Missing { path: FieldPath::root(id), profile })
    }

    pub(crate) fn check_common(&self) -> Result<(), DecodeError> {
        for id in [1, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61] {
            let Some(s) = self.get(id) else {
                continue;
            };
            let (ok, reason) = match id {
                1 => (s == "11" || s == "12", "the point of initiation must be 11 or 12"),
                52 => (digits(s, 4), "the merchant category code must be 4 digits"),
                53 => (digits(s, 3), "the currency must be 3 digits (ISO 4217)"),
                54 => (emv_amount(s), "the amount must be at most 13 digits with an optional '.'"),
                55 => (matches!(s, "01" | "02" | "03"), "the tip indicator must be 01, 02 or 03"),
                56 => (emv_amount(s), "the fixed fee must be at most 13 digits with an optional '.'"),
                57 => (s.len() <= 5 && emv_amount(s), "the percentage fee must be 00.01-99.99"),
                58 => (
                    s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()),
                    "the country must be 2 uppercase letters (ISO 3166-1)",
                ),
                59 => (!s.is_empty() && char_len(s) <= 25, "the merchant name must be 1-25 characters"),
                60 => (!s.is_empty() && char_len(s) <= 15, "the merchant city must be 1-15 characters"),
                61 => (char_len(s) <= 10, "the postal code must be at most 10 characters"),
                _ => (true, ""),
            };
            if !ok {
                return Err(self.invalid_root(id, reason));
            }
        }
        match self.get(55) {
            Some("02") if !self.has(56) => {
                Err(DecodeError::Missing { path: FieldPath::root(56), profile: Profile::Emvco })
            }
            Some("03") if !self.has(57) => {
                Err(DecodeError::Missing { path: FieldPath::root(57), profile: Profile::Emvco })
            }
            _ => Ok(()),
        }
    }

    #[cold]
    fn invalid_root(&self, id: u8, reason: &'static str) -> DecodeError {
        let offset = self.field(id).map_or(0, |t| t.offset);
        DecodeError::InvalidValue { path: FieldPath::root(id), offset, reason }
    }

    #[cold]
    fn invalid_sub(&self, s: Span, path: FieldPath, reason: &'static str) -> DecodeError {
        DecodeError::InvalidValue { path, offset: usize::from(s.start).saturating_sub(4), reason }
    }

    fn check_emvco(&self) -> Result<(), DecodeError> {
        for id in [52, 53, 58, 59, 60] {
            self.require(id, Profile::Emvco)?;
        }
        if !(2..=51).any(|id| self.has(id)) {
            return Err(DecodeError::Missing { path: FieldPath::root(26), profile: Profile::Emvco });
        }
        Ok(())
    }

    /// Validates the VietQR profile and returns the BIN, account and service fields.
    pub(crate) fn check_vietqr(&self) -> Result<NapasAccount<'a>, DecodeError> {
        const P: Profile = Profile::VietQr;
        let missing = |path| DecodeError::Missing { path, profile: P };
        self.require(1, P)?;
        if self.require(53, P)? != "704" {
            return Err(self.invalid_root(53, "VietQR requires currency 704 (VND)"));
        }
        if self.require(58, P)? != "VN" {
            return Err(self.invalid_root(58, "VietQR requires country VN"));
        }
        let amount = match self.get(54) {
            None => None,
            Some(v) => match Vnd::parse_emv(v) {
                Some(a) if a.0 > 0 => Some(a),
                _ => {
                    return Err(self.invalid_root(54, "the amount must be a positive whole number of dong"));
                }
            },
        };
        self.require(38, P)?;
        let path = FieldPath::root(38);
        let guid = self.sub[sub::GUID];
        let g = self.span(guid).ok_or_else(|| missing(path.child(0)))?;
        if !g.eq_ignore_ascii_case(NAPAS_GUID) {
            return Err(self.invalid_sub(guid, path.child(0), "the GUID must be the NAPAS AID A000000727"));
        }
        if self.sub[sub::ORG].start == 0 {
            return Err(missing(path.child(1)));
        }
        let opath = path.child(1);
        let bin_span = self.sub[sub::BIN];
        let bin = self.span(bin_span).ok_or_else(|| missing(opath.child(0)))?;
        let Ok(bin) = Bin::parse(bin) else {
            return Err(self.invalid_sub(bin_span, opath.child(0), "the BIN must be 6 digits"));
        };
        let acc_span = self.sub[sub::ACCOUNT];
        let account = self.span(acc_span).ok_or_else(|| missing(opath.child(1)))?;
        if account.is_empty() || char_len(account) > 19 {
            return Err(self.invalid_sub(
                acc_span,
                opath.child(1),
                "the account or card number must be 1-19 characters",
            ));
        }
        let svc_span = self.sub[sub::SERVICE];
        let service = self.span(svc_span);
        if let Some(s) = service
            && (s.is_empty() || s.len() > 10 || !s.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            return Err(self.invalid_sub(svc_span, path.child(2), "the service code must be 1-10 letters or digits"));
        }
        Ok(NapasAccount { bin, account, service, amount })
    }
}

/// The NAPAS beneficiary fields of a validated VietQR payload.
pub(crate) struct NapasAccount<'a> {
    pub(crate) bin: Bin,
    pub(crate) account: &'a str,
    pub(crate) service: Option<&'a str>,
    pub(crate) amount: Option<Vnd>,
}
