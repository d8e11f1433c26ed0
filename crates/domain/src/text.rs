//! Vietnamese text folding for search.
//!
//! "Tân Hòa", "Tân Hoà" and "Tan Hoa" must all find the same unit. Every
//! searchable row stores a `search_key` computed here, and queries fold the
//! user's input the same way, so SQL compares plain ASCII on both backends.

use unicode_normalization::UnicodeNormalization;

/// Lowercases, strips diacritics (including the horn and breve that NFD does
/// not separate from `đ`), maps `đ` to `d` and collapses white space.
///
/// ```
/// assert_eq!(domain::text::search_key("  Xã Tân Hòa "), "xa tan hoa");
/// assert_eq!(domain::text::search_key("ĐỒNG THÁP"), "dong thap");
/// ```
pub fn search_key(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.nfd() {
        let c = match c {
            'đ' | 'Đ' => 'd',
            c if is_combining(c) => continue,
            c => c,
        };
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// ASCII-folds text (diacritics stripped, đ→d) keeping case; used where a
/// value must travel through systems that only take ASCII.
pub fn ascii_fold(input: &str) -> String {
    input
        .nfd()
        .filter_map(|c| match c {
            'đ' => Some('d'),
            'Đ' => Some('D'),
            c if is_combining(c) => None,
            c => Some(c),
        })
        .collect()
}

fn is_combining(c: char) -> bool {
    // Combining Diacritical Marks block; Vietnamese uses only these.
    ('\u{0300}'..='\u{036f}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_spellings_of_a_name_fold_alike() {
        let k = search_key("Tân Hòa");
        assert_eq!(k, search_key("Tân Hoà"));
        assert_eq!(k, search_key("tan   hoa"));
        assert_eq!(search_key("Nguyễn Thị Ánh Tuyết, Đồng Tháp"), "nguyen thi anh tuyet, dong thap");
    }

    #[test]
    fn ascii_fold_keeps_case() {
        assert_eq!(ascii_fold("Đóng phí Hộ tịch"), "Dong phi Ho tich");
    }
}
