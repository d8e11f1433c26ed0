//! What the cashier's pages list over a unit scope (the units a user's
//! grants cover, from [`crate::unit::scope_units`]; `None` for every unit):
//! bills filtered by status, kind, batch and a search on the payment code,
//! the payer's reference or name (diacritic-insensitive through
//! `bills.payer_key`), newest first, a page at a time; the open exceptions
//! and their count; the receiving accounts; and the notifications that
//! concern one bill.

use serde::Serialize;

use super::exception::{COLS as EXCEPTION_COLS, Exception};
use super::ingest::EXCEPTION_SQL;
use super::{ACCOUNT_COLS, Account, BILL_COLS, Bill, BillKind, BillRow};
use crate::{Db, Result, on_pool};

/// Which bills to list.
#[derive(Debug, Clone, Default)]
pub struct BillFilter {
    /// The units whose bills may be listed; `None` for every unit.
    pub units: Option<Vec<i64>>,
    /// Only this status (`open`, `paid`, `cancelled`).
    pub status: Option<String>,
    /// Only this kind.
    pub kind: Option<BillKind>,
    /// Only the bills of this batch.
    pub batch_id: Option<i64>,
    /// A payment code (or part of one), a payer reference or part of the payer's name.
    pub q: String,
    /// Page size (1–500).
    pub limit: i64,
    /// Rows skipped.
    pub offset: i64,
}

/// One page of bills.
#[derive(Debug, Clone, Default)]
pub struct BillPage {
    /// The bills on this page, newest first.
    pub items: Vec<Bill>,
    /// How many match in all.
    pub total: i64,
}

/// `unit_id IN ($first, …)` for `units`, or nothing for every unit.
fn unit_clause(units: Option<&[i64]>, first: usize, column: &str) -> String {
    match units {
        None => String::new(),
        Some(u) => {
            let ps: Vec<String> = (0..u.len()).map(|i| format!("${}", first + i)).collect();
            format!(" AND {column} IN ({})", ps.join(", "))
        }
    }
}

/// The bills matching `f`, newest first.
pub async fn bills(db: &Db, f: &BillFilter) -> Result<BillPage> {
    if f.units.as_ref().is_some_and(Vec::is_empty) {
        return Ok(BillPage::default());
    }
    let q = f.q.trim();
    let code: Option<String> = Some(q.chars().filter(char::is_ascii_alphanumeric).collect::<String>())
        .filter(|c| !c.is_empty())
        .map(|c| format!("%{}%", c.to_ascii_uppercase()));
    let name = Some(domain::text::search_key(q)).filter(|k| !k.is_empty()).map(|k| format!("%{k}%"));
    let reference = Some(q).filter(|r| !r.is_empty()).map(|r| r.to_string());
    let filter = format!(
        "WHERE ($1 IS NULL OR status = $1) AND ($2 IS NULL OR kind = $2) AND ($3 IS NULL OR batch_id = $3)
           AND (($4 IS NULL AND $5 IS NULL AND $6 IS NULL) OR payment_code LIKE $4 OR payer_key LIKE $5
                OR payer_ref = $6){}",
        unit_clause(f.units.as_deref(), 7, "unit_id")
    );
    let count_sql = format!("SELECT COUNT(*) FROM bills {filter}");
    let page_sql = format!(
        "SELECT {BILL_COLS} FROM bills {filter} ORDER BY id DESC LIMIT {} OFFSET {}",
        f.limit.clamp(1, 500),
        f.offset.max(0)
    );
    let status = f.status.clone().filter(|s| !s.is_empty());
    let kind = f.kind.map(|k| k.as_str().to_string());
    let units = f.units.clone().unwrap_or_default();
    let (total, rows) = on_pool!(db.reader(), p => {
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql)
            .bind(&status).bind(&kind).bind(f.batch_id).bind(&code).bind(&name).bind(&reference);
        let mut page = sqlx::query_as::<_, BillRow>(&page_sql)
            .bind(&status).bind(&kind).bind(f.batch_id).bind(&code).bind(&name).bind(&reference);
        for u in &units {
            count = count.bind(*u);
            page = page.bind(*u);
        }
        (count.fetch_one(p).await?, page.fetch_all(p).await?)
    });
    let items = rows.into_iter().map(Bill::try_from).collect::<Result<Vec<_>>>()?;
    Ok(BillPage { items, total })
}

/// Every bill of a batch, in the file's row order.
pub async fn batch_bills(db: &Db, batch_id: i64) -> Result<Vec<Bill>> {
    let rows = on_pool!(db.reader(), p => sqlx::query_as::<_, BillRow>(&format!(
        "SELECT {BILL_COLS} FROM bills WHERE batch_id = $1 ORDER BY batch_row"))
        .bind(batch_id)
        .fetch_all(p)
        .await?);
    rows.into_iter().map(Bill::try_from).collect()
}

/// The open exceptions of the units (every unit when `None`), newest first.
pub async fn open_exceptions(db: &Db, units: Option<&[i64]>, limit: i64) -> Result<Vec<Exception>> {
    if units.is_some_and(<[i64]>::is_empty) {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {EXCEPTION_COLS} FROM payment_notifications
         WHERE outcome IN {EXCEPTION_SQL} AND resolved_at IS NULL AND unit_id IS NOT NULL{}
         ORDER BY id DESC LIMIT {}",
        unit_clause(units, 1, "unit_id"),
        limit.clamp(1, 1000)
    );
    let units = units.unwrap_or_default();
    Ok(on_pool!(db.reader(), p => {
        let mut q = sqlx::query_as::<_, Exception>(&sql);
        for u in units {
            q = q.bind(*u);
        }
        q.fetch_all(p).await?
    }))
}

/// How many exceptions of the units (every unit when `None`) are open.
pub async fn open_exception_count(db: &Db, units: Option<&[i64]>) -> Result<i64> {
    if units.is_some_and(<[i64]>::is_empty) {
        return Ok(0);
    }
    let sql = format!(
        "SELECT COUNT(*) FROM payment_notifications
         WHERE outcome IN {EXCEPTION_SQL} AND resolved_at IS NULL AND unit_id IS NOT NULL{}",
        unit_clause(units, 1, "unit_id")
    );
    let units = units.unwrap_or_default();
    Ok(on_pool!(db.reader(), p => {
        let mut q = sqlx::query_scalar::<_, i64>(&sql);
        for u in units {
            q = q.bind(*u);
        }
        q.fetch_one(p).await?
    }))
}

/// The receiving accounts of the units (every unit when `None`), by unit then id.
pub async fn accounts_in(db: &Db, units: Option<&[i64]>) -> Result<Vec<Account>> {
    if units.is_some_and(<[i64]>::is_empty) {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {ACCOUNT_COLS} FROM payment_accounts WHERE TRUE{} ORDER BY unit_id, id",
        unit_clause(units, 1, "unit_id")
    );
    let units = units.unwrap_or_default();
    Ok(on_pool!(db.reader(), p => {
        let mut q = sqlx::query_as::<_, Account>(&sql);
        for u in units {
            q = q.bind(*u);
        }
        q.fetch_all(p).await?
    }))
}

/// A notification that concerns a bill: the one that paid it, and any
/// transfer for it that went to the exceptions queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct BillPayment {
    /// The notification.
    pub id: i64,
    /// `payos`, `casso`, `sepay` or `statement`.
    pub provider: String,
    /// The provider's transaction id.
    pub txn_id: String,
    /// The bank's reference, if reported.
    pub reference: Option<String>,
    /// Amount received, in đồng.
    pub amount: i64,
    /// Transfer content.
    pub content: String,
    /// When the transfer happened (UTC ms).
    pub occurred_at: i64,
    /// The outcome (`matched`, `already_paid`, …).
    pub outcome: String,
    /// How staff resolved it, if it was an exception.
    pub resolution: Option<String>,
}

/// The notifications that concern bill `bill_id`, oldest first.
pub async fn payments_of_bill(db: &Db, bill_id: i64) -> Result<Vec<BillPayment>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, BillPayment>(
        "SELECT id, provider, txn_id, reference, amount, content, occurred_at, outcome, resolution
         FROM payment_notifications WHERE bill_id = $1 ORDER BY id")
        .bind(bill_id)
        .fetch_all(p)
        .await?))
}
