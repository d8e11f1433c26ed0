//! The store's side of [`domain::payment::reconcile`]: the rows that
//! reconciliation reads (receiving accounts, bills by virtual account or
//! payment code), read inside the ingesting transaction and handed to the
//! pure rules through [`BillLookup`].

use domain::payment::reconcile::{BillLookup, BillStatus, BillView};
use domain::payment::webhook::Notification;
use vietqr::code::PaymentCodes;

/// The columns of [`BillRef`].
pub(crate) const BILL_REF_COLS: &str = "id, unit_id, account_id, amount, status, payment_code, dossier_code";

/// A receiving account of ours, as ingestion needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct AccountRef {
    /// Id.
    pub id: i64,
    /// Its unit.
    pub unit_id: i64,
    /// The account number.
    pub account: String,
}

/// A bill, as reconciliation needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct BillRef {
    /// Id.
    pub id: i64,
    /// Its unit.
    pub unit_id: i64,
    /// Its receiving account.
    pub account_id: i64,
    /// Amount due.
    pub amount: i64,
    /// `open`, `paid`, `closed` or `cancelled`.
    pub status: String,
    /// Its payment code.
    pub payment_code: String,
    /// The dossier it charges for, if linked.
    pub dossier_code: Option<String>,
}

impl BillRef {
    fn view(&self) -> BillView {
        BillView {
            id: self.id,
            amount: self.amount,
            status: bill_status(&self.status),
            payment_code: self.payment_code.clone(),
        }
    }
}

/// The domain status of a stored one.
pub(crate) fn bill_status(s: &str) -> BillStatus {
    match s {
        "open" => BillStatus::Open,
        "paid" => BillStatus::Paid,
        "closed" => BillStatus::Closed,
        _ => BillStatus::Cancelled,
    }
}

/// The payment codes to look up for `n`: those in its content, then those in
/// the provider's own code (SePay `code`), each once.
pub(crate) fn candidate_codes(n: &Notification, codes: &PaymentCodes) -> Vec<String> {
    let mut found = codes.find_all(&n.content);
    for c in n.provider_code.as_deref().map(|c| codes.find_all(c)).unwrap_or_default() {
        if !found.contains(&c) {
            found.push(c);
        }
    }
    found
}

/// What was read for one notification. The idempotency key itself was
/// checked before (a replay never reaches reconciliation), so
/// `already_recorded` answers for the bank reference only.
#[derive(Debug)]
pub(crate) struct Lookup {
    /// Whether the same bank reference was recorded on the same account.
    pub reference_seen: bool,
    /// Our receiving account that received it, if ours.
    pub account: Option<AccountRef>,
    /// The bill owning the virtual account, if any.
    pub by_va: Option<BillRef>,
    /// The bills whose codes were found.
    pub by_code: Vec<BillRef>,
}

impl Lookup {
    /// A bill read for this notification, by id.
    pub fn bill(&self, id: i64) -> Option<&BillRef> {
        self.by_va.iter().chain(&self.by_code).find(|b| b.id == id)
    }
}

impl BillLookup for Lookup {
    fn already_recorded(&self, _: &Notification) -> bool {
        self.reference_seen
    }

    fn is_known_account(&self, account: &str) -> bool {
        self.account.as_ref().is_some_and(|a| a.account == account)
    }

    fn by_virtual_account(&self, _: &str) -> Option<BillView> {
        self.by_va.as_ref().map(BillRef::view)
    }

    fn by_payment_code(&self, code: &str) -> Option<BillView> {
        self.by_code.iter().find(|b| b.payment_code == code).map(BillRef::view)
    }
}
