//! The one-stop forms (one-stop-dossiers.md §2) as A4 PDFs in the layout
//! of administrative documents: Mẫu 01 receipt and appointment slip, 02
//! supplement request, 03 refusal, 04 apology and extension, 05 stop
//! notice, 06 process control sheet.
//!
//! Each form is a function from a plain input struct. Title and number come
//! from [`domain::dossier::form`] under the dossier's rule set (a 2018
//! dossier prints the 2018 title and number; the 2018 set has no stop
//! notice, which is then an error). Instants are UTC milliseconds printed
//! at UTC+7.

mod control;
mod notice;
mod slip;

pub use control::{ControlSheet, Handover, control_sheet};
pub use notice::{Apology, Refusal, StopNotice, SupplementRequest, apology, refusal, stop_notice, supplement_request};
pub use slip::{ReceiptSlip, receipt_slip};

use domain::dossier::form::{FormKind, RuleSet};

use super::PdfError;
use super::layout::official::{Header, Signature, place_date};
use super::layout::{Flow, Margins, PageSize, Style};

/// Body text size (NĐ 30/2020: 13–14 pt).
const SIZE: f32 = 13.0;

/// Who issues the form, where and when, under which rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormHead {
    /// The rule set the dossier was received under.
    pub rules: RuleSet,
    /// The agency above the issuer ("UBND xã Tân Hòa"), if any.
    pub parent_agency: Option<String>,
    /// The issuing agency or desk ("Bộ phận tiếp nhận và trả kết quả").
    pub agency_name: String,
    /// The place in "place, ngày … tháng … năm …" ("Tân Hòa").
    pub place: String,
    /// When the form is issued, UTC milliseconds.
    pub issued_at_ms: i64,
}

/// The dossier a form is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierInfo {
    /// The dossier code (`<agency id>-<yyMMdd>-<NNNN>`).
    pub code: String,
    /// The procedure's name.
    pub procedure_name: String,
    /// The applicant's full name.
    pub applicant_name: String,
    /// The applicant's address; may be empty.
    pub applicant_address: String,
    /// The applicant's phone; may be empty.
    pub applicant_phone: String,
    /// When the dossier was received, UTC milliseconds.
    pub received_at_ms: i64,
    /// The due date on the receipt, UTC milliseconds; `None` when the
    /// procedure has no appointment date.
    pub due_at_ms: Option<i64>,
}

/// A leader who signs for the agency (Mẫu 04, 05).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// The capacity, in capitals, possibly on two lines ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH").
    pub title: String,
    /// The signer's name.
    pub name: String,
}

impl Signer {
    fn block(&self) -> Signature {
        Signature {
            title: self.title.clone(),
            note: "(Ký, ghi rõ họ tên và đóng dấu)".to_owned(),
            name: self.name.clone(),
        }
    }
}

/// A started form: the flow below its title, and the document title.
struct Started {
    flow: Flow,
    title: String,
}

/// Lays out the form number, the header, the title and the dossier code.
fn start(kind: FormKind, head: &FormHead, dossier_code: &str) -> Result<Started, PdfError> {
    let rules = head.rules;
    let number = rules.form_number(kind).ok_or(PdfError::NoSuchForm { kind, rules })?;
    let mut flow = Flow::new(PageSize::A4, Margins::official());
    flow.paragraph(&format!("Mẫu {number:02}"), Style::bold(SIZE - 2.0).right());
    flow.paragraph(&format!("({})", rules.label()), Style::regular(SIZE - 4.0).right());
    flow.gap_mm(2.0);
    let header = Header {
        parent_agency: head.parent_agency.clone(),
        agency: head.agency_name.clone(),
        number: None,
        place_date: Some(place_date(&head.place, head.issued_at_ms)),
    };
    flow.official_header(&header, SIZE - 1.0);
    flow.gap_mm(8.0);
    let title = kind.title_vi(rules);
    flow.paragraph(&title.to_uppercase(), Style::bold(SIZE + 1.0).centered());
    flow.paragraph(&format!("Mã hồ sơ: {dossier_code}"), Style::regular(SIZE).centered());
    flow.gap_mm(6.0);
    Ok(Started { flow, title: format!("Mẫu {number:02} – {title} – {dossier_code}") })
}

/// "Ông/Bà", the applicant's address and phone, and the request, as rows.
fn applicant(flow: &mut Flow, d: &DossierInfo) {
    flow.field("Ông/Bà", &d.applicant_name, None, SIZE);
    if !d.applicant_address.trim().is_empty() {
        flow.field("Địa chỉ", &d.applicant_address, None, SIZE);
    }
    if !d.applicant_phone.trim().is_empty() {
        flow.field("Số điện thoại", &d.applicant_phone, None, SIZE);
    }
    flow.field("Nội dung yêu cầu giải quyết", &d.procedure_name, None, SIZE);
}

fn body(flow: &mut Flow, text: &str) {
    flow.paragraph(text, Style::regular(SIZE));
}
