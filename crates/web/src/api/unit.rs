//! API: administrative units as of a date.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::unit::{NewUnit, UnitKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::ReqActor;
use crate::error::AppError;
use crate::pages::unit::as_of;
use crate::state::AppState;

/// A unit version.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDto {
    /// Id of this version.
    pub id: i64,
    /// GSO or local code.
    pub code: String,
    /// Name without the kind.
    pub name: String,
    /// Full name ("Xã Tân Hòa").
    pub full_name: String,
    /// Kind (`tinh`, `thanh_pho`, `huyen`, `xa`, `phuong`, `thi_tran`, `dac_khu`, `ap`, `service_center`, …).
    pub kind: String,
    /// Parent version id.
    pub parent_id: Option<i64>,
    /// First valid day.
    pub valid_from: String,
    /// Last valid day.
    pub valid_to: Option<String>,
    /// Legal basis or note.
    pub note: String,
}

impl From<store::unit::Unit> for UnitDto {
    fn from(u: store::unit::Unit) -> Self {
        UnitDto {
            full_name: u.full_name(),
            id: u.id,
            code: u.code,
            name: u.name,
            kind: u.kind,
            parent_id: u.parent_id,
            valid_from: u.valid_from,
            valid_to: u.valid_to,
            note: u.note,
        }
    }
}

/// A unit with its place in the hierarchy on a date.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDetail {
    /// The unit the code meant on `as_of`.
    pub unit: UnitDto,
    /// Its ancestors, nearest first.
    pub ancestors: Vec<UnitDto>,
    /// Units directly below it on `as_of`.
    pub children: Vec<UnitDto>,
    /// What it became.
    pub successors: Vec<UnitDto>,
    /// What it replaced.
    pub predecessors: Vec<UnitDto>,
}

/// Query by date and text.
#[derive(Debug, Deserialize, IntoParams)]
pub struct UnitQuery {
    /// The date (`YYYY-MM-DD`); today in Vietnam by default.
    pub as_of: Option<String>,
    /// Text to search in names and codes, ignoring diacritics.
    pub q: Option<String>,
}

/// Units valid on a date, optionally matching a search.
#[utoipa::path(get, path = "/api/v1/units", tag = "unit", params(UnitQuery),
    responses((status = 200, body = Vec<UnitDto>), (status = 400, body = crate::api::ErrorBody)))]
pub async fn list(State(st): State<AppState>, Query(q): Query<UnitQuery>) -> Result<Json<Vec<UnitDto>>, AppError> {
    let d = as_of(q.as_of.as_deref())?;
    let units = match q.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => store::unit::search(&st.db, text, d, 1000).await?,
        None => store::unit::valid_on(&st.db, d).await?,
    };
    Ok(Json(units.into_iter().map(UnitDto::from).collect()))
}

/// The unit a code meant on a date, with ancestors, children, successors and predecessors.
#[utoipa::path(get, path = "/api/v1/units/{code}", tag = "unit",
    params(("code" = String, Path, description = "GSO or local code"), UnitQuery),
    responses((status = 200, body = UnitDetail), (status = 404, body = crate::api::ErrorBody)))]
pub async fn get_by_code(
    State(st): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<UnitQuery>,
) -> Result<Json<UnitDetail>, AppError> {
    let d = as_of(q.as_of.as_deref())?;
    let unit = store::unit::by_code(&st.db, &code, d).await?.ok_or_else(|| {
        AppError::NotFound(format!("không có đơn vị mã {code} vào ngày {d} (no unit with that code on that date)"))
    })?;
    let id = unit.id;
    let dtos = |v: Vec<store::unit::Unit>| v.into_iter().map(UnitDto::from).collect::<Vec<_>>();
    Ok(Json(UnitDetail {
        ancestors: dtos(store::unit::ancestors(&st.db, id).await?),
        children: dtos(
            store::unit::descendants(&st.db, id, d).await?.into_iter().filter(|c| c.parent_id == Some(id)).collect(),
        ),
        successors: dtos(store::unit::successors(&st.db, id).await?),
        predecessors: dtos(store::unit::predecessors(&st.db, id).await?),
        unit: unit.into(),
    }))
}

/// A new unit version.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewUnitDto {
    /// Code.
    pub code: String,
    /// Name without the kind.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Parent's code, resolved on `valid_from`.
    pub parent_code: Option<String>,
    /// First valid day, `YYYY-MM-DD`.
    pub valid_from: String,
    /// Last valid day.
    pub valid_to: Option<String>,
    /// Legal basis or note.
    #[serde(default)]
    pub note: String,
}

/// Creates a unit version (administrators).
#[utoipa::path(post, path = "/api/v1/units", tag = "unit", request_body = NewUnitDto,
    responses((status = 201, body = UnitDto), (status = 403, body = crate::api::ErrorBody),
              (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    ReqActor(actor): ReqActor,
    Json(body): Json<NewUnitDto>,
) -> Result<(StatusCode, Json<UnitDto>), AppError> {
    let bad = |m: String| AppError::Unprocessable(m);
    let kind = UnitKind::parse(&body.kind)
        .ok_or_else(|| bad(format!("loại đơn vị không hợp lệ {:?} (unknown kind)", body.kind)))?;
    let from = domain::time::parse_date(&body.valid_from)
        .ok_or_else(|| bad(format!("ngày không hợp lệ {:?} (bad valid_from)", body.valid_from)))?;
    let to = match body.valid_to.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => {
            Some(domain::time::parse_date(s).ok_or_else(|| bad(format!("ngày không hợp lệ {s:?} (bad valid_to)")))?)
        }
        None => None,
    };
    let parent = match body.parent_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => Some(
            store::unit::by_code(&st.db, code, from)
                .await?
                .ok_or_else(|| bad(format!("không có đơn vị cha mã {code} vào ngày {from} (parent not found)")))?
                .id,
        ),
        None => None,
    };
    let new = NewUnit { code: body.code, name: body.name, kind, valid_from: from, valid_to: to, note: body.note };
    let unit = store::unit::create(&st.db, &actor, new, parent, &[]).await?;
    st.caches.covering.clear();
    Ok((StatusCode::CREATED, Json(unit.into())))
}
