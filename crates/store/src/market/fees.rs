//! Monthly stall fees billed through bills: one bill of kind
//! [`BillKind::Stall`] per stall with a fee, per month, made by
//! [`crate::payment::create_bill`] on the receiving account of the market's unit.
//!
//! Idempotent: each (stall, month) is **claimed** in `stall_fee_bills`
//! (`ON CONFLICT DO NOTHING`) before its bill is created, and the bill's id
//! is written into the claim after. A second run, or a concurrent one on
//! another instance, finds the claim and skips the stall. A claim whose bill
//! creation failed is released at once; one left behind by a crash between
//! the two steps (no bill id after [`STALE_CLAIM_MS`]) is taken over.

use chrono::{Datelike, NaiveDate};
use domain::payment::money::FeeLine;
use serde::Serialize;

use crate::audit::Actor;
use crate::payment::{BillKind, NewBill, PaymentCodes};
use crate::{Db, Error, Result, now_ms, on_pool};

/// How old a claim without a bill must be before another run takes it over.
pub const STALE_CLAIM_MS: i64 = 10 * 60 * 1000;

/// A calendar month, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
}

impl Month {
    /// Parses `YYYY-MM`.
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.trim().split_once('-')?;
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        (y.len() == 4 && m.len() == 2 && (2000..=2100).contains(&year) && (1..=12).contains(&month))
            .then_some(Month { year, month })
    }

    /// The month of an instant, at UTC+7.
    pub fn of_ms(ms: i64) -> Month {
        Month::of_date(domain::time::local_date(domain::time::from_millis(ms)))
    }

    /// The month of a day.
    pub fn of_date(d: NaiveDate) -> Month {
        Month { year: d.year(), month: d.month() }
    }

    /// The first day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    /// The month after.
    pub fn next(self) -> Month {
        if self.month == 12 { Month { year: self.year + 1, month: 1 } } else { Month { month: self.month + 1, ..self } }
    }

    /// The last day.
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or_default()
    }

    /// `[start, end)` in UTC ms of the month's local days.
    pub fn range_ms(self) -> (i64, i64) {
        (domain::time::local_day_start_ms(self.first_day()), domain::time::local_day_start_ms(self.next().first_day()))
    }

    /// `MM/YYYY`, as Vietnamese documents write it.
    pub fn display(self) -> String {
        format!("{:02}/{}", self.month, self.year)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// What a billing run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FeeRun {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// Bills created by this run.
    pub created: usize,
    /// Stalls already billed for the month (or being billed by another run).
    pub existing: usize,
    /// Stalls without a monthly fee.
    pub no_fee: usize,
    /// The ids of the bills created.
    pub bill_ids: Vec<i64>,
}

/// Claims (stall, month); `true` when this run should bill it.
async fn claim(db: &Db, stall_id: i64, month: &str, now: i64) -> Result<bool> {
    Ok(on_pool!(db.writer(), p => {
        let fresh: Option<i64> = sqlx::query_scalar(
            "INSERT INTO stall_fee_bills (stall_id, month, bill_id, claimed_at) VALUES ($1, $2, NULL, $3)
             ON CONFLICT (stall_id, month) DO NOTHING RETURNING stall_id")
            .bind(stall_id)
            .bind(month)
            .bind(now)
            .fetch_optional(p)
            .await?;
        if fresh.is_some() {
            true
        } else {
            sqlx::query_scalar::<_, i64>(
                "UPDATE stall_fee_bills SET claimed_at = $3
                 WHERE stall_id = $1 AND month = $2 AND bill_id IS NULL AND claimed_at < $4 RETURNING stall_id")
                .bind(stall_id)
                .bind(month)
                .bind(now)
                .bind(now - STALE_CLAIM_MS)
                .fetch_optional(p)
                .await?
                .is_some()
        }
    }))
}

async fn settle(db: &Db, stall_id: i64, month: &str, bill_id: Option<i64>) -> Result<()> {
    on_pool!(db.writer(), p => match bill_id {
        Some(b) => sqlx::query("UPDATE stall_fee_bills SET bill_id = $3 WHERE stall_id = $1 AND month = $2")
            .bind(stall_id).bind(month).bind(b).execute(p).await?.rows_affected(),
        None => sqlx::query("DELETE FROM stall_fee_bills WHERE stall_id = $1 AND month = $2 AND bill_id IS NULL")
            .bind(stall_id).bind(month).execute(p).await?.rows_affected(),
    });
    Ok(())
}

/// Creates the month's stall-fee bills of a market: one per stall with a
/// monthly fee that has none for the month yet, due the month's last day,
/// payable to the first active receiving account of the market's unit. Each
/// bill is audited by `create_bill`. The first failure (e.g. the unit has no
/// receiving account) stops the run; the bills made before it stay.
pub async fn bill_month(db: &Db, actor: &Actor, codes: &PaymentCodes, market_id: i64, month: Month) -> Result<FeeRun> {
    let market = super::market(db, market_id).await?;
    let key = month.to_string();
    let mut run = FeeRun { month: key.clone(), ..FeeRun::default() };
    for v in super::stall::stalls(db, market_id).await? {
        let s = &v.stall;
        if s.monthly_fee <= 0 {
            run.no_fee += 1;
            continue;
        }
        if !claim(db, s.id, &key, now_ms()).await? {
            run.existing += 1;
            continue;
        }
        let line = FeeLine::new(format!("Phí sạp {} tháng {}", s.label, month.display()), s.monthly_fee, 1)
            .map_err(|e| Error::Invalid(e.to_string()));
        let payer = v.merchant_name.clone().or_else(|| s.holder.clone()).filter(|n| !n.trim().is_empty());
        let made = match line {
            Ok(line) => {
                let new = NewBill {
                    unit_id: market.unit_id,
                    account_id: None,
                    kind: BillKind::Stall,
                    payer_name: payer.unwrap_or_else(|| format!("Sạp {}", s.label)),
                    payer_ref: format!("{}/{}/{}", market.id, s.label, key),
                    description: format!("Phí chợ tháng {} – {}, sạp {}", month.display(), market.name, s.label),
                    lines: vec![line],
                    due_date: Some(month.last_day()),
                    dossier_code: None,
                    payer_phone: None,
                    payer_email: None,
                };
                crate::payment::create_bill(db, actor, codes, new).await
            }
            Err(e) => Err(e),
        };
        match made {
            Ok(bill) => {
                settle(db, s.id, &key, Some(bill.id)).await?;
                run.created += 1;
                run.bill_ids.push(bill.id);
            }
            Err(e) => {
                settle(db, s.id, &key, None).await?;
                return Err(e);
            }
        }
    }
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_bound_their_days() {
        let m = Month::parse("2026-02").unwrap();
        assert_eq!((m.to_string(), m.display()), ("2026-02".to_string(), "02/2026".to_string()));
        assert_eq!(m.last_day(), NaiveDate::from_ymd_opt(2026, 2, 28).unwrap());
        assert_eq!(Month::parse("2026-12").unwrap().next(), Month { year: 2027, month: 1 });
        for bad in ["2026-13", "2026-1", "26-01", "x", "2026-00"] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
        let (a, b) = m.range_ms();
        assert_eq!(b - a, 28 * 86_400_000);
        // 2026-02-28 23:30 at UTC+7 is still February.
        assert_eq!(Month::of_ms(b - 30 * 60_000), m);
    }
}
