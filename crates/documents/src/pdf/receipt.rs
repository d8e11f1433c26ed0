//! The electronic fee receipt ("BIÊN LAI THU TIỀN (điện tử)") on A5: who
//! paid what for which dossier or bill, the total in figures and in words,
//! how it was paid (VietQR transfer: payment code, bank, account, bank
//! transaction), and a QR code of the page where anyone can check it.
//!
//! Fee receipts are a finance artefact separate from the one-stop forms
//! (payments.md §6); the store links each to its payment and dossier.

use domain::payment::money::{amount_in_words_vi, checked_sum, format_dong};

use super::PdfError;
use super::canvas::Align;
use super::font::{self, Weight};
use super::layout::official::date_words;
use super::layout::table::{Column, Row};
use super::layout::{Flow, Margins, PageSize, Style, draw_lines};
use super::mm;

/// Body text size.
const SIZE: f32 = 10.0;

/// What a receipt says. Empty optional texts (`payer_ref`, `txn_ref`, …)
/// leave their row out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The collecting unit ("UBND xã Tân Hòa").
    pub unit_name: String,
    /// The receipt's number in the unit's series.
    pub receipt_no: String,
    /// When it was issued, UTC milliseconds (printed at UTC+7).
    pub issued_at_ms: i64,
    /// Who paid.
    pub payer_name: String,
    /// What was paid for: a dossier code or a bill reference.
    pub payer_ref: String,
    /// Fee lines: label and amount in đồng.
    pub lines: Vec<(String, i64)>,
    /// The total in đồng; must equal the sum of the lines.
    pub total: i64,
    /// The payment code carried in the transfer content.
    pub payment_code: String,
    /// The receiving bank's name.
    pub bank_name: String,
    /// The receiving account, as shown to people.
    pub account: String,
    /// The bank's transaction reference.
    pub txn_ref: String,
    /// The public page that confirms the receipt, encoded in the QR code.
    pub verify_url: String,
}

/// The receipt as an A5 PDF.
///
/// # Errors
/// [`PdfError::TotalMismatch`] when `total` is not the sum of the lines,
/// [`PdfError::Qr`] when the verification URL is too long for a QR code.
pub fn receipt(r: &Receipt) -> Result<Vec<u8>, PdfError> {
    let sum = checked_sum(r.lines.iter().map(|(_, a)| *a)).unwrap_or(i64::MAX);
    if sum != r.total {
        return Err(PdfError::TotalMismatch { total: r.total, sum });
    }
    let mut flow = Flow::new(PageSize::A5, Margins::mm(12.0, 12.0, 12.0, 12.0));
    head(&mut flow, r);
    flow.gap_mm(4.0);
    let labels = ["Người nộp", "Mã hồ sơ/khoản thu", "Mã thanh toán", "Ngân hàng", "Tài khoản nhận", "Mã giao dịch"];
    let label_w = Flow::label_width(&labels, SIZE, flow.width() * 0.45);
    flow.field("Người nộp", &r.payer_name, Some(label_w), SIZE);
    if !r.payer_ref.trim().is_empty() {
        flow.field("Mã hồ sơ/khoản thu", &r.payer_ref, Some(label_w), SIZE);
    }
    flow.gap_mm(3.0);
    lines_table(&mut flow, r);
    flow.gap_mm(2.0);
    flow.paragraph(&format!("Số tiền bằng chữ: {}.", amount_in_words_vi(r.total)), Style::bold(SIZE));
    flow.gap_mm(3.0);
    flow.paragraph("Hình thức thanh toán: chuyển khoản qua mã VietQR", Style::regular(SIZE));
    for (label, value) in [
        ("Mã thanh toán", &r.payment_code),
        ("Ngân hàng", &r.bank_name),
        ("Tài khoản nhận", &r.account),
        ("Mã giao dịch", &r.txn_ref),
    ] {
        if !value.trim().is_empty() {
            flow.field(label, value, Some(label_w), SIZE);
        }
    }
    flow.gap_mm(4.0);
    verification(&mut flow, r)?;
    flow.finish(&format!("Biên lai thu tiền số {}", r.receipt_no))
}

/// Unit and number, then the centred title and date.
fn head(flow: &mut Flow, r: &Receipt) {
    let (x, w, top) = (flow.left(), flow.width(), flow.y());
    let unit = Style::bold(SIZE);
    let unit_lines = unit.wrap(&r.unit_name.to_uppercase(), w * 0.6);
    let number = Style::regular(SIZE).right();
    let canvas = flow.canvas();
    let h = draw_lines(canvas, x, w * 0.6, top, &unit_lines, unit);
    draw_lines(canvas, x + w * 0.6, w * 0.4, top, &[format!("Số: {}", r.receipt_no)], number);
    flow.advance(h);
    flow.gap_mm(5.0);
    let title = "BIÊN LAI THU TIỀN";
    let size = font::fit_size(title, Weight::Bold, 16.0, w);
    flow.paragraph(title, Style::bold(size).centered());
    flow.paragraph("(điện tử)", Style::regular(SIZE).centered());
    flow.paragraph(
        &format!("{} lúc {}", capitalised_date(r.issued_at_ms), clock(r.issued_at_ms)),
        Style::regular(SIZE).centered(),
    );
}

fn capitalised_date(ms: i64) -> String {
    let d = date_words(ms);
    format!("N{}", &d[1..])
}

fn clock(ms: i64) -> String {
    // "dd/MM/yyyy HH:mm" at UTC+7; keep the time.
    domain::time::format_local(ms).split(' ').nth(1).unwrap_or_default().to_owned()
}

fn lines_table(flow: &mut Flow, r: &Receipt) {
    let columns = [
        Column::new("STT", 0.8, Align::Center),
        Column::new("Nội dung thu", 5.0, Align::Left),
        Column::new("Số tiền", 2.4, Align::Right),
    ];
    let mut rows: Vec<Row> = r
        .lines
        .iter()
        .enumerate()
        .map(|(i, (label, amount))| Row::new(vec![(i + 1).to_string(), label.clone(), format_dong(*amount)]))
        .collect();
    rows.push(Row::bold(vec![String::new(), "Tổng cộng".to_owned(), format_dong(r.total)]));
    flow.table(&columns, &rows, SIZE);
}

/// The QR code of the verification page on the right, its explanation on the left.
fn verification(flow: &mut Flow, r: &Receipt) -> Result<(), PdfError> {
    let side = mm(30.0);
    flow.ensure(side);
    let (x, w, top) = (flow.left(), flow.width(), flow.y());
    let text_w = w - side - mm(4.0);
    let bold = Style::bold(SIZE - 1.0);
    let small = Style::regular(SIZE - 1.5);
    let canvas = flow.canvas();
    canvas.qr(&r.verify_url, x + w - side, top, side)?;
    let mut y = top + mm(3.0);
    let note = "Quét mã QR hoặc mở địa chỉ dưới đây để kiểm tra biên lai:";
    y += draw_lines(canvas, x, text_w, y, &bold.wrap(note, text_w), bold);
    y += draw_lines(canvas, x, text_w, y, &small.wrap(&r.verify_url, text_w), small);
    let issued = format!("Biên lai điện tử do {} lập trên hệ thống Xã Số.", r.unit_name);
    draw_lines(canvas, x, text_w, y + mm(2.0), &small.wrap(&issued, text_w), small);
    flow.advance(side);
    Ok(())
}
