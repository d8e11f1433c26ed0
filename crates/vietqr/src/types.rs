//! Small typed values that carry the VietQR rules: [`Bin`], [`Vnd`], [`Initiation`]
//! and [`Service`]. Once parsed, a value is valid.

use core::fmt;
use core::str::FromStr;

use crate::banks::{self, Bank};

/// A 6-digit bank identification number issued by the State Bank of Vietnam.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bin([u8; 6]);

/// The text is not a 6-digit BIN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a BIN is exactly 6 ASCII digits")]
pub struct InvalidBin;

impl Bin {
    /// A BIN from six ASCII digits, with its bank looked up in the same pass over
    /// the digits; `None` when they are not all digits.
    #[inline(always)]
    pub(crate) fn from_digits_with_bank(b: &[u8; 6]) -> Option<(Self, Option<&'static Bank>)> {
        Some((Self(*b), banks::by_digits(b)?))
    }

    /// Parses exactly 6 ASCII digits.
    ///
    /// # Errors
    /// [`InvalidBin`] for anything else.
    pub fn parse(s: &str) -> Result<Self, InvalidBin> {
        let b: [u8; 6] = s.as_bytes().try_into().map_err(|_| InvalidBin)?;
        if b.iter().all(u8::is_ascii_digit) { Ok(Self(b)) } else { Err(InvalidBin) }
    }

    /// The six digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The bank with this BIN in the directory, if any.
    #[must_use]
    pub fn bank(&self) -> Option<&'static Bank> {
        banks::by_key(banks::bin_key(&self.0)?)
    }
}

impl FromStr for Bin {
    type Err = InvalidBin;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Bin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Bin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bin({})", self.as_str())
    }
}

/// An amount of Vietnamese đồng (VND has no minor unit).
///
/// Displays the Vietnamese way: `Vnd(1_250_000)` → `1.250.000 đ`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Vnd(pub u64);

impl Vnd {
    /// Parses an EMVCo amount (field `54`) in đồng: digits, optionally followed by a
    /// `.` and zeros only (VND has no decimals). Returns `None` otherwise.
    #[must_use]
    pub fn parse_emv(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        let int_len = b.iter().position(|&c| c == b'.').unwrap_or(b.len());
        if int_len == 0 || int_len > 13 || !b[int_len..].iter().skip(1).all(|&c| c == b'0') {
            return None;
        }
        let mut v: u64 = 0;
        for &c in &b[..int_len] {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            v = v * 10 + u64::from(d);
        }
        Some(Self(v))
    }
}

impl fmt::Display for Vnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 4);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('.');
            }
            out.push(c);
        }
        out.push_str(" đ");
        f.pad(&out)
    }
}

/// Point of initiation (field `01`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Initiation {
    /// `11`: a reusable code; the payer types the amount.
    Static,
    /// `12`: a single-use code for one bill, usually with an amount.
    Dynamic,
}

impl Initiation {
    /// The field value, `11` or `12`.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Static => "11",
            Self::Dynamic => "12",
        }
    }

    /// `"static"` or `"dynamic"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Static => "static",
            Self::Dynamic => "dynamic",
        }
    }

    /// Parses `11` or `12`.
    #[must_use]
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "11" => Some(Self::Static),
            "12" => Some(Self::Dynamic),
            _ => None,
        }
    }
}

impl fmt::Display for Initiation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// NAPAS service code (`38.02`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Service<'a> {
    /// `QRIBFTTA`: transfer to an account.
    Account,
    /// `QRIBFTTC`: transfer to a card.
    Card,
    /// Any other code seen in the wild (`QRPUSH`, `QRCASH`, ...).
    Other(&'a str),
}

impl<'a> Service<'a> {
    /// The service code.
    #[must_use]
    pub const fn code(&self) -> &'a str {
        match self {
            Self::Account => "QRIBFTTA",
            Self::Card => "QRIBFTTC",
            Self::Other(s) => s,
        }
    }

    /// Classifies a service code.
    #[must_use]
    pub fn from_code(s: &'a str) -> Self {
        match s {
            "QRIBFTTA" => Self::Account,
            "QRIBFTTC" => Self::Card,
            other => Self::Other(other),
        }
    }
}

impl fmt::Display for Service<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bin_parsing() {
        assert_eq!(Bin::parse("970436").unwrap().as_str(), "970436");
        assert_eq!(Bin::parse("970436").unwrap().bank().unwrap().code, "VCB");
        assert!(Bin::parse("97043").is_err());
        assert!(Bin::parse("97043a").is_err());
        assert!(Bin::parse("9704361").is_err());
    }

    #[test]
    fn vnd_formats_and_parses() {
        assert_eq!(Vnd(1_250_000).to_string(), "1.250.000 đ");
        assert_eq!(Vnd(999).to_string(), "999 đ");
        assert_eq!(Vnd(0).to_string(), "0 đ");
        assert_eq!(Vnd(100_000).to_string(), "100.000 đ");
        assert_eq!(Vnd::parse_emv("180000"), Some(Vnd(180_000)));
        assert_eq!(Vnd::parse_emv("180000.00"), Some(Vnd(180_000)));
        assert_eq!(Vnd::parse_emv("180000.5"), None);
        assert_eq!(Vnd::parse_emv("1,000"), None);
        assert_eq!(Vnd::parse_emv(""), None);
    }
}
