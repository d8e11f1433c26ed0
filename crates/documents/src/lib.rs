//! Documents that leave Xã Số: QR images for links and slips, and the
//! formats officials print or open in a spreadsheet.
//!
//! - [`table`]: a [`table::Sheet`] of typed cells, built once by a page and
//!   written by [`csv`] (UTF-8 with BOM) and [`xlsx`] (formatted workbook);
//! - [`chart`]: bar charts as inline SVG, drawn on the server;
//! - [`escpos`]: the kiosk's ticket slip for an 80 mm thermal printer;
//! - [`qr`]: QR images for links;
//! - [`pdf`]: PDF fee receipts, market stall standees and the one-stop
//!   forms Mẫu 01–06, with an embedded Vietnamese font.
//!
//! Pure functions from data to bytes or text; no I/O, no database. The web
//! layer decides where the output goes (a page, a download, a printer).

pub mod chart;
pub mod csv;
pub mod escpos;
pub mod pdf;
pub mod qr;
pub mod table;
pub mod xlsx;
