//! The parts of a Vietnamese administrative document: the two-column
//! header (issuing agency on the left; the national name and motto
//! "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc" on the
//! right), "place, ngày … tháng … năm …", and signature blocks.
//!
//! Dates are written the official way (NĐ 30/2020/NĐ-CP): days below 10 and
//! the months 1 and 2 take a leading zero ("ngày 05 tháng 02", "tháng 3").
//! Instants are UTC milliseconds shown at UTC+7 ([`domain::time`]).

use domain::time::{from_millis, vn_offset};

use super::{Flow, Style, draw_lines};
use crate::pdf::font::{self, Weight};
use crate::pdf::mm;

/// The national name, printed on every administrative document.
pub const NATIONAL_NAME: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
/// The national motto under it.
pub const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";

/// Day, month, year, hour and minute at UTC+7, with the official padding.
fn parts(ms: i64) -> [String; 5] {
    let s = from_millis(ms).with_timezone(&vn_offset()).format("%d|%-m|%Y|%H|%M").to_string();
    let mut it = s.split('|').map(str::to_owned);
    let mut next = || it.next().unwrap_or_default();
    let (day, month, year, hour, minute) = (next(), next(), next(), next(), next());
    let month = if month.len() == 1 && (month == "1" || month == "2") { format!("0{month}") } else { month };
    [day, month, year, hour, minute]
}

/// "ngày 05 tháng 3 năm 2026" for an instant.
#[must_use]
pub fn date_words(ms: i64) -> String {
    let [d, m, y, ..] = parts(ms);
    format!("ngày {d} tháng {m} năm {y}")
}

/// "08 giờ 30 phút, ngày 05 tháng 3 năm 2026" for an instant.
#[must_use]
pub fn time_words(ms: i64) -> String {
    let [_, _, _, h, min] = parts(ms);
    format!("{h} giờ {min} phút, {}", date_words(ms))
}

/// "Tân Hòa, ngày 05 tháng 3 năm 2026"; without a place, the date alone
/// with a capital.
#[must_use]
pub fn place_date(place: &str, ms: i64) -> String {
    let place = place.trim();
    if place.is_empty() { format!("N{}", &date_words(ms)[1..]) } else { format!("{place}, {}", date_words(ms)) }
}

/// The header of an administrative document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Header {
    /// The agency above the issuer ("UBND XÃ TÂN HÒA"), if any.
    pub parent_agency: Option<String>,
    /// The issuing agency or desk ("BỘ PHẬN MỘT CỬA").
    pub agency: String,
    /// The document's number line ("Số: 12/TB-UBND"), if any.
    pub number: Option<String>,
    /// "place, ngày … tháng … năm …" under the motto, if any.
    pub place_date: Option<String>,
}

/// A signature block: who signs, a note in brackets, room to sign, the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The capacity in capitals ("NGƯỜI TIẾP NHẬN HỒ SƠ").
    pub title: String,
    /// The bracketed instruction ("(Ký và ghi rõ họ tên)").
    pub note: String,
    /// The signer's name, when known.
    pub name: String,
}

impl Signature {
    /// A block for someone who signs and writes their name.
    #[must_use]
    pub fn person(title: &str, name: &str) -> Self {
        Self { title: title.to_owned(), note: "(Ký và ghi rõ họ tên)".to_owned(), name: name.to_owned() }
    }
}

impl Flow {
    /// The two-column header at the cursor, in `size` points; the cursor
    /// moves below its taller column.
    pub fn official_header(&mut self, header: &Header, size: f32) {
        let (x, w, top) = (self.left(), self.width(), self.y());
        let (lw, rw) = (w * 0.4, w * 0.6);
        let rx = x + lw;
        let canvas = self.canvas();

        let mut ly = top;
        if let Some(parent) = &header.parent_agency {
            let st = Style::regular(size).centered();
            ly += draw_lines(canvas, x, lw, ly, &st.wrap(&parent.to_uppercase(), lw), st);
        }
        let st = Style::bold(size).centered();
        ly += draw_lines(canvas, x, lw, ly, &st.wrap(&header.agency.to_uppercase(), lw), st);
        let short = lw / 3.0;
        canvas.line((x + (lw - short) / 2.0, ly + 1.5), (x + (lw + short) / 2.0, ly + 1.5), 0.6);
        ly += mm(2.5);
        if let Some(number) = &header.number {
            let st = Style::regular(size).centered();
            ly += draw_lines(canvas, x, lw, ly, &st.wrap(number, lw), st);
        }

        let mut ry = top;
        let name =
            Style { size: font::fit_size(NATIONAL_NAME, Weight::Bold, size, rw), ..Style::bold(size) }.centered();
        ry += draw_lines(canvas, rx, rw, ry, &[NATIONAL_NAME.to_owned()], name);
        let motto = Style { size: font::fit_size(MOTTO, Weight::Bold, size + 1.0, rw), ..Style::bold(size) }.centered();
        ry += draw_lines(canvas, rx, rw, ry, &[MOTTO.to_owned()], motto);
        let mw = font::width(MOTTO, Weight::Bold, motto.size);
        canvas.line((rx + (rw - mw) / 2.0, ry + 1.0), (rx + (rw + mw) / 2.0, ry + 1.0), 0.6);
        ry += mm(2.5);
        if let Some(pd) = &header.place_date {
            let st = Style::regular(size).centered();
            ry += draw_lines(canvas, rx, rw, ry, &st.wrap(pd, rw), st);
        }
        self.advance(ly.max(ry) - top);
    }

    /// Signature blocks side by side at the cursor; a single block stands in
    /// the right half, where the signer of a document signs.
    pub fn signatures(&mut self, blocks: &[Signature], size: f32) {
        let (x, w) = (self.left(), self.width());
        let columns = blocks.len().max(2);
        let cw = w / columns as f32;
        let first = columns - blocks.len();
        let needed = Style::bold(size).line_height() * 4.0 + mm(24.0);
        self.ensure(needed);
        let top = self.y();
        let canvas = self.canvas();
        let mut bottom = top;
        for (i, block) in blocks.iter().enumerate() {
            let cx = x + (first + i) as f32 * cw;
            let mut y = top;
            let title = Style::bold(size).centered();
            y += draw_lines(canvas, cx, cw, y, &title.wrap(&block.title, cw), title);
            let note = Style::regular(size - 1.0).centered();
            y += draw_lines(canvas, cx, cw, y, &note.wrap(&block.note, cw), note);
            y += mm(22.0);
            y += draw_lines(canvas, cx, cw, y, &title.wrap(&block.name, cw), title);
            bottom = bottom.max(y);
        }
        self.advance(bottom - top);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-03-05T01:30Z is 08:30 on 5 March in Hà Nội; 2026-01-31T20:00Z is 03:00 on 1 February.
    const MARCH_5: i64 = 1_772_674_200_000;
    const FEB_1: i64 = 1_769_889_600_000;

    #[test]
    fn dates_follow_the_official_padding() {
        assert_eq!(date_words(MARCH_5), "ngày 05 tháng 3 năm 2026");
        assert_eq!(time_words(MARCH_5), "08 giờ 30 phút, ngày 05 tháng 3 năm 2026");
        assert_eq!(date_words(FEB_1), "ngày 01 tháng 02 năm 2026");
        assert_eq!(place_date("Tân Hòa", MARCH_5), "Tân Hòa, ngày 05 tháng 3 năm 2026");
        assert_eq!(place_date(" ", MARCH_5), "Ngày 05 tháng 3 năm 2026");
    }
}
