//! A flow of pages with a cursor: the layout layer the documents are
//! written in. Text wraps inside the margins and runs onto a new page when
//! the page is full; tables repeat their header there.
//!
//! [`official`] adds the parts of a Vietnamese administrative document (the
//! national motto header, place and date, signature blocks); [`table`] the
//! bordered tables.

pub mod official;
pub mod table;

use super::canvas::{Align, Canvas, DocInfo, render};
use super::font::{self, Weight};
use super::{PdfError, mm};

/// Line height as a multiple of the font size.
pub const LINE_SPACING: f32 = 1.3;

/// ISO paper sizes, portrait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageSize {
    /// 210 × 297 mm: forms.
    A4,
    /// 148 × 210 mm: receipts, large standees.
    A5,
    /// 105 × 148 mm: stall standees.
    A6,
}

impl PageSize {
    /// Width and height in millimetres.
    #[must_use]
    pub fn mm(self) -> (f32, f32) {
        match self {
            PageSize::A4 => (210.0, 297.0),
            PageSize::A5 => (148.0, 210.0),
            PageSize::A6 => (105.0, 148.0),
        }
    }

    /// Width and height in points.
    #[must_use]
    pub fn points(self) -> (f32, f32) {
        let (w, h) = self.mm();
        (mm(w), mm(h))
    }

    /// A blank page of this size.
    #[must_use]
    pub fn canvas(self) -> Canvas {
        let (w, h) = self.points();
        Canvas::new(w, h)
    }
}

/// Page margins in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margins {
    /// Top margin.
    pub top: f32,
    /// Right margin.
    pub right: f32,
    /// Bottom margin.
    pub bottom: f32,
    /// Left margin.
    pub left: f32,
}

impl Margins {
    /// Margins given in millimetres.
    #[must_use]
    pub fn mm(top: f32, right: f32, bottom: f32, left: f32) -> Self {
        Self { top: mm(top), right: mm(right), bottom: mm(bottom), left: mm(left) }
    }

    /// The margins of administrative documents (NĐ 30/2020/NĐ-CP: top and
    /// bottom 20 mm, left 30 mm for binding, right 15 mm).
    #[must_use]
    pub fn official() -> Self {
        Self::mm(20.0, 15.0, 20.0, 30.0)
    }
}

/// How a run of text looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    /// Font size in points.
    pub size: f32,
    /// Regular or bold.
    pub weight: Weight,
    /// Placement of each line.
    pub align: Align,
}

impl Style {
    /// Regular text, flush left.
    #[must_use]
    pub fn regular(size: f32) -> Self {
        Self { size, weight: Weight::Regular, align: Align::Left }
    }

    /// Bold text, flush left.
    #[must_use]
    pub fn bold(size: f32) -> Self {
        Self { size, weight: Weight::Bold, align: Align::Left }
    }

    /// The same style, centred.
    #[must_use]
    pub fn centered(self) -> Self {
        Self { align: Align::Center, ..self }
    }

    /// The same style, flush right.
    #[must_use]
    pub fn right(self) -> Self {
        Self { align: Align::Right, ..self }
    }

    /// The height of one line.
    #[must_use]
    pub fn line_height(self) -> f32 {
        self.size * LINE_SPACING
    }

    /// From the top of a line to its baseline.
    #[must_use]
    pub fn ascent(self) -> f32 {
        self.size * 1.02
    }

    /// The lines of `text` in a column `width` points wide.
    #[must_use]
    pub fn wrap(self, text: &str, width: f32) -> Vec<String> {
        font::wrap(text, self.weight, self.size, width)
    }
}

/// Draws wrapped `lines` in the column (`x`, `w`) from `top`; returns the
/// height used. Does not break pages (for cells and fixed boxes).
pub fn draw_lines(canvas: &mut Canvas, x: f32, w: f32, top: f32, lines: &[String], style: Style) -> f32 {
    for (i, line) in lines.iter().enumerate() {
        let baseline = top + i as f32 * style.line_height() + style.ascent();
        canvas.text_in(x, w, baseline, style.size, style.weight, style.align, line);
    }
    lines.len() as f32 * style.line_height()
}

/// Pages laid out top to bottom inside margins.
#[derive(Debug, Clone)]
pub struct Flow {
    size: PageSize,
    margins: Margins,
    pages: Vec<Canvas>,
    y: f32,
}

impl Flow {
    /// A flow starting at the top of a first page.
    #[must_use]
    pub fn new(size: PageSize, margins: Margins) -> Self {
        Self { size, margins, pages: vec![size.canvas()], y: margins.top }
    }

    /// The left edge of the text column.
    #[must_use]
    pub fn left(&self) -> f32 {
        self.margins.left
    }

    /// The width of the text column.
    #[must_use]
    pub fn width(&self) -> f32 {
        self.size.points().0 - self.margins.left - self.margins.right
    }

    /// The cursor: where the next block starts, from the top of the page.
    #[must_use]
    pub fn y(&self) -> f32 {
        self.y
    }

    /// Room left on the page below the cursor.
    #[must_use]
    pub fn remaining(&self) -> f32 {
        self.size.points().1 - self.margins.bottom - self.y
    }

    /// The page being drawn.
    pub fn canvas(&mut self) -> &mut Canvas {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Moves the cursor down.
    pub fn advance(&mut self, h: f32) {
        self.y += h;
    }

    /// Moves the cursor down by `v` millimetres, unless at the top of a page.
    pub fn gap_mm(&mut self, v: f32) {
        if self.y > self.margins.top {
            self.y += mm(v);
        }
    }

    /// Starts a new page.
    pub fn new_page(&mut self) {
        self.pages.push(self.size.canvas());
        self.y = self.margins.top;
    }

    /// Starts a new page unless `h` points fit below the cursor. Returns
    /// whether it did.
    pub fn ensure(&mut self, h: f32) -> bool {
        if h > self.remaining() && self.y > self.margins.top {
            self.new_page();
            return true;
        }
        false
    }

    /// A wrapped paragraph across the text column.
    pub fn paragraph(&mut self, text: &str, style: Style) {
        let (x, w) = (self.left(), self.width());
        self.paragraph_in(x, w, text, style);
    }

    /// A wrapped paragraph in the column (`x`, `w`), breaking pages between lines.
    pub fn paragraph_in(&mut self, x: f32, w: f32, text: &str, style: Style) {
        for line in style.wrap(text, w) {
            self.ensure(style.line_height());
            let top = self.y;
            draw_lines(self.canvas(), x, w, top, &[line], style);
            self.y += style.line_height();
        }
    }

    /// A horizontal rule across the column (`x`, `w`) at the cursor.
    pub fn rule(&mut self, x: f32, w: f32, thickness: f32) {
        let y = self.y;
        self.canvas().line((x, y), (x + w, y), thickness);
    }

    /// A "Label: value" row. With `label_width` the values of consecutive
    /// rows line up in a column (a label too long for it wraps); without it
    /// the value follows the label. The value wraps under itself. An empty
    /// value prints a dotted blank to be filled by hand.
    pub fn field(&mut self, label: &str, value: &str, label_width: Option<f32>, size: f32) {
        let label = format!("{label}:");
        let value = if value.trim().is_empty() { "…………………………" } else { value };
        match label_width {
            Some(lw) => self.field_in_columns(&label, value, lw, size),
            None => self.field_inline(&label, value, size),
        }
    }

    /// Label and value in two columns, each wrapping in its own.
    fn field_in_columns(&mut self, label: &str, value: &str, lw: f32, size: f32) {
        let (label_style, value_style) = (Style::bold(size), Style::regular(size));
        let (x, w) = (self.left(), self.width());
        let labels = label_style.wrap(label, (lw - size * 0.3).max(size));
        let values = value_style.wrap(value, (w - lw).max(size * 4.0));
        for i in 0..labels.len().max(values.len()) {
            self.ensure(value_style.line_height());
            let top = self.y;
            if let Some(l) = labels.get(i) {
                draw_lines(self.canvas(), x, lw, top, std::slice::from_ref(l), label_style);
            }
            if let Some(v) = values.get(i) {
                draw_lines(self.canvas(), x + lw, w - lw, top, std::slice::from_ref(v), value_style);
            }
            self.y += value_style.line_height();
        }
    }

    /// The value runs on after the label, then under it across the column.
    fn field_inline(&mut self, label: &str, value: &str, size: f32) {
        let (label_style, value_style) = (Style::bold(size), Style::regular(size));
        let (x, w) = (self.left(), self.width());
        let labels = label_style.wrap(label, w);
        let after = labels.last().map_or(0.0, |l| font::width(l, Weight::Bold, size) + size * 0.3);
        let values = font::wrap_after(value, Weight::Regular, size, w - after, w);
        let last = labels.len() - 1;
        for (i, l) in labels.iter().enumerate() {
            self.ensure(value_style.line_height());
            let top = self.y;
            draw_lines(self.canvas(), x, w, top, std::slice::from_ref(l), label_style);
            if i == last {
                draw_lines(self.canvas(), x + after, w - after, top, &values[..1], value_style);
            }
            self.y += value_style.line_height();
        }
        for v in &values[1..] {
            self.ensure(value_style.line_height());
            let top = self.y;
            draw_lines(self.canvas(), x, w, top, std::slice::from_ref(v), value_style);
            self.y += value_style.line_height();
        }
    }

    /// The width of a label column that holds each of `labels` (with their
    /// colon) on one line, but no more than `max` points.
    #[must_use]
    pub fn label_width(labels: &[&str], size: f32, max: f32) -> f32 {
        let widest = labels.iter().map(|l| font::width(&format!("{l}:"), Weight::Bold, size)).fold(0.0, f32::max);
        (widest + size * 0.6).min(max)
    }

    /// A numbered or bulleted list, wrapped with a hanging indent.
    pub fn list(&mut self, items: &[String], numbered: bool, style: Style) {
        let indent = style.size * 1.6;
        let (x, w) = (self.left(), self.width());
        for (i, item) in items.iter().enumerate() {
            let mark = if numbered { format!("{}.", i + 1) } else { "–".to_owned() };
            let lines = style.wrap(item, w - indent);
            self.ensure(style.line_height());
            let top = self.y;
            draw_lines(self.canvas(), x + indent * 0.2, indent, top, &[mark], style);
            for line in lines {
                self.ensure(style.line_height());
                let top = self.y;
                draw_lines(self.canvas(), x + indent, w - indent, top, &[line], style);
                self.y += style.line_height();
            }
        }
    }

    /// A QR code `side` points square (quiet zone included), placed in the
    /// column at the cursor; the cursor moves below it.
    ///
    /// # Errors
    /// [`PdfError::Qr`] when the payload does not fit in a QR code.
    pub fn qr(&mut self, payload: &str, side: f32, align: Align) -> Result<(), PdfError> {
        self.ensure(side);
        let x = match align {
            Align::Left => self.left(),
            Align::Center => self.left() + (self.width() - side) / 2.0,
            Align::Right => self.left() + self.width() - side,
        };
        let y = self.y;
        self.canvas().qr(payload, x, y, side)?;
        self.y += side;
        Ok(())
    }

    /// The number of pages so far.
    #[must_use]
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Writes the pages as a PDF.
    ///
    /// # Errors
    /// [`PdfError::Writer`] if the PDF writer fails.
    pub fn finish(self, title: &str) -> Result<Vec<u8>, PdfError> {
        render(&self.pages, &DocInfo { title: title.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_sizes_in_points() {
        let (w, h) = PageSize::A4.points();
        assert!((w - 595.28).abs() < 0.1 && (h - 841.89).abs() < 0.1, "{w}×{h}");
        let (w, h) = PageSize::A6.points();
        assert!((w - 297.64).abs() < 0.1 && (h - 419.53).abs() < 0.1, "{w}×{h}");
    }

    #[test]
    fn long_text_runs_onto_new_pages() {
        let mut flow = Flow::new(PageSize::A6, Margins::mm(10.0, 10.0, 10.0, 10.0));
        let text = "Thủ tục hành chính một cửa. ".repeat(200);
        flow.paragraph(&text, Style::regular(11.0));
        assert!(flow.page_count() > 2, "{}", flow.page_count());
        assert!(flow.remaining() >= 0.0);
    }
}
