//! The one typeface of our PDFs and how wide its text is.
//!
//! Noto Serif (regular and bold, from `@expo-google-fonts/noto-serif`,
//! SIL Open Font License 1.1, see `assets/fonts/OFL.txt`) is vendored and
//! compiled in: a serif in the Times tradition, as administrative documents
//! expect (UX.md "Printouts"), with precomposed glyphs and mark positioning
//! for every Vietnamese letter and the đồng sign. Only the glyphs a document
//! uses are embedded (krilla subsets the font).
//!
//! Widths come from `rustybuzz`, the shaper krilla uses to draw the text, so
//! what we measure is what is printed (kerning included).

use std::sync::LazyLock;

/// Noto Serif Regular, TrueType.
pub(crate) static REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/NotoSerif-Regular.ttf");
/// Noto Serif Bold, TrueType.
pub(crate) static BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/NotoSerif-Bold.ttf");

/// The two weights we print in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Weight {
    /// Body text.
    #[default]
    Regular,
    /// Titles, labels, the motto.
    Bold,
}

impl Weight {
    /// The font file of this weight.
    pub(crate) fn ttf(self) -> &'static [u8] {
        match self {
            Weight::Regular => REGULAR_TTF,
            Weight::Bold => BOLD_TTF,
        }
    }
}

/// Faces parsed once for measuring.
struct Faces {
    regular: rustybuzz::Face<'static>,
    bold: rustybuzz::Face<'static>,
}

static FACES: LazyLock<Faces> = LazyLock::new(|| {
    let parse = |w: Weight| rustybuzz::Face::from_slice(w.ttf(), 0).expect("the vendored font parses");
    Faces { regular: parse(Weight::Regular), bold: parse(Weight::Bold) }
});

fn face(weight: Weight) -> &'static rustybuzz::Face<'static> {
    match weight {
        Weight::Regular => &FACES.regular,
        Weight::Bold => &FACES.bold,
    }
}

/// The width of one line of `text` at `size` points, in points.
#[must_use]
pub fn width(text: &str, weight: Weight, size: f32) -> f32 {
    if text.is_empty() {
        return 0.0;
    }
    let face = face(weight);
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    let shaped = rustybuzz::shape(face, &[], buffer);
    let units: i64 = shaped.glyph_positions().iter().map(|p| i64::from(p.x_advance)).sum();
    // Font units are small integers; the conversion to f32 is exact enough.
    units as f32 * size / face.units_per_em() as f32
}

/// The largest size up to `max` at which `text` fits in `available` points
/// on one line (headers that must not wrap, big stall numbers).
#[must_use]
pub fn fit_size(text: &str, weight: Weight, max: f32, available: f32) -> f32 {
    let w = width(text, weight, max);
    if w <= available || w <= 0.0 { max } else { max * available / w }
}

/// Breaks `text` into lines no wider than `max_width` points: at spaces,
/// at explicit newlines, and inside a word only when the word alone is too
/// wide (a URL, an account number). Never returns an empty list.
#[must_use]
pub fn wrap(text: &str, weight: Weight, size: f32, max_width: f32) -> Vec<String> {
    wrap_after(text, weight, size, max_width, max_width)
}

/// Like [`wrap`], but the first line is only `first_width` wide (it
/// follows a label on the same line); the others are `max_width` wide.
#[must_use]
pub fn wrap_after(text: &str, weight: Weight, size: f32, first_width: f32, max_width: f32) -> Vec<String> {
    let space = width(" ", weight, size);
    let mut lines: Vec<String> = Vec::new();
    let limit = |lines: &Vec<String>| if lines.is_empty() { first_width } else { max_width };
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_width = 0.0;
        for word in paragraph.split_whitespace() {
            let w = width(word, weight, size);
            if !line.is_empty() && line_width + space + w <= limit(&lines) {
                line.push(' ');
                line.push_str(word);
                line_width += space + w;
                continue;
            }
            if !line.is_empty() || (lines.is_empty() && w > first_width && w <= max_width) {
                // A word that does not fit after the label starts the next line.
                lines.push(std::mem::take(&mut line));
            }
            if w <= limit(&lines) {
                line.push_str(word);
                line_width = w;
            } else {
                let mut pieces = split_word(word, weight, size, limit(&lines));
                let last = pieces.pop().unwrap_or_default();
                lines.extend(pieces);
                line_width = width(&last, weight, size);
                line = last;
            }
        }
        lines.push(line);
    }
    lines
}

/// Cuts a word wider than the line into pieces that fit, never between a
/// letter and a combining mark that follows it.
fn split_word(word: &str, weight: Weight, size: f32, max_width: f32) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut piece = String::new();
    for c in word.chars() {
        let combining = ('\u{0300}'..='\u{036F}').contains(&c);
        if !combining && !piece.is_empty() {
            let mut candidate = piece.clone();
            candidate.push(c);
            if width(&candidate, weight, size) > max_width {
                pieces.push(std::mem::take(&mut piece));
            }
        }
        piece.push(c);
    }
    pieces.push(piece);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_scale_with_size_and_weight() {
        let w10 = width("Xã Số", Weight::Regular, 10.0);
        let w20 = width("Xã Số", Weight::Regular, 20.0);
        assert!(w10 > 10.0, "{w10}");
        assert!((w20 - 2.0 * w10).abs() < 0.01);
        assert!(width("Xã Số", Weight::Bold, 10.0) > w10);
        assert_eq!(width("", Weight::Bold, 10.0), 0.0);
        // Decomposed and precomposed Vietnamese shape to the same width.
        let nfc = width("Hồ sơ", Weight::Regular, 12.0);
        let nfd = width("Ho\u{0302}\u{0300} so\u{031B}", Weight::Regular, 12.0);
        assert!((nfc - nfd).abs() < 0.5, "{nfc} vs {nfd}");
    }

    #[test]
    fn wraps_at_spaces_within_the_width() {
        let text = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả cho công dân tại bộ phận một cửa";
        let lines = wrap(text, Weight::Regular, 12.0, 150.0);
        assert!(lines.len() > 2, "{lines:?}");
        for line in &lines {
            assert!(width(line, Weight::Regular, 12.0) <= 150.0, "{line}");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn keeps_newlines_and_cuts_long_words() {
        assert_eq!(wrap("a\nb", Weight::Regular, 12.0, 300.0), ["a", "b"]);
        assert_eq!(wrap("", Weight::Regular, 12.0, 300.0), [""]);
        let url = "https://xaso.example/tra-cuu/000.00.17.H19-250714-0001?k=abcdefghijklmnop";
        let lines = wrap(url, Weight::Regular, 10.0, 100.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), url);
        for line in &lines {
            assert!(width(line, Weight::Regular, 10.0) <= 100.0, "{line}");
        }
    }

    #[test]
    fn the_first_line_can_be_shorter() {
        let text = "tám giờ ba mươi phút ngày năm tháng ba năm hai nghìn không trăm hai mươi sáu";
        let lines = wrap_after(text, Weight::Regular, 12.0, 60.0, 200.0);
        assert!(width(&lines[0], Weight::Regular, 12.0) <= 60.0, "{lines:?}");
        for line in &lines[1..] {
            assert!(width(line, Weight::Regular, 12.0) <= 200.0);
        }
        assert_eq!(lines.join(" "), text);
        // No room after the label: the text starts on the next line.
        let lines = wrap_after("Hưởng", Weight::Regular, 12.0, 5.0, 200.0);
        assert_eq!(lines, ["", "Hưởng"]);
    }

    #[test]
    fn fits_a_line_by_shrinking() {
        let motto = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
        let s = fit_size(motto, Weight::Bold, 12.0, 150.0);
        assert!(s < 12.0);
        assert!(width(motto, Weight::Bold, s) <= 150.01);
        assert_eq!(fit_size("A", Weight::Bold, 12.0, 150.0), 12.0);
    }
}
