//! The citizen's ticket on a phone, opened from the QR code on the slip:
//! the number, the people ahead and the estimated wait, kept live from the
//! center's event stream (`static/ticket.js`), an alert (sound, vibration,
//! notification) when it is their turn, and the satisfaction rating once
//! served. The link carries a key derived from the ticket id, so nobody can
//! page through other people's tickets; no personal data is shown.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::queue::Satisfaction;
use serde::Deserialize;
use store::queue::view::Position;
use store::queue::{Center, Service};

use crate::auth::ReqActor;
use crate::error::AppError;
use crate::pages::{PageCtx, render};
use crate::state::AppState;

/// The key of a ticket link.
#[derive(Debug, Deserialize)]
pub struct Key {
    /// See [`super::track_url`].
    #[serde(default)]
    pub k: String,
}

/// The live part of the page, also served alone to refresh it.
#[derive(Template)]
#[template(path = "queue/ticket_live.html")]
struct TicketLive {
    ctx: PageCtx,
    service: Service,
    pos: Position,
    counter_name: Option<String>,
    key: String,
    rated: bool,
    levels: Vec<(i64, &'static str)>,
    message: String,
}

#[derive(Template)]
#[template(path = "queue/ticket.html")]
struct TicketPage {
    ctx: PageCtx,
    center: Center,
    live: TicketLive,
}

async fn load(st: &AppState, id: i64, key: &str) -> Result<(Center, Service, Position, Option<String>), AppError> {
    if !domain::auth::link_key_matches(&st.secret, super::TICKET_LINK, &id.to_string(), key) {
        return Err(AppError::NotFound("không tìm thấy vé; hãy quét lại mã QR trên phiếu (ticket not found)".into()));
    }
    let pos = store::queue::view::position(&st.db, id).await?;
    let center = store::queue::center(&st.db, pos.ticket.center_id).await?;
    let service = store::queue::service(&st.db, pos.ticket.service_id).await?;
    let counter_name = match pos.ticket.counter_id {
        Some(k) => Some(store::queue::counter(&st.db, k).await?.name),
        None => None,
    };
    Ok((center, service, pos, counter_name))
}

async fn page(
    st: &AppState,
    ctx: PageCtx,
    id: i64,
    key: String,
    message: String,
    fragment: bool,
) -> Result<Response, AppError> {
    let (center, service, pos, counter_name) = load(st, id, &key).await?;
    let rated = store::queue::appointment::rating_of(&st.db, id).await?.is_some();
    let live = TicketLive {
        ctx: ctx.clone(),
        service,
        pos,
        counter_name,
        key,
        rated,
        levels: super::kiosk::levels(),
        message,
    };
    if fragment { render(&live) } else { render(&TicketPage { ctx, center, live }) }
}

/// `GET /q/{id}?k=…`: the ticket page; with `HX-Request`, only its live part.
pub async fn show(
    State(st): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<Key>,
) -> Result<Response, AppError> {
    page(&st, ctx, id, q.k, String::new(), headers.contains_key("hx-request")).await
}

/// The phone's rating form.
#[derive(Debug, Deserialize)]
pub struct RateForm {
    /// Score 1–4.
    pub score: i64,
    /// Optional comment.
    #[serde(default)]
    pub comment: String,
}

/// `POST /q/{id}/rate?k=…`: the citizen rates the finished visit, once.
pub async fn rate(
    State(st): State<AppState>,
    ctx: PageCtx,
    ReqActor(actor): ReqActor,
    Path(id): Path<i64>,
    Query(q): Query<Key>,
    Form(form): Form<RateForm>,
) -> Result<Response, AppError> {
    load(&st, id, &q.k).await?;
    let level = Satisfaction::from_score(form.score)
        .ok_or_else(|| AppError::Unprocessable("hãy chọn một mức đánh giá (choose a level)".into()))?;
    match store::queue::appointment::rate(&st.db, &actor, id, level, &form.comment, store::now_ms()).await {
        Ok(_) => Ok(Redirect::to(&format!("/q/{id}?k={}", q.k)).into_response()),
        Err(e @ (store::Error::Invalid(_) | store::Error::Conflict(_))) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&st, ctx, id, q.k, e.to_string(), false).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
