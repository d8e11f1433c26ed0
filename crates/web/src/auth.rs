//! Who is asking, and may they: authentication, CSRF, and access policies.
//!
//! - [`authenticate`] resolves the request's credentials (a bearer token, or
//!   the session cookie) to a [`Principal`] and gives every browser a
//!   binding for CSRF tokens: its session id, or a pre-login cookie.
//! - [`csrf_guard`] refuses cookie-authenticated writes without a valid
//!   token (a form field `_csrf`, a header `x-csrf-token`, or a `_csrf`
//!   query parameter for multipart forms). Page forms need one even before
//!   login; bearer-token API calls carry no ambient credential and need none.
//! - [`Need`] is a route's declared policy (the roles that may enter), applied
//!   with [`guard`]. The unit scope is checked in the handler with
//!   [`Principal::require_unit`] once the unit is known, deny by default.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use domain::auth::Role;
use store::user::{Grant, User};

use crate::error::AppError;
use crate::state::AppState;

/// The session cookie.
pub const SESSION_COOKIE: &str = "xaso_session";
/// The pre-login cookie that binds CSRF tokens before a session exists.
pub const PRE_COOKIE: &str = "xaso_pre";
/// The form field and query parameter carrying the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";
/// The header carrying the CSRF token (htmx and scripts).
pub const CSRF_HEADER: &str = "x-csrf-token";

/// An authenticated user with their grants.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The account.
    pub user: User,
    /// Its grants.
    pub grants: Vec<Grant>,
    /// Authenticated by a bearer token rather than a session.
    pub via_token: bool,
    /// The session id, when authenticated by a session cookie.
    pub session: Option<String>,
}

impl Principal {
    /// Whether the user holds any of `roles`, over any unit.
    pub fn has_any(&self, roles: &[Role]) -> bool {
        self.grants.iter().any(|g| roles.contains(&g.role))
    }

    /// The roles held, without repeats, in a stable order.
    pub fn roles(&self) -> Vec<Role> {
        let mut r: Vec<Role> = self.grants.iter().map(|g| g.role).collect();
        r.sort();
        r.dedup();
        r
    }

    /// The units whose records a grant of one of `roles` reaches: `None` for
    /// every unit (a grant without a unit), else the subtrees of the granted
    /// units and their predecessors ([`store::unit::scope_units`]).
    pub async fn unit_scope(&self, st: &AppState, roles: &[Role]) -> Result<Option<Vec<i64>>, AppError> {
        let grants: Vec<&Grant> = self.grants.iter().filter(|g| roles.contains(&g.role)).collect();
        if grants.iter().any(|g| g.unit_id.is_none()) {
            return Ok(None);
        }
        let roots: Vec<i64> = grants.iter().filter_map(|g| g.unit_id).collect();
        Ok(Some(store::unit::scope_units(&st.db, &roots).await?))
    }

    /// Allows the action on `unit_id` only if a grant of one of `roles`
    /// covers it: a grant over every unit, or over the unit, an ancestor, or
    /// (successors inherit their predecessors' records) a successor's ancestor.
    pub async fn require_unit(&self, st: &AppState, unit_id: i64, roles: &[Role]) -> Result<(), AppError> {
        let relevant: Vec<&Grant> = self.grants.iter().filter(|g| roles.contains(&g.role)).collect();
        if relevant.is_empty() {
            return Err(AppError::Forbidden);
        }
        if relevant.iter().any(|g| g.unit_id.is_none()) {
            return Ok(());
        }
        let covering = st
            .caches
            .covering
            .get_or_load(unit_id, async { store::unit::covering_units(&st.db, unit_id).await.map(std::sync::Arc::new) })
            .await?;
        if relevant.iter().any(|g| g.unit_id.is_some_and(|u| covering.contains(&u))) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// What [`authenticate`] found, kept in the request's extensions.
#[derive(Debug, Clone, Default)]
pub struct AuthState {
    /// The user, if any credential was valid.
    pub principal: Option<Principal>,
    /// The value CSRF tokens are bound to (session id or pre-login cookie).
    pub binding: Option<String>,
    /// Whether the request carried a bearer token.
    pub bearer: bool,
}

impl AuthState {
    /// The CSRF token for forms on this request's pages.
    pub fn csrf_token(&self, st: &AppState) -> String {
        self.binding.as_deref().map(|b| domain::auth::csrf_token(&st.secret, b)).unwrap_or_default()
    }
}

/// Reads a cookie from the request headers.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
}

async fn load_principal(
    st: &AppState,
    user_id: i64,
    via_token: bool,
    session: Option<String>,
) -> Result<Principal, AppError> {
    let (user, grants) = store::user::with_grants(&st.db, user_id).await?;
    Ok(Principal { user, grants, via_token, session })
}

/// The principal of a bearer token, verified lately or now (see [`crate::cache::Bearers`]).
async fn bearer_principal(st: &AppState, token: &str) -> Result<Principal, AppError> {
    let digest = domain::auth::secret_digest(token);
    let bearers = &st.caches.bearers;
    if let Some(p) = bearers.get(&digest) {
        return Ok(p);
    }
    let epoch = bearers.epoch();
    let uid = store::token::user_of(&st.db, token).await?.ok_or(AppError::Unauthorized)?;
    let principal = load_principal(st, uid, true, None).await?;
    bearers.put(digest, epoch, principal.clone());
    Ok(principal)
}

/// Whether a cookie set on this request should be `Secure`.
pub fn secure(st: &AppState, headers: &axum::http::HeaderMap) -> bool {
    st.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// Builds a `Set-Cookie` value with the flags every Xã Số cookie carries:
/// `HttpOnly`, `SameSite=Lax`, `Path=/`, and `Secure` behind HTTPS. Values are
/// hex secrets, so they need no quoting.
pub fn build_cookie(name: &str, value: &str, secure: bool, max_age_secs: Option<i64>) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if secure {
        c.push_str("; Secure");
    }
    if let Some(s) = max_age_secs {
        c.push_str(&format!("; Max-Age={s}"));
    }
    c
}

/// Middleware: resolves credentials into an [`AuthState`] extension.
pub async fn authenticate(State(st): State<AppState>, mut req: Request, next: Next) -> Result<Response, AppError> {
    let headers = req.headers();
    let mut state = AuthState::default();
    let mut new_pre = None;
    if let Some(token) = bearer(headers) {
        state.bearer = true;
        state.principal = Some(bearer_principal(&st, token).await?);
    } else {
        if let Some(sid) = cookie(headers, SESSION_COOKIE)
            && let Some(uid) = store::session::user_of(&st.db, sid).await?
        {
            state.principal = Some(load_principal(&st, uid, false, Some(sid.to_string())).await?);
            state.binding = Some(sid.to_string());
        }
        if state.binding.is_none() {
            state.binding = match cookie(headers, PRE_COOKIE) {
                Some(pre) => Some(pre.to_string()),
                None if !req.uri().path().starts_with("/api/") => {
                    let pre = domain::auth::random_secret();
                    new_pre = Some(pre.clone());
                    Some(pre)
                }
                None => None,
            };
        }
    }
    let secure = secure(&st, req.headers());
    req.extensions_mut().insert(state);
    let mut resp = next.run(req).await;
    if let Some(pre) = new_pre {
        let c = build_cookie(PRE_COOKIE, &pre, secure, None);
        if let Ok(v) = HeaderValue::from_str(&c) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(resp)
}

/// Middleware: the CSRF check for writes made with cookies.
pub async fn csrf_guard(State(st): State<AppState>, req: Request, next: Next) -> Result<Response, AppError> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(next.run(req).await);
    }
    let auth = req.extensions().get::<AuthState>().cloned().unwrap_or_default();
    if auth.bearer {
        return Ok(next.run(req).await);
    }
    let is_api = req.uri().path().starts_with("/api/");
    let has_session_cookie = cookie(req.headers(), SESSION_COOKIE).is_some();
    if is_api && !has_session_cookie {
        // No ambient credential travels with this request: nothing to forge.
        return Ok(next.run(req).await);
    }
    let refuse = || AppError::Forbidden;
    let binding = auth.binding.clone().ok_or_else(refuse)?;
    let from_header = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
    let from_query = req.uri().query().and_then(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v)
    });
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let (req, from_body) = if from_header.is_none() && from_query.is_none() && is_form {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, 4 * 1024 * 1024)
            .await
            .map_err(|_| AppError::BadRequest("biểu mẫu quá lớn (form too large)".into()))?;
        let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .ok()
            .and_then(|kv| kv.into_iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v));
        (Request::from_parts(parts, Body::from(bytes)), token)
    } else {
        (req, None)
    };
    let presented = from_header.or(from_query).or(from_body).ok_or_else(refuse)?;
    if !domain::auth::csrf_matches(&st.secret, &binding, &presented) {
        return Err(refuse());
    }
    Ok(next.run(req).await)
}

/// A route's access policy: which roles may enter. Deny by default: a route
/// without a `Need` is public only if the router says so explicitly.
#[derive(Debug, Clone, Copy)]
pub struct Need(pub &'static [Role]);

impl Need {
    /// Any logged-in official.
    pub const STAFF: Need = Need(&Role::ALL);
    /// Administrators only.
    pub const ADMIN: Need = Need(&[Role::Admin]);
}

/// Middleware for a route's [`Need`]: 401 without a login, 403 without a role.
pub async fn guard(need: Need, req: Request, next: Next) -> Result<Response, AppError> {
    let auth = req.extensions().get::<AuthState>();
    let principal = auth.and_then(|a| a.principal.as_ref()).ok_or(AppError::Unauthorized)?;
    if !principal.has_any(need.0) {
        return Err(AppError::Forbidden);
    }
    Ok(next.run(req).await)
}

/// Extractor: the logged-in user (401 otherwise).
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<AuthState>()
            .and_then(|a| a.principal.clone())
            .map(CurrentUser)
            .ok_or(AppError::Unauthorized)
    }
}

/// Extractor: the [`AuthState`] of the request (never fails).
impl<S: Send + Sync> FromRequestParts<S> for AuthState {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<AuthState>().cloned().unwrap_or_default())
    }
}

/// The audit actor for a request: the user, the request id and the client address.
pub fn actor(principal: Option<&Principal>, parts: &Parts) -> store::audit::Actor {
    let request_id = parts.headers.get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let client_addr = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default();
    match principal {
        Some(p) => {
            store::audit::Actor { user_id: Some(p.user.id), name: p.user.username.clone(), request_id, client_addr }
        }
        None => store::audit::Actor { user_id: None, name: "anonymous".into(), request_id, client_addr },
    }
}

/// Extractor: the audit actor of the request.
#[derive(Debug, Clone)]
pub struct ReqActor(pub store::audit::Actor);

impl<S: Send + Sync> FromRequestParts<S> for ReqActor {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let principal = parts.extensions.get::<AuthState>().and_then(|a| a.principal.clone());
        Ok(ReqActor(actor(principal.as_ref(), parts)))
    }
}
