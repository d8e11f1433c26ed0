//! API: one-stop dossiers — receive a dossier (code and due date), read it
//! with its timeline, act on it ([`action`]), list the processor's work
//! ([`list`]), attach and read files ([`file`]), and the citizen's public
//! tracking ([`public`]).
//!
//! Staff with a dossier role (desk officer, processor, leader,
//! administrator) over the receiving unit may use it. The receiving unit is
//! the optional `unit` (a unit code) or, without it, the caller's single
//! unit-scoped dossier grant. The agency electronic ID that opens the
//! dossier code is, for now, the unit's code; real QĐ 20/2020 e-IDs will be
//! unit metadata later. Personal data is masked in responses (CCCD: last 4
//! digits, phone: `0901 *** 567`); full values are for later audited views.

pub mod action;
pub mod dto;
pub mod file;
pub mod list;
pub mod public;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::dossier::Channel;
use domain::person::{CitizenId, Phone};
use serde::{Deserialize, Serialize};
use store::dossier::{Applicant, Dossier, NewDossier};
use store::unit::Unit;
use utoipa::ToSchema;

pub use dto::{DossierDetailDto, DossierDto};

use crate::auth::{CurrentUser, Principal, ReqActor};
use crate::error::AppError;
use crate::pages::area::DOSSIERS;
use crate::state::AppState;

/// The applicant of a new dossier.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApplicantInput {
    /// Full name.
    pub name: String,
    /// CCCD number (12 digits), if given.
    pub id_number: Option<String>,
    /// Phone number, if given.
    pub phone: Option<String>,
    /// Address, if given.
    pub address: Option<String>,
}

/// A dossier to receive.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewDossierInput {
    /// National TTHC code of the procedure ("1.001193").
    pub procedure: String,
    /// The applicant.
    pub applicant: ApplicantInput,
    /// How it was filed: `counter`, `online` or `post`.
    pub channel: String,
    /// Receiving unit's code; by default the caller's single granted unit.
    pub unit: Option<String>,
}

/// A received dossier: its code, due date and status.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceivedDto {
    /// Dossier code, `<agency>-<yyMMdd>-<NNNN>`.
    pub code: String,
    /// Due date, ISO 8601 at +07:00; null without an appointment date.
    pub due_at: Option<String>,
    /// DVCQG status code (2: được tiếp nhận).
    pub status: i32,
}

fn iso(ms: i64) -> String {
    domain::time::format_iso_local(ms)
}

pub(crate) fn today() -> chrono::NaiveDate {
    domain::time::local_date(domain::time::from_millis(store::now_ms()))
}

pub(crate) fn unprocessable(e: impl ToString) -> AppError {
    AppError::Unprocessable(e.to_string())
}

/// The receiving unit: the named one, or the caller's single unit-scoped dossier grant.
pub(crate) async fn receiving_unit(st: &AppState, p: &Principal, code: Option<&str>) -> Result<Unit, AppError> {
    let unit = match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => store::unit::by_code(&st.db, code, today())
            .await?
            .ok_or_else(|| AppError::NotFound(format!("không có đơn vị mã {code} (no such unit)")))?,
        None => {
            let mut ids: Vec<i64> =
                p.grants.iter().filter(|g| DOSSIERS.0.contains(&g.role)).filter_map(|g| g.unit_id).collect();
            ids.sort_unstable();
            ids.dedup();
            match ids.as_slice() {
                [id] => store::unit::get(&st.db, *id).await?,
                _ => {
                    return Err(AppError::Unprocessable(
                        "cần chỉ rõ đơn vị tiếp nhận (unit): tài khoản không gắn với đúng một đơn vị (name the \
                         receiving unit: the account is not granted exactly one unit)"
                            .into(),
                    ));
                }
            }
        }
    };
    p.require_unit(st, unit.id, DOSSIERS.0).await?;
    Ok(unit)
}

/// Receives a dossier: allocates its code and sets its due date.
#[utoipa::path(post, path = "/api/v1/dossiers", tag = "dossier", request_body = NewDossierInput,
    responses((status = 201, body = ReceivedDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn receive(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Json(body): Json<NewDossierInput>,
) -> Result<(StatusCode, Json<ReceivedDto>), AppError> {
    let unit = receiving_unit(&st, &p, body.unit.as_deref()).await?;
    let channel = Channel::ALL.into_iter().find(|c| c.as_str() == body.channel.trim()).ok_or_else(|| {
        AppError::Unprocessable(format!(
            "kênh nộp hồ sơ không hợp lệ {:?}: counter, online hoặc post (bad channel)",
            body.channel
        ))
    })?;
    let given = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let applicant = Applicant {
        name: body.applicant.name,
        id_number: given(&body.applicant.id_number).map(|s| CitizenId::parse(&s)).transpose().map_err(unprocessable)?,
        phone: given(&body.applicant.phone).map(|s| Phone::parse(&s)).transpose().map_err(unprocessable)?,
        address: given(&body.applicant.address),
    };
    let new =
        NewDossier { unit_id: unit.id, agency: unit.code.clone(), procedure_code: body.procedure, applicant, channel };
    let d = store::dossier::receive(&st.db, &actor, new, store::now_ms()).await?;
    Ok((StatusCode::CREATED, Json(ReceivedDto { code: d.code, due_at: d.due_at.map(iso), status: d.status })))
}

/// The dossier with this code, or 404.
pub(crate) async fn find(st: &AppState, code: &str) -> Result<Dossier, AppError> {
    store::dossier::by_code(&st.db, code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("không có hồ sơ mã {} (no such dossier)", code.trim())))
}

/// The detail view of `d` for `p`: its timeline and the caller's next actions.
pub(crate) async fn detail_of(st: &AppState, p: &Principal, d: Dossier) -> Result<DossierDetailDto, AppError> {
    let unit = store::unit::get(&st.db, d.unit_id).await?;
    let timeline = store::dossier::timeline(&st.db, d.id).await?;
    let ctx = store::dossier::flow_context(&st.db, &d, false).await?;
    let allowed = dto::actions_for(p, &d, &ctx);
    Ok(dto::detail(d, &unit, timeline, allowed, store::now_ms()))
}

/// One dossier by code, with its timeline (events, steps, pauses,
/// extensions, files) and the actions the caller may take, for staff of its unit.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}", tag = "dossier",
    params(("code" = String, Path, description = "Dossier code")),
    responses((status = 200, body = DossierDetailDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody)))]
pub async fn get_by_code(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Path(code): Path<String>,
) -> Result<Json<DossierDetailDto>, AppError> {
    let d = find(&st, &code).await?;
    p.require_unit(&st, d.unit_id, DOSSIERS.0).await?;
    Ok(Json(detail_of(&st, &p, d).await?))
}
