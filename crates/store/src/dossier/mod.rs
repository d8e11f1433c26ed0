//! One-stop dossiers (hồ sơ một cửa) in the store: intake, the workflow
//! across departments, attached files, the processor's list and the
//! citizen's tracking view.
//!
//! - [`intake`]: [`receive`] allocates the code and sets the due date;
//! - [`workflow`]: one function per action (forward, send back, complete,
//!   return the result, refuse, withdraw, stop, comment), each one
//!   transaction with its event and audit row, validated by
//!   [`domain::dossier::next`];
//! - [`pause`]: stop-the-clock waits (supplement, fees) and their
//!   resumption, which moves the due dates by the paused working time;
//! - [`extension`]: the apology and new date (Mẫu 04);
//! - [`step`]: the steps a dossier goes through, with per-step due dates
//!   from the procedure's step template;
//! - [`file`]: attached components and the electronic result (hashed, size
//!   and type checked, reads audited);
//! - [`timeline`]: a dossier's history as one read;
//! - [`list`]: the processor's list in a unit scope, due soon / overdue;
//! - [`tracking`]: the masked public view behind the phone check;
//! - [`privacy`]: the audit row of a staff member's full view of personal data;
//! - [`online`]: the portal's submission (status 1, files attached), its
//!   receipt by an officer, and the completeness check at the counter;
//! - [`rating`]: the applicant's 1–5 rating after the result is returned;
//! - [`notice`]: the applicant's notifications, enqueued with the event;
//! - [`alert`]: due-soon / overdue alerts to staff, once per dossier and kind.
//!
//! Every transition is decided on a dossier read at revision `r` and applied
//! with `UPDATE … WHERE revision = r` ([`plan::apply`]), so two officers
//! acting at once cannot both succeed on the same state.

/// Stores one file of a dossier inside the caller's transaction and yields
/// its id: `$file` is a [`plan::FileRow`], stored under `$purpose`
/// (`component` or `result`).
macro_rules! file_in_tx {
    ($exec:expr, $dossier_id:expr, $purpose:expr, $file:expr, $at:expr, $uploaded_by:expr) => {{
        let f: &$crate::dossier::plan::FileRow = $file;
        let id: sqlx::Result<i64> = sqlx::query_scalar(
            "INSERT INTO dossier_files (dossier_id, purpose, component, file_name, mime, size, sha256, content,
                 uploaded_at, uploaded_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind($dossier_id)
        .bind($purpose)
        .bind(&f.component)
        .bind(&f.file_name)
        .bind(f.mime)
        .bind(i64::try_from(f.content.len()).unwrap_or(i64::MAX))
        .bind(&f.sha256)
        .bind(&f.content)
        .bind($at)
        .bind($uploaded_by)
        .fetch_one($exec)
        .await;
        id
    }};
}

pub mod alert;
pub mod extension;
pub mod file;
pub mod generate;
pub mod import;
pub mod intake;
pub mod list;
pub mod notice;
pub mod online;
pub mod pause;
mod plan;
pub mod privacy;
pub mod rating;
pub mod report;
pub mod step;
pub mod timeline;
pub mod tracking;
pub mod workflow;

use domain::dossier::{
    Channel, DeadlineRules, Deadlines, PauseReason, ResultType, Status, TimeLimit, TimeUnit, Timeliness,
};
use serde::Serialize;

pub use extension::extend;
pub use file::{FileMeta, NewFile, attach, file_content, files};
pub use intake::{Applicant, NewDossier, receive};
pub use list::{DueFilter, ListFilter, ListPage, ListSort, list};
pub use pause::{SupplementRequest, fee_paid, request_fee, request_supplement, supplement_received};
pub use step::{StepTarget, forward, send_back};
pub use timeline::{Timeline, timeline};
pub use tracking::{PublicView, track};
pub use workflow::{ResultChannel, comment, complete, context as flow_context, refuse, return_result, stop, withdraw};

use crate::{Db, Error, Result, on_pool};

/// A stored dossier (personal data in full: mask it before showing it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Dossier {
    /// Id.
    pub id: i64,
    /// Dossier code, `<agency>-<yyMMdd>-<NNNN>`.
    pub code: String,
    /// Receiving unit.
    pub unit_id: i64,
    /// Receiving agency's electronic ID.
    pub agency: String,
    /// The procedure version it follows.
    pub procedure_id: i64,
    /// The procedure's TTHC code.
    pub procedure_code: String,
    /// The procedure's version.
    pub procedure_version: i64,
    /// DVCQG channel code, 1–3.
    pub channel: i32,
    /// DVCQG status code, 1–10.
    pub status: i32,
    /// Applicant's name.
    pub applicant_name: String,
    /// Applicant's CCCD.
    pub applicant_id_number: Option<String>,
    /// Applicant's phone.
    pub applicant_phone: Option<String>,
    /// Applicant's address.
    pub applicant_address: Option<String>,
    /// Received (UTC ms).
    pub received_at: i64,
    /// Due date in force (UTC ms); none for a procedure without an appointment date.
    pub due_at: Option<i64>,
    /// Processing finished (UTC ms).
    pub finished_at: Option<i64>,
    /// Result returned (UTC ms).
    pub returned_at: Option<i64>,
    /// Created (UTC ms).
    pub created_at: i64,
    /// The procedure's field (lĩnh vực), copied at receipt.
    pub field: String,
    /// The unit of the time limit used (`working_days`, …), copied at receipt.
    pub time_unit: String,
    /// The amount of the time limit used.
    pub time_amount: i64,
    /// The kind of result (`paper`, `electronic`, `paper_and_electronic`).
    pub result_type: String,
    /// The due date printed on the receipt (UTC ms); never changes.
    pub original_due_at: Option<i64>,
    /// The due date moved by pauses only, ignoring extensions (UTC ms).
    pub due_without_extension_at: Option<i64>,
    /// Supplement requests since receipt (counted when requested).
    pub supplement_count: i32,
    /// Extensions (Mẫu 04) issued.
    pub extension_count: i32,
    /// Working minutes the clock stood still (closed clock-stopping pauses).
    pub paused_minutes: i64,
    /// The sequence number of the open step, if any.
    pub current_step: Option<i32>,
    /// The officer the dossier is assigned to, if any.
    pub assignee_id: Option<i64>,
    /// How the result was returned (`counter`, `post`, `electronic`).
    pub result_channel: Option<String>,
    /// Whether an electronic result file is attached.
    pub has_e_result: bool,
    /// Early / on time / late, set at completion.
    pub timeliness: Option<String>,
    /// Ended otherwise: refused, withdrawn or stopped (UTC ms).
    pub ended_at: Option<i64>,
    /// The applicant's rating, 1–5.
    pub rating: Option<i32>,
    /// When it was rated (UTC ms).
    pub rated_at: Option<i64>,
    /// Bumped by every change.
    pub revision: i64,
    /// Last changed (UTC ms).
    pub updated_at: Option<i64>,
}

impl Dossier {
    /// The status, typed.
    pub fn status(&self) -> Option<Status> {
        u8::try_from(self.status).ok().and_then(Status::from_code)
    }

    /// The channel, typed.
    pub fn channel(&self) -> Option<Channel> {
        u8::try_from(self.channel).ok().and_then(Channel::from_code)
    }

    /// The time limit the dossier runs under.
    pub fn limit(&self) -> TimeLimit {
        let unit = TimeUnit::parse(&self.time_unit).unwrap_or(TimeUnit::WorkingDays);
        TimeLimit::new(u32::try_from(self.time_amount).unwrap_or(0), unit)
    }

    /// The kind of result, typed.
    pub fn result_type(&self) -> Option<ResultType> {
        crate::procedure::parse_result_type(&self.result_type)
    }

    /// The timeliness verdict, typed.
    pub fn timeliness(&self) -> Option<Timeliness> {
        match self.timeliness.as_deref() {
            Some("early") => Some(Timeliness::Early),
            Some("on_time") => Some(Timeliness::OnTime),
            Some("late") => Some(Timeliness::Late),
            _ => None,
        }
    }

    /// The status, or a store error for a corrupt row.
    pub(crate) fn status_checked(&self) -> Result<Status> {
        self.status().ok_or_else(|| Error::Invalid(format!("hồ sơ {} lưu sai trạng thái (corrupt status)", self.code)))
    }
}

/// Every column of `dossiers`, in [`Dossier`] order.
pub(crate) const COLS: &str = "id, code, unit_id, agency, procedure_id, procedure_code, procedure_version, channel, \
    status, applicant_name, applicant_id_number, applicant_phone, applicant_address, received_at, due_at, \
    finished_at, returned_at, created_at, field, time_unit, time_amount, result_type, original_due_at, \
    due_without_extension_at, supplement_count, extension_count, paused_minutes, current_step, assignee_id, \
    result_channel, has_e_result, timeliness, ended_at, rating, rated_at, revision, updated_at";

/// The Vietnamese working calendar (holidays, make-up days), built once.
pub fn work_calendar() -> &'static calendar::WorkCalendar {
    static CALENDAR: std::sync::OnceLock<calendar::WorkCalendar> = std::sync::OnceLock::new();
    CALENDAR.get_or_init(calendar::WorkCalendar::vietnam)
}

/// The deadline arithmetic dossiers run under: the working calendar with the
/// default office hours and one-stop rules.
pub fn deadlines() -> Deadlines<'static> {
    Deadlines::new(work_calendar(), DeadlineRules::default())
}

/// The stored name of a pause reason.
pub(crate) fn reason_str(r: PauseReason) -> &'static str {
    match r {
        PauseReason::Supplement => "supplement",
        PauseReason::Fee => "fee",
    }
}

/// The dossier with this code, if any.
pub async fn by_code(db: &Db, code: &str) -> Result<Option<Dossier>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Dossier>(&format!("SELECT {COLS} FROM dossiers WHERE code = $1"))
        .bind(code.trim())
        .fetch_optional(p)
        .await?))
}

/// The dossier with this code, or [`Error::NotFound`]. A decision made on
/// it is applied only at its revision ([`plan::apply`]).
pub(crate) async fn load(db: &Db, code: &str) -> Result<Dossier> {
    let found = on_pool!(db.reader(), p => sqlx::query_as::<_, Dossier>(&format!("SELECT {COLS} FROM dossiers WHERE code = $1"))
        .bind(code.trim())
        .fetch_optional(p)
        .await?);
    found.ok_or_else(|| Error::NotFound(format!("không có hồ sơ mã {} (no such dossier)", code.trim())))
}
