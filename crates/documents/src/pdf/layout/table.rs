//! Bordered tables: a bold header row, wrapped cells, and the header
//! repeated at the top of each new page.

use super::{Flow, Style, draw_lines};
use crate::pdf::canvas::Align;

/// Border thickness in points.
const BORDER: f32 = 0.6;

/// One column of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The header text.
    pub title: String,
    /// The share of the table's width (shares are normalised).
    pub share: f32,
    /// Placement of the cells' text.
    pub align: Align,
}

impl Column {
    /// A column with a title, a share of the width and an alignment.
    #[must_use]
    pub fn new(title: &str, share: f32, align: Align) -> Self {
        Self { title: title.to_owned(), share, align }
    }
}

/// One body row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// One text per column (missing cells are blank).
    pub cells: Vec<String>,
    /// Whether the row is printed bold (a total).
    pub bold: bool,
}

impl Row {
    /// A regular row.
    #[must_use]
    pub fn new(cells: Vec<String>) -> Self {
        Self { cells, bold: false }
    }

    /// A bold row (a total).
    #[must_use]
    pub fn bold(cells: Vec<String>) -> Self {
        Self { cells, bold: true }
    }
}

impl Flow {
    /// A table across the text column at the cursor, in `size` points.
    pub fn table(&mut self, columns: &[Column], rows: &[Row], size: f32) {
        let (x, w) = (self.left(), self.width());
        let total: f32 = columns.iter().map(|c| c.share.max(0.0)).sum::<f32>().max(f32::EPSILON);
        let widths: Vec<f32> = columns.iter().map(|c| w * c.share.max(0.0) / total).collect();
        let header = Row::bold(columns.iter().map(|c| c.title.clone()).collect());
        let header_aligns = vec![Align::Center; columns.len()];
        let aligns: Vec<Align> = columns.iter().map(|c| c.align).collect();
        let pad = size * 0.35;
        let header_h = row_height(&header, &widths, size, pad);
        // Keep the header with at least the first row.
        let first_h = rows.first().map_or(0.0, |r| row_height(r, &widths, size, pad));
        self.ensure(header_h + first_h);
        draw_row(self, x, &widths, &header, &header_aligns, size, pad);
        for row in rows {
            let h = row_height(row, &widths, size, pad);
            if self.ensure(h) {
                draw_row(self, x, &widths, &header, &header_aligns, size, pad);
            }
            draw_row(self, x, &widths, row, &aligns, size, pad);
        }
    }
}

fn style(row: &Row, size: f32) -> Style {
    if row.bold { Style::bold(size) } else { Style::regular(size) }
}

fn cell_lines(row: &Row, widths: &[f32], size: f32, pad: f32) -> Vec<Vec<String>> {
    let st = style(row, size);
    widths
        .iter()
        .enumerate()
        .map(|(i, w)| st.wrap(row.cells.get(i).map_or("", String::as_str), (w - 2.0 * pad).max(size)))
        .collect()
}

fn row_height(row: &Row, widths: &[f32], size: f32, pad: f32) -> f32 {
    let lines = cell_lines(row, widths, size, pad).iter().map(Vec::len).max().unwrap_or(1);
    lines as f32 * Style::regular(size).line_height() + 2.0 * pad
}

fn draw_row(flow: &mut Flow, x: f32, widths: &[f32], row: &Row, aligns: &[Align], size: f32, pad: f32) {
    let h = row_height(row, widths, size, pad);
    let lines = cell_lines(row, widths, size, pad);
    let top = flow.y();
    let canvas = flow.canvas();
    let mut cx = x;
    for (i, w) in widths.iter().enumerate() {
        let st = Style { align: aligns.get(i).copied().unwrap_or_default(), ..style(row, size) };
        draw_lines(canvas, cx + pad, w - 2.0 * pad, top + pad, &lines[i], st);
        canvas.frame(cx, top, *w, h, BORDER);
        cx += w;
    }
    flow.advance(h);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::layout::{Margins, PageSize};

    #[test]
    fn a_long_table_breaks_pages_and_moves_the_cursor() {
        let mut flow = Flow::new(PageSize::A5, Margins::mm(10.0, 10.0, 10.0, 10.0));
        let cols = [Column::new("STT", 1.0, Align::Center), Column::new("Nội dung", 5.0, Align::Left)];
        let rows: Vec<Row> = (1..=80).map(|i| Row::new(vec![i.to_string(), format!("Dòng số {i}")])).collect();
        let y0 = flow.y();
        flow.table(&cols, &rows[..1], 10.0);
        assert!(flow.y() > y0);
        flow.table(&cols, &rows, 10.0);
        assert!(flow.page_count() >= 2);
    }
}
