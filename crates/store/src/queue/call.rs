//! Call-next: a counter asks for its next ticket, by its work profile and
//! the center's priority rule (`domain::queue::select_next`).
//!
//! Calls are made in batches, one transaction for all the counters that call
//! at the same moment ([`super::Caller`] gathers them), with a fixed number
//! of statements whatever the batch's size:
//!
//! 1. the calling counters' rules, and on PostgreSQL their rows locked, so two
//!    consoles of one counter take turns with its priority-rule state;
//! 2. their work profiles;
//! 3. the heads of every class of waiting tickets the batch may draw on
//!    (tickets transferred to a calling counter, and each profile service's
//!    normal and preferred tickets), as many of each as the batch could take;
//! 4. the choices, made in memory in arrival order, as the calls would have
//!    been made one by one;
//! 5. one `UPDATE … FROM (VALUES …) WHERE state = 'waiting' RETURNING` that
//!    claims every chosen ticket;
//! 6. the counters' new rule state, the events and the audit rows, each in one
//!    statement.
//!
//! On SQLite the single writer makes the read and the claim one step. On
//! PostgreSQL another instance may claim a chosen ticket between them; the
//! claim then returns fewer rows, a batch of several gives up (the batcher
//! retries each call alone) and a single call chooses again from a fresh
//! read, so a ticket is never handed to two counters.

use std::collections::HashMap;

use domain::queue::{
    CallOrder, Candidate, EventKind, Pick, Priority, PriorityRule, RuleState, WorkProfile, select_next,
};
use serde_json::json;

use super::{TICKET_COLS, Ticket};
use crate::audit::{Actor, Change};
use crate::{Backend, Db, Error, Result, audit_many_in_tx, on_pool};

/// How many times a single PostgreSQL call-next chooses again after losing a race.
const MAX_CALL_ATTEMPTS: usize = 64;

/// One counter's call-next, as a group commit carries it.
#[derive(Debug, Clone)]
pub struct CallRequest {
    /// Who calls.
    pub actor: Actor,
    /// The calling counter.
    pub counter_id: i64,
    /// When (UTC ms).
    pub at: i64,
}

/// Calls the next ticket for a counter by its work profile and the center's
/// priority rule, audited, in a transaction of its own. `Ok(None)` when
/// nobody waits for this counter. The web layer calls through
/// [`super::Caller`], which commits concurrent calls together.
pub async fn call_next(db: &Db, actor: &Actor, counter_id: i64, at: i64) -> Result<Option<Ticket>> {
    let req = CallRequest { actor: actor.clone(), counter_id, at };
    call_batch(db, std::slice::from_ref(&req)).await?.pop().unwrap_or(Ok(None))
}

/// A calling counter's rule, read in the batch's transaction.
#[derive(sqlx::FromRow)]
struct CounterRule {
    id: i64,
    unit_id: i64,
    code: String,
    call_order: String,
    normal_streak: i64,
    active: bool,
    priority_rule: String,
    priority_every: i64,
}

/// A calling counter as the batch plans its calls.
struct Calling {
    rule: CounterRule,
    profile: WorkProfile,
    priority: PriorityRule,
    state: RuleState,
    /// The state as read, to write back only what changed.
    read: RuleState,
}

#[derive(sqlx::FromRow)]
struct CandidateRow {
    id: i64,
    service_id: i64,
    priority: Option<String>,
    appointment_id: Option<i64>,
    queued_at: i64,
    target_counter_id: Option<i64>,
}

impl CandidateRow {
    fn candidate(&self) -> Candidate {
        Candidate {
            id: self.id,
            service_id: self.service_id,
            priority: self.priority.as_deref().and_then(|p| Priority::parse(p).ok()),
            appointment: self.appointment_id.is_some(),
            queued_at_ms: self.queued_at,
            counter_id: self.target_counter_id,
        }
    }
}

/// A class of waiting tickets whose head the call-next rule compares: those
/// transferred to one counter, or those of one service not transferred, each
/// split into normal and preferred (priority or appointment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Class {
    Counter(i64, bool),
    Service(i64, bool),
}

impl Class {
    fn of(c: &Candidate) -> Class {
        match c.counter_id {
            Some(k) => Class::Counter(k, c.preferred()),
            None => Class::Service(c.service_id, c.preferred()),
        }
    }

    /// The classes a counter draws on.
    fn drawn_by(profile: &WorkProfile) -> impl Iterator<Item = Class> + '_ {
        [false, true].into_iter().flat_map(move |pref| {
            std::iter::once(Class::Counter(profile.counter_id, pref))
                .chain(profile.services.iter().map(move |&s| Class::Service(s, pref)))
        })
    }
}

/// The waiting heads the batch may draw on, oldest first within each class.
struct Pools(HashMap<Class, std::collections::VecDeque<Candidate>>);

impl Pools {
    fn new(rows: &[CandidateRow]) -> Pools {
        let mut pools: HashMap<Class, Vec<Candidate>> = HashMap::new();
        for c in rows.iter().map(CandidateRow::candidate) {
            pools.entry(Class::of(&c)).or_default().push(c);
        }
        Pools(
            pools
                .into_iter()
                .map(|(k, mut v)| {
                    v.sort_by_key(|c| (c.queued_at_ms, c.id));
                    (k, v.into())
                })
                .collect(),
        )
    }

    /// The heads a counter compares now.
    fn heads(&self, profile: &WorkProfile) -> Vec<Candidate> {
        Class::drawn_by(profile).filter_map(|k| self.0.get(&k).and_then(|q| q.front().cloned())).collect()
    }

    /// Takes the chosen ticket, the head of its class, out of it.
    fn take(&mut self, pick: &Candidate) {
        if let Some(q) = self.0.get_mut(&Class::of(pick))
            && q.front().is_some_and(|c| c.id == pick.id)
        {
            q.pop_front();
        }
    }
}

/// A call the batch decided on: the request, the counter and the ticket chosen.
struct Planned {
    request: usize,
    counter_id: i64,
    pick: Pick,
}

/// Calls next for each request in ONE transaction (one fsync for them all),
/// choosing in the requests' order as if they were made one by one; the
/// answers come back in that order. A refusal (unknown or inactive counter,
/// too much contention) is that request's answer and writes nothing; a
/// database error, or a batch of several that lost a race to another
/// instance, fails the batch.
pub async fn call_batch(db: &Db, reqs: &[CallRequest]) -> Result<Vec<Result<Option<Ticket>>>> {
    let mut ids: Vec<i64> = reqs.iter().map(|r| r.counter_id).collect();
    ids.sort_unstable();
    ids.dedup();
    // PostgreSQL locks the rows in id order, so concurrent batches of several
    // instances cannot deadlock.
    let lock = match db.backend() {
        Backend::Postgres => " ORDER BY k.id FOR UPDATE OF k",
        Backend::Sqlite => "",
    };
    let mut answers: Vec<Option<Result<Option<Ticket>>>> = (0..reqs.len()).map(|_| None).collect();
    on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        // 1 and 2: the calling counters and their profiles.
        let mut q = sqlx::QueryBuilder::new(
            "SELECT k.id, c.unit_id, k.code, k.call_order, k.normal_streak, k.active, c.priority_rule, c.priority_every
             FROM queue_counters k JOIN queue_centers c ON c.id = k.center_id WHERE k.id IN (");
        let mut list = q.separated(", ");
        for id in &ids {
            list.push_bind(*id);
        }
        q.push(")");
        q.push(lock);
        let rules: Vec<CounterRule> = q.build_query_as().fetch_all(&mut *tx).await?;
        let mut q = sqlx::QueryBuilder::new("SELECT counter_id, service_id FROM queue_profiles WHERE counter_id IN (");
        let mut list = q.separated(", ");
        for id in &ids {
            list.push_bind(*id);
        }
        q.push(") ORDER BY counter_id, position");
        let profiles: Vec<(i64, i64)> = q.build_query_as().fetch_all(&mut *tx).await?;
        let mut calling: HashMap<i64, Calling> = HashMap::with_capacity(rules.len());
        for rule in rules {
            let services = profiles.iter().filter(|(k, _)| *k == rule.id).map(|(_, s)| *s).collect();
            let state = RuleState { normal_streak: u32::try_from(rule.normal_streak).unwrap_or(u32::MAX) };
            calling.insert(rule.id, Calling {
                profile: WorkProfile {
                    counter_id: rule.id,
                    services,
                    order: CallOrder::parse(&rule.call_order).unwrap_or_default(),
                },
                priority: PriorityRule::from_parts(&rule.priority_rule, rule.priority_every)
                    .unwrap_or(PriorityRule::Strict),
                state,
                read: state,
                rule,
            });
        }
        // The refusals, which write nothing.
        let mut callers = Vec::with_capacity(reqs.len());
        for (i, r) in reqs.iter().enumerate() {
            match calling.get(&r.counter_id) {
                None => answers[i] = Some(Err(Error::NotFound(format!("không có quầy #{} (no such counter)", r.counter_id)))),
                Some(k) if !k.rule.active => {
                    answers[i] = Some(Err(Error::Invalid(format!("quầy {} không hoạt động (counter inactive)", k.rule.code))));
                }
                Some(_) => callers.push(i),
            }
        }
        // 3 to 5: choose and claim.
        let mut claimed: HashMap<i64, Ticket> = HashMap::new();
        let mut planned: Vec<Planned> = Vec::new();
        for attempt in 1..=MAX_CALL_ATTEMPTS {
            for k in calling.values_mut() {
                k.state = k.read;
            }
            // How many tickets each class could give: one per call drawing on it.
            let mut limits: HashMap<Class, i64> = HashMap::new();
            for k in callers.iter().filter_map(|&i| calling.get(&reqs[i].counter_id)) {
                for class in Class::drawn_by(&k.profile) {
                    *limits.entry(class).or_default() += 1;
                }
            }
            let rows: Vec<CandidateRow> = if limits.is_empty() {
                Vec::new()
            } else {
                let (sql, binds) = heads_query(&limits);
                let mut q = sqlx::query_as::<_, CandidateRow>(&sql);
                for b in binds {
                    q = q.bind(b);
                }
                q.fetch_all(&mut *tx).await?
            };
            let mut pools = Pools::new(&rows);
            planned.clear();
            for &i in &callers {
                let Some(k) = calling.get_mut(&reqs[i].counter_id) else { continue };
                let heads = pools.heads(&k.profile);
                let Some(pick) = select_next(&k.profile, k.priority, k.state, &heads) else { continue };
                if let Some(c) = heads.iter().find(|c| c.id == pick.id) {
                    pools.take(c);
                }
                k.state = k.state.after(pick);
                planned.push(Planned { request: i, counter_id: k.rule.id, pick });
            }
            claimed = if planned.is_empty() {
                HashMap::new()
            } else {
                let mut q = sqlx::QueryBuilder::new(
                    "UPDATE queue_visits SET state = 'called', counter_id = v.column2, target_counter_id = NULL,
                         officer_id = v.column3, called_at = v.column4
                     FROM (");
                q.push_values(&planned, |mut b, p| {
                    let r = &reqs[p.request];
                    b.push_bind(p.pick.id).push_bind(p.counter_id).push_bind(r.actor.user_id).push_bind(r.at);
                });
                q.push(format!(") AS v WHERE queue_visits.id = v.column1 AND queue_visits.state = 'waiting' RETURNING {}",
                    TICKET_COLS.split(", ").map(|c| format!("queue_visits.{c}")).collect::<Vec<_>>().join(", ")));
                let got: Vec<Ticket> = q.build_query_as().fetch_all(&mut *tx).await?;
                got.into_iter().map(|t| (t.id, t)).collect()
            };
            if claimed.len() == planned.len() {
                break;
            }
            // Another instance claimed a chosen ticket first (PostgreSQL only).
            if reqs.len() > 1 {
                return Err(Error::Conflict("một số được gọi cùng lúc ở máy chủ khác (lost a race)".into()));
            }
            if attempt == MAX_CALL_ATTEMPTS {
                return Ok(vec![Err(Error::Conflict(
                    "quá nhiều quầy gọi cùng lúc, hãy thử lại (too much contention)".into(),
                ))]);
            }
        }
        // 6: the counters' rule state, the events, the audit rows.
        for k in calling.values().filter(|k| k.state != k.read) {
            sqlx::query("UPDATE queue_counters SET normal_streak = $1 WHERE id = $2")
                .bind(i64::from(k.state.normal_streak))
                .bind(k.rule.id)
                .execute(&mut *tx)
                .await?;
        }
        let calls: Vec<(&Planned, &Ticket)> =
            planned.iter().filter_map(|p| claimed.get(&p.pick.id).map(|t| (p, t))).collect();
        let events: Vec<_> = calls
            .iter()
            .map(|(p, t)| {
                let r = &reqs[p.request];
                (*t, EventKind::Called, Some(p.counter_id), r.actor.user_id, "", r.at)
            })
            .collect();
        events_in_tx!(&mut *tx, &events)?;
        let audits: Vec<(&Actor, Change<'_>, i64)> = calls
            .iter()
            .filter_map(|(p, t)| {
                let (r, k) = (&reqs[p.request], &calling.get(&p.counter_id)?.rule);
                let change = Change {
                    unit_id: Some(k.unit_id),
                    action: "queue.ticket.call",
                    object_type: "queue_ticket",
                    object_id: t.id.to_string(),
                    before: Some(json!({"state": "waiting"})),
                    after: Some(json!({"state": "called", "number": t.number, "counter": k.code})),
                };
                Some((&r.actor, change, r.at))
            })
            .collect();
        audit_many_in_tx!(&mut *tx, &audits)?;
        tx.commit().await?;
        for p in &planned {
            answers[p.request] = Some(Ok(claimed.remove(&p.pick.id)));
        }
    });
    Ok(answers.into_iter().map(|a| a.unwrap_or(Ok(None))).collect())
}

/// The heads of the classes in `limits`, each as many as its limit, in one
/// `UNION ALL`, with its parameters. Each term walks one partial index: its
/// predicates repeat the indexes' word for word
/// (migrations/*/0003_queue_indexes.sql), which SQLite needs to use them. (A
/// service or a counter belongs to one center, so the center need not be
/// named, and naming it would tempt the planner to walk the whole center's
/// line.)
fn heads_query(limits: &HashMap<Class, i64>) -> (String, Vec<i64>) {
    const COLS: &str = "id, service_id, priority, appointment_id, queued_at, target_counter_id";
    const NORMAL: &str = "priority IS NULL AND appointment_id IS NULL";
    const PREFERRED: &str = "(priority IS NOT NULL OR appointment_id IS NOT NULL)";
    // A stable order, so that one set of classes is one prepared statement.
    let mut classes: Vec<(&Class, &i64)> = limits.iter().collect();
    classes.sort_by_key(|(k, _)| match k {
        Class::Counter(id, pref) => (0, *id, *pref),
        Class::Service(id, pref) => (1, *id, *pref),
    });
    let mut terms = Vec::with_capacity(classes.len());
    let mut binds = Vec::with_capacity(2 * classes.len());
    for (n, (class, limit)) in classes.into_iter().enumerate() {
        let (id, pref) = match *class {
            Class::Counter(id, pref) | Class::Service(id, pref) => (id, pref),
        };
        let kind = if pref { PREFERRED } else { NORMAL };
        binds.extend([id, *limit]);
        let (p_id, p_limit) = (binds.len() - 1, binds.len());
        let filter = match class {
            Class::Counter(..) => format!("target_counter_id = ${p_id}"),
            Class::Service(..) => format!("service_id = ${p_id} AND target_counter_id IS NULL"),
        };
        terms.push(format!(
            "SELECT * FROM (SELECT {COLS} FROM queue_visits WHERE state = 'waiting' AND {filter} AND {kind}
             ORDER BY queued_at, id LIMIT ${p_limit}) AS h{n}"
        ));
    }
    (terms.join(" UNION ALL "), binds)
}
