//! A visit's life in the store: issue a ticket, call a ticket out
//! of order, recall, start, finish, no-show, park, unpark and transfer.
//!
//! Each function is one transaction that checks the move against
//! `domain::queue::visit::next_state`, updates the ticket only if it is still
//! in the state it was read in (so two officers acting at once cannot both
//! win), and writes the visit's event and the audit row.
//!
//! Numbering draws from `queue_numbering` with one `INSERT … ON CONFLICT DO
//! UPDATE … RETURNING`: the row lock (PostgreSQL) or the single writer
//! (SQLite) makes concurrent issues take consecutive numbers, and a rolled
//! back issue rolls its number back too, so there are no gaps or duplicates.
//!
//! Call-next is in [`super::call`].

use domain::person::CitizenId;
use domain::queue::visit::next_state;
use domain::queue::{Action, EventKind, Priority, VisitState, estimated_wait_ms, local_day, minutes_up, ticket_number};
use serde::Serialize;
use serde_json::json;

use super::{Center, Service, TICKET_COLS, Ticket};
use crate::audit::{Actor, Change};
use crate::{Db, Error, Result, audit_in_tx, on_pool};

/// What the kiosk, the API or a check-in asks for.
#[derive(Debug, Clone, Default)]
pub struct IssueRequest {
    /// The service.
    pub service_id: i64,
    /// A priority category, if the citizen has one.
    pub priority: Option<Priority>,
    /// The scanned CCCD, if any (stored, shown masked).
    pub citizen_id: Option<CitizenId>,
}

/// A new ticket and what the citizen is told.
#[derive(Debug, Clone, Serialize)]
pub struct Issued {
    /// The ticket.
    pub ticket: Ticket,
    /// Tickets waiting ahead in the same service.
    pub waiting_ahead: i64,
    /// Estimated wait in minutes (rounded up), unknown when no counter serves the service.
    pub estimated_wait_minutes: Option<i64>,
}

/// Issues a ticket, audited, in a transaction of its own. The web layer
/// issues through [`super::Issuer`], which commits concurrent requests together.
pub async fn issue(db: &Db, actor: &Actor, req: IssueRequest, at: i64) -> Result<Issued> {
    let service = super::service(db, req.service_id).await?;
    let center = super::center(db, service.center_id).await?;
    issue_inner(db, actor, (&center, &service), req, None, at).await
}

/// Issues a ticket, optionally for a checked-in appointment (marked in the same transaction).
pub(crate) async fn issue_inner(
    db: &Db,
    actor: &Actor,
    (center, service): (&Center, &Service),
    req: IssueRequest,
    appointment_id: Option<i64>,
    at: i64,
) -> Result<Issued> {
    check_issue(center, service, &req)?;
    let day_key = center.numbering_mode().sequence_key(at);
    let local = local_day(at);
    let priority = req.priority.map(|p| p.as_str());
    let citizen = req.citizen_id.as_ref().map(|c| c.as_str().to_string());
    let (ticket, ahead) = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let ahead = waiting_in!(&mut *tx, service.id)?;
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO queue_numbering (service_id, day_key, last_seq) VALUES ($1, $2, 1)
             ON CONFLICT (service_id, day_key) DO UPDATE SET last_seq = queue_numbering.last_seq + 1
             RETURNING last_seq")
            .bind(service.id)
            .bind(&day_key)
            .fetch_one(&mut *tx)
            .await?;
        let ticket = sqlx::query_as::<_, Ticket>(&format!(
            "INSERT INTO queue_visits (center_id, issue_service_id, service_id, day_key, seq, number, local_day, state,
                 priority, appointment_id, citizen_id, created_at, queued_at)
             VALUES ($1, $2, $2, $3, $4, $5, $6, 'waiting', $7, $8, $9, $10, $10) RETURNING {TICKET_COLS}"))
            .bind(center.id)
            .bind(service.id)
            .bind(&day_key)
            .bind(seq)
            .bind(ticket_number(&service.prefix, seq))
            .bind(&local)
            .bind(priority)
            .bind(appointment_id)
            .bind(&citizen)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
        if let Some(aid) = appointment_id {
            let n = sqlx::query(
                "UPDATE queue_appointments SET status = 'checked_in', visit_id = $1 WHERE id = $2 AND status = 'booked'")
                .bind(ticket.id)
                .bind(aid)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(Error::Conflict("lịch hẹn đã được nhận số (appointment already checked in)".into()));
            }
        }
        let note = if appointment_id.is_some() { "appointment" } else { "" };
        event_in_tx!(&mut *tx, &ticket, EventKind::Issued, None::<i64>, actor.user_id, note, at)?;
        let change = Change {
            unit_id: Some(center.unit_id),
            action: "queue.ticket.issue",
            object_type: "queue_ticket",
            object_id: ticket.id.to_string(),
            before: None,
            after: Some(json!({"number": ticket.number, "service": service.code, "priority": ticket.priority,
                               "appointment_id": appointment_id, "cccd": req.citizen_id.as_ref().map(|c| c.masked())})),
        };
        audit_in_tx!(&mut *tx, actor, &change, at)?;
        tx.commit().await?;
        (ticket, ahead)
    });
    // What the citizen is told is read after the commit, off the single writer.
    let mut told = told_many(db, service, vec![(ticket, ahead)], at).await?;
    told.pop().ok_or_else(|| Error::Invalid("no ticket to tell about".into()))
}

/// Refuses a request for a service that is not the center's, or not open.
pub(crate) fn check_issue(center: &Center, service: &Service, req: &IssueRequest) -> Result<()> {
    if service.id != req.service_id || service.center_id != center.id {
        return Err(Error::Invalid("dịch vụ không thuộc trung tâm này (service of another center)".into()));
    }
    if !service.active {
        return Err(Error::Invalid(format!("dịch vụ {} đang tạm ngưng (service inactive)", service.code)));
    }
    Ok(())
}

/// What the citizens are told about tickets of one service committed
/// together, each with the tickets waiting ahead of it when it was issued
/// (read in the issuing transaction): the estimated wait, from the counters
/// serving the service and the average service time of the last week's
/// served tickets, read in one query for all of them.
pub(crate) async fn told_many(db: &Db, service: &Service, tickets: Vec<(Ticket, i64)>, at: i64) -> Result<Vec<Issued>> {
    if tickets.is_empty() {
        return Ok(Vec::new());
    }
    let (counters, avg): (i64, Option<i64>) = on_pool!(db.reader(), p => sqlx::query_as(
        "SELECT
           (SELECT COUNT(*) FROM queue_profiles p JOIN queue_counters k ON k.id = p.counter_id
             WHERE p.service_id = $1 AND k.active),
           (SELECT CAST(AVG(ended_at - started_at) AS BIGINT) FROM queue_visits
             WHERE service_id = $1 AND state = 'done' AND ended_at >= $2 AND started_at IS NOT NULL)")
        .bind(service.id)
        .bind(at - 7 * 86_400_000)
        .fetch_one(p)
        .await?);
    let counters = u32::try_from(counters).unwrap_or(u32::MAX);
    Ok(tickets
        .into_iter()
        .map(|(ticket, ahead)| {
            let wait = estimated_wait_ms(u32::try_from(ahead).unwrap_or(u32::MAX), avg.unwrap_or(0), counters);
            Issued { ticket, waiting_ahead: ahead, estimated_wait_minutes: wait.map(minutes_up) }
        })
        .collect())
}

/// Where a transfer sends a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferTarget {
    /// Back into the queue of another service.
    Service(i64),
    /// To one counter only, which will see it first.
    Counter(i64),
}

/// Calls a specific waiting or parked ticket to a counter, out of order, audited.
pub async fn call_ticket(db: &Db, actor: &Actor, ticket_id: i64, counter_id: i64, at: i64) -> Result<Ticket> {
    let counter = super::counter(db, counter_id).await?;
    act(db, actor, ticket_id, Action::Call, Move::Call(counter), at).await
}

/// Announces a called ticket again; the last call counts. Audited.
pub async fn recall(db: &Db, actor: &Actor, ticket_id: i64, at: i64) -> Result<Ticket> {
    act(db, actor, ticket_id, Action::Recall, Move::Plain, at).await
}

/// Begins serving a called ticket. Audited.
pub async fn start(db: &Db, actor: &Actor, ticket_id: i64, at: i64) -> Result<Ticket> {
    act(db, actor, ticket_id, Action::Start, Move::Plain, at).await
}

/// Ends a ticket as served. Audited.
pub async fn finish(db: &Db, actor: &Actor, ticket_id: i64, at: i64) -> Result<Ticket> {
    act(db, actor, ticket_id, Action::Finish, Move::Plain, at).await
}

/// Ends a called ticket as a no-show. Audited.
pub async fn no_show(db: &Db, actor: &Actor, ticket_id: i64, at: i64) -> Result<Ticket> {
    act(db, actor, ticket_id, Action::NoShow, Move::Plain, at).await
}

/// Holds a called or serving ticket aside. Audited.
pub async fn park(db: &Db, actor: &Actor, ticket_id: i64, at: i64) -> Result<Ticket> {
    act(db, actor, ticket_id, Action::Park, Move::Plain, at).await
}

/// Returns a parked ticket to its queue with its original queue-entry time. Audited.
pub async fn unpark(db: &Db, actor: &Actor, ticket_id: i64, at: i64) -> Result<Ticket> {
    act(db, actor, ticket_id, Action::Unpark, Move::Plain, at).await
}

/// Moves a ticket to another service or counter of its center, keeping its
/// number, creation and queue-entry times (queue.md §6 rule 3). Audited.
pub async fn transfer(db: &Db, actor: &Actor, ticket_id: i64, to: TransferTarget, at: i64) -> Result<Ticket> {
    let ticket = super::ticket(db, ticket_id).await?;
    let mv = match to {
        TransferTarget::Service(sid) => {
            let s = super::service(db, sid).await?;
            if s.center_id != ticket.center_id {
                return Err(Error::Invalid("dịch vụ thuộc trung tâm khác (service of another center)".into()));
            }
            Move::ToService(s.id)
        }
        TransferTarget::Counter(cid) => {
            let c = super::counter(db, cid).await?;
            if c.center_id != ticket.center_id {
                return Err(Error::Invalid("quầy thuộc trung tâm khác (counter of another center)".into()));
            }
            Move::ToCounter(c.id)
        }
    };
    act(db, actor, ticket_id, Action::Transfer, mv, at).await
}

/// The details of a move beyond the action itself.
enum Move {
    Plain,
    Call(super::Counter),
    ToService(i64),
    ToCounter(i64),
}

/// Applies one action: checks it against the state machine, updates the
/// ticket if its state is unchanged since read, logs the event, audits.
async fn act(db: &Db, actor: &Actor, ticket_id: i64, action: Action, mv: Move, at: i64) -> Result<Ticket> {
    let before = super::ticket(db, ticket_id).await?;
    let from = before.visit_state().ok_or_else(|| Error::Invalid(format!("trạng thái lạ {}", before.state)))?;
    let to = next_state(from, action).map_err(|e| Error::Conflict(e.to_string()))?;
    let center = super::center(db, before.center_id).await?;
    // Each move sets its own columns; parameters $1–$3 are the ticket, its
    // state when read, and the new state; the rest follow in `binds`.
    let (set, binds): (&str, Vec<Option<i64>>) = match (&mv, action) {
        (Move::Call(k), _) => (
            "counter_id = $4, target_counter_id = NULL, officer_id = $5, called_at = $6",
            vec![Some(k.id), actor.user_id, Some(at)],
        ),
        (_, Action::Recall) => ("recalls = recalls + 1, called_at = $4", vec![Some(at)]),
        (_, Action::Start) => ("officer_id = COALESCE($4, officer_id), started_at = $5", vec![actor.user_id, Some(at)]),
        (_, Action::Finish | Action::NoShow) => ("ended_at = $4", vec![Some(at)]),
        (_, Action::Unpark) => ("counter_id = NULL, called_at = NULL, started_at = NULL", vec![]),
        (Move::ToService(s), _) => (
            "service_id = $4, counter_id = NULL, target_counter_id = NULL, called_at = NULL, started_at = NULL",
            vec![Some(*s)],
        ),
        (Move::ToCounter(c), _) => {
            ("counter_id = $4, target_counter_id = $4, called_at = NULL, started_at = NULL", vec![Some(*c)])
        }
        // Park changes the state only; the counter and officer stay recorded.
        _ => ("", vec![]),
    };
    let sep = if set.is_empty() { "" } else { ", " };
    let sql =
        format!("UPDATE queue_visits SET state = $3{sep}{set} WHERE id = $1 AND state = $2 RETURNING {TICKET_COLS}");
    // The counter acting: the one calling, or the one the ticket is at.
    let acting_counter = match &mv {
        Move::Call(k) => Some(k.id),
        _ => before.counter_id.filter(|_| from != VisitState::Waiting),
    };
    let note = match mv {
        Move::ToService(s) => format!("service:{s}"),
        Move::ToCounter(c) => format!("counter:{c}"),
        _ => String::new(),
    };
    let ticket = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let mut q = sqlx::query_as::<_, Ticket>(&sql).bind(ticket_id).bind(from.as_str()).bind(to.as_str());
        for b in &binds {
            q = q.bind(*b);
        }
        let ticket = q.fetch_optional(&mut *tx).await?.ok_or_else(|| {
            Error::Conflict(format!("vé {} vừa được cập nhật, hãy thử lại (ticket changed meanwhile)", before.number))
        })?;
        event_in_tx!(&mut *tx, &ticket, action.event_kind(), acting_counter, actor.user_id, &note, at)?;
        let audit_action = format!("queue.ticket.{}", action.as_str());
        let change = Change {
            unit_id: Some(center.unit_id),
            action: &audit_action,
            object_type: "queue_ticket",
            object_id: ticket.id.to_string(),
            before: Some(json!({"state": before.state, "service_id": before.service_id, "counter_id": before.counter_id})),
            after: Some(json!({"state": ticket.state, "number": ticket.number, "service_id": ticket.service_id,
                               "counter_id": ticket.counter_id, "note": note})),
        };
        audit_in_tx!(&mut *tx, actor, &change, at)?;
        tx.commit().await?;
        ticket
    });
    Ok(ticket)
}
