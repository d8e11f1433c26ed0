//! Background jobs: a table of work items with claim, retry with backoff,
//! and a dead letter, shared by every instance.
//!
//! A job is claimed atomically (`UPDATE ... RETURNING` on SQLite, where the
//! single writer serialises claims; `FOR UPDATE SKIP LOCKED` on PostgreSQL,
//! where instances race). A job that fails is retried after an exponential
//! backoff until `max_attempts`, then parked as `dead` with its last error.
//! A job whose worker died is reclaimed after [`STALE_AFTER_MS`]. Handlers
//! must be idempotent: a job may run again after a crash. The runner that
//! drives this lives in `web::jobs`.

use serde::Serialize;

use crate::{Db, Error, Result, now_ms, on_pool};

/// A running job not heartbeating for this long is considered abandoned.
pub const STALE_AFTER_MS: i64 = 10 * 60 * 1000;

/// A claimed or listed job.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Job {
    /// Id.
    pub id: i64,
    /// Handler name ("notify.email").
    pub kind: String,
    /// JSON payload.
    pub payload: String,
    /// `queued`, `running`, `done` or `dead`.
    pub status: String,
    /// Attempts so far (including the current one once claimed).
    pub attempts: i64,
    /// Attempts allowed.
    pub max_attempts: i64,
    /// When it may run next (UTC ms).
    pub run_at: i64,
    /// Last error.
    pub last_error: Option<String>,
}

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// Handler name.
    pub kind: String,
    /// JSON payload.
    pub payload: serde_json::Value,
    /// Attempts allowed (at least 1).
    pub max_attempts: i64,
    /// Earliest run time (UTC ms); now when `None`.
    pub run_at: Option<i64>,
    /// A key that makes enqueueing idempotent: a second job with the same key is not added.
    pub dedupe_key: Option<String>,
}

impl NewJob {
    /// A job of `kind` with `payload`, 5 attempts, due now.
    pub fn new(kind: &str, payload: serde_json::Value) -> NewJob {
        NewJob { kind: kind.to_string(), payload, max_attempts: 5, run_at: None, dedupe_key: None }
    }
}

const COLS: &str = "id, kind, payload, status, attempts, max_attempts, run_at, last_error";

/// Adds a job; returns its id, or `None` when the dedupe key already exists.
pub async fn enqueue(db: &Db, job: NewJob) -> Result<Option<i64>> {
    let now = now_ms();
    Ok(on_pool!(db.writer(), p => sqlx::query_scalar::<_, i64>(
        "INSERT INTO jobs (kind, payload, status, attempts, max_attempts, run_at, created_at, dedupe_key)
         VALUES ($1, $2, 'queued', 0, $3, $4, $5, $6)
         ON CONFLICT (dedupe_key) DO NOTHING RETURNING id")
        .bind(&job.kind)
        .bind(job.payload.to_string())
        .bind(job.max_attempts.max(1))
        .bind(job.run_at.unwrap_or(now))
        .bind(now)
        .bind(&job.dedupe_key)
        .fetch_optional(p)
        .await?))
}

/// Claims the next due job of the given kinds for `worker`, if any.
pub async fn claim(db: &Db, worker: &str, kinds: &[&str]) -> Result<Option<Job>> {
    let now = now_ms();
    let stale = now - STALE_AFTER_MS;
    // Kinds travel as one delimited string: portable, no arrays.
    let kinds = format!(",{},", kinds.join(","));
    let select = "SELECT id FROM jobs
         WHERE ((status = 'queued' AND run_at <= $2) OR (status = 'running' AND locked_at < $3))
           AND $4 LIKE '%,' || kind || ',%'
         ORDER BY run_at, id LIMIT 1";
    // PostgreSQL instances race for jobs: skip rows another claim has locked.
    // SQLite's single writer already serialises claims.
    let lock = match db.backend() {
        crate::Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        crate::Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE jobs SET status = 'running', locked_by = $1, locked_at = $2, attempts = attempts + 1
         WHERE id = ({select}{lock}) RETURNING {COLS}"
    );
    let job = on_pool!(db.writer(), p => sqlx::query_as::<_, Job>(&sql)
        .bind(worker)
        .bind(now)
        .bind(stale)
        .bind(&kinds)
        .fetch_optional(p)
        .await?);
    Ok(job)
}

/// Marks a claimed job done.
pub async fn complete(db: &Db, id: i64) -> Result<()> {
    let now = now_ms();
    on_pool!(db.writer(), p => sqlx::query(
        "UPDATE jobs SET status = 'done', finished_at = $1, locked_by = NULL, last_error = NULL WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(p)
        .await?
        .rows_affected());
    Ok(())
}

/// The delay before attempt `attempts + 1`: 2^attempts seconds, capped at an hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    1000 * (1i64 << attempts.clamp(0, 12)).min(3600)
}

/// Records a failure: retried after a backoff, or dead once out of attempts.
/// Returns the job's new status.
pub async fn fail(db: &Db, job: &Job, error: &str) -> Result<&'static str> {
    let now = now_ms();
    let dead = job.attempts >= job.max_attempts;
    let status = if dead { "dead" } else { "queued" };
    let run_at = now + backoff_ms(job.attempts);
    on_pool!(db.writer(), p => sqlx::query(
        "UPDATE jobs SET status = $1, run_at = $2, last_error = $3, locked_by = NULL,
           finished_at = CASE WHEN $1 = 'dead' THEN $4 ELSE NULL END
         WHERE id = $5")
        .bind(status)
        .bind(run_at)
        .bind(error.chars().take(2000).collect::<String>())
        .bind(now)
        .bind(job.id)
        .execute(p)
        .await?
        .rows_affected());
    Ok(status)
}

/// Puts a dead job back in the queue (an operator's retry).
pub async fn requeue(db: &Db, id: i64) -> Result<()> {
    let now = now_ms();
    let n = on_pool!(db.writer(), p => sqlx::query(
        "UPDATE jobs SET status = 'queued', attempts = 0, run_at = $1, finished_at = NULL WHERE id = $2 AND status = 'dead'")
        .bind(now)
        .bind(id)
        .execute(p)
        .await?
        .rows_affected());
    if n == 0 {
        return Err(Error::NotFound(format!("no dead job #{id}")));
    }
    Ok(())
}

/// One job by id.
pub async fn get(db: &Db, id: i64) -> Result<Job> {
    on_pool!(db.reader(), p => sqlx::query_as::<_, Job>(&format!("SELECT {COLS} FROM jobs WHERE id = $1"))
        .bind(id)
        .fetch_optional(p)
        .await?)
    .ok_or_else(|| Error::NotFound(format!("no job #{id}")))
}

/// Counts jobs by status (for `/metrics`).
pub async fn counts(db: &Db) -> Result<Vec<(String, i64)>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, (String, i64)>(
        "SELECT status, COUNT(*) FROM jobs GROUP BY status ORDER BY status")
        .fetch_all(p)
        .await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_ms(0), 1000);
        assert_eq!(backoff_ms(3), 8000);
        assert_eq!(backoff_ms(40), 3_600_000);
    }
}
