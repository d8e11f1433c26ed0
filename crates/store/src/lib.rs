//! Persistence for Xã Số: one code base over SQLite (the default, embedded)
//! and PostgreSQL (several instances serving one province).
//!
//! [`Db`] is chosen from the database URL. Every query is written once and
//! expanded into both backends by [`on_pool!`], so each arm is type-checked
//! against its own driver. SQL stays portable: `$1` placeholders,
//! `RETURNING`, `ON CONFLICT`, times passed in from Rust as UTC milliseconds.
//!
//! SQLite gets one writer connection and a pool of readers: writes are
//! serialised in the process (no `SQLITE_BUSY` between our own connections,
//! and read-then-write transactions see the latest commit), while readers
//! proceed in parallel under WAL.
//!
//! Each area keeps its name here as in every layer: [`unit`](mod@unit),
//! [`user`] (accounts and grants), [`session`], [`token`], [`audit`], [`job`],
//! [`queue`] (public service center queues), [`procedure`] (the procedure
//! catalogue), [`dossier`] (one-stop dossiers), [`payment`] (receiving
//! accounts and bills), [`market`] (Chợ 4.0 markets, stalls and their static
//! VietQR), [`notify`] (messages to citizens by e-mail and SMS, sent by jobs);
//! [`bus`] carries live events between instances.
//! Business operations are plain async functions taking the [`Db`], the
//! acting [`audit::Actor`] and their input; each runs one transaction and
//! writes its audit row inside it.

pub mod audit;
pub mod backup;
pub mod batch;
pub mod bus;
mod db;
pub mod demo;
pub mod dossier;
mod error;
pub mod job;
pub mod market;
pub mod notify;
pub mod payment;
pub mod procedure;
pub mod queue;
pub mod session;
pub mod settings;
pub mod token;
pub mod unit;
pub mod user;

pub use db::{Backend, Db, DbOptions, Pool};
pub use error::{Error, Result};

/// Runs `$body` with `$p` bound to the concrete sqlx pool of either backend.
///
/// The body is expanded twice, once per driver, so one query text serves
/// both and each is checked against its own types.
#[macro_export]
macro_rules! on_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            $crate::Pool::Sqlite($p) => $body,
            $crate::Pool::Postgres($p) => $body,
        }
    };
}

/// The current time as UTC milliseconds: the one place the store reads the clock.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
