//! The public home page and the language switch.

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{PageCtx, render};
use crate::error::AppError;
use crate::i18n::{LANG_COOKIE, Lang};

#[derive(Template)]
#[template(path = "home/index.html")]
struct Home {
    ctx: PageCtx,
}

/// `GET /`: the four citizen services, and the staff entry.
pub async fn index(ctx: PageCtx) -> Result<Response, AppError> {
    render(&Home { ctx })
}

/// Where to return after switching language.
#[derive(Debug, Deserialize)]
pub struct Back {
    next: Option<String>,
}

/// `GET /lang/{code}`: remembers the language and returns to the page.
pub async fn switch(Path(code): Path<String>, Query(back): Query<Back>) -> Response {
    let lang = Lang::parse(&code);
    // Only local paths: never an open redirect.
    let next = back.next.filter(|n| n.starts_with('/') && !n.starts_with("//")).unwrap_or_else(|| "/".into());
    let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code());
    ([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response()
}
