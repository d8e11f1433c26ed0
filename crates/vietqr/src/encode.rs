//! Encoding a NAPAS VietQR transfer order ([`Transfer`]) into payload text.
//!
//! Output follows the layout every peer library produces, byte for byte: IDs in
//! ascending order at every level (`00 01 38 53 54 58 62 63`), `01` = `12` exactly
//! when an amount is given, `38` = NAPAS GUID + (BIN, account) + service code,
//! uppercase CRC. The purpose (`62.08`) is folded to ASCII and capped at 25
//! characters. Everything is written into a stack buffer and copied once into a
//! `String` of the exact length; the CRC state after the constant 14-byte prefix is
//! precomputed.

use std::borrow::Cow;

use crate::crc;
use crate::fold;

/// The NAPAS 247 per-transaction limit: an amount must be **under** 500 million đồng
/// (NAPAS VietQR spec §8.1.1, "dưới 500 triệu đồng"). Exclusive. Banks may apply
/// lower limits; use [`Transfer::limit`] to encode against another one.
pub const NAPAS_PER_TRANSACTION_LIMIT: u64 = 500_000_000;

/// Longest value of a `62` sub-field, including the purpose, in characters.
pub const MAX_ADDITIONAL_CHARS: usize = 25;

/// Longest account or card number (`38.01.01`), in characters.
pub const MAX_ACCOUNT_CHARS: usize = 19;

/// Why a [`Transfer`] cannot be encoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The BIN is not 6 digits.
    #[error("the BIN must be exactly 6 digits, got {0:?}")]
    InvalidBin(String),
    /// The account number is empty, too long or has a disallowed character.
    #[error("the account number must be 1-19 characters of A-Z, a-z, 0-9 or '-', got {0:?}")]
    InvalidAccount(String),
    /// The card number is empty, too long or not all digits.
    #[error("the card number must be 1-19 digits, got {0:?}")]
    InvalidCard(String),
    /// The amount is zero.
    #[error("the amount must be a positive whole number of dong")]
    ZeroAmount,
    /// The amount reaches the per-transaction limit.
    #[error("the amount {amount} must be under the per-transaction limit of {limit} dong")]
    OverLimit {
        /// The amount requested.
        amount: u64,
        /// The exclusive limit.
        limit: u64,
    },
    /// A `62` sub-field is too long (after ASCII folding, for the purpose).
    #[error("{field} must be at most 25 characters, got {chars}")]
    TooLong {
        /// Which field (`purpose`, `bill number`, ...).
        field: &'static str,
        /// Its length in characters.
        chars: usize,
    },
    /// A `62` sub-field other than the purpose has characters outside printable ASCII.
    #[error("{field} must be printable ASCII")]
    NotAscii {
        /// Which field.
        field: &'static str,
    },
    /// The whole additional data template would exceed 99 characters.
    #[error("the additional data (field 62) would be {0} characters; at most 99 fit")]
    AdditionalDataTooLong(usize),
}

/// A transfer order to encode: a bank account or card, optionally an amount and
/// additional data. Build with [`Transfer::to_account`] or [`Transfer::to_card`] and
/// the chained setters; [`Transfer::encode`] validates and writes it.
///
/// ```
/// let payload = vietqr::Transfer::to_account("970403", "0011012345678")
///     .amount(180_000)
///     .bill_number("NPS6869")
///     .purpose("thanh toán đơn hàng")
///     .encode()?;
/// assert_eq!(payload, "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA\
///     530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E");
/// # Ok::<(), vietqr::EncodeError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transfer<'a> {
    bin: &'a str,
    account: &'a str,
    card: bool,
    amount: Option<u64>,
    limit: u64,
    bill_number: Option<&'a str>,
    store: Option<&'a str>,
    reference: Option<&'a str>,
    terminal: Option<&'a str>,
    purpose: Option<&'a str>,
}

impl<'a> Transfer<'a> {
    fn new(bin: &'a str, account: &'a str, card: bool) -> Self {
        Self {
            bin,
            account,
            card,
            amount: None,
            limit: NAPAS_PER_TRANSACTION_LIMIT,
            bill_number: None,
            store: None,
            reference: None,
            terminal: None,
            purpose: None,
        }
    }

    /// A transfer to a bank account (service `QRIBFTTA`).
    #[must_use]
    pub fn to_account(bin: &'a str, account: &'a str) -> Self {
        Self::new(bin, account, false)
    }

    /// A transfer to a card number (service `QRIBFTTC`).
    #[must_use]
    pub fn to_card(bin: &'a str, card: &'a str) -> Self {
        Self::new(bin, card, true)
    }

    /// Sets the amount in đồng, which makes the code dynamic (`01` = `12`).
    #[must_use]
    pub fn amount(mut self, vnd: u64) -> Self {
        self.amount = Some(vnd);
        self
    }

    /// Replaces the exclusive per-transaction limit (default
    /// [`NAPAS_PER_TRANSACTION_LIMIT`]).
    #[must_use]
    pub fn limit(mut self, exclusive_max: u64) -> Self {
        self.limit = exclusive_max;
        self
    }

    /// Sets the purpose (`62.08`, "nội dung"); folded to ASCII when encoded.
    #[must_use]
    pub fn purpose(mut self, text: &'a str) -> Self {
        self.purpose = Some(text);
        self
    }

    /// Sets the bill number (`62.01`).
    #[must_use]
    pub fn bill_number(mut self, text: &'a str) -> Self {
        self.bill_number = Some(text);
        self
    }

    /// Sets the store label (`62.03`).
    #[must_use]
    pub fn store(mut self, text: &'a str) -> Self {
        self.store = Some(text);
        self
    }

    /// Sets the reference label (`62.05`).
    #[must_use]
    pub fn reference(mut self, text: &'a str) -> Self {
        self.reference = Some(text);
        self
    }

    /// Sets the terminal label (`62.07`), e.g. a market stall id.
    #[must_use]
    pub fn terminal(mut self, text: &'a str) -> Self {
        self.terminal = Some(text);
        self
    }

    /// Validates and encodes into a new `String`.
    ///
    /// # Errors
    /// The first [`EncodeError`] found.
    pub fn encode(&self) -> Result<String, EncodeError> {
        let v = self.validated()?;
        let mut out = String::with_capacity(v.len);
        self.write(&v, &mut out);
        Ok(out)
    }

    /// Validates and appends the payload to `out`; `out` is untouched on error.
    ///
    /// # Errors
    /// The first [`EncodeError`] found.
    pub fn encode_into(&self, out: &mut String) -> Result<(), EncodeError> {
        let v = self.validated()?;
        out.reserve(v.len);
        self.write(&v, out);
        Ok(())
    }

    /// Appends the payload of a validated transfer to `out`, which has room for it.
    #[inline]
    fn write(&self, v: &Validated<'_>, out: &mut String) {
        let account = self.account.as_bytes();
        // 38.01 = 0006 BIN + 01 LL account; 38 = GUID (14) + 01 LL org + 0208 service.
        let org_len = 10 + 4 + account.len();
        let mai_len = 14 + 4 + org_len + 12;
        // Everything is written into a stack buffer (at most 238 bytes), then copied
        // once into `out`. The write position is a plain local, so it stays in a
        // register across the copies.
        let mut buf = [0u8; 256];
        let b = &mut buf;
        let mut at = put(b, 0, if v.amount.is_some() { b"00020101021238" } else { b"00020101021138" });
        at = two(b, at, mai_len);
        at = put(b, at, b"0010A00000072701");
        at = two(b, at, org_len);
        at = put(b, at, b"0006");
        at = put_short(b, at, self.bin.as_bytes());
        at = put(b, at, b"01");
        at = two(b, at, account.len());
        at = put_short(b, at, account);
        at = put(b, at, if self.card { b"0208QRIBFTTC5303704" } else { b"0208QRIBFTTA5303704" });
        if let Some((a, digits)) = v.amount {
            at = put(b, at, b"54");
            at = number(b, at, a, digits);
        }
        at = put(b, at, b"5802VN");
        if v.add_len > 0 {
            at = put(b, at, b"62");
            at = two(b, at, v.add_len);
            let [f1, f3, f5, f7] = v.fields;
            for (id, val) in [(1, f1), (3, f3), (5, f5), (7, f7), (8, v.purpose.as_deref())] {
                if let Some(val) = val {
                    at = two(b, at, id);
                    at = two(b, at, val.len());
                    at = put_short(b, at, val.as_bytes());
                }
            }
        }
        at = put(b, at, b"6304");
        // The first 14 bytes are one of two constants whose CRC state is precomputed.
        let state = if v.amount.is_some() { DYNAMIC_PREFIX_CRC } else { STATIC_PREFIX_CRC };
        let c = crc::update(state, &b[14..at]);
        at = put(b, at, &crc::to_hex(c));
        // All pieces are validated ASCII, so this never fails.
        out.push_str(core::str::from_utf8(&b[..at]).unwrap_or_default());
    }

    fn validated(&self) -> Result<Validated<'a>, EncodeError> {
        let bin = self.bin.as_bytes();
        if bin.len() != 6 || !all_in(bin, DIGIT) {
            return Err(EncodeError::InvalidBin(self.bin.to_owned()));
        }
        let acc = self.account.as_bytes();
        let ok_len = !acc.is_empty() && acc.len() <= MAX_ACCOUNT_CHARS;
        if self.card {
            if !ok_len || !all_in(acc, DIGIT) {
                return Err(EncodeError::InvalidCard(self.account.to_owned()));
            }
        } else if !ok_len || !all_in(acc, ACCOUNT) {
            return Err(EncodeError::InvalidAccount(self.account.to_owned()));
        }
        match self.amount {
            Some(0) => return Err(EncodeError::ZeroAmount),
            Some(amount) if amount >= self.limit => {
                return Err(EncodeError::OverLimit { amount, limit: self.limit });
            }
            _ => {}
        }
        let purpose = match self.purpose {
            // Printable ASCII has nothing to fold, and its only whitespace is ' '.
            Some(p) if all_in(p.as_bytes(), PRINTABLE) => {
                let f = p.trim_ascii();
                if f.len() > MAX_ADDITIONAL_CHARS {
                    return Err(EncodeError::TooLong { field: "purpose", chars: f.len() });
                }
                Some(Cow::Borrowed(f)).filter(|f| !f.is_empty())
            }
            Some(p) => {
                let f = fold::to_ascii(p.trim());
                let chars = f.len();
                if chars > MAX_ADDITIONAL_CHARS {
                    return Err(EncodeError::TooLong { field: "purpose", chars });
                }
                Some(f).filter(|f| !f.is_empty())
            }
            None => None,
        };
        let fields = [
            check_label("bill number", self.bill_number)?,
            check_label("store label", self.store)?,
            check_label("reference label", self.reference)?,
            check_label("terminal label", self.terminal)?,
        ];
        let add_len = fields.iter().map(|f| f.map_or(0, |f| 4 + f.len())).sum::<usize>()
            + purpose.as_deref().map_or(0, |p| 4 + p.len());
        if add_len > 99 {
            return Err(EncodeError::AdditionalDataTooLong(add_len));
        }
        // 00 and 01 (12), 38's header (4), GUID (14), 38.01's header (4), BIN (10),
        // the account's header (4) and the account, service (12), 53 (7), 58 (6) and
        // 63 (8); then 54 and 62 when present.
        let mut len = 81 + acc.len();
        let amount = self.amount.map(|a| (a, decimal_digits(a)));
        if let Some((_, digits)) = amount {
            len += 4 + digits;
        }
        if add_len > 0 {
            len += 4 + add_len;
        }
        let v = Validated { amount, fields, purpose, add_len, len };
        Ok(v)
    }
}

/// Two-digit decimal strings `00`–`99`, back to back.
const PAIRS: &[u8; 200] = b"00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

/// Writes `s` at `buf[at..]`, returning the position after it.
#[inline(always)]
fn put(buf: &mut [u8; 256], at: usize, s: &[u8]) -> usize {
    buf[at..at + s.len()].copy_from_slice(s);
    at + s.len()
}

/// [`put`] for a short piece of unknown length (at most 32 bytes, as every validated
/// input is): two overlapping fixed-size copies instead of a `memcpy` call.
#[inline(always)]
fn put_short(buf: &mut [u8; 256], at: usize, s: &[u8]) -> usize {
    let n = s.len();
    match n {
        16..=32 => {
            buf[at..at + 16].copy_from_slice(&s[..16]);
            buf[at + n - 16..at + n].copy_from_slice(&s[n - 16..]);
        }
        8..=15 => {
            buf[at..at + 8].copy_from_slice(&s[..8]);
            buf[at + n - 8..at + n].copy_from_slice(&s[n - 8..]);
        }
        4..=7 => {
            buf[at..at + 4].copy_from_slice(&s[..4]);
            buf[at + n - 4..at + n].copy_from_slice(&s[n - 4..]);
        }
        _ => {
            for (d, &c) in buf[at..at + n].iter_mut().zip(s) {
                *d = c;
            }
        }
    }
    at + n
}

/// Writes `n` (< 100) as two digits at `buf[at..]`, returning the position after.
#[inline(always)]
fn two(buf: &mut [u8; 256], at: usize, n: usize) -> usize {
    let i = 2 * (n % 100);
    put(buf, at, &[PAIRS[i], PAIRS[i + 1]])
}

/// Writes a positive `n` of `digits` decimal digits as a length (two digits) and
/// the digits at `buf[at..]`, returning the position after.
#[inline(always)]
fn number(buf: &mut [u8; 256], at: usize, mut n: u64, digits: usize) -> usize {
    let end = two(buf, at, digits) + digits;
    let mut i = end;
    // Two digits at a time, from the end.
    while n >= 100 {
        let r = 2 * (n % 100) as usize;
        n /= 100;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&PAIRS[r..r + 2]);
    }
    if n >= 10 {
        let r = 2 * n as usize;
        buf[i - 2..i].copy_from_slice(&PAIRS[r..r + 2]);
    } else {
        buf[i - 1] = b'0' + n as u8;
    }
    end
}

/// CRC register after the constant prefix `00020101021138` (static codes).
const STATIC_PREFIX_CRC: u16 = crc::crc16_const(b"00020101021138");
/// CRC register after the constant prefix `00020101021238` (dynamic codes).
const DYNAMIC_PREFIX_CRC: u16 = crc::crc16_const(b"00020101021238");

/// Validated optional parts of a transfer.
struct Validated<'a> {
    /// The amount and its number of digits.
    amount: Option<(u64, usize)>,
    /// `62.01`, `62.03`, `62.05`, `62.07`.
    fields: [Option<&'a str>; 4],
    purpose: Option<Cow<'a, str>>,
    /// Characters of the value of `62` (0 when absent).
    add_len: usize,
    /// Characters of the whole payload.
    len: usize,
}

/// Number of decimal digits of `n`.
#[inline]
fn decimal_digits(mut n: u64) -> usize {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

/// Class bit of ASCII digits.
const DIGIT: u8 = 1;
/// Class bit of account characters: ASCII letters, digits and `-`.
const ACCOUNT: u8 = 2;
/// Class bit of printable ASCII, `0x20`-`0x7E`.
const PRINTABLE: u8 = 4;

/// The class bits of every byte.
static CLASS: [u8; 256] = classes();

const fn classes() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut b = 0x20;
    while b < 0x7F {
        let c = b as u8;
        t[b] = PRINTABLE
            | if c.is_ascii_digit() { DIGIT } else { 0 }
            | if c.is_ascii_alphanumeric() || c == b'-' { ACCOUNT } else { 0 };
        b += 1;
    }
    t
}

/// Whether every byte of `s` has class bit `class` (branch-free).
#[inline(always)]
fn all_in(s: &[u8], class: u8) -> bool {
    s.iter().fold(class, |m, &c| m & CLASS[usize::from(c)]) == class
}

fn check_label<'a>(field: &'static str, v: Option<&'a str>) -> Result<Option<&'a str>, EncodeError> {
    let Some(v) = v.filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if !all_in(v.as_bytes(), PRINTABLE) {
        return Err(EncodeError::NotAscii { field });
    }
    if v.len() > MAX_ADDITIONAL_CHARS {
        return Err(EncodeError::TooLong { field, chars: v.len() });
    }
    Ok(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_examples() {
        assert_eq!(
            Transfer::to_card("970403", "9704031101234567").encode().unwrap(),
            "00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN63044F52"
        );
        assert_eq!(
            Transfer::to_card("970403", "9704031101234567")
                .amount(180_000)
                .bill_number("NPS6869")
                .purpose("thanh toan don hang")
                .encode()
                .unwrap(),
            "00020101021238600010A00000072701300006970403011697040311012345670208QRIBFTTC530370454061800005802VN62340107NPS68690819thanh toan don hang6304A203"
        );
    }

    #[test]
    fn validation() {
        let t = Transfer::to_account("970436", "0123456789");
        assert!(matches!(Transfer::to_account("97043", "1").encode(), Err(EncodeError::InvalidBin(_))));
        assert!(matches!(Transfer::to_account("970436", "").encode(), Err(EncodeError::InvalidAccount(_))));
        assert!(matches!(
            Transfer::to_account("970436", "12345678901234567890").encode(),
            Err(EncodeError::InvalidAccount(_))
        ));
        assert!(matches!(Transfer::to_account("970436", "12 34").encode(), Err(EncodeError::InvalidAccount(_))));
        assert!(matches!(Transfer::to_card("970436", "1234A").encode(), Err(EncodeError::InvalidCard(_))));
        assert_eq!(t.clone().amount(0).encode(), Err(EncodeError::ZeroAmount));
        assert!(t.clone().amount(499_999_999).encode().is_ok());
        assert_eq!(
            t.clone().amount(500_000_000).encode(),
            Err(EncodeError::OverLimit { amount: 500_000_000, limit: 500_000_000 })
        );
        assert!(t.clone().amount(600_000_000).limit(1_000_000_000).encode().is_ok());
        assert_eq!(
            t.clone().purpose("Nộp phí hồ sơ đăng ký đất đai lần hai").encode(),
            Err(EncodeError::TooLong { field: "purpose", chars: 37 })
        );
        assert_eq!(t.clone().terminal("Sạp 12").encode(), Err(EncodeError::NotAscii { field: "terminal label" }));
        let long = "A".repeat(25);
        assert!(matches!(
            t.clone().bill_number(&long).store(&long).reference(&long).purpose(&long).encode(),
            Err(EncodeError::AdditionalDataTooLong(116))
        ));
    }

    #[test]
    fn purpose_is_folded_and_empty_omitted() {
        let p = Transfer::to_account("970436", "0123456789").purpose("Học phí Đợt 1").encode().unwrap();
        assert!(p.contains("0813Hoc phi Dot 1"), "{p}");
        let p = Transfer::to_account("970436", "0123456789").purpose("  ").encode().unwrap();
        assert_eq!(crate::decode(&p).unwrap().get(62), None, "{p}");
    }

    proptest::proptest! {
        /// The printable-ASCII shortcut for the purpose gives what folding gives.
        #[test]
        fn printable_purpose_shortcut_matches_folding(p in "[ -~]{0,30}") {
            proptest::prop_assert_eq!(fold::to_ascii(p.trim()), p.trim_ascii());
            let encoded = Transfer::to_account("970436", "0123456789").purpose(&p).encode();
            let folded = fold::to_ascii(p.trim());
            match encoded {
                Ok(e) if folded.is_empty() => proptest::prop_assert!(!e.contains("62")),
                Ok(e) => {
                    let tail = format!("08{:02}{folded}6304", folded.len());
                    proptest::prop_assert!(e.contains(&tail), "{}", e);
                }
                Err(e) => proptest::prop_assert_eq!(
                    e,
                    EncodeError::TooLong { field: "purpose", chars: folded.len() }
                ),
            }
        }

        /// Lengths, amounts and labels of every size are written where the decoder
        /// finds them.
        #[test]
        fn pieces_of_every_length_round_trip(
            account in "[A-Za-z0-9-]{1,19}",
            amount in proptest::option::of(1u64..NAPAS_PER_TRANSACTION_LIMIT),
            bill in proptest::option::of("[ -~]{1,25}"),
            terminal in proptest::option::of("[A-Z0-9]{1,25}"),
        ) {
            let mut t = Transfer::to_account("970436", &account);
            if let Some(a) = amount {
                t = t.amount(a);
            }
            if let Some(b) = &bill {
                t = t.bill_number(b);
            }
            if let Some(x) = &terminal {
                t = t.terminal(x);
            }
            match t.encode() {
                Ok(e) => {
                    let q = crate::decode_vietqr(&e).unwrap();
                    proptest::prop_assert_eq!(q.account, account.as_str());
                    proptest::prop_assert_eq!(q.amount.map(|v| v.0), amount);
                    proptest::prop_assert_eq!(q.additional.bill_number, bill.as_deref());
                    proptest::prop_assert_eq!(q.additional.terminal, terminal.as_deref());
                    proptest::prop_assert_eq!(Ok(e.len()), t.validated().map(|v| v.len));
                }
                Err(e) => proptest::prop_assert!(matches!(e, EncodeError::AdditionalDataTooLong(_))),
            }
        }
    }

    #[test]
    fn encode_into_appends() {
        let mut s = String::from("x");
        Transfer::to_account("970436", "0123456789").encode_into(&mut s).unwrap();
        assert!(s.starts_with("x000201"));
        assert!(crate::decode(&s[1..]).is_ok());
    }
}
