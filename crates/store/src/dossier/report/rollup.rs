//! The reports' counts from the rollup (migration 0015), so that a year of a
//! commune's dossiers is a few thousand summed rows rather than a quarter of
//! a million read ones.
//!
//! `dossier_rollup` holds, per unit, local day of receipt, local day of
//! finish (-1 if not finished), procedure and field, the counts of
//! [`super::Bucket`] of those dossiers **as they stand now**; triggers keep
//! it (every insert, update and delete of a dossier, and its component
//! files), so intake, the workflow, the generator and the legacy import keep
//! it right without knowing of it.
//!
//! "As they stand now" is how a report counts a dossier when its period ends
//! after every instant that can change its verdict (finish, end, return, the
//! due dates, a pending supplement request): its `report_horizon`. The few
//! dossiers of the period whose horizon is at or after the period's end
//! (the ones still running near it) are recounted live, by the index on
//! `(unit_id, report_horizon)`: their "now" counts are taken back and their
//! counts at the period's end added. The result equals
//! [`super::live_buckets`] over the whole period (tested).

use super::{Bucket, DAY_MS, GroupBy, Live, OFFSET_MS, Period, live_buckets, units_sql};
use crate::{Db, Result, on_pool};

/// The rollup's counts of `units` over `period` (local days of receipt), by
/// key and local days of receipt and finish, as they stand now.
async fn rollup_buckets(
    db: &Db,
    units: &[i64],
    period: &Period,
    by: GroupBy,
    fee_procedures: &[i64],
) -> Result<Vec<Bucket>> {
    let fee = if fee_procedures.is_empty() {
        "0".to_string()
    } else {
        let ids: Vec<String> = fee_procedures.iter().map(i64::to_string).collect();
        format!("SUM(CASE WHEN procedure_id IN ({}) THEN received ELSE 0 END)", ids.join(", "))
    };
    let sums: Vec<String> = [
        "received",
        "online",
        "early",
        "on_time",
        "late",
        "ended",
        "open_on_time",
        "open_overdue",
        "fin",
        "fin_rec_minutes",
        "fin_fin_minutes",
        "fin_paused",
        "v_on_time",
        "v_late",
        "v_pending_ok",
        "v_pending_late",
        "online_766",
        "paper_done",
        "paper_e_result",
        "disliked",
        "digitised",
    ]
    .iter()
    .map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}"))
    .collect();
    let sql = format!(
        "SELECT {key} AS k, rday AS day, fday, {sums}, CAST({fee} AS BIGINT) AS fee_dossiers
         FROM dossier_rollup
         WHERE {units} AND rday >= $1 AND rday <= $2
         GROUP BY 1, 2, 3",
        key = by.key_sql(),
        sums = sums.join(", "),
        units = units_sql(units),
    );
    let (first, last) = ((period.start_ms() + OFFSET_MS) / DAY_MS, (period.end_ms() - 1 + OFFSET_MS) / DAY_MS);
    // Not kept prepared: the text is per scope (inlined unit ids), and on
    // SQLite a re-run cached statement measured several times slower here.
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Bucket>(&sql)
        .persistent(false).bind(first).bind(last).fetch_all(p).await?))
}

/// The counts of `units` over `period`, judged at its end: the rollup, with
/// the dossiers whose horizon reaches the period's end recounted live.
/// Equal to [`live_buckets`] with [`Live::All`], bucket sums alike.
pub(crate) async fn buckets(
    db: &Db,
    units: &[i64],
    period: &Period,
    by: GroupBy,
    fee_procedures: &[i64],
) -> Result<Vec<Bucket>> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = rollup_buckets(db, units, period, by, fee_procedures).await?;
    let now = live_buckets(db, units, period, by, fee_procedures, Live::Horizon(i64::MAX)).await?;
    out.extend(now.into_iter().map(Bucket::negated));
    out.extend(live_buckets(db, units, period, by, fee_procedures, Live::Horizon(period.end_ms())).await?);
    Ok(out)
}
