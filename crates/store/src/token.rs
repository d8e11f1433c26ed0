//! API bearer tokens for kiosks, display boards and integrations.
//!
//! A token is shown once at creation; the table keeps its SHA-256, so the
//! database alone cannot be used to call the API. Revoked tokens stay listed.

use domain::auth;
use serde::Serialize;
use serde_json::json;

use crate::audit::{Actor, Change};
use crate::{Db, Error, Result, audit_in_tx, now_ms, on_pool};

/// A token as listed (never the secret).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct TokenInfo {
    /// Id.
    pub id: i64,
    /// Owner.
    pub user_id: i64,
    /// Owner's login name.
    pub username: String,
    /// Name given at creation ("kiosk-1").
    pub name: String,
    /// Created (UTC ms).
    pub created_at: i64,
    /// Last used (UTC ms).
    pub last_used_at: Option<i64>,
    /// Revoked (UTC ms).
    pub revoked_at: Option<i64>,
}

/// Creates a token for a user; returns its id and the secret (shown once).
pub async fn create(db: &Db, actor: &Actor, user_id: i64, name: &str) -> Result<(i64, String)> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 {
        return Err(Error::Invalid("tên token phải có từ 1 đến 64 ký tự (token name: 1–64 characters)".into()));
    }
    let secret = auth::new_api_token();
    let now = now_ms();
    let id = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(user_id)
            .bind(name)
            .bind(auth::secret_digest(&secret))
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match Error::from(e) {
                Error::Conflict(_) => Error::Conflict(format!("người dùng đã có token tên {name} (token name taken)")),
                Error::Database(sqlx::Error::Database(d)) if d.is_foreign_key_violation() => Error::NotFound("no such user".into()),
                other => other,
            })?;
        let change = Change { unit_id: None, action: "token.create", object_type: "api_token", object_id: id.to_string(), before: None, after: Some(json!({"user_id": user_id, "name": name})) };
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
        id
    });
    Ok((id, secret))
}

/// The user a presented token belongs to, if it is live; marks it used.
pub async fn user_of(db: &Db, secret: &str) -> Result<Option<i64>> {
    if !secret.starts_with(auth::TOKEN_PREFIX) {
        return Ok(None);
    }
    let digest = auth::secret_digest(secret);
    let row: Option<(i64, i64, Option<i64>)> = on_pool!(db.reader(), p => sqlx::query_as(
        "SELECT t.id, t.user_id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active")
        .bind(&digest)
        .fetch_optional(p)
        .await?);
    let Some((id, user_id, last_used)) = row else { return Ok(None) };
    let now = now_ms();
    // Record use at most once a minute: a display board polls all day.
    if last_used.is_none_or(|t| now - t > 60_000) {
        on_pool!(db.writer(), p => sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2").bind(now).bind(id).execute(p).await?.rows_affected());
    }
    Ok(Some(user_id))
}

/// Revokes a token by id, audited.
pub async fn revoke(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    let now = now_ms();
    on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let n = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if n.rows_affected() == 0 {
            return Err(Error::NotFound(format!("không có token #{id} đang hiệu lực (no live token #{id})")));
        }
        let change = Change { unit_id: None, action: "token.revoke", object_type: "api_token", object_id: id.to_string(), before: None, after: Some(json!({"revoked_at": now})) };
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
    });
    Ok(())
}

/// Lists tokens, optionally of one user.
pub async fn list(db: &Db, user_id: Option<i64>) -> Result<Vec<TokenInfo>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, TokenInfo>(
        "SELECT t.id, t.user_id, u.username, t.name, t.created_at, t.last_used_at, t.revoked_at
         FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE ($1 IS NULL OR t.user_id = $1) ORDER BY t.id")
        .bind(user_id)
        .fetch_all(p)
        .await?))
}

/// The credentials epoch: a number that moves whenever a token is revoked or
/// deleted, a user disabled, or a grant changed, by whatever process (triggers
/// keep it). A cache of verified tokens is valid while the epoch stands.
pub async fn auth_epoch(db: &Db) -> Result<i64> {
    Ok(on_pool!(db.reader(), p => sqlx::query_scalar("SELECT n FROM auth_epoch WHERE id = 1").fetch_one(p).await?))
}
