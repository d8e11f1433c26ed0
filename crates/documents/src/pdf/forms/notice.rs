//! The notices to the applicant: Mẫu 02 supplement request, 03 refusal,
//! 04 apology and extension (worded per rule set: the 2018 "phiếu" sets a
//! new date, the 2025 "văn bản" asks for an extension), 05 stop notice.

use domain::dossier::form::{FormKind, RuleSet};

use super::{DossierInfo, FormHead, SIZE, Signer, Started, applicant, body, start};
use crate::pdf::PdfError;
use crate::pdf::layout::Style;
use crate::pdf::layout::official::{Signature, date_words, time_words};

/// What Mẫu 02 says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplementRequest {
    /// Issuer, place, time and rule set.
    pub head: FormHead,
    /// The dossier.
    pub dossier: DossierInfo,
    /// What must be added or corrected, one item each.
    pub missing: Vec<String>,
    /// Why.
    pub reason: String,
    /// Whom to ask (a desk and a phone number); may be empty.
    pub contact: String,
    /// The officer who gives the guidance and signs.
    pub officer: String,
}

/// What Mẫu 03 says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Issuer, place, time and rule set.
    pub head: FormHead,
    /// The dossier.
    pub dossier: DossierInfo,
    /// Why the dossier cannot be accepted.
    pub reason: String,
    /// The receiving officer who signs.
    pub officer: String,
}

/// What Mẫu 04 says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Apology {
    /// Issuer, place, time and rule set.
    pub head: FormHead,
    /// The dossier (its `due_at_ms` is the date being missed).
    pub dossier: DossierInfo,
    /// Why the result is late.
    pub reason: String,
    /// The new date, UTC milliseconds.
    pub new_due_at_ms: i64,
    /// The leader who signs.
    pub signer: Signer,
}

/// What Mẫu 05 says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StopNotice {
    /// Issuer, place, time and rule set.
    pub head: FormHead,
    /// The dossier.
    pub dossier: DossierInfo,
    /// Why processing stops.
    pub reason: String,
    /// The leader who signs.
    pub signer: Signer,
}

/// "Ngày …, <agency> đã tiếp nhận hồ sơ của:" and the applicant rows.
fn received(flow: &mut crate::pdf::layout::Flow, head: &FormHead, d: &DossierInfo) {
    let date = date_words(d.received_at_ms);
    body(flow, &format!("N{}, {} đã tiếp nhận hồ sơ của:", &date[1..], head.agency_name));
    applicant(flow, d);
}

/// Mẫu 02 as an A4 PDF.
///
/// # Errors
/// None in practice; the signature is shared with the other forms.
pub fn supplement_request(s: &SupplementRequest) -> Result<Vec<u8>, PdfError> {
    let Started { mut flow, title } = start(FormKind::SupplementRequest, &s.head, &s.dossier.code)?;
    received(&mut flow, &s.head, &s.dossier);
    flow.gap_mm(2.0);
    body(&mut flow, "Sau khi xem xét, đề nghị Ông/Bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:");
    flow.list(&s.missing, true, Style::regular(SIZE));
    flow.field("Lý do", &s.reason, None, SIZE);
    if !s.contact.trim().is_empty() {
        body(
            &mut flow,
            &format!(
                "Trong quá trình bổ sung, hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ {} để được hướng dẫn.",
                s.contact
            ),
        );
    }
    flow.gap_mm(6.0);
    flow.signatures(&[Signature::person("NGƯỜI HƯỚNG DẪN", &s.officer)], SIZE);
    flow.finish(&title)
}

/// Mẫu 03 as an A4 PDF.
///
/// # Errors
/// None in practice; the signature is shared with the other forms.
pub fn refusal(r: &Refusal) -> Result<Vec<u8>, PdfError> {
    let Started { mut flow, title } = start(FormKind::Refusal, &r.head, &r.dossier.code)?;
    received(&mut flow, &r.head, &r.dossier);
    flow.gap_mm(2.0);
    body(
        &mut flow,
        "Sau khi xem xét, đối chiếu với quy định, hồ sơ của Ông/Bà không đủ điều kiện tiếp nhận, \
         giải quyết với lý do cụ thể như sau:",
    );
    body(&mut flow, &r.reason);
    body(&mut flow, "Xin thông báo để Ông/Bà được biết và thực hiện./.");
    flow.gap_mm(6.0);
    flow.signatures(&[Signature::person("NGƯỜI TIẾP NHẬN HỒ SƠ", &r.officer)], SIZE);
    flow.finish(&title)
}

/// Mẫu 04 as an A4 PDF.
///
/// # Errors
/// None in practice; the signature is shared with the other forms.
pub fn apology(a: &Apology) -> Result<Vec<u8>, PdfError> {
    let Started { mut flow, title } = start(FormKind::Apology, &a.head, &a.dossier.code)?;
    let agency = &a.head.agency_name;
    received(&mut flow, &a.head, &a.dossier);
    let due = a.dossier.due_at_ms.map_or_else(|| "không có ngày hẹn trả".to_owned(), time_words);
    flow.field("Thời hạn trả kết quả đã hẹn", &due, None, SIZE);
    flow.gap_mm(2.0);
    body(&mut flow, &format!("Tuy nhiên đến nay, {agency} chưa trả kết quả giải quyết hồ sơ cho Ông/Bà."));
    flow.field("Lý do", &a.reason, None, SIZE);
    let new_due = time_words(a.new_due_at_ms);
    let promise = match a.head.rules {
        RuleSet::Tt01of2018 => format!(
            "Sự chậm trễ này đã gây phiền hà, tốn kém chi phí đi lại của Ông/Bà. {agency} xin lỗi Ông/Bà \
             và sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà vào {new_due}."
        ),
        RuleSet::Tt03of2025 => format!(
            "{agency} thành thật xin lỗi Ông/Bà và đề nghị gia hạn thời gian giải quyết hồ sơ; \
             kết quả sẽ được trả cho Ông/Bà vào {new_due}."
        ),
    };
    body(&mut flow, &promise);
    body(&mut flow, "Xin trân trọng cảm ơn sự hợp tác của Ông/Bà./.");
    flow.gap_mm(6.0);
    flow.signatures(&[a.signer.block()], SIZE);
    flow.finish(&title)
}

/// Mẫu 05 as an A4 PDF.
///
/// # Errors
/// [`PdfError::NoSuchForm`] for a dossier under the 2018 rules, which had no
/// stop notice.
pub fn stop_notice(n: &StopNotice) -> Result<Vec<u8>, PdfError> {
    let Started { mut flow, title } = start(FormKind::StopNotice, &n.head, &n.dossier.code)?;
    received(&mut flow, &n.head, &n.dossier);
    flow.gap_mm(2.0);
    body(&mut flow, &format!("{} thông báo dừng giải quyết hồ sơ nêu trên.", n.head.agency_name));
    flow.field("Lý do dừng giải quyết", &n.reason, None, SIZE);
    body(&mut flow, &format!("Mọi thắc mắc, Ông/Bà vui lòng liên hệ {} để được hướng dẫn./.", n.head.agency_name));
    flow.gap_mm(6.0);
    flow.signatures(&[n.signer.block()], SIZE);
    flow.finish(&title)
}
