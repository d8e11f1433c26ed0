//! API: the procedure catalogue as of a date.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::AppError;
use crate::pages::unit::as_of;
use crate::state::AppState;

/// One fee line, in đồng.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeeDto {
    /// What the fee is for ("Lệ phí").
    pub label: String,
    /// Amount in đồng.
    pub amount: i64,
}

/// A procedure version as the catalogue shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureDto {
    /// National TTHC code.
    pub code: String,
    /// Version number.
    pub version: i64,
    /// Name.
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// Level that performs it.
    pub level: String,
    /// Competent agency.
    pub agency: String,
    /// Processing time amount (absent without an appointment date).
    pub time_value: Option<u32>,
    /// Processing time unit: `working_days`, `working_hours`, `calendar_days` or `none`.
    pub time_unit: String,
    /// Processing time as written on a receipt ("5 ngày làm việc").
    pub time_label: String,
    /// Fee lines.
    pub fees: Vec<FeeDto>,
    /// Sum of the fee lines, in đồng.
    pub fee_total: i64,
    /// Online service level: `none`, `partial` or `full`.
    pub online_level: String,
    /// Kind of result: `paper`, `electronic` or `paper_and_electronic`.
    pub result_type: String,
    /// First valid day.
    pub valid_from: String,
    /// Last valid day, if closed.
    pub valid_to: Option<String>,
}

impl From<store::procedure::Procedure> for ProcedureDto {
    fn from(p: store::procedure::Procedure) -> Self {
        let unit = p.time.unit();
        ProcedureDto {
            fee_total: p.fee_total(),
            time_value: (unit != domain::dossier::TimeUnit::None).then(|| p.time.amount()),
            time_unit: unit.as_str().to_string(),
            time_label: p.time.label_vi(),
            online_level: p.online_level.as_str().to_string(),
            result_type: p.result_type.as_str().to_string(),
            fees: p.fees.into_iter().map(|f| FeeDto { label: f.label, amount: f.amount }).collect(),
            code: p.code,
            version: p.version,
            name: p.name,
            field: p.field,
            level: p.level,
            agency: p.agency,
            valid_from: p.valid_from,
            valid_to: p.valid_to,
        }
    }
}

/// Query by text and date.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ProcedureQuery {
    /// Text to search in names and codes, ignoring diacritics.
    pub q: Option<String>,
    /// The date (`YYYY-MM-DD`); today in Vietnam (UTC+7) by default.
    pub on: Option<String>,
}

/// The procedure catalogue valid on a date, optionally matching a search.
#[utoipa::path(get, path = "/api/v1/procedures", tag = "procedure", params(ProcedureQuery),
    responses((status = 200, body = Vec<ProcedureDto>), (status = 400, body = crate::api::ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    Query(q): Query<ProcedureQuery>,
) -> Result<Json<Vec<ProcedureDto>>, AppError> {
    let on = as_of(q.on.as_deref())?;
    let text = q.q.as_deref().map(str::trim).unwrap_or("");
    let found = store::procedure::search(&st.db, text, on, 5000).await?;
    Ok(Json(found.into_iter().map(ProcedureDto::from).collect()))
}
