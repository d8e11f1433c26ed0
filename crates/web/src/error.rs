//! The one error type at the edge, rendered as an HTML page or as JSON.
//!
//! Handlers return [`AppError`]. Its response carries the error as an
//! extension with an empty body; the [`render`] middleware, which knows the
//! request, then writes the body: JSON `{"error":{"status":..,"message":..}}`
//! for `/api/` paths and clients that ask for JSON, a page in the user's
//! language otherwise, and a redirect to the login page for a page that
//! needs a login. Internal errors are logged with the request id and shown
//! without their details.

use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::i18n::Lang;

/// An error a handler can return.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the input is wrong; the message says how.
    #[error("{0}")]
    BadRequest(String),
    /// 401: a login or token is needed.
    #[error("cần đăng nhập")]
    Unauthorized,
    /// 403: logged in, but not allowed.
    #[error("không có quyền")]
    Forbidden,
    /// 404.
    #[error("{0}")]
    NotFound(String),
    /// 409: conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// 422: well-formed but breaks a rule.
    #[error("{0}")]
    Unprocessable(String),
    /// 429: too many attempts.
    #[error("{0}")]
    TooManyRequests(String),
    /// 500: our fault; details go to the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The error as carried from the handler to the renderer.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// HTTP status.
    pub status: StatusCode,
    /// Message for the user (empty for the generic message of the status).
    pub message: String,
}

impl AppError {
    /// The HTTP status of the error.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = match &self {
            AppError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                String::new()
            }
            AppError::Unauthorized | AppError::Forbidden => String::new(),
            other => other.to_string(),
        };
        let mut resp = status.into_response();
        resp.extensions_mut().insert(ErrorInfo { status, message });
        resp
    }
}

impl From<store::Error> for AppError {
    fn from(e: store::Error) -> Self {
        match e {
            store::Error::NotFound(m) => AppError::NotFound(m),
            store::Error::Conflict(m) => AppError::Conflict(m),
            store::Error::Invalid(m) => AppError::Unprocessable(m),
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// The message of a refusal the user can act on (not found, conflict, invalid
/// input), to show on the page they came from; any other failure stays an error.
pub fn refusal(e: store::Error) -> Result<String, AppError> {
    match e {
        store::Error::Invalid(m) | store::Error::Conflict(m) | store::Error::NotFound(m) => Ok(m),
        other => Err(other.into()),
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

/// Whether the client should get JSON rather than a page.
pub fn wants_json(path: &str, headers: &HeaderMap) -> bool {
    path.starts_with("/api/")
        || headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.starts_with("application/json"))
}

/// The generic message of a status, in the user's language.
fn generic(status: StatusCode, lang: Lang) -> &'static str {
    let key = match status {
        StatusCode::UNAUTHORIZED => "error.401",
        StatusCode::FORBIDDEN => "error.403",
        StatusCode::NOT_FOUND => "error.404",
        StatusCode::TOO_MANY_REQUESTS => "error.429",
        StatusCode::INTERNAL_SERVER_ERROR => "error.500",
        _ => "error.generic",
    };
    lang.t(key)
}

#[derive(Template)]
#[template(path = "layout/error.html")]
struct ErrorPage<'a> {
    lang: Lang,
    status: u16,
    title: &'a str,
    message: &'a str,
}

/// Middleware that writes the body of every [`AppError`] response.
pub async fn render(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let json = wants_json(&path, req.headers());
    let lang = Lang::from_headers(req.headers());
    let is_htmx = req.headers().contains_key("hx-request");
    let resp = next.run(req).await;
    let Some(info) = resp.extensions().get::<ErrorInfo>().cloned() else { return resp };
    let message = if info.message.is_empty() { generic(info.status, lang).to_string() } else { info.message };
    if json {
        let body = serde_json::json!({"error": {"status": info.status.as_u16(), "message": message}});
        return (info.status, axum::Json(body)).into_response();
    }
    if info.status == StatusCode::UNAUTHORIZED && !is_htmx {
        let next = match query {
            Some(q) => format!("{path}?{q}"),
            None => path,
        };
        let target = format!("/login?next={}", urlencode(&next));
        return Redirect::to(&target).into_response();
    }
    let page = ErrorPage { lang, status: info.status.as_u16(), title: generic(info.status, lang), message: &message };
    match page.render() {
        Ok(html) => (info.status, Html(html)).into_response(),
        Err(_) => (info.status, message).into_response(),
    }
}

/// Percent-encodes a value for a query string.
pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|e| e[1..].to_string()).unwrap_or_default()
}
