//! Reading a bank statement file (CSV or XLSX/XLS) into typed rows through a
//! per-bank [`StatementMapping`]: which column holds the transaction id, the
//! date, the credit and debit amounts, the content and the account.
//!
//! Columns are named by their header text (case and spacing ignored); the
//! header is the first row of the first sheet (or of the CSV) that holds
//! every mapped column, since banks put a title block above it. Amounts are
//! integer đồng in the forms banks print (`1.250.000`, `1,250,000`,
//! `1250000.00`, numeric cells); dates are Vietnam local time
//! (`dd/mm/yyyy[ HH:MM[:SS]]`, `yyyy-mm-dd…`, or date cells). Any row that
//! cannot be read fails the whole file with its row number.

use std::io::Cursor;

use calamine::{Data, Reader};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use sha2::Digest as _;

/// Rows searched for the header at most.
const HEADER_SEARCH: usize = 30;

/// Which column (by header text) holds what, for one bank's statements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementMapping {
    /// The bank's transaction id / reference, if it prints one (else a hash of the row is used).
    #[serde(default)]
    pub txn_id: Option<String>,
    /// Transaction date (and time).
    pub date: String,
    /// Credit (money in) amount.
    pub credit: String,
    /// Debit (money out) amount, if a separate column.
    #[serde(default)]
    pub debit: Option<String>,
    /// Transfer content.
    pub content: String,
    /// The receiving account, if the file has a column for it.
    #[serde(default)]
    pub account: Option<String>,
}

impl StatementMapping {
    /// Trims the names and checks that the required ones are present.
    pub fn validated(mut self) -> Result<Self, String> {
        let clean = |s: &mut String| *s = s.trim().to_string();
        clean(&mut self.date);
        clean(&mut self.credit);
        clean(&mut self.content);
        for o in [&mut self.txn_id, &mut self.debit, &mut self.account] {
            *o = o.take().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        }
        if self.date.is_empty() || self.credit.is_empty() || self.content.is_empty() {
            return Err("cần tên cột ngày, số tiền ghi có và nội dung (date, credit and content are required)".into());
        }
        Ok(self)
    }
}

/// One row of a statement, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRow {
    /// The row number in the file (1-based, as a spreadsheet shows it).
    pub line: usize,
    /// The bank's id from the mapped column, or a hash of the row.
    pub txn_id: String,
    /// Whether `txn_id` came from the bank (then it is also the bank reference).
    pub bank_id: bool,
    /// When (UTC ms).
    pub occurred_at: i64,
    /// Money in, đồng (0 when none).
    pub credit: i64,
    /// Money out, đồng (0 when none).
    pub debit: i64,
    /// Transfer content.
    pub content: String,
    /// The account column, when mapped and filled.
    pub account: Option<String>,
    /// The row as JSON (header → text), kept as the raw notification.
    pub raw: String,
}

/// A cell, whatever the file type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Number(f64),
    Date(NaiveDateTime),
    Empty,
}

impl Cell {
    /// The cell as trimmed text (dates as `YYYY-MM-DD HH:MM:SS`).
    pub(crate) fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(n) => format!("{n}"),
            Cell::Date(d) => d.format("%Y-%m-%d %H:%M:%S").to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// Reads `bytes` (XLSX/XLS by their signature, CSV otherwise) with `mapping`.
///
/// # Errors
/// A message for people naming the row and the reason.
pub fn parse(bytes: &[u8], mapping: &StatementMapping) -> Result<Vec<StatementRow>, String> {
    read_rows(&cells(bytes)?, mapping)
}

/// The rows of `bytes` (XLSX/XLS by their signature, CSV otherwise) as
/// (row number, cells); shared with the batch-bill upload
/// ([`crate::payment::batch`]).
pub(crate) fn cells(bytes: &[u8]) -> Result<Vec<(usize, Vec<Cell>)>, String> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        spreadsheet_rows(bytes)
    } else {
        csv_rows(bytes)
    }
}

fn spreadsheet_rows(bytes: &[u8]) -> Result<Vec<(usize, Vec<Cell>)>, String> {
    let bad = |e: String| format!("không đọc được tệp bảng tính: {e} (unreadable spreadsheet)");
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    let range = wb.worksheet_range_at(0).ok_or_else(|| bad("no sheet".into()))?.map_err(|e| bad(e.to_string()))?;
    let first = range.start().map_or(0, |(r, _)| r as usize);
    let lead = range.start().map_or(0, |(_, c)| c as usize);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let mut cells = vec![Cell::Empty; lead];
            cells.extend(row.iter().map(|d| match d {
                Data::Int(i) => Cell::Number(*i as f64),
                Data::Float(f) => Cell::Number(*f),
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
                Data::Bool(b) => Cell::Text(b.to_string()),
                Data::DateTime(d) => excel_serial(d.as_f64()).map_or(Cell::Empty, Cell::Date),
                Data::Error(_) | Data::Empty => Cell::Empty,
            }));
            (first + i + 1, cells)
        })
        .collect())
}

/// A date-time from an Excel serial number (days since 1899-12-30).
fn excel_serial(v: f64) -> Option<NaiveDateTime> {
    if !v.is_finite() || !(1.0..2_958_466.0).contains(&v) {
        return None;
    }
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
    let ms = (v * 86_400_000.0).round() as i64;
    epoch.checked_add_signed(chrono::Duration::milliseconds(ms))
}

fn csv_rows(bytes: &[u8]) -> Result<Vec<(usize, Vec<Cell>)>, String> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| "tệp CSV phải là UTF-8 (the CSV file must be UTF-8)".to_string())?;
    let head: String = text.lines().take(HEADER_SEARCH).collect();
    let delimiter =
        [b',', b';', b'\t'].into_iter().max_by_key(|d| head.bytes().filter(|b| b == d).count()).unwrap_or(b',');
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| format!("dòng {}: CSV không hợp lệ: {e} (bad CSV)", i + 1))?;
        let line = rec.position().map_or(i + 1, |p| p.line() as usize);
        out.push((
            line,
            rec.iter().map(|s| if s.trim().is_empty() { Cell::Empty } else { Cell::Text(s.to_string()) }).collect(),
        ));
    }
    Ok(out)
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

struct Columns {
    txn_id: Option<usize>,
    date: usize,
    credit: usize,
    debit: Option<usize>,
    content: usize,
    account: Option<usize>,
}

fn find_header(rows: &[(usize, Vec<Cell>)], m: &StatementMapping) -> Result<(usize, Columns, Vec<String>), String> {
    for (idx, (_, cells)) in rows.iter().take(HEADER_SEARCH).enumerate() {
        let names: Vec<String> = cells.iter().map(|c| norm(&c.text())).collect();
        let col = |name: &str| names.iter().position(|n| *n == norm(name));
        let opt = |name: &Option<String>| name.as_deref().map(col);
        let (Some(date), Some(credit), Some(content)) = (col(&m.date), col(&m.credit), col(&m.content)) else {
            continue;
        };
        let (txn_id, debit, account) = (opt(&m.txn_id), opt(&m.debit), opt(&m.account));
        if [txn_id, debit, account].iter().any(|o| matches!(o, Some(None))) {
            continue;
        }
        let headers = cells.iter().map(Cell::text).collect();
        let cols = Columns {
            txn_id: txn_id.flatten(),
            date,
            credit,
            debit: debit.flatten(),
            content,
            account: account.flatten(),
        };
        return Ok((idx, cols, headers));
    }
    let mut wanted = vec![m.date.as_str(), m.credit.as_str(), m.content.as_str()];
    wanted.extend([&m.txn_id, &m.debit, &m.account].into_iter().filter_map(|o| o.as_deref()));
    Err(format!("không tìm thấy dòng tiêu đề có các cột {wanted:?} (no header row with the mapped columns)"))
}

fn read_rows(rows: &[(usize, Vec<Cell>)], m: &StatementMapping) -> Result<Vec<StatementRow>, String> {
    let (header_idx, cols, headers) = find_header(rows, m)?;
    let mut out = Vec::new();
    for (line, cells) in &rows[header_idx + 1..] {
        if cells.iter().all(|c| matches!(c, Cell::Empty) || c.text().is_empty()) {
            continue;
        }
        let at = |i: usize| cells.get(i).cloned().unwrap_or(Cell::Empty);
        let fail = |what: &str, why: String| format!("dòng {line}, cột {what:?}: {why}");
        let credit = amount(&at(cols.credit)).map_err(|e| fail(&m.credit, e))?;
        let debit = match cols.debit {
            Some(i) => amount(&at(i)).map_err(|e| fail(m.debit.as_deref().unwrap_or_default(), e))?,
            None => 0,
        };
        if credit == 0 && debit == 0 && at(cols.date).text().is_empty() {
            continue; // a footer or subtotal line without a date or amount
        }
        let occurred_at = datetime(&at(cols.date)).map_err(|e| fail(&m.date, e))?;
        let raw: serde_json::Map<String, serde_json::Value> = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| !h.is_empty())
            .map(|(i, h)| (h.clone(), serde_json::Value::String(at(i).text())))
            .collect();
        let raw = serde_json::Value::Object(raw).to_string();
        let bank_id = cols.txn_id.map(|i| at(i).text()).filter(|s| !s.is_empty());
        let txn_id = bank_id.clone().unwrap_or_else(|| {
            let digest = sha2::Sha256::digest(raw.as_bytes());
            format!("row-{}", hex_prefix(&digest))
        });
        out.push(StatementRow {
            line: *line,
            bank_id: bank_id.is_some(),
            txn_id,
            occurred_at,
            credit,
            debit,
            content: at(cols.content).text(),
            account: cols.account.map(|i| at(i).text()).filter(|s| !s.is_empty()),
            raw,
        });
    }
    Ok(out)
}

fn hex_prefix(bytes: &[u8]) -> String {
    bytes.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// An amount in đồng from a cell: empty is 0; negative is refused.
fn amount(c: &Cell) -> Result<i64, String> {
    match c {
        Cell::Empty => Ok(0),
        Cell::Number(n) if n.is_finite() && *n >= 0.0 && *n < 1e15 && n.fract() == 0.0 => Ok(*n as i64),
        Cell::Number(n) => Err(format!("số tiền không hợp lệ {n} (bad amount)")),
        Cell::Date(_) => Err("ô ngày tháng ở cột số tiền (a date in an amount column)".into()),
        Cell::Text(s) => parse_amount(s),
    }
}

/// `1.250.000`, `1,250,000`, `1250000.00`, `1.250.000,00 VND` → 1250000.
pub(crate) fn parse_amount(s: &str) -> Result<i64, String> {
    let bad = || format!("số tiền không hợp lệ {s:?} (bad amount)");
    let mut t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    for unit in ["VND", "vnd", "VNĐ", "đ", "₫"] {
        t = t.replace(unit, "");
    }
    if t.is_empty() || t == "-" {
        return Ok(0);
    }
    if t.starts_with('-') || t.starts_with('(') {
        return Err(format!("số tiền âm {s:?} (negative amount)"));
    }
    let t = t.strip_prefix('+').unwrap_or(&t);
    // A last separator followed by one or two digits is a decimal part, which must be zero.
    let cut = t.rfind(['.', ',']).filter(|&p| (2..=3).contains(&(t.len() - p)));
    let int = match cut {
        Some(p) if t[p + 1..].bytes().all(|b| b == b'0') => &t[..p],
        Some(_) => return Err(format!("số tiền có phần lẻ {s:?}; đồng là số nguyên (fractional đồng)")),
        None => t,
    };
    let digits: String = int.chars().filter(|c| *c != '.' && *c != ',').collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 15 {
        return Err(bad());
    }
    digits.parse().map_err(|_| bad())
}

/// A local date-time cell → UTC ms.
fn datetime(c: &Cell) -> Result<i64, String> {
    let local = match c {
        Cell::Date(d) => Some(*d),
        Cell::Number(n) => excel_serial(*n),
        Cell::Text(s) => parse_local(s.trim()),
        Cell::Empty => return Err("thiếu ngày giao dịch (no date)".into()),
    };
    local
        .map(domain::time::local_to_utc_ms)
        .ok_or_else(|| format!("ngày không hợp lệ {:?}, cần dd/mm/yyyy (bad date)", c.text()))
}

/// A local date-time in the forms banks and spreadsheets print.
pub(crate) fn parse_local(s: &str) -> Option<NaiveDateTime> {
    const WITH_TIME: [&str; 6] = [
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%d-%m-%Y %H:%M:%S",
    ];
    const DATE_ONLY: [&str; 4] = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"];
    WITH_TIME.iter().find_map(|f| NaiveDateTime::parse_from_str(s, f).ok()).or_else(|| {
        DATE_ONLY.iter().find_map(|f| NaiveDate::parse_from_str(s, f).ok()).and_then(|d| d.and_hms_opt(0, 0, 0))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping() -> StatementMapping {
        StatementMapping {
            txn_id: Some("Số tham chiếu".into()),
            date: "Ngày giao dịch".into(),
            credit: "Ghi có".into(),
            debit: Some("Ghi nợ".into()),
            content: "Nội dung".into(),
            account: None,
        }
    }

    #[test]
    fn amounts_in_bank_forms() {
        for (s, v) in [("1.250.000", 1_250_000), ("1,250,000", 1_250_000), ("1250000.00", 1_250_000), ("", 0)] {
            assert_eq!(parse_amount(s), Ok(v), "{s}");
        }
        assert_eq!(parse_amount("1.250.000,00 VND"), Ok(1_250_000));
        assert!(parse_amount("-5000").is_err());
        assert!(parse_amount("12,5").is_err());
        assert!(parse_amount("abc").is_err());
    }

    #[test]
    fn csv_with_a_title_block_and_semicolons() {
        let file = "Sao kê tài khoản;;;;\nSố tham chiếu;Ngày giao dịch;Ghi nợ;Ghi có;Nội dung\n\
                    FT1;31/05/2024 16:05:00;;2.277.000;MBVCB.1.XS7K2P9QA\nFT2;01/06/2024;50.000;;phi\n";
        let rows = parse(file.as_bytes(), &mapping()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].line, rows[0].txn_id.as_str(), rows[0].credit), (3, "FT1", 2_277_000));
        assert_eq!(rows[0].occurred_at, 1_717_146_300_000);
        assert_eq!((rows[1].credit, rows[1].debit), (0, 50_000));
        let bad = file.replace("2.277.000", "2,5x");
        let err = parse(bad.as_bytes(), &mapping()).unwrap_err();
        assert!(err.starts_with("dòng 3"), "{err}");
        let no_header = parse(b"a,b,c\n1,2,3\n", &mapping()).unwrap_err();
        assert!(no_header.contains("tiêu đề"), "{no_header}");
    }

    #[test]
    fn rows_without_an_id_get_a_stable_hash() {
        let m = StatementMapping { txn_id: None, ..mapping() };
        let file = "Ngày giao dịch,Ghi nợ,Ghi có,Nội dung\n2024-05-31,,1000,a\n2024-05-31,,2000,b\n";
        let a = parse(file.as_bytes(), &m).unwrap();
        let b = parse(file.as_bytes(), &m).unwrap();
        assert_eq!(a, b);
        assert_ne!(a[0].txn_id, a[1].txn_id);
        assert!(!a[0].bank_id);
    }
}
