//! ASCII folding of Vietnamese text for the transfer content (`62.08`).
//!
//! Banks and peer libraries only agree on ASCII, so the encoder folds the purpose:
//! diacritics are stripped (`chuyển khoản` → `chuyen khoan`), `đ`/`Đ` become
//! `d`/`D`, combining marks (text in NFD form) are dropped, other whitespace becomes
//! a space, and any other character outside printable ASCII is dropped. Text that
//! needed folding also has its runs of spaces collapsed; printable ASCII is returned
//! unchanged (borrowed).

use std::borrow::Cow;

/// Vietnamese (and common Latin-1) precomposed letters, grouped by base letter.
const GROUPS: &[(char, &str)] = &[
    ('a', "àáảãạăằắẳẵặâầấẩẫậäåā"),
    ('A', "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÄÅĀ"),
    ('e', "èéẻẽẹêềếểễệëē"),
    ('E', "ÈÉẺẼẸÊỀẾỂỄỆËĒ"),
    ('i', "ìíỉĩịïī"),
    ('I', "ÌÍỈĨỊÏĪ"),
    ('o', "òóỏõọôồốổỗộơờớởỡợöøō"),
    ('O', "ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÖØŌ"),
    ('u', "ùúủũụưừứửữựüū"),
    ('U', "ÙÚỦŨỤƯỪỨỬỮỰÜŪ"),
    ('y', "ỳýỷỹỵÿ"),
    ('Y', "ỲÝỶỸỴ"),
    ('d', "đ"),
    ('D', "ĐÐ"),
    ('c', "ç"),
    ('C', "Ç"),
    ('n', "ñ"),
    ('N', "Ñ"),
];

/// The ASCII replacement of one character, or `None` to drop it.
#[must_use]
pub fn fold_char(c: char) -> Option<char> {
    if c.is_ascii() {
        return if c.is_ascii_control() { (c == '\t' || c == '\n' || c == '\r').then_some(' ') } else { Some(c) };
    }
    if c.is_whitespace() {
        return Some(' ');
    }
    GROUPS.iter().find(|(_, set)| set.contains(c)).map(|&(base, _)| base)
}

/// Folds `s` to printable ASCII; borrows when there is nothing to change.
///
/// ```
/// assert_eq!(vietqr::fold::to_ascii("Nộp phí hồ sơ Đất đai"), "Nop phi ho so Dat dai");
/// ```
#[must_use]
pub fn to_ascii(s: &str) -> Cow<'_, str> {
    if s.bytes().all(|b| (0x20..0x7F).contains(&b)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter_map(fold_char) {
        if c == ' ' && out.ends_with(' ') {
            continue;
        }
        out.push(c);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(to_ascii("chuyển khoản"), "chuyen khoan");
        assert_eq!(to_ascii("ĐÓNG HỌC PHÍ"), "DONG HOC PHI");
        assert_eq!(to_ascii("Thủy Hương"), "Thuy Huong");
        // NFD input: base letters plus combining marks.
        assert_eq!(to_ascii("To\u{302}\u{301}i"), "Toi");
        assert_eq!(to_ascii("a\tb  😀 c"), "a b c");
        assert!(matches!(to_ascii("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn every_vietnamese_letter_folds() {
        let letters = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ";
        for c in letters.chars() {
            let f = fold_char(c).unwrap();
            assert!(f.is_ascii_lowercase(), "{c}");
            let up: String = c.to_uppercase().collect();
            let fu = fold_char(up.chars().next().unwrap()).unwrap();
            assert_eq!(fu, f.to_ascii_uppercase(), "{up}");
        }
    }
}
