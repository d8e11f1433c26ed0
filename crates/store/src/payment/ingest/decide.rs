//! The decisions of a batch of notifications, in memory: given what the
//! batch transaction read at once ([`Known`]: stored notifications, bank
//! references, receiving accounts, bills), decides every notification in
//! order with [`domain::payment::reconcile`], exactly as if they had arrived
//! one by one — a bill matched by one notification is `paid` for the next,
//! a bank reference recorded by one makes the next a duplicate, and a second
//! delivery of the same `(provider, txn_id)` is a replay of the first.

use std::collections::{HashMap, HashSet};

use domain::payment::reconcile::{self, Outcome};

use super::super::reconcile::{AccountRef, BillRef, Lookup, candidate_codes};
use super::{Incoming, outcome_name};

/// A receiving account as read for a batch (with its BIN, to pick by number).
#[derive(Debug, Clone, sqlx::FromRow)]
pub(super) struct AccountRow {
    /// Id.
    pub id: i64,
    /// Its unit.
    pub unit_id: i64,
    /// The account number.
    pub account: String,
    /// The bank's BIN.
    pub bin: String,
}

/// A stored notification: `(id, outcome, bill_id)`.
pub(super) type Stored = (i64, String, Option<i64>);

/// What the batch transaction read, before deciding.
#[derive(Debug, Default)]
pub(super) struct Known {
    /// Stored notifications by `(provider, txn_id)`.
    pub stored: HashMap<(String, String), Stored>,
    /// The `(reference, account)` pairs already recorded.
    pub references: HashSet<(String, String)>,
    /// The receiving accounts named by the batch.
    pub accounts: Vec<AccountRow>,
    /// The bills named by the batch, by id (their status as the batch goes).
    pub bills: HashMap<i64, BillRef>,
    /// Bill ids by virtual account.
    pub by_va: HashMap<String, i64>,
    /// Bill ids by payment code.
    pub by_code: HashMap<String, i64>,
}

/// A notification to store.
#[derive(Debug)]
pub(super) struct Fresh {
    /// The stored outcome name.
    pub outcome: &'static str,
    /// The bill concerned, as read.
    pub bill: Option<BillRef>,
    /// Our receiving account (the bill's, else the one that received it).
    pub account_id: Option<i64>,
    /// Its unit.
    pub unit_id: Option<i64>,
}

impl Fresh {
    /// Whether it pays its bill.
    pub fn matched(&self) -> bool {
        self.outcome == "matched"
    }
}

/// What to do with one notification of the batch.
#[derive(Debug)]
pub(super) enum Plan {
    /// Stored before this batch: answer with the stored row.
    Stored(Stored),
    /// The same `(provider, txn_id)` as an earlier one of this batch (by index).
    Again(usize),
    /// New: store it.
    Fresh(Fresh),
}

/// Decides every notification of `batch`, in order (see the module doc).
pub(super) fn decide(batch: &[Incoming], known: &mut Known) -> Vec<Plan> {
    let mut first: HashMap<(&str, &str), usize> = HashMap::new();
    let mut plans = Vec::with_capacity(batch.len());
    for (i, inc) in batch.iter().enumerate() {
        let n = &inc.notification;
        let key = (inc.source.as_str(), n.transaction_id.as_str());
        if let Some(row) = known.stored.get(&(key.0.to_string(), key.1.to_string())) {
            plans.push(Plan::Stored(row.clone()));
            continue;
        }
        if let Some(&j) = first.get(&key) {
            plans.push(Plan::Again(j));
            continue;
        }
        first.insert(key, i);
        plans.push(Plan::Fresh(decide_one(inc, known)));
    }
    plans
}

/// Decides one new notification and records its effects in `known`.
fn decide_one(inc: &Incoming, known: &mut Known) -> Fresh {
    let n = &inc.notification;
    let reference_seen =
        n.reference.as_ref().is_some_and(|r| known.references.contains(&(r.clone(), n.account.clone())));
    let account = match inc.account_id {
        Some(id) => known.accounts.iter().find(|a| a.id == id),
        None => known
            .accounts
            .iter()
            .filter(|a| a.account == n.account && inc.bin.as_ref().is_none_or(|b| *b == a.bin))
            .min_by_key(|a| a.id),
    }
    .map(|a| AccountRef { id: a.id, unit_id: a.unit_id, account: a.account.clone() });
    let bill = |id: &i64| known.bills.get(id).cloned();
    let by_va = n.virtual_account.as_ref().and_then(|va| known.by_va.get(va)).and_then(bill);
    let by_code = candidate_codes(n, &inc.codes).iter().filter_map(|c| known.by_code.get(c)).filter_map(bill).collect();
    let lookup = Lookup { reference_seen, account, by_va, by_code };
    let outcome = reconcile::reconcile(n, &inc.codes, &lookup);
    let bill = outcome.bill_id().and_then(|id| lookup.bill(id)).cloned();
    let (account_id, unit_id) = match (&bill, &lookup.account) {
        (Some(b), _) => (Some(b.account_id), Some(b.unit_id)),
        (None, Some(a)) => (Some(a.id), Some(a.unit_id)),
        (None, None) => (None, None),
    };
    if let Outcome::Matched { bill_id, .. } = &outcome
        && let Some(b) = known.bills.get_mut(bill_id)
    {
        b.status = "paid".into();
    }
    if let Some(r) = &n.reference {
        known.references.insert((r.clone(), n.account.clone()));
    }
    Fresh { outcome: outcome_name(&outcome), bill, account_id, unit_id }
}
