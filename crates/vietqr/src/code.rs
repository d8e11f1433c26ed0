//! Payment codes for reconciliation: short unique codes to put in the transfer
//! content (`62.08`), and a matcher that finds them again in whatever text the
//! paying bank forwards.
//!
//! **Format.** `PREFIX` + `BODY` + `CHECK`, all ASCII, uppercase, at most 21
//! characters:
//! - `PREFIX`: 1–8 characters `A-Z0-9` chosen by the caller (e.g. `XS`, `HP`);
//! - `BODY`: 4–12 characters of Crockford base32 (`0-9A-Z` without `I L O U`),
//!   encoding a caller-supplied number through a bijection, so distinct numbers
//!   (e.g. database ids) give distinct, random-looking codes;
//! - `CHECK`: one ISO/IEC 7064 MOD 37,36 check character (alphabet `0-9A-Z`) computed
//!   over `PREFIX` + `BODY`. It catches every single-character substitution and
//!   every adjacent transposition, so a near-miss never matches another bill.
//!
//! **Matching.** Banks prepend and append text (`MBVCB.3278907687.XS…`), change
//! case and strip punctuation or spaces, so the matcher folds the content to ASCII,
//! uppercases it, drops every non-alphanumeric character, then tries every
//! occurrence of the prefix. In the body, `O` reads as `0` and `I`/`L` as `1`
//! (Crockford's rule for misread characters). Only candidates whose check
//! character verifies are returned.

use crate::fold;

/// The body alphabet: Crockford base32.
pub const BODY_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The check alphabet of ISO/IEC 7064 MOD 37,36.
pub const CHECK_ALPHABET: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Odd multiplier of the bijection from numbers to bodies (any odd number is
/// invertible modulo a power of two).
const MIX_MUL: u64 = 0x9E37_79B9_7F4A_7C15;
/// Offset of the bijection.
const MIX_ADD: u64 = 0x2545_F491_4F6C_DD1D;

/// An invalid payment-code format or number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodeError {
    /// The prefix is empty, longer than 8 or not `A-Z0-9`.
    #[error("the prefix must be 1-8 characters A-Z or 0-9, got {0:?}")]
    InvalidPrefix(String),
    /// The body length is outside 4–12.
    #[error("the body must be 4-12 characters, got {0}")]
    InvalidBodyLength(usize),
    /// The number does not fit in the body.
    #[error("{number} does not fit in a {body_len}-character body")]
    NumberTooLarge {
        /// The number given.
        number: u64,
        /// The body length.
        body_len: usize,
    },
}

fn check_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        _ => None,
    }
}

/// ISO/IEC 7064 MOD 37,36 running checksum; `None` on a character outside `0-9A-Z`.
fn mod37_36(s: &[u8]) -> Option<u32> {
    let mut p = 18u32;
    for &c in s {
        let doubled = (if p == 0 { 36 } else { p } * 2) % 37;
        p = (doubled + check_value(c)?) % 36;
    }
    Some(p)
}

/// The ISO/IEC 7064 MOD 37,36 check character of `s` (uppercase `0-9A-Z`).
///
/// ```
/// let c = vietqr::code::check_char("XS7K2P9").unwrap();
/// assert!(vietqr::code::verify(&format!("XS7K2P9{c}")));
/// ```
#[must_use]
pub fn check_char(s: &str) -> Option<char> {
    let p = mod37_36(s.as_bytes())?;
    let doubled = (if p == 0 { 36 } else { p } * 2) % 37;
    let v = (37 - doubled) % 36;
    Some(char::from(CHECK_ALPHABET[v as usize]))
}

/// Whether `code` (uppercase `0-9A-Z`, check character last) verifies.
#[must_use]
pub fn verify(code: &str) -> bool {
    code.len() >= 2 && mod37_36(code.as_bytes()) == Some(1)
}

/// A payment-code format: a fixed prefix and a body length.
///
/// ```
/// use vietqr::code::PaymentCodes;
/// let codes = PaymentCodes::new("XS", 8)?;
/// let code = codes.generate(42)?;
/// assert_eq!(code.len(), 11);
/// let content = format!("MBVCB.3278907687.{}.CT tu 0123456789", code.to_lowercase());
/// assert_eq!(codes.find(&content), Some(code));
/// # Ok::<(), vietqr::code::CodeError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentCodes {
    prefix: String,
    body_len: usize,
}

impl PaymentCodes {
    /// A format with `prefix` (1–8 of `A-Z0-9`, case-folded) and a body of
    /// `body_len` characters (4–12; 8 gives 2⁴⁰ ≈ 10¹² codes).
    ///
    /// # Errors
    /// [`CodeError::InvalidPrefix`] or [`CodeError::InvalidBodyLength`].
    pub fn new(prefix: &str, body_len: usize) -> Result<Self, CodeError> {
        let p = prefix.to_ascii_uppercase();
        if p.is_empty() || p.len() > 8 || !p.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(CodeError::InvalidPrefix(prefix.to_owned()));
        }
        if !(4..=12).contains(&body_len) {
            return Err(CodeError::InvalidBodyLength(body_len));
        }
        Ok(Self { prefix: p, body_len })
    }

    /// The prefix (uppercase).
    #[must_use]
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Length of a whole code: prefix, body and check character.
    #[must_use]
    pub fn code_len(&self) -> usize {
        self.prefix.len() + self.body_len + 1
    }

    /// How many distinct codes exist: 32^body_len.
    #[must_use]
    pub fn capacity(&self) -> u64 {
        1u64 << (5 * self.body_len)
    }

    /// The code for `number`, which must be below [`capacity`](Self::capacity).
    /// Distinct numbers give distinct codes; consecutive numbers give unrelated-looking
    /// codes (a fixed bijection, not a secret).
    ///
    /// # Errors
    /// [`CodeError::NumberTooLarge`].
    pub fn generate(&self, number: u64) -> Result<String, CodeError> {
        if number >= self.capacity() {
            return Err(CodeError::NumberTooLarge { number, body_len: self.body_len });
        }
        let mask = self.capacity() - 1;
        let mut x = number.wrapping_mul(MIX_MUL).wrapping_add(MIX_ADD) & mask;
        let mut code = String::with_capacity(self.code_len());
        code.push_str(&self.prefix);
        let mut body = [0u8; 12];
        for slot in body[..self.body_len].iter_mut().rev() {
            *slot = BODY_ALPHABET[(x & 31) as usize];
            x >>= 5;
        }
        for &b in &body[..self.body_len] {
            code.push(char::from(b));
        }
        let check = check_char(&code).unwrap_or('0');
        code.push(check);
        Ok(code)
    }

    /// Whether `code` is exactly a code of this format (case-insensitive) with a
    /// valid check character.
    #[must_use]
    pub fn is_valid(&self, code: &str) -> bool {
        let up = code.to_ascii_uppercase();
        up.len() == self.code_len()
            && up.starts_with(&self.prefix)
            && up.as_bytes()[self.prefix.len()..up.len() - 1].iter().all(|b| BODY_ALPHABET.contains(b))
            && verify(&up)
    }

    /// The first valid code found in bank transfer content, in canonical form.
    #[must_use]
    pub fn find(&self, content: &str) -> Option<String> {
        self.find_all(content).into_iter().next()
    }

    /// Every distinct valid code found in `content`, in order of appearance.
    #[must_use]
    pub fn find_all(&self, content: &str) -> Vec<String> {
        let norm: Vec<u8> = content
            .chars()
            .filter_map(fold::fold_char)
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase() as u8)
            .collect();
        let p = self.prefix.as_bytes();
        let n = self.code_len();
        let mut found: Vec<String> = Vec::new();
        let mut i = 0;
        while i + n <= norm.len() {
            if &norm[i..i + p.len()] == p
                && let Some(code) = self.candidate(&norm[i..i + n])
            {
                if !found.contains(&code) {
                    found.push(code);
                }
                i += n;
                continue;
            }
            i += 1;
        }
        found
    }

    /// Canonicalises a window of normalised content and verifies it.
    fn candidate(&self, w: &[u8]) -> Option<String> {
        let mut code = Vec::with_capacity(w.len());
        code.extend_from_slice(&w[..self.prefix.len()]);
        for &b in &w[self.prefix.len()..w.len() - 1] {
            let c = match b {
                b'O' => b'0',
                b'I' | b'L' => b'1',
                b'U' => return None,
                other => other,
            };
            code.push(c);
        }
        code.push(w[w.len() - 1]);
        let s = String::from_utf8(code).ok()?;
        verify(&s).then_some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_character_rejects_single_errors_and_transpositions() {
        let codes = PaymentCodes::new("XS", 8).unwrap();
        for n in [0u64, 1, 2, 99, 123_456, (1 << 40) - 1] {
            let code = codes.generate(n).unwrap();
            assert!(codes.is_valid(&code), "{code}");
            let b = code.as_bytes();
            for i in 0..b.len() {
                for &c in CHECK_ALPHABET {
                    if c != b[i] {
                        let mut m = b.to_vec();
                        m[i] = c;
                        assert!(!verify(core::str::from_utf8(&m).unwrap()));
                    }
                }
                if i + 1 < b.len() && b[i] != b[i + 1] {
                    let mut m = b.to_vec();
                    m.swap(i, i + 1);
                    assert!(!verify(core::str::from_utf8(&m).unwrap()));
                }
            }
        }
    }

    #[test]
    fn generation_is_injective() {
        let codes = PaymentCodes::new("HP", 4).unwrap();
        let mut all: Vec<String> = (0..codes.capacity()).map(|n| codes.generate(n).unwrap()).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len() as u64, codes.capacity());
        assert!(codes.generate(codes.capacity()).is_err());
    }

    #[test]
    fn finds_codes_in_messy_content() {
        let codes = PaymentCodes::new("XS", 6).unwrap();
        let code = codes.generate(7).unwrap();
        let (head, tail) = code.split_at(5);
        let cases = [
            format!("MBVCB.123456.{code}.CT tu 0123"),
            format!("{} chuyển tiền", code.to_lowercase()),
            format!("{} {}-{}", &head[..2].to_lowercase(), &head[2..].to_lowercase(), tail.to_lowercase()),
            format!("IBFT{code}"),
            format!("XSXS{code}"),
        ];
        for c in &cases {
            assert_eq!(codes.find(c).as_deref(), Some(code.as_str()), "{c}");
        }
        // Crockford misreads in the body.
        let misread = code.replacen('0', "O", 1).replacen('1', "L", 1);
        assert_eq!(codes.find(&misread).as_deref(), Some(code.as_str()));
        // A near miss is rejected.
        let mut bad = code.clone().into_bytes();
        let last = bad.len() - 2;
        bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(codes.find(core::str::from_utf8(&bad).unwrap()), None);
        assert_eq!(codes.find("no code here"), None);
    }

    #[test]
    fn formats_are_validated() {
        assert!(PaymentCodes::new("", 8).is_err());
        assert!(PaymentCodes::new("X-S", 8).is_err());
        assert!(PaymentCodes::new("XS", 3).is_err());
        assert!(PaymentCodes::new("ABCDEFGH", 12).unwrap().code_len() <= 25);
    }
}
