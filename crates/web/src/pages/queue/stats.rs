//! Queue statistics of a center over a period of local days (queue.md §3):
//! the page with summary figures, SVG charts and tables by service, counter,
//! officer, day and hour, and the same figures as CSV and XLSX downloads.
//!
//! The figures come from `store::queue::stats::report`; this module only
//! shapes them. `period` reads `?from&to`; `model` groups the report
//! into one table model ([`Breakdown`] rows of typed
//! [`documents::table::Cell`]s) that feeds the page, the CSV and the XLSX,
//! so the three always agree; this file holds the handlers and the page's
//! view. Durations are minutes with one decimal everywhere.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use documents::table::Cell;
use store::queue::Center;

use crate::auth::{CurrentUser, Principal};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::area::QUEUE;
use crate::pages::{PageCtx, render};
use crate::state::AppState;

mod model;
mod period;

pub use model::{Breakdown, Row, StatsData};
pub use period::{MAX_DAYS, Period, PeriodError, PeriodQuery};

/// Finds the center and checks the user may work its queue (404, then 403).
async fn center_for(st: &AppState, p: &Principal, code: &str) -> Result<Center, AppError> {
    let center = store::queue::center_by_code(&st.db, code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("không có trung tâm mã {code} (no such center)")))?;
    p.require_unit(st, center.unit_id, QUEUE.0).await?;
    Ok(center)
}

/// A cell as the page shows it: grouped thousands, the language's decimal
/// separator, "—" for nothing.
pub fn show(lang: Lang, c: &Cell) -> String {
    let (group, point) = if lang == Lang::Vi { ('.', ',') } else { (',', '.') };
    let decimal = |v: f64, d: usize| {
        let s = format!("{:.d$}", v.abs());
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        let mut out = String::new();
        if v < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
            out.push('-');
        }
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(group);
            }
            out.push(ch);
        }
        if !frac.is_empty() {
            out.push(point);
            out.push_str(frac);
        }
        out
    };
    match c {
        Cell::Empty => "—".to_string(),
        Cell::Text(s) => s.clone(),
        Cell::Int(n) => decimal(*n as f64, 0),
        Cell::Decimal(v, d) => decimal(*v, usize::from(*d)),
        Cell::Percent(v) => format!("{} %", decimal(*v, 1)),
        Cell::Minutes(v) => decimal(*v, 1),
    }
}

/// A summary figure as a card.
pub struct Card {
    /// Label.
    pub label: &'static str,
    /// Value, with its unit.
    pub value: String,
    /// Numerator, denominator or scale behind it.
    pub note: String,
}

/// A breakdown as a table of display strings.
pub struct TableView {
    /// Anchor.
    pub id: &'static str,
    /// Title.
    pub title: &'static str,
    /// Headers (the first heads the row-header column).
    pub headers: Vec<String>,
    /// Rows: the label, then the cells.
    pub rows: Vec<(String, Vec<String>)>,
}

/// What the page shows once the period is valid.
pub struct View {
    /// Summary cards.
    pub cards: Vec<Card>,
    /// Arrivals per hour (SVG).
    pub hour_chart: String,
    /// Average wait per service (SVG).
    pub wait_chart: String,
    /// The tables.
    pub tables: Vec<TableView>,
    /// Whether any visit arrived in the period.
    pub any: bool,
}

impl View {
    fn of(data: &StatsData, lang: Lang) -> View {
        let minutes = lang.t("qstats.minutes");
        let cards = data
            .summary(lang)
            .into_iter()
            .map(|(key, cell, note)| {
                let value = match &cell {
                    Cell::Minutes(_) => format!("{} {minutes}", show(lang, &cell)),
                    Cell::Decimal(..) => format!("{} / 4", show(lang, &cell)),
                    _ => show(lang, &cell),
                };
                Card { label: lang.t(key), value, note }
            })
            .collect();
        let tables = data
            .breakdowns
            .iter()
            .map(|b| TableView {
                id: b.id,
                title: lang.t(b.title),
                headers: b.headers(lang),
                rows: b
                    .rows
                    .iter()
                    .map(|r| (r.label.clone(), b.cells(r).iter().map(|c| show(lang, c)).collect()))
                    .collect(),
            })
            .collect();
        View {
            cards,
            hour_chart: data.hour_chart(lang).svg(),
            wait_chart: data.wait_chart(lang).svg(),
            tables,
            any: data.report.total.arrived > 0,
        }
    }
}

#[derive(Template)]
#[template(path = "queue/stats.html")]
struct StatsPage {
    ctx: PageCtx,
    center: Center,
    from: String,
    to: String,
    period: String,
    query: String,
    error: Option<PeriodError>,
    view: Option<View>,
}

impl StatsPage {
    fn invalid(&self, field: &str) -> bool {
        self.error.as_ref().is_some_and(|e| e.field == field)
    }
}

/// `GET /queue/{center}/stats?from&to`: the statistics page. An unreadable
/// or out-of-bounds period shows the form again with the error, as 400/422.
pub async fn page(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let center = center_for(&st, &p, &code).await?;
    let today = domain::time::local_date(chrono::Utc::now());
    let lang = ctx.lang;
    match Period::parse(&q, today, lang) {
        Ok(period) => {
            let data = StatsData::load(&st, center.clone(), period).await?;
            let view = View::of(&data, lang);
            let days = lang.t("qstats.period").replace("{days}", &period.days().to_string());
            render(&StatsPage {
                ctx,
                center,
                from: period.from.format("%Y-%m-%d").to_string(),
                to: period.to.format("%Y-%m-%d").to_string(),
                period: format!("{} ({days})", period.label()),
                query: period.query(),
                error: None,
                view: Some(view),
            })
        }
        Err(e) => {
            let status = e.status;
            let page = StatsPage {
                ctx,
                center,
                from: q.from.clone().unwrap_or_default(),
                to: q.to.clone().unwrap_or_default(),
                period: String::new(),
                query: String::new(),
                error: Some(e),
                view: None,
            };
            Ok((status, render(&page)?).into_response())
        }
    }
}

/// Loads the data of an export, refusing a bad period with its message.
async fn export_data(
    st: &AppState,
    p: &Principal,
    code: &str,
    q: &PeriodQuery,
    lang: Lang,
) -> Result<StatsData, AppError> {
    let center = center_for(st, p, code).await?;
    let today = domain::time::local_date(chrono::Utc::now());
    let period = Period::parse(q, today, lang).map_err(|e| match e.status {
        StatusCode::BAD_REQUEST => AppError::BadRequest(e.message),
        _ => AppError::Unprocessable(e.message),
    })?;
    StatsData::load(st, center, period).await
}

fn download(bytes: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /queue/{center}/stats.csv?from&to`: the figures as one CSV (UTF-8 with BOM).
pub async fn csv(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let data = export_data(&st, &p, &code, &q, ctx.lang).await?;
    let bytes = documents::csv::to_csv(&data.long_sheet(ctx.lang)).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(bytes, "text/csv; charset=utf-8", &data.period.filename(&data.center.code, "csv")))
}

/// `GET /queue/{center}/stats.xlsx?from&to`: the figures as a workbook, one sheet per breakdown.
pub async fn xlsx(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let data = export_data(&st, &p, &code, &q, ctx.lang).await?;
    let bytes = documents::xlsx::to_xlsx(&data.sheets(ctx.lang)).map_err(|e| AppError::Internal(e.to_string()))?;
    let ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    Ok(download(bytes, ct, &data.period.filename(&data.center.code, "xlsx")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_show_in_the_language() {
        assert_eq!(show(Lang::Vi, &Cell::Int(1_250_000)), "1.250.000");
        assert_eq!(show(Lang::En, &Cell::Int(1_250_000)), "1,250,000");
        assert_eq!(show(Lang::Vi, &Cell::Minutes(12.34)), "12,3");
        assert_eq!(show(Lang::Vi, &Cell::Percent(8.26)), "8,3 %");
        assert_eq!(show(Lang::En, &Cell::Decimal(3.5, 1)), "3.5");
        assert_eq!(show(Lang::Vi, &Cell::Empty), "—");
        assert_eq!(show(Lang::Vi, &Cell::Int(-1234)), "-1.234");
    }
}
