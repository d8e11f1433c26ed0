//! Ticket issuance with group commit: at the morning rush a kiosk, the
//! online booking check-ins and integrations all issue at once, and each
//! issue is a transaction with a number, a visit, its event and its audit
//! row. The [`Issuer`] takes the requests that arrive together and commits
//! them in one transaction with one multi-row statement per table, so the
//! cost of a commit (and of SQLite's single writer) is shared.
//!
//! The rules are those of [`super::visit::issue`]: numbers are drawn per
//! service and day from `queue_numbering` (one upsert per service in the
//! batch, taking as many numbers as the batch needs), so they stay
//! consecutive with no gap or duplicate, on one instance or many. A request
//! that breaks a rule is refused alone before the batch; should the batch
//! fail as a whole, each request is retried on its own, so one bad request
//! never fails the others.

use std::collections::HashMap;

use domain::queue::{EventKind, local_day, ticket_number};
use serde_json::json;
use tokio::sync::{mpsc, oneshot};

use super::visit::{IssueRequest, Issued, check_issue, issue_inner, told_many};
use super::{Center, Service, TICKET_COLS, Ticket};
use crate::audit::{Actor, Change};
use crate::{Db, Error, Result, audit_many_in_tx, on_pool};

/// Requests committed together at most.
const MAX_BATCH: usize = 64;

/// Requests waiting for the issuer at most (callers wait when it is full).
const QUEUE: usize = 4096;

struct Job {
    actor: Actor,
    center: Center,
    service: Service,
    req: IssueRequest,
    at: i64,
    reply: oneshot::Sender<Result<Issued>>,
}

/// The issuing task of one process. Cheap to clone; it stops when every
/// clone is dropped.
#[derive(Debug, Clone)]
pub struct Issuer {
    tx: mpsc::Sender<Job>,
}

impl Issuer {
    /// Starts the issuing task on `db`.
    pub fn start(db: Db) -> Issuer {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run(db, rx));
        Issuer { tx }
    }

    /// Issues a ticket for a service of a center the caller has read, audited,
    /// committed together with the requests that arrive at the same time.
    pub async fn issue(
        &self,
        actor: &Actor,
        (center, service): (&Center, &Service),
        req: IssueRequest,
        at: i64,
    ) -> Result<Issued> {
        check_issue(center, service, &req)?;
        let (reply, answer) = oneshot::channel();
        let job = Job { actor: actor.clone(), center: center.clone(), service: service.clone(), req, at, reply };
        self.tx.send(job).await.map_err(|_| Error::Database(sqlx::Error::PoolClosed))?;
        answer.await.map_err(|_| Error::Database(sqlx::Error::PoolClosed))?
    }
}

async fn run(db: Db, mut rx: mpsc::Receiver<Job>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let batch: Vec<Job> = std::mem::take(&mut jobs);
        match write_batch(&db, &batch).await {
            // What each citizen is told is read after the commit, off this loop, so
            // the next batch is written meanwhile.
            Ok(tickets) => {
                tokio::spawn(tell(db.clone(), batch, tickets));
            }
            Err(e) if batch.len() == 1 => {
                if let Some(job) = batch.into_iter().next() {
                    let _ = job.reply.send(Err(e));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, size = batch.len(), "batched issue failed; issuing one by one");
                for job in batch {
                    let one =
                        issue_inner(&db, &job.actor, (&job.center, &job.service), job.req.clone(), None, job.at).await;
                    let _ = job.reply.send(one);
                }
            }
        }
    }
}

/// A committed ticket and the tickets waiting ahead of it.
type Placed = (Ticket, i64);

/// Answers the requests of a committed batch: one read per service in it.
async fn tell(db: Db, batch: Vec<Job>, tickets: Vec<Placed>) {
    let mut by_service: HashMap<i64, Vec<(Job, Placed)>> = HashMap::new();
    for (job, ticket) in batch.into_iter().zip(tickets) {
        by_service.entry(job.service.id).or_default().push((job, ticket));
    }
    for (_, group) in by_service {
        let (service, at) = (group[0].0.service.clone(), group[0].0.at);
        let (jobs, tickets): (Vec<Job>, Vec<Placed>) = group.into_iter().unzip();
        match told_many(&db, &service, tickets, at).await {
            Ok(told) => {
                for (job, issued) in jobs.into_iter().zip(told) {
                    let _ = job.reply.send(Ok(issued));
                }
            }
            Err(e) => {
                // The tickets exist; the callers get a server error, as for any
                // failure after a commit.
                tracing::warn!(error = %e, "issued tickets committed, but what to tell was not read");
                for job in jobs {
                    let _ = job.reply.send(Err(Error::Database(sqlx::Error::Protocol(e.to_string()))));
                }
            }
        }
    }
}

/// One visit row of a batch.
struct Row<'a> {
    job: &'a Job,
    day_key: String,
    seq: i64,
    number: String,
}

/// Writes a batch in one transaction; the tickets come back in the jobs'
/// order, each with the tickets waiting ahead of it in its service.
async fn write_batch(db: &Db, jobs: &[Job]) -> Result<Vec<Placed>> {
    // How many numbers each (service, day) needs, in key order (so that
    // concurrent batches of several instances lock numbering rows in one order).
    let mut needs: Vec<((i64, String), i64)> = Vec::new();
    let keys: Vec<(i64, String)> =
        jobs.iter().map(|j| (j.service.id, j.center.numbering_mode().sequence_key(j.at))).collect();
    for k in &keys {
        match needs.iter_mut().find(|(key, _)| key == k) {
            Some((_, n)) => *n += 1,
            None => needs.push((k.clone(), 1)),
        }
    }
    needs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let tickets = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        // The tickets waiting in each service before this batch.
        let mut ahead: HashMap<i64, i64> = HashMap::with_capacity(needs.len());
        for ((service_id, _), _) in &needs {
            if !ahead.contains_key(service_id) {
                ahead.insert(*service_id, waiting_in!(&mut *tx, *service_id)?);
            }
        }
        let mut next: HashMap<(i64, String), i64> = HashMap::with_capacity(needs.len());
        for ((service_id, day_key), n) in &needs {
            let last: i64 = sqlx::query_scalar(
                "INSERT INTO queue_numbering (service_id, day_key, last_seq) VALUES ($1, $2, $3)
                 ON CONFLICT (service_id, day_key) DO UPDATE SET last_seq = queue_numbering.last_seq + $3
                 RETURNING last_seq")
                .bind(*service_id)
                .bind(day_key)
                .bind(*n)
                .fetch_one(&mut *tx)
                .await?;
            next.insert((*service_id, day_key.clone()), last - n + 1);
        }
        let rows: Vec<Row<'_>> = jobs
            .iter()
            .zip(&keys)
            .map(|(job, key)| {
                let seq = next.get_mut(key).map(|s| { *s += 1; *s - 1 }).unwrap_or_default();
                Row { job, day_key: key.1.clone(), seq, number: ticket_number(&job.service.prefix, seq) }
            })
            .collect();

        let mut insert = sqlx::QueryBuilder::new(
            "INSERT INTO queue_visits (center_id, issue_service_id, service_id, day_key, seq, number, local_day, state,
                 priority, citizen_id, created_at, queued_at) ");
        insert.push_values(&rows, |mut b, r| {
            let j = r.job;
            b.push_bind(j.center.id)
                .push_bind(j.service.id)
                .push_bind(j.service.id)
                .push_bind(r.day_key.clone())
                .push_bind(r.seq)
                .push_bind(r.number.clone())
                .push_bind(local_day(j.at))
                .push_bind("waiting")
                .push_bind(j.req.priority.map(|p| p.as_str()))
                .push_bind(j.req.citizen_id.as_ref().map(|c| c.as_str().to_string()))
                .push_bind(j.at)
                .push_bind(j.at);
        });
        insert.push(format!(" RETURNING {TICKET_COLS}"));
        let inserted: Vec<Ticket> = insert.build_query_as::<Ticket>().fetch_all(&mut *tx).await?;
        // RETURNING order is not promised: match each row by its service and number.
        let mut tickets = Vec::with_capacity(rows.len());
        for r in &rows {
            let t = inserted
                .iter()
                .find(|t| t.service_id == r.job.service.id && t.number == r.number && t.local_day == local_day(r.job.at))
                .cloned()
                .ok_or_else(|| Error::Invalid("batched issue lost a row".into()))?;
            tickets.push(t);
        }

        let events: Vec<_> = rows
            .iter()
            .zip(&tickets)
            .map(|(r, t)| (t, EventKind::Issued, None, r.job.actor.user_id, "", r.job.at))
            .collect();
        events_in_tx!(&mut *tx, &events)?;
        let audits: Vec<(&Actor, Change<'_>, i64)> = rows
            .iter()
            .zip(&tickets)
            .map(|(r, t)| {
                let j = r.job;
                let after = json!({"number": t.number, "service": j.service.code, "priority": t.priority,
                                   "appointment_id": null, "cccd": j.req.citizen_id.as_ref().map(|c| c.masked())});
                let change = Change {
                    unit_id: Some(j.center.unit_id),
                    action: "queue.ticket.issue",
                    object_type: "queue_ticket",
                    object_id: t.id.to_string(),
                    before: None,
                    after: Some(after),
                };
                (&j.actor, change, j.at)
            })
            .collect();
        audit_many_in_tx!(&mut *tx, &audits)?;
        tx.commit().await?;
        // Each ticket has ahead of it those waiting before the batch and the
        // batch's earlier tickets of its service.
        tickets
            .into_iter()
            .map(|t| {
                let n = ahead.entry(t.service_id).or_default();
                *n += 1;
                (t, *n - 1)
            })
            .collect::<Vec<_>>()
    });
    Ok(tickets)
}
