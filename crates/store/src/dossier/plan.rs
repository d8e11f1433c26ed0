//! Applying a decided transition: one transaction that updates the dossier
//! (only if it is still at the revision the decision was made on), closes or
//! opens its step and pause, records an extension or a file, appends the
//! event (with the applicant's notification job, see [`super::notice`]) and
//! writes the audit row. The receipt of an online submission also moves
//! `received_at` and `original_due_at` (the plan's `after` carries them).
//!
//! The action functions ([`super::workflow`], [`super::step`],
//! [`super::pause`], [`super::extension`], [`super::file`]) read the dossier,
//! ask the domain whether the action is allowed and compute the new state in
//! Rust; [`apply`] is the only writer, so every query is written once here.

use domain::dossier::{FormKind, PauseReason};
use serde_json::{Value, json};

use super::{COLS, Dossier, reason_str};
use crate::audit::{Actor, Change};
use crate::{Db, Error, Result, audit_in_tx, on_pool};

/// The event a transition appends to the dossier's log.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    /// The action's stored name (`forward`, `comment`, …).
    pub action: &'static str,
    /// The free-text note or reason.
    pub note: String,
    /// The form the action issues, if any.
    pub form: Option<FormKind>,
    /// Structured details (JSON), if any.
    pub details: Option<Value>,
}

/// A step to open.
#[derive(Debug, Clone)]
pub(crate) struct NewStep {
    /// Its sequence number in the dossier.
    pub seq: i32,
    /// The template step it runs (1-based), if it follows the template.
    pub template_step: Option<i32>,
    /// The department.
    pub department: String,
    /// The officer, if named.
    pub assignee_id: Option<i64>,
    /// Its budget in working minutes (or calendar minutes), if any.
    pub budget_minutes: Option<i64>,
    /// Its due date, if any.
    pub due_at: Option<i64>,
}

/// A file to store.
#[derive(Debug, Clone)]
pub(crate) struct FileRow {
    /// `component` or `result`.
    pub purpose: &'static str,
    /// The component's label.
    pub component: String,
    /// The original file name.
    pub file_name: String,
    /// The checked content type.
    pub mime: &'static str,
    /// The SHA-256 of the content, hex.
    pub sha256: String,
    /// The content.
    pub content: Vec<u8>,
}

/// Everything one transition writes.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// The dossier after the transition (its mutable columns are written).
    pub after: Dossier,
    /// When.
    pub at: i64,
    /// The event.
    pub event: Event,
    /// Moves the open step's due date before anything else.
    pub shift_step_due: Option<Option<i64>>,
    /// Closes the open step with this outcome.
    pub close_step: Option<&'static str>,
    /// Opens a step.
    pub open_step: Option<NewStep>,
    /// Closes the open pause, with the paused working minutes.
    pub close_pause: Option<i64>,
    /// Opens a pause: why, from which status, with which note.
    pub open_pause: Option<(PauseReason, i32, String)>,
    /// Records an extension: old due, new due, reason.
    pub extension: Option<(i64, i64, String)>,
    /// Stores a file.
    pub file: Option<FileRow>,
}

impl Plan {
    /// A plan that only appends `event` and bumps the revision.
    pub fn new(before: &Dossier, at: i64, event: Event) -> Plan {
        Plan {
            after: before.clone(),
            at,
            event,
            shift_step_due: None,
            close_step: None,
            open_step: None,
            close_pause: None,
            open_pause: None,
            extension: None,
            file: None,
        }
    }
}

/// What the audit log keeps of a dossier's state (no personal data).
fn summary(d: &Dossier) -> Value {
    json!({
        "status": d.status, "due_at": d.due_at, "due_without_extension_at": d.due_without_extension_at,
        "current_step": d.current_step, "assignee_id": d.assignee_id, "supplement_count": d.supplement_count,
        "extension_count": d.extension_count, "paused_minutes": d.paused_minutes, "timeliness": d.timeliness,
        "result_channel": d.result_channel, "has_e_result": d.has_e_result, "finished_at": d.finished_at,
        "returned_at": d.returned_at, "ended_at": d.ended_at,
    })
}

fn stale() -> Error {
    Error::Conflict(
        "hồ sơ vừa được người khác cập nhật, hãy tải lại rồi thao tác lại (the dossier was just changed by someone \
         else: reload and try again)"
            .into(),
    )
}

/// Applies `plan` to `before` in one transaction; returns the dossier as
/// stored and the stored file's id, if any.
///
/// # Errors
/// [`Error::Conflict`] when the dossier changed since `before` was read.
pub(crate) async fn apply(db: &Db, actor: &Actor, before: &Dossier, plan: Plan) -> Result<(Dossier, Option<i64>)> {
    let a = &plan.after;
    let at = plan.at;
    let mut details = plan.event.details.clone();
    let form = plan.event.form.map(FormKind::as_str);
    let result = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let updated = sqlx::query_as::<_, Dossier>(&format!(
            "UPDATE dossiers SET status = $3, due_at = $4, due_without_extension_at = $5, finished_at = $6,
                 returned_at = $7, ended_at = $8, supplement_count = $9, extension_count = $10, paused_minutes = $11,
                 current_step = $12, assignee_id = $13, result_channel = $14, has_e_result = $15, timeliness = $16,
                 result_type = $17, revision = revision + 1, updated_at = $18, received_at = $19,
                 original_due_at = $20
             WHERE id = $1 AND revision = $2 RETURNING {COLS}"))
            .bind(before.id)
            .bind(before.revision)
            .bind(a.status)
            .bind(a.due_at)
            .bind(a.due_without_extension_at)
            .bind(a.finished_at)
            .bind(a.returned_at)
            .bind(a.ended_at)
            .bind(a.supplement_count)
            .bind(a.extension_count)
            .bind(a.paused_minutes)
            .bind(a.current_step)
            .bind(a.assignee_id)
            .bind(&a.result_channel)
            .bind(a.has_e_result)
            .bind(&a.timeliness)
            .bind(&a.result_type)
            .bind(at)
            .bind(a.received_at)
            .bind(a.original_due_at)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(d) = updated else {
            return Err(stale());
        };
        if let Some(due) = plan.shift_step_due {
            sqlx::query("UPDATE dossier_steps SET due_at = $2 WHERE dossier_id = $1 AND finished_at IS NULL")
                .bind(d.id)
                .bind(due)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(outcome) = plan.close_step {
            sqlx::query(
                "UPDATE dossier_steps SET finished_at = $2, outcome = $3 WHERE dossier_id = $1 AND finished_at IS NULL")
                .bind(d.id)
                .bind(at)
                .bind(outcome)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(s) = &plan.open_step {
            sqlx::query(
                "INSERT INTO dossier_steps (dossier_id, seq, template_step, department, assignee_id, budget_minutes,
                     started_at, due_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(d.id)
                .bind(s.seq)
                .bind(s.template_step)
                .bind(&s.department)
                .bind(s.assignee_id)
                .bind(s.budget_minutes)
                .bind(at)
                .bind(s.due_at)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(minutes) = plan.close_pause {
            sqlx::query("UPDATE dossier_pauses SET to_at = $2, paused_minutes = $3 WHERE dossier_id = $1 AND to_at IS NULL")
                .bind(d.id)
                .bind(at)
                .bind(minutes)
                .execute(&mut *tx)
                .await?;
        }
        if let Some((reason, from_status, note)) = &plan.open_pause {
            sqlx::query(
                "INSERT INTO dossier_pauses (dossier_id, reason, from_status, from_at, note) VALUES ($1, $2, $3, $4, $5)")
                .bind(d.id)
                .bind(reason_str(*reason))
                .bind(*from_status)
                .bind(at)
                .bind(note)
                .execute(&mut *tx)
                .await?;
        }
        if let Some((old_due, new_due, reason)) = &plan.extension {
            sqlx::query(
                "INSERT INTO dossier_extensions (dossier_id, old_due, new_due, reason, at, by_user)
                 VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(d.id)
                .bind(*old_due)
                .bind(*new_due)
                .bind(reason)
                .bind(at)
                .bind(actor.user_id)
                .execute(&mut *tx)
                .await?;
        }
        let mut file_id = None;
        if let Some(f) = &plan.file {
            let id = file_in_tx!(&mut *tx, d.id, f.purpose, f, at, actor.user_id)?;
            if let Some(Value::Object(m)) = details.as_mut() {
                m.insert("file_id".into(), json!(id));
            }
            file_id = Some(id);
        }
        let details_text = details.as_ref().map(Value::to_string);
        let event_id: i64 = sqlx::query_scalar(
            "INSERT INTO dossier_events (dossier_id, at, action, from_status, to_status, actor_id, note, form, details)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
            .bind(d.id)
            .bind(at)
            .bind(plan.event.action)
            .bind(before.status)
            .bind(d.status)
            .bind(actor.user_id)
            .bind(&plan.event.note)
            .bind(form)
            .bind(&details_text)
            .fetch_one(&mut *tx)
            .await?;
        if super::notice::notifies(plan.event.action) {
            super::notice::enqueue_job!(tx, d.id, event_id, crate::now_ms())?;
        }
        let mut after = summary(&d);
        if let Value::Object(m) = &mut after {
            m.insert("event_id".into(), json!(event_id));
            m.insert("form".into(), json!(form));
            m.insert("details".into(), details.clone().unwrap_or(Value::Null));
        }
        let action = format!("dossier.{}", plan.event.action);
        let change = Change {
            unit_id: Some(d.unit_id),
            action: &action,
            object_type: "dossier",
            object_id: d.code.clone(),
            before: Some(summary(before)),
            after: Some(after),
        };
        audit_in_tx!(&mut *tx, actor, &change, at)?;
        tx.commit().await?;
        (d, file_id)
    });
    Ok(result)
}
