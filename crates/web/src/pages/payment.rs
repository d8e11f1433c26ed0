//! The payer's electronic receipt: `GET /bien-lai/{number}?k=KEY` answers the
//! biên lai as an A5 PDF ([`documents::pdf::receipt`]). The link is public
//! but keyed: the key is the receipt's random verification key, given to the
//! payer in the payment message and printed as the receipt's own QR code, so
//! scanning a paper receipt fetches the authoritative copy from the server.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use documents::pdf::receipt::{Receipt, receipt};
use serde::Deserialize;

use crate::error::AppError;
use crate::state::AppState;

/// `?k=` — the receipt's verification key.
#[derive(Debug, Default, Deserialize)]
pub struct KeyQuery {
    /// The key.
    #[serde(default)]
    pub k: String,
}

/// The receipt link of a receipt number and key, under the site's public address.
pub fn receipt_url(st: &AppState, number: &str, key: &str) -> String {
    format!("{}/bien-lai/{number}?k={key}", st.config.public_url.trim_end_matches('/'))
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
