//! Administration pages: users with their grants, and the audit log viewer.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::auth::Role;
use serde::Deserialize;
use store::audit::Entry;
use store::user::{Grant, User};

use super::{PageCtx, render};
use crate::auth::ReqActor;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    ctx: PageCtx,
    users: Vec<(User, Vec<Grant>)>,
    roles: Vec<Role>,
    error: String,
    created: String,
}

async fn users_page(st: &AppState, ctx: PageCtx, error: String, created: String) -> Result<UsersPage, AppError> {
    let mut users = Vec::new();
    for u in store::user::list(&st.db).await? {
        let g = store::user::grants(&st.db, u.id).await?;
        users.push((u, g));
    }
    Ok(UsersPage { ctx, users, roles: Role::ALL.to_vec(), error, created })
}

/// `GET /admin/users`.
pub async fn users(State(st): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    render(&users_page(&st, ctx, String::new(), String::new()).await?)
}

/// The create-user form.
#[derive(Debug, Deserialize)]
pub struct CreateUser {
    username: String,
    display_name: String,
    password: String,
    role: String,
    unit: String,
    /// Where dossier alerts go (optional).
    #[serde(default)]
    email: String,
}

/// `POST /admin/users`: creates a user with one grant.
pub async fn create_user(
    State(st): State<AppState>,
    ctx: PageCtx,
    ReqActor(actor): ReqActor,
    Form(f): Form<CreateUser>,
) -> Result<Response, AppError> {
    let result = async {
        let role = Role::parse(&f.role)
            .ok_or_else(|| store::Error::Invalid(format!("vai trò không hợp lệ {:?} (unknown role)", f.role)))?;
        let unit_id = match f.unit.trim() {
            "" => None,
            code => {
                let today = domain::time::local_date(chrono::Utc::now());
                Some(
                    store::unit::by_code(&st.db, code, today)
                        .await?
                        .ok_or_else(|| {
                            store::Error::Invalid(format!(
                                "không có đơn vị mã {code} đang hiệu lực (no current unit {code})"
                            ))
                        })?
                        .id,
                )
            }
        };
        let email = Some(f.email.trim()).filter(|e| !e.is_empty());
        if let Some(e) = email {
            domain::notify::Email::parse(e).map_err(|e| store::Error::Invalid(e.to_string()))?;
        }
        let new = store::user::NewUser {
            username: f.username.clone(),
            display_name: f.display_name.clone(),
            password: f.password.clone(),
            grants: vec![(role, unit_id)],
        };
        let user = store::user::create(&st.db, &actor, new).await?;
        if email.is_some() {
            store::dossier::alert::set_user_email(&st.db, &actor, user.id, email).await?;
        }
        Ok::<_, store::Error>(user)
    }
    .await;
    match result {
        Ok(u) => render(&users_page(&st, ctx, String::new(), u.username).await?),
        Err(store::Error::Invalid(m) | store::Error::Conflict(m) | store::Error::NotFound(m)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&users_page(&st, ctx, m, String::new()).await?))
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Filters of the audit viewer.
#[derive(Debug, Deserialize, Default)]
pub struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
    object_type: Option<String>,
    object_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<i64>,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    ctx: PageCtx,
    q: AuditQueryView,
    rows: Vec<Entry>,
    older: Option<String>,
}

struct AuditQueryView {
    actor: String,
    action: String,
    object_type: String,
    object_id: String,
    from: String,
    to: String,
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

use domain::time::local_day_start_ms as day_start_ms;

/// `GET /admin/audit`: newest first, filtered, paged by id.
pub async fn audit(
    State(st): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let date = |s: &Option<String>| -> Result<Option<chrono::NaiveDate>, AppError> {
        nonempty(s)
            .map(|s| {
                domain::time::parse_date(&s)
                    .ok_or_else(|| AppError::BadRequest(format!("ngày không hợp lệ {s:?} (invalid date)")))
            })
            .transpose()
    };
    let from = date(&q.from)?;
    let to = date(&q.to)?;
    let filter = store::audit::Filter {
        actor: nonempty(&q.actor),
        action: nonempty(&q.action),
        object_type: nonempty(&q.object_type),
        object_id: nonempty(&q.object_id),
        from_ms: from.map(day_start_ms),
        to_ms: to.and_then(|d| d.succ_opt()).map(day_start_ms),
        before_id: q.before,
        limit: 100,
    };
    let rows = store::audit::list(&st.db, &filter).await?;
    let view = AuditQueryView {
        actor: filter.actor.clone().unwrap_or_default(),
        action: filter.action.clone().unwrap_or_default(),
        object_type: filter.object_type.clone().unwrap_or_default(),
        object_id: filter.object_id.clone().unwrap_or_default(),
        from: from.map(|d| d.to_string()).unwrap_or_default(),
        to: to.map(|d| d.to_string()).unwrap_or_default(),
    };
    let older = (rows.len() == 100).then(|| {
        let last = rows.last().map(|r| r.id).unwrap_or(0);
        let params = [
            ("actor", view.actor.as_str()),
            ("action", view.action.as_str()),
            ("object_type", view.object_type.as_str()),
            ("object_id", view.object_id.as_str()),
            ("from", view.from.as_str()),
            ("to", view.to.as_str()),
        ];
        let mut qs = serde_urlencoded::to_string(params).unwrap_or_default();
        qs.push_str(&format!("&before={last}"));
        qs
    });
    render(&AuditPage { ctx, q: view, rows, older })
}
