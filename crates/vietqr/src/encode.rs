//! Encoding a NAPAS VietQR transfer order ([`Transfer`]) into payload text.
//!
//! Output follows the layout every peer library produces, byte for byte: IDs in
//! ascending order at every level (`00 01 38 53 54 58 62 63`), `01` = `12` exactly
//! when an amount is given, `38` = NAPAS GUID + (BIN, account) + service code,
//! uppercase CRC. The purpose (`62.08`) is folded to ASCII and capped at 25
//! characters. Validation and writing take one pass into a stack buffer, copied once
//! into a `String` of the exact length; the CRC state after the first 38 bytes,
//! which only depend on the kind of code and the account's length, is precomputed.

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
        let mut buf = [0u8; BUF_LEN];
        let n = self.write(&mut buf)?;
        Ok(String::from(as_str(&buf, n)))
    }

    /// Validates and appends the payload to `out`; `out` is untouched on error.
    ///
    /// # Errors
    /// The first [`EncodeError`] found.
    pub fn encode_into(&self, out: &mut String) -> Result<(), EncodeError> {
        let mut buf = [0u8; BUF_LEN];
        let n = self.write(&mut buf)?;
        out.push_str(as_str(&buf, n));
        Ok(())
    }

    /// Validates the transfer and writes its payload at the start of `b`, in one
    /// pass; returns its length, or the first [`EncodeError`] in the order of the
    /// checks: BIN, account, amount, purpose, labels, additional data length.
    #[inline]
    fn write(&self, b: &mut [u8; BUF_LEN]) -> Result<usize, EncodeError> {
        let bin = self.bin.as_bytes();
        let Some(bin) = bin.first_chunk::<6>().filter(|b| bin.len() == 6 && all_in(*b, DIGIT)) else {
            return Err(EncodeError::InvalidBin(self.bin.to_owned()));
        };
        let account = self.account.as_bytes();
        let ok_len = !account.is_empty() && account.len() <= MAX_ACCOUNT_CHARS;
        if self.card {
            if !ok_len || !all_in(account, DIGIT) {
                return Err(EncodeError::InvalidCard(self.account.to_owned()));
            }
        } else if !ok_len || !all_in(account, ACCOUNT) {
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
            Some(p) if printable(p.as_bytes()) => {
                // The only ASCII whitespace that is printable is ' '.
                let f = p.trim_matches(' ');
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
        let labels = [
            check_label("bill number", self.bill_number)?,
            check_label("store label", self.store)?,
            check_label("reference label", self.reference)?,
            check_label("terminal label", self.terminal)?,
        ];
        let piece = |v: Option<&str>| v.map_or(0, |v| 4 + v.len());
        let add_len =
            piece(labels[0]) + piece(labels[1]) + piece(labels[2]) + piece(labels[3]) + piece(purpose.as_deref());
        if add_len > 99 {
            return Err(EncodeError::AdditionalDataTooLong(add_len));
        }

        // The first 48 bytes are at fixed offsets: `000201`, `0102` `11`/`12`, `38` LL,
        // the GUID, `01` LL, `0006` BIN, `01` LL.
        let dynamic = self.amount.is_some();
        // 38.01 = 0006 BIN + 01 LL account; 38 = GUID (14) + 01 LL org + 0208 service.
        let org_len = 10 + 4 + account.len();
        let mai_len = 14 + 4 + org_len + 12;
        b[..14].copy_from_slice(if dynamic { b"00020101021238" } else { b"00020101021138" });
        b[14..16].copy_from_slice(pair(mai_len));
        b[16..32].copy_from_slice(b"0010A00000072701");
        b[32..34].copy_from_slice(pair(org_len));
        b[34..38].copy_from_slice(b"0006");
        b[38..44].copy_from_slice(bin);
        b[44..46].copy_from_slice(b"01");
        b[46..48].copy_from_slice(pair(account.len()));
        let mut at = put_short(b, 48, account);
        at = put(b, at, if self.card { b"0208QRIBFTTC5303704" } else { b"0208QRIBFTTA5303704" });
        if let Some(a) = self.amount {
            at = put(b, at, b"54");
            at = number(b, at, a);
        }
        at = put(b, at, b"5802VN");
        if add_len > 0 {
            at = put(b, at, b"62");
            at = put(b, at, pair(add_len));
            let [f1, f3, f5, f7] = labels;
            at = sub_field(b, at, b"01", f1);
            at = sub_field(b, at, b"03", f3);
            at = sub_field(b, at, b"05", f5);
            at = sub_field(b, at, b"07", f7);
            at = sub_field(b, at, b"08", purpose.as_deref());
        }
        at = put(b, at, b"6304");
        // The first 38 bytes (up to the BIN) only depend on whether the code is
        // dynamic and on the account's length: their CRC state is precomputed.
        let state = PREFIX_CRC[usize::from(dynamic)][account.len()];
        let c = crc::update(state, b.get(PREFIX_LEN..at).unwrap_or_default());
        Ok(put(b, at, &crc::to_hex(c)))
    }
}

/// The first `n` bytes of `buf`, which hold a payload, as text.
///
/// The UTF-8 check runs over whole 16-byte blocks (the zeroed bytes after the
/// payload are valid UTF-8 too), so that it stays on its word-at-a-time ASCII path
/// instead of finishing byte by byte. Every piece was validated as ASCII, so neither
/// step can fail.
#[inline(always)]
fn as_str(buf: &[u8; BUF_LEN], n: usize) -> &str {
    let blocks = buf.get(..n.next_multiple_of(16)).unwrap_or_default();
    core::str::from_utf8(blocks).unwrap_or_default().get(..n).unwrap_or_default()
}

/// Size of the stack buffer a payload is written into: the longest payload is
/// 81 + 19 (account) + 24 (amount of 20 digits) + 103 (field `62`) = 227 bytes.
const BUF_LEN: usize = 256;

/// Two-digit decimal strings `00`–`99`.
static PAIRS: [[u8; 2]; 100] = pairs();

const fn pairs() -> [[u8; 2]; 100] {
    let mut t = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    t
}

/// `n` (< 100) as two digits.
#[inline(always)]
fn pair(n: usize) -> &'static [u8; 2] {
    &PAIRS[n.min(99)]
}

/// Writes `s` at `buf[at..]`, returning the position after it.
#[inline(always)]
fn put(buf: &mut [u8; BUF_LEN], at: usize, s: &[u8]) -> usize {
    buf[at..at + s.len()].copy_from_slice(s);
    at + s.len()
}

/// [`put`] for a short piece of unknown length (at most 32 bytes, as every validated
/// input is): two overlapping fixed-size copies instead of a `memcpy` call.
#[inline(always)]
fn put_short(buf: &mut [u8; BUF_LEN], at: usize, s: &[u8]) -> usize {
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

/// Writes sub-field `id` with value `v`, if any, returning the position after it.
#[inline(always)]
fn sub_field(buf: &mut [u8; BUF_LEN], at: usize, id: &[u8; 2], v: Option<&str>) -> usize {
    match v {
        None => at,
        Some(v) => {
            let at = put(buf, at, id);
            let at = put(buf, at, pair(v.len()));
            put_short(buf, at, v.as_bytes())
        }
    }
}

/// Writes a positive `n` as a length (two digits) and its digits at `buf[at..]`,
/// returning the position after.
#[inline(always)]
fn number(buf: &mut [u8; BUF_LEN], at: usize, mut n: u64) -> usize {
    let digits = n.checked_ilog10().unwrap_or(0) as usize + 1;
    let end = put(buf, at, pair(digits)) + digits;
    let mut i = end;
    // Two digits at a time, from the end.
    while n >= 100 {
        i -= 2;
        buf[i..i + 2].copy_from_slice(pair((n % 100) as usize));
        n /= 100;
    }
    if n >= 10 {
        buf[i - 2..i].copy_from_slice(pair(n as usize));
    } else {
        buf[i - 1] = b'0' + n as u8;
    }
    end
}

/// Length of the payload prefix whose CRC state [`PREFIX_CRC`] holds: `000201`,
/// `0102` `11`/`12`, `38` LL, the GUID, `01` LL and `0006`.
const PREFIX_LEN: usize = 38;

/// CRC register after the first [`PREFIX_LEN`] bytes, by dynamic (1) or static (0)
/// code and by account length (1-19).
static PREFIX_CRC: [[u16; MAX_ACCOUNT_CHARS + 1]; 2] = prefix_crcs();

const fn prefix_crcs() -> [[u16; MAX_ACCOUNT_CHARS + 1]; 2] {
    let mut t = [[0u16; MAX_ACCOUNT_CHARS + 1]; 2];
    let mut dynamic = 0;
    while dynamic < 2 {
        let mut acc = 1;
        while acc <= MAX_ACCOUNT_CHARS {
            let org_len = 10 + 4 + acc;
            let mai_len = 14 + 4 + org_len + 12;
            let mut prefix = *b"00020101021x38mm0010A00000072701oo0006";
            prefix[11] = if dynamic == 1 { b'2' } else { b'1' };
            prefix[14] = PAIRS[mai_len][0];
            prefix[15] = PAIRS[mai_len][1];
            prefix[32] = PAIRS[org_len][0];
            prefix[33] = PAIRS[org_len][1];
            t[dynamic][acc] = crc::crc16_const(&prefix);
            acc += 1;
        }
        dynamic += 1;
    }
    t
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

/// Whether every byte of `s` is printable ASCII (`0x20`-`0x7E`), eight at a time.
#[inline(always)]
fn printable(s: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte below 0x20 borrows when 0x20 is subtracted (and had no high bit); a byte
    // of 0x7F or more has its high bit set once 1 is added.
    let bad = |w: u64| (w.wrapping_sub(0x20 * ONES) & !w) | (w.wrapping_add(ONES) | w);
    if s.len() < 8 {
        return all_in(s, PRINTABLE);
    }
    let (words, _) = s.as_chunks::<8>();
    let mut acc = 0;
    for w in words {
        acc |= bad(u64::from_le_bytes(*w));
    }
    // The last eight bytes, overlapping the last whole word.
    if let Some(last) = s.last_chunk::<8>() {
        acc |= bad(u64::from_le_bytes(*last));
    }
    acc & HIGH == 0
}

/// A label (`62.01`-`62.07`) checked as printable ASCII of at most 25 characters;
/// `None` when absent or empty.
#[inline(always)]
fn check_label<'a>(field: &'static str, v: Option<&'a str>) -> Result<Option<&'a str>, EncodeError> {
    let Some(v) = v.filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if !printable(v.as_bytes()) {
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
                    proptest::prop_assert_eq!(q.additional.bill_number(), bill.as_deref());
                    proptest::prop_assert_eq!(q.additional.terminal(), terminal.as_deref());
                    let mut appended = String::from("x");
                    t.encode_into(&mut appended).unwrap();
                    proptest::prop_assert_eq!(&appended[1..], e.as_str());
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
