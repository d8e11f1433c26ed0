//! Read views of the queue: a counter's waiting list in the order it will
//! call them, a service's waiting list, a ticket's position, and the center's
//! live state for display boards (current call per counter, waiting counts
//! per service, the last calls).

use domain::queue::{Candidate, Priority, PriorityRule, RuleState, WorkProfile, select_next};
use serde::Serialize;

use super::{Counter, Service, TICKET_COLS, Ticket};
use crate::{Db, Result, on_pool};

/// The tickets a counter may call, in the order call-next would call them
/// now (same rule, same priority state), first first.
pub async fn waiting_for_counter(db: &Db, counter_id: i64) -> Result<Vec<Ticket>> {
    let counter = super::counter(db, counter_id).await?;
    let center = super::center(db, counter.center_id).await?;
    let profile = WorkProfile { counter_id, services: super::profile(db, counter_id).await?, order: counter.order() };
    let tickets = on_pool!(db.reader(), p => sqlx::query_as::<_, Ticket>(&format!(
        "SELECT {TICKET_COLS} FROM queue_visits WHERE center_id = $1 AND state = 'waiting' ORDER BY queued_at, id"))
        .bind(counter.center_id)
        .fetch_all(p)
        .await?);
    Ok(call_order(&profile, center.rule(), streak(&counter), tickets))
}

fn streak(c: &Counter) -> RuleState {
    RuleState { normal_streak: u32::try_from(c.normal_streak).unwrap_or(u32::MAX) }
}

/// Orders tickets by repeatedly applying the call-next rule; tickets the
/// counter may not call are left out.
fn call_order(profile: &WorkProfile, rule: PriorityRule, mut state: RuleState, tickets: Vec<Ticket>) -> Vec<Ticket> {
    let mut left: Vec<Candidate> = tickets.iter().map(candidate).filter(|c| profile.serves(c)).collect();
    let mut out = Vec::with_capacity(left.len());
    while let Some(pick) = select_next(profile, rule, state, &left) {
        state = state.after(pick);
        left.retain(|c| c.id != pick.id);
        if let Some(t) = tickets.iter().find(|t| t.id == pick.id) {
            out.push(t.clone());
        }
    }
    out
}

fn candidate(t: &Ticket) -> Candidate {
    Candidate {
        id: t.id,
        service_id: t.service_id,
        priority: t.priority.as_deref().and_then(|p| Priority::parse(p).ok()),
        appointment: t.appointment_id.is_some(),
        queued_at_ms: t.queued_at,
        counter_id: t.target_counter_id,
    }
}

/// A counter's current ticket (the latest it called and has not finished)
/// and the tickets it set aside (parked), oldest first.
pub async fn at_counter(db: &Db, counter_id: i64) -> Result<(Option<Ticket>, Vec<Ticket>)> {
    let held = on_pool!(db.reader(), p => sqlx::query_as::<_, Ticket>(&format!(
        "SELECT {TICKET_COLS} FROM queue_visits WHERE counter_id = $1 AND state IN ('called', 'serving', 'parked')
         ORDER BY queued_at, id"))
        .bind(counter_id)
        .fetch_all(p)
        .await?);
    let (parked, active): (Vec<Ticket>, Vec<Ticket>) = held.into_iter().partition(|t| t.state == "parked");
    let current = active.into_iter().max_by_key(|t| (t.called_at.unwrap_or(0), t.id));
    Ok((current, parked))
}

/// The tickets waiting for a service, oldest queue entry first.
pub async fn waiting_for_service(db: &Db, service_id: i64) -> Result<Vec<Ticket>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Ticket>(&format!(
        "SELECT {TICKET_COLS} FROM queue_visits WHERE service_id = $1 AND state = 'waiting' ORDER BY queued_at, id"))
        .bind(service_id)
        .fetch_all(p)
        .await?))
}

/// Where a ticket stands, for the citizen's phone.
#[derive(Debug, Clone, Serialize)]
pub struct Position {
    /// The ticket.
    pub ticket: Ticket,
    /// Tickets of the same service that entered the queue before it and still wait.
    pub waiting_ahead: i64,
    /// Estimated wait in minutes, while waiting and when a counter serves the service.
    pub estimated_wait_minutes: Option<i64>,
}

/// A ticket's position in its queue.
pub async fn position(db: &Db, ticket_id: i64) -> Result<Position> {
    let ticket = super::ticket(db, ticket_id).await?;
    // The same inputs as at issue: tickets ahead, counters serving the
    // service, and the last week's average service time.
    let (ahead, counters, avg): (i64, i64, Option<i64>) = on_pool!(db.reader(), p => sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM queue_visits WHERE service_id = $1 AND state = 'waiting'
                   AND (queued_at < $2 OR (queued_at = $2 AND id < $3))),
                (SELECT COUNT(*) FROM queue_profiles p JOIN queue_counters k ON k.id = p.counter_id
                   WHERE p.service_id = $1 AND k.active),
                (SELECT CAST(AVG(ended_at - started_at) AS BIGINT) FROM queue_visits
                   WHERE service_id = $1 AND state = 'done' AND started_at IS NOT NULL AND ended_at >= $4)")
        .bind(ticket.service_id)
        .bind(ticket.queued_at)
        .bind(ticket.id)
        .bind(crate::now_ms() - 7 * 86_400_000)
        .fetch_one(p)
        .await?);
    let waiting = ticket.state == "waiting";
    let estimate = domain::queue::estimated_wait_ms(
        u32::try_from(ahead).unwrap_or(u32::MAX),
        avg.unwrap_or(0),
        u32::try_from(counters).unwrap_or(u32::MAX),
    )
    .filter(|_| waiting)
    .map(domain::queue::minutes_up);
    Ok(Position { ticket, waiting_ahead: if waiting { ahead } else { 0 }, estimated_wait_minutes: estimate })
}

/// A counter and the ticket it has called or is serving.
#[derive(Debug, Clone, Serialize)]
pub struct CounterState {
    /// The counter.
    pub counter: Counter,
    /// Its current ticket (the latest called or serving one).
    pub current: Option<Ticket>,
}

/// A service and how many wait for it.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceWaiting {
    /// The service.
    pub service: Service,
    /// Tickets waiting.
    pub waiting: i64,
}

/// One recent call, for the board's "last calls" list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RecentCall {
    /// The ticket.
    pub visit_id: i64,
    /// Its number.
    pub number: String,
    /// The counter's code.
    pub counter_code: String,
    /// The counter's name.
    pub counter_name: String,
    /// When (UTC ms).
    pub at: i64,
}

/// A center's live state: what a display board and the monitor show.
#[derive(Debug, Clone, Serialize)]
pub struct CenterState {
    /// The center.
    pub center: super::Center,
    /// Each counter and its current ticket.
    pub counters: Vec<CounterState>,
    /// Each service and its waiting count.
    pub services: Vec<ServiceWaiting>,
    /// The last calls and recalls, newest first.
    pub last_calls: Vec<RecentCall>,
}

/// The live state of a center, with the last `last_n` calls.
pub async fn center_state(db: &Db, center_id: i64, last_n: i64) -> Result<CenterState> {
    let center = super::center(db, center_id).await?;
    let counters = super::counters(db, center_id).await?;
    let services = super::services(db, center_id).await?;
    let current = on_pool!(db.reader(), p => sqlx::query_as::<_, Ticket>(&format!(
        "SELECT {TICKET_COLS} FROM queue_visits WHERE center_id = $1 AND state IN ('called', 'serving')
         ORDER BY called_at"))
        .bind(center_id)
        .fetch_all(p)
        .await?);
    let counts: Vec<(i64, i64)> = on_pool!(db.reader(), p => sqlx::query_as(
        "SELECT w.service_id, w.n FROM queue_waiting w JOIN queue_services s ON s.id = w.service_id
         WHERE s.center_id = $1 AND w.n > 0")
        .bind(center_id)
        .fetch_all(p)
        .await?);
    let last_calls = on_pool!(db.reader(), p => sqlx::query_as::<_, RecentCall>(
        "SELECT e.visit_id, v.number, k.code AS counter_code, k.name AS counter_name, e.at
         FROM queue_events e JOIN queue_visits v ON v.id = e.visit_id JOIN queue_counters k ON k.id = e.counter_id
         WHERE e.center_id = $1 AND e.kind IN ('called', 'recalled')
         ORDER BY e.id DESC LIMIT $2")
        .bind(center_id)
        .bind(last_n.clamp(0, 100))
        .fetch_all(p)
        .await?);
    let counters = counters
        .into_iter()
        .map(|counter| {
            // The latest call wins when a counter holds several tickets.
            let current = current.iter().rev().find(|t| t.counter_id == Some(counter.id)).cloned();
            CounterState { counter, current }
        })
        .collect();
    let services = services
        .into_iter()
        .map(|service| {
            let waiting = counts.iter().find(|(s, _)| *s == service.id).map_or(0, |(_, n)| *n);
            ServiceWaiting { service, waiting }
        })
        .collect();
    Ok(CenterState { center, counters, services, last_calls })
}
