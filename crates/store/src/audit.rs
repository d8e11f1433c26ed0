//! The audit log: an append-only record of every state change.
//!
//! Business operations call [`record`] inside their own transaction (through
//! the [`audit_in_tx!`](crate::audit_in_tx) macro), so a change and its audit row commit or fail
//! together. Database triggers refuse UPDATE and DELETE on the table; the
//! product offers no way to edit it.

use serde::Serialize;

use crate::{Db, Result, on_pool};

/// Who is acting, and from where: carried from the request into every change.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Actor {
    /// The user's id, or `None` for the system and the CLI.
    pub user_id: Option<i64>,
    /// The user's name ("system", "cli" for the others).
    pub name: String,
    /// The request id (from the `x-request-id` header).
    pub request_id: String,
    /// The client's address.
    pub client_addr: String,
}

impl Actor {
    /// The installation itself (migrations, jobs, demo data).
    pub fn system() -> Actor {
        Actor { name: "system".into(), ..Actor::default() }
    }

    /// An operator at the command line.
    pub fn cli() -> Actor {
        let who = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
        Actor { name: format!("cli:{who}"), ..Actor::default() }
    }
}

/// One change to record.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    /// The unit the changed object belongs to, if any.
    pub unit_id: Option<i64>,
    /// What was done, `area.verb` ("user.create", "unit.import").
    pub action: &'a str,
    /// The kind of object ("user", "unit", "api_token").
    pub object_type: &'a str,
    /// The object's id or key.
    pub object_id: String,
    /// A summary of the state before (JSON), if it existed.
    pub before: Option<serde_json::Value>,
    /// A summary of the state after (JSON), if it still exists.
    pub after: Option<serde_json::Value>,
}

impl<'a> Change<'a> {
    /// An update of a stored record: its whole state before and after.
    pub fn update<T: serde::Serialize>(
        unit_id: i64,
        action: &'a str,
        object_type: &'a str,
        id: i64,
        before: &T,
        after: &T,
    ) -> Change<'a> {
        Change {
            unit_id: Some(unit_id),
            action,
            object_type,
            object_id: id.to_string(),
            before: serde_json::to_value(before).ok(),
            after: serde_json::to_value(after).ok(),
        }
    }
}

/// Writes one audit row with the given executor (a transaction of either backend).
#[macro_export]
macro_rules! audit_in_tx {
    ($exec:expr, $actor:expr, $change:expr, $now:expr) => {{
        let a: &$crate::audit::Actor = $actor;
        let c: &$crate::audit::Change<'_> = $change;
        sqlx::query(
            "INSERT INTO audit_log (at, actor_id, actor_name, unit_id, action, object_type, object_id, before, after, request_id, client_addr)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind($now)
        .bind(a.user_id)
        .bind(&a.name)
        .bind(c.unit_id)
        .bind(c.action)
        .bind(c.object_type)
        .bind(&c.object_id)
        .bind(c.before.as_ref().map(|v| v.to_string()))
        .bind(c.after.as_ref().map(|v| v.to_string()))
        .bind(&a.request_id)
        .bind(&a.client_addr)
        .execute($exec)
        .await
    }};
}

/// Writes several audit rows in one statement with the given executor (a
/// transaction of either backend): `$rows` is a slice of `(&Actor, Change, at)`.
/// Writes nothing for an empty slice.
#[macro_export]
macro_rules! audit_many_in_tx {
    ($exec:expr, $rows:expr) => {{
        let rows: &[(&$crate::audit::Actor, $crate::audit::Change<'_>, i64)] = $rows;
        if rows.is_empty() {
            Ok(())
        } else {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO audit_log (at, actor_id, actor_name, unit_id, action, object_type, object_id, before, after,
                     request_id, client_addr) ",
            );
            q.push_values(rows, |mut b, (a, c, at)| {
                b.push_bind(*at)
                    .push_bind(a.user_id)
                    .push_bind(a.name.clone())
                    .push_bind(c.unit_id)
                    .push_bind(c.action)
                    .push_bind(c.object_type)
                    .push_bind(c.object_id.clone())
                    .push_bind(c.before.as_ref().map(|v| v.to_string()))
                    .push_bind(c.after.as_ref().map(|v| v.to_string()))
                    .push_bind(a.request_id.clone())
                    .push_bind(a.client_addr.clone());
            });
            q.build().execute($exec).await.map(|_| ())
        }
    }};
}

/// Records a change on its own (for events that have no other write, such as a login).
pub async fn record(db: &Db, actor: &Actor, change: &Change<'_>) -> Result<()> {
    let now = crate::now_ms();
    on_pool!(db.writer(), p => audit_in_tx!(p, actor, change, now)?.rows_affected());
    Ok(())
}

/// A stored audit row.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Entry {
    /// Row id, increasing.
    pub id: i64,
    /// When (UTC ms).
    pub at: i64,
    /// The acting user's id.
    pub actor_id: Option<i64>,
    /// The acting user's name.
    pub actor_name: String,
    /// The unit concerned.
    pub unit_id: Option<i64>,
    /// The action.
    pub action: String,
    /// The object's kind.
    pub object_type: String,
    /// The object's id.
    pub object_id: String,
    /// State before (JSON text).
    pub before: Option<String>,
    /// State after (JSON text).
    pub after: Option<String>,
    /// Request id.
    pub request_id: String,
    /// Client address.
    pub client_addr: String,
}

/// Filters for the audit viewer; empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Actor name, exact.
    pub actor: Option<String>,
    /// Action prefix ("user." matches every user action).
    pub action: Option<String>,
    /// Object type, exact.
    pub object_type: Option<String>,
    /// Object id, exact.
    pub object_id: Option<String>,
    /// From this instant (UTC ms), inclusive.
    pub from_ms: Option<i64>,
    /// Up to this instant (UTC ms), exclusive.
    pub to_ms: Option<i64>,
    /// Only rows with an id below this (for paging backwards).
    pub before_id: Option<i64>,
    /// Page size.
    pub limit: i64,
}

/// Lists audit rows, newest first.
pub async fn list(db: &Db, f: &Filter) -> Result<Vec<Entry>> {
    let action_like = f.action.as_ref().map(|a| format!("{}%", a.replace('%', "")));
    let rows = on_pool!(db.reader(), p => sqlx::query_as::<_, Entry>(
        "SELECT id, at, actor_id, actor_name, unit_id, action, object_type, object_id, before, after, request_id, client_addr
         FROM audit_log
         WHERE ($1 IS NULL OR actor_name = $1)
           AND ($2 IS NULL OR action LIKE $2)
           AND ($3 IS NULL OR object_type = $3)
           AND ($4 IS NULL OR object_id = $4)
           AND ($5 IS NULL OR at >= $5)
           AND ($6 IS NULL OR at < $6)
           AND ($7 IS NULL OR id < $7)
         ORDER BY id DESC
         LIMIT $8")
        .bind(&f.actor)
        .bind(&action_like)
        .bind(&f.object_type)
        .bind(&f.object_id)
        .bind(f.from_ms)
        .bind(f.to_ms)
        .bind(f.before_id)
        .bind(f.limit.clamp(1, 500))
        .fetch_all(p)
        .await?);
    Ok(rows)
}

/// Counts every audit row (for tests and metrics).
pub async fn count(db: &Db) -> Result<i64> {
    let n =
        on_pool!(db.reader(), p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_log").fetch_one(p).await?);
    Ok(n)
}
