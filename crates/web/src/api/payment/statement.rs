//! API: bank statement import, for banks without webhooks — the column
//! mapping saved per bank (`PUT /api/v1/payments/statement-mappings/{bin}`)
//! and the upload of a statement file for a receiving account
//! (`POST /api/v1/payments/accounts/{id}/statements`, multipart, CSV or
//! XLSX). Every credit row goes through the same idempotent ingestion as a
//! webhook ([`store::payment::statement`]); a file that cannot be read is a
//! 422 naming the row and the reason, and nothing of it is ingested.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Multipart, Path, State};
use serde::{Deserialize, Serialize};
use store::payment::statement::StatementMapping;
use utoipa::ToSchema;

use crate::auth::{CurrentUser, ReqActor};
use crate::error::AppError;
use crate::pages::area::PAYMENTS;
use crate::state::AppState;

/// Which column (by its header text) holds what in a bank's statement files.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MappingDto {
    /// The bank's transaction id / reference column, if any (else rows are identified by a hash).
    #[serde(default)]
    pub txn_id: Option<String>,
    /// Transaction date column.
    pub date: String,
    /// Credit (money in) column.
    pub credit: String,
    /// Debit (money out) column, if separate.
    #[serde(default)]
    pub debit: Option<String>,
    /// Transfer content column.
    pub content: String,
    /// Receiving account column, if any.
    #[serde(default)]
    pub account: Option<String>,
}

impl From<StatementMapping> for MappingDto {
    fn from(m: StatementMapping) -> Self {
        MappingDto {
            txn_id: m.txn_id,
            date: m.date,
            credit: m.credit,
            debit: m.debit,
            content: m.content,
            account: m.account,
        }
    }
}

/// Saves the statement column mapping of a bank (by BIN), audited.
#[utoipa::path(put, path = "/api/v1/payments/statement-mappings/{bin}", tag = "payment", request_body = MappingDto,
    params(("bin" = String, Path, description = "The bank's 6-digit BIN")),
    responses((status = 200, body = MappingDto), (status = 403, body = crate::api::ErrorBody),
              (status = 422, body = crate::api::ErrorBody)))]
pub async fn save_mapping(
    State(st): State<AppState>,
    ReqActor(actor): ReqActor,
    Path(bin): Path<String>,
    Json(body): Json<MappingDto>,
) -> Result<Json<MappingDto>, AppError> {
    let m = StatementMapping {
        txn_id: body.txn_id,
        date: body.date,
        credit: body.credit,
        debit: body.debit,
        content: body.content,
        account: body.account,
    };
    Ok(Json(store::payment::statement::save_mapping(&st.db, &actor, &bin, m).await?.into()))
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportDto {
    /// Transaction rows read.
    pub rows: usize,
    /// Credit rows ingested.
    pub credits: usize,
    /// Debit or empty rows skipped.
    pub skipped: usize,
    /// Credit rows already ingested before.
    pub replays: usize,
    /// New notifications per outcome (`matched`, `underpaid`, `unknown_code`, …).
    pub outcomes: BTreeMap<String, usize>,
}

/// Imports a statement file (multipart field `file`, CSV or XLSX) for a receiving account.
#[utoipa::path(post, path = "/api/v1/payments/accounts/{id}/statements", tag = "payment",
    params(("id" = i64, Path, description = "Receiving account id")),
    request_body(content = String, description = "multipart/form-data with a `file` part", content_type = "multipart/form-data"),
    responses((status = 200, body = ImportDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn import(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Json<ImportDto>, AppError> {
    let account = store::payment::statement::account(&st.db, id).await?;
    p.require_unit(&st, account.unit_id, PAYMENTS.0).await?;
    let bad = |e: axum::extract::multipart::MultipartError| {
        AppError::BadRequest(format!("không đọc được tệp tải lên: {e} (bad upload)"))
    };
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        if field.name() == Some("file") {
            file = Some(field.bytes().await.map_err(bad)?);
        }
    }
    let file = file.ok_or_else(|| AppError::Unprocessable("thiếu tệp sao kê (no `file` part)".into()))?;
    let s = store::payment::statement::import(&st.ingester, &st.db, &actor, id, &file).await?;
    Ok(Json(ImportDto {
        rows: s.rows,
        credits: s.credits,
        skipped: s.skipped,
        replays: s.replays,
        outcomes: s.outcomes,
    }))
}
