//! The payment pages. The cashier's (Need `area::PAYMENTS`, scoped to the
//! units of the user's grants): [`home`] (`/payments`, the bills with filters
//! and the way to everything else), [`bill`] (the new-bill form and a bill's
//! printable page), [`batch`] (bills from an uploaded file, with a live
//! progress bar and the export of their codes), [`exceptions`] (the
//! exceptions queue with its resolve forms) and [`daily`] (one account's
//! reconciliation of a day). The payer's, public: [`pay`] (`/pay/{code}`,
//! the phone-first page with the QR code that turns paid by itself) and,
//! here, the electronic receipt.
//!
//! The payer's electronic receipt: `GET /bien-lai/{number}?k=KEY` answers the
//! biên lai as an A5 PDF ([`documents::pdf::receipt`]). The link is public
//! but keyed: the key is the receipt's random verification key, given to the
//! payer in the payment message and printed as the receipt's own QR code, so
//! scanning a paper receipt fetches the authoritative copy from the server.

pub mod batch;
pub mod bill;
pub mod daily;
pub mod exceptions;
pub mod home;
pub mod pay;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use documents::pdf::receipt::{Receipt, receipt};
use serde::Deserialize;

use crate::auth::Principal;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::area::PAYMENTS;
use crate::state::AppState;

/// The units whose payments the user may see: `None` for every unit (a
/// grant over all units), else the subtrees of the payment grants.
pub async fn scope(st: &AppState, p: &Principal) -> Result<Option<Vec<i64>>, AppError> {
    p.unit_scope(st, PAYMENTS.0).await
}

/// A bill's status in words.
pub fn status_label(lang: Lang, status: &str) -> &'static str {
    lang.t(match status {
        "open" => "pay.status.open",
        "paid" => "pay.status.paid",
        "cancelled" => "pay.status.cancelled",
        _ => "pay.status.other",
    })
}

/// A bill kind in words.
pub fn kind_label(lang: Lang, kind: store::payment::BillKind) -> &'static str {
    use store::payment::BillKind;
    lang.t(match kind {
        BillKind::Fee => "pay.kind.fee",
        BillKind::School => "pay.kind.school",
        BillKind::Utility => "pay.kind.utility",
        BillKind::Stall => "pay.kind.stall",
    })
}

/// A notification outcome (exception reason) in words.
pub fn outcome_label(lang: Lang, outcome: &str) -> String {
    const KNOWN: [&str; 10] = [
        "matched",
        "underpaid",
        "overpaid",
        "unknown_code",
        "ambiguous",
        "already_paid",
        "bill_closed",
        "duplicate",
        "outgoing",
        "not_ours",
    ];
    if KNOWN.contains(&outcome) { lang.t(&format!("pay.outcome.{outcome}")).to_string() } else { outcome.to_string() }
}

/// The bill's VietQR as an SVG element to put in a page (no XML prologue),
/// captioned with the bank, the holder and the amount.
pub fn inline_qr(bill: &store::payment::Bill, account: &store::payment::Account) -> Result<String, AppError> {
    let opts = vietqr::render::RenderOptions { caption: Some(caption(bill, account)), ..Default::default() };
    let svg = vietqr::render::to_svg(&bill.qr_payload, &opts).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(match svg.find("<svg") {
        Some(i) => svg[i..].to_string(),
        None => svg,
    })
}

/// The caption under a bill's code: bank, holder, amount.
pub fn caption(bill: &store::payment::Bill, account: &store::payment::Account) -> vietqr::render::Caption {
    vietqr::render::Caption {
        bank: account.bank_name().map(str::to_string),
        holder: Some(account.holder.clone()).filter(|h| !h.is_empty()),
        amount: u64::try_from(bill.amount).ok().map(vietqr::Vnd),
    }
}

/// `?k=` — the receipt's verification key.
#[derive(Debug, Default, Deserialize)]
pub struct KeyQuery {
    /// The key.
    #[serde(default)]
    pub k: String,
}

/// The receipt link of a receipt number and key, under the site's public address.
pub fn receipt_url(st: &AppState, number: &str, key: &str) -> String {
    receipt_link(&st.config.public_url, number, key)
}

/// The receipt link under a public address (the pages and the payer's message share it).
pub fn receipt_link(public_url: &str, number: &str, key: &str) -> String {
    format!("{}/bien-lai/{number}?k={key}", public_url.trim_end_matches('/'))
}

/// `GET /bien-lai/{number}?k=KEY`: the receipt as a PDF.
pub async fn receipt_pdf(
    State(st): State<AppState>,
    Path(number): Path<String>,
    Query(q): Query<KeyQuery>,
) -> Result<Response, AppError> {
    let doc = store::payment::receipt::document(&st.db, number.trim(), q.k.trim()).await?;
    let r = Receipt {
        unit_name: doc.unit_name,
        receipt_no: doc.receipt.number.clone(),
        issued_at_ms: doc.receipt.issued_at,
        payer_name: doc.bill.payer_name,
        payer_ref: doc.bill.payer_ref,
        lines: doc.bill.lines.iter().map(|l| (l.label().to_string(), l.amount().unwrap_or_default())).collect(),
        total: doc.bill.amount,
        payment_code: doc.bill.payment_code,
        bank_name: doc.account.bank_name().unwrap_or_default().to_string(),
        account: doc.account.account,
        txn_ref: doc.txn_ref.unwrap_or_default(),
        verify_url: receipt_url(&st, &doc.receipt.number, &doc.receipt.verify_key),
    };
    let bytes = receipt(&r).map_err(|e| AppError::Internal(e.to_string()))?;
    let disposition = format!("inline; filename=\"bien-lai-{}.pdf\"", doc.receipt.number);
    Ok(([(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response())
}
