//! `GET /api/v1/public/dossiers/{code}?phone_last4=NNNN`: the citizen's
//! tracking, without login.
//!
//! The answer is the masked timeline ([`store::dossier::track`]): the
//! applicant's name masked, no ID number, no phone, no address. An unknown
//! code and wrong digits get the same 404, so the endpoint cannot tell which
//! codes exist; and guessing is slowed by two limits (the `governor` crate,
//! GCRA), one per client address and one per dossier code, each answering
//! 429 with `Retry-After`. Every attempt counts, right or wrong.

use std::net::{IpAddr, Ipv4Addr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use domain::dossier::Status;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::iso;
use crate::auth::ReqActor;
use crate::error::AppError;
use crate::state::AppState;

/// Attempts a client address may make at once, then one per [`IP_PERIOD`].
pub const IP_BURST: u32 = 20;
/// How often a client address regains an attempt.
pub const IP_PERIOD: Duration = Duration::from_secs(3);
/// Attempts on one dossier code at once, then one per [`CODE_PERIOD`]: at
/// most about 25 guesses an hour of the 10,000 possible last digits.
pub const CODE_BURST: u32 = 5;
/// How often a dossier code regains an attempt.
pub const CODE_PERIOD: Duration = Duration::from_secs(180);
/// Keys kept before idle ones are dropped.
const MAX_KEYS: usize = 50_000;

/// The tracking endpoint's limits, one set per application.
#[derive(Debug)]
pub struct TrackLimiter {
    by_ip: DefaultKeyedRateLimiter<IpAddr>,
    by_code: DefaultKeyedRateLimiter<String>,
}

fn quota(period: Duration, burst: u32) -> Quota {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(period).unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN)).allow_burst(burst)
}

impl TrackLimiter {
    /// The limits of [`IP_BURST`] / [`IP_PERIOD`] and [`CODE_BURST`] / [`CODE_PERIOD`].
    pub fn new() -> Arc<TrackLimiter> {
        Arc::new(TrackLimiter {
            by_ip: RateLimiter::keyed(quota(IP_PERIOD, IP_BURST)),
            by_code: RateLimiter::keyed(quota(CODE_PERIOD, CODE_BURST)),
        })
    }

    /// `Err(wait)` when `ip` or `code` has used its attempts.
    fn check(&self, ip: IpAddr, code: &str) -> Result<(), Duration> {
        if self.by_ip.len() > MAX_KEYS {
            self.by_ip.retain_recent();
        }
        if self.by_code.len() > MAX_KEYS {
            self.by_code.retain_recent();
        }
        let now = DefaultClock::default().now();
        self.by_ip.check_key(&ip).map_err(|n| n.wait_time_from(now))?;
        self.by_code.check_key(&code.to_string()).map_err(|n| n.wait_time_from(now))
    }
}

/// The outcome of one tracking attempt.
#[derive(Debug)]
pub enum Attempt {
    /// The code and digits match: the masked view.
    Found(Box<store::dossier::PublicView>),
    /// Unknown code, wrong digits, or no phone: the same answer for all.
    NotFound,
    /// Too many attempts: retry after so many seconds (at least 1).
    Limited(u64),
}

/// One tracking attempt from `client_addr`, counted against both limits
/// (the API and the tracking page call this, so they share the attempts).
pub async fn attempt(
    st: &AppState,
    limiter: &TrackLimiter,
    client_addr: &str,
    code: &str,
    last4: &str,
) -> Result<Attempt, AppError> {
    // The connection's address, as the audit log records it.
    let ip = client_addr.parse::<IpAddr>().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let code = code.trim();
    if code.is_empty() || code.len() > 64 {
        return Ok(Attempt::NotFound);
    }
    if let Err(wait) = limiter.check(ip, code) {
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        return Ok(Attempt::Limited(secs.max(1)));
    }
    Ok(match store::dossier::track(&st.db, code, last4).await? {
        Some(view) => Attempt::Found(Box::new(view)),
        None => Attempt::NotFound,
    })
}

/// The tracking query.
#[derive(Debug, Deserialize, IntoParams)]
pub struct TrackQuery {
    /// The last four digits of the applicant's phone.
    pub phone_last4: Option<String>,
}

/// One step of the public timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicEventDto {
    /// When, ISO 8601 at +07:00.
    pub at: String,
    /// The action (`receive`, `forward`, `request_supplement`, …).
    pub action: String,
    /// DVCQG status after it.
    pub status: i32,
    /// Status as DVCQG words it.
    pub status_label: String,
    /// What the applicant is told (what to supplement, why refused or extended).
    pub note: Option<String>,
}

/// A dossier as its applicant may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicDossierDto {
    /// Dossier code.
    pub code: String,
    /// Procedure's TTHC code.
    pub procedure: String,
    /// Procedure's name.
    pub procedure_name: String,
    /// Applicant's name, masked.
    pub applicant_name: String,
    /// DVCQG status code.
    pub status: i32,
    /// Status as DVCQG words it.
    pub status_label: String,
    /// Received.
    pub received_at: String,
    /// Due date in force.
    pub due_at: Option<String>,
    /// Processing finished.
    pub finished_at: Option<String>,
    /// Result returned.
    pub returned_at: Option<String>,
    /// How the result was returned.
    pub result_channel: Option<String>,
    /// The timeline, oldest first.
    pub events: Vec<PublicEventDto>,
}

fn label(status: i32) -> String {
    u8::try_from(status).ok().and_then(Status::from_code).map(Status::label_vi).unwrap_or("").to_string()
}

fn not_found() -> AppError {
    AppError::NotFound("không tìm thấy hồ sơ với mã và số điện thoại này (no dossier with this code and phone)".into())
}

/// Tracks a dossier by code and the last four digits of the applicant's phone.
#[utoipa::path(get, path = "/api/v1/public/dossiers/{code}", tag = "dossier", security(()),
    params(("code" = String, Path, description = "Dossier code"), TrackQuery),
    responses((status = 200, body = PublicDossierDto), (status = 404, body = crate::api::ErrorBody),
              (status = 429, body = crate::api::ErrorBody)))]
pub async fn track(
    State(st): State<AppState>,
    Extension(limiter): Extension<Arc<TrackLimiter>>,
    ReqActor(actor): ReqActor,
    Path(code): Path<String>,
    Query(q): Query<TrackQuery>,
) -> Result<Response, AppError> {
    let last4 = q.phone_last4.unwrap_or_default();
    let view = match attempt(&st, &limiter, &actor.client_addr, &code, &last4).await? {
        Attempt::Found(view) => *view,
        Attempt::NotFound => return Err(not_found()),
        Attempt::Limited(secs) => {
            let body = serde_json::json!({"error": {"status": 429, "message": format!(
                "tra cứu quá nhiều lần, hãy thử lại sau {secs} giây (too many attempts: retry in {secs} s)")}});
            let mut resp = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return Ok(resp);
        }
    };
    let dto = PublicDossierDto {
        code: view.code,
        procedure: view.procedure_code,
        procedure_name: view.procedure_name,
        applicant_name: view.applicant_name_masked,
        status_label: label(view.status),
        status: view.status,
        received_at: iso(view.received_at),
        due_at: view.due_at.map(iso),
        finished_at: view.finished_at.map(iso),
        returned_at: view.returned_at.map(iso),
        result_channel: view.result_channel,
        events: view
            .events
            .into_iter()
            .map(|e| PublicEventDto {
                at: iso(e.at),
                status_label: label(e.status),
                status: e.status,
                action: e.action,
                note: e.note,
            })
            .collect(),
    };
    let mut resp = Json(dto).into_response();
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}
