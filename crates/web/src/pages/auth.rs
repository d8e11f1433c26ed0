//! Login, logout and password change pages.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{PageCtx, render};
use crate::auth::{AuthState, CurrentUser, ReqActor, SESSION_COOKIE, build_cookie, secure};
use crate::error::AppError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    ctx: PageCtx,
    next: String,
    username: String,
    error: String,
    demo_password: Option<&'static str>,
}

/// Where to go after logging in.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn safe_next(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/login"))
        .unwrap_or_else(|| "/".into())
}

async fn demo_hint(st: &AppState) -> Option<&'static str> {
    match store::demo::is_loaded(&st.db).await {
        Ok(true) => Some(store::demo::DEMO_PASSWORD),
        _ => None,
    }
}

/// `GET /login`.
pub async fn login_form(
    State(st): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    if ctx.user.is_some() {
        return Ok(Redirect::to(&safe_next(q.next)).into_response());
    }
    let demo_password = demo_hint(&st).await;
    render(&LoginPage { ctx, next: safe_next(q.next), username: String::new(), error: String::new(), demo_password })
}

/// The login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

/// `POST /login`: checks the password (with lockout), opens a session.
pub async fn login(
    State(st): State<AppState>,
    ctx: PageCtx,
    ReqActor(actor): ReqActor,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    let next = safe_next(f.next);
    let outcome = store::user::authenticate(&st.db, &actor, &f.username, &f.password, &st.config.lockout).await?;
    let (status, error) = match outcome {
        store::user::Login::Ok(user) => {
            let client = headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .chars()
                .take(200)
                .collect::<String>();
            let sid = store::session::create(&st.db, user.id, st.config.session_ttl_secs, &client).await?;
            let cookie = build_cookie(SESSION_COOKIE, &sid, secure(&st, &headers), Some(st.config.session_ttl_secs));
            let mut resp = Redirect::to(&next).into_response();
            resp.headers_mut().append(
                header::SET_COOKIE,
                HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.to_string()))?,
            );
            return Ok(resp);
        }
        store::user::Login::Wrong => (StatusCode::UNAUTHORIZED, ctx.t("login.wrong").to_string()),
        store::user::Login::Locked(until) => {
            (StatusCode::TOO_MANY_REQUESTS, format!("{} {}.", ctx.t("login.locked"), domain::time::format_local(until)))
        }
    };
    let demo_password = demo_hint(&st).await;
    let page = LoginPage { ctx, next, username: f.username, error, demo_password };
    Ok((status, render(&page)?).into_response())
}

/// `POST /logout`: ends the session.
pub async fn logout(State(st): State<AppState>, auth: AuthState, headers: HeaderMap) -> Result<Response, AppError> {
    if let Some(sid) = auth.principal.and_then(|p| p.session) {
        store::session::delete(&st.db, &sid).await?;
    }
    let cookie = build_cookie(SESSION_COOKIE, "", secure(&st, &headers), Some(0));
    let mut resp = Redirect::to("/").into_response();
    resp.headers_mut()
        .append(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.to_string()))?);
    Ok(resp)
}

#[derive(Template)]
#[template(path = "auth/password.html")]
struct PasswordPage {
    ctx: PageCtx,
    error: String,
    done: bool,
}

/// `GET /account/password`.
pub async fn password_form(ctx: PageCtx, _: CurrentUser) -> Result<Response, AppError> {
    render(&PasswordPage { ctx, error: String::new(), done: false })
}

/// The password change form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

/// `POST /account/password`: checks the current password, sets the new one,
/// and logs out the user's other sessions.
pub async fn change_password(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Form(f): Form<PasswordForm>,
) -> Result<Response, AppError> {
    if f.new != f.confirm {
        let page = PasswordPage { error: ctx.t("password.mismatch").to_string(), ctx, done: false };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    match store::user::change_password(&st.db, &actor, p.user.id, &f.current, &f.new, p.session.as_deref()).await {
        Ok(()) => render(&PasswordPage { ctx, error: String::new(), done: true }),
        Err(store::Error::Invalid(msg)) => {
            let page = PasswordPage { ctx, error: msg, done: false };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
