//! API: payment settings, for administrators — each aggregator's webhook
//! secret (`PUT /api/v1/payments/providers/{provider}`) and the prefix of
//! the payment codes (`PUT /api/v1/payments/code-prefix`). Both are audited;
//! a secret is never echoed back or logged.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::ReqActor;
use crate::error::AppError;
use crate::state::AppState;

/// A provider's webhook secret: payOS checksum key, Casso v2 webhook key, SePay API key.
#[derive(Deserialize, ToSchema)]
pub struct ProviderBody {
    /// The secret.
    pub secret: String,
}

impl std::fmt::Debug for ProviderBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProviderBody { secret: <redacted> }")
    }
}

/// A provider's state, without its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderDto {
    /// `payos`, `casso` or `sepay`.
    pub provider: String,
    /// Whether a secret is set.
    pub configured: bool,
    /// Where its webhook posts.
    pub webhook_url: String,
}

/// Sets a provider's webhook secret (audited; the secret is not returned).
#[utoipa::path(put, path = "/api/v1/payments/providers/{provider}", tag = "payment", request_body = ProviderBody,
    params(("provider" = String, Path, description = "`payos`, `casso` or `sepay`")),
    responses((status = 200, body = ProviderDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn set_provider(
    State(st): State<AppState>,
    ReqActor(actor): ReqActor,
    Path(provider): Path<String>,
    Json(body): Json<ProviderBody>,
) -> Result<Json<ProviderDto>, AppError> {
    let p = store::payment::provider::parse_provider(&provider).ok_or_else(|| {
        AppError::NotFound(format!("không có nhà cung cấp {provider:?}: payos, casso, sepay (no such provider)"))
    })?;
    store::payment::provider::set_secret(&st.db, &actor, p, &body.secret).await?;
    st.ingester.forget_settings();
    Ok(Json(ProviderDto {
        provider: p.as_str().to_string(),
        configured: true,
        webhook_url: format!("{}/api/v1/payments/webhooks/{}", st.config.public_url.trim_end_matches('/'), p.as_str()),
    }))
}

/// The payment-code prefix.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CodePrefixDto {
    /// 1–8 letters or digits ("XS").
    pub prefix: String,
}

/// Sets the prefix of the payment codes of new bills (audited). Bills
/// already issued keep their codes; notifications are matched with the
/// current prefix.
#[utoipa::path(put, path = "/api/v1/payments/code-prefix", tag = "payment", request_body = CodePrefixDto,
    responses((status = 200, body = CodePrefixDto), (status = 403, body = crate::api::ErrorBody),
              (status = 422, body = crate::api::ErrorBody)))]
pub async fn set_code_prefix(
    State(st): State<AppState>,
    ReqActor(actor): ReqActor,
    Json(body): Json<CodePrefixDto>,
) -> Result<Json<CodePrefixDto>, AppError> {
    store::payment::provider::set_code_prefix(&st.db, &actor, &body.prefix).await?;
    st.ingester.forget_settings();
    let prefix = st.ingester.settings().await?.code_prefix.clone();
    Ok(Json(CodePrefixDto { prefix }))
}
