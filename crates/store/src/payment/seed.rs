//! Fast seeding of many open bills, for benchmarks and load tests only: one
//! multi-row insert per few hundred bills, payment codes drawn from a
//! sequence (distinct by construction), and **no audit rows** — never call
//! it on a production database.

use vietqr::code::PaymentCodes;

use super::{ACCOUNT_COLS, Account, qr_payload};
use crate::{Db, Error, Result, now_ms, on_pool};

/// Bills inserted per statement.
const CHUNK: usize = 500;

/// Inserts `count` open bills of `amount` đồng on receiving account
/// `account_id`; returns `(id, payment_code)` of each. Codes come from
/// `codes` with numbers `first..first+count` (a clash with a stored code is skipped).
pub async fn seed_bills(
    db: &Db,
    account_id: i64,
    codes: &PaymentCodes,
    first: u64,
    count: usize,
    amount: i64,
) -> Result<Vec<(i64, String)>> {
    let account = on_pool!(db.reader(), p => sqlx::query_as::<_, Account>(&format!(
        "SELECT {ACCOUNT_COLS} FROM payment_accounts WHERE id = $1")).bind(account_id).fetch_optional(p).await?)
    .ok_or_else(|| Error::NotFound(format!("no payment account #{account_id}")))?;
    let now = now_ms();
    let mut out = Vec::with_capacity(count);
    let numbers: Vec<u64> = (first..first + count as u64).collect();
    for chunk in numbers.chunks(CHUNK) {
        let mut rows = Vec::with_capacity(chunk.len());
        for n in chunk {
            let code = codes.generate(*n).map_err(|e| Error::Invalid(e.to_string()))?;
            let qr = qr_payload(&account, amount, &code)?;
            rows.push((code, qr));
        }
        let ids: Vec<(i64, String)> = on_pool!(db.writer(), p => {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO bills (unit_id, account_id, kind, payer_name, payer_ref, description, amount, lines,
                     payment_code, qr_payload, status, created_at) ");
            q.push_values(&rows, |mut b, (code, qr)| {
                b.push_bind(account.unit_id)
                    .push_bind(account.id)
                    .push_bind("fee")
                    .push_bind("Bench")
                    .push_bind(code.clone())
                    .push_bind("bench")
                    .push_bind(amount)
                    .push_bind("[]")
                    .push_bind(code.clone())
                    .push_bind(qr.clone())
                    .push_bind("open")
                    .push_bind(now);
            });
            q.push(" ON CONFLICT (payment_code) DO NOTHING RETURNING id, payment_code");
            q.build_query_as::<(i64, String)>().fetch_all(p).await?
        });
        out.extend(ids);
    }
    Ok(out)
}
