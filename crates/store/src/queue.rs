//! The queue of public service centers: configuration (centers, services,
//! counters, work profiles) and the rows every other part reads.
//!
//! The rules live in `domain::queue`; this module stores them. Submodules
//! hold the operations by idea: [`config`] (creating and changing centers,
//! services, counters and work profiles), [`visit`] (issue, recall, start,
//! finish, no-show, park, transfer: the visit's life), [`call`] (call-next
//! for a batch of counters), [`issuer`] and [`caller`] (the group commits
//! that serve the web layer), [`view`] (waiting
//! lists, the center's live state), [`appointment`] (slots, booking,
//! check-in, satisfaction ratings), [`stats`] (statistics from the event log)
//! and [`demo`] (demo centers and a generated day of history).
//!
//! Every operation is one transaction that writes the visit's event (the
//! append-only `queue_events` log, queue.md §6 rule 1) and its audit row.
//! Times are passed in (`at`, UTC ms) so tests and the demo history control
//! the clock; callers on the request path pass [`crate::now_ms`].

use domain::queue::{CallOrder, NumberingMode, PriorityRule};
use serde::Serialize;

use crate::{Db, Error, Result, on_pool};

/// Appends one event to a visit's log inside the caller's transaction.
macro_rules! event_in_tx {
    ($exec:expr, $ticket:expr, $kind:expr, $counter:expr, $officer:expr, $note:expr, $at:expr) => {{
        let t: &$crate::queue::Ticket = $ticket;
        let kind: domain::queue::EventKind = $kind;
        sqlx::query(
            "INSERT INTO queue_events (visit_id, center_id, at, kind, service_id, counter_id, officer_id, note)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(t.id)
        .bind(t.center_id)
        .bind($at)
        .bind(kind.as_str())
        .bind(t.service_id)
        .bind($counter)
        .bind($officer)
        .bind($note)
        .execute($exec)
        .await
    }};
}

/// The tickets waiting in a service now (`queue_waiting`, kept by triggers),
/// read with the given executor, usually inside a transaction.
macro_rules! waiting_in {
    ($exec:expr, $service_id:expr) => {{
        let n: sqlx::Result<Option<i64>> = sqlx::query_scalar("SELECT n FROM queue_waiting WHERE service_id = $1")
            .bind($service_id)
            .fetch_optional($exec)
            .await;
        n.map(|n| n.unwrap_or(0))
    }};
}

/// Appends several events to visits' logs in one statement, inside the
/// caller's transaction: `$rows` is a slice of `(&Ticket, EventKind, counter,
/// officer, note, at)`. Writes nothing for an empty slice.
macro_rules! events_in_tx {
    ($exec:expr, $rows:expr) => {{
        let rows: &[(&$crate::queue::Ticket, domain::queue::EventKind, Option<i64>, Option<i64>, &str, i64)] = $rows;
        if rows.is_empty() {
            Ok(())
        } else {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO queue_events (visit_id, center_id, at, kind, service_id, counter_id, officer_id, note) ",
            );
            q.push_values(rows, |mut b, (t, kind, counter, officer, note, at)| {
                b.push_bind(t.id)
                    .push_bind(t.center_id)
                    .push_bind(*at)
                    .push_bind(kind.as_str())
                    .push_bind(t.service_id)
                    .push_bind(*counter)
                    .push_bind(*officer)
                    .push_bind(*note);
            });
            q.build().execute($exec).await.map(|_| ())
        }
    }};
}

pub mod appointment;
pub mod call;
pub mod caller;
pub mod config;
pub mod demo;
pub mod issuer;
pub mod stats;
pub mod view;
pub mod visit;

pub use caller::Caller;
pub use config::{
    CenterSettings, NewCounter, ServiceUpdate, create_center, create_counter, create_service, set_profile,
    update_center, update_counter, update_service,
};
pub use issuer::Issuer;
pub use visit::{IssueRequest, Issued, TransferTarget};

/// A public service center (or a commune desk) running a queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Center {
    /// Id.
    pub id: i64,
    /// The unit it belongs to (a `service_center` or `one_stop_desk` unit).
    pub unit_id: i64,
    /// Code, unique ("31342-TTPVHCC").
    pub code: String,
    /// Name.
    pub name: String,
    /// Priority rule mode (`strict` or `interleaved`).
    pub priority_rule: String,
    /// Interleaving interval.
    pub priority_every: i64,
    /// Numbering mode (`daily` or `continuous`).
    pub numbering: String,
    /// Appointment check-in opens this many minutes before the slot.
    pub checkin_early_min: i64,
    /// Appointment check-in closes this many minutes after the slot starts.
    pub checkin_late_min: i64,
}

impl Center {
    /// The priority rule, typed (strict when the stored value is unreadable).
    pub fn rule(&self) -> PriorityRule {
        PriorityRule::from_parts(&self.priority_rule, self.priority_every).unwrap_or(PriorityRule::Strict)
    }

    /// The numbering mode, typed.
    pub fn numbering_mode(&self) -> NumberingMode {
        NumberingMode::parse(&self.numbering).unwrap_or_default()
    }
}

/// A new center.
#[derive(Debug, Clone)]
pub struct NewCenter {
    /// The unit it belongs to.
    pub unit_id: i64,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Priority rule.
    pub rule: PriorityRule,
    /// Numbering mode.
    pub numbering: NumberingMode,
    /// Check-in window before a slot (minutes).
    pub checkin_early_min: i64,
    /// Check-in window after a slot starts (minutes).
    pub checkin_late_min: i64,
}

/// A service offered at a center.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Service {
    /// Id.
    pub id: i64,
    /// Center.
    pub center_id: i64,
    /// Code, unique in the center.
    pub code: String,
    /// Name.
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// Ticket prefix, unique in the center.
    pub prefix: String,
    /// Service-level target (minutes).
    pub target_wait_min: i64,
    /// Display position.
    pub position: i64,
    /// Whether tickets can be issued for it.
    pub active: bool,
}

/// A counter (quầy) of a center.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Counter {
    /// Id.
    pub id: i64,
    /// Center.
    pub center_id: i64,
    /// Code, unique in the center ("1", "Q3").
    pub code: String,
    /// Name as announced ("Quầy 1").
    pub name: String,
    /// Ordering of its work profile (`service_order` or `longest_wait`).
    pub call_order: String,
    /// Normal calls since its last preferred one (the priority rule's memory).
    pub normal_streak: i64,
    /// Whether it is in use.
    pub active: bool,
}

impl Counter {
    /// The ordering, typed.
    pub fn order(&self) -> CallOrder {
        CallOrder::parse(&self.call_order).unwrap_or_default()
    }
}

/// A ticket: the current state of one visit. Its history is in `queue_events`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Ticket {
    /// Id.
    pub id: i64,
    /// Center.
    pub center_id: i64,
    /// The service it was issued for (its number's sequence).
    pub issue_service_id: i64,
    /// The service it waits for or is served in now.
    pub service_id: i64,
    /// The number shown and called ("A001").
    pub number: String,
    /// The local day it was issued, `YYYY-MM-DD`.
    pub local_day: String,
    /// State (see `domain::queue::VisitState::as_str`).
    pub state: String,
    /// Priority category, if any.
    pub priority: Option<String>,
    /// The appointment it was checked in from.
    pub appointment_id: Option<i64>,
    /// CCCD digits if scanned. Never show unmasked in public views: use [`Ticket::citizen_masked`].
    #[serde(skip)]
    pub citizen_id: Option<String>,
    /// Created (UTC ms).
    pub created_at: i64,
    /// Queue-entry time (UTC ms), kept across transfers.
    pub queued_at: i64,
    /// The counter handling it (or the one it was transferred to).
    pub counter_id: Option<i64>,
    /// While waiting: the only counter that may call it.
    pub target_counter_id: Option<i64>,
    /// The officer handling it.
    pub officer_id: Option<i64>,
    /// Last call (UTC ms).
    pub called_at: Option<i64>,
    /// Service start (UTC ms).
    pub started_at: Option<i64>,
    /// End (UTC ms).
    pub ended_at: Option<i64>,
    /// Number of recalls.
    pub recalls: i64,
}

impl Ticket {
    /// The state, typed.
    pub fn visit_state(&self) -> Option<domain::queue::VisitState> {
        domain::queue::VisitState::parse(&self.state)
    }

    /// The CCCD, parsed, for audited private views.
    pub fn citizen(&self) -> Option<domain::person::CitizenId> {
        self.citizen_id.as_deref().and_then(|c| domain::person::CitizenId::parse(c).ok())
    }

    /// The CCCD masked for public views ("********3456").
    pub fn citizen_masked(&self) -> Option<String> {
        self.citizen().map(|c| c.masked())
    }
}

/// The columns of [`Ticket`], in order.
pub(crate) const TICKET_COLS: &str = "id, center_id, issue_service_id, service_id, number, local_day, state, priority, \
     appointment_id, citizen_id, created_at, queued_at, counter_id, target_counter_id, officer_id, called_at, \
     started_at, ended_at, recalls";

pub(crate) const CENTER_COLS: &str =
    "id, unit_id, code, name, priority_rule, priority_every, numbering, checkin_early_min, checkin_late_min";
pub(crate) const SERVICE_COLS: &str = "id, center_id, code, name, field, prefix, target_wait_min, position, active";
pub(crate) const COUNTER_COLS: &str = "id, center_id, code, name, call_order, normal_streak, active";

/// One center by id.
pub async fn center(db: &Db, id: i64) -> Result<Center> {
    on_pool!(db.reader(), p => sqlx::query_as::<_, Center>(&format!("SELECT {CENTER_COLS} FROM queue_centers WHERE id = $1"))
        .bind(id)
        .fetch_optional(p)
        .await?)
    .ok_or_else(|| Error::NotFound(format!("không có trung tâm #{id} (no such center)")))
}

/// One center by code.
pub async fn center_by_code(db: &Db, code: &str) -> Result<Option<Center>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Center>(&format!(
        "SELECT {CENTER_COLS} FROM queue_centers WHERE code = $1"))
        .bind(code.trim())
        .fetch_optional(p)
        .await?))
}

/// Every center, by code.
pub async fn centers(db: &Db) -> Result<Vec<Center>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Center>(&format!(
        "SELECT {CENTER_COLS} FROM queue_centers ORDER BY code"))
        .fetch_all(p)
        .await?))
}

/// The services of a center, in display order.
pub async fn services(db: &Db, center_id: i64) -> Result<Vec<Service>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Service>(&format!(
        "SELECT {SERVICE_COLS} FROM queue_services WHERE center_id = $1 ORDER BY position, id"))
        .bind(center_id)
        .fetch_all(p)
        .await?))
}

/// One service by id.
pub async fn service(db: &Db, id: i64) -> Result<Service> {
    on_pool!(db.reader(), p => sqlx::query_as::<_, Service>(&format!("SELECT {SERVICE_COLS} FROM queue_services WHERE id = $1"))
        .bind(id)
        .fetch_optional(p)
        .await?)
    .ok_or_else(|| Error::NotFound(format!("không có dịch vụ #{id} (no such service)")))
}

/// The counters of a center, by code.
pub async fn counters(db: &Db, center_id: i64) -> Result<Vec<Counter>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Counter>(&format!(
        "SELECT {COUNTER_COLS} FROM queue_counters WHERE center_id = $1 ORDER BY code"))
        .bind(center_id)
        .fetch_all(p)
        .await?))
}

/// One counter by id.
pub async fn counter(db: &Db, id: i64) -> Result<Counter> {
    on_pool!(db.reader(), p => sqlx::query_as::<_, Counter>(&format!("SELECT {COUNTER_COLS} FROM queue_counters WHERE id = $1"))
        .bind(id)
        .fetch_optional(p)
        .await?)
    .ok_or_else(|| Error::NotFound(format!("không có quầy #{id} (no such counter)")))
}

/// A service of a center by its code (as the API names it).
pub async fn service_by_code(db: &Db, center_id: i64, code: &str) -> Result<Option<Service>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Service>(&format!(
        "SELECT {SERVICE_COLS} FROM queue_services WHERE center_id = $1 AND code = $2"))
        .bind(center_id)
        .bind(code.trim())
        .fetch_optional(p)
        .await?))
}

/// A counter of a center by its code (as the API names it).
pub async fn counter_by_code(db: &Db, center_id: i64, code: &str) -> Result<Option<Counter>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Counter>(&format!(
        "SELECT {COUNTER_COLS} FROM queue_counters WHERE center_id = $1 AND code = $2"))
        .bind(center_id)
        .bind(code.trim())
        .fetch_optional(p)
        .await?))
}

/// A counter's work profile: its service ids, in order.
pub async fn profile(db: &Db, counter_id: i64) -> Result<Vec<i64>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_scalar::<_, i64>(
        "SELECT service_id FROM queue_profiles WHERE counter_id = $1 ORDER BY position")
        .bind(counter_id)
        .fetch_all(p)
        .await?))
}

/// One ticket by id.
pub async fn ticket(db: &Db, id: i64) -> Result<Ticket> {
    on_pool!(db.reader(), p => sqlx::query_as::<_, Ticket>(&format!("SELECT {TICKET_COLS} FROM queue_visits WHERE id = $1"))
        .bind(id)
        .fetch_optional(p)
        .await?)
    .ok_or_else(|| Error::NotFound(format!("không có vé #{id} (no such ticket)")))
}

/// The ticket of a center with `number` issued on the local day of `at`
/// (the latest, should numbering continue across days).
pub async fn ticket_today(db: &Db, center_id: i64, number: &str, at: i64) -> Result<Option<Ticket>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Ticket>(&format!(
        "SELECT {TICKET_COLS} FROM queue_visits WHERE center_id = $1 AND number = $2 AND local_day = $3
         ORDER BY id DESC LIMIT 1"))
        .bind(center_id)
        .bind(number)
        .bind(domain::queue::local_day(at))
        .fetch_optional(p)
        .await?))
}

/// One stored event of a visit's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct EventRow {
    /// Id, increasing.
    pub id: i64,
    /// Visit.
    pub visit_id: i64,
    /// Center.
    pub center_id: i64,
    /// When (UTC ms).
    pub at: i64,
    /// Kind (see `domain::queue::EventKind::as_str`).
    pub kind: String,
    /// The visit's service after the event.
    pub service_id: i64,
    /// The counter acting.
    pub counter_id: Option<i64>,
    /// The officer acting.
    pub officer_id: Option<i64>,
    /// Free text (transfer target, check-in).
    pub note: String,
}

/// The log of one visit, oldest first.
pub async fn events(db: &Db, visit_id: i64) -> Result<Vec<EventRow>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, EventRow>(
        "SELECT id, visit_id, center_id, at, kind, service_id, counter_id, officer_id, note
         FROM queue_events WHERE visit_id = $1 ORDER BY id")
        .bind(visit_id)
        .fetch_all(p)
        .await?))
}
