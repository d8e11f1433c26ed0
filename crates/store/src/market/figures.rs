//! Figures: a market's page (stalls accepting cashless payment, the month's
//! stall-fee bills, money-in per day on the stalls' own accounts) and the
//! payment figures of a unit subtree for the indicator dashboard.
//!
//! Definitions (each figure keeps its numerator and denominator):
//! - **cashless stall**: status `qr_displayed` or `qr_in_use`, as of now;
//!   a **Chợ 4.0 market** has at least one such stall;
//! - **stall transactions**: rows of `payment_notifications` with direction
//!   `in` (outcome not `duplicate`) whose account (and BIN, when the
//!   notification carries one) is the account of a stall whose merchant
//!   linked a notification feed (`feed_linked`), counted once even when
//!   several stalls share the account; days are local days (UTC+7);
//! - **fees collected cashless**: bills paid in the period (`status = paid`,
//!   `paid_at` in it) whose receipt names the notification that paid them
//!   (`receipts.notification_id`), over all bills paid in the period.
//!
//! A unit's **subtree** is the unit, its descendants and, since successors
//! inherit their predecessors' records, the predecessors of any of them.

use chrono::NaiveDate;
use serde::Serialize;

use super::fees::Month;
use crate::{Db, Result, on_pool};
use domain::market::StallStatus;

/// The recursive CTE `sub(uid, depth)`: the subtree of unit `$1`.
const SUBTREE: &str = "WITH RECURSIVE sub(uid, depth) AS (
         SELECT CAST($1 AS BIGINT), 0
         UNION
         SELECT e.dst, sub.depth + 1 FROM (
             SELECT parent_id AS src, id AS dst FROM units WHERE parent_id IS NOT NULL
             UNION ALL
             SELECT successor_id AS src, unit_id AS dst FROM unit_successors) e
         JOIN sub ON e.src = sub.uid
         WHERE sub.depth < 32)";

/// `MS_PER_DAY` and the UTC+7 offset, for grouping instants by local day in SQL.
const MS_PER_DAY: i64 = 86_400_000;
const VN_OFFSET_MS: i64 = 7 * 3_600_000;

/// A count and a sum in đồng.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// How many.
    pub count: i64,
    /// Their total, in đồng.
    pub sum: i64,
}

/// Money in on the stalls' accounts on one local day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayTally {
    /// The day, `YYYY-MM-DD` (UTC+7).
    pub day: String,
    /// Transactions and their total.
    #[serde(flatten)]
    pub tally: Tally,
}

/// A share `numerator / denominator` in percent, `None` when the denominator is 0.
pub fn share(numerator: i64, denominator: i64) -> Option<f64> {
    (denominator > 0).then(|| (numerator as f64) * 100.0 / (denominator as f64))
}

/// The figures of a market's page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarketFigures {
    /// Stalls.
    pub stalls: i64,
    /// Stalls per status, in onboarding order.
    pub by_status: Vec<(StallStatus, i64)>,
    /// Stalls accepting cashless payment.
    pub cashless: i64,
    /// `cashless / stalls` in percent.
    pub cashless_share: Option<f64>,
    /// Stalls whose merchant linked a notification feed.
    pub feed_stalls: i64,
    /// The month of the bill and transaction figures, `YYYY-MM`.
    pub month: String,
    /// Stall-fee bills issued for the month.
    pub billed: Tally,
    /// Of those, paid.
    pub paid: Tally,
    /// Money in per day of the month on feed-linked stalls' accounts.
    pub days: Vec<DayTally>,
    /// The month's total of `days`.
    pub transactions: Tally,
}

fn day_of(n: i64) -> String {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(n + 719_163).unwrap_or(0))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The figures of one market for `month`.
pub async fn market_figures(db: &Db, market_id: i64, month: Month) -> Result<MarketFigures> {
    let key = month.to_string();
    let (from, to) = month.range_ms();
    let (statuses, bills, days, feed) = on_pool!(db.reader(), p => {
        let statuses: Vec<(String, i64)> =
            sqlx::query_as("SELECT status, COUNT(*) FROM stalls WHERE market_id = $1 GROUP BY status")
                .bind(market_id)
                .fetch_all(p)
                .await?;
        let bills: (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT COUNT(b.id), CAST(COALESCE(SUM(b.amount), 0) AS BIGINT),
                    COUNT(b.id) FILTER (WHERE b.status = 'paid'),
                    CAST(COALESCE(SUM(b.amount) FILTER (WHERE b.status = 'paid'), 0) AS BIGINT)
             FROM stall_fee_bills f JOIN stalls s ON s.id = f.stall_id JOIN bills b ON b.id = f.bill_id
             WHERE s.market_id = $1 AND f.month = $2")
            .bind(market_id)
            .bind(&key)
            .fetch_one(p)
            .await?;
        let days: Vec<(i64, i64, i64)> = sqlx::query_as(&format!(
            "SELECT (n.occurred_at + {VN_OFFSET_MS}) / {MS_PER_DAY} AS day, COUNT(*),
                    CAST(COALESCE(SUM(n.amount), 0) AS BIGINT)
             FROM payment_notifications n
             WHERE n.direction = 'in' AND n.outcome <> 'duplicate' AND n.occurred_at >= $2 AND n.occurred_at < $3
               AND EXISTS (SELECT 1 FROM stalls s WHERE s.market_id = $1 AND s.feed_linked = TRUE
                           AND s.account = n.account AND (n.bin IS NULL OR n.bin = s.bin))
             GROUP BY (n.occurred_at + {VN_OFFSET_MS}) / {MS_PER_DAY} ORDER BY day"))
            .bind(market_id)
            .bind(from)
            .bind(to)
            .fetch_all(p)
            .await?;
        let feed: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM stalls WHERE market_id = $1 AND feed_linked = TRUE AND account IS NOT NULL")
            .bind(market_id)
            .fetch_one(p)
            .await?;
        (statuses, bills, days, feed)
    });
    let by_status: Vec<(StallStatus, i64)> = StallStatus::ALL
        .into_iter()
        .map(|s| (s, statuses.iter().filter(|(k, _)| k == s.as_str()).map(|(_, n)| *n).sum()))
        .collect();
    let stalls = by_status.iter().map(|(_, n)| n).sum();
    let cashless = by_status.iter().filter(|(s, _)| s.cashless()).map(|(_, n)| n).sum();
    let days: Vec<DayTally> =
        days.into_iter().map(|(d, count, sum)| DayTally { day: day_of(d), tally: Tally { count, sum } }).collect();
    let transactions =
        Tally { count: days.iter().map(|d| d.tally.count).sum(), sum: days.iter().map(|d| d.tally.sum).sum() };
    Ok(MarketFigures {
        stalls,
        cashless,
        cashless_share: share(cashless, stalls),
        by_status,
        feed_stalls: feed,
        month: key,
        billed: Tally { count: bills.0, sum: bills.1 },
        paid: Tally { count: bills.2, sum: bills.3 },
        days,
        transactions,
    })
}

/// Fees paid in a period, and how many of them cashless.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeeFigures {
    /// Bills paid in the period (every kind).
    pub paid: Tally,
    /// Of those, paid through a payment notification.
    pub cashless: Tally,
    /// `cashless.count / paid.count` in percent.
    pub cashless_share: Option<f64>,
}

/// Markets and stalls of the subtree, as of now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarketCounts {
    /// Markets.
    pub markets: i64,
    /// Chợ 4.0 markets: with at least one cashless stall.
    pub cho40_markets: i64,
    /// `cho40_markets / markets` in percent.
    pub cho40_share: Option<f64>,
    /// Stalls.
    pub stalls: i64,
    /// Stalls accepting cashless payment.
    pub cashless_stalls: i64,
    /// `cashless_stalls / stalls` in percent.
    pub cashless_stall_share: Option<f64>,
}

/// The payment figures of a unit subtree over local days `[from, to]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaymentFigures {
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, `YYYY-MM-DD`.
    pub to: String,
    /// Fees paid and paid cashless.
    pub fees: FeeFigures,
    /// Markets and stalls.
    pub markets: MarketCounts,
    /// Money in on feed-linked stalls' accounts.
    pub stall_transactions: Tally,
    /// Cashless transactions: stall transactions plus bills paid through a notification.
    pub cashless_transactions: Tally,
}

/// The payment figures of the subtree of `unit_id` over local days `[from, to]`.
pub async fn payment_figures(db: &Db, unit_id: i64, from: NaiveDate, to: NaiveDate) -> Result<PaymentFigures> {
    let start = domain::time::local_day_start_ms(from);
    let end = domain::time::local_day_start_ms(to.succ_opt().unwrap_or(to));
    let (fees, markets, stall_tx) = on_pool!(db.reader(), p => {
        let fees: (i64, i64, i64, i64) = sqlx::query_as(&format!(
            "{SUBTREE}
             SELECT COUNT(*), CAST(COALESCE(SUM(b.amount), 0) AS BIGINT),
                    COUNT(*) FILTER (WHERE r.notification_id IS NOT NULL),
                    CAST(COALESCE(SUM(b.amount) FILTER (WHERE r.notification_id IS NOT NULL), 0) AS BIGINT)
             FROM bills b LEFT JOIN receipts r ON r.bill_id = b.id
             WHERE b.status = 'paid' AND b.paid_at >= $2 AND b.paid_at < $3
               AND b.unit_id IN (SELECT uid FROM sub)"))
            .bind(unit_id)
            .bind(start)
            .bind(end)
            .fetch_one(p)
            .await?;
        let markets: (i64, i64, i64, i64) = sqlx::query_as(&format!(
            "{SUBTREE}
             SELECT COUNT(DISTINCT m.id),
                    COUNT(DISTINCT m.id) FILTER (WHERE s.status IN ('qr_displayed', 'qr_in_use')),
                    COUNT(s.id),
                    COUNT(s.id) FILTER (WHERE s.status IN ('qr_displayed', 'qr_in_use'))
             FROM markets m LEFT JOIN stalls s ON s.market_id = m.id
             WHERE m.unit_id IN (SELECT uid FROM sub)"))
            .bind(unit_id)
            .fetch_one(p)
            .await?;
        let stall_tx: (i64, i64) = sqlx::query_as(&format!(
            "{SUBTREE}
             SELECT COUNT(*), CAST(COALESCE(SUM(n.amount), 0) AS BIGINT) FROM payment_notifications n
             WHERE n.direction = 'in' AND n.outcome <> 'duplicate' AND n.occurred_at >= $2 AND n.occurred_at < $3
               AND EXISTS (SELECT 1 FROM stalls s JOIN markets m ON m.id = s.market_id
                           WHERE s.feed_linked = TRUE AND s.account = n.account AND (n.bin IS NULL OR n.bin = s.bin)
                             AND m.unit_id IN (SELECT uid FROM sub))"))
            .bind(unit_id)
            .bind(start)
            .bind(end)
            .fetch_one(p)
            .await?;
        (fees, markets, stall_tx)
    });
    let paid = Tally { count: fees.0, sum: fees.1 };
    let cashless = Tally { count: fees.2, sum: fees.3 };
    let stall_transactions = Tally { count: stall_tx.0, sum: stall_tx.1 };
    Ok(PaymentFigures {
        from: from.format("%Y-%m-%d").to_string(),
        to: to.format("%Y-%m-%d").to_string(),
        fees: FeeFigures { paid, cashless, cashless_share: share(cashless.count, paid.count) },
        markets: MarketCounts {
            markets: markets.0,
            cho40_markets: markets.1,
            cho40_share: share(markets.1, markets.0),
            stalls: markets.2,
            cashless_stalls: markets.3,
            cashless_stall_share: share(markets.3, markets.2),
        },
        cashless_transactions: Tally {
            count: stall_transactions.count + cashless.count,
            sum: stall_transactions.sum.saturating_add(cashless.sum),
        },
        stall_transactions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_count_from_the_unix_epoch_and_shares_need_a_denominator() {
        assert_eq!(day_of(0), "1970-01-01");
        assert_eq!(day_of(20_000), "2024-10-04");
        assert_eq!(share(1, 0), None);
        assert_eq!(share(1, 4), Some(25.0));
    }
}
