//! The statistics as one table model: the report grouped into
//! [`Breakdown`]s of typed [`Cell`]s, with summary figures and charts.
//! The page, the CSV and the XLSX all read it, so they always agree.

use std::collections::HashMap;

use documents::chart::{BarChart, Series, Target};
use documents::table::{Cell, Sheet};
use domain::queue::Stats;
use store::queue::stats::Report;
use store::queue::{Center, Service};

use super::Period;
use super::show;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;

/// One row of a breakdown.
#[derive(Debug, Clone)]
pub struct Row {
    /// What the row is about ("HT – Hộ tịch…", "Quầy 1", a name, a date, an hour).
    pub label: String,
    /// Its figures.
    pub stats: Stats,
    /// The service's waiting target (minutes), in the service breakdown.
    pub target_min: Option<i64>,
    /// The counter's idle time (ms), in the counter breakdown.
    pub idle_ms: Option<i64>,
}

/// The figures grouped one way.
#[derive(Debug, Clone)]
pub struct Breakdown {
    /// Anchor and chart id.
    pub id: &'static str,
    /// Title ("Theo dịch vụ").
    pub title: &'static str,
    /// Header of the label column ("Dịch vụ").
    pub key_header: &'static str,
    /// Whether rows carry a target column.
    pub has_target: bool,
    /// Whether rows carry an idle-time column.
    pub has_idle: bool,
    /// Rows.
    pub rows: Vec<Row>,
}

/// Everything the page and the exports show for a center and a period.
pub struct StatsData {
    /// The center.
    pub center: Center,
    /// The period.
    pub period: Period,
    /// The report.
    pub report: Report,
    /// Its services.
    pub services: Vec<Service>,
    /// The breakdowns, in page order.
    pub breakdowns: Vec<Breakdown>,
}

const METRIC_KEYS: [&str; 10] = [
    "qstats.col.arrived",
    "qstats.col.called",
    "qstats.col.served",
    "qstats.col.no_show",
    "qstats.col.open",
    "qstats.col.avg_wait",
    "qstats.col.max_wait",
    "qstats.col.avg_service",
    "qstats.col.over",
    "qstats.col.over_pct",
];

/// The figures of a row as cells, in [`METRIC_KEYS`] order. Averages of
/// nothing are empty, not zero.
fn metric_cells(s: &Stats) -> Vec<Cell> {
    let called = s.called > 0;
    vec![
        s.arrived.into(),
        s.called.into(),
        s.served.into(),
        s.no_show.into(),
        s.open.into(),
        if called { Cell::minutes_from_ms(s.avg_wait_ms) } else { Cell::Empty },
        if called { Cell::minutes_from_ms(s.max_wait_ms) } else { Cell::Empty },
        if s.served > 0 { Cell::minutes_from_ms(s.avg_service_ms) } else { Cell::Empty },
        s.over_target.into(),
        if called { Cell::Percent(s.over_target_pct) } else { Cell::Empty },
    ]
}

impl Breakdown {
    /// Column headers in the language, label column first.
    pub(super) fn headers(&self, lang: Lang) -> Vec<String> {
        let mut h = vec![lang.t(self.key_header).to_string()];
        h.extend(METRIC_KEYS.iter().map(|k| lang.t(k).to_string()));
        if self.has_target {
            h.push(lang.t("qstats.col.target").to_string());
        }
        if self.has_idle {
            h.push(lang.t("qstats.col.idle").to_string());
        }
        h
    }

    /// A row's cells after the label, matching [`Self::headers`].
    pub(super) fn cells(&self, r: &Row) -> Vec<Cell> {
        let mut c = metric_cells(&r.stats);
        if self.has_target {
            c.push(r.target_min.map_or(Cell::Empty, Cell::Int));
        }
        if self.has_idle {
            c.push(r.idle_ms.map_or(Cell::Empty, Cell::minutes_from_ms));
        }
        c
    }
}

impl StatsData {
    /// Runs the report and groups it.
    pub async fn load(st: &AppState, center: Center, period: Period) -> Result<StatsData, AppError> {
        let (from_ms, to_ms) = period.utc_ms();
        let report = store::queue::stats::report(&st.db, center.id, from_ms, to_ms).await?;
        let services = store::queue::services(&st.db, center.id).await?;
        let counters = store::queue::counters(&st.db, center.id).await?;
        let mut officers = HashMap::new();
        for (id, _) in &report.by_officer {
            let name = match store::user::get(&st.db, *id).await {
                Ok(u) => u.display_name,
                Err(store::Error::NotFound(_)) => format!("#{id}"),
                Err(e) => return Err(e.into()),
            };
            officers.insert(*id, name);
        }
        let row = |label: String, stats: &Stats| Row { label, stats: stats.clone(), target_min: None, idle_ms: None };
        let by_service = report
            .by_service
            .iter()
            .map(|(code, s)| match services.iter().find(|x| &x.code == code) {
                Some(x) => Row { target_min: Some(x.target_wait_min), ..row(format!("{code} – {}", x.name), s) },
                None => row(code.clone(), s),
            })
            .collect();
        let idle: HashMap<&str, i64> = report.idle_ms.iter().map(|(c, ms)| (c.as_str(), *ms)).collect();
        // In the report's order (counter ids), so "Quầy 10" follows "Quầy 9".
        let by_counter: Vec<Row> = report
            .by_counter
            .iter()
            .map(|(code, s)| (code.as_str(), s.clone()))
            .chain(
                // Counters that were idle but ended no visit still show their idle time.
                report
                    .idle_ms
                    .iter()
                    .filter(|(c, _)| !report.by_counter.iter().any(|(k, _)| k == c))
                    .map(|(c, _)| (c.as_str(), Stats::default())),
            )
            .map(|(code, s)| {
                let label =
                    counters.iter().find(|k| k.code == code).map_or_else(|| code.to_string(), |k| k.name.clone());
                Row { idle_ms: Some(idle.get(code).copied().unwrap_or(0)), ..row(label, &s) }
            })
            .collect();
        let mut by_officer: Vec<Row> =
            report.by_officer.iter().map(|(id, s)| row(officers.get(id).cloned().unwrap_or_default(), s)).collect();
        by_officer.sort_by_key(|r| domain::text::search_key(&r.label));
        let by_day = report.by_day.iter().map(|(d, s)| row(date_label(d), s)).collect();
        let by_hour = report.by_hour.iter().map(|(h, s)| row(format!("{h:02}:00–{:02}:00", h + 1), s)).collect();
        let b = |id, title, key_header, rows| Breakdown {
            id,
            title,
            key_header,
            has_target: id == "by-service",
            has_idle: id == "by-counter",
            rows,
        };
        let breakdowns = vec![
            b("by-service", "qstats.by_service", "qstats.col.service", by_service),
            b("by-counter", "qstats.by_counter", "qstats.col.counter", by_counter),
            b("by-officer", "qstats.by_officer", "qstats.col.officer", by_officer),
            b("by-day", "qstats.by_day", "qstats.col.day", by_day),
            b("by-hour", "qstats.by_hour", "qstats.col.hour", by_hour),
        ];
        Ok(StatsData { center, period, report, services, breakdowns })
    }

    /// The summary figures: (label key, value, how it was computed).
    pub(super) fn summary(&self, lang: Lang) -> Vec<(&'static str, Cell, String)> {
        let t = &self.report.total;
        let share = |n: u64| {
            let pct = if t.arrived > 0 { 100.0 * n as f64 / t.arrived as f64 } else { 0.0 };
            lang.t("qstats.note.share")
                .replace("{pct}", &show(lang, &Cell::Percent(pct)))
                .replace("{n}", &show(lang, &Cell::from(t.arrived)))
        };
        let over_called = |key: &str| {
            lang.t(key)
                .replace("{k}", &show(lang, &Cell::from(t.over_target)))
                .replace("{n}", &show(lang, &Cell::from(t.called)))
                .replace("{pct}", &show(lang, &Cell::Percent(t.service_level_pct)))
        };
        let metrics = metric_cells(t);
        let rating = self.report.avg_rating.map_or(Cell::Empty, |r| Cell::Decimal(r, 1));
        vec![
            ("qstats.card.arrived", metrics[0].clone(), lang.t("qstats.note.arrived").to_string()),
            ("qstats.card.served", metrics[2].clone(), share(t.served)),
            ("qstats.card.no_show", metrics[3].clone(), share(t.no_show)),
            ("qstats.card.avg_wait", metrics[5].clone(), over_called("qstats.note.called")),
            ("qstats.card.max_wait", metrics[6].clone(), over_called("qstats.note.called")),
            (
                "qstats.card.avg_service",
                metrics[7].clone(),
                lang.t("qstats.note.served").replace("{n}", &show(lang, &Cell::from(t.served))),
            ),
            ("qstats.card.over", metrics[9].clone(), over_called("qstats.note.over")),
            (
                "qstats.card.rating",
                rating,
                lang.t("qstats.note.rating").replace("{n}", &show(lang, &Cell::Int(self.report.ratings))),
            ),
        ]
    }

    /// The XLSX: a summary sheet, then one sheet per breakdown.
    pub fn sheets(&self, lang: Lang) -> Vec<Sheet> {
        let t = &self.report.total;
        let mut summary = Sheet::new(lang.t("qstats.summary"), [lang.t("qstats.figure"), lang.t("qstats.value")]);
        let p = self.period;
        for (k, v) in [
            ("qstats.center", Cell::text(&self.center.name)),
            ("qstats.code", Cell::text(&self.center.code)),
            ("qstats.from", Cell::text(domain::time::format_date(p.from))),
            ("qstats.to", Cell::text(domain::time::format_date(p.to))),
        ] {
            summary.push(vec![lang.t(k).into(), v]);
        }
        for (k, v) in METRIC_KEYS.iter().zip(metric_cells(t)) {
            summary.push(vec![lang.t(k).into(), v]);
        }
        let service_level = if t.called > 0 { Cell::Percent(t.service_level_pct) } else { Cell::Empty };
        summary.push(vec![lang.t("qstats.service_level").into(), service_level]);
        summary.push(vec![lang.t("qstats.ratings").into(), Cell::Int(self.report.ratings)]);
        let rating = self.report.avg_rating.map_or(Cell::Empty, |r| Cell::Decimal(r, 2));
        summary.push(vec![lang.t("qstats.avg_rating").into(), rating]);
        let mut out = vec![summary];
        for b in &self.breakdowns {
            let mut s = Sheet::new(lang.t(b.title), b.headers(lang));
            for r in &b.rows {
                let mut cells = vec![Cell::text(&r.label)];
                cells.extend(b.cells(r));
                s.push(cells);
            }
            out.push(s);
        }
        out
    }

    /// The CSV: one long sheet, the total first, then every breakdown's rows
    /// under a "breakdown" column, so a filter in Excel selects one table.
    pub fn long_sheet(&self, lang: Lang) -> Sheet {
        let mut headers = vec![lang.t("qstats.col.group").to_string(), lang.t("qstats.col.item").to_string()];
        headers.extend(METRIC_KEYS.iter().map(|k| lang.t(k).to_string()));
        headers.push(lang.t("qstats.col.target").to_string());
        headers.push(lang.t("qstats.col.idle").to_string());
        let mut s = Sheet::new(lang.t("qstats.summary"), headers);
        let mut total = vec![lang.t("qstats.total").into(), Cell::text(&self.center.name)];
        total.extend(metric_cells(&self.report.total));
        s.push(total);
        for b in &self.breakdowns {
            for r in &b.rows {
                let mut cells = vec![lang.t(b.title).into(), Cell::text(&r.label)];
                cells.extend(metric_cells(&r.stats));
                cells.push(r.target_min.map_or(Cell::Empty, Cell::Int));
                cells.push(r.idle_ms.map_or(Cell::Empty, Cell::minutes_from_ms));
                s.push(cells);
            }
        }
        s
    }

    /// Arrivals per local hour, stacked by outcome. Hours from 07 to 17
    /// always show, so days compare at a glance.
    pub(super) fn hour_chart(&self, lang: Lang) -> BarChart {
        let by_hour: HashMap<u32, &Stats> = self.report.by_hour.iter().map(|(h, s)| (*h, s)).collect();
        let first = by_hour.keys().copied().min().unwrap_or(7).min(7);
        let last = by_hour.keys().copied().max().unwrap_or(17).max(17);
        let hours: Vec<u32> = (first..=last).collect();
        let series = |key: &str, f: fn(&Stats) -> u64| Series {
            label: lang.t(key).to_string(),
            values: hours.iter().map(|h| by_hour.get(h).map_or(0.0, |s| f(s) as f64)).collect(),
        };
        BarChart {
            id: "chart-hours".into(),
            title: lang.t("qstats.chart.hours").into(),
            desc: self.chart_desc(lang, "qstats.chart.hours.desc"),
            categories: hours.iter().map(|h| format!("{h:02}")).collect(),
            series: vec![
                series("qstats.col.served", |s| s.served),
                series("qstats.col.no_show", |s| s.no_show),
                series("qstats.col.open", |s| s.open),
            ],
            target: None,
            decimals: 0,
            decimal_comma: lang == Lang::Vi,
        }
    }

    /// Average wait per service (minutes) against the service's target.
    pub(super) fn wait_chart(&self, lang: Lang) -> BarChart {
        let rows = &self.report.by_service;
        let target = |code: &str| self.services.iter().find(|s| s.code == code).map(|s| s.target_wait_min as f64);
        BarChart {
            id: "chart-wait".into(),
            title: lang.t("qstats.chart.wait").into(),
            desc: self.chart_desc(lang, "qstats.chart.wait.desc"),
            categories: rows.iter().map(|(c, _)| c.clone()).collect(),
            series: vec![Series {
                label: lang.t("qstats.col.avg_wait").into(),
                values: rows.iter().map(|(_, s)| s.avg_wait_ms as f64 / 60_000.0).collect(),
            }],
            target: Some(Target {
                label: lang.t("qstats.target").into(),
                values: rows.iter().map(|(c, _)| target(c)).collect(),
            }),
            decimals: 1,
            decimal_comma: lang == Lang::Vi,
        }
    }

    fn chart_desc(&self, lang: Lang, key: &str) -> String {
        lang.t(key).replace("{center}", &self.center.name).replace("{period}", &self.period.label())
    }
}

fn date_label(iso: &str) -> String {
    domain::time::parse_date(iso).map_or_else(|| iso.to_string(), domain::time::format_date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_of_the_page_is_translated() {
        let keys = METRIC_KEYS.iter().copied().chain([
            "qstats.col.target",
            "qstats.col.idle",
            "qstats.col.group",
            "qstats.col.item",
            "qstats.col.service",
            "qstats.col.counter",
            "qstats.col.officer",
            "qstats.col.day",
            "qstats.col.hour",
            "qstats.by_service",
            "qstats.by_counter",
            "qstats.by_officer",
            "qstats.by_day",
            "qstats.by_hour",
            "qstats.total",
            "qstats.summary",
            "qstats.figure",
            "qstats.value",
            "qstats.center",
            "qstats.code",
            "qstats.from",
            "qstats.to",
            "qstats.service_level",
            "qstats.ratings",
            "qstats.avg_rating",
            "qstats.card.arrived",
            "qstats.card.served",
            "qstats.card.no_show",
            "qstats.card.avg_wait",
            "qstats.card.max_wait",
            "qstats.card.avg_service",
            "qstats.card.over",
            "qstats.card.rating",
            "qstats.note.arrived",
            "qstats.note.share",
            "qstats.note.called",
            "qstats.note.served",
            "qstats.note.over",
            "qstats.note.rating",
            "qstats.chart.hours",
            "qstats.chart.hours.desc",
            "qstats.chart.wait",
            "qstats.chart.wait.desc",
            "qstats.target",
            "qstats.minutes",
            "qstats.period",
            "qstats.err.date",
            "qstats.err.order",
            "qstats.err.long",
        ]);
        for k in keys {
            for lang in [Lang::Vi, Lang::En] {
                assert_ne!(lang.t(k), "??", "{k} is missing");
            }
        }
    }
}
