//! Queue statistics for a center over a period: the visit event log read
//! back and folded by `domain::queue::stats` (queue.md §3, §6 rule 7),
//! broken down by service, counter, officer, local day and hour, with each
//! counter's idle time and the average satisfaction score.

use std::collections::HashMap;

use domain::queue::stats::{Event, Stats, VisitSummary, group_by, idle_ms, summarize};
use domain::queue::{EventKind, local_day, local_hour};
use serde::Serialize;

use crate::{Db, Result, on_pool};

/// A gap between two transactions of a counter longer than this is a break, not idle time.
pub const MAX_IDLE_GAP_MS: i64 = 30 * 60_000;

/// Statistics of a center over a period.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Start of the period (UTC ms, inclusive).
    pub from_ms: i64,
    /// End of the period (UTC ms, exclusive).
    pub to_ms: i64,
    /// Every visit created in the period.
    pub total: Stats,
    /// Per service code.
    pub by_service: Vec<(String, Stats)>,
    /// Per counter code.
    pub by_counter: Vec<(String, Stats)>,
    /// Per officer (user id).
    pub by_officer: Vec<(i64, Stats)>,
    /// Per local day of creation (`YYYY-MM-DD`).
    pub by_day: Vec<(String, Stats)>,
    /// Per local hour of creation (0–23).
    pub by_hour: Vec<(u32, Stats)>,
    /// Idle time per counter code (ms).
    pub idle_ms: Vec<(String, i64)>,
    /// Ratings given, and their average score (4 best).
    pub ratings: i64,
    /// Average rating score, if any.
    pub avg_rating: Option<f64>,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    visit_id: i64,
    at: i64,
    kind: String,
    service_id: i64,
    counter_id: Option<i64>,
    officer_id: Option<i64>,
}

/// The events of the visits of a center created in `[from_ms, to_ms)`, oldest first.
pub async fn events_in(db: &Db, center_id: i64, from_ms: i64, to_ms: i64) -> Result<Vec<Event>> {
    let rows = on_pool!(db.reader(), p => sqlx::query_as::<_, EventRow>(
        "SELECT e.visit_id, e.at, e.kind, e.service_id, e.counter_id, e.officer_id
         FROM queue_events e JOIN queue_visits v ON v.id = e.visit_id
         WHERE v.center_id = $1 AND v.created_at >= $2 AND v.created_at < $3
         ORDER BY e.id")
        .bind(center_id)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(p)
        .await?);
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Event {
                visit_id: r.visit_id,
                at_ms: r.at,
                kind: EventKind::parse(&r.kind)?,
                service_id: r.service_id,
                counter_id: r.counter_id,
                officer_id: r.officer_id,
            })
        })
        .collect())
}

/// The statistics of a center for the visits created in `[from_ms, to_ms)`.
pub async fn report(db: &Db, center_id: i64, from_ms: i64, to_ms: i64) -> Result<Report> {
    let events = events_in(db, center_id, from_ms, to_ms).await?;
    let services = super::services(db, center_id).await?;
    let counters = super::counters(db, center_id).await?;
    let targets: HashMap<i64, i64> = services.iter().map(|s| (s.id, s.target_wait_min * 60_000)).collect();
    let target = |sid: i64| targets.get(&sid).copied();
    let visits = summarize(&events);
    let breakdown = |key: &dyn Fn(&VisitSummary) -> Option<i64>| -> Vec<(i64, Stats)> {
        group_by(&visits, key).into_iter().map(|(k, v)| (k, Stats::compute(&v, target))).collect()
    };
    let service_code =
        |id: i64| services.iter().find(|s| s.id == id).map_or_else(|| id.to_string(), |s| s.code.clone());
    let counter_code =
        |id: i64| counters.iter().find(|c| c.id == id).map_or_else(|| id.to_string(), |c| c.code.clone());
    let (ratings, avg): (i64, Option<f64>) = on_pool!(db.reader(), p => sqlx::query_as(
        "SELECT COUNT(*), CAST(AVG(CAST(r.score AS DOUBLE PRECISION)) AS DOUBLE PRECISION)
         FROM queue_ratings r JOIN queue_visits v ON v.id = r.visit_id
         WHERE v.center_id = $1 AND v.created_at >= $2 AND v.created_at < $3")
        .bind(center_id)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_one(p)
        .await?);
    Ok(Report {
        from_ms,
        to_ms,
        total: Stats::compute(&visits, target),
        by_service: breakdown(&|v| Some(v.service_id)).into_iter().map(|(k, s)| (service_code(k), s)).collect(),
        by_counter: breakdown(&|v| v.counter_id).into_iter().map(|(k, s)| (counter_code(k), s)).collect(),
        by_officer: breakdown(&|v| v.officer_id),
        by_day: group_by(&visits, |v| Some(local_day(v.created_ms)))
            .into_iter()
            .map(|(d, v)| (d, Stats::compute(&v, target)))
            .collect(),
        by_hour: group_by(&visits, |v| Some(local_hour(v.created_ms)))
            .into_iter()
            .map(|(h, v)| (h, Stats::compute(&v, target)))
            .collect(),
        idle_ms: idle_ms(&events, MAX_IDLE_GAP_MS).into_iter().map(|(k, ms)| (counter_code(k), ms)).collect(),
        ratings,
        avg_rating: avg,
    })
}
