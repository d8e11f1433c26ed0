//! API: the public webhook endpoints of the payment aggregators —
//! `POST /api/v1/payments/webhooks/{payos,casso,sepay}`.
//!
//! No session, no CSRF: each request is authenticated only by its
//! provider's scheme, checked exactly as [`domain::payment::webhook`] does
//! (payOS: HMAC-SHA256 in the body; Casso v2: HMAC-SHA512 header with a
//! 5-minute timestamp window; SePay: `Authorization: Apikey …`), with the
//! secret an administrator stored in the settings. Anything else is a 401
//! with a JSON message. A verified notification is committed through the
//! group-commit [`store::payment::ingest::Ingester`] **before** the answer,
//! so an acknowledged notification is durable; a replay is answered with
//! success too. Each endpoint answers in its provider's format.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::payment::webhook::{Notification, Provider, WebhookError, casso, payos, sepay};
use serde_json::{Value, json};
use store::payment::ingest::{Incoming, Source};

use crate::auth::ReqActor;
use crate::error::{AppError, ErrorInfo};
use crate::state::AppState;

/// The Casso v2 timestamp window: 5 minutes either way (the sources state
/// none; SePay documents 5 minutes for its own scheme).
pub const CASSO_WINDOW_MS: i64 = 5 * 60 * 1000;

/// A refusal with a message, rendered as the API's JSON error.
fn refuse(status: StatusCode, message: String) -> Response {
    let mut resp = status.into_response();
    resp.extensions_mut().insert(ErrorInfo { status, message });
    resp
}

fn refuse_webhook(p: Provider, e: WebhookError) -> Response {
    let name = p.as_str();
    match e {
        WebhookError::Malformed(m) => {
            refuse(StatusCode::BAD_REQUEST, format!("thông báo {name} sai định dạng: {m} (malformed notification)"))
        }
        WebhookError::BadSignature(m) => {
            refuse(StatusCode::UNAUTHORIZED, format!("chữ ký {name} không hợp lệ: {m} (bad signature)"))
        }
        e @ WebhookError::StaleTimestamp { .. } => refuse(
            StatusCode::UNAUTHORIZED,
            format!("thời điểm ký {name} quá cũ hoặc ở tương lai: {e} (stale timestamp)"),
        ),
    }
}

/// Verifies, ingests, and answers in the provider's format.
async fn handle(
    st: &AppState,
    actor: store::audit::Actor,
    p: Provider,
    body: &Bytes,
    verify: impl FnOnce(&str, &str, i64) -> Result<Notification, WebhookError>,
) -> Result<Response, AppError> {
    let settings = st.ingester.settings().await?;
    let Some(secret) = settings.secret(p) else {
        return Ok(refuse(
            StatusCode::UNAUTHORIZED,
            format!("chưa cấu hình khóa webhook {} (the {} webhook is not configured)", p.as_str(), p.as_str()),
        ));
    };
    let Ok(raw) = std::str::from_utf8(body) else {
        return Ok(refuse(StatusCode::BAD_REQUEST, "nội dung không phải UTF-8 (the body is not UTF-8)".into()));
    };
    let now = chrono::Utc::now().timestamp_millis();
    let notification = match verify(raw, secret, now) {
        Ok(n) => n,
        Err(e) => {
            metrics::counter!("payment_webhooks_refused_total", "provider" => p.as_str()).increment(1);
            return Ok(refuse_webhook(p, e));
        }
    };
    let incoming = Incoming {
        source: Source::Webhook(p),
        notification,
        bin: None,
        account_id: None,
        codes: settings.codes()?,
        actor: store::audit::Actor { name: format!("webhook:{}", p.as_str()), ..actor },
        received_at: now,
    };
    let done = st.ingester.ingest(incoming).await?;
    let outcome = if done.replay { "replay".to_string() } else { done.outcome };
    metrics::counter!("payment_notifications_total", "provider" => p.as_str(), "outcome" => outcome).increment(1);
    let body: Value = match p {
        Provider::PayOs => json!({"code": "00", "desc": "success", "success": true}),
        Provider::Casso => json!({"error": 0, "message": "ok"}),
        Provider::SePay => json!({"success": true}),
    };
    Ok((StatusCode::OK, Json(body)).into_response())
}

/// payOS webhook: body `{code, desc, success, data, signature}` signed with the checksum key.
#[utoipa::path(post, path = "/api/v1/payments/webhooks/payos", tag = "payment", security(()),
    request_body(content = String, description = "payOS webhook body (JSON)", content_type = "application/json"),
    responses((status = 200, description = "`{\"code\":\"00\",\"desc\":\"success\",\"success\":true}`"),
              (status = 400, body = crate::api::ErrorBody), (status = 401, body = crate::api::ErrorBody)))]
pub async fn payos(State(st): State<AppState>, ReqActor(actor): ReqActor, body: Bytes) -> Result<Response, AppError> {
    handle(&st, actor, Provider::PayOs, &body, |raw, key, _| payos::verify(raw, key.as_bytes())).await
}

/// Casso v2 webhook: body `{error, data}`, header `X-Casso-Signature: t=…,v1=…`.
#[utoipa::path(post, path = "/api/v1/payments/webhooks/casso", tag = "payment", security(()),
    request_body(content = String, description = "Casso v2 webhook body (JSON)", content_type = "application/json"),
    responses((status = 200, description = "`{\"error\":0,\"message\":\"ok\"}`"),
              (status = 400, body = crate::api::ErrorBody), (status = 401, body = crate::api::ErrorBody)))]
pub async fn casso(
    State(st): State<AppState>,
    ReqActor(actor): ReqActor,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let sig = headers.get(casso::SIGNATURE_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
    let options = casso::CassoOptions { escaping: Default::default(), window_ms: Some(CASSO_WINDOW_MS) };
    handle(&st, actor, Provider::Casso, &body, |raw, key, now| {
        casso::verify(raw, sig.as_deref(), key.as_bytes(), options, now)
    })
    .await
}

/// SePay webhook: a flat JSON body, `Authorization: Apikey <key>`.
#[utoipa::path(post, path = "/api/v1/payments/webhooks/sepay", tag = "payment", security(()),
    request_body(content = String, description = "SePay webhook body (JSON)", content_type = "application/json"),
    responses((status = 200, description = "`{\"success\":true}`"),
              (status = 400, body = crate::api::ErrorBody), (status = 401, body = crate::api::ErrorBody)))]
pub async fn sepay(
    State(st): State<AppState>,
    ReqActor(actor): ReqActor,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let auth: Vec<(String, String)> = headers
        .get_all("authorization")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| ("Authorization".to_string(), v.to_string()))
        .collect();
    handle(&st, actor, Provider::SePay, &body, |raw, key, now| {
        let refs: Vec<(&str, &str)> = auth.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        sepay::verify(raw, &refs, &sepay::SepayAuth::ApiKey(key.to_string()), now)
    })
    .await
}
