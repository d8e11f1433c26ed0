//! `GET /dossiers/{code}/forms/{NN}.pdf`: the one-stop forms of a dossier as
//! A4 PDFs ([`documents::pdf::forms`]), filled from its record and log:
//! Mẫu 01 receipt and appointment (its QR code opens
//! `{public_url}/tra-cuu/{code}`), 02 supplement request, 03 refusal,
//! 04 apology and extension, 05 stop notice, 06 process control sheet
//! (numbers of TT 03/2025, the rule set of new dossiers).
//!
//! A form applies when the dossier's log records that it was issued (01
//! also for a dossier received without a log, as imported or generated
//! ones are; 06 for every received dossier); another answers 404 saying so.
//! The forms carry the applicant's personal data, so each download writes
//! a `dossier.personal_read` audit row.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use documents::pdf::forms::{
    Apology, ControlSheet, DossierInfo, FormHead, Handover, ReceiptSlip, Refusal, Signer, StopNotice, SupplementRequest,
};
use domain::dossier::timeliness::timeliness;
use domain::dossier::{FormKind, Granularity, RuleSet, Status};
use store::dossier::Dossier;
use store::dossier::timeline::{EventRow, Timeline};
use store::unit::Unit;

use super::detail::dossier_for;
use crate::auth::{CurrentUser, ReqActor};
use crate::error::AppError;
use crate::state::AppState;

/// The rule set the pages print under.
const RULES: RuleSet = RuleSet::CURRENT;

/// The form kinds printed here, in number order.
const KINDS: [FormKind; 6] = [
    FormKind::Receipt,
    FormKind::SupplementRequest,
    FormKind::Refusal,
    FormKind::Apology,
    FormKind::StopNotice,
    FormKind::ControlSheet,
];

/// A link to a form of the dossier.
#[derive(Debug, Clone)]
pub struct FormLink {
    /// "01" … "06".
    pub number: String,
    /// The form's title.
    pub title: String,
}

impl FormLink {
    /// The link of `kind` (titles stay Vietnamese in both languages: they are the forms' own names).
    pub fn of(kind: FormKind) -> FormLink {
        let number = RULES.form_number(kind).map(|n| format!("{n:02}")).unwrap_or_default();
        FormLink { number, title: kind.title_vi(RULES).to_string() }
    }
}

/// Whether the dossier was ever received (a receipt issued).
fn received(d: &Dossier, events: &[EventRow]) -> bool {
    let issued = |k: FormKind| events.iter().any(|e| e.form.as_deref() == Some(k.as_str()));
    issued(FormKind::Receipt) || !matches!(d.status(), Some(Status::Submitted | Status::NotAccepted))
}

/// The forms that apply to `d` with its log `events`, in number order.
pub fn applicable(d: &Dossier, events: &[EventRow]) -> Vec<FormKind> {
    let issued = |k: FormKind| events.iter().any(|e| e.form.as_deref() == Some(k.as_str()));
    KINDS
        .into_iter()
        .filter(|&k| match k {
            FormKind::Receipt | FormKind::ControlSheet => received(d, events),
            other => issued(other),
        })
        .collect()
}

/// The last event that issued `kind`.
fn last_issue(events: &[EventRow], kind: FormKind) -> Option<&EventRow> {
    events.iter().rev().find(|e| e.form.as_deref() == Some(kind.as_str()))
}

/// What every form shares.
struct Source {
    d: Dossier,
    unit: Unit,
    procedure_name: String,
    documents: Vec<String>,
    t: Timeline,
    public_url: String,
}

impl Source {
    fn head(&self, issued_at_ms: i64) -> FormHead {
        FormHead {
            rules: RULES,
            parent_agency: Some(format!("UBND {}", self.unit.full_name()).to_uppercase()),
            agency_name: "Bộ phận tiếp nhận và trả kết quả".to_string(),
            place: self.unit.name.clone(),
            issued_at_ms,
        }
    }

    fn info(&self, due_at_ms: Option<i64>) -> DossierInfo {
        let d = &self.d;
        DossierInfo {
            code: d.code.clone(),
            procedure_name: self.procedure_name.clone(),
            applicant_name: d.applicant_name.clone(),
            applicant_address: d.applicant_address.clone().unwrap_or_default(),
            applicant_phone: d.applicant_phone.clone().unwrap_or_default(),
            received_at_ms: d.received_at,
            due_at_ms,
        }
    }

    fn signer() -> Signer {
        Signer { title: "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH".to_string(), name: String::new() }
    }

    fn actor_of(e: Option<&EventRow>) -> String {
        e.and_then(|e| e.actor_name.clone()).unwrap_or_default()
    }

    fn receipt(&self) -> Result<Vec<u8>, documents::pdf::PdfError> {
        let e = last_issue(&self.t.events, FormKind::Receipt);
        let channel = self.d.result_channel.as_deref().unwrap_or("counter");
        let return_place = match channel {
            "post" => "Qua dịch vụ bưu chính công ích".to_string(),
            "electronic" => "Trực tuyến (kết quả điện tử)".to_string(),
            _ => format!("Bộ phận tiếp nhận và trả kết quả {}", self.unit.full_name()),
        };
        documents::pdf::forms::receipt_slip(&ReceiptSlip {
            head: self.head(self.d.received_at),
            dossier: self.info(self.d.original_due_at.or(self.d.due_at)),
            components: self.documents.clone(),
            copies: 1,
            time_limit: self.d.limit().label_vi(),
            return_place,
            receiving_officer: Self::actor_of(e),
            tracking_url: format!("{}/tra-cuu/{}", self.public_url, self.d.code),
        })
    }

    fn supplement(&self, e: &EventRow) -> Result<Vec<u8>, documents::pdf::PdfError> {
        let details: serde_json::Value =
            e.details.as_deref().and_then(|s| serde_json::from_str(s).ok()).unwrap_or_default();
        let missing = details["components"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        documents::pdf::forms::supplement_request(&SupplementRequest {
            head: self.head(e.at),
            dossier: self.info(self.d.due_at),
            missing,
            reason: e.note.clone(),
            contact: format!("Bộ phận tiếp nhận và trả kết quả {}", self.unit.full_name()),
            officer: Self::actor_of(Some(e)),
        })
    }

    fn handovers(&self) -> Vec<Handover> {
        let receiver = Self::actor_of(last_issue(&self.t.events, FormKind::Receipt));
        let mut from = format!("Bộ phận một cửa – {receiver}");
        let mut out = Vec::new();
        for s in &self.t.steps {
            let to = match &s.assignee_name {
                Some(name) => format!("{} – {name}", s.department),
                None => s.department.clone(),
            };
            out.push(Handover {
                from: std::mem::replace(&mut from, to.clone()),
                to,
                at_ms: s.started_at,
                deadline_ms: s.due_at,
                timeliness: match (s.finished_at, s.due_at) {
                    (Some(f), Some(due)) => Some(timeliness(Some(f), due, i64::MAX, Granularity::Date)),
                    _ => None,
                },
                note: s.outcome.clone().unwrap_or_default(),
            });
        }
        out
    }

    /// The PDF of `kind`, or `None` when it does not apply.
    fn pdf(&self, kind: FormKind) -> Option<Result<Vec<u8>, documents::pdf::PdfError>> {
        if !applicable(&self.d, &self.t.events).contains(&kind) {
            return None;
        }
        let e = last_issue(&self.t.events, kind);
        let issued = e.map_or_else(store::now_ms, |e| e.at);
        Some(match kind {
            FormKind::Receipt => self.receipt(),
            FormKind::SupplementRequest => self.supplement(e?),
            FormKind::Refusal => documents::pdf::forms::refusal(&Refusal {
                head: self.head(issued),
                dossier: self.info(self.d.due_at),
                reason: e?.note.clone(),
                officer: Self::actor_of(e),
            }),
            FormKind::Apology => {
                let ext = self.t.extensions.last()?;
                documents::pdf::forms::apology(&Apology {
                    head: self.head(ext.at),
                    dossier: self.info(Some(ext.old_due)),
                    reason: ext.reason.clone(),
                    new_due_at_ms: ext.new_due,
                    signer: Self::signer(),
                })
            }
            FormKind::StopNotice => documents::pdf::forms::stop_notice(&StopNotice {
                head: self.head(issued),
                dossier: self.info(self.d.due_at),
                reason: e?.note.clone(),
                signer: Self::signer(),
            }),
            FormKind::ControlSheet => documents::pdf::forms::control_sheet(&ControlSheet {
                head: self.head(store::now_ms()),
                dossier: self.info(self.d.due_at),
                handling_unit: self.unit.full_name(),
                coordinating_units: Vec::new(),
                handovers: self.handovers(),
            }),
            FormKind::LogBook => return None,
        })
    }
}

/// `GET /dossiers/{code}/forms/{NN}.pdf`.
pub async fn pdf(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path((code, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let not_found = || AppError::NotFound(format!("không có mẫu {file} (no such form: use 01.pdf … 06.pdf)"));
    let digits = file.strip_suffix(".pdf").filter(|n| n.len() == 2 && n.bytes().all(|b| b.is_ascii_digit()));
    let number: u8 = digits.and_then(|n| n.parse().ok()).ok_or_else(not_found)?;
    let kind = KINDS.into_iter().find(|&k| RULES.form_number(k) == Some(number)).ok_or_else(not_found)?;
    let d = dossier_for(&st, &p, &code).await?;
    let procedure = store::procedure::get(&st.db, d.procedure_id).await?;
    let src = Source {
        unit: store::unit::get(&st.db, d.unit_id).await?,
        procedure_name: procedure.name.clone(),
        documents: procedure.documents.iter().map(|c| c.name.clone()).collect(),
        t: store::dossier::timeline(&st.db, d.id).await?,
        public_url: st.config.public_url.trim_end_matches('/').to_string(),
        d,
    };
    let bytes = src
        .pdf(kind)
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "Mẫu {number:02} ({}) không áp dụng cho hồ sơ {}: hồ sơ chưa phát sinh mẫu này (this form does not \
                 apply to the dossier)",
                kind.title_vi(RULES),
                src.d.code
            ))
        })?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    store::dossier::privacy::record_personal_read(&st.db, &actor, &src.d, &format!("form_{number:02}")).await?;
    let disposition = format!("inline; filename=\"mau-{number:02}-{}.pdf\"", src.d.code);
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}
