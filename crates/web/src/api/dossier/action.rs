//! `POST /api/v1/dossiers/{code}/actions`: one endpoint for every workflow
//! action, each mapped onto its store function (one transaction with its
//! event and audit row).
//!
//! Officers act only on dossiers of units their grants cover
//! ([`Principal::require_unit`]); a cashier may only record that the fees
//! were paid. A refused transition (wrong status, extension limit, the
//! Decision 766 warning not confirmed) answers 409 with the reason; missing
//! or malformed input answers 422. [`apply`] is the one function behind both
//! this route and the dossier page's action forms
//! ([`crate::pages::dossier::action`]).

use axum::Json;
use axum::extract::{Path, State};
use chrono::NaiveDate;
use domain::dossier::ResultType;
use serde::Deserialize;
use store::dossier::{Dossier, ResultChannel, StepTarget, SupplementRequest};
use utoipa::ToSchema;

use super::dto::{DossierDetailDto, FEE_ROLES};
use super::{detail_of, find};
use crate::auth::{CurrentUser, Principal, ReqActor};
use crate::error::AppError;
use crate::pages::area::DOSSIERS;
use crate::state::AppState;

/// An action on a dossier. Which fields matter depends on `action`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ActionInput {
    /// `receive` (an online dossier, status 1), `forward`, `send_back`, `request_supplement`, `supplement_received`,
    /// `request_fee`, `fee_paid`, `extend`, `complete`, `return_result`,
    /// `refuse`, `withdraw`, `stop` or `comment`.
    pub action: String,
    /// A note or comment (required for `send_back` and `comment`).
    pub note: Option<String>,
    /// The reason (required for `refuse`, `stop`, `extend`; for
    /// `request_supplement` unless `components` are listed).
    pub reason: Option<String>,
    /// `forward` / `send_back`: the procedure template's step (1-based).
    pub to_step: Option<u32>,
    /// `forward` / `send_back`: a department.
    pub department: Option<String>,
    /// `forward` / `send_back`: the officer's username, or `me`.
    pub assignee: Option<String>,
    /// `extend`: the new due date, `YYYY-MM-DD` (due at the end of office
    /// hours that working day) or ISO 8601 with an offset.
    pub new_due_date: Option<String>,
    /// `return_result`: `counter`, `post` or `electronic`.
    pub result_channel: Option<String>,
    /// `complete`: `paper`, `electronic` or `paper_and_electronic` (default: the procedure's).
    pub result_type: Option<String>,
    /// `request_supplement`: the missing or incomplete components.
    pub components: Option<Vec<String>>,
    /// `request_supplement`: confirms that a further request makes the
    /// dossier late under Decision 766.
    pub confirm_late: Option<bool>,
    /// `fee_paid`: the receipt number.
    pub receipt_no: Option<String>,
    /// `request_fee`: the amount in đồng, if known.
    pub amount: Option<i64>,
}

/// Whether `grants` give a dossier role over a unit whose covering units are `covering`.
fn handles(grants: &[store::user::Grant], covering: &[i64]) -> bool {
    grants.iter().filter(|g| DOSSIERS.0.contains(&g.role)).any(|g| g.unit_id.is_none_or(|u| covering.contains(&u)))
}

/// The active officers who may be handed dossiers of `unit_id` (a dossier
/// role over it), by login name: the choices of the page's forward forms.
pub async fn officers(st: &AppState, unit_id: i64) -> Result<Vec<store::user::User>, AppError> {
    let covering = store::unit::covering_units(&st.db, unit_id).await?;
    let mut out = Vec::new();
    for user in store::user::list(&st.db).await?.into_iter().filter(|u| u.active) {
        if handles(&store::user::grants(&st.db, user.id).await?, &covering) {
            out.push(user);
        }
    }
    Ok(out)
}

/// The user named as assignee (`me` for the caller), who must hold a
/// dossier role over the dossier's unit.
async fn assignee(st: &AppState, p: &Principal, name: Option<&str>, unit_id: i64) -> Result<Option<i64>, AppError> {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else { return Ok(None) };
    let user = if name == "me" {
        p.user.clone()
    } else {
        store::user::find(&st.db, name)
            .await?
            .ok_or_else(|| AppError::Unprocessable(format!("không có cán bộ {name:?} (no such officer)")))?
    };
    let grants = store::user::grants(&st.db, user.id).await?;
    let covering = store::unit::covering_units(&st.db, unit_id).await?;
    if !handles(&grants, &covering) {
        return Err(AppError::Unprocessable(format!(
            "cán bộ {} không xử lý hồ sơ của đơn vị này (the officer does not handle this unit's dossiers)",
            user.username
        )));
    }
    Ok(Some(user.id))
}

/// The new due date of an extension.
fn new_due(s: Option<&str>) -> Result<i64, AppError> {
    let s = s.map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| {
        AppError::Unprocessable("cần ngày hẹn mới new_due_date (the new due date is required)".into())
    })?;
    if let Ok(date) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(store::dossier::extension::due_on(date)?);
    }
    chrono::DateTime::parse_from_rfc3339(s).map(|t| t.timestamp_millis()).map_err(|_| {
        AppError::Unprocessable(format!(
            "ngày hẹn mới không hợp lệ {s:?}: dùng YYYY-MM-DD (bad new_due_date: use YYYY-MM-DD)"
        ))
    })
}

fn text(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Applies `body` to the dossier `d` as `p`: checks the caller's roles over
/// the dossier's unit (a cashier only records fees), then calls the store
/// function of the action. The API route and the dossier page's forms both
/// call this, so an action taken either way is the same event.
pub async fn apply(
    st: &AppState,
    p: &Principal,
    actor: &store::audit::Actor,
    d: &Dossier,
    body: &ActionInput,
) -> Result<Dossier, AppError> {
    let action = body.action.trim();
    let roles = if action == "fee_paid" { FEE_ROLES } else { DOSSIERS.0 };
    p.require_unit(st, d.unit_id, roles).await?;
    let (db, code, at) = (&st.db, d.code.as_str(), store::now_ms());
    let note = text(&body.note);
    let reason = text(&body.reason).or(note).unwrap_or("");
    let updated = match action {
        // An online dossier (status 1) becomes received: its due date runs from now.
        "receive" => store::dossier::online::accept(db, actor, code, at).await?,
        "forward" | "send_back" => {
            let target = StepTarget {
                to_step: body.to_step,
                department: text(&body.department).map(str::to_string),
                assignee: assignee(st, p, body.assignee.as_deref(), d.unit_id).await?,
            };
            if action == "forward" {
                store::dossier::forward(db, actor, code, &target, note, at).await?
            } else {
                store::dossier::send_back(db, actor, code, &target, note.unwrap_or(""), at).await?
            }
        }
        "request_supplement" => {
            let request = SupplementRequest {
                reason: reason.to_string(),
                components: body.components.clone().unwrap_or_default(),
                confirm_late: body.confirm_late.unwrap_or(false),
            };
            store::dossier::request_supplement(db, actor, code, &request, at).await?
        }
        "supplement_received" => store::dossier::supplement_received(db, actor, code, note, at).await?,
        "request_fee" => store::dossier::request_fee(db, actor, code, note, body.amount, at).await?,
        "fee_paid" => {
            let receipt = text(&body.receipt_no).unwrap_or("");
            store::dossier::fee_paid(db, actor, code, receipt, at).await?
        }
        "extend" => {
            let due = new_due(body.new_due_date.as_deref())?;
            store::dossier::extend(db, actor, code, due, reason, at).await?
        }
        "complete" => {
            let result_type = match text(&body.result_type) {
                Some(t) => Some(store::procedure::parse_result_type(t).ok_or_else(|| {
                    AppError::Unprocessable(format!(
                        "loại kết quả không hợp lệ {t:?}: paper, electronic hoặc paper_and_electronic (bad result_type)"
                    ))
                })?),
                None => None::<ResultType>,
            };
            store::dossier::complete(db, actor, code, result_type, note, at).await?
        }
        "return_result" => {
            let channel = text(&body.result_channel).and_then(ResultChannel::parse).ok_or_else(|| {
                AppError::Unprocessable(
                    "cần kênh trả kết quả result_channel: counter, post hoặc electronic (result_channel is required)"
                        .into(),
                )
            })?;
            store::dossier::return_result(db, actor, code, channel, note, at).await?
        }
        "refuse" => store::dossier::refuse(db, actor, code, reason, at).await?,
        "withdraw" => store::dossier::withdraw(db, actor, code, note, at).await?,
        "stop" => store::dossier::stop(db, actor, code, reason, at).await?,
        "comment" => store::dossier::comment(db, actor, code, note.unwrap_or(""), at).await?,
        other => {
            return Err(AppError::Unprocessable(format!(
                "thao tác không hợp lệ {other:?} (unknown action: receive, forward, send_back, request_supplement, \
                 supplement_received, request_fee, fee_paid, extend, complete, return_result, refuse, withdraw, \
                 stop, comment)"
            )));
        }
    };
    Ok(updated)
}

/// Takes an action on a dossier and answers the updated dossier.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/actions", tag = "dossier", request_body = ActionInput,
    params(("code" = String, Path, description = "Dossier code")),
    responses((status = 200, body = DossierDetailDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody),
              (status = 422, body = crate::api::ErrorBody)))]
pub async fn act(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(code): Path<String>,
    Json(body): Json<ActionInput>,
) -> Result<Json<DossierDetailDto>, AppError> {
    let d = find(&st, &code).await?;
    let updated = apply(&st, &p, &actor, &d, &body).await?;
    Ok(Json(detail_of(&st, &p, updated).await?))
}

/// Who may enter the actions route: the dossier roles, and cashiers (fees only).
pub const ACT: crate::auth::Need = crate::auth::Need(&[
    domain::auth::Role::DeskOfficer,
    domain::auth::Role::Processor,
    domain::auth::Role::Leader,
    domain::auth::Role::Admin,
    domain::auth::Role::Cashier,
]);
