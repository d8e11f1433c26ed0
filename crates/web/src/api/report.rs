//! API: dossier reports and the Decision 766 preview of a unit subtree over
//! a period of local dates, as JSON or XLSX.
//!
//! `GET /api/v1/reports/766` and `GET /api/v1/reports/dossiers` (`by=unit|
//! field|procedure|month`); `format=xlsx` or the `.xlsx` routes give the same
//! figures as a spreadsheet (one [`documents::table::Sheet`], so the file and
//! the JSON come from one computation). Callers hold a dossier role (desk
//! officer, processor, leader, administrator) over the unit. The unit code is
//! taken as of the period's last day, or its latest version if it no longer
//! existed then, so a former district still reports on its old communes. The
//! counting is [`store::dossier::report`]'s.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use documents::table::{Cell, Sheet};
use serde::{Deserialize, Serialize};
use store::dossier::report::{Counts, DossierReport, GroupBy, Period, Report766};
use utoipa::{IntoParams, ToSchema};

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::pages::area::DOSSIERS;
use crate::state::AppState;

/// The content type of an XLSX download.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Which unit, which period, which grouping, which format.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ReportQuery {
    /// Unit code; its subtree (and predecessors) are counted.
    pub unit: Option<String>,
    /// First day, `YYYY-MM-DD` (local).
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` (local, included).
    pub to: Option<String>,
    /// Dossier report only: `unit`, `field`, `procedure` or `month` (default `unit`).
    pub by: Option<String>,
    /// `json` (default) or `xlsx`.
    pub format: Option<String>,
}

/// The unit a report is about.
struct Target {
    code: String,
    name: String,
    units: Vec<i64>,
    period: Period,
}

fn date(v: Option<&str>, what: &str) -> Result<NaiveDate, AppError> {
    let s = v.map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| {
        AppError::Unprocessable(format!("thiếu tham số {what} dạng YYYY-MM-DD ({what} is required, as YYYY-MM-DD)"))
    })?;
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        AppError::Unprocessable(format!(
            "{what} không phải ngày hợp lệ dạng YYYY-MM-DD: {s:?} ({what} is not a valid date)"
        ))
    })
}

/// Resolves the unit and period, and checks the caller's scope over the unit.
async fn target(st: &AppState, p: &crate::auth::Principal, q: &ReportQuery) -> Result<Target, AppError> {
    let from = date(q.from.as_deref(), "from")?;
    let to = date(q.to.as_deref(), "to")?;
    let period = Period::new(from, to)?;
    let code = q
        .unit
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| AppError::Unprocessable("thiếu tham số unit (mã đơn vị) (unit is required)".into()))?;
    let unit = match store::unit::by_code(&st.db, code, to).await? {
        Some(u) => u,
        None => store::unit::versions_of_code(&st.db, code)
            .await?
            .pop()
            .ok_or_else(|| AppError::NotFound(format!("không có đơn vị mã {code} (no such unit)")))?,
    };
    p.require_unit(st, unit.id, DOSSIERS.0).await?;
    let units = store::unit::scope_units(&st.db, &[unit.id]).await?;
    Ok(Target { name: unit.full_name(), code: unit.code, units, period })
}

fn wants_xlsx(q: &ReportQuery) -> Result<bool, AppError> {
    match q.format.as_deref() {
        None | Some("json") => Ok(false),
        Some("xlsx") => Ok(true),
        Some(other) => Err(AppError::Unprocessable(format!(
            "định dạng {other:?} không hỗ trợ, dùng json hoặc xlsx (format must be json or xlsx)"
        ))),
    }
}

fn xlsx(sheets: &[Sheet], filename: &str) -> Result<Response, AppError> {
    let bytes = documents::xlsx::to_xlsx(sheets).map_err(|e| AppError::Internal(e.to_string()))?;
    let disposition = format!("attachment; filename=\"{filename}\"");
    Ok((
        [
            (header::CONTENT_TYPE, XLSX.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// One Decision 766 indicator.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorDto {
    /// Its number ("2.1").
    pub id: String,
    /// Its Vietnamese name.
    pub name: String,
    /// Group as the portal shows it ("1", "2", "3", "3b", "4", "5").
    pub group: String,
    /// Numerator.
    pub numerator: f64,
    /// Denominator.
    pub denominator: f64,
    /// Rate in percent (2.2: average working days); null with no denominator.
    pub rate: Option<f64>,
    /// Points; null when not scored.
    pub points: Option<f64>,
    /// Maximum points.
    pub max: f64,
    /// Whether the scoring rule is unconfirmed, so the points are an estimate.
    pub estimated: bool,
}

/// The total of the 766 preview.
#[derive(Debug, Serialize, ToSchema)]
pub struct TotalDto {
    /// Σ points of the scored indicators.
    pub points: f64,
    /// Σ their maxima.
    pub max: f64,
    /// Out of 100; null when nothing is scored.
    pub score: Option<f64>,
    /// Rating band (`excellent`, `good`, `fair`, `average`, `weak`) of the score.
    pub band: Option<String>,
    /// The band's Vietnamese label.
    pub band_label: Option<String>,
}

/// The Decision 766 preview.
#[derive(Debug, Serialize, ToSchema)]
pub struct Report766Dto {
    /// Unit code.
    pub unit: String,
    /// Unit name.
    pub unit_name: String,
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// The indicators computed from local data.
    pub indicators: Vec<IndicatorDto>,
    /// The total and its band.
    pub total: TotalDto,
    /// The configuration's version (`report766.config`).
    pub config_version: String,
}

fn dto_766(t: &Target, r: &Report766) -> Report766Dto {
    let indicators = r
        .report
        .indicators
        .iter()
        .map(|i| IndicatorDto {
            id: i.id.id().to_string(),
            name: i.id.name_vi().to_string(),
            group: i.id.group().to_string(),
            numerator: i.numerator,
            denominator: i.denominator,
            rate: i.rate,
            points: i.points,
            max: i.max,
            estimated: i.estimated,
        })
        .collect();
    let band = r.report.band;
    Report766Dto {
        unit: t.code.clone(),
        unit_name: t.name.clone(),
        from: domain::time::format_date(t.period.from),
        to: domain::time::format_date(t.period.to),
        indicators,
        total: TotalDto {
            points: r.report.total,
            max: r.report.max,
            score: r.report.score,
            band: band
                .map(|b| serde_json::to_value(b).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()),
            band_label: band.map(|b| b.label_vi().to_string()),
        },
        config_version: r.config_version.clone(),
    }
}

fn opt_num(v: Option<f64>, decimals: u8) -> Cell {
    v.map_or(Cell::Empty, |x| Cell::Decimal(x, decimals))
}

fn sheet_766(d: &Report766Dto) -> Sheet {
    let title = format!("Chỉ số 766 {} {}–{}", d.unit, d.from, d.to);
    let mut s = Sheet::new(title, ["Chỉ số", "Tên", "Tử số", "Mẫu số", "Tỷ lệ (%)", "Điểm", "Tối đa", "Ước tính"]);
    for i in &d.indicators {
        s.push(vec![
            Cell::text(&i.id),
            Cell::text(&i.name),
            Cell::Decimal(i.numerator, 2),
            Cell::Decimal(i.denominator, 2),
            opt_num(i.rate, 2),
            opt_num(i.points, 2),
            Cell::Decimal(i.max, 2),
            Cell::text(if i.estimated { "có" } else { "" }),
        ]);
    }
    s.push(vec![
        Cell::text("Tổng"),
        Cell::text(d.total.band_label.clone().unwrap_or_default()),
        Cell::Empty,
        Cell::Empty,
        opt_num(d.total.score, 2),
        Cell::Decimal(d.total.points, 2),
        Cell::Decimal(d.total.max, 2),
        Cell::Empty,
    ]);
    s
}

/// The Decision 766 preview of a unit subtree over a period.
#[utoipa::path(get, path = "/api/v1/reports/766", tag = "report", params(ReportQuery),
    responses((status = 200, body = Report766Dto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn report_766(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Query(q): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let as_xlsx = wants_xlsx(&q)?;
    let t = target(&st, &p, &q).await?;
    let r = store::dossier::report::report_766(&st.db, &t.units, t.period).await?;
    let d = dto_766(&t, &r);
    if as_xlsx {
        return xlsx(&[sheet_766(&d)], &format!("chi-so-766-{}-{}-{}.xlsx", d.unit, d.from, d.to));
    }
    Ok(axum::Json(d).into_response())
}

/// The Decision 766 preview as XLSX (same query as `/api/v1/reports/766`).
#[utoipa::path(get, path = "/api/v1/reports/766.xlsx", tag = "report", params(ReportQuery),
    responses((status = 200, description = "The report as a spreadsheet", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn report_766_xlsx(
    st: State<AppState>,
    p: CurrentUser,
    Query(mut q): Query<ReportQuery>,
) -> Result<Response, AppError> {
    q.format = Some("xlsx".into());
    report_766(st, p, Query(q)).await
}

/// One row of the dossier report.
#[derive(Debug, Serialize, ToSchema)]
pub struct DossierRowDto {
    /// Unit code, field, procedure code or `YYYY-MM`.
    pub key: String,
    /// What the key names.
    pub label: String,
    /// Received in the period.
    pub received: i64,
    /// Of those online (channel 2).
    pub online: i64,
    /// Online in percent of received.
    pub online_rate: Option<f64>,
    /// Finished early.
    pub early: i64,
    /// Finished on the due date.
    pub on_time: i64,
    /// Finished late.
    pub late: i64,
    /// Early or on time in percent of finished.
    pub on_time_rate: Option<f64>,
    /// Refused, withdrawn or stopped.
    pub ended: i64,
    /// In progress, within time at the period end.
    pub in_progress_on_time: i64,
    /// In progress, overdue at the period end.
    pub in_progress_overdue: i64,
    /// Average processing time of the finished, in working days.
    pub average_working_days: Option<f64>,
}

fn row_dto(key: &str, label: &str, c: &Counts) -> DossierRowDto {
    DossierRowDto {
        key: key.to_string(),
        label: label.to_string(),
        received: c.received,
        online: c.online,
        online_rate: c.online_rate(),
        early: c.early,
        on_time: c.on_time,
        late: c.late,
        on_time_rate: c.on_time_rate(),
        ended: c.ended,
        in_progress_on_time: c.in_progress_on_time,
        in_progress_overdue: c.in_progress_overdue,
        average_working_days: c.average_working_days(),
    }
}

/// The dossier report.
#[derive(Debug, Serialize, ToSchema)]
pub struct DossierReportDto {
    /// Unit code.
    pub unit: String,
    /// Unit name.
    pub unit_name: String,
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// The grouping.
    pub by: String,
    /// Rows.
    pub rows: Vec<DossierRowDto>,
    /// All rows together.
    pub total: DossierRowDto,
}

fn dto_dossiers(t: &Target, by: &str, r: &DossierReport) -> DossierReportDto {
    DossierReportDto {
        unit: t.code.clone(),
        unit_name: t.name.clone(),
        from: domain::time::format_date(t.period.from),
        to: domain::time::format_date(t.period.to),
        by: by.to_string(),
        rows: r.rows.iter().map(|row| row_dto(&row.key, &row.label, &row.counts)).collect(),
        total: row_dto("", "Tổng cộng", &r.total),
    }
}

fn sheet_dossiers(d: &DossierReportDto) -> Sheet {
    let title = format!("Hồ sơ {} {}–{}", d.unit, d.from, d.to);
    let mut s = Sheet::new(
        title,
        [
            "Mã",
            "Tên",
            "Tiếp nhận",
            "Trực tuyến",
            "Tỷ lệ trực tuyến (%)",
            "Trước hạn",
            "Đúng hạn",
            "Quá hạn",
            "Tỷ lệ đúng hạn (%)",
            "Dừng/từ chối/rút",
            "Đang xử lý trong hạn",
            "Đang xử lý quá hạn",
            "Thời gian TB (ngày làm việc)",
        ],
    );
    for r in d.rows.iter().chain(std::iter::once(&d.total)) {
        s.push(vec![
            Cell::text(&r.key),
            Cell::text(&r.label),
            Cell::Int(r.received),
            Cell::Int(r.online),
            r.online_rate.map_or(Cell::Empty, Cell::Percent),
            Cell::Int(r.early),
            Cell::Int(r.on_time),
            Cell::Int(r.late),
            r.on_time_rate.map_or(Cell::Empty, Cell::Percent),
            Cell::Int(r.ended),
            Cell::Int(r.in_progress_on_time),
            Cell::Int(r.in_progress_overdue),
            opt_num(r.average_working_days, 2),
        ]);
    }
    s
}

/// Dossier counts of a unit subtree over a period, grouped.
#[utoipa::path(get, path = "/api/v1/reports/dossiers", tag = "report", params(ReportQuery),
    responses((status = 200, body = DossierReportDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn dossiers(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Query(q): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let as_xlsx = wants_xlsx(&q)?;
    let by_name = q.by.as_deref().unwrap_or("unit");
    let by = GroupBy::parse(by_name).ok_or_else(|| {
        AppError::Unprocessable(format!("by phải là unit, field, procedure hoặc month: {by_name:?} (bad grouping)"))
    })?;
    let t = target(&st, &p, &q).await?;
    let r = store::dossier::report::report(&st.db, &t.units, t.period, by).await?;
    let d = dto_dossiers(&t, by_name, &r);
    if as_xlsx {
        return xlsx(&[sheet_dossiers(&d)], &format!("ho-so-{}-{}-{}-{by_name}.xlsx", d.unit, d.from, d.to));
    }
    Ok(axum::Json(d).into_response())
}

/// The dossier report as XLSX (same query as `/api/v1/reports/dossiers`).
#[utoipa::path(get, path = "/api/v1/reports/dossiers.xlsx", tag = "report", params(ReportQuery),
    responses((status = 200, description = "The report as a spreadsheet", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn dossiers_xlsx(
    st: State<AppState>,
    p: CurrentUser,
    Query(mut q): Query<ReportQuery>,
) -> Result<Response, AppError> {
    q.format = Some("xlsx".into());
    dossiers(st, p, Query(q)).await
}
