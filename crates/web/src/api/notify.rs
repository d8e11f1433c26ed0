//! API: the notifications sent to citizens on behalf of a unit, for
//! administrators. Recipients are shown masked, as stored; the real
//! addresses live only in the sending jobs.

use axum::Json;
use axum::extract::{Query, State};
use domain::auth::Role;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;

/// A notification.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationDto {
    /// Id.
    pub id: i64,
    /// `dossier_received`, `supplement_requested`, `result_ready`, `late_apology` or `payment_received`.
    pub kind: String,
    /// `email` or `sms`.
    pub channel: String,
    /// The recipient, masked (`tu***@gmail.com`, `0901 *** 567`).
    pub recipient: String,
    /// Subject (e-mail).
    pub subject: String,
    /// The text.
    pub body: String,
    /// `queued`, `sent`, `failed` or `skipped`.
    pub status: String,
    /// Sending attempts.
    pub attempts: i64,
    /// The provider's message id or reply.
    pub provider_id: Option<String>,
    /// Last error, or why it was skipped.
    pub last_error: Option<String>,
    /// Created, ISO 8601 at UTC+7.
    pub created_at: String,
    /// Sent, ISO 8601 at UTC+7.
    pub sent_at: Option<String>,
}

impl From<store::notify::Notification> for NotificationDto {
    fn from(n: store::notify::Notification) -> Self {
        NotificationDto {
            id: n.id,
            kind: n.kind,
            channel: n.channel,
            recipient: n.recipient,
            subject: n.subject,
            body: n.body,
            status: n.status,
            attempts: n.attempts,
            provider_id: n.provider_id,
            last_error: n.last_error,
            created_at: domain::time::format_iso_local(n.created_at),
            sent_at: n.sent_at.map(domain::time::format_iso_local),
        }
    }
}

/// Which notifications.
#[derive(Debug, Deserialize, IntoParams)]
pub struct NotificationQuery {
    /// Unit code.
    pub unit: String,
    /// Rows with id below this.
    pub before: Option<i64>,
    /// Page size (1–500, default 100).
    pub limit: Option<i64>,
}

/// The notifications of a unit, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notify", params(NotificationQuery),
    responses((status = 200, body = Vec<NotificationDto>), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Query(q): Query<NotificationQuery>,
) -> Result<Json<Vec<NotificationDto>>, AppError> {
    let unit_id = super::payment::unit_id(&st, &q.unit).await?;
    p.require_unit(&st, unit_id, &[Role::Admin]).await?;
    let rows = store::notify::delivery::list(&st.db, unit_id, q.before, q.limit.unwrap_or(100)).await?;
    Ok(Json(rows.into_iter().map(NotificationDto::from).collect()))
}
