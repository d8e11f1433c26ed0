//! The store's error type: what a caller can act on (not found, conflict,
//! invalid input) kept apart from database failures, which the edge hides.

/// A store failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The named thing does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The change conflicts with existing data (a unique key, a stale state).
    #[error("{0}")]
    Conflict(String),
    /// The input breaks a rule; the message is for the user.
    #[error("{0}")]
    Invalid(String),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// A migration failed.
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Result with the store's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e
            && db.is_unique_violation()
        {
            return Error::Conflict(db.message().to_string());
        }
        Error::Database(e)
    }
}

impl Error {
    /// Whether the error is a unique-key conflict.
    pub fn is_conflict(&self) -> bool {
        matches!(self, Error::Conflict(_))
    }
}
