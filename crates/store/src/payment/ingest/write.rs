//! The set-based write of a batch of notifications, in one transaction on
//! either backend (as `queue::issuer` writes tickets): a few reads with
//! `IN (…)` (stored notifications, bank references, receiving accounts,
//! bills by virtual account and by payment code), the decisions in memory
//! ([`super::decide`]), then one statement per table: the bills paid
//! (`UPDATE … FROM (VALUES …)`), the notifications (`INSERT … ON CONFLICT
//! (provider, txn_id) DO NOTHING RETURNING`), the receipt numbers (one
//! upsert per year taking the batch's count), the receipts, the
//! `payment.paid` jobs and the audit rows.
//!
//! A batch is at most a few hundred notifications ([`super::IMPORT_CHUNK`],
//! [`crate::batch::DEFAULT_MAX_BATCH`]), well under both backends' limit of
//! bound parameters per statement.

use std::collections::{HashMap, HashSet};

use chrono::Datelike as _;
use domain::payment::webhook::Direction;
use serde_json::json;

use super::super::reconcile::{BILL_REF_COLS, BillRef, candidate_codes};
use super::decide::{AccountRow, Known, Plan, Stored, decide};
use super::{Incoming, Ingested, PAID_JOB, receipt_number};
use crate::{Db, Error, Result, on_pool};

/// A bill with the virtual account it was found by.
#[derive(Debug, sqlx::FromRow)]
struct VaBill {
    #[sqlx(flatten)]
    bill: BillRef,
    virtual_account: String,
}

/// `$from, …, $(from+n-1)`, or `NULL` when `n` is 0 (an `IN (NULL)` matches nothing).
fn params(from: usize, n: usize) -> String {
    if n == 0 {
        return "NULL".into();
    }
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// A list without repeats, in first-seen order.
fn distinct<T: Eq + std::hash::Hash + Clone>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut seen = HashSet::new();
    items.into_iter().filter(|x| seen.insert(x.clone())).collect()
}

/// The local year a receipt issued at `at` is numbered in.
fn year_of(at: i64) -> i64 {
    i64::from(domain::time::local_date(domain::time::from_millis(at)).year())
}

/// Ingests `batch` in one transaction; one answer per notification, in order.
pub(super) async fn ingest_batch(db: &Db, batch: &[Incoming]) -> Result<Vec<Ingested>> {
    let providers = distinct(batch.iter().map(|i| i.source.as_str()));
    let txns = distinct(batch.iter().map(|i| i.notification.transaction_id.clone()));
    let refs = distinct(batch.iter().filter_map(|i| i.notification.reference.clone()));
    let ids = distinct(batch.iter().filter_map(|i| i.account_id));
    let numbers = distinct(batch.iter().filter(|i| i.account_id.is_none()).map(|i| i.notification.account.clone()));
    let vas = distinct(batch.iter().filter_map(|i| i.notification.virtual_account.clone()));
    let codes = distinct(batch.iter().flat_map(|i| candidate_codes(&i.notification, &i.codes)));
    // Both columns of the UNIQUE (provider, txn_id) index, so the lookup is an
    // index search (txn_id alone would scan the table); the cross product of a
    // batch of mixed providers is filtered by the exact key in `decide`.
    let stored_sql = format!(
        "SELECT provider, txn_id, id, outcome, bill_id FROM payment_notifications \
         WHERE provider IN ({}) AND txn_id IN ({})",
        params(1, providers.len()),
        params(providers.len() + 1, txns.len())
    );
    let refs_sql =
        format!("SELECT reference, account FROM payment_notifications WHERE reference IN ({})", params(1, refs.len()));
    let accounts_sql = format!(
        "SELECT id, unit_id, account, bin FROM payment_accounts WHERE id IN ({}) OR account IN ({})",
        params(1, ids.len()),
        params(ids.len() + 1, numbers.len())
    );
    let va_sql = format!(
        "SELECT {BILL_REF_COLS}, virtual_account FROM bills WHERE virtual_account IN ({})",
        params(1, vas.len())
    );
    let code_sql = format!("SELECT {BILL_REF_COLS} FROM bills WHERE payment_code IN ({})", params(1, codes.len()));

    let answers = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let mut known = Known::default();
        // The reads: one statement each.
        if !txns.is_empty() {
            let mut q = sqlx::query_as::<_, (String, String, i64, String, Option<i64>)>(&stored_sql);
            for p in &providers { q = q.bind(*p); }
            for t in &txns { q = q.bind(t); }
            for (provider, txn, id, outcome, bill_id) in q.fetch_all(&mut *tx).await? {
                known.stored.insert((provider, txn), (id, outcome, bill_id));
            }
        }
        if !refs.is_empty() {
            let mut q = sqlx::query_as::<_, (String, String)>(&refs_sql);
            for r in &refs { q = q.bind(r); }
            known.references = q.fetch_all(&mut *tx).await?.into_iter().collect();
        }
        if !ids.is_empty() || !numbers.is_empty() {
            let mut q = sqlx::query_as::<_, AccountRow>(&accounts_sql);
            for id in &ids { q = q.bind(*id); }
            for a in &numbers { q = q.bind(a); }
            known.accounts = q.fetch_all(&mut *tx).await?;
        }
        if !vas.is_empty() {
            let mut q = sqlx::query_as::<_, VaBill>(&va_sql);
            for v in &vas { q = q.bind(v); }
            for b in q.fetch_all(&mut *tx).await? {
                known.by_va.insert(b.virtual_account, b.bill.id);
                known.bills.insert(b.bill.id, b.bill);
            }
        }
        if !codes.is_empty() {
            let mut q = sqlx::query_as::<_, BillRef>(&code_sql);
            for c in &codes { q = q.bind(c); }
            for b in q.fetch_all(&mut *tx).await? {
                known.by_code.insert(b.payment_code.clone(), b.id);
                known.bills.insert(b.id, b);
            }
        }
        let mut plans = decide(batch, &mut known);

        // The bills paid: one statement. A bill another transaction paid since it
        // was read (PostgreSQL, several instances) is not returned: already paid.
        let paying: Vec<(i64, i64)> = plans.iter().zip(batch).filter_map(|(plan, inc)| match plan {
            Plan::Fresh(f) if f.matched() => f.bill.as_ref().map(|b| (b.id, inc.received_at)),
            _ => None,
        }).collect();
        let mut closed: HashSet<i64> = HashSet::new();
        if !paying.is_empty() {
            let mut q = sqlx::QueryBuilder::new(
                "UPDATE bills SET status = 'paid', paid_at = v.column2 FROM (");
            q.push_values(&paying, |mut b, (id, at)| { b.push_bind(*id).push_bind(*at); });
            q.push(") AS v WHERE bills.id = v.column1 AND bills.status = 'open' RETURNING id");
            closed = q.build_query_scalar::<i64>().fetch_all(&mut *tx).await?.into_iter().collect();
        }
        for plan in &mut plans {
            if let Plan::Fresh(f) = plan && f.matched() && !f.bill.as_ref().is_some_and(|b| closed.contains(&b.id)) {
                f.outcome = "already_paid";
            }
        }

        // The notifications: one statement.
        let fresh: Vec<(&Incoming, &super::decide::Fresh)> = plans.iter().zip(batch)
            .filter_map(|(plan, inc)| match plan { Plan::Fresh(f) => Some((inc, f)), _ => None })
            .collect();
        let mut new_ids: HashMap<(String, String), i64> = HashMap::with_capacity(fresh.len());
        if !fresh.is_empty() {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO payment_notifications (provider, txn_id, reference, bin, account, virtual_account,
                     amount, direction, content, occurred_at, received_at, raw, account_id, unit_id, outcome,
                     bill_id, expected) ");
            q.push_values(&fresh, |mut b, (inc, f)| {
                let n = &inc.notification;
                let direction = match n.direction { Direction::In => "in", Direction::Out => "out" };
                b.push_bind(inc.source.as_str())
                    .push_bind(n.transaction_id.clone())
                    .push_bind(n.reference.clone())
                    .push_bind(inc.bin.clone())
                    .push_bind(n.account.clone())
                    .push_bind(n.virtual_account.clone())
                    .push_bind(n.amount)
                    .push_bind(direction)
                    .push_bind(n.content.clone())
                    .push_bind(n.occurred_at)
                    .push_bind(inc.received_at)
                    .push_bind(n.raw.clone())
                    .push_bind(f.account_id)
                    .push_bind(f.unit_id)
                    .push_bind(f.outcome)
                    .push_bind(f.bill.as_ref().map(|b| b.id))
                    .push_bind(f.bill.as_ref().map(|b| b.amount));
            });
            q.push(" ON CONFLICT (provider, txn_id) DO NOTHING RETURNING provider, txn_id, id");
            for (provider, txn, id) in q.build_query_as::<(String, String, i64)>().fetch_all(&mut *tx).await? {
                new_ids.insert((provider, txn), id);
            }
        }
        // One that another instance committed meanwhile is answered as a replay;
        // should it have paid a bill here, the batch is refused (and retried alone).
        let mut answers: Vec<Option<Ingested>> = Vec::with_capacity(batch.len());
        let mut paid: Vec<(&Incoming, &BillRef, i64)> = Vec::new();
        for (plan, inc) in plans.iter().zip(batch) {
            let n = &inc.notification;
            let key = (inc.source.as_str().to_string(), n.transaction_id.clone());
            let answer = match plan {
                Plan::Stored(row) => replayed(row.clone()),
                Plan::Again(j) => {
                    let first = answers[*j].as_ref().ok_or_else(|| Error::Invalid("replay before its first".into()))?;
                    Ingested { receipt_id: None, replay: true, ..first.clone() }
                }
                Plan::Fresh(f) => match new_ids.get(&key) {
                    Some(&id) => {
                        if let Some(b) = f.bill.as_ref().filter(|_| f.matched()) {
                            paid.push((inc, b, id));
                        }
                        Ingested { id, outcome: f.outcome.to_string(), bill_id: f.bill.as_ref().map(|b| b.id),
                                   receipt_id: None, replay: false }
                    }
                    None if f.matched() => {
                        return Err(Error::Conflict(format!("notification {} was stored meanwhile", key.1)));
                    }
                    None => replayed(sqlx::query_as::<_, Stored>(
                        "SELECT id, outcome, bill_id FROM payment_notifications WHERE provider = $1 AND txn_id = $2")
                        .bind(&key.0).bind(&key.1).fetch_one(&mut *tx).await?),
                },
            };
            answers.push(Some(answer));
        }

        // The receipts: numbers taken per local year with one upsert each, then one insert.
        let receipts = if paid.is_empty() { HashMap::new() } else {
            let mut need: Vec<(i64, i64)> = Vec::new();
            for (inc, _, _) in &paid {
                let y = year_of(inc.received_at);
                match need.iter_mut().find(|(year, _)| *year == y) {
                    Some((_, n)) => *n += 1,
                    None => need.push((y, 1)),
                }
            }
            let mut next: HashMap<i64, i64> = HashMap::with_capacity(need.len());
            for (year, n) in &need {
                let last: i64 = sqlx::query_scalar(
                    "INSERT INTO receipt_numbering (year, last_seq) VALUES ($1, $2)
                     ON CONFLICT (year) DO UPDATE SET last_seq = receipt_numbering.last_seq + $2 RETURNING last_seq")
                    .bind(*year).bind(*n).fetch_one(&mut *tx).await?;
                next.insert(*year, last - n + 1);
            }
            let numbers: Vec<String> = paid.iter().map(|(inc, _, _)| {
                let y = year_of(inc.received_at);
                let seq = next.get_mut(&y).map(|s| { *s += 1; *s - 1 }).unwrap_or_default();
                receipt_number(y, seq)
            }).collect();
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO receipts (bill_id, notification_id, number, amount, issued_at, verify_key) ");
            q.push_values(paid.iter().zip(&numbers), |mut b, ((inc, bill, nid), number)| {
                b.push_bind(bill.id)
                    .push_bind(*nid)
                    .push_bind(number.clone())
                    .push_bind(inc.notification.amount)
                    .push_bind(inc.received_at)
                    .push_bind(domain::auth::random_secret());
            });
            q.push(" RETURNING bill_id, id");
            let ids: HashMap<i64, i64> = q.build_query_as::<(i64, i64)>().fetch_all(&mut *tx).await?
                .into_iter().collect();
            let receipts: HashMap<i64, (i64, String)> = paid.iter().zip(numbers)
                .filter_map(|((_, bill, _), number)| ids.get(&bill.id).map(|r| (bill.id, (*r, number))))
                .collect();
            if receipts.len() != paid.len() {
                return Err(Error::Invalid("batched ingestion lost a receipt".into()));
            }

            // The `payment.paid` jobs (deduplicated per bill) and the audit rows.
            // Dossier hook (see `PaymentTx::on_bill_paid`): resume each `bill.dossier_code` here.
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO jobs (kind, payload, status, attempts, max_attempts, run_at, created_at, dedupe_key) ");
            q.push_values(&paid, |mut b, (inc, bill, _)| {
                let receipt_id = receipts.get(&bill.id).map(|r| r.0);
                b.push_bind(PAID_JOB)
                    .push_bind(json!({"bill_id": bill.id, "receipt_id": receipt_id}).to_string())
                    .push_bind("queued")
                    .push_bind(0_i64)
                    .push_bind(5_i64)
                    .push_bind(inc.received_at)
                    .push_bind(inc.received_at)
                    .push_bind(format!("{PAID_JOB}:{}", bill.id));
            });
            q.push(" ON CONFLICT (dedupe_key) DO NOTHING");
            q.build().execute(&mut *tx).await?;
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO audit_log (at, actor_id, actor_name, unit_id, action, object_type, object_id, before,
                     after, request_id, client_addr) ");
            q.push_values(&paid, |mut b, (inc, bill, nid)| {
                let (a, now) = (&inc.actor, inc.received_at);
                let number = receipts.get(&bill.id).map(|r| r.1.clone());
                let after = json!({"status": "paid", "paid_at": now, "amount": inc.notification.amount,
                    "receipt": number, "notification_id": nid, "dossier_code": bill.dossier_code});
                b.push_bind(now)
                    .push_bind(a.user_id)
                    .push_bind(a.name.clone())
                    .push_bind(Some(bill.unit_id))
                    .push_bind("payment.bill.paid")
                    .push_bind("bill")
                    .push_bind(bill.id.to_string())
                    .push_bind(Some(json!({"status": "open"}).to_string()))
                    .push_bind(Some(after.to_string()))
                    .push_bind(a.request_id.clone())
                    .push_bind(a.client_addr.clone());
            });
            q.build().execute(&mut *tx).await?;
            receipts
        };
        tx.commit().await?;
        answers.into_iter().flatten().map(|mut a| {
            if !a.replay && let Some(b) = a.bill_id && let Some(r) = receipts.get(&b) && a.outcome == "matched" {
                a.receipt_id = Some(r.0);
            }
            a
        }).collect::<Vec<_>>()
    });
    Ok(answers)
}

fn replayed((id, outcome, bill_id): Stored) -> Ingested {
    Ingested { id, outcome, bill_id, receipt_id: None, replay: true }
}
