//! Batch bills: `/payments/batches` lists the batches of the user's units
//! (so a cashier can leave an upload and find it again) with the upload form
//! (CSV or XLSX; unit, account, kind, and a default fee label and due date
//! for rows that leave them blank); `/payments/batches/{id}` shows a live
//! `<progress>` bar fed by `/payments/batches/{id}/progress` (JSON, polled by
//! `static/pay.js`), the refused rows with their reasons, and the export of
//! the batch's bills with their payment codes and pay links (CSV or XLSX).
//!
//! The file is read at upload and refused whole when it cannot be (422,
//! beside the file field); the rows are then validated and billed by the
//! `payment.batch` job, see [`store::payment::batch`].

use askama::Template;
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use documents::table::{Cell, Sheet};
use serde::Serialize;
use store::payment::BillKind;
use store::payment::batch::{Batch, NewBatch};

use super::bill::{UnitChoice, choices};
use super::{kind_label, scope, status_label};
use crate::api::payment::pay_url;
use crate::auth::{CurrentUser, Principal, ReqActor};
use crate::error::{AppError, refusal};
use crate::pages::area::PAYMENTS;
use crate::pages::{PageCtx, render, render_form};
use crate::state::AppState;

/// The upload form as typed.
#[derive(Debug, Clone, Default)]
pub struct UploadForm {
    /// Unit id.
    pub unit: String,
    /// Account id.
    pub account: String,
    /// Kind.
    pub kind: String,
    /// Default fee label.
    pub label: String,
    /// Default due date.
    pub due_date: String,
}

/// A batch as the list shows it.
pub struct BatchRow {
    /// The batch.
    pub batch: Batch,
    /// Kind in words.
    pub kind: &'static str,
    /// Uploaded, formatted.
    pub at: String,
}

#[derive(Template)]
#[template(path = "payment/batches.html")]
struct ListPage {
    ctx: PageCtx,
    rows: Vec<BatchRow>,
    units: Vec<UnitChoice>,
    kinds: Vec<(&'static str, &'static str)>,
    form: UploadForm,
    error: String,
    columns: String,
}

async fn list_page(
    st: &AppState,
    ctx: PageCtx,
    p: &Principal,
    form: UploadForm,
    error: String,
) -> Result<Response, AppError> {
    let units = scope(st, p).await?;
    let lang = ctx.lang;
    let rows = store::payment::batch::list(&st.db, units.as_deref(), 100)
        .await?
        .into_iter()
        .map(|b| BatchRow { kind: kind_label(lang, b.kind), at: domain::time::format_local(b.created_at), batch: b })
        .collect();
    let refused = !error.is_empty();
    let view = ListPage {
        rows,
        units: choices(st, p).await?,
        kinds: BillKind::ALL.iter().map(|k| (k.as_str(), kind_label(lang, *k))).collect(),
        form,
        error,
        columns: store::payment::batch::COLUMNS
            .iter()
            .map(|(_, aliases)| format!("\"{}\"", aliases[0]))
            .collect::<Vec<_>>()
            .join(", "),
        ctx,
    };
    render_form(&view, refused)
}

/// `GET /payments/batches`.
pub async fn list(State(st): State<AppState>, ctx: PageCtx, CurrentUser(p): CurrentUser) -> Result<Response, AppError> {
    let form = UploadForm { kind: "school".into(), ..UploadForm::default() };
    list_page(&st, ctx, &p, form, String::new()).await
}

/// `POST /payments/batches` (multipart): stores the batch and starts its job.
pub async fn upload(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        AppError::BadRequest(format!("không đọc được tệp tải lên: {e} (bad upload)"))
    };
    let mut form = UploadForm::default();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("tep").to_string();
            file = Some((file_name, field.bytes().await.map_err(bad)?.to_vec()));
            continue;
        }
        let value = field.text().await.map_err(bad)?;
        match name.as_str() {
            "unit" => form.unit = value,
            "account" => form.account = value,
            "kind" => form.kind = value,
            "label" => form.label = value,
            "due_date" => form.due_date = value,
            _ => {}
        }
    }
    let parsed = (
        form.unit.trim().parse::<i64>().ok(),
        form.account.trim().parse::<i64>().ok(),
        BillKind::parse(form.kind.trim()),
    );
    let (Some(unit_id), Some(account_id), Some(kind)) = parsed else {
        let msg = ctx.t("pay.err.batch_choice").to_string();
        return list_page(&st, ctx, &p, form, msg).await;
    };
    let due = match form.due_date.trim() {
        "" => None,
        d => match domain::time::parse_date(d) {
            Some(d) => Some(d),
            None => {
                let msg = ctx.t("pay.err.due").to_string();
                return list_page(&st, ctx, &p, form, msg).await;
            }
        },
    };
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let msg = ctx.t("pay.err.no_file").to_string();
        return list_page(&st, ctx, &p, form, msg).await;
    };
    p.require_unit(&st, unit_id, PAYMENTS.0).await?;
    let made = match store::payment::batch::read_file(&bytes, &form.label, due) {
        Ok(rows) => {
            let new = NewBatch { unit_id, account_id, kind, file_name };
            store::payment::batch::create(&st.db, &actor, new, &rows).await
        }
        Err(e) => Err(e),
    };
    match made {
        Ok(b) => Ok(Redirect::to(&format!("/payments/batches/{}", b.id)).into_response()),
        Err(e) => {
            let msg = refusal(e)?;
            list_page(&st, ctx, &p, form, msg).await
        }
    }
}

async fn batch_for(st: &AppState, p: &Principal, id: i64) -> Result<Batch, AppError> {
    let b = store::payment::batch::get(&st.db, id).await?;
    p.require_unit(st, b.unit_id, PAYMENTS.0).await?;
    Ok(b)
}

#[derive(Template)]
#[template(path = "payment/batch.html")]
struct ProgressPage {
    ctx: PageCtx,
    batch: Batch,
    kind: &'static str,
    unit_name: String,
    handled: i64,
    percent: i64,
}

/// Rows handled and the whole-percent done.
fn progress(b: &Batch) -> (i64, i64) {
    let handled = b.created + b.failed;
    let percent = if b.total_rows > 0 { handled * 100 / b.total_rows } else { 100 };
    (handled, percent)
}

/// `GET /payments/batches/{id}`.
pub async fn show(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let batch = batch_for(&st, &p, id).await?;
    let (handled, percent) = progress(&batch);
    let view = ProgressPage {
        kind: kind_label(ctx.lang, batch.kind),
        unit_name: store::unit::get(&st.db, batch.unit_id).await?.full_name(),
        handled,
        percent,
        batch,
        ctx,
    };
    render(&view)
}

/// A batch's progress, as the page polls it.
#[derive(Debug, Serialize)]
pub struct Progress {
    /// Rows in the file.
    pub total: i64,
    /// Rows handled.
    pub handled: i64,
    /// Bills created.
    pub created: i64,
    /// Rows refused.
    pub failed: i64,
    /// Whole percent.
    pub percent: i64,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    /// Whether every row is handled.
    pub done: bool,
}

/// `GET /payments/batches/{id}/progress`.
pub async fn progress_json(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let b = batch_for(&st, &p, id).await?;
    let (handled, percent) = progress(&b);
    let body = Progress {
        total: b.total_rows,
        handled,
        created: b.created,
        failed: b.failed,
        percent,
        done: b.is_done(),
        status: b.status,
    };
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response())
}

/// The batch's bills as a sheet: row, payer, reference, amount, code, status, due, pay link.
async fn sheet(st: &AppState, ctx: &PageCtx, b: &Batch) -> Result<Sheet, AppError> {
    let headers = [
        "pay.export.row",
        "pay.payer_name",
        "pay.payer_ref",
        "pay.line",
        "pay.amount",
        "pay.code",
        "pay.status",
        "pay.due",
        "pay.export.link",
    ]
    .map(|k| ctx.t(k));
    let mut sheet = Sheet::new(format!("{} {}", ctx.t("pay.export.title"), b.id), headers);
    for bill in store::payment::list::batch_bills(&st.db, b.id).await? {
        sheet.push(vec![
            bill.batch_row.map_or(Cell::Empty, Cell::Int),
            Cell::text(bill.payer_name.clone()),
            Cell::text(bill.payer_ref.clone()),
            Cell::text(bill.description.clone()),
            Cell::Int(bill.amount),
            Cell::text(bill.payment_code.clone()),
            Cell::text(status_label(ctx.lang, &bill.status)),
            Cell::text(bill.due_date.clone().unwrap_or_default()),
            Cell::text(pay_url(st, &bill.payment_code)),
        ]);
    }
    Ok(sheet)
}

fn download(content_type: &'static str, name: String, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response()
}

/// `GET /payments/batches/{id}/bills.csv`.
pub async fn export_csv(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let b = batch_for(&st, &p, id).await?;
    let bytes = documents::csv::to_csv(&sheet(&st, &ctx, &b).await?).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download("text/csv; charset=utf-8", format!("dot-{id}.csv"), bytes))
}

/// `GET /payments/batches/{id}/bills.xlsx`.
pub async fn export_xlsx(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let b = batch_for(&st, &p, id).await?;
    let bytes =
        documents::xlsx::to_xlsx(&[sheet(&st, &ctx, &b).await?]).map_err(|e| AppError::Internal(e.to_string()))?;
    let ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    Ok(download(ct, format!("dot-{id}.xlsx"), bytes))
}
