//! Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả, with a QR code of the
//! citizen's tracking page.

use domain::dossier::form::FormKind;

use super::{DossierInfo, FormHead, SIZE, Started, applicant, start};
use crate::pdf::PdfError;
use crate::pdf::layout::official::{Signature, time_words};
use crate::pdf::layout::{Style, draw_lines};
use crate::pdf::mm;

/// What Mẫu 01 says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptSlip {
    /// Issuer, place, time and rule set.
    pub head: FormHead,
    /// The dossier received.
    pub dossier: DossierInfo,
    /// The components handed in ("Tờ khai …, bản chính").
    pub components: Vec<String>,
    /// How many sets of the dossier.
    pub copies: u32,
    /// The statutory time limit as text ("03 ngày làm việc").
    pub time_limit: String,
    /// Where the result is collected (or how it is delivered).
    pub return_place: String,
    /// The officer who received the dossier.
    pub receiving_officer: String,
    /// The citizen's tracking page, encoded in the QR code.
    pub tracking_url: String,
}

/// Mẫu 01 as an A4 PDF.
///
/// # Errors
/// [`PdfError::Qr`] when the tracking URL is too long for a QR code.
pub fn receipt_slip(s: &ReceiptSlip) -> Result<Vec<u8>, PdfError> {
    let Started { mut flow, title } = start(FormKind::Receipt, &s.head, &s.dossier.code)?;
    let st = Style::regular(SIZE);
    flow.paragraph(&format!("{} tiếp nhận hồ sơ của:", s.head.agency_name), st);
    applicant(&mut flow, &s.dossier);
    flow.paragraph("1. Thành phần hồ sơ nộp gồm:", Style::bold(SIZE));
    flow.list(&s.components, false, st);
    flow.field("2. Số lượng hồ sơ", &format!("{:02} (bộ)", s.copies), None, SIZE);
    flow.field("3. Thời gian giải quyết hồ sơ theo quy định", &s.time_limit, None, SIZE);
    flow.field("4. Thời gian nhận hồ sơ", &time_words(s.dossier.received_at_ms), None, SIZE);
    let due = s.dossier.due_at_ms.map_or_else(|| "không có ngày hẹn trả (theo quy định)".to_owned(), time_words);
    flow.field("5. Thời gian trả kết quả giải quyết hồ sơ", &due, None, SIZE);
    flow.field("6. Đăng ký nhận kết quả tại", &s.return_place, None, SIZE);
    flow.gap_mm(4.0);
    tracking(&mut flow, &s.tracking_url)?;
    flow.gap_mm(6.0);
    flow.signatures(
        &[
            Signature::person("NGƯỜI NỘP HỒ SƠ", &s.dossier.applicant_name),
            Signature::person("NGƯỜI TIẾP NHẬN HỒ SƠ", &s.receiving_officer),
        ],
        SIZE,
    );
    flow.finish(&title)
}

/// The QR code of the tracking page on the right, how to use it on the left.
fn tracking(flow: &mut crate::pdf::layout::Flow, url: &str) -> Result<(), PdfError> {
    let side = mm(30.0);
    flow.ensure(side);
    let (x, w, top) = (flow.left(), flow.width(), flow.y());
    let text_w = w - side - mm(4.0);
    let canvas = flow.canvas();
    canvas.qr(url, x + w - side, top, side)?;
    let bold = Style::bold(SIZE - 1.0);
    let small = Style::regular(SIZE - 2.0);
    let note = "Tra cứu tình trạng hồ sơ: quét mã QR bên cạnh hoặc truy cập địa chỉ dưới đây.";
    let mut y = top + mm(3.0);
    y += draw_lines(canvas, x, text_w, y, &bold.wrap(note, text_w), bold);
    draw_lines(canvas, x, text_w, y, &small.wrap(url, text_w), small);
    flow.advance(side);
    Ok(())
}
