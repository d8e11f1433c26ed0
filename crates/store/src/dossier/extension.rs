//! The apology and new date (Mẫu 04): [`extend`] sets a new due date,
//! checked by [`Deadlines::check_extension`](domain::dossier::Deadlines::check_extension)
//! (later than the current one, issued at least a working day before it)
//! and by the flow's limit on re-appointments; the original date and the
//! date without extensions are kept for the reports.

use chrono::NaiveDate;
use domain::dossier::deadline::from_local;
use domain::dossier::{Action, Extension};
use serde::Serialize;
use serde_json::json;

use super::plan::{Event, Plan, apply};
use super::workflow::{context, decide, required};
use super::{Dossier, deadlines, load, work_calendar};
use crate::audit::Actor;
use crate::{Db, Error, Result, on_pool};

/// One extension of a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ExtensionRow {
    /// The due date before (UTC ms).
    pub old_due: i64,
    /// The new due date (UTC ms).
    pub new_due: i64,
    /// Why.
    pub reason: String,
    /// Issued (UTC ms).
    pub at: i64,
    /// By whom (user id).
    pub by_user: Option<i64>,
}

/// A dossier's extensions, in order.
pub async fn extensions(db: &Db, dossier_id: i64) -> Result<Vec<ExtensionRow>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, ExtensionRow>(
        "SELECT old_due, new_due, reason, at, by_user FROM dossier_extensions WHERE dossier_id = $1 ORDER BY id")
        .bind(dossier_id)
        .fetch_all(p)
        .await?))
}

/// The due instant of a new date: the end of office hours that day, which
/// must be a working day.
///
/// # Errors
/// [`Error::Invalid`] for a day off or a date out of the calendar's range.
pub fn due_on(date: NaiveDate) -> Result<i64> {
    use chrono::Datelike;
    let shown = date.format("%d/%m/%Y");
    let bad = || Error::Invalid(format!("ngày hẹn mới {shown} không hợp lệ (bad new date)"));
    let day = calendar::Date::from_ymd(date.year(), date.month(), date.day()).map_err(|_| bad())?;
    if !work_calendar().is_working_day(day) {
        return Err(Error::Invalid(format!(
            "ngày hẹn mới {shown} không phải ngày làm việc (the new date is not a working day)"
        )));
    }
    let close = deadlines().rules().hours.intervals().last().map(|&(_, end)| end).ok_or_else(bad)?;
    Ok(from_local(day.at(close)))
}

/// Apologises and sets the new due date `new_due` (Mẫu 04); the reason is required.
pub async fn extend(db: &Db, actor: &Actor, code: &str, new_due: i64, reason: &str, at: i64) -> Result<Dossier> {
    let reason = required(reason, "lý do gia hạn", "the reason")?;
    let d = load(db, code).await?;
    let to = decide(&d, Action::Extend, &context(db, &d, false).await?)?;
    let current = d.due_at.ok_or_else(|| {
        Error::Invalid("hồ sơ không có ngày hẹn trả nên không cần gia hạn (the dossier has no due date)".into())
    })?;
    deadlines()
        .check_extension(current, &Extension { issued_at: at, new_due })
        .map_err(|e| Error::Invalid(e.to_string()))?;
    let details = json!({"old_due": current, "new_due": new_due});
    let mut plan = Plan::new(
        &d,
        at,
        Event {
            action: Action::Extend.as_str(),
            note: reason.clone(),
            form: Action::Extend.form(),
            details: Some(details),
        },
    );
    plan.after.status = i32::from(to.code());
    plan.after.due_at = Some(new_due);
    plan.after.extension_count += 1;
    plan.extension = Some((current, new_due, reason));
    Ok(apply(db, actor, &d, plan).await?.0)
}
