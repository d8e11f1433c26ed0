//! Printable standees: `GET /markets/{id}/standees.pdf?paper=a6|a5` (every
//! stall of the market that has a receiving account, one per page) and
//! `GET /stalls/{id}/standee.pdf?paper=…`. The PDF is drawn by
//! [`documents::pdf::standee`]; this module gathers the stalls' data.
//!
//! The standee is hung at the stall for any buyer to see, so it shows the
//! merchant's name, the bank and the account (grouped for reading), never
//! the merchant's phone.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use documents::pdf::standee::{Paper, Standee};
use serde::Deserialize;
use store::market::{Market, StallView};

use crate::api::market::market_for;
use crate::api::market::stall::stall_for;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;

/// `?paper=a6|a5` (A6 by default).
#[derive(Debug, Default, Deserialize)]
pub struct PaperQuery {
    /// `a6` or `a5`.
    #[serde(default)]
    pub paper: String,
}

fn paper(q: &PaperQuery) -> Result<Paper, AppError> {
    match q.paper.trim().to_ascii_lowercase().as_str() {
        "" | "a6" => Ok(Paper::A6),
        "a5" => Ok(Paper::A5),
        other => Err(AppError::Unprocessable(format!("khổ giấy không hợp lệ {other:?}: a6, a5 (bad paper size)"))),
    }
}

/// An account number grouped by four for reading ("0011 0012 3456 7").
pub fn grouped(account: &str) -> String {
    let chars: Vec<char> = account.chars().collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

/// The standee of a stall, if it has a receiving account.
fn standee(market: &Market, v: &StallView) -> Option<Standee> {
    let s = &v.stall;
    let payload = s.payload()?;
    Some(Standee {
        market_name: market.name.clone(),
        stall_label: s.label.clone(),
        merchant_name: v.merchant_name.clone().unwrap_or_default(),
        category: s.category.clone(),
        bank_name: s.bank_name().unwrap_or_default().to_string(),
        account_display: grouped(s.account.as_deref().unwrap_or_default()),
        holder: s.holder.clone().unwrap_or_default(),
        qr_payload: payload,
    })
}

fn pdf(items: &[Standee], paper: Paper, file: &str) -> Result<Response, AppError> {
    let bytes = documents::pdf::standee::render(items, paper).map_err(|e| AppError::Internal(e.to_string()))?;
    let disposition = format!("inline; filename=\"{file}\"");
    Ok(([(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response())
}

fn paper_name(p: Paper) -> &'static str {
    match p {
        Paper::A6 => "a6",
        Paper::A5 => "a5",
    }
}

/// `GET /markets/{id}/standees.pdf?paper=a6|a5`: every stall with a code, one per page.
pub async fn market(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<PaperQuery>,
) -> Result<Response, AppError> {
    let paper = paper(&q)?;
    let market = market_for(&st, &p, id, false).await?;
    let stalls = store::market::stall::stalls(&st.db, id).await?;
    let items: Vec<Standee> = stalls.iter().filter_map(|v| standee(&market, v)).collect();
    if items.is_empty() {
        return Err(AppError::Unprocessable(
            "chợ chưa có sạp nào có tài khoản nhận tiền (no stall of this market has a receiving account)".into(),
        ));
    }
    pdf(&items, paper, &format!("standee-cho-{id}-{}.pdf", paper_name(paper)))
}

/// `GET /stalls/{id}/standee.pdf?paper=a6|a5`: one stall's standee.
pub async fn stall(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<PaperQuery>,
) -> Result<Response, AppError> {
    let paper = paper(&q)?;
    let v = stall_for(&st, &p, id, false).await?;
    let market = store::market::market(&st.db, v.stall.market_id).await?;
    let item = standee(&market, &v).ok_or_else(|| {
        AppError::Unprocessable(format!(
            "sạp {} chưa có tài khoản nhận tiền (the stall has no receiving account)",
            v.stall.label
        ))
    })?;
    pdf(&[item], paper, &format!("standee-sap-{id}-{}.pdf", paper_name(paper)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_grouped_by_four() {
        assert_eq!(grouped("0011001234567"), "0011 0012 3456 7");
        assert_eq!(grouped(""), "");
    }
}
