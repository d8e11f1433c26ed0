//! `GET /api/v1/dossiers`: the processor's list — dossiers of the units the
//! caller's grants cover (or of one named unit within them), by status,
//! assignee (`me`) and urgency (`due=soon|overdue`, the domain's alert
//! rules), most urgent first, a page at a time.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use store::dossier::{DueFilter, ListFilter};
use utoipa::{IntoParams, ToSchema};

use super::dto::DossierDto;
use super::today;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::pages::area::DOSSIERS;
use crate::state::AppState;

/// Dossiers per page by default.
pub const PER_PAGE: i64 = 50;
/// The largest page.
pub const MAX_PER_PAGE: i64 = 200;

/// The list's filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ListQuery {
    /// Only this unit (code) and its subtree; it must be in the caller's scope.
    pub unit: Option<String>,
    /// Only this status: a DVCQG code (1–10) or name (`in_process`).
    pub status: Option<String>,
    /// Only dossiers assigned to `me` (or to a username).
    pub assignee: Option<String>,
    /// `soon` (due within two working days) or `overdue`.
    pub due: Option<String>,
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Page size (default 50, at most 200).
    pub per_page: Option<i64>,
}

/// A page of dossiers.
#[derive(Debug, Serialize, ToSchema)]
pub struct DossierPage {
    /// The dossiers, most urgent first.
    pub items: Vec<DossierDto>,
    /// This page's number.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
    /// Matching dossiers in all.
    pub total: i64,
}

fn bad(what: &str, value: &str) -> AppError {
    AppError::Unprocessable(format!("giá trị {what} không hợp lệ {value:?} (bad {what})"))
}

/// Lists the dossiers the caller may work on.
#[utoipa::path(get, path = "/api/v1/dossiers", tag = "dossier", params(ListQuery),
    responses((status = 200, body = DossierPage), (status = 403, body = crate::api::ErrorBody),
              (status = 422, body = crate::api::ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<DossierPage>, AppError> {
    let units = match q.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(code) => {
            let unit = store::unit::by_code(&st.db, code, today())
                .await?
                .ok_or_else(|| AppError::NotFound(format!("không có đơn vị mã {code} (no such unit)")))?;
            p.require_unit(&st, unit.id, DOSSIERS.0).await?;
            Some(store::unit::scope_units(&st.db, &[unit.id]).await?)
        }
        None => p.unit_scope(&st, DOSSIERS.0).await?,
    };
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(
            s.parse::<u8>()
                .ok()
                .and_then(domain::dossier::Status::from_code)
                .or_else(|| domain::dossier::Status::parse(s))
                .map(|s| i32::from(s.code()))
                .ok_or_else(|| bad("status", s))?,
        ),
        None => None,
    };
    let assignee_id = match q.assignee.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some("me") => Some(p.user.id),
        Some(name) => Some(store::user::find(&st.db, name).await?.ok_or_else(|| bad("assignee", name))?.id),
        None => None,
    };
    let due = match q.due.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some("soon") => Some(DueFilter::Soon),
        Some("overdue") => Some(DueFilter::Overdue),
        Some(other) => return Err(bad("due", other)),
        None => None,
    };
    let per_page = q.per_page.unwrap_or(PER_PAGE).clamp(1, MAX_PER_PAGE);
    let page = q.page.unwrap_or(1).max(1);
    let now = store::now_ms();
    let filter = ListFilter {
        units,
        status,
        assignee_id,
        due,
        now,
        limit: per_page,
        offset: (page - 1).saturating_mul(per_page),
        ..ListFilter::default()
    };
    let found = store::dossier::list(&st.db, &filter).await?;
    let mut units: std::collections::HashMap<i64, store::unit::Unit> = std::collections::HashMap::new();
    let mut items = Vec::with_capacity(found.items.len());
    for d in found.items {
        let unit = match units.entry(d.unit_id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(store::unit::get(&st.db, d.unit_id).await?),
        };
        items.push(DossierDto::new(d, unit, now));
    }
    Ok(Json(DossierPage { items, page, per_page, total: found.total }))
}
