//! Mẫu 06 (Mẫu 05 under the 2018 rules): Phiếu kiểm soát quá trình giải
//! quyết hồ sơ, the sheet that travels with the dossier and records every
//! hand-over: who gave it to whom and when, the step's deadline, and whether
//! the step finished early, on time or late.

use domain::dossier::form::FormKind;
use domain::dossier::timeliness::Timeliness;

use super::{DossierInfo, FormHead, SIZE, Started, start};
use crate::pdf::PdfError;
use crate::pdf::canvas::Align;
use crate::pdf::layout::official::time_words;
use crate::pdf::layout::table::{Column, Row};

/// One hand-over of the dossier between desks or agencies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    /// Who handed it over ("Bộ phận một cửa – Nguyễn Văn A").
    pub from: String,
    /// Who received it.
    pub to: String,
    /// When, UTC milliseconds.
    pub at_ms: i64,
    /// The deadline of the step it started, UTC milliseconds, if any.
    pub deadline_ms: Option<i64>,
    /// How the step ended, once it has.
    pub timeliness: Option<Timeliness>,
    /// A note (a supplement request, a reason for delay).
    pub note: String,
}

/// What Mẫu 06 says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlSheet {
    /// Issuer, place, time and rule set.
    pub head: FormHead,
    /// The dossier.
    pub dossier: DossierInfo,
    /// The agency or department that handles the dossier.
    pub handling_unit: String,
    /// Agencies that take part; may be empty.
    pub coordinating_units: Vec<String>,
    /// Every hand-over, in order.
    pub handovers: Vec<Handover>,
}

/// Mẫu 06 as an A4 PDF; a long history runs onto further pages with the
/// table header repeated.
///
/// # Errors
/// None in practice; the signature is shared with the other forms.
pub fn control_sheet(c: &ControlSheet) -> Result<Vec<u8>, PdfError> {
    let Started { mut flow, title } = start(FormKind::ControlSheet, &c.head, &c.dossier.code)?;
    let d = &c.dossier;
    flow.field("Kèm theo hồ sơ của", &d.applicant_name, None, SIZE);
    flow.field("Nội dung yêu cầu giải quyết", &d.procedure_name, None, SIZE);
    flow.field("Thời gian nhận hồ sơ", &time_words(d.received_at_ms), None, SIZE);
    let due = d.due_at_ms.map_or_else(|| "không có ngày hẹn trả".to_owned(), time_words);
    flow.field("Thời gian hẹn trả kết quả", &due, None, SIZE);
    flow.field("Cơ quan (bộ phận) giải quyết hồ sơ", &c.handling_unit, None, SIZE);
    let coordinating =
        if c.coordinating_units.is_empty() { "Không".to_owned() } else { c.coordinating_units.join("; ") };
    flow.field("Cơ quan phối hợp giải quyết hồ sơ", &coordinating, None, SIZE);
    flow.gap_mm(4.0);
    let columns = [
        Column::new("STT", 0.8, Align::Center),
        Column::new("Bên giao", 2.2, Align::Left),
        Column::new("Bên nhận", 2.2, Align::Left),
        Column::new("Thời gian giao, nhận", 1.6, Align::Center),
        Column::new("Hạn xử lý", 1.6, Align::Center),
        Column::new("Kết quả", 1.5, Align::Center),
        Column::new("Ghi chú", 1.7, Align::Left),
    ];
    let rows: Vec<Row> = c
        .handovers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            Row::new(vec![
                (i + 1).to_string(),
                h.from.clone(),
                h.to.clone(),
                domain::time::format_local(h.at_ms),
                h.deadline_ms.map(domain::time::format_local).unwrap_or_default(),
                h.timeliness.map(|t| t.label_vi().to_owned()).unwrap_or_default(),
                h.note.clone(),
            ])
        })
        .collect();
    flow.table(&columns, &rows, SIZE - 3.0);
    flow.finish(&title)
}
