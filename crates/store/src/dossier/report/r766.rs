//! The Decision 766 preview of a unit subtree over a period, from local data.
//!
//! The dossier items come from the same counts as the dossier report (the
//! rollup, [`super::rollup`], which also counts the digitised dossiers and
//! the dislikes) plus one narrow count: the dossiers paid online (paid bills
//! linked to a dossier). [`report_766_live`] computes the same from the
//! dossiers themselves, the reference for tests. The catalogue items come from
//! the procedure versions valid on the period's last day. The counts go into
//! [`domain::report766::Inputs`] and [`domain::report766::report`] scores
//! them under the configuration: the defaults ([`Config766::default`]) with
//! the overrides of the `report766.config` setting ([`config766`]).
//!
//! What "the period's dossiers" means here: the dossiers received in it
//! (2.1, 3.3, 3.6, 4.2, 5.4), and of those the finished ones for 2.2 and
//! 4.1. Choices the sources leave open, made explicit:
//! - 2.1 is judged against the due date without extensions
//!   ([`domain::dossier::DueBasis::WithoutExtension`]); a dossier waiting on
//!   a supplement is finished at its request, taken as its last change
//!   (`updated_at`: nothing else changes a dossier in status 5); more than
//!   one supplement request makes it late; no due date is on time.
//! - 3.3 has no sync data yet (no 1.4), so its factor is 1.
//! - 3.6's fee procedures are the catalogue versions with a non-zero fee; a
//!   dossier is paid online when a bill linked to it is paid (transfers).
//! - 5.4's complaint share is the portal's; locally the dislikes count: the
//!   dossiers their applicant rated 1 or 2 stars on the tracking page
//!   ([`crate::dossier::rating`]), beside the late share.
//! - 1.3 and 3.1 count the whole catalogue valid on the last day (the
//!   catalogue is the installation's; it records no competent unit).

use std::collections::BTreeMap;

use domain::dossier::OnlineLevel;
use domain::report766::{
    Bands, Config766, EmptyRule, Inputs, Item, OnTimeCounts, OnlineDossierCounts, PaymentCounts, ProcessingTimes,
    Ratio, Report, Rule, SatisfactionCounts,
};
use serde::{Deserialize, Serialize};

use super::{Bucket, GroupBy, Live, Period, live_buckets, processing_minutes, rollup, units_sql};
use crate::{Db, Error, Result, on_pool, settings};

/// The settings key of the 766 configuration overrides (JSON).
pub const CONFIG_KEY: &str = "report766.config";

/// Overrides of the defaults, as stored: every field optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Overrides {
    version: Option<String>,
    #[serde(default)]
    rules: BTreeMap<Item, Rule>,
    bands: Option<Bands>,
    empty: Option<EmptyRule>,
}

/// The configuration in force: the defaults with the `report766.config`
/// setting's overrides (`{"version", "rules": {"2.1": {max, scoring, status}},
/// "bands": {excellent, good, fair, average}, "empty"}`, every field optional).
///
/// # Errors
/// [`Error::Invalid`] when the setting is not valid JSON of that shape.
pub async fn config766(db: &Db) -> Result<Config766> {
    let mut cfg = Config766::default();
    let Some(text) = settings::get(db, CONFIG_KEY).await? else {
        return Ok(cfg);
    };
    let o: Overrides = serde_json::from_str(&text)
        .map_err(|e| Error::Invalid(format!("cấu hình {CONFIG_KEY} không hợp lệ (invalid 766 configuration): {e}")))?;
    if let Some(v) = o.version {
        cfg.version = v;
    }
    cfg.rules.extend(o.rules);
    if let Some(b) = o.bands {
        cfg.bands = b;
    }
    if let Some(e) = o.empty {
        cfg.empty = e;
    }
    Ok(cfg)
}

/// The preview with what it was computed over.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report766 {
    /// The period.
    pub period: Period,
    /// The counts that went in.
    pub inputs: Inputs,
    /// The scored indicators and the total.
    pub report: Report,
    /// The configuration's version.
    pub config_version: String,
}

/// A catalogue version's parts, as the 766 items read them.
#[derive(Debug, sqlx::FromRow)]
struct CatalogueRow {
    name: String,
    agency: String,
    time_unit: String,
    time_value: Option<i64>,
    online_level: String,
    documents: String,
    steps: String,
}

/// The catalogue valid on the period's last day.
async fn catalogue(db: &Db, period: &Period) -> Result<Vec<CatalogueRow>> {
    let day = domain::time::format_date(period.to);
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, CatalogueRow>(
        "SELECT name, agency, time_unit, time_value, online_level, documents, steps FROM procedures
         WHERE valid_from <= $1 AND (valid_to IS NULL OR valid_to >= $1)")
        .bind(&day)
        .fetch_all(p)
        .await?))
}

/// Whether a JSON list is non-empty.
fn has_items(json: &str) -> bool {
    serde_json::from_str::<Vec<serde_json::Value>>(json).is_ok_and(|v| !v.is_empty())
}

/// 1.3: published with name, time limit, agency, documents and steps.
fn complete(r: &CatalogueRow) -> bool {
    let timed = r.time_unit == "none" || r.time_value.is_some_and(|v| v > 0);
    !r.name.trim().is_empty() && !r.agency.trim().is_empty() && timed && has_items(&r.documents) && has_items(&r.steps)
}

/// The ids of the procedure versions with a non-zero fee (for 3.6's denominator).
async fn fee_procedures(db: &Db) -> Result<Vec<i64>> {
    let rows: Vec<(i64, String)> =
        on_pool!(db.reader(), p => sqlx::query_as("SELECT id, fees FROM procedures").fetch_all(p).await?);
    Ok(rows
        .into_iter()
        .filter(|(_, fees)| {
            serde_json::from_str::<Vec<crate::procedure::FeeLine>>(fees).is_ok_and(|v| v.iter().any(|f| f.amount != 0))
        })
        .map(|(id, _)| id)
        .collect())
}

/// Dossiers received in the period that a paid bill links to. Read from the
/// paid bills linked to a dossier (few beside the dossiers), each looked up
/// by its dossier's code.
async fn paid_online(db: &Db, units: &[i64], period: &Period) -> Result<i64> {
    let sql = format!(
        "SELECT COUNT(DISTINCT b.dossier_code) FROM bills b
         WHERE b.status = 'paid' AND b.dossier_code IS NOT NULL
           AND EXISTS (SELECT 1 FROM dossiers d WHERE d.code = b.dossier_code
                       AND d.{} AND d.received_at >= $1 AND d.received_at < $2)",
        units_sql(units)
    );
    Ok(on_pool!(db.reader(), p => sqlx::query_scalar::<_, i64>(&sql)
        .bind(period.start_ms()).bind(period.end_ms()).fetch_one(p).await?))
}

fn u(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The counts of every dossier item, summed over the buckets.
fn dossier_inputs(b: &[Bucket], minutes: i64, paid: i64) -> Inputs {
    let sum = |f: fn(&Bucket) -> i64| -> u64 { u(b.iter().map(f).sum()) };
    let received = sum(|x| x.received);
    let on_time = OnTimeCounts {
        on_time: sum(|x| x.v_on_time),
        late: sum(|x| x.v_late),
        pending_within_time: sum(|x| x.v_pending_ok),
        pending_late: sum(|x| x.v_pending_late),
    };
    let finished = sum(|x| x.fin);
    Inputs {
        on_time: Some(on_time),
        processing_time: Some(ProcessingTimes {
            total: minutes as f64 / super::DAY_MINUTES as f64,
            completed: finished,
        }),
        online_dossiers: Some(OnlineDossierCounts { online: sum(|x| x.online_766), received }),
        online_payments: Some(PaymentCounts {
            paid_online: u(paid),
            fee_dossiers: sum(|x| x.fee_dossiers),
            zero_fee_dossiers: 0,
        }),
        electronic_results: Some(Ratio { numerator: sum(|x| x.paper_e_result), denominator: sum(|x| x.paper_done) }),
        digitised: Some(Ratio { numerator: sum(|x| x.digitised), denominator: received }),
        satisfaction: Some(SatisfactionCounts {
            dossiers: received,
            late: on_time.late + on_time.pending_late,
            complained_or_disliked: sum(|x| x.disliked),
        }),
        ..Inputs::default()
    }
}

/// The Decision 766 preview of `units` over `period`, its dossier counts
/// from the rollup ([`rollup`]).
pub async fn report_766(db: &Db, units: &[i64], period: Period) -> Result<Report766> {
    let fees = fee_procedures(db).await?;
    let b = rollup::buckets(db, units, &period, GroupBy::None, &fees).await?;
    report_766_from(db, units, period, &b).await
}

/// The same preview counted live from the dossiers, without the rollup: the
/// reference the rollup must equal (tests, and checking a database).
pub async fn report_766_live(db: &Db, units: &[i64], period: Period) -> Result<Report766> {
    let fees = fee_procedures(db).await?;
    let b = live_buckets(db, units, &period, GroupBy::None, &fees, Live::All).await?;
    let mut r = report_766_from(db, units, period, &b).await?;
    // 5.4's dislikes as the rating module counts them, independently.
    if let Some(s) = r.inputs.satisfaction.as_mut() {
        s.complained_or_disliked = u(crate::dossier::rating::disliked(db, units, &period).await?);
        r.report = domain::report766::report(&r.inputs, &config766(db).await?);
    }
    Ok(r)
}

/// The preview from the dossier counts `b` of `units` over `period`.
async fn report_766_from(db: &Db, units: &[i64], period: Period, b: &[Bucket]) -> Result<Report766> {
    let cfg = config766(db).await?;
    let minutes: i64 = processing_minutes(b, |_, _| String::new()).values().sum();
    let paid = if units.is_empty() { 0 } else { paid_online(db, units, &period).await? };
    let mut inputs = dossier_inputs(b, minutes, paid);
    let cat = catalogue(db, &period).await?;
    let n = cat.len() as u64;
    inputs.complete_publication =
        Some(Ratio { numerator: cat.iter().filter(|r| complete(r)).count() as u64, denominator: n });
    let online =
        |r: &&CatalogueRow| crate::procedure::parse_online_level(&r.online_level).is_some_and(OnlineLevel::is_online);
    inputs.online_procedures = Some(Ratio { numerator: cat.iter().filter(online).count() as u64, denominator: n });
    let report = domain::report766::report(&inputs, &cfg);
    Ok(Report766 { period, inputs, report, config_version: cfg.version })
}
