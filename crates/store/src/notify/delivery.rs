//! How sending went: the outcome of each attempt recorded on the
//! notifications row by the job that sends it, and the listing of rows for
//! administrators. Outcomes only move a row out of `queued`, so a job run
//! again after a crash never turns a sent message back into a failure.

use serde::Serialize;

use crate::{Db, Error, Result, now_ms, on_pool};

/// A delivery status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Waiting for (another) attempt.
    Queued,
    /// Accepted by the SMTP server or the SMS gateway.
    Sent,
    /// Out of attempts.
    Failed,
    /// The channel is not configured on this installation.
    Skipped,
}

impl Status {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Sent => "sent",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
        }
    }
}

/// A stored notification. `recipient` is masked.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Notification {
    /// Id.
    pub id: i64,
    /// The unit it was sent for.
    pub unit_id: Option<i64>,
    /// The notice kind (`dossier_received`, …, `payment_received`).
    pub kind: String,
    /// `email` or `sms`.
    pub channel: String,
    /// The masked recipient.
    pub recipient: String,
    /// `vi` or `en`.
    pub lang: String,
    /// Subject (e-mail only).
    pub subject: String,
    /// The text sent.
    pub body: String,
    /// `queued`, `sent`, `failed` or `skipped`.
    pub status: String,
    /// Attempts so far.
    pub attempts: i64,
    /// The provider's message id (SMTP reply or gateway id), once sent.
    pub provider_id: Option<String>,
    /// Last error or skip reason.
    pub last_error: Option<String>,
    /// The sending job.
    pub job_id: Option<i64>,
    /// Created (UTC ms).
    pub created_at: i64,
    /// Last change (UTC ms).
    pub updated_at: i64,
    /// Sent (UTC ms).
    pub sent_at: Option<i64>,
}

const COLS: &str = "id, unit_id, kind, channel, recipient, lang, subject, body, status, attempts, provider_id, \
                    last_error, job_id, created_at, updated_at, sent_at";

/// One notification by id.
pub async fn get(db: &Db, id: i64) -> Result<Notification> {
    on_pool!(db.reader(), p => sqlx::query_as::<_, Notification>(&format!("SELECT {COLS} FROM notifications WHERE id = $1"))
        .bind(id)
        .fetch_optional(p)
        .await?)
    .ok_or_else(|| Error::NotFound(format!("không có thông báo #{id} (no such notification)")))
}

/// Records an attempt's outcome on a queued row: `sent` (with the
/// provider's id), `queued` again after a failure that will be retried,
/// `failed` once out of attempts, or `skipped`. Returns whether the row
/// was still queued.
pub async fn record(
    db: &Db,
    id: i64,
    status: Status,
    attempts: i64,
    provider_id: Option<&str>,
    error: Option<&str>,
) -> Result<bool> {
    let now = now_ms();
    let sent_at = (status == Status::Sent).then_some(now);
    let error = error.map(|e| e.chars().take(2000).collect::<String>());
    let n = on_pool!(db.writer(), p => sqlx::query(
        "UPDATE notifications SET status = $1, attempts = $2, provider_id = COALESCE($3, provider_id),
             last_error = $4, sent_at = $5, updated_at = $6
         WHERE id = $7 AND status = 'queued'")
        .bind(status.as_str())
        .bind(attempts)
        .bind(provider_id)
        .bind(error)
        .bind(sent_at)
        .bind(now)
        .bind(id)
        .execute(p)
        .await?
        .rows_affected());
    Ok(n == 1)
}

/// The notifications of a unit, newest first, below `before_id` when given
/// (at most `limit`, 1–500).
pub async fn list(db: &Db, unit_id: i64, before_id: Option<i64>, limit: i64) -> Result<Vec<Notification>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Notification>(&format!(
        "SELECT {COLS} FROM notifications WHERE unit_id = $1 AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3"))
        .bind(unit_id)
        .bind(before_id)
        .bind(limit.clamp(1, 500))
        .fetch_all(p)
        .await?))
}
