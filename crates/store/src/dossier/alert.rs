//! Due-soon and overdue alerts to staff (cảnh báo hồ sơ sắp đến hạn, quá
//! hạn): which dossiers need one, whom to tell, and the ledger that makes
//! each alert go out once per dossier and kind.
//!
//! The rules are the processor's list's ([`super::list`]): only running
//! dossiers are judged (2, 4, and 6 when waiting for fees does not stop the
//! clock); overdue when the due date has passed, due soon when it comes
//! within the due-soon margin of working time
//! ([`domain::dossier::AlertRules`]). The recipients are the assigned
//! processor and the leaders whose grant covers the dossier's unit, each by
//! the e-mail on their account (`users.email`, set with
//! [`set_user_email`]); a user without one is not told.
//!
//! [`raise`] records the alert in `dossier_alerts` (one row per dossier and
//! kind) and enqueues its messages in the same transaction, so a second run
//! of the periodic job (`dossier.alerts`, `web::notify::dossier`) finds it
//! recorded and sends nothing.

use domain::dossier::AlertRules;
use domain::dossier::deadline::{from_local, to_local};
use domain::notify::Email;
use serde_json::json;

use super::list::running_statuses;
use super::{COLS, Dossier, deadlines};
use crate::audit::{Actor, Change};
use crate::notify::{Message, NotifyTx};
use crate::{Db, Error, Result, audit_in_tx, on_pool};

/// The job kind of the periodic scan.
pub const ALERTS_JOB: &str = "dossier.alerts";

/// Dossiers handled per run at most (the next run takes the rest).
pub const BATCH: i64 = 500;

/// Which alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertKind {
    /// At most the due-soon margin is left.
    DueSoon,
    /// The due date has passed.
    Overdue,
}

impl AlertKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::DueSoon => "due_soon",
            AlertKind::Overdue => "overdue",
        }
    }
}

/// The dossiers that need an alert at `now` and have not had that kind yet,
/// most urgent first, at most [`BATCH`].
pub async fn pending(db: &Db, now: i64) -> Result<Vec<(Dossier, AlertKind)>> {
    let margin = u64::from(AlertRules::default().due_soon_working_minutes);
    let until = from_local(deadlines().clock().add_working_minutes(to_local(now), margin));
    let running: Vec<String> = running_statuses().iter().map(i32::to_string).collect();
    let sql = format!(
        "SELECT {COLS} FROM dossiers d
         WHERE d.status IN ({}) AND d.due_at IS NOT NULL AND d.due_at <= $1
           AND NOT EXISTS (SELECT 1 FROM dossier_alerts a WHERE a.dossier_id = d.id
                           AND a.kind = CASE WHEN d.due_at < $2 THEN 'overdue' ELSE 'due_soon' END)
         ORDER BY d.due_at, d.id LIMIT $3",
        running.join(", ")
    );
    let rows = on_pool!(db.reader(), p => sqlx::query_as::<_, Dossier>(&sql)
        .bind(until)
        .bind(now)
        .bind(BATCH)
        .fetch_all(p)
        .await?);
    Ok(rows
        .into_iter()
        .map(|d| {
            let kind = if d.due_at.is_some_and(|due| due < now) { AlertKind::Overdue } else { AlertKind::DueSoon };
            (d, kind)
        })
        .collect())
}

/// Whom to alert about `d`: the assigned processor and the leaders whose
/// grant covers its unit, as `(user id, e-mail)`, active accounts with an
/// e-mail only.
pub async fn recipients(db: &Db, d: &Dossier) -> Result<Vec<(i64, String)>> {
    let covering = crate::unit::covering_units(db, d.unit_id).await?;
    let units: Vec<String> = covering.iter().map(i64::to_string).collect();
    let leaders = if units.is_empty() {
        String::new()
    } else {
        format!(
            " OR EXISTS (SELECT 1 FROM grants g WHERE g.user_id = u.id AND g.role = 'leader' AND g.unit_id IN ({}))",
            units.join(", ")
        )
    };
    let sql = format!(
        "SELECT u.id, u.email FROM users u
         WHERE u.active AND u.email IS NOT NULL AND u.email <> '' AND (u.id = $1{leaders})
         ORDER BY u.id"
    );
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, (i64, String)>(&sql)
        .bind(d.assignee_id.unwrap_or(-1))
        .fetch_all(p)
        .await?))
}

/// Records the `kind` alert of `d` and enqueues `messages`, in one
/// transaction with the audit row; `false` (and nothing enqueued) when that
/// alert was already raised.
pub async fn raise(
    db: &Db,
    actor: &Actor,
    d: &Dossier,
    kind: AlertKind,
    messages: &[Message],
    now: i64,
) -> Result<bool> {
    let due = d.due_at.unwrap_or_default();
    let count = i32::try_from(messages.len()).unwrap_or(i32::MAX);
    let change = Change {
        unit_id: Some(d.unit_id),
        action: "dossier.alert",
        object_type: "dossier",
        object_id: d.code.clone(),
        before: None,
        after: Some(json!({"kind": kind.as_str(), "due_at": due, "recipients": count})),
    };
    let raised = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let fresh: Option<i64> = sqlx::query_scalar(
            "INSERT INTO dossier_alerts (dossier_id, kind, due_at, raised_at, recipients) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (dossier_id, kind) DO NOTHING RETURNING dossier_id")
            .bind(d.id)
            .bind(kind.as_str())
            .bind(due)
            .bind(now)
            .bind(count)
            .fetch_optional(&mut *tx)
            .await?;
        if fresh.is_some() {
            for m in messages {
                tx.enqueue_notice(actor, m, now).await?;
            }
            audit_in_tx!(&mut *tx, actor, &change, now)?;
            tx.commit().await?;
            true
        } else {
            false
        }
    });
    Ok(raised)
}

/// Sets (or with `None`, clears) the e-mail alerts go to, audited (masked).
///
/// # Errors
/// [`Error::Invalid`] for an address that is not one; [`Error::NotFound`]
/// for an unknown user.
pub async fn set_user_email(db: &Db, actor: &Actor, user_id: i64, email: Option<&str>) -> Result<()> {
    let email = match email.map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => Some(Email::parse(e).map_err(|e| Error::Invalid(e.to_string()))?),
        None => None,
    };
    let now = crate::now_ms();
    let change = Change {
        unit_id: None,
        action: "user.email",
        object_type: "user",
        object_id: user_id.to_string(),
        before: None,
        after: Some(json!({"email": email.as_ref().map(Email::masked)})),
    };
    on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let n = sqlx::query("UPDATE users SET email = $2 WHERE id = $1")
            .bind(user_id)
            .bind(email.as_ref().map(Email::as_str))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(Error::NotFound(format!("không có người dùng #{user_id} (no such user)")));
        }
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
    });
    Ok(())
}

/// The e-mail alerts go to for a user, if set.
pub async fn user_email(db: &Db, user_id: i64) -> Result<Option<String>> {
    let found: Option<Option<String>> = on_pool!(db.reader(), p => sqlx::query_scalar(
        "SELECT email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(p)
        .await?);
    Ok(found.flatten())
}
