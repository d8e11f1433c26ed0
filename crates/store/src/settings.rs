//! Installation-wide settings kept in the database, so every instance on one
//! PostgreSQL shares them: above all the secret that signs CSRF tokens.

use crate::{Db, Result, on_pool};

/// The settings key of the CSRF signing secret.
const SECRET_KEY: &str = "csrf_secret";

/// Reads a setting.
pub async fn get(db: &Db, key: &str) -> Result<Option<String>> {
    let v = on_pool!(db.reader(), p => sqlx::query_scalar::<_, String>("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(p)
        .await?);
    Ok(v)
}

/// Writes a setting (insert or replace).
pub async fn set(db: &Db, key: &str, value: &str) -> Result<()> {
    on_pool!(db.writer(), p => sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(value)
        .execute(p)
        .await?
        .rows_affected());
    Ok(())
}

/// Creates the installation secret on first start; later starts and other
/// instances keep the first one (the insert does nothing on conflict).
pub(crate) async fn ensure_secret(db: &Db) -> Result<()> {
    on_pool!(db.writer(), p => sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(SECRET_KEY)
        .bind(domain::auth::random_secret())
        .execute(p)
        .await?
        .rows_affected());
    Ok(())
}

/// The installation secret that signs CSRF tokens.
pub async fn secret(db: &Db) -> Result<String> {
    get(db, SECRET_KEY).await?.ok_or_else(|| crate::Error::NotFound("installation secret missing: run migrate".into()))
}
