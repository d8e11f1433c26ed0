//! The workflow's simple transitions, and what every transition shares.
//!
//! Each public function is one use case taking the acting [`Actor`], the
//! dossier code, its input and the time: it reads the dossier, asks
//! [`domain::dossier::next`] whether the action is allowed from its status
//! (a refusal is an [`Error::Conflict`] saying why, a missing reason an
//! [`Error::Invalid`]), computes the new state and hands it to
//! [`super::plan::apply`] (one transaction with the event and audit row).
//!
//! Here: [`complete`] (result ready, timeliness verdict), [`return_result`]
//! (counter, post, or electronic with an uploaded result file), [`refuse`]
//! (Mẫu 03), [`withdraw`], [`stop`] (Mẫu 05) and [`comment`].

use domain::dossier::timeliness::{late_by_supplements, timeliness};
use domain::dossier::{Action, Context, FlowError, Granularity, ResultType, Status, Timeliness, next};
use serde::{Deserialize, Serialize};

use super::plan::{Event, Plan, apply};
use super::{Dossier, load};
use crate::audit::Actor;
use crate::{Db, Error, Result, on_pool};

/// How the result reached the applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultChannel {
    /// Handed over at the counter.
    Counter,
    /// Sent by public post.
    Post,
    /// Delivered electronically (needs an uploaded result file).
    Electronic,
}

impl ResultChannel {
    /// Every channel.
    pub const ALL: [ResultChannel; 3] = [ResultChannel::Counter, ResultChannel::Post, ResultChannel::Electronic];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ResultChannel::Counter => "counter",
            ResultChannel::Post => "post",
            ResultChannel::Electronic => "electronic",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<ResultChannel> {
        ResultChannel::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// The open pause of a dossier: its id, reason, the status before it and when it began.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct OpenPause {
    /// `supplement` or `fee`.
    pub reason: String,
    /// The status before the wait.
    pub from_status: i32,
    /// When the clock stopped.
    pub from_at: i64,
}

/// The pause the dossier is waiting in, if any.
pub(crate) async fn open_pause(db: &Db, dossier_id: i64) -> Result<Option<OpenPause>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, OpenPause>(
        "SELECT reason, from_status, from_at FROM dossier_pauses WHERE dossier_id = $1 AND to_at IS NULL")
        .bind(dossier_id)
        .fetch_optional(p)
        .await?))
}

/// The flow context of a dossier: the status to resume to, the supplement
/// requests and extensions used, and whether the officer confirmed the
/// Decision 766 warning for a further supplement request.
pub async fn context(db: &Db, d: &Dossier, late_supplement_confirmed: bool) -> Result<Context> {
    let previous =
        open_pause(db, d.id).await?.and_then(|p| u8::try_from(p.from_status).ok()).and_then(Status::from_code);
    Ok(Context {
        previous,
        supplement_requests: u32::try_from(d.supplement_count).unwrap_or(0),
        extensions: u32::try_from(d.extension_count).unwrap_or(0),
        late_supplement_confirmed,
        ..Context::default()
    })
}

/// The status after `action`, or the domain's refusal as a conflict.
pub(crate) fn decide(d: &Dossier, action: Action, ctx: &Context) -> Result<Status> {
    let from = d.status_checked()?;
    next(from, action, ctx).map_err(|e: FlowError| Error::Conflict(e.to_string()))
}

/// A required reason or note, trimmed.
pub(crate) fn required(text: &str, what_vi: &str, what_en: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::Invalid(format!("cần nhập {what_vi} ({what_en} is required)")));
    }
    if t.chars().count() > 4000 {
        return Err(Error::Invalid(format!("{what_vi} quá dài, tối đa 4000 ký tự ({what_en} is too long)")));
    }
    Ok(t.to_string())
}

/// An optional note, trimmed and bounded.
pub(crate) fn optional(text: Option<&str>) -> Result<String> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => required(t, "ghi chú", "the note"),
        None => Ok(String::new()),
    }
}

fn event(action: &'static str, note: String) -> Event {
    let form = Action::parse(action).and_then(Action::form);
    Event { action, note, form, details: None }
}

/// The verdict at completion: late after more than one supplement request
/// (Decision 766), else the finish compared with the due date in force by
/// local date (report 06b); on time without an appointment date.
pub fn completion_timeliness(d: &Dossier, finished_at: i64) -> Timeliness {
    if late_by_supplements(u32::try_from(d.supplement_count).unwrap_or(0)) {
        return Timeliness::Late;
    }
    match d.due_at {
        Some(due) => timeliness(Some(finished_at), due, i64::MAX, Granularity::Date),
        None => Timeliness::OnTime,
    }
}

fn timeliness_str(t: Timeliness) -> &'static str {
    match t {
        Timeliness::Early => "early",
        Timeliness::OnTime => "on_time",
        Timeliness::Late | Timeliness::Overdue => "late",
        Timeliness::WithinTime => "on_time",
    }
}

/// Processing finished, the result is ready (status 9): closes the open
/// step and sets the timeliness verdict. `result_type` overrides the
/// procedure's kind of result when given.
pub async fn complete(
    db: &Db,
    actor: &Actor,
    code: &str,
    result_type: Option<ResultType>,
    note: Option<&str>,
    at: i64,
) -> Result<Dossier> {
    let d = load(db, code).await?;
    let to = decide(&d, Action::Complete, &context(db, &d, false).await?)?;
    let verdict = completion_timeliness(&d, at);
    let mut plan = Plan::new(&d, at, event("complete", optional(note)?));
    plan.after.status = i32::from(to.code());
    plan.after.finished_at = Some(at);
    plan.after.timeliness = Some(timeliness_str(verdict).to_string());
    plan.after.current_step = None;
    if let Some(t) = result_type {
        plan.after.result_type = t.as_str().to_string();
    }
    plan.close_step = Some("completed");
    plan.event.details =
        Some(serde_json::json!({"timeliness": timeliness_str(verdict), "result_type": plan.after.result_type}));
    Ok(apply(db, actor, &d, plan).await?.0)
}

/// Whether the dossier has an uploaded electronic result.
async fn has_result_file(db: &Db, dossier_id: i64) -> Result<bool> {
    let n: i64 = on_pool!(db.reader(), p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM dossier_files WHERE dossier_id = $1 AND purpose = 'result'")
        .bind(dossier_id)
        .fetch_one(p)
        .await?);
    Ok(n > 0)
}

/// The result was returned (status 10) through `channel`; electronically
/// only once a result file is attached.
pub async fn return_result(
    db: &Db,
    actor: &Actor,
    code: &str,
    channel: ResultChannel,
    note: Option<&str>,
    at: i64,
) -> Result<Dossier> {
    let d = load(db, code).await?;
    let to = decide(&d, Action::ReturnResult, &context(db, &d, false).await?)?;
    if channel == ResultChannel::Electronic && !has_result_file(db, d.id).await? {
        return Err(Error::Invalid(
            "trả kết quả điện tử cần tải lên tệp kết quả trước (upload the electronic result file first)".into(),
        ));
    }
    let mut plan = Plan::new(&d, at, event("return_result", optional(note)?));
    plan.after.status = i32::from(to.code());
    plan.after.returned_at = Some(at);
    plan.after.result_channel = Some(channel.as_str().to_string());
    plan.event.details = Some(serde_json::json!({"result_channel": channel.as_str()}));
    Ok(apply(db, actor, &d, plan).await?.0)
}

/// Ends a dossier at `at` through `action` (refuse, withdraw, stop): closes
/// its open step and pause.
async fn end(db: &Db, actor: &Actor, code: &str, action: Action, note: String, at: i64) -> Result<Dossier> {
    let d = load(db, code).await?;
    let ctx = context(db, &d, false).await?;
    let to = decide(&d, action, &ctx)?;
    let pause = open_pause(db, d.id).await?;
    let mut plan = Plan::new(&d, at, event(action.as_str(), note));
    plan.after.status = i32::from(to.code());
    plan.after.ended_at = Some(at);
    plan.after.current_step = None;
    plan.close_step = d.current_step.map(|_| action.as_str());
    if let Some(p) = pause {
        let minutes = super::pause::paused_minutes(p.from_at, at, &p.reason);
        plan.after.paused_minutes += minutes;
        plan.close_pause = Some(minutes);
    }
    Ok(apply(db, actor, &d, plan).await?.0)
}

/// Refuses the dossier (status 3, Mẫu 03); the reason is required.
pub async fn refuse(db: &Db, actor: &Actor, code: &str, reason: &str, at: i64) -> Result<Dossier> {
    let reason = required(reason, "lý do từ chối", "the reason")?;
    end(db, actor, code, Action::Refuse, reason, at).await
}

/// The applicant withdraws the dossier (status 7).
pub async fn withdraw(db: &Db, actor: &Actor, code: &str, note: Option<&str>, at: i64) -> Result<Dossier> {
    end(db, actor, code, Action::Withdraw, optional(note)?, at).await
}

/// Stops processing (status 8, Mẫu 05); the reason is required.
pub async fn stop(db: &Db, actor: &Actor, code: &str, reason: &str, at: i64) -> Result<Dossier> {
    let reason = required(reason, "lý do dừng xử lý", "the reason")?;
    end(db, actor, code, Action::Stop, reason, at).await
}

/// Adds a comment to the dossier's log, in any status.
pub async fn comment(db: &Db, actor: &Actor, code: &str, note: &str, at: i64) -> Result<Dossier> {
    let note = required(note, "nội dung ý kiến", "the comment")?;
    let d = load(db, code).await?;
    let plan = Plan::new(&d, at, Event { action: "comment", note, form: None, details: None });
    Ok(apply(db, actor, &d, plan).await?.0)
}
