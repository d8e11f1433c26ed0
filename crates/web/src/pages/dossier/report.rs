//! `/dossiers/reports`: the reports page for leaders and officers. For a unit
//! within the user's scope (its subtree and predecessors) and a period of
//! local dates (this year by default), grouped by unit, field, procedure or
//! month: received, online share, early / on time / late with the on-time
//! rate, ended, in progress, and the average processing time in working
//! days, with the stacked bars drawn as SVG ([`documents::chart`]); then the
//! Decision 766 preview (numerator, denominator, rate, points, maximum per
//! indicator, and the total with its band). The figures come from the same
//! store functions as `api/report.rs` ([`store::dossier::report`]); the XLSX
//! links are that API's downloads. The page prints without its controls.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use documents::chart::{BarChart, Series};
use documents::table::Cell;
use serde::Deserialize;
use store::dossier::report::{Counts, GroupBy, Period};

use super::inbox::Choice;
use crate::auth::{CurrentUser, Principal};
use crate::error::{AppError, urlencode};
use crate::i18n::Lang;
use crate::pages::area::DOSSIERS;
use crate::pages::queue::stats::show as number;
use crate::pages::{PageCtx, render_form};
use crate::state::AppState;

/// The bars drawn at most (the table shows every row).
const CHART_ROWS: usize = 12;

/// The page's query.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ReportQuery {
    /// Unit code.
    #[serde(default)]
    pub unit: String,
    /// First day, `YYYY-MM-DD` or `dd/MM/yyyy`.
    #[serde(default)]
    pub from: String,
    /// Last day.
    #[serde(default)]
    pub to: String,
    /// `unit`, `field`, `procedure`, `month`.
    #[serde(default)]
    pub by: String,
}

/// One row of the timeliness table, formatted.
pub struct RowView {
    /// What the row counts.
    pub label: String,
    /// Received.
    pub received: String,
    /// Online share.
    pub online_rate: String,
    /// Early.
    pub early: String,
    /// On time.
    pub on_time: String,
    /// Late.
    pub late: String,
    /// On-time rate.
    pub on_time_rate: String,
    /// Refused, withdrawn, stopped.
    pub ended: String,
    /// In progress within time.
    pub open_ok: String,
    /// In progress overdue.
    pub open_late: String,
    /// Average working days.
    pub average: String,
}

/// One 766 indicator, formatted.
pub struct IndicatorView {
    /// "2.1".
    pub id: String,
    /// Name.
    pub name: String,
    /// Numerator.
    pub numerator: String,
    /// Denominator.
    pub denominator: String,
    /// Rate.
    pub rate: String,
    /// Points.
    pub points: String,
    /// Maximum.
    pub max: String,
    /// Points are an estimate.
    pub estimated: bool,
}

#[derive(Template)]
#[template(path = "dossier/report.html")]
struct ReportPage {
    ctx: PageCtx,
    q: ReportQuery,
    units: Vec<Choice>,
    error: String,
    unit_name: String,
    period: String,
    rows: Vec<RowView>,
    total: Option<RowView>,
    chart: String,
    indicators: Vec<IndicatorView>,
    score: String,
    points: String,
    max: String,
    band: String,
    config_version: String,
    xlsx_rows: String,
    xlsx_766: String,
}

fn opt(lang: Lang, v: Option<f64>, decimals: u8) -> String {
    v.map_or_else(|| "—".to_string(), |x| number(lang, &Cell::Decimal(x, decimals)))
}

fn pct(lang: Lang, v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |x| format!("{} %", number(lang, &Cell::Decimal(x, 2))))
}

fn row_view(lang: Lang, label: &str, c: &Counts) -> RowView {
    let int = |n: i64| number(lang, &Cell::Int(n));
    RowView {
        label: label.to_string(),
        received: int(c.received),
        online_rate: pct(lang, c.online_rate()),
        early: int(c.early),
        on_time: int(c.on_time),
        late: int(c.late),
        on_time_rate: pct(lang, c.on_time_rate()),
        ended: int(c.ended),
        open_ok: int(c.in_progress_on_time),
        open_late: int(c.in_progress_overdue),
        average: opt(lang, c.average_working_days(), 2),
    }
}

/// The user's granted units (codes), for the unit choice; a grant over every
/// unit offers the top-level units.
async fn unit_choices(st: &AppState, p: &Principal, today: NaiveDate) -> Result<Vec<Choice>, AppError> {
    let grants: Vec<_> = p.grants.iter().filter(|g| DOSSIERS.0.contains(&g.role)).collect();
    let mut out: Vec<Choice> = Vec::new();
    if grants.iter().any(|g| g.unit_id.is_none()) {
        for u in store::unit::valid_on(&st.db, today).await?.into_iter().filter(|u| u.parent_id.is_none()) {
            out.push(Choice { label: format!("{} ({})", u.full_name(), u.code), value: u.code });
        }
    }
    for g in grants {
        if let Some(id) = g.unit_id {
            let u = store::unit::get(&st.db, id).await?;
            if !out.iter().any(|c| c.value == u.code) {
                out.push(Choice { label: format!("{} ({})", u.full_name(), u.code), value: u.code });
            }
        }
    }
    Ok(out)
}

fn date_or(s: &str, default: NaiveDate, lang: Lang) -> Result<NaiveDate, String> {
    match s.trim() {
        "" => Ok(default),
        t => domain::time::parse_date(t).ok_or_else(|| format!("{} {t:?}", lang.t("dossier.report.bad_date"))),
    }
}

/// The chart of early, on-time and late dossiers per row.
fn chart(lang: Lang, rows: &[store::dossier::report::Row]) -> String {
    let shown: Vec<_> = rows.iter().take(CHART_ROWS).collect();
    if shown.iter().all(|r| r.counts.finished() == 0) {
        return String::new();
    }
    let series = |key: &str, f: fn(&Counts) -> i64| Series {
        label: lang.t(key).to_string(),
        values: shown.iter().map(|r| f(&r.counts) as f64).collect(),
    };
    BarChart {
        id: "timeliness".into(),
        title: lang.t("dossier.report.chart").to_string(),
        desc: lang.t("dossier.report.chart_desc").to_string(),
        categories: shown.iter().map(|r| r.label.clone()).collect(),
        series: vec![
            series("dossier.timeliness.early", |c| c.early),
            series("dossier.timeliness.on_time", |c| c.on_time),
            series("dossier.timeliness.late", |c| c.late),
        ],
        target: None,
        decimals: 0,
        decimal_comma: lang == Lang::Vi,
    }
    .svg()
}

/// `GET /dossiers/reports`.
pub async fn show(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Query(mut q): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let today = crate::api::dossier::today();
    let units = unit_choices(&st, &p, today).await?;
    if q.unit.trim().is_empty() {
        q.unit = units.first().map(|c| c.value.clone()).unwrap_or_default();
    }
    if q.by.trim().is_empty() {
        q.by = "unit".into();
    }
    let mut view = ReportPage {
        ctx,
        units,
        error: String::new(),
        unit_name: String::new(),
        period: String::new(),
        rows: Vec::new(),
        total: None,
        chart: String::new(),
        indicators: Vec::new(),
        score: String::new(),
        points: String::new(),
        max: String::new(),
        band: String::new(),
        config_version: String::new(),
        xlsx_rows: String::new(),
        xlsx_766: String::new(),
        q: q.clone(),
    };
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let dates = date_or(&q.from, year_start, lang).and_then(|f| Ok((f, date_or(&q.to, today, lang)?)));
    let by = GroupBy::parse(q.by.trim());
    let (from, to, by) = match (dates, by) {
        (Ok((f, t)), Some(by)) => (f, t, by),
        (Err(e), _) => {
            view.error = e;
            return render_form(&view, true);
        }
        (_, None) => {
            view.error = lang.t("dossier.report.bad_by").to_string();
            return render_form(&view, true);
        }
    };
    let period = match Period::new(from, to) {
        Ok(p) => p,
        Err(e) => {
            view.error = crate::error::refusal(e)?;
            return render_form(&view, true);
        }
    };
    let code = q.unit.trim();
    let unit = match store::unit::by_code(&st.db, code, to).await? {
        Some(u) => Some(u),
        None => store::unit::versions_of_code(&st.db, code).await?.pop(),
    };
    let Some(unit) = unit else {
        view.error = format!("{} {code:?}", lang.t("dossier.report.no_unit"));
        return render_form(&view, true);
    };
    p.require_unit(&st, unit.id, DOSSIERS.0).await?;
    let scope = store::unit::scope_units(&st.db, &[unit.id]).await?;
    let r = store::dossier::report::report(&st.db, &scope, period, by).await?;
    let r766 = store::dossier::report::report_766(&st.db, &scope, period).await?;
    let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    (view.q.from, view.q.to) = (iso(from), iso(to));
    let query = format!("unit={}&from={}&to={}", urlencode(&unit.code), iso(from), iso(to));
    view.xlsx_rows = format!("/api/v1/reports/dossiers.xlsx?{query}&by={}", urlencode(q.by.trim()));
    view.xlsx_766 = format!("/api/v1/reports/766.xlsx?{query}");
    view.unit_name = format!("{} ({})", unit.full_name(), unit.code);
    view.period = format!("{} – {}", domain::time::format_date(from), domain::time::format_date(to));
    view.rows = r.rows.iter().map(|row| row_view(lang, &row.label, &row.counts)).collect();
    view.total = Some(row_view(lang, lang.t("dossier.report.total"), &r.total));
    view.chart = chart(lang, &r.rows);
    view.indicators = r766
        .report
        .indicators
        .iter()
        .map(|i| IndicatorView {
            id: i.id.id().to_string(),
            name: i.id.name_vi().to_string(),
            numerator: number(lang, &Cell::Decimal(i.numerator, 2)),
            denominator: number(lang, &Cell::Decimal(i.denominator, 2)),
            rate: opt(lang, i.rate, 2),
            points: opt(lang, i.points, 2),
            max: number(lang, &Cell::Decimal(i.max, 2)),
            estimated: i.estimated,
        })
        .collect();
    view.points = number(lang, &Cell::Decimal(r766.report.total, 2));
    view.max = number(lang, &Cell::Decimal(r766.report.max, 2));
    view.score = opt(lang, r766.report.score, 2);
    view.band = r766.report.band.map(|b| b.label_vi().to_string()).unwrap_or_default();
    view.config_version = r766.config_version.clone();
    render_form(&view, false)
}
