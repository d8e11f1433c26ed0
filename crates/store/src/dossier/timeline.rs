//! A dossier's history in one read: its events (with the forms they
//! issued), steps, pauses, extensions and files' metadata.

use serde::Serialize;

use super::extension::{ExtensionRow, extensions};
use super::file::{FileMeta, files};
use super::step::{Step, steps};
use crate::{Db, Result, on_pool};

/// One event of a dossier's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct EventRow {
    /// Id, increasing.
    pub id: i64,
    /// When (UTC ms).
    pub at: i64,
    /// The action's stored name (`receive`, `forward`, `comment`, `attach`, …).
    pub action: String,
    /// DVCQG status before, if any.
    pub from_status: Option<i32>,
    /// DVCQG status after.
    pub to_status: i32,
    /// The acting user's id; none for the system or a citizen.
    pub actor_id: Option<i64>,
    /// The acting user's display name.
    pub actor_name: Option<String>,
    /// The note or reason.
    pub note: String,
    /// The form issued (`receipt`, `supplement_request`, `refusal`, `apology`, `stop_notice`).
    pub form: Option<String>,
    /// Details (JSON text).
    pub details: Option<String>,
}

/// One stop-the-clock interval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PauseRow {
    /// `supplement` or `fee`.
    pub reason: String,
    /// The status before the wait.
    pub from_status: i32,
    /// When the clock stopped (UTC ms).
    pub from_at: i64,
    /// When it started again; none while waiting.
    pub to_at: Option<i64>,
    /// Working minutes paused, once closed.
    pub paused_minutes: Option<i64>,
    /// The request's note.
    pub note: String,
}

/// A dossier's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    /// Events, oldest first.
    pub events: Vec<EventRow>,
    /// Steps, in order.
    pub steps: Vec<Step>,
    /// Pauses, in order.
    pub pauses: Vec<PauseRow>,
    /// Extensions, in order.
    pub extensions: Vec<ExtensionRow>,
    /// Files' metadata, in upload order.
    pub files: Vec<FileMeta>,
}

/// A dossier's events, oldest first.
pub async fn events(db: &Db, dossier_id: i64) -> Result<Vec<EventRow>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, EventRow>(
        "SELECT e.id, e.at, e.action, e.from_status, e.to_status, e.actor_id, u.display_name AS actor_name, e.note,
                e.form, e.details
         FROM dossier_events e LEFT JOIN users u ON u.id = e.actor_id
         WHERE e.dossier_id = $1 ORDER BY e.id")
        .bind(dossier_id)
        .fetch_all(p)
        .await?))
}

/// A dossier's pauses, in order.
pub async fn pauses(db: &Db, dossier_id: i64) -> Result<Vec<PauseRow>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, PauseRow>(
        "SELECT reason, from_status, from_at, to_at, paused_minutes, note FROM dossier_pauses
         WHERE dossier_id = $1 ORDER BY id")
        .bind(dossier_id)
        .fetch_all(p)
        .await?))
}

/// The whole history of a dossier.
pub async fn timeline(db: &Db, dossier_id: i64) -> Result<Timeline> {
    Ok(Timeline {
        events: events(db, dossier_id).await?,
        steps: steps(db, dossier_id).await?,
        pauses: pauses(db, dossier_id).await?,
        extensions: extensions(db, dossier_id).await?,
        files: files(db, dossier_id).await?,
    })
}
