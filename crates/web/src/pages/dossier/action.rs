//! The dossier page's writes: `POST /dossiers/{code}/actions` (every
//! workflow action and comments, one small form each, CSRF-checked) and
//! `POST /dossiers/{code}/files` (multipart upload; the CSRF token rides in
//! the query, as the body is not a urlencoded form).
//!
//! An action goes through [`crate::api::dossier::action::apply`], the same
//! function as `POST /api/v1/dossiers/{code}/actions`, so the page and the
//! API make one event. Success redirects back to the page with a notice; a
//! refusal (wrong status, missing reason, the Decision 766 warning not
//! confirmed, a bad date) shows the page again with 422 and the message
//! beside the form it came from, nothing changed. A file goes through
//! [`store::dossier::attach`] and its rules (PDF, JPEG or PNG, at most 10 MB,
//! content checked against the declared type).

use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use store::dossier::NewFile;

use super::detail::{ActionForm, DetailQuery, Shown, dossier_for, page};
use crate::api::dossier::action::{ActionInput, apply};
use crate::auth::{CurrentUser, ReqActor};
use crate::error::{AppError, urlencode};
use crate::pages::PageCtx;
use crate::state::AppState;

/// The form's fields, read from the posted pairs (components repeat).
fn read_form(pairs: &[(String, String)]) -> ActionForm {
    let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    ActionForm {
        action: get("action"),
        note: get("note"),
        reason: get("reason"),
        to_step: get("to_step"),
        department: get("department"),
        assignee: get("assignee"),
        new_due_date: get("new_due_date"),
        result_channel: get("result_channel"),
        result_type: get("result_type"),
        components: pairs.iter().filter(|(k, _)| k == "components").map(|(_, v)| v.trim().to_string()).collect(),
        other_components: get("other_components"),
        confirm_late: get("confirm_late") == "1",
        receipt_no: get("receipt_no"),
        amount: get("amount"),
    }
}

/// The API's input for a page form, or what is malformed in it.
fn input_of(f: &ActionForm, ctx: &PageCtx) -> Result<ActionInput, String> {
    let some = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
    let to_step = match f.to_step.as_str() {
        "" => None,
        s => Some(s.parse::<u32>().map_err(|_| ctx.t("dossier.error.step").to_string())?),
    };
    let amount = match f.amount.replace(['.', ' ', ','], "").as_str() {
        "" => None,
        s => Some(s.parse::<i64>().map_err(|_| ctx.t("dossier.error.amount").to_string())?),
    };
    let mut components: Vec<String> = f.components.iter().filter(|c| !c.is_empty()).cloned().collect();
    components.extend(f.other_components.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string));
    Ok(ActionInput {
        action: f.action.clone(),
        note: some(&f.note),
        reason: some(&f.reason),
        to_step,
        department: some(&f.department),
        assignee: some(&f.assignee),
        new_due_date: some(&f.new_due_date),
        result_channel: some(&f.result_channel),
        result_type: some(&f.result_type),
        components: Some(components).filter(|c| !c.is_empty()),
        confirm_late: Some(f.confirm_late),
        receipt_no: some(&f.receipt_no),
        amount,
    })
}

/// `POST /dossiers/{code}/actions`.
pub async fn act(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(code): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let d = crate::api::dossier::find(&st, &code).await?;
    let form = read_form(&pairs);
    let result = match input_of(&form, &ctx) {
        Ok(input) => apply(&st, &p, &actor, &d, &input).await.map_err(|e| match e {
            AppError::Unprocessable(m) | AppError::Conflict(m) | AppError::NotFound(m) => Ok(m),
            other => Err(other),
        }),
        Err(message) => Err(Ok(message)),
    };
    match result {
        Ok(updated) => {
            let to = format!("/dossiers/{}?done={}", urlencode(&updated.code), urlencode(&form.action));
            Ok(Redirect::to(&to).into_response())
        }
        Err(Err(e)) => Err(e),
        Err(Ok(message)) => {
            // The refusal is shown on the page of the dossier the officer may see.
            let d = dossier_for(&st, &p, &d.code).await?;
            let shown = Shown { error: message, error_at: form.action.clone(), form };
            page(&st, ctx, &p, &actor, d, &DetailQuery::default(), shown).await
        }
    }
}

/// The upload's fields: component label, purpose, and the file.
struct Upload {
    component: String,
    purpose: String,
    file: Option<(String, Option<String>, Vec<u8>)>,
}

/// Reads the multipart form; a malformed or oversized body is a message.
async fn read_upload(mut form: Multipart, ctx: &PageCtx) -> Result<Upload, String> {
    let mut up = Upload { component: String::new(), purpose: "component".into(), file: None };
    let broken = |_| ctx.t("dossier.error.upload").to_string();
    while let Some(field) = form.next_field().await.map_err(broken)? {
        match field.name().unwrap_or("") {
            "component" => up.component = field.text().await.map_err(broken)?,
            "purpose" => up.purpose = field.text().await.map_err(broken)?,
            "file" => {
                let name = field.file_name().unwrap_or("").to_string();
                let mime = field.content_type().map(str::to_string);
                let bytes = field.bytes().await.map_err(broken)?;
                if !name.is_empty() || !bytes.is_empty() {
                    up.file = Some((name, mime, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    Ok(up)
}

/// `POST /dossiers/{code}/files?_csrf=…`: attaches a component or the result file.
pub async fn upload(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(code): Path<String>,
    form: Multipart,
) -> Result<Response, AppError> {
    let d = dossier_for(&st, &p, &code).await?;
    let attached = match read_upload(form, &ctx).await {
        Ok(Upload { file: None, .. }) => Err(ctx.t("dossier.error.no_file").to_string()),
        Ok(Upload { component, purpose, file: Some((file_name, declared_mime, content)) }) => {
            let new = NewFile { is_result: purpose == "result", component, file_name, declared_mime, content };
            match store::dossier::attach(&st.db, &actor, &d.code, new, store::now_ms()).await {
                Ok(_) => Ok(()),
                Err(e) => Err(crate::error::refusal(e)?),
            }
        }
        Err(message) => Err(message),
    };
    let message = match attached {
        Ok(_) => return Ok(Redirect::to(&format!("/dossiers/{}?done=attach", urlencode(&d.code))).into_response()),
        Err(message) => message,
    };
    let shown = Shown { error: message, error_at: "attach".into(), form: ActionForm::default() };
    page(&st, ctx, &p, &actor, d, &DetailQuery::default(), shown).await
}
