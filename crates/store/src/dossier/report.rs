//! Dossier reports: received / early / on time / late / in progress counts,
//! online share and average working processing time of the dossiers of a
//! unit subtree received in a period of local (UTC+7) dates, grouped by
//! unit, field, procedure or month; and (in [`r766`]) the Decision 766
//! preview built from the same aggregate.
//!
//! **A rollup, recounted at the edge.** A report sums the trigger-kept
//! rollup of migration 0015 ([`rollup`]): per unit, local day of receipt,
//! local day of finish and procedure, the counts of its dossiers as they
//! stand now. The few dossiers of the period that could read differently at
//! its end (a timestamp at or after it) are recounted live
//! ([`live_buckets`]) and their "now" counts replaced. No dossier row
//! crosses to Rust: at most (keys × days × finish days) buckets do. The
//! same report counted live over every dossier ([`report_live`],
//! [`r766::report_766_live`]) is the reference the tests hold it to.
//!
//! **Working time without a per-dossier round trip.** The working minutes
//! between receipt and finish are `W(finish) − W(receipt) − paused`, where
//! `W(t)` = working days before t's local day × 480 + the office minutes of
//! that day up to t (0 on a day off). The office minutes of a time of day
//! are a `CASE` over the default office hours (07:00–11:30, 13:30–17:00,
//! [`calendar::OfficeHours::DEFAULT`]) computed in SQL and summed per day;
//! the working days before each day come from the working calendar in Rust.
//! Σ W over a bucket is then exact, so the average is the one the domain's
//! working-time arithmetic gives dossier by dossier (less the cut-off rule,
//! which the catalogue does not set).
//!
//! **Verdicts.** A finished dossier (processing finished before the period
//! end) carries the verdict stored at completion (`timeliness`: early, on
//! time, late — by local date, late after a second supplement request); one
//! refused, withdrawn or stopped is "ended"; the rest are in progress,
//! overdue when their due date is before the period end.

pub mod r766;
pub mod rollup;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::{Db, Error, Result, on_pool};

pub use r766::{Report766, config766, report_766};

/// Milliseconds of UTC+7.
const OFFSET_MS: i64 = 7 * 3_600_000;
/// Milliseconds of a day.
const DAY_MS: i64 = 86_400_000;
/// Office minutes of a working day (the default office hours).
pub const DAY_MINUTES: i64 = 480;

/// A reporting period: local dates `from` to `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

impl Period {
    /// A period, checked: `from` ≤ `to`, at most ten years.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Period> {
        if from > to {
            return Err(Error::Invalid(
                "ngày bắt đầu phải trước hoặc bằng ngày kết thúc (from must not be after to)".into(),
            ));
        }
        if (to - from).num_days() > 3660 {
            return Err(Error::Invalid("kỳ báo cáo dài quá 10 năm (the period is longer than 10 years)".into()));
        }
        Ok(Period { from, to })
    }

    /// The first instant (UTC ms).
    pub fn start_ms(&self) -> i64 {
        domain::time::local_day_start_ms(self.from)
    }

    /// The instant after the last day (UTC ms, exclusive).
    pub fn end_ms(&self) -> i64 {
        domain::time::local_day_start_ms(self.to) + DAY_MS
    }
}

/// How a report's rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// By receiving unit.
    Unit,
    /// By field (lĩnh vực).
    Field,
    /// By procedure code.
    Procedure,
    /// By local month of receipt.
    Month,
    /// One row for everything.
    None,
}

impl GroupBy {
    /// Parses `unit`, `field`, `procedure`, `month`.
    pub fn parse(s: &str) -> Option<GroupBy> {
        match s {
            "unit" => Some(GroupBy::Unit),
            "field" => Some(GroupBy::Field),
            "procedure" => Some(GroupBy::Procedure),
            "month" => Some(GroupBy::Month),
            _ => None,
        }
    }

    /// The SQL of the grouping key (text).
    fn key_sql(self) -> &'static str {
        match self {
            GroupBy::Unit => "CAST(unit_id AS TEXT)",
            GroupBy::Field => "field",
            GroupBy::Procedure => "procedure_code",
            GroupBy::Month | GroupBy::None => "''",
        }
    }
}

/// The counts of one row of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    /// Received in the period.
    pub received: i64,
    /// Of those, filed online (channel 2).
    pub online: i64,
    /// Finished before the due date (by local date).
    pub early: i64,
    /// Finished on the due date.
    pub on_time: i64,
    /// Finished after it (or after a second supplement request).
    pub late: i64,
    /// Refused, withdrawn or stopped.
    pub ended: i64,
    /// Not finished, due at or after the period end (or no due date).
    pub in_progress_on_time: i64,
    /// Not finished, due before the period end.
    pub in_progress_overdue: i64,
    /// Σ working minutes from receipt to finish, less paused time, of the finished ones.
    pub processing_minutes: i64,
}

impl Counts {
    /// Finished (early + on time + late).
    pub fn finished(&self) -> i64 {
        self.early + self.on_time + self.late
    }

    /// Early or on time, in percent of the finished; `None` if none finished.
    pub fn on_time_rate(&self) -> Option<f64> {
        pct(self.early + self.on_time, self.finished())
    }

    /// Online, in percent of the received.
    pub fn online_rate(&self) -> Option<f64> {
        pct(self.online, self.received)
    }

    /// Average processing time in working days (8 h), of the finished.
    pub fn average_working_days(&self) -> Option<f64> {
        let n = self.finished();
        (n > 0).then(|| round2(self.processing_minutes as f64 / n as f64 / DAY_MINUTES as f64))
    }

    fn add(&mut self, o: &Counts) {
        self.received += o.received;
        self.online += o.online;
        self.early += o.early;
        self.on_time += o.on_time;
        self.late += o.late;
        self.ended += o.ended;
        self.in_progress_on_time += o.in_progress_on_time;
        self.in_progress_overdue += o.in_progress_overdue;
        self.processing_minutes += o.processing_minutes;
    }
}

/// `n / d` in percent, 2 decimals.
pub(crate) fn pct(n: i64, d: i64) -> Option<f64> {
    (d > 0).then(|| round2(n as f64 * 100.0 / d as f64))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// One row: the key, what it shows, and its counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Unit code, field, procedure code or `YYYY-MM`.
    pub key: String,
    /// Unit name, field, procedure code or `MM/YYYY`.
    pub label: String,
    /// The counts.
    pub counts: Counts,
}

/// A grouped dossier report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DossierReport {
    /// The period.
    pub period: Period,
    /// The grouping.
    pub by: GroupBy,
    /// Rows, by key.
    pub rows: Vec<Row>,
    /// All rows together.
    pub total: Counts,
}

/// The office minutes of the local time of day of the instant `t` (SQL).
fn office_minutes_sql(t: &str) -> String {
    let tod = format!("((({t}) + {OFFSET_MS}) % {DAY_MS}) / 60000");
    format!(
        "CASE WHEN {tod} < 420 THEN 0 WHEN {tod} < 690 THEN {tod} - 420 WHEN {tod} < 810 THEN 270 \
         WHEN {tod} < 1020 THEN {tod} - 540 ELSE 480 END"
    )
}

/// The `unit_id IN (…)` of a unit list (ids from the database, inlined as integers).
pub(crate) fn units_sql(units: &[i64]) -> String {
    let ids: Vec<String> = units.iter().map(i64::to_string).collect();
    format!("unit_id IN ({})", ids.join(", "))
}

/// The counts of one key and local day of receipt, as the aggregate returns them.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub(crate) struct Bucket {
    pub k: String,
    pub day: i64,
    /// Local day of finish of the finished ones (-1 for the others).
    pub fday: i64,
    pub received: i64,
    pub online: i64,
    pub early: i64,
    pub on_time: i64,
    pub late: i64,
    pub ended: i64,
    pub open_on_time: i64,
    pub open_overdue: i64,
    /// Finished: their count, Σ office minutes of the receipt's and of the
    /// finish's time of day, Σ paused minutes.
    pub fin: i64,
    pub fin_rec_minutes: i64,
    pub fin_fin_minutes: i64,
    pub fin_paused: i64,
    /// Decision 766 item 2.1 tally.
    pub v_on_time: i64,
    pub v_late: i64,
    pub v_pending_ok: i64,
    pub v_pending_late: i64,
    /// Item 3.3: online and (an e-result where the result is on paper).
    pub online_766: i64,
    /// Item 4.1: finished with a paper result; of those with an e-result.
    pub paper_done: i64,
    pub paper_e_result: i64,
    /// Item 3.6: dossiers of fee-bearing procedures.
    pub fee_dossiers: i64,
    /// Item 5.4: rated at most [`crate::dossier::rating::DISLIKE_AT_MOST`] stars.
    pub disliked: i64,
    /// Item 4.2: with a component file and, where the result is on paper, an e-result.
    pub digitised: i64,
}

impl Bucket {
    /// The same counts taken back (to subtract a recount).
    pub(crate) fn negated(mut self) -> Bucket {
        for v in [
            &mut self.received,
            &mut self.online,
            &mut self.early,
            &mut self.on_time,
            &mut self.late,
            &mut self.ended,
            &mut self.open_on_time,
            &mut self.open_overdue,
            &mut self.fin,
            &mut self.fin_rec_minutes,
            &mut self.fin_fin_minutes,
            &mut self.fin_paused,
            &mut self.v_on_time,
            &mut self.v_late,
            &mut self.v_pending_ok,
            &mut self.v_pending_late,
            &mut self.online_766,
            &mut self.paper_done,
            &mut self.paper_e_result,
            &mut self.fee_dossiers,
            &mut self.disliked,
            &mut self.digitised,
        ] {
            *v = -*v;
        }
        self
    }
}

/// Which dossiers a live count reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Live {
    /// All those received in the period, judged at its end.
    All,
    /// Those whose report horizon is at or after the period's end (see
    /// [`rollup`]), judged at the instant given (UTC ms; `i64::MAX` for
    /// "as they stand now", the rollup's view).
    Horizon(i64),
}

/// The live aggregate: dossiers of `units` received in `period`, by key,
/// local day of receipt and local day of finish, read from the dossiers
/// themselves. `fee_procedures` are the procedure ids with fees.
pub(crate) async fn live_buckets(
    db: &Db,
    units: &[i64],
    period: &Period,
    by: GroupBy,
    fee_procedures: &[i64],
    which: Live,
) -> Result<Vec<Bucket>> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    // $1, $2: the period; $3: the instant the dossiers are judged at.
    let fin = "(finished_at IS NOT NULL AND finished_at < $3)";
    let ended = format!("(NOT {fin} AND ended_at IS NOT NULL AND ended_at < $3)");
    let open = format!("(NOT {fin} AND NOT {ended})");
    let finish766 = "COALESCE(finished_at, returned_at, ended_at, CASE WHEN status = 5 THEN updated_at END)";
    let done766 = format!("({finish766} IS NOT NULL AND {finish766} < $3)");
    let ok_done = format!(
        "(supplement_count <= 1 AND (due_without_extension_at IS NULL OR {finish766} <= due_without_extension_at))"
    );
    let ok_open = "(supplement_count <= 1 AND (due_without_extension_at IS NULL OR due_without_extension_at >= $3))";
    let paper = "result_type IN ('paper', 'paper_and_electronic')";
    let electronic = "(result_type = 'electronic' OR has_e_result)";
    let fee = if fee_procedures.is_empty() {
        "0".to_string()
    } else {
        let ids: Vec<String> = fee_procedures.iter().map(i64::to_string).collect();
        format!("SUM(CASE WHEN procedure_id IN ({}) THEN 1 ELSE 0 END)", ids.join(", "))
    };
    let n = |cond: &str| format!("CAST(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END) AS BIGINT)");
    // The recount reads the horizon's index: `+received_at` keeps SQLite's
    // planner off the (much wider) range of receipt dates.
    let (as_of, received, horizon) = match which {
        Live::All => (period.end_ms(), "received_at", ""),
        Live::Horizon(at) => (at, "+received_at", " AND report_horizon >= $2"),
    };
    let sql = format!(
        "SELECT {key} AS k, (received_at + {OFFSET_MS}) / {DAY_MS} AS day,
            CASE WHEN {fin} THEN (finished_at + {OFFSET_MS}) / {DAY_MS} ELSE -1 END AS fday,
            COUNT(*) AS received,
            {online} AS online,
            {early} AS early, {on_time} AS on_time, {late} AS late, {ended_n} AS ended,
            {open_on_time} AS open_on_time, {open_overdue} AS open_overdue,
            {fin_n} AS fin,
            CAST(SUM(CASE WHEN {fin} THEN {rec_minutes} ELSE 0 END) AS BIGINT) AS fin_rec_minutes,
            CAST(SUM(CASE WHEN {fin} THEN {fin_minutes} ELSE 0 END) AS BIGINT) AS fin_fin_minutes,
            CAST(SUM(CASE WHEN {fin} THEN paused_minutes ELSE 0 END) AS BIGINT) AS fin_paused,
            {v_on_time} AS v_on_time, {v_late} AS v_late, {v_pending_ok} AS v_pending_ok,
            {v_pending_late} AS v_pending_late,
            {online_766} AS online_766, {paper_done} AS paper_done, {paper_e} AS paper_e_result,
            CAST({fee} AS BIGINT) AS fee_dossiers,
            {disliked} AS disliked, {digitised} AS digitised
         FROM dossiers d
         WHERE {units} AND {received} >= $1 AND {received} < $2{horizon}
         GROUP BY 1, 2, 3",
        key = by.key_sql(),
        online = n("channel = 2"),
        early = n(&format!("{fin} AND timeliness = 'early'")),
        on_time = n(&format!("{fin} AND COALESCE(timeliness, 'on_time') = 'on_time'")),
        late = n(&format!("{fin} AND timeliness = 'late'")),
        ended_n = n(&ended),
        open_on_time = n(&format!("{open} AND (due_at IS NULL OR due_at >= $3)")),
        open_overdue = n(&format!("{open} AND due_at < $3")),
        fin_n = n(fin),
        rec_minutes = office_minutes_sql("received_at"),
        fin_minutes = office_minutes_sql("finished_at"),
        v_on_time = n(&format!("{done766} AND {ok_done}")),
        v_late = n(&format!("{done766} AND NOT {ok_done}")),
        v_pending_ok = n(&format!("NOT {done766} AND {ok_open}")),
        v_pending_late = n(&format!("NOT {done766} AND NOT {ok_open}")),
        online_766 = n(&format!("channel = 2 AND {electronic}")),
        paper_done = n(&format!("{fin} AND {paper}")),
        paper_e = n(&format!("{fin} AND {paper} AND has_e_result")),
        disliked = n(&format!("rating IS NOT NULL AND rating <= {}", super::rating::DISLIKE_AT_MOST)),
        digitised = n(&format!(
            "{electronic} AND EXISTS (SELECT 1 FROM dossier_files f WHERE f.dossier_id = d.id AND f.purpose = 'component')"
        )),
        units = units_sql(units),
    );
    let (start, end) = (period.start_ms(), period.end_ms());
    Ok(
        on_pool!(db.reader(), p => sqlx::query_as::<_, Bucket>(&sql).persistent(false).bind(start).bind(end).bind(as_of).fetch_all(p).await?),
    )
}

/// The local date of a day number (days since 1970-01-01).
fn date_of_day(day: i64) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(day + 719_163).unwrap_or(719_163)).unwrap_or_default()
}

/// `W` at the start of a local day: working days before it × 480, and
/// whether the day itself is a working day.
fn day_weight(day: i64) -> (i64, bool) {
    let d = date_of_day(day);
    let Ok(cd) = calendar::Date::from_ymd(d.year(), d.month(), d.day()) else {
        return (0, false);
    };
    let cal = super::work_calendar();
    (cal.working_days_before(cd) * DAY_MINUTES, cal.is_working_day(cd))
}

/// Working minutes from receipt to finish of every finished dossier, per
/// key: Σ W(finish) − Σ W(receipt) − Σ paused (linear in the buckets, so a
/// bucket taken back counts negatively).
fn processing_minutes(buckets: &[Bucket], key: impl Fn(&str, i64) -> String) -> BTreeMap<String, i64> {
    let mut out: BTreeMap<String, i64> = BTreeMap::new();
    let mut days: std::collections::HashMap<i64, (i64, bool)> = std::collections::HashMap::new();
    let mut weight = |day: i64, n: i64, minutes: i64| {
        let (before, working) = *days.entry(day).or_insert_with(|| day_weight(day));
        n * before + if working { minutes } else { 0 }
    };
    for b in buckets {
        if b.fin == 0 && b.fin_rec_minutes == 0 && b.fin_fin_minutes == 0 && b.fin_paused == 0 {
            continue;
        }
        let m = weight(b.fday, b.fin, b.fin_fin_minutes) - weight(b.day, b.fin, b.fin_rec_minutes) - b.fin_paused;
        *out.entry(key(&b.k, b.day)).or_default() += m;
    }
    out
}

/// The month key (`YYYY-MM`) of a local day number.
fn month_of(day: i64) -> String {
    date_of_day(day).format("%Y-%m").to_string()
}

/// The grouped dossier report of `units` over `period`, from the rollup
/// (see [`rollup`]).
pub async fn report(db: &Db, units: &[i64], period: Period, by: GroupBy) -> Result<DossierReport> {
    let b = rollup::buckets(db, units, &period, by, &[]).await?;
    report_from(db, &b, period, by).await
}

/// The same report counted live from the dossiers, without the rollup: the
/// reference the rollup must equal (tests, and checking a database).
pub async fn report_live(db: &Db, units: &[i64], period: Period, by: GroupBy) -> Result<DossierReport> {
    let b = live_buckets(db, units, &period, by, &[], Live::All).await?;
    report_from(db, &b, period, by).await
}

/// The report's rows from its buckets.
async fn report_from(db: &Db, b: &[Bucket], period: Period, by: GroupBy) -> Result<DossierReport> {
    let mut rows: BTreeMap<String, Counts> = BTreeMap::new();
    let key_of = |k: &str, day: i64| if by == GroupBy::Month { month_of(day) } else { k.to_string() };
    for x in b {
        rows.entry(key_of(&x.k, x.day)).or_default().add(&Counts {
            received: x.received,
            online: x.online,
            early: x.early,
            on_time: x.on_time,
            late: x.late,
            ended: x.ended,
            in_progress_on_time: x.open_on_time,
            in_progress_overdue: x.open_overdue,
            processing_minutes: 0,
        });
    }
    for (k, m) in processing_minutes(b, key_of) {
        rows.entry(k).or_default().processing_minutes += m;
    }
    // A key whose dossiers were all taken back by the recount has no row.
    rows.retain(|_, c| *c != Counts::default());
    let mut total = Counts::default();
    rows.values().for_each(|c| total.add(c));
    let labels = labels(db, by, rows.keys()).await?;
    let rows = rows
        .into_iter()
        .map(|(key, counts)| {
            let (key, label) = labels.get(&key).cloned().unwrap_or_else(|| (key.clone(), key));
            Row { key, label, counts }
        })
        .collect();
    Ok(DossierReport { period, by, rows, total })
}

/// Keys shown: unit ids become (code, name); months `MM/YYYY`.
async fn labels<'a>(
    db: &Db,
    by: GroupBy,
    keys: impl Iterator<Item = &'a String>,
) -> Result<BTreeMap<String, (String, String)>> {
    let mut out = BTreeMap::new();
    for k in keys {
        let shown = match by {
            GroupBy::Unit => match k.parse::<i64>() {
                Ok(id) => {
                    let u = crate::unit::get(db, id).await?;
                    (u.code.clone(), u.full_name())
                }
                Err(_) => (k.clone(), k.clone()),
            },
            GroupBy::Month => {
                let label = k.split_once('-').map_or_else(|| k.clone(), |(y, m)| format!("{m}/{y}"));
                (k.clone(), label)
            }
            _ => (k.clone(), k.clone()),
        };
        out.insert(k.clone(), shown);
    }
    Ok(out)
}
