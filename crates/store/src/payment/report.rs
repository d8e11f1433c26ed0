//! The daily reconciliation report of one receiving account: what the bills
//! due that day add up to, against what the notifications of that day
//! (Vietnam's day, UTC+7, by transaction time) brought in, matched and left
//! in the exceptions queue ([`domain::payment::reconcile::DailyReport`]).

use chrono::NaiveDate;
use domain::payment::reconcile::DailyReport;

use super::ingest::EXCEPTION_OUTCOMES;
use crate::{Db, Error, Result, on_pool};

/// The report of account `account_id` for the local day `date`.
pub async fn daily(db: &Db, account_id: i64, date: NaiveDate) -> Result<DailyReport> {
    let start = domain::time::local_day_start_ms(date);
    let end = domain::time::local_day_start_ms(date.succ_opt().unwrap_or(date));
    let day = date.format("%Y-%m-%d").to_string();
    let (expected, rows) = on_pool!(db.reader(), p => {
        let expected: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM bills
             WHERE account_id = $1 AND due_date = $2 AND status <> 'cancelled'")
            .bind(account_id).bind(&day).fetch_one(p).await?;
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT outcome, COUNT(*), CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM payment_notifications
             WHERE account_id = $1 AND occurred_at >= $2 AND occurred_at < $3 GROUP BY outcome")
            .bind(account_id).bind(start).bind(end).fetch_all(p).await?;
        (expected, rows)
    });
    let mut r = DailyReport::new(expected);
    let overflow = || Error::Invalid("tổng tiền vượt giới hạn (amount overflow)".into());
    for (outcome, count, amount) in rows {
        let count = u32::try_from(count).map_err(|_| overflow())?;
        match outcome.as_str() {
            "duplicate" => r.duplicates += count,
            "outgoing" | "not_ours" => r.ignored += count,
            "matched" => {
                r.received = r.received.checked_add(amount).ok_or_else(overflow)?;
                r.matched = r.matched.checked_add(amount).ok_or_else(overflow)?;
                r.matched_count += count;
            }
            o if EXCEPTION_OUTCOMES.contains(&o) => {
                r.received = r.received.checked_add(amount).ok_or_else(overflow)?;
                r.exceptions = r.exceptions.checked_add(amount).ok_or_else(overflow)?;
                r.exception_count += count;
            }
            _ => r.ignored += count,
        }
    }
    Ok(r)
}

/// How many notifications of a provider (`sepay`, …, `statement`) matched a
/// bill, and how many went to the exceptions queue (benchmarks, monitoring).
pub async fn provider_counts(db: &Db, provider: &str) -> Result<(i64, i64)> {
    let rows: Vec<(String, i64)> = on_pool!(db.reader(), p => sqlx::query_as(
        "SELECT outcome, COUNT(*) FROM payment_notifications WHERE provider = $1 GROUP BY outcome")
        .bind(provider).fetch_all(p).await?);
    let count = |f: &dyn Fn(&str) -> bool| rows.iter().filter(|(o, _)| f(o)).map(|(_, n)| n).sum::<i64>();
    Ok((count(&|o| o == "matched"), count(&|o| EXCEPTION_OUTCOMES.contains(&o))))
}
