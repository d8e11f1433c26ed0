//! What the dossier API answers: a dossier with personal data masked, its
//! timeline, and the actions the caller may take next.

use domain::auth::Role;
use domain::dossier::{AlertRules, Status, allowed_actions};
use domain::person::{CitizenId, Phone};
use serde::Serialize;
use store::dossier::Dossier;
use store::dossier::timeline::Timeline;
use store::unit::Unit;
use utoipa::ToSchema;

use crate::auth::Principal;
use crate::pages::area::DOSSIERS;

/// Roles that may record a fee payment (cashiers besides the dossier roles).
pub const FEE_ROLES: &[Role] = &[Role::Cashier, Role::DeskOfficer, Role::Leader, Role::Admin];

/// An instant as ISO 8601 at +07:00.
pub fn iso(ms: i64) -> String {
    domain::time::format_iso_local(ms)
}

/// A dossier as the API shows it (personal data masked).
#[derive(Debug, Serialize, ToSchema)]
pub struct DossierDto {
    /// Dossier code.
    pub code: String,
    /// Receiving unit's code.
    pub unit: String,
    /// Procedure's TTHC code.
    pub procedure: String,
    /// Procedure version followed.
    pub procedure_version: i64,
    /// The procedure's field (lĩnh vực).
    pub field: String,
    /// The time limit, as written on the receipt ("5 ngày làm việc").
    pub time_limit: String,
    /// Channel: `counter`, `online` or `post`.
    pub channel: String,
    /// DVCQG status code, 1–10.
    pub status: i32,
    /// Status name (`accepted`, …).
    pub status_name: String,
    /// Status as DVCQG words it.
    pub status_label: String,
    /// Applicant's name.
    pub applicant_name: String,
    /// Applicant's CCCD, masked.
    pub applicant_id_number: Option<String>,
    /// Applicant's phone, masked.
    pub applicant_phone: Option<String>,
    /// Received, ISO 8601 at +07:00.
    pub received_at: String,
    /// Due date in force, ISO 8601 at +07:00.
    pub due_at: Option<String>,
    /// Due date printed on the receipt.
    pub original_due_at: Option<String>,
    /// Due date moved by pauses only, ignoring extensions.
    pub due_without_extension_at: Option<String>,
    /// Where the dossier stands against its due date (`on_track`, `due_soon`, `overdue`, `paused`, …).
    pub urgency: String,
    /// Time left or past ("còn 2 ngày làm việc"), while the due date runs.
    pub time_left: Option<String>,
    /// Supplement requests since receipt.
    pub supplement_count: i32,
    /// Extensions (Mẫu 04) issued.
    pub extension_count: i32,
    /// Working minutes the clock stood still.
    pub paused_minutes: i64,
    /// The open step's sequence number.
    pub current_step: Option<i32>,
    /// The officer assigned (user id).
    pub assignee_id: Option<i64>,
    /// Kind of result: `paper`, `electronic`, `paper_and_electronic`.
    pub result_type: String,
    /// How the result was returned: `counter`, `post`, `electronic`.
    pub result_channel: Option<String>,
    /// Whether an electronic result file is attached.
    pub has_e_result: bool,
    /// `early`, `on_time` or `late`, set at completion.
    pub timeliness: Option<String>,
    /// Processing finished.
    pub finished_at: Option<String>,
    /// Result returned.
    pub returned_at: Option<String>,
    /// Refused, withdrawn or stopped.
    pub ended_at: Option<String>,
}

impl DossierDto {
    /// The masked view of a stored dossier of `unit`, judged at `now`.
    pub fn new(d: Dossier, unit: &Unit, now: i64) -> DossierDto {
        let masked_id = |s: &str| CitizenId::parse(s).map(|c| c.masked()).unwrap_or_else(|_| "***".into());
        let masked_phone = |s: &str| Phone::parse(s).map(|c| c.masked()).unwrap_or_else(|_| "***".into());
        let status = d.status();
        let dl = store::dossier::deadlines();
        let urgency = status.map(|s| dl.urgency(s, d.due_at, now, &AlertRules::default()));
        let time_left = match (urgency, d.due_at) {
            (Some(u), Some(due)) if !matches!(u.as_str(), "closed" | "paused" | "not_received") => {
                Some(dl.time_left(now, due, d.limit().unit()).phrase_vi())
            }
            _ => None,
        };
        DossierDto {
            unit: unit.code.clone(),
            procedure_version: d.procedure_version,
            time_limit: d.limit().label_vi(),
            channel: d.channel().map(|c| c.as_str()).unwrap_or("unknown").to_string(),
            status: d.status,
            status_name: status.map(Status::as_str).unwrap_or("unknown").to_string(),
            status_label: status.map(Status::label_vi).unwrap_or("").to_string(),
            applicant_id_number: d.applicant_id_number.as_deref().map(masked_id),
            applicant_phone: d.applicant_phone.as_deref().map(masked_phone),
            received_at: iso(d.received_at),
            due_at: d.due_at.map(iso),
            original_due_at: d.original_due_at.map(iso),
            due_without_extension_at: d.due_without_extension_at.map(iso),
            urgency: urgency.map(|u| u.as_str()).unwrap_or("unknown").to_string(),
            time_left,
            supplement_count: d.supplement_count,
            extension_count: d.extension_count,
            paused_minutes: d.paused_minutes,
            current_step: d.current_step,
            assignee_id: d.assignee_id,
            result_channel: d.result_channel,
            has_e_result: d.has_e_result,
            timeliness: d.timeliness,
            finished_at: d.finished_at.map(iso),
            returned_at: d.returned_at.map(iso),
            ended_at: d.ended_at.map(iso),
            result_type: d.result_type,
            field: d.field,
            applicant_name: d.applicant_name,
            procedure: d.procedure_code,
            code: d.code,
        }
    }
}

/// One event of the timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventDto {
    /// When, ISO 8601 at +07:00.
    pub at: String,
    /// The action (`receive`, `forward`, `request_supplement`, `comment`, `attach`, …).
    pub action: String,
    /// DVCQG status before.
    pub from_status: Option<i32>,
    /// DVCQG status after.
    pub to_status: i32,
    /// Who acted.
    pub actor: Option<String>,
    /// Note or reason.
    pub note: String,
    /// The form issued: `receipt`, `supplement_request`, `refusal`, `apology`, `stop_notice`.
    pub form: Option<String>,
    /// Details of the action.
    #[schema(value_type = Object)]
    pub details: Option<serde_json::Value>,
}

/// One step of the dossier's route.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepDto {
    /// Sequence number, from 1.
    pub seq: i32,
    /// Template step (1-based), if it follows the procedure's template.
    pub template_step: Option<i32>,
    /// Department.
    pub department: String,
    /// Officer's user id.
    pub assignee_id: Option<i64>,
    /// Officer's name.
    pub assignee: Option<String>,
    /// Budget in working minutes.
    pub budget_minutes: Option<i64>,
    /// Started.
    pub started_at: String,
    /// Due.
    pub due_at: Option<String>,
    /// Finished.
    pub finished_at: Option<String>,
    /// How it ended.
    pub outcome: Option<String>,
}

/// One stop-the-clock interval.
#[derive(Debug, Serialize, ToSchema)]
pub struct PauseDto {
    /// `supplement` or `fee`.
    pub reason: String,
    /// Clock stopped.
    pub from_at: String,
    /// Clock restarted; null while waiting.
    pub to_at: Option<String>,
    /// Working minutes paused.
    pub paused_minutes: Option<i64>,
    /// The request's note.
    pub note: String,
}

/// One extension (Mẫu 04).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExtensionDto {
    /// Due date before.
    pub old_due: String,
    /// New due date.
    pub new_due: String,
    /// Why.
    pub reason: String,
    /// Issued.
    pub at: String,
}

/// An attached file's metadata.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileDto {
    /// Id (for `GET …/files/{id}`).
    pub id: i64,
    /// `component` or `result`.
    pub purpose: String,
    /// Component label.
    pub component: String,
    /// File name.
    pub file_name: String,
    /// Content type.
    pub mime: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// Uploaded.
    pub uploaded_at: String,
}

impl From<store::dossier::FileMeta> for FileDto {
    fn from(f: store::dossier::FileMeta) -> FileDto {
        FileDto {
            id: f.id,
            purpose: f.purpose,
            component: f.component,
            file_name: f.file_name,
            mime: f.mime,
            size: f.size,
            sha256: f.sha256,
            uploaded_at: iso(f.uploaded_at),
        }
    }
}

/// A dossier with its timeline and the caller's next actions.
#[derive(Debug, Serialize, ToSchema)]
pub struct DossierDetailDto {
    /// The dossier.
    #[serde(flatten)]
    pub dossier: DossierDto,
    /// Actions the caller may take now (`forward`, …, `comment`, `attach`).
    pub allowed_actions: Vec<String>,
    /// Events, oldest first.
    pub events: Vec<EventDto>,
    /// Steps, in order.
    pub steps: Vec<StepDto>,
    /// Pauses, in order.
    pub pauses: Vec<PauseDto>,
    /// Extensions, in order.
    pub extensions: Vec<ExtensionDto>,
    /// Files, in upload order.
    pub files: Vec<FileDto>,
}

/// The actions `p` may take on `d` now: the flow's, by role (a cashier only
/// records fees), then `comment` and `attach`.
pub fn actions_for(p: &Principal, d: &Dossier, ctx: &domain::dossier::Context) -> Vec<String> {
    let Some(status) = d.status() else { return Vec::new() };
    let officer = p.has_any(DOSSIERS.0);
    let cashier = p.has_any(FEE_ROLES);
    let mut ctx = *ctx;
    // A further supplement request is possible once the officer confirms the 766 warning.
    ctx.late_supplement_confirmed = true;
    let mut out: Vec<String> = allowed_actions(status, &ctx)
        .into_iter()
        .filter(|a| if a.as_str() == "fee_paid" { cashier } else { officer })
        .map(|a| a.as_str().to_string())
        .collect();
    if officer {
        out.push("comment".into());
        if !status.is_final() {
            out.push("attach".into());
        }
    }
    out
}

/// The detail view of `d`.
pub fn detail(d: Dossier, unit: &Unit, t: Timeline, allowed: Vec<String>, now: i64) -> DossierDetailDto {
    DossierDetailDto {
        dossier: DossierDto::new(d, unit, now),
        allowed_actions: allowed,
        events: t
            .events
            .into_iter()
            .map(|e| EventDto {
                at: iso(e.at),
                action: e.action,
                from_status: e.from_status,
                to_status: e.to_status,
                actor: e.actor_name,
                note: e.note,
                form: e.form,
                details: e.details.and_then(|s| serde_json::from_str(&s).ok()),
            })
            .collect(),
        steps: t
            .steps
            .into_iter()
            .map(|s| StepDto {
                seq: s.seq,
                template_step: s.template_step,
                department: s.department,
                assignee_id: s.assignee_id,
                assignee: s.assignee_name,
                budget_minutes: s.budget_minutes,
                started_at: iso(s.started_at),
                due_at: s.due_at.map(iso),
                finished_at: s.finished_at.map(iso),
                outcome: s.outcome,
            })
            .collect(),
        pauses: t
            .pauses
            .into_iter()
            .map(|p| PauseDto {
                reason: p.reason,
                from_at: iso(p.from_at),
                to_at: p.to_at.map(iso),
                paused_minutes: p.paused_minutes,
                note: p.note,
            })
            .collect(),
        extensions: t
            .extensions
            .into_iter()
            .map(|e| ExtensionDto { old_due: iso(e.old_due), new_due: iso(e.new_due), reason: e.reason, at: iso(e.at) })
            .collect(),
        files: t.files.into_iter().map(FileDto::from).collect(),
    }
}
