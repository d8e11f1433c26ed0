//! The tabular data every export shares: a [`Sheet`] of typed [`Cell`]s.
//!
//! A page builds its table once; [`crate::csv`] and [`crate::xlsx`] turn the
//! same sheet into a download, so the figures on screen and in the file come
//! from one place. Cells keep their type (a count, a percentage, a duration)
//! so a spreadsheet receives numbers it can sum, not text.

/// One value of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing (not applicable, or no data).
    Empty,
    /// Text.
    Text(String),
    /// A whole number (a count).
    Int(i64),
    /// A decimal number shown with the given number of decimals.
    Decimal(f64, u8),
    /// A percentage on the 0–100 scale (`12.5` is 12.5 %), shown with one decimal.
    Percent(f64),
    /// A duration in minutes, shown with one decimal.
    Minutes(f64),
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A duration given in milliseconds, as minutes.
    pub fn minutes_from_ms(ms: i64) -> Cell {
        Cell::Minutes(ms as f64 / 60_000.0)
    }

    /// The value as plain, locale-free text: `.` as the decimal point, no
    /// grouping, percentages without the sign (`12.5`), minutes as decimal
    /// minutes (`7.3`). This is what CSV files carry.
    pub fn plain(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Decimal(v, d) => format!("{v:.*}", usize::from(*d)),
            Cell::Percent(v) | Cell::Minutes(v) => format!("{v:.1}"),
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Int(n)
    }
}

impl From<u64> for Cell {
    fn from(n: u64) -> Cell {
        Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// A titled table: a header row and rows of cells. Rows may be shorter than
/// the header (missing cells are empty).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    /// The title: the worksheet's name in XLSX.
    pub title: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    /// An empty sheet with a title and headers.
    pub fn new(title: impl Into<String>, headers: impl IntoIterator<Item = impl Into<String>>) -> Sheet {
        Sheet { title: title.into(), headers: headers.into_iter().map(Into::into).collect(), rows: Vec::new() }
    }

    /// Appends a row.
    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    /// The number of columns: the widest of the header and the rows.
    pub fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).chain([self.headers.len()]).max().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_locale_free() {
        assert_eq!(Cell::Int(1234).plain(), "1234");
        assert_eq!(Cell::Decimal(1.23456, 2).plain(), "1.23");
        assert_eq!(Cell::Percent(12.345).plain(), "12.3");
        assert_eq!(Cell::minutes_from_ms(90_000).plain(), "1.5");
        assert_eq!(Cell::Empty.plain(), "");
        assert_eq!(Cell::from("Tân Hòa").plain(), "Tân Hòa");
    }

    #[test]
    fn width_covers_header_and_rows() {
        let mut s = Sheet::new("t", ["a", "b"]);
        assert_eq!(s.width(), 2);
        s.push(vec![Cell::Int(1), Cell::Int(2), Cell::Int(3)]);
        assert_eq!(s.width(), 3);
    }
}
