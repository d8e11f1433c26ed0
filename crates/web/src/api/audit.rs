//! API: the audit log, for administrators.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::AppError;
use crate::state::AppState;

/// An audit row.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditDto {
    /// Row id.
    pub id: i64,
    /// When, ISO 8601 at UTC+7.
    pub at: String,
    /// Actor's user id.
    pub actor_id: Option<i64>,
    /// Actor's name.
    pub actor_name: String,
    /// Unit concerned.
    pub unit_id: Option<i64>,
    /// Action.
    pub action: String,
    /// Object kind.
    pub object_type: String,
    /// Object id.
    pub object_id: String,
    /// Before (JSON).
    pub before: Option<serde_json::Value>,
    /// After (JSON).
    pub after: Option<serde_json::Value>,
    /// Request id.
    pub request_id: String,
    /// Client address.
    pub client_addr: String,
}

/// Filters.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Actor name.
    pub actor: Option<String>,
    /// Action prefix.
    pub action: Option<String>,
    /// Object kind.
    pub object_type: Option<String>,
    /// Object id.
    pub object_id: Option<String>,
    /// Rows with id below this.
    pub before: Option<i64>,
    /// Page size (1–500, default 100).
    pub limit: Option<i64>,
}

/// Audit rows, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Vec<AuditDto>), (status = 403, body = crate::api::ErrorBody)))]
pub async fn list(State(st): State<AppState>, Query(q): Query<AuditQuery>) -> Result<Json<Vec<AuditDto>>, AppError> {
    let f = store::audit::Filter {
        actor: q.actor,
        action: q.action,
        object_type: q.object_type,
        object_id: q.object_id,
        before_id: q.before,
        limit: q.limit.unwrap_or(100),
        ..Default::default()
    };
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    let rows = store::audit::list(&st.db, &f).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| AuditDto {
                id: r.id,
                at: domain::time::format_iso_local(r.at),
                actor_id: r.actor_id,
                actor_name: r.actor_name,
                unit_id: r.unit_id,
                action: r.action,
                object_type: r.object_type,
                object_id: r.object_id,
                before: parse(r.before),
                after: parse(r.after),
                request_id: r.request_id,
                client_addr: r.client_addr,
            })
            .collect(),
    ))
}
