//! CSV downloads of a [`Sheet`]: RFC 4180, comma-separated, UTF-8 with a
//! byte-order mark.
//!
//! The BOM is what makes Excel read the file as UTF-8; without it
//! "Nguyễn Thị Ánh Tuyết" opens as mojibake. Numbers are written locale-free
//! ([`Cell::plain`]) so scripts read them back exactly; officials who want a
//! formatted workbook take the XLSX. Text that a spreadsheet would run as a
//! formula (starting with `=`, `+`, `-`, `@`) is prefixed with `'`
//! (CSV injection).

use crate::table::{Cell, Sheet};

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The sheet could not be written.
#[derive(Debug, thiserror::Error)]
#[error("không tạo được tệp CSV: {0} (cannot write CSV)")]
pub struct CsvError(String);

/// The sheet as CSV bytes: BOM, the header row, then every row padded to
/// the sheet's width. The title is not written (it is the file's name).
pub fn to_csv(sheet: &Sheet) -> Result<Vec<u8>, CsvError> {
    let width = sheet.width();
    let mut w = ::csv::WriterBuilder::new().flexible(false).from_writer(BOM.to_vec());
    let err = |e: ::csv::Error| CsvError(e.to_string());
    let mut header: Vec<String> = sheet.headers.iter().map(|h| defuse(h)).collect();
    header.resize(width, String::new());
    w.write_record(&header).map_err(err)?;
    for row in &sheet.rows {
        let mut rec: Vec<String> = row.iter().map(field).collect();
        rec.resize(width, String::new());
        w.write_record(&rec).map_err(err)?;
    }
    w.into_inner().map_err(|e| CsvError(e.to_string()))
}

fn field(c: &Cell) -> String {
    match c {
        Cell::Text(s) => defuse(s),
        other => other.plain(),
    }
}

/// Text that Excel or LibreOffice would evaluate as a formula, made inert.
fn defuse(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Sheet {
        let mut s = Sheet::new("Thống kê", ["Dịch vụ", "Đã đến", "Chờ TB (phút)", "Vượt chỉ tiêu (%)"]);
        s.push(vec![Cell::text("Hộ tịch: khai sinh, kết hôn"), Cell::Int(12), Cell::Minutes(7.26), Cell::Percent(8.3)]);
        s.push(vec![Cell::text("=HYPERLINK(\"x\")"), Cell::Int(0)]);
        s
    }

    #[test]
    fn starts_with_a_bom_and_quotes_commas() {
        let bytes = to_csv(&sample()).unwrap();
        assert!(bytes.starts_with(BOM));
        let text = std::str::from_utf8(&bytes[BOM.len()..]).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Dịch vụ,Đã đến,Chờ TB (phút),Vượt chỉ tiêu (%)");
        assert_eq!(lines[1], "\"Hộ tịch: khai sinh, kết hôn\",12,7.3,8.3");
    }

    #[test]
    fn reads_back_padded_and_defused() {
        let bytes = to_csv(&sample()).unwrap();
        let mut r = ::csv::Reader::from_reader(&bytes[BOM.len()..]);
        let rows: Vec<::csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[1][0], "'=HYPERLINK(\"x\")", "formulas are not run");
        assert_eq!(rows[1].len(), 4, "short rows are padded");
        assert_eq!(&rows[1][3], "");
    }
}
