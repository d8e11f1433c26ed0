//! The citizen's tracking page (tra cứu hồ sơ), public and phone first:
//! `/tra-cuu` asks for the dossier code and the last 4 digits of the
//! applicant's phone; `/tra-cuu/{code}` (the QR on Mẫu 01 and the links in
//! notifications) asks for the digits only. The answer is the status in
//! plain words, the expected date and the timeline, with personal data
//! masked; an unknown code and wrong digits get the same "not found".
//!
//! Every attempt goes through [`api::dossier::public::attempt`], the API's
//! own function with the same limiter, so the page and the API share the
//! limits against guessing. Once the result is returned the applicant may
//! rate the dossier 1–5, once ([`store::dossier::rating`]); the rating form
//! carries the digits again as proof and counts as an attempt too.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use domain::dossier::Status;
use serde::Deserialize;
use store::dossier::PublicView;

use crate::api::dossier::public::{Attempt, TrackLimiter, attempt};
use crate::auth::ReqActor;
use crate::error::{AppError, refusal};
use crate::i18n::Lang;
use crate::pages::{PageCtx, render};
use crate::state::AppState;

/// The tracking form.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct TrackForm {
    /// Dossier code (the `/tra-cuu` form only).
    #[serde(default)]
    pub code: String,
    /// The last 4 digits of the applicant's phone.
    #[serde(default)]
    pub phone_last4: String,
    /// The rating, 1–5 (the rating form only).
    #[serde(default)]
    pub rating: String,
}

/// One line of the public timeline.
pub struct Step {
    /// When, `dd/MM/yyyy HH:mm`.
    pub at: String,
    /// What happened, in plain words.
    pub what: &'static str,
    /// What the applicant is told, if anything.
    pub note: String,
}

/// The dossier as the page shows it.
pub struct Shown {
    /// Code.
    pub code: String,
    /// Procedure's name.
    pub procedure: String,
    /// Applicant's name, masked.
    pub applicant: String,
    /// The status in plain words.
    pub status_words: &'static str,
    /// The DVCQG status name, beside the words.
    pub status_label: &'static str,
    /// Status code.
    pub status: i32,
    /// Received at.
    pub received: String,
    /// The expected date, or why there is none yet.
    pub expected: String,
    /// The timeline, oldest first.
    pub steps: Vec<Step>,
    /// Whether the rating form is offered.
    pub can_rate: bool,
    /// The rating given, if any.
    pub rating: Option<i32>,
}

#[derive(Template)]
#[template(path = "dossier/track.html")]
struct TrackPage {
    ctx: PageCtx,
    code: String,
    fixed_code: bool,
    last4: String,
    shown: Option<Shown>,
    error: String,
    notice: String,
}

/// A status in plain words for the citizen.
fn status_words(lang: Lang, status: i32) -> (&'static str, &'static str) {
    let s = u8::try_from(status).ok().and_then(Status::from_code);
    let key = match s {
        Some(Status::Submitted) => "track.status.1",
        Some(Status::Accepted) => "track.status.2",
        Some(Status::NotAccepted) => "track.status.3",
        Some(Status::InProcess) => "track.status.4",
        Some(Status::SupplementRequested) => "track.status.5",
        Some(Status::FeeRequested) => "track.status.6",
        Some(Status::Withdrawn) => "track.status.7",
        Some(Status::Stopped) => "track.status.8",
        Some(Status::Finished) => "track.status.9",
        Some(Status::Returned) => "track.status.10",
        None => "track.status.unknown",
    };
    (lang.t(key), s.map(|s| lang.pick(s.label_vi(), s.label_en())).unwrap_or(""))
}

/// An event's action in plain words.
fn action_words(lang: Lang, action: &str) -> &'static str {
    let key = match action {
        "submit" => "track.action.submit",
        "receive" => "track.action.receive",
        "forward" | "send_back" => "track.action.forward",
        "request_supplement" => "track.action.request_supplement",
        "supplement_received" => "track.action.supplement_received",
        "request_fee" => "track.action.request_fee",
        "fee_paid" => "track.action.fee_paid",
        "extend" => "track.action.extend",
        "complete" => "track.action.complete",
        "return_result" => "track.action.return_result",
        "refuse" => "track.action.refuse",
        "withdraw" => "track.action.withdraw",
        "stop" => "track.action.stop",
        "rate" => "track.action.rate",
        _ => "track.action.other",
    };
    lang.t(key)
}

/// The page's view of a dossier.
pub fn shown(lang: Lang, v: PublicView) -> Shown {
    let (words, label) = status_words(lang, v.status);
    let expected = match (v.status, v.due_at) {
        (1, _) => lang.t("track.expected.not_received").to_string(),
        (_, Some(due)) => domain::time::format_local(due),
        (_, None) => lang.t("track.expected.none").to_string(),
    };
    Shown {
        code: v.code,
        procedure: v.procedure_name,
        applicant: v.applicant_name_masked,
        status_words: words,
        status_label: label,
        status: v.status,
        received: domain::time::format_local(v.received_at),
        expected,
        steps: v
            .events
            .into_iter()
            .map(|e| Step {
                at: domain::time::format_local(e.at),
                what: action_words(lang, &e.action),
                note: e.note.unwrap_or_default(),
            })
            .collect(),
        can_rate: v.status == i32::from(Status::Returned.code()) && v.rating.is_none(),
        rating: v.rating,
    }
}

struct Outcome {
    status: StatusCode,
    shown: Option<Shown>,
    error: String,
}

/// One attempt, as the page answers it.
async fn look(
    st: &AppState,
    limiter: &TrackLimiter,
    lang: Lang,
    client: &str,
    code: &str,
    last4: &str,
) -> Result<Outcome, AppError> {
    Ok(match attempt(st, limiter, client, code, last4).await? {
        Attempt::Found(v) => Outcome { status: StatusCode::OK, shown: Some(shown(lang, *v)), error: String::new() },
        Attempt::NotFound => {
            Outcome { status: StatusCode::NOT_FOUND, shown: None, error: lang.t("track.not_found").to_string() }
        }
        Attempt::Limited(secs) => Outcome {
            status: StatusCode::TOO_MANY_REQUESTS,
            shown: None,
            error: lang.t("track.limited").replace("{n}", &secs.to_string()),
        },
    })
}

fn respond(status: StatusCode, page: &TrackPage) -> Result<Response, AppError> {
    let mut resp = (status, render(page)?).into_response();
    resp.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    Ok(resp)
}

fn page(ctx: PageCtx, code: String, fixed_code: bool) -> TrackPage {
    TrackPage { ctx, code, fixed_code, last4: String::new(), shown: None, error: String::new(), notice: String::new() }
}

/// `GET /tra-cuu`: the form with the code and the digits.
pub async fn form(ctx: PageCtx) -> Result<Response, AppError> {
    respond(StatusCode::OK, &page(ctx, String::new(), false))
}

/// `GET /tra-cuu/{code}`: the form with the digits only (from the QR on the slip).
pub async fn form_for(ctx: PageCtx, Path(code): Path<String>) -> Result<Response, AppError> {
    respond(StatusCode::OK, &page(ctx, code.trim().chars().take(64).collect(), true))
}

async fn show(
    st: &AppState,
    limiter: &TrackLimiter,
    ctx: PageCtx,
    client: &str,
    code: String,
    fixed_code: bool,
    last4: String,
) -> Result<Response, AppError> {
    let o = look(st, limiter, ctx.lang, client, &code, &last4).await?;
    let last4 = if o.shown.is_some() { last4 } else { String::new() };
    let p = TrackPage { last4, shown: o.shown, error: o.error, ..page(ctx, code, fixed_code) };
    respond(o.status, &p)
}

/// `POST /tra-cuu`: code and digits → the dossier, or the same "not found".
pub async fn lookup(
    State(st): State<AppState>,
    Extension(limiter): Extension<Arc<TrackLimiter>>,
    ctx: PageCtx,
    ReqActor(actor): ReqActor,
    Form(f): Form<TrackForm>,
) -> Result<Response, AppError> {
    let code = f.code.trim().chars().take(64).collect();
    show(&st, &limiter, ctx, &actor.client_addr, code, false, f.phone_last4.trim().to_string()).await
}

/// `POST /tra-cuu/{code}`: the digits → the dossier, or the same "not found".
pub async fn lookup_code(
    State(st): State<AppState>,
    Extension(limiter): Extension<Arc<TrackLimiter>>,
    ctx: PageCtx,
    ReqActor(actor): ReqActor,
    Path(code): Path<String>,
    Form(f): Form<TrackForm>,
) -> Result<Response, AppError> {
    let code = code.trim().chars().take(64).collect();
    show(&st, &limiter, ctx, &actor.client_addr, code, true, f.phone_last4.trim().to_string()).await
}

/// `POST /tra-cuu/{code}/rate`: the rating, with the digits as proof; the
/// page again with a thank-you, or the refusal (a second rating, or before
/// the result is returned: 409 with a polite message).
pub async fn rate(
    State(st): State<AppState>,
    Extension(limiter): Extension<Arc<TrackLimiter>>,
    ctx: PageCtx,
    ReqActor(actor): ReqActor,
    Path(code): Path<String>,
    Form(f): Form<TrackForm>,
) -> Result<Response, AppError> {
    let code: String = code.trim().chars().take(64).collect();
    let last4 = f.phone_last4.trim().to_string();
    let o = look(&st, &limiter, ctx.lang, &actor.client_addr, &code, &last4).await?;
    if o.shown.is_none() {
        return respond(o.status, &TrackPage { error: o.error, ..page(ctx, code, true) });
    }
    let stars = f.rating.trim().parse::<i32>().unwrap_or(0);
    let (status, notice, error) =
        match store::dossier::rating::rate(&st.db, &actor, &code, &last4, stars, store::now_ms()).await {
            Ok(_) => (StatusCode::OK, ctx.t("track.rated").to_string(), String::new()),
            Err(store::Error::Invalid(_)) => {
                (StatusCode::UNPROCESSABLE_ENTITY, String::new(), ctx.t("track.rate.pick").to_string())
            }
            Err(store::Error::Conflict(_)) => {
                let v = o.shown.as_ref().map(|s| s.status).unwrap_or_default();
                let key = if v == i32::from(Status::Returned.code()) { "track.rate.twice" } else { "track.rate.early" };
                (StatusCode::CONFLICT, String::new(), ctx.t(key).to_string())
            }
            Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, String::new(), refusal(e)?),
        };
    // Show the dossier as it now stands (with the rating), without counting another attempt.
    let view = store::dossier::track(&st.db, &code, &last4).await?;
    let shown = view.map(|v| shown(ctx.lang, v));
    let p = TrackPage { last4, shown, error, notice, ..page(ctx, code, true) };
    respond(status, &p)
}
