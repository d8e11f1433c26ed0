//! `/pay/{code}`: the payer's page, public and phone first. A big QR code,
//! the amount, the bank account, the transfer content with a copy button,
//! how to pay from a bank app or an e-wallet, the due date and the payer's
//! name masked. `static/pay.js` polls `/pay/{code}/status` (a tiny JSON read
//! from the database, so a payment recorded by any instance shows) and turns
//! the status green by itself, with the receipt link, when the bill is paid.
//! `/pay/{code}/qr.svg` and `/qr.png` download the code. An unknown code
//! gets a friendly 404 page.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use store::payment::{Account, Bill};

use super::{caption, inline_qr, kind_label, receipt_url, status_label};
use crate::api::market::stall::{QrFormat, vietqr_image};
use crate::error::AppError;
use crate::pages::{PageCtx, render};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "payment/pay.html")]
struct PayPage {
    ctx: PageCtx,
    bill: Bill,
    account: Account,
    unit_name: String,
    bank: String,
    amount: String,
    kind: &'static str,
    payer: String,
    due: String,
    qr: String,
    status: Status,
}

#[derive(Template)]
#[template(path = "payment/pay_missing.html")]
struct Missing {
    ctx: PageCtx,
    code: String,
}

/// The live status of a bill, as `/pay/{code}/status` answers it.
#[derive(Debug, Serialize)]
pub struct Status {
    /// `open`, `paid` or `cancelled`.
    pub status: String,
    /// Whether it is paid.
    pub paid: bool,
    /// The status in words, in the reader's language.
    pub label: String,
    /// When it was paid, `dd/MM/yyyy HH:mm` (UTC+7).
    pub paid_at: Option<String>,
    /// The receipt's link, once paid.
    pub receipt_url: Option<String>,
    /// The receipt's number, once paid.
    pub receipt_no: Option<String>,
}

async fn status_of(st: &AppState, ctx: &PageCtx, bill: &Bill) -> Result<Status, AppError> {
    let receipt = if bill.status == "paid" { store::payment::ingest::receipt(&st.db, bill.id).await? } else { None };
    Ok(Status {
        paid: bill.status == "paid",
        label: status_label(ctx.lang, &bill.status).to_string(),
        paid_at: bill.paid_at.map(domain::time::format_local),
        receipt_url: receipt.as_ref().map(|r| receipt_url(st, &r.number, &r.verify_key)),
        receipt_no: receipt.map(|r| r.number),
        status: bill.status.clone(),
    })
}

/// The bill of a code, or `None` (then the caller answers 404).
async fn find(st: &AppState, code: &str) -> Result<Option<Bill>, AppError> {
    let code = code.trim();
    if code.is_empty() || code.len() > 40 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Ok(None);
    }
    Ok(store::payment::bill_by_code(&st.db, code).await?)
}

fn missing(ctx: PageCtx, code: String) -> Result<Response, AppError> {
    Ok((StatusCode::NOT_FOUND, render(&Missing { ctx, code })?).into_response())
}

/// `GET /pay/{code}`.
pub async fn show(State(st): State<AppState>, ctx: PageCtx, Path(code): Path<String>) -> Result<Response, AppError> {
    let Some(bill) = find(&st, &code).await? else { return missing(ctx, code) };
    let account = store::payment::statement::account(&st.db, bill.account_id).await?;
    let status = status_of(&st, &ctx, &bill).await?;
    let view = PayPage {
        unit_name: store::unit::get(&st.db, bill.unit_id).await?.full_name(),
        bank: account.bank_name().unwrap_or(&account.bin).to_string(),
        amount: domain::payment::money::format_dong(bill.amount),
        kind: kind_label(ctx.lang, bill.kind),
        payer: domain::person::mask_name(&bill.payer_name),
        due: bill.due_date.as_deref().map(|d| ctx.date(d)).unwrap_or_default(),
        qr: inline_qr(&bill, &account)?,
        status,
        account,
        bill,
        ctx,
    };
    let mut resp = render(&view)?;
    resp.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(resp)
}

/// `GET /pay/{code}/status`: the live status as JSON.
pub async fn status(State(st): State<AppState>, ctx: PageCtx, Path(code): Path<String>) -> Result<Response, AppError> {
    let Some(bill) = find(&st, &code).await? else {
        return Err(AppError::NotFound(format!("không có phiếu thu mã {code} (no such bill)")));
    };
    let s = status_of(&st, &ctx, &bill).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(s)).into_response())
}

async fn qr(st: &AppState, code: &str, format: QrFormat) -> Result<Response, AppError> {
    let bill = find(st, code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("không có phiếu thu mã {code} (no such bill)")))?;
    let account = store::payment::statement::account(&st.db, bill.account_id).await?;
    let mut resp = vietqr_image(&bill.qr_payload, caption(&bill, &account), format)?;
    let ext = if format == QrFormat::Svg { "svg" } else { "png" };
    let disposition = format!("inline; filename=\"vietqr-{}.{ext}\"", bill.payment_code);
    if let Ok(v) = header::HeaderValue::from_str(&disposition) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

/// `GET /pay/{code}/qr.svg`: the code with its caption.
pub async fn qr_svg(State(st): State<AppState>, Path(code): Path<String>) -> Result<Response, AppError> {
    qr(&st, &code, QrFormat::Svg).await
}

/// `GET /pay/{code}/qr.png`.
pub async fn qr_png(State(st): State<AppState>, Path(code): Path<String>) -> Result<Response, AppError> {
    qr(&st, &code, QrFormat::Png).await
}
