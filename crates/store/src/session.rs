//! Login sessions, stored in the database so every instance on one
//! PostgreSQL recognises a session made by another.
//!
//! The client holds the random session id in a cookie; the table keeps its
//! SHA-256 only.

use domain::auth;

use crate::{Db, Result, now_ms, on_pool};

/// Opens a session for a user; returns the secret id for the cookie.
pub async fn create(db: &Db, user_id: i64, ttl_secs: i64, client: &str) -> Result<String> {
    let id = auth::random_secret();
    let now = now_ms();
    on_pool!(db.writer(), p => sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, expires_at, client) VALUES ($1, $2, $3, $4, $5)")
        .bind(auth::secret_digest(&id))
        .bind(user_id)
        .bind(now)
        .bind(now + ttl_secs * 1000)
        .bind(client)
        .execute(p)
        .await?
        .rows_affected());
    Ok(id)
}

/// The user of a live session, if the session exists, has not expired and
/// its user is active.
pub async fn user_of(db: &Db, session_id: &str) -> Result<Option<i64>> {
    let now = now_ms();
    Ok(on_pool!(db.reader(), p => sqlx::query_scalar::<_, i64>(
        "SELECT s.user_id FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.active")
        .bind(auth::secret_digest(session_id))
        .bind(now)
        .fetch_optional(p)
        .await?))
}

/// Ends a session.
pub async fn delete(db: &Db, session_id: &str) -> Result<()> {
    on_pool!(db.writer(), p => sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(auth::secret_digest(session_id))
        .execute(p)
        .await?
        .rows_affected());
    Ok(())
}

/// Removes expired sessions; returns how many.
pub async fn purge_expired(db: &Db) -> Result<u64> {
    let now = now_ms();
    let n = on_pool!(db.writer(), p => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(p).await?.rows_affected());
    Ok(n)
}
