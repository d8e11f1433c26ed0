//! XLSX workbooks of one or more [`Sheet`]s, written with `rust_xlsxwriter`.
//!
//! Each sheet becomes a worksheet: a bold, wrapped header row that stays
//! frozen while scrolling and carries an autofilter, columns sized to their
//! content, and numbers stored as numbers with a display format (counts
//! grouped, minutes with one decimal, percentages as Excel percentages), so
//! an official can sum, sort and chart them straight away.

use rust_xlsxwriter::{ColNum, Format, FormatBorder, RowNum, Workbook, Worksheet, XlsxError as Inner};

use crate::table::{Cell, Sheet};

/// The workbook could not be written.
#[derive(Debug, thiserror::Error)]
#[error("không tạo được tệp XLSX: {0} (cannot write XLSX)")]
pub struct XlsxError(String);

impl From<Inner> for XlsxError {
    fn from(e: Inner) -> Self {
        XlsxError(e.to_string())
    }
}

/// The display formats of a workbook, created once.
struct Formats {
    header: Format,
    int: Format,
    percent: Format,
    minutes: Format,
}

/// The sheets as an XLSX workbook, in order. Titles are cleaned into valid
/// worksheet names (at most 31 characters, none of `[]:*?/\`) and must stay
/// distinct; an empty list gives a workbook with one empty sheet.
pub fn to_xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let f = Formats {
        header: Format::new().set_bold().set_text_wrap().set_border_bottom(FormatBorder::Medium),
        int: Format::new().set_num_format("#,##0"),
        percent: Format::new().set_num_format("0.0%"),
        minutes: Format::new().set_num_format("0.0"),
    };
    if sheets.is_empty() {
        wb.add_worksheet();
    }
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&sheet.title))?;
        write_sheet(ws, sheet, &f)?;
    }
    Ok(wb.save_to_buffer()?)
}

fn write_sheet(ws: &mut Worksheet, sheet: &Sheet, f: &Formats) -> Result<(), XlsxError> {
    let width = sheet.width();
    let mut widths = vec![8usize; width];
    for (c, h) in sheet.headers.iter().enumerate() {
        ws.write_string_with_format(0, col(c)?, h, &f.header)?;
        // Headers wrap, so they need only about half their length.
        widths[c] = widths[c].max(h.chars().count().div_ceil(2)).max(longest_word(h));
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = RowNum::try_from(r + 1).map_err(|_| XlsxError("too many rows".into()))?;
        for (c, cell) in row.iter().enumerate() {
            let cn = col(c)?;
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    ws.write_string(r, cn, s)?;
                }
                Cell::Int(n) => {
                    ws.write_number_with_format(r, cn, *n as f64, &f.int)?;
                }
                Cell::Decimal(v, d) => {
                    let fmt = match d {
                        0 => "#,##0".to_string(),
                        d => format!("#,##0.{}", "0".repeat(usize::from(*d))),
                    };
                    ws.write_number_with_format(r, cn, *v, &Format::new().set_num_format(fmt))?;
                }
                Cell::Percent(v) => {
                    ws.write_number_with_format(r, cn, *v / 100.0, &f.percent)?;
                }
                Cell::Minutes(v) => {
                    ws.write_number_with_format(r, cn, *v, &f.minutes)?;
                }
            }
            widths[c] = widths[c].max(cell.plain().chars().count() + 2);
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(col(c)?, (*w).min(60) as f64 + 1.0)?;
    }
    ws.set_freeze_panes(1, 0)?;
    if width > 0 {
        let last_row = RowNum::try_from(sheet.rows.len()).map_err(|_| XlsxError("too many rows".into()))?;
        ws.autofilter(0, 0, last_row, col(width - 1)?)?;
    }
    Ok(())
}

fn col(c: usize) -> Result<ColNum, XlsxError> {
    ColNum::try_from(c).map_err(|_| XlsxError("too many columns".into()))
}

fn longest_word(s: &str) -> usize {
    s.split_whitespace().map(|w| w.chars().count()).max().unwrap_or(0)
}

/// A valid worksheet name: forbidden characters replaced, at most 31
/// characters, no leading or trailing apostrophe, never empty.
pub fn sheet_name(title: &str) -> String {
    let cleaned: String = title
        .chars()
        .map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') { '-' } else { c })
        .take(31)
        .collect();
    let trimmed = cleaned.trim().trim_matches('\'').trim();
    if trimmed.is_empty() { "Sheet1".to_string() } else { trimmed.to_string() }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

    use super::*;

    fn sample() -> Vec<Sheet> {
        let mut a = Sheet::new("Theo dịch vụ", ["Dịch vụ", "Đã đến", "Chờ TB (phút)", "Vượt chỉ tiêu (%)", "Điểm"]);
        a.push(vec![
            Cell::text("Nguyễn Thị Ánh Tuyết, Đồng Tháp"),
            Cell::Int(1234),
            Cell::Minutes(7.5),
            Cell::Percent(12.5),
            Cell::Decimal(3.25, 2),
        ]);
        a.push(vec![Cell::text("Chứng thực"), Cell::Int(0), Cell::Empty]);
        let b = Sheet::new("Theo giờ: 07/08?", ["Giờ"]);
        vec![a, b]
    }

    fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
        open_workbook_from_rs(Cursor::new(bytes)).expect("a readable workbook")
    }

    #[test]
    fn values_read_back_with_their_types() {
        let mut wb = open(to_xlsx(&sample()).unwrap());
        assert_eq!(wb.sheet_names(), vec!["Theo dịch vụ".to_string(), "Theo giờ- 07-08-".to_string()]);
        let r = wb.worksheet_range("Theo dịch vụ").unwrap();
        assert_eq!(r.get((0, 0)), Some(&Data::String("Dịch vụ".into())));
        assert_eq!(r.get((0, 3)), Some(&Data::String("Vượt chỉ tiêu (%)".into())));
        assert_eq!(r.get((1, 0)), Some(&Data::String("Nguyễn Thị Ánh Tuyết, Đồng Tháp".into())));
        assert_eq!(r.get((1, 1)), Some(&Data::Float(1234.0)));
        assert_eq!(r.get((1, 2)), Some(&Data::Float(7.5)));
        assert_eq!(r.get((1, 3)), Some(&Data::Float(0.125)), "percent stored as a fraction");
        assert_eq!(r.get((1, 4)), Some(&Data::Float(3.25)));
        assert_eq!(r.get((2, 1)), Some(&Data::Float(0.0)));
        assert!(matches!(r.get((2, 2)), None | Some(Data::Empty)), "empty stays empty");
    }

    #[test]
    fn header_is_frozen_filtered_and_formatted() {
        let bytes = to_xlsx(&sample()).unwrap();
        let sheet1 = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
        assert!(sheet1.contains(r#"state="frozen""#), "frozen header");
        assert!(sheet1.contains("<autoFilter"), "autofilter on the header");
        assert!(sheet1.contains("<col "), "column widths");
        let styles = zip_entry(&bytes, "xl/styles.xml");
        assert!(styles.contains(r#"<b/>"#), "bold header");
        assert!(styles.contains("0.0%") && styles.contains("#,##0"), "number formats");
    }

    #[test]
    fn names_are_cleaned_and_no_sheets_is_still_a_workbook() {
        assert_eq!(sheet_name("a/b:c"), "a-b-c");
        assert_eq!(sheet_name(&"x".repeat(40)).len(), 31);
        assert_eq!(sheet_name("''"), "Sheet1");
        let wb = open(to_xlsx(&[]).unwrap());
        assert_eq!(wb.sheet_names().len(), 1);
    }

    /// One file of the XLSX (a zip), as text.
    fn zip_entry(bytes: &[u8], name: &str) -> String {
        use std::io::Read;
        let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    }
}
