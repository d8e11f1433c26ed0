//! Connecting to the database named by a URL, and running migrations.
//!
//! `postgres://` and `postgresql://` URLs select PostgreSQL; anything else is
//! a SQLite file path or `sqlite:` URL, created if absent.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use crate::{Error, Result};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which backend a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// Connection settings beyond the URL.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// Largest pool size (PostgreSQL connections, or SQLite readers).
    pub max_connections: u32,
    /// SQLite: fsync the WAL on every commit (`synchronous=FULL`), so an
    /// acknowledged write survives power loss, not only a process crash.
    pub sqlite_full_sync: bool,
    /// How long SQLite waits on a lock held by another process.
    pub busy_timeout: Duration,
}

impl Default for DbOptions {
    fn default() -> Self {
        DbOptions { max_connections: 16, sqlite_full_sync: true, busy_timeout: Duration::from_secs(10) }
    }
}

/// A handle to the database: cheap to clone, shared by every request.
#[derive(Debug, Clone)]
pub enum Db {
    /// SQLite: one writer connection and a pool of readers on one file.
    Sqlite {
        /// The single writer.
        write: SqlitePool,
        /// Readers.
        read: SqlitePool,
        /// The database file.
        path: PathBuf,
    },
    /// PostgreSQL pool.
    Postgres(PgPool),
}

/// A borrowed pool of either backend, for [`on_pool!`](crate::on_pool).
#[derive(Debug, Clone, Copy)]
pub enum Pool<'a> {
    /// SQLite pool.
    Sqlite(&'a SqlitePool),
    /// PostgreSQL pool.
    Postgres(&'a PgPool),
}

impl Db {
    /// Opens the database named by `url` (without migrating).
    pub async fn connect(url: &str, opts: &DbOptions) -> Result<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let o = PgConnectOptions::from_str(url).map_err(Error::Database)?;
            let pool = PgPoolOptions::new()
                .max_connections(opts.max_connections)
                .acquire_timeout(Duration::from_secs(15))
                .connect_with(o)
                .await?;
            return Ok(Db::Postgres(pool));
        }
        let path = sqlite_path(url);
        let base = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(if opts.sqlite_full_sync { SqliteSynchronous::Full } else { SqliteSynchronous::Normal })
            .foreign_keys(true)
            .busy_timeout(opts.busy_timeout)
            .pragma("temp_store", "memory")
            .pragma("cache_size", "-16000");
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(base.clone())
            .await?;
        let read = SqlitePoolOptions::new()
            .max_connections(opts.max_connections.max(2))
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(base)
            .await?;
        Ok(Db::Sqlite { write, read, path })
    }

    /// Opens and migrates: what `serve` and the tests do.
    pub async fn open(url: &str, opts: &DbOptions) -> Result<Db> {
        let db = Db::connect(url, opts).await?;
        db.migrate().await?;
        Ok(db)
    }

    /// Applies pending migrations. Safe to run from several instances at
    /// once on PostgreSQL: sqlx takes an advisory lock.
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite { write, .. } => SQLITE_MIGRATIONS.run(write).await?,
            Db::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        crate::settings::ensure_secret(self).await?;
        Ok(())
    }

    /// The pool for writes (and reads that must see them).
    pub fn writer(&self) -> Pool<'_> {
        match self {
            Db::Sqlite { write, .. } => Pool::Sqlite(write),
            Db::Postgres(p) => Pool::Postgres(p),
        }
    }

    /// The pool for reads.
    pub fn reader(&self) -> Pool<'_> {
        match self {
            Db::Sqlite { read, .. } => Pool::Sqlite(read),
            Db::Postgres(p) => Pool::Postgres(p),
        }
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Checks that the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<()> {
        crate::on_pool!(self.reader(), p => sqlx::query("SELECT 1").execute(p).await?.rows_affected());
        Ok(())
    }

    /// Closes every connection, checkpointing SQLite's WAL.
    pub async fn close(&self) {
        match self {
            Db::Sqlite { write, read, .. } => {
                read.close().await;
                let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(write).await;
                write.close().await;
            }
            Db::Postgres(p) => p.close().await,
        }
    }
}

/// The file path of a SQLite URL (`sqlite:x.db`, `sqlite://x.db`, or a plain path).
pub(crate) fn sqlite_path(url: &str) -> PathBuf {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    let rest = rest.split('?').next().unwrap_or(rest);
    PathBuf::from(rest)
}

/// The names of the migrations of each backend, for the pairing test.
#[cfg(test)]
fn migration_names() -> (Vec<String>, Vec<String>) {
    let names = |m: &sqlx::migrate::Migrator| m.iter().map(|m| format!("{}_{}", m.version, m.description)).collect();
    (names(&SQLITE_MIGRATIONS), names(&POSTGRES_MIGRATIONS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_files() {
        assert_eq!(sqlite_path("sqlite://data/x.db?mode=rwc"), PathBuf::from("data/x.db"));
        assert_eq!(sqlite_path("sqlite:x.db"), PathBuf::from("x.db"));
        assert_eq!(sqlite_path("./xaso.db"), PathBuf::from("./xaso.db"));
    }

    #[test]
    fn migrations_pair_up_across_backends() {
        let (sqlite, postgres) = migration_names();
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, postgres, "migrations/sqlite and migrations/postgres must have identical names");
    }
}
