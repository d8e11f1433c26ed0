//! Telling the applicant: which dossier events send a message, and the
//! `dossier.notify` job that carries them.
//!
//! A receipt (Mẫu 01), a supplement request (Mẫu 02), a completion (result
//! ready) and an extension (Mẫu 04) enqueue one `dossier.notify` job in the
//! same transaction as the event ([`enqueue_job!`], used by
//! [`super::intake`] and [`super::plan::apply`]), so the message exists
//! exactly when the action does. The job (run by `web::notify::dossier`)
//! reads the dossier and the event back, builds the
//! `domain::notify::Notice` with the public tracking link, and enqueues it
//! to the applicant's phone and e-mail through [`crate::notify`] with the
//! event as dedupe key: a retried job sends nothing twice.

use serde::{Deserialize, Serialize};

use super::timeline::EventRow;
use crate::{Db, Result, on_pool};

/// The job kind.
pub const NOTIFY_JOB: &str = "dossier.notify";

/// The actions that tell the applicant.
pub const NOTIFYING: [&str; 4] = ["receive", "request_supplement", "complete", "extend"];

/// Whether `action` tells the applicant.
pub fn notifies(action: &str) -> bool {
    NOTIFYING.contains(&action)
}

/// The payload of a `dossier.notify` job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyPayload {
    /// The dossier.
    pub dossier_id: i64,
    /// The event to tell about.
    pub event_id: i64,
}

/// Enqueues the `dossier.notify` job of event `$event_id` inside
/// transaction `$tx` (either backend), once per event; evaluates to the
/// query's result. `$now` is the wall-clock time the job may run from.
macro_rules! enqueue_job {
    ($tx:expr, $dossier_id:expr, $event_id:expr, $now:expr) => {{
        let payload = $crate::dossier::notice::NotifyPayload { dossier_id: $dossier_id, event_id: $event_id };
        sqlx::query(
            "INSERT INTO jobs (kind, payload, status, attempts, max_attempts, run_at, created_at, dedupe_key)
             VALUES ($1, $2, 'queued', 0, 5, $3, $3, $4) ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind($crate::dossier::notice::NOTIFY_JOB)
        .bind(serde_json::to_string(&payload).unwrap_or_default())
        .bind($now)
        .bind(format!("{}:{}", $crate::dossier::notice::NOTIFY_JOB, $event_id))
        .execute(&mut *$tx)
        .await
    }};
}
pub(crate) use enqueue_job;

/// The dossier with this id, if any.
pub async fn dossier(db: &Db, id: i64) -> Result<Option<super::Dossier>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, super::Dossier>(&format!(
        "SELECT {} FROM dossiers WHERE id = $1", super::COLS))
        .bind(id)
        .fetch_optional(p)
        .await?))
}

/// One event of a dossier, by id.
pub async fn event(db: &Db, dossier_id: i64, event_id: i64) -> Result<Option<EventRow>> {
    Ok(super::timeline::events(db, dossier_id).await?.into_iter().find(|e| e.id == event_id))
}

/// The e-mail the applicant gave, if any (online submissions).
pub async fn contact_email(db: &Db, dossier_id: i64) -> Result<Option<String>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_scalar::<_, String>(
        "SELECT email FROM dossier_contacts WHERE dossier_id = $1")
        .bind(dossier_id)
        .fetch_optional(p)
        .await?))
}
