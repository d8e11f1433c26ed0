//! Stop-the-clock waits: a supplement request (status 5, Mẫu 02) or a fee
//! request (status 6), and their resumption.
//!
//! A request opens a pause (`dossier_pauses`, with the status to resume
//! to); the resumption closes it and moves the due dates by the paused
//! working time ([`Deadlines::shift`](domain::dossier::Deadlines::shift)):
//! the date in force, the date without extensions, and the open step's date.
//! Waiting for fees stops the clock under the default rules; a fee paid
//! after processing finished moves nothing (the verdict is already set).
//!
//! `supplement_count` counts *requests* (Decision 766 judges a dossier with
//! more than one supplement request late), so it grows when a request is
//! made after receipt; the second request is refused until the officer
//! confirms the warning ([`domain::dossier::flow`]).

use domain::dossier::deadline::to_local;
use domain::dossier::{Action, Pause, PauseReason, Status, TimeUnit};
use serde_json::json;

use super::plan::{Event, Plan, apply};
use super::workflow::{context, decide, open_pause, optional, required};
use super::{Dossier, deadlines, load};
use crate::audit::Actor;
use crate::{Db, Error, Result};

/// Working minutes between two instants when a pause for `reason` stops the clock, else 0.
pub(crate) fn paused_minutes(from: i64, to: i64, reason: &str) -> i64 {
    let dl = deadlines();
    let stops = match reason {
        "fee" => dl.stops_clock(PauseReason::Fee),
        _ => dl.stops_clock(PauseReason::Supplement),
    };
    if !stops || to <= from {
        return 0;
    }
    dl.clock().working_minutes(to_local(from), to_local(to)).max(0)
}

/// A supplement request: why, and which components are missing.
#[derive(Debug, Clone, Default)]
pub struct SupplementRequest {
    /// What must be supplemented or corrected.
    pub reason: String,
    /// The missing or incomplete components, by name.
    pub components: Vec<String>,
    /// The officer confirmed the Decision 766 warning for a further request.
    pub confirm_late: bool,
}

/// Asks the applicant to supplement (status 5, Mẫu 02): the clock stops.
/// A reason or a list of missing components is required.
pub async fn request_supplement(
    db: &Db,
    actor: &Actor,
    code: &str,
    request: &SupplementRequest,
    at: i64,
) -> Result<Dossier> {
    let components: Vec<String> =
        request.components.iter().map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
    let reason = if components.is_empty() {
        required(
            &request.reason,
            "nội dung yêu cầu bổ sung hoặc thành phần còn thiếu",
            "the reason or the missing components",
        )?
    } else {
        optional(Some(&request.reason))?
    };
    let d = load(db, code).await?;
    let from = d.status_checked()?;
    let to = decide(&d, Action::RequestSupplement, &context(db, &d, request.confirm_late).await?)?;
    let mut plan = Plan::new(
        &d,
        at,
        Event {
            action: Action::RequestSupplement.as_str(),
            note: reason.clone(),
            form: Action::RequestSupplement.form(),
            details: Some(json!({"components": components, "confirmed_late": request.confirm_late})),
        },
    );
    plan.after.status = i32::from(to.code());
    if from != Status::Submitted {
        plan.after.supplement_count += 1;
    }
    plan.open_pause = Some((PauseReason::Supplement, d.status, reason));
    Ok(apply(db, actor, &d, plan).await?.0)
}

/// Asks for fees or other obligations (status 6).
pub async fn request_fee(
    db: &Db,
    actor: &Actor,
    code: &str,
    note: Option<&str>,
    amount: Option<i64>,
    at: i64,
) -> Result<Dossier> {
    if amount.is_some_and(|a| a < 0) {
        return Err(Error::Invalid("số tiền không được âm (the amount cannot be negative)".into()));
    }
    let note = optional(note)?;
    let d = load(db, code).await?;
    let to = decide(&d, Action::RequestFee, &context(db, &d, false).await?)?;
    let mut plan = Plan::new(
        &d,
        at,
        Event {
            action: Action::RequestFee.as_str(),
            note: note.clone(),
            form: None,
            details: Some(json!({"amount": amount})),
        },
    );
    plan.after.status = i32::from(to.code());
    plan.open_pause = Some((PauseReason::Fee, d.status, note));
    Ok(apply(db, actor, &d, plan).await?.0)
}

/// Ends the wait of `reason` at `at` through `action`: back to the status
/// before it, the due dates moved by the pause.
async fn resume(
    db: &Db,
    actor: &Actor,
    code: &str,
    action: Action,
    reason: PauseReason,
    event: (String, serde_json::Value),
    at: i64,
) -> Result<Dossier> {
    let d = load(db, code).await?;
    let to = decide(&d, action, &context(db, &d, false).await?)?;
    let open = open_pause(db, d.id).await?.ok_or_else(|| {
        Error::Conflict("hồ sơ không có yêu cầu nào đang chờ (the dossier is not waiting on a request)".into())
    })?;
    if open.reason != super::reason_str(reason) {
        return Err(Error::Conflict("hồ sơ đang chờ một yêu cầu khác (the dossier waits on another request)".into()));
    }
    if at < open.from_at {
        return Err(Error::Invalid(
            "thời điểm tiếp tục phải sau thời điểm tạm dừng (a pause must end after it starts)".into(),
        ));
    }
    let pause = Pause::new(open.from_at, at, reason).map_err(|e| Error::Invalid(e.to_string()))?;
    let (note, details) = event;
    let mut plan = Plan::new(&d, at, Event { action: action.as_str(), note, form: None, details: Some(details) });
    plan.after.status = i32::from(to.code());
    let minutes = paused_minutes(open.from_at, at, super::reason_str(reason));
    plan.close_pause = Some(minutes);
    if to != Status::Finished {
        let dl = deadlines();
        let unit = TimeUnit::parse(&d.time_unit).unwrap_or(TimeUnit::WorkingDays);
        let shift = |due: Option<i64>| due.map(|t| dl.shift(t, &pause, unit));
        plan.after.due_at = shift(d.due_at);
        plan.after.due_without_extension_at = shift(d.due_without_extension_at);
        plan.after.paused_minutes += minutes;
        if d.current_step.is_some() {
            let step_due = super::step::open_step_due(db, d.id).await?;
            plan.shift_step_due = Some(shift(step_due));
        }
    }
    Ok(apply(db, actor, &d, plan).await?.0)
}

/// The supplement arrived: the dossier resumes, its due dates moved by the
/// paused working time.
pub async fn supplement_received(db: &Db, actor: &Actor, code: &str, note: Option<&str>, at: i64) -> Result<Dossier> {
    let note = optional(note)?;
    resume(db, actor, code, Action::SupplementReceived, PauseReason::Supplement, (note, json!({})), at).await
}

/// The fees were paid (receipt `receipt_no`): the dossier resumes. Called by
/// a cashier, or by the payments code when a bill linked to the dossier is paid.
pub async fn fee_paid(db: &Db, actor: &Actor, dossier_code: &str, receipt_no: &str, at: i64) -> Result<Dossier> {
    let receipt = required(receipt_no, "số biên lai", "the receipt number")?;
    if receipt.chars().count() > 64 {
        return Err(Error::Invalid("số biên lai quá dài (the receipt number is too long)".into()));
    }
    let details = json!({"receipt_no": receipt});
    resume(db, actor, dossier_code, Action::FeePaid, PauseReason::Fee, (receipt, details), at).await
}
