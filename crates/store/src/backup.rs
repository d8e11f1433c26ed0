//! Online backup and restore of a SQLite database.
//!
//! `VACUUM INTO` writes a consistent copy while the server keeps serving.
//! Restore replaces the database file with a checked copy; it is meant for a
//! stopped server. PostgreSQL deployments use `pg_dump` (see the README).

use std::path::Path;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use crate::{Db, Error, Result};

/// Writes a consistent copy of a SQLite database to `dest` (which must not exist).
pub async fn backup(db: &Db, dest: &Path) -> Result<()> {
    let Db::Sqlite { write, .. } = db else {
        return Err(Error::Invalid("backup is for SQLite; use pg_dump for PostgreSQL (see README)".into()));
    };
    if dest.exists() {
        return Err(Error::Conflict(format!("{} already exists; choose a new file", dest.display())));
    }
    let dest = dest.to_str().ok_or_else(|| Error::Invalid("backup path is not UTF-8".into()))?;
    sqlx::query("VACUUM INTO $1").bind(dest).execute(write).await?;
    Ok(())
}

/// Checks that `src` is a healthy SQLite database made by Xã Số, then copies
/// it over the database file at `dest`, removing any stale WAL files.
pub async fn restore(src: &Path, dest: &Path) -> Result<()> {
    if !src.is_file() {
        return Err(Error::NotFound(format!("không có tệp sao lưu {} (backup file not found)", src.display())));
    }
    {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(SqliteConnectOptions::new().filename(src).read_only(true))
            .await
            .map_err(|e| Error::Invalid(format!("{} is not a SQLite database: {e}", src.display())))?;
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&pool)
            .await
            .map_err(|e| Error::Invalid(format!("{} is not a SQLite database: {e}", src.display())))?;
        if check != "ok" {
            return Err(Error::Invalid(format!("integrity check failed: {check}")));
        }
        let ours: Option<i64> = sqlx::query_scalar("SELECT COUNT(*) FROM settings WHERE key = 'csrf_secret'")
            .fetch_optional(&pool)
            .await
            .map_err(|_| Error::Invalid(format!("{} is not a Xã Số database", src.display())))?;
        if ours != Some(1) {
            return Err(Error::Invalid(format!("{} is not a Xã Số database", src.display())));
        }
        pool.close().await;
    }
    let tmp = dest.with_extension("restore-tmp");
    std::fs::copy(src, &tmp).map_err(|e| Error::Invalid(format!("cannot copy backup: {e}")))?;
    for suffix in ["-wal", "-shm"] {
        let side = std::path::PathBuf::from(format!("{}{suffix}", dest.display()));
        if side.exists() {
            std::fs::remove_file(&side)
                .map_err(|e| Error::Invalid(format!("cannot remove {}: {e}", side.display())))?;
        }
    }
    std::fs::rename(&tmp, dest).map_err(|e| Error::Invalid(format!("cannot replace database: {e}")))?;
    Ok(())
}
