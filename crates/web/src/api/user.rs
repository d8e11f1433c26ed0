//! API: the caller's identity, and account creation for administrators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::auth::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{CurrentUser, ReqActor};
use crate::error::AppError;
use crate::state::AppState;

/// A grant as shown by the API.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantDto {
    /// Role (`admin`, `leader`, `desk_officer`, `processor`, `cashier`, `market_manager`, `data_officer`).
    pub role: String,
    /// Unit code, or null for every unit.
    pub unit_code: Option<String>,
    /// Unit name.
    pub unit_name: Option<String>,
}

/// A user as shown by the API.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Grants.
    pub grants: Vec<GrantDto>,
}

fn grant_dto(g: &store::user::Grant) -> GrantDto {
    GrantDto { role: g.role.as_str().to_string(), unit_code: g.unit_code.clone(), unit_name: g.unit_name.clone() }
}

/// Who am I: the authenticated user and grants.
#[utoipa::path(get, path = "/api/v1/me", tag = "user",
    responses((status = 200, body = UserDto), (status = 401, body = crate::api::ErrorBody)))]
pub async fn me(CurrentUser(p): CurrentUser) -> Json<UserDto> {
    Json(UserDto {
        id: p.user.id,
        username: p.user.username.clone(),
        display_name: p.user.display_name.clone(),
        grants: p.grants.iter().map(grant_dto).collect(),
    })
}

/// A grant to give a new user.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewGrant {
    /// Role.
    pub role: String,
    /// Unit code (as of today); omit for every unit.
    pub unit_code: Option<String>,
}

/// A new user.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewUserDto {
    /// Login name: 3–64 of a-z 0-9 . _ -
    pub username: String,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
    /// Initial password (8–128 characters).
    pub password: String,
    /// Grants.
    pub grants: Vec<NewGrant>,
}

/// Creates a user (administrators).
#[utoipa::path(post, path = "/api/v1/users", tag = "user", request_body = NewUserDto,
    responses((status = 201, body = UserDto), (status = 403, body = crate::api::ErrorBody),
              (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    ReqActor(actor): ReqActor,
    Json(body): Json<NewUserDto>,
) -> Result<(StatusCode, Json<UserDto>), AppError> {
    let today = domain::time::local_date(chrono::Utc::now());
    let mut grants = Vec::new();
    for g in &body.grants {
        let role = Role::parse(&g.role)
            .ok_or_else(|| AppError::Unprocessable(format!("vai trò không hợp lệ {:?} (unknown role)", g.role)))?;
        let unit = match g.unit_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(code) => Some(
                store::unit::by_code(&st.db, code, today)
                    .await?
                    .ok_or_else(|| {
                        AppError::Unprocessable(format!(
                            "không có đơn vị mã {code} đang hiệu lực (no current unit {code})"
                        ))
                    })?
                    .id,
            ),
        };
        grants.push((role, unit));
    }
    let new = store::user::NewUser {
        username: body.username,
        display_name: body.display_name,
        password: body.password,
        grants,
    };
    let user = store::user::create(&st.db, &actor, new).await?;
    let grants = store::user::grants(&st.db, user.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(UserDto {
            id: user.id,
            username: user.username,
            display_name: user.display_name,
            grants: grants.iter().map(grant_dto).collect(),
        }),
    ))
}
