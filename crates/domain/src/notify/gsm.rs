//! The GSM 7-bit alphabet (3GPP TS 23.038): what an SMS may contain without
//! falling back to UCS-2 (70 characters a part instead of 160), and how a
//! gateway counts its length.
//!
//! Vietnamese diacritics are not in it: [`to_gsm`] folds them away with
//! `text::ascii_fold` and replaces the few other characters a template or a
//! procedure name may carry (dashes, curly quotes, `₫`).

use crate::text::ascii_fold;

/// Characters of one part of a single-part SMS in the GSM 7-bit alphabet.
pub const SINGLE_PART: usize = 160;

/// The basic GSM 7-bit table (escape excluded): one unit each.
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡\
                     ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// The extension table: two units each (escape + character).
const EXTENSION: &str = "^{}\\[~]|€\u{0c}";

/// Whether `c` can be sent in the GSM 7-bit alphabet.
pub fn is_gsm(c: char) -> bool {
    BASIC.contains(c) || EXTENSION.contains(c)
}

/// The length of `text` in GSM 7-bit units (extension characters count
/// twice), or `None` when a character is outside the alphabet.
pub fn units(text: &str) -> Option<usize> {
    text.chars().try_fold(0usize, |n, c| {
        if BASIC.contains(c) {
            Some(n + 1)
        } else if EXTENSION.contains(c) {
            Some(n + 2)
        } else {
            None
        }
    })
}

/// The number of SMS parts `text` takes: one up to 160 units, then parts
/// of 153 (the rest carries the concatenation header); `None` when not GSM.
pub fn parts(text: &str) -> Option<usize> {
    let n = units(text)?;
    Some(if n <= SINGLE_PART { 1 } else { n.div_ceil(153) })
}

/// Makes `text` sendable in the GSM 7-bit alphabet: diacritics stripped
/// (đ→d), typographic punctuation made plain, `₫` written `d`, anything else
/// outside the alphabet replaced by `?`. The few accented Latin letters the
/// GSM table has are folded too, so the result is plain ASCII-like text.
pub fn to_gsm(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in ascii_fold(text).chars() {
        match c {
            '‐' | '‑' | '‒' | '–' | '—' | '−' => out.push('-'),
            '‘' | '’' | '‚' | '′' => out.push('\''),
            '“' | '”' | '„' | '″' => out.push('"'),
            '…' => out.push_str("..."),
            '₫' => out.push('d'),
            '\u{a0}' | '\t' => out.push(' '),
            c if c.is_ascii() && is_gsm(c) => out.push(c),
            _ => out.push('?'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_is_folded_into_the_gsm_alphabet() {
        let s = to_gsm("Hồ sơ “Đăng ký khai sinh” – phí 50.000 ₫…");
        assert_eq!(s, "Ho so \"Dang ky khai sinh\" - phi 50.000 d...");
        assert_eq!(units(&s), Some(s.chars().count()));
        assert_eq!(to_gsm("a`b"), "a?b");
    }

    #[test]
    fn lengths_are_counted_as_gateways_bill_them() {
        assert_eq!(units("abc"), Some(3));
        assert_eq!(units("a[b]"), Some(6), "extension characters take two units");
        assert_eq!(units("Hồ"), None);
        assert_eq!(parts(&"a".repeat(160)), Some(1));
        assert_eq!(parts(&"a".repeat(161)), Some(2));
        assert_eq!(parts(&"a".repeat(306)), Some(2));
        assert_eq!(parts(&"a".repeat(307)), Some(3));
    }
}
