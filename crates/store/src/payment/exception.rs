//! The exceptions queue (payments.md §5.5): notifications that reconciliation
//! would not apply by itself (under- and overpaid, unknown code, ambiguous,
//! a bill paid twice, a closed bill). Staff resolve each by matching it to a
//! bill (which pays the bill exactly as an automatic match does), refunding
//! it or dismissing it, always with a reason; each resolution is audited.

use serde::Serialize;
use serde_json::json;

use super::ingest::{EXCEPTION_OUTCOMES, EXCEPTION_SQL, PaidBill, PaymentTx};
use super::reconcile::{BILL_REF_COLS, BillRef};
use crate::audit::{Actor, Change};
use crate::{Db, Error, Result, audit_in_tx, now_ms, on_pool};

/// A notification in the exceptions queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Exception {
    /// Id (the `payment_notifications` row).
    pub id: i64,
    /// `payos`, `casso`, `sepay` or `statement`.
    pub provider: String,
    /// The provider's transaction id.
    pub txn_id: String,
    /// The receiving account as reported.
    pub account: String,
    /// Our receiving account.
    pub account_id: Option<i64>,
    /// The unit whose account received it.
    pub unit_id: Option<i64>,
    /// Amount received, in đồng.
    pub amount: i64,
    /// Transfer content.
    pub content: String,
    /// When the transfer happened (UTC ms).
    pub occurred_at: i64,
    /// When we received it (UTC ms).
    pub received_at: i64,
    /// Why it is an exception (`underpaid`, `overpaid`, `unknown_code`, …).
    pub outcome: String,
    /// The bill concerned, if any (after a manual match: the bill paid).
    pub bill_id: Option<i64>,
    /// The amount due of that bill.
    pub expected: Option<i64>,
    /// The raw notification.
    pub raw: String,
    /// When it was resolved (UTC ms).
    pub resolved_at: Option<i64>,
    /// Who resolved it.
    pub resolved_by: Option<i64>,
    /// `match`, `refund` or `dismiss`.
    pub resolution: Option<String>,
    /// Why.
    pub reason: Option<String>,
}

pub(crate) const COLS: &str = "id, provider, txn_id, account, account_id, unit_id, amount, content, occurred_at, received_at, \
                    outcome, bill_id, expected, raw, resolved_at, resolved_by, resolution, reason";

/// How staff resolve an exception.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Apply it to this bill (which becomes paid).
    Match(i64),
    /// The money is sent back to the payer (outside the platform).
    Refund,
    /// Written off (e.g. a test transfer, a known duplicate).
    Dismiss,
}

impl Resolution {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Match(_) => "match",
            Resolution::Refund => "refund",
            Resolution::Dismiss => "dismiss",
        }
    }
}

/// The exceptions of a unit, newest first; only unresolved ones when `open_only`.
pub async fn list(db: &Db, unit_id: i64, open_only: bool, limit: i64) -> Result<Vec<Exception>> {
    let sql = format!(
        "SELECT {COLS} FROM payment_notifications WHERE unit_id = $1 AND outcome IN {EXCEPTION_SQL}
           AND ($2 = FALSE OR resolved_at IS NULL) ORDER BY id DESC LIMIT $3"
    );
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Exception>(&sql)
        .bind(unit_id)
        .bind(open_only)
        .bind(limit.clamp(1, 1000))
        .fetch_all(p)
        .await?))
}

/// One exception by id.
pub async fn get(db: &Db, id: i64) -> Result<Exception> {
    let sql = format!("SELECT {COLS} FROM payment_notifications WHERE id = $1");
    let found = on_pool!(db.reader(), p => sqlx::query_as::<_, Exception>(&sql).bind(id).fetch_optional(p).await?);
    found
        .filter(|e| EXCEPTION_OUTCOMES.contains(&e.outcome.as_str()))
        .ok_or_else(|| Error::NotFound(format!("không có giao dịch ngoại lệ #{id} (no such exception)")))
}

/// Resolves an exception in one transaction, audited. A match pays the bill
/// through [`PaymentTx::on_bill_paid`] (receipt, job, dossier hook); the
/// bill must be open and of the same unit.
pub async fn resolve(db: &Db, actor: &Actor, id: i64, resolution: Resolution, reason: &str) -> Result<Exception> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(Error::Invalid("cần ghi lý do xử lý, tối đa 500 ký tự (a reason is required)".into()));
    }
    let now = now_ms();
    let sql = format!("SELECT {COLS} FROM payment_notifications WHERE id = $1");
    on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let e = sqlx::query_as::<_, Exception>(&sql).bind(id).fetch_optional(&mut *tx).await?
            .filter(|e| EXCEPTION_OUTCOMES.contains(&e.outcome.as_str()))
            .ok_or_else(|| Error::NotFound(format!("không có giao dịch ngoại lệ #{id} (no such exception)")))?;
        if e.resolved_at.is_some() {
            return Err(Error::Conflict(format!("giao dịch #{id} đã được xử lý (already resolved)")));
        }
        let mut bill_id = e.bill_id;
        let mut receipt = None;
        if let Resolution::Match(b) = resolution {
            let bill = sqlx::query_as::<_, BillRef>(&format!("SELECT {BILL_REF_COLS} FROM bills WHERE id = $1"))
                .bind(b).fetch_optional(&mut *tx).await?
                .ok_or_else(|| Error::Invalid(format!("không có phiếu thu #{b} (no such bill)")))?;
            if Some(bill.unit_id) != e.unit_id {
                return Err(Error::Invalid(format!("phiếu thu #{b} thuộc đơn vị khác (the bill is another unit's)")));
            }
            let closed = sqlx::query("UPDATE bills SET status = 'paid', paid_at = $1 WHERE id = $2 AND status = 'open'")
                .bind(now).bind(b).execute(&mut *tx).await?.rows_affected();
            if closed == 0 {
                return Err(Error::Conflict(format!("phiếu thu #{b} không còn chờ thanh toán (the bill is not open)")));
            }
            let paid = PaidBill {
                id: b, unit_id: bill.unit_id, amount: e.amount, dossier_code: bill.dossier_code,
                notification_id: Some(id),
            };
            receipt = Some(tx.on_bill_paid(&paid, actor, now).await?);
            bill_id = Some(b);
        }
        sqlx::query(
            "UPDATE payment_notifications SET resolved_at = $1, resolved_by = $2, resolution = $3, reason = $4,
                 bill_id = $5 WHERE id = $6 AND resolved_at IS NULL")
            .bind(now)
            .bind(actor.user_id)
            .bind(resolution.as_str())
            .bind(reason)
            .bind(bill_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let change = Change {
            unit_id: e.unit_id,
            action: "payment.exception.resolve",
            object_type: "payment_notification",
            object_id: id.to_string(),
            before: Some(json!({"outcome": e.outcome, "bill_id": e.bill_id, "amount": e.amount})),
            after: Some(json!({"resolution": resolution.as_str(), "bill_id": bill_id, "reason": reason,
                               "receipt_id": receipt})),
        };
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
    });
    get(db, id).await
}
