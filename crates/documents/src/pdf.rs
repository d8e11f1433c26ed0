//! PDF documents that people print or keep: the fee receipt, the market
//! stall standee with its payment QR code, and the one-stop forms Mẫu 01–06.
//!
//! Three layers, each knowing only the one below:
//! - [`font`]: the vendored Noto Serif (regular and bold, SIL OFL; a
//!   Times-like face with every Vietnamese letter), text measurement with the
//!   same shaper that draws it, and line breaking;
//! - [`canvas`] (one page of absolute drawing operations: text, rules,
//!   boxes, vector QR codes) and [`layout`] (a flow of pages with a cursor:
//!   paragraphs, label/value rows, bordered tables, signature blocks, the
//!   national motto header) turn data into pages; [`canvas::render`] writes
//!   the pages with `krilla`, which embeds the fonts as subsets;
//! - [`receipt`], [`standee`] and [`forms`] build documents from plain input
//!   structs.
//!
//! Pure functions from data to bytes: no I/O, no clock, no randomness, so
//! the same input gives the same bytes.

pub mod canvas;
pub mod font;
pub mod forms;
pub mod layout;
pub mod receipt;
pub mod standee;

use domain::dossier::form::{FormKind, RuleSet};

/// Points per millimetre (a PDF point is 1/72 inch).
pub const PT_PER_MM: f32 = 72.0 / 25.4;

/// Millimetres to points.
#[must_use]
pub fn mm(v: f32) -> f32 {
    v * PT_PER_MM
}

/// Why a PDF could not be made. Messages are Vietnamese first, English in
/// parentheses, and safe to show to the user.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// A QR payload is too long for a QR code.
    #[error("không tạo được mã QR: {0} (cannot make a QR code)")]
    Qr(String),
    /// A receipt's total is not the sum of its lines.
    #[error("tổng tiền {total} đồng khác tổng các khoản {sum} đồng (the total differs from the sum of the lines)")]
    TotalMismatch {
        /// The total given.
        total: i64,
        /// The sum of the lines (saturated on overflow).
        sum: i64,
    },
    /// The form kind has no number under the dossier's rule set (the stop
    /// notice did not exist in 2018).
    #[error("mẫu {kind:?} không có trong {} (no such form under this circular)", .rules.label())]
    NoSuchForm {
        /// The form kind asked for.
        kind: FormKind,
        /// The dossier's rule set.
        rules: RuleSet,
    },
    /// There is nothing to print (no stall given).
    #[error("không có trang nào để in (nothing to print)")]
    Empty,
    /// The PDF writer refused the document (a bug, not bad input).
    #[error("lỗi tạo PDF: {0} (PDF writer error)")]
    Writer(String),
}
