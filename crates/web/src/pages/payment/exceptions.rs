//! `/payments/exceptions`: the open exceptions of the user's units — the
//! transfers reconciliation would not apply by itself — with what arrived
//! (when, from which provider, to which account, how much, with what
//! content) and why. Each row has a resolve form: match it to a bill by its
//! payment code, refund it or dismiss it, always with a reason; the form
//! posts to `/payments/exceptions/{id}/resolve`, which calls the same store
//! operation as the API ([`store::payment::exception::resolve`], audited).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::payment::money::format_dong;
use serde::Deserialize;
use store::payment::exception::{Exception, Resolution};

use super::{outcome_label, scope};
use crate::auth::{CurrentUser, Principal, ReqActor};
use crate::error::{AppError, refusal};
use crate::pages::area::PAYMENTS;
use crate::pages::{PageCtx, render_form};
use crate::state::AppState;

/// An exception as the page shows it.
pub struct Row {
    /// The notification.
    pub e: Exception,
    /// Why, in words.
    pub why: String,
    /// Amount received.
    pub amount: String,
    /// Amount due, if a bill is concerned.
    pub expected: String,
    /// When.
    pub at: String,
    /// The bill's code, if one is concerned.
    pub bill_code: String,
}

/// The resolve form.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ResolveForm {
    /// `match`, `refund` or `dismiss`.
    #[serde(default)]
    pub action: String,
    /// The bill's payment code (for `match`).
    #[serde(default)]
    pub bill_code: String,
    /// Why.
    #[serde(default)]
    pub reason: String,
}

/// The notice after a resolution.
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    /// The exception just resolved.
    #[serde(default)]
    pub done: String,
}

#[derive(Template)]
#[template(path = "payment/exceptions.html")]
struct ExceptionsPage {
    ctx: PageCtx,
    rows: Vec<Row>,
    done: String,
    error_id: i64,
    error: String,
    form: ResolveForm,
}

async fn page(
    st: &AppState,
    ctx: PageCtx,
    p: &Principal,
    done: String,
    refused: Option<(i64, String, ResolveForm)>,
) -> Result<Response, AppError> {
    let units = scope(st, p).await?;
    let mut rows = Vec::new();
    for e in store::payment::list::open_exceptions(&st.db, units.as_deref(), 500).await? {
        let bill_code = match e.bill_id {
            Some(b) => store::payment::bill(&st.db, b).await.map(|b| b.payment_code).unwrap_or_default(),
            None => String::new(),
        };
        rows.push(Row {
            why: outcome_label(ctx.lang, &e.outcome),
            amount: format_dong(e.amount),
            expected: e.expected.map(format_dong).unwrap_or_default(),
            at: domain::time::format_local(e.occurred_at),
            bill_code,
            e,
        });
    }
    let (error_id, error, form) = refused.unwrap_or_default();
    let is_refused = !error.is_empty();
    render_form(&ExceptionsPage { ctx, rows, done, error_id, error, form }, is_refused)
}

/// `GET /payments/exceptions`.
pub async fn list(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Query(q): Query<Done>,
) -> Result<Response, AppError> {
    page(&st, ctx, &p, q.done, None).await
}

/// `POST /payments/exceptions/{id}/resolve`: resolves one exception; a
/// refusal comes back beside that row's form (422).
pub async fn resolve(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(id): Path<i64>,
    Form(form): Form<ResolveForm>,
) -> Result<Response, AppError> {
    let e = store::payment::exception::get(&st.db, id).await?;
    let unit_id = e.unit_id.ok_or(AppError::Forbidden)?;
    p.require_unit(&st, unit_id, PAYMENTS.0).await?;
    let resolution = match form.action.trim() {
        "match" => match store::payment::bill_by_code(&st.db, &form.bill_code).await? {
            Some(b) if !form.bill_code.trim().is_empty() => Ok(Resolution::Match(b.id)),
            _ => Err(ctx.t("pay.err.match_code").to_string()),
        },
        "refund" => Ok(Resolution::Refund),
        "dismiss" => Ok(Resolution::Dismiss),
        _ => Err(ctx.t("pay.err.action").to_string()),
    };
    let result = match resolution {
        Ok(r) => store::payment::exception::resolve(&st.db, &actor, id, r, &form.reason).await.map_err(refusal),
        Err(msg) => Err(Ok(msg)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/payments/exceptions?done={id}")).into_response()),
        Err(Ok(msg)) => page(&st, ctx, &p, String::new(), Some((id, msg, form))).await,
        Err(Err(e)) => Err(e),
    }
}
