//! API: the stalls of a market, each with its static VietQR payload and its
//! QR image (SVG with the bank and holder as caption, or PNG), stall changes
//! and bulk status changes.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Deserializer, Serialize};
use store::market::{StallInput, StallPatch, StallStatus, StallView};
use utoipa::{IntoParams, ToSchema};

use super::market_for;
use crate::auth::{CurrentUser, Principal, ReqActor};
use crate::error::AppError;
use crate::state::AppState;

/// The merchant of a stall, with the phone masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct StallMerchantDto {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Phone masked (`0901 *** 567`).
    pub phone_masked: Option<String>,
}

/// A stall with its static VietQR.
#[derive(Debug, Serialize, ToSchema)]
pub struct StallDto {
    /// Id.
    pub id: i64,
    /// The market.
    pub market_id: i64,
    /// Number or label.
    pub label: String,
    /// Goods category.
    pub category: String,
    /// The merchant.
    pub merchant: Option<StallMerchantDto>,
    /// `none`, `bank` or `wallet`.
    pub method: String,
    /// BIN of the receiving bank or wallet.
    pub bin: Option<String>,
    /// The bank's or wallet's name.
    pub bank: Option<String>,
    /// Whether the bank list marks it as taking NAPAS 247 transfers (test wallets before launch).
    pub transfer_supported: Option<bool>,
    /// Receiving account.
    pub account: Option<String>,
    /// Account holder.
    pub holder: Option<String>,
    /// Monthly fee in đồng.
    pub monthly_fee: i64,
    /// Whether the merchant linked a notification feed.
    pub feed_linked: bool,
    /// `cash_only`, `qr_displayed` or `qr_in_use`.
    pub status: String,
    /// When the status last changed (UTC ms).
    pub status_at: i64,
    /// The static VietQR payload (no amount), when the stall has an account.
    pub qr: Option<String>,
    /// The QR image as SVG.
    pub qr_svg: Option<String>,
    /// The QR image as PNG.
    pub qr_png: Option<String>,
}

impl From<StallView> for StallDto {
    fn from(v: StallView) -> Self {
        let s = v.stall;
        let qr = s.payload();
        let bank = s.bin.as_deref().and_then(vietqr::banks::by_bin);
        let merchant = s.merchant_id.zip(v.merchant_name).map(|(id, name)| StallMerchantDto {
            id,
            name,
            phone_masked: domain::market::masked_phone(v.merchant_phone.as_deref()),
        });
        StallDto {
            qr_svg: qr.as_ref().map(|_| format!("/api/v1/stalls/{}/qr.svg", s.id)),
            qr_png: qr.as_ref().map(|_| format!("/api/v1/stalls/{}/qr.png", s.id)),
            qr,
            bank: bank.map(|b| b.name.to_string()),
            transfer_supported: bank.map(|b| b.transfer_supported),
            merchant,
            id: s.id,
            market_id: s.market_id,
            label: s.label,
            category: s.category,
            method: s.method.as_str().to_string(),
            bin: s.bin,
            account: s.account,
            holder: s.holder,
            monthly_fee: s.monthly_fee,
            feed_linked: s.feed_linked,
            status: s.status.as_str().to_string(),
            status_at: s.status_at,
        }
    }
}

/// Filters of a market's stalls.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct StallQuery {
    /// Only stalls with this status.
    pub status: Option<String>,
    /// Only stalls of this goods category.
    pub category: Option<String>,
}

fn parse_status(s: &str) -> Result<StallStatus, AppError> {
    StallStatus::parse(s).ok_or_else(|| {
        AppError::Unprocessable(format!(
            "trạng thái không hợp lệ {s:?}: cash_only, qr_displayed, qr_in_use (bad status)"
        ))
    })
}

/// The stalls of a market with their static VietQR payloads.
#[utoipa::path(get, path = "/api/v1/markets/{id}/stalls", tag = "market",
    params(("id" = i64, Path, description = "Market id"), StallQuery),
    responses((status = 200, body = Vec<StallDto>), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<StallQuery>,
) -> Result<Json<Vec<StallDto>>, AppError> {
    market_for(&st, &p, id, false).await?;
    let status = match q.status.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => Some(parse_status(s)?),
        None => None,
    };
    let category = q.category.as_deref().map(str::trim).filter(|c| !c.is_empty());
    let stalls = store::market::stall::stalls(&st.db, id).await?;
    Ok(Json(
        stalls
            .into_iter()
            .filter(|v| status.is_none_or(|s| v.stall.status == s))
            .filter(|v| category.is_none_or(|c| v.stall.category == c))
            .map(StallDto::from)
            .collect(),
    ))
}

/// A new stall.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewStallBody {
    /// Number or label, unique in the market.
    pub label: String,
    /// Goods category.
    #[serde(default)]
    pub category: String,
    /// The merchant's id (of the market's unit).
    #[serde(default)]
    pub merchant_id: Option<i64>,
    /// `none` (default), `bank` or `wallet`.
    #[serde(default)]
    pub method: String,
    /// BIN of the receiving bank or wallet ("970436", MoMo "971025").
    #[serde(default)]
    pub bin: String,
    /// Receiving account.
    #[serde(default)]
    pub account: String,
    /// Account holder.
    #[serde(default)]
    pub holder: String,
    /// Monthly fee in đồng (0: none).
    #[serde(default)]
    pub monthly_fee: i64,
    /// Whether the merchant linked a money-in notification feed.
    #[serde(default)]
    pub feed_linked: bool,
    /// `cash_only` (default), `qr_displayed` or `qr_in_use`.
    #[serde(default)]
    pub status: Option<String>,
}

/// Adds a stall to a market. A bad BIN or account number is refused with 422.
#[utoipa::path(post, path = "/api/v1/markets/{id}/stalls", tag = "market", request_body = NewStallBody,
    params(("id" = i64, Path, description = "Market id")),
    responses((status = 201, body = StallDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody),
              (status = 422, body = crate::api::ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(id): Path<i64>,
    Json(body): Json<NewStallBody>,
) -> Result<(StatusCode, Json<StallDto>), AppError> {
    market_for(&st, &p, id, true).await?;
    let status = match body.status.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => Some(parse_status(s)?),
        None => None,
    };
    let input = StallInput {
        label: body.label,
        category: body.category,
        merchant_id: body.merchant_id,
        method: body.method,
        bin: body.bin,
        account: body.account,
        holder: body.holder,
        monthly_fee: body.monthly_fee,
        feed_linked: body.feed_linked,
        status,
    };
    let stall = store::market::stall::create_stall(&st.db, &actor, id, input).await?;
    Ok((StatusCode::CREATED, Json(view(&st, stall.id).await?.into())))
}

/// A stall with its merchant.
async fn view(st: &AppState, id: i64) -> Result<StallView, AppError> {
    let stall = store::market::stall::stall(&st.db, id).await?;
    let merchant = match stall.merchant_id {
        Some(m) => Some(store::market::merchant(&st.db, m).await?),
        None => None,
    };
    Ok(StallView {
        merchant_name: merchant.as_ref().map(|m| m.name.clone()),
        merchant_phone: merchant.and_then(|m| m.phone),
        stall,
    })
}

/// The stall, if the user may read (or, with `write`, change) its market.
pub async fn stall_for(st: &AppState, p: &Principal, id: i64, write: bool) -> Result<StallView, AppError> {
    let v = view(st, id).await?;
    market_for(st, p, v.stall.market_id, write).await?;
    Ok(v)
}

/// One stall.
#[utoipa::path(get, path = "/api/v1/stalls/{id}", tag = "market",
    params(("id" = i64, Path, description = "Stall id")),
    responses((status = 200, body = StallDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody)))]
pub async fn get(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<StallDto>, AppError> {
    Ok(Json(stall_for(&st, &p, id, false).await?.into()))
}

/// Present-and-null vs absent, for fields that can be removed.
fn some<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(d).map(Some)
}

/// Changes to a stall; absent fields are kept.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct StallPatchBody {
    /// Number or label.
    pub label: Option<String>,
    /// Goods category.
    pub category: Option<String>,
    /// The merchant's id; `null` removes the merchant.
    #[serde(default, deserialize_with = "some")]
    #[schema(value_type = Option<i64>)]
    pub merchant_id: Option<Option<i64>>,
    /// `none`, `bank` or `wallet`.
    pub method: Option<String>,
    /// BIN of the receiving bank or wallet.
    pub bin: Option<String>,
    /// Receiving account.
    pub account: Option<String>,
    /// Account holder.
    pub holder: Option<String>,
    /// Monthly fee in đồng.
    pub monthly_fee: Option<i64>,
    /// Whether the merchant linked a notification feed.
    pub feed_linked: Option<bool>,
    /// `cash_only`, `qr_displayed` or `qr_in_use` (the change is audited with its time).
    pub status: Option<String>,
}

/// Changes a stall: details, receiving account or onboarding status.
#[utoipa::path(patch, path = "/api/v1/stalls/{id}", tag = "market", request_body = StallPatchBody,
    params(("id" = i64, Path, description = "Stall id")),
    responses((status = 200, body = StallDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody),
              (status = 422, body = crate::api::ErrorBody)))]
pub async fn patch(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(id): Path<i64>,
    Json(body): Json<StallPatchBody>,
) -> Result<Json<StallDto>, AppError> {
    let cur = stall_for(&st, &p, id, true).await?.stall;
    let receiving = (body.method.is_some() || body.bin.is_some() || body.account.is_some() || body.holder.is_some())
        .then(|| {
            (
                body.method.unwrap_or_else(|| cur.method.as_str().to_string()),
                body.bin.or(cur.bin).unwrap_or_default(),
                body.account.or(cur.account).unwrap_or_default(),
                body.holder.or(cur.holder).unwrap_or_default(),
            )
        });
    let status = match body.status.as_deref() {
        Some(s) => Some(parse_status(s)?),
        None => None,
    };
    let patch = StallPatch {
        label: body.label,
        category: body.category,
        merchant_id: body.merchant_id,
        receiving,
        monthly_fee: body.monthly_fee,
        feed_linked: body.feed_linked,
        status,
    };
    store::market::stall::update_stall(&st.db, &actor, id, patch).await?;
    Ok(Json(view(&st, id).await?.into()))
}

/// A status for several stalls of a market.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BulkStatusBody {
    /// Stall ids.
    pub stalls: Vec<i64>,
    /// `cash_only`, `qr_displayed` or `qr_in_use`.
    pub status: String,
}

/// What a bulk status change did.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkStatusDto {
    /// Stalls whose status changed.
    pub changed: usize,
    /// Stalls already in that status.
    pub unchanged: usize,
}

/// Sets the status of several stalls of a market at once, each change audited.
#[utoipa::path(post, path = "/api/v1/markets/{id}/stalls/status", tag = "market", request_body = BulkStatusBody,
    params(("id" = i64, Path, description = "Market id")),
    responses((status = 200, body = BulkStatusDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn bulk_status(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(id): Path<i64>,
    Json(body): Json<BulkStatusBody>,
) -> Result<Json<BulkStatusDto>, AppError> {
    market_for(&st, &p, id, true).await?;
    let to = parse_status(&body.status)?;
    let r = store::market::stall::set_status(&st.db, &actor, id, &body.stalls, to).await?;
    Ok(Json(BulkStatusDto { changed: r.changed, unchanged: r.unchanged }))
}

/// The stall's payload and caption, or 404 when it has no receiving account.
async fn qr_of(st: &AppState, p: &Principal, id: i64) -> Result<(String, vietqr::render::Caption), AppError> {
    let s = stall_for(st, p, id, false).await?.stall;
    let payload = s.payload().ok_or_else(|| {
        AppError::NotFound(format!("sạp {} chưa có tài khoản nhận tiền (the stall has no receiving account)", s.label))
    })?;
    let caption = vietqr::render::Caption {
        bank: s.bank_name().map(str::to_string),
        holder: s.holder.filter(|h| !h.is_empty()),
        amount: None,
    };
    Ok((payload, caption))
}

fn image(content_type: &'static str, body: impl IntoResponse) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "private, max-age=60")], body).into_response()
}

/// The download formats of a VietQR image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrFormat {
    /// SVG, captioned (bank, holder, amount).
    Svg,
    /// PNG, without caption.
    Png,
}

/// A VietQR payload as an image download: the one renderer of stall codes
/// and of bills' codes (`/pay/{code}/qr.svg|png`).
pub fn vietqr_image(payload: &str, caption: vietqr::render::Caption, format: QrFormat) -> Result<Response, AppError> {
    let internal = |e: vietqr::render::RenderError| AppError::Internal(e.to_string());
    Ok(match format {
        QrFormat::Svg => {
            let opts = vietqr::render::RenderOptions { caption: Some(caption), ..Default::default() };
            image("image/svg+xml", vietqr::render::to_svg(payload, &opts).map_err(internal)?)
        }
        QrFormat::Png => image(
            "image/png",
            vietqr::render::to_png(payload, &vietqr::render::RenderOptions::default()).map_err(internal)?,
        ),
    })
}

/// The stall's static VietQR as SVG, captioned with the bank and the holder.
#[utoipa::path(get, path = "/api/v1/stalls/{id}/qr.svg", tag = "market",
    params(("id" = i64, Path, description = "Stall id")),
    responses((status = 200, content_type = "image/svg+xml", body = String),
              (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub async fn qr_svg(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (payload, caption) = qr_of(&st, &p, id).await?;
    vietqr_image(&payload, caption, QrFormat::Svg)
}

/// The stall's static VietQR as PNG (no caption).
#[utoipa::path(get, path = "/api/v1/stalls/{id}/qr.png", tag = "market",
    params(("id" = i64, Path, description = "Stall id")),
    responses((status = 200, content_type = "image/png", body = Vec<u8>),
              (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub async fn qr_png(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (payload, caption) = qr_of(&st, &p, id).await?;
    vietqr_image(&payload, caption, QrFormat::Png)
}
