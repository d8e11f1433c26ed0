//! API: the exceptions queue of payment notifications and the daily
//! reconciliation report of a receiving account. Callers hold a payments
//! role (cashier, leader, administrator) over the unit; the rules are in
//! [`store::payment::exception`] and [`store::payment::report`].

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use store::payment::exception::{Exception, Resolution};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, ReqActor};
use crate::error::AppError;
use crate::pages::area::PAYMENTS;
use crate::state::AppState;

/// A notification waiting for (or past) manual resolution.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExceptionDto {
    /// Id.
    pub id: i64,
    /// `payos`, `casso`, `sepay` or `statement`.
    pub provider: String,
    /// The provider's transaction id.
    pub txn_id: String,
    /// The receiving account as reported.
    pub account: String,
    /// Our receiving account id.
    pub account_id: Option<i64>,
    /// Amount received, in đồng.
    pub amount: i64,
    /// Transfer content.
    pub content: String,
    /// When the transfer happened (UTC ms).
    pub occurred_at: i64,
    /// `underpaid`, `overpaid`, `unknown_code`, `ambiguous`, `already_paid` or `bill_closed`.
    pub outcome: String,
    /// The bill concerned (after a match: the bill paid).
    pub bill_id: Option<i64>,
    /// The amount due of that bill.
    pub expected: Option<i64>,
    /// The raw notification as received.
    pub raw: String,
    /// When it was resolved (UTC ms).
    pub resolved_at: Option<i64>,
    /// Who resolved it (user id).
    pub resolved_by: Option<i64>,
    /// `match`, `refund` or `dismiss`.
    pub resolution: Option<String>,
    /// Why.
    pub reason: Option<String>,
}

impl From<Exception> for ExceptionDto {
    fn from(e: Exception) -> Self {
        ExceptionDto {
            id: e.id,
            provider: e.provider,
            txn_id: e.txn_id,
            account: e.account,
            account_id: e.account_id,
            amount: e.amount,
            content: e.content,
            occurred_at: e.occurred_at,
            outcome: e.outcome,
            bill_id: e.bill_id,
            expected: e.expected,
            raw: e.raw,
            resolved_at: e.resolved_at,
            resolved_by: e.resolved_by,
            resolution: e.resolution,
            reason: e.reason,
        }
    }
}

/// Which exceptions.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ExceptionQuery {
    /// Unit code.
    pub unit: String,
    /// Only unresolved ones (default true).
    #[serde(default)]
    pub open: Option<bool>,
}

/// The exceptions of a unit, newest first.
#[utoipa::path(get, path = "/api/v1/payments/exceptions", tag = "payment", params(ExceptionQuery),
    responses((status = 200, body = Vec<ExceptionDto>), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Query(q): Query<ExceptionQuery>,
) -> Result<Json<Vec<ExceptionDto>>, AppError> {
    let unit_id = super::unit_id(&st, &q.unit).await?;
    p.require_unit(&st, unit_id, PAYMENTS.0).await?;
    let found = store::payment::exception::list(&st.db, unit_id, q.open.unwrap_or(true), 500).await?;
    Ok(Json(found.into_iter().map(ExceptionDto::from).collect()))
}

/// How to resolve an exception.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ResolveBody {
    /// `match` (apply to `bill_id`, which becomes paid), `refund` or `dismiss`.
    pub action: String,
    /// The bill to apply it to (for `match`).
    #[serde(default)]
    pub bill_id: Option<i64>,
    /// Why (required).
    #[serde(default)]
    pub reason: String,
}

/// Resolves an exception: match it to a bill, refund it or dismiss it, with a reason (audited).
#[utoipa::path(post, path = "/api/v1/payments/exceptions/{id}/resolve", tag = "payment", request_body = ResolveBody,
    params(("id" = i64, Path, description = "Exception (notification) id")),
    responses((status = 200, body = ExceptionDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody),
              (status = 422, body = crate::api::ErrorBody)))]
pub async fn resolve(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(id): Path<i64>,
    Json(body): Json<ResolveBody>,
) -> Result<Json<ExceptionDto>, AppError> {
    let e = store::payment::exception::get(&st.db, id).await?;
    let unit_id = e.unit_id.ok_or(AppError::Forbidden)?;
    p.require_unit(&st, unit_id, PAYMENTS.0).await?;
    let resolution = match (body.action.trim(), body.bill_id) {
        ("match", Some(b)) => Resolution::Match(b),
        ("match", None) => {
            return Err(AppError::Unprocessable("cần bill_id để khớp (match needs a bill_id)".into()));
        }
        ("refund", _) => Resolution::Refund,
        ("dismiss", _) => Resolution::Dismiss,
        (other, _) => {
            return Err(AppError::Unprocessable(format!(
                "cách xử lý không hợp lệ {other:?}: match, refund, dismiss (bad action)"
            )));
        }
    };
    let done = store::payment::exception::resolve(&st.db, &actor, id, resolution, &body.reason).await?;
    Ok(Json(done.into()))
}

/// Which day.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DailyQuery {
    /// The local day (UTC+7), `YYYY-MM-DD`.
    pub date: String,
}

/// One day's reconciliation of a receiving account, in đồng.
#[derive(Debug, Serialize, ToSchema)]
pub struct DailyReportDto {
    /// The receiving account.
    pub account_id: i64,
    /// The day (UTC+7).
    pub date: String,
    /// What the bills due that day add up to.
    pub expected: i64,
    /// Money in counted once (matched and exceptions).
    pub received: i64,
    /// Money applied to bills automatically.
    pub matched: i64,
    /// How many transfers matched.
    pub matched_count: u32,
    /// Money in the exceptions queue.
    pub exceptions: i64,
    /// How many transfers went to the exceptions queue.
    pub exception_count: u32,
    /// Repeats of a transfer already recorded (same bank reference).
    pub duplicates: u32,
    /// Ignored notifications (outgoing).
    pub ignored: u32,
    /// Expected money not yet matched.
    pub outstanding: i64,
    /// Everything expected matched, no exceptions.
    pub balanced: bool,
}

/// The daily reconciliation report of a receiving account.
#[utoipa::path(get, path = "/api/v1/payments/accounts/{id}/daily", tag = "payment", params(
        ("id" = i64, Path, description = "Receiving account id"), DailyQuery),
    responses((status = 200, body = DailyReportDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn daily(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<DailyQuery>,
) -> Result<Json<DailyReportDto>, AppError> {
    let account = store::payment::statement::account(&st.db, id).await?;
    p.require_unit(&st, account.unit_id, PAYMENTS.0).await?;
    let date = domain::time::parse_date(q.date.trim())
        .ok_or_else(|| AppError::Unprocessable(format!("ngày không hợp lệ {:?}, cần YYYY-MM-DD (bad date)", q.date)))?;
    let r = store::payment::report::daily(&st.db, id, date).await?;
    Ok(Json(DailyReportDto {
        account_id: id,
        date: date.format("%Y-%m-%d").to_string(),
        outstanding: r.outstanding(),
        balanced: r.is_balanced(),
        expected: r.expected,
        received: r.received,
        matched: r.matched,
        matched_count: r.matched_count,
        exceptions: r.exceptions,
        exception_count: r.exception_count,
        duplicates: r.duplicates,
        ignored: r.ignored,
    }))
}
