//! API: the public service center queue — centers, ticket issuance by
//! kiosks, counter actions, and a center's live state.
//!
//! Devices authenticate with bearer tokens of a user who holds a queue role
//! (desk officer, leader, administrator) over the center's unit. Live event
//! streams come with the display board.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::queue::Priority;
use serde::{Deserialize, Serialize};
use store::queue::{Center, Ticket, TransferTarget};
use utoipa::ToSchema;

use crate::auth::{CurrentUser, Principal, ReqActor};
use crate::error::AppError;
use crate::pages::area::QUEUE;
use crate::state::AppState;

/// A service offered at a center.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceDto {
    /// Code, unique in the center.
    pub code: String,
    /// Name.
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// Ticket prefix ("A").
    pub prefix: String,
    /// Service-level target for waiting, minutes.
    pub target_wait_minutes: i64,
}

/// A counter of a center.
#[derive(Debug, Serialize, ToSchema)]
pub struct CounterDto {
    /// Id, used in counter routes.
    pub id: i64,
    /// Code, unique in the center.
    pub code: String,
    /// Name as announced ("Quầy 1").
    pub name: String,
}

/// A center with its services and counters.
#[derive(Debug, Serialize, ToSchema)]
pub struct CenterDto {
    /// Code ("31342-TTPVHCC").
    pub code: String,
    /// Name.
    pub name: String,
    /// Services.
    pub services: Vec<ServiceDto>,
    /// Counters.
    pub counters: Vec<CounterDto>,
}

/// A ticket as the API shows it (personal data masked).
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketDto {
    /// Id.
    pub id: i64,
    /// Number ("A001").
    pub number: String,
    /// Service code.
    pub service: String,
    /// State: waiting, called, serving, parked, done, no_show.
    pub state: String,
    /// Priority category.
    pub priority: Option<String>,
    /// The counter handling it.
    pub counter: Option<String>,
    /// Scanned CCCD, masked.
    pub citizen: Option<String>,
    /// Issued (UTC ms).
    pub created_at: i64,
}

async fn ticket_dto(st: &AppState, t: &Ticket) -> Result<TicketDto, AppError> {
    let service = store::queue::service(&st.db, t.service_id).await?;
    let counter = match t.counter_id {
        Some(id) => Some(store::queue::counter(&st.db, id).await?.code),
        None => None,
    };
    Ok(TicketDto {
        id: t.id,
        number: t.number.clone(),
        service: service.code,
        state: t.state.clone(),
        priority: t.priority.clone(),
        counter,
        citizen: t.citizen_masked(),
        created_at: t.created_at,
    })
}

async fn center_dto(st: &AppState, c: &Center) -> Result<CenterDto, AppError> {
    let services = store::queue::services(&st.db, c.id).await?;
    let counters = store::queue::counters(&st.db, c.id).await?;
    Ok(CenterDto {
        code: c.code.clone(),
        name: c.name.clone(),
        services: services
            .into_iter()
            .filter(|s| s.active)
            .map(|s| ServiceDto {
                code: s.code,
                name: s.name,
                field: s.field,
                prefix: s.prefix,
                target_wait_minutes: s.target_wait_min,
            })
            .collect(),
        counters: counters
            .into_iter()
            .filter(|k| k.active)
            .map(|k| CounterDto { id: k.id, code: k.code, name: k.name })
            .collect(),
    })
}

async fn center_by_code(st: &AppState, code: &str) -> Result<Center, AppError> {
    store::queue::center_by_code(&st.db, code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("không có trung tâm mã {code} (no such center)")))
}

/// Checks that the caller may work the queue of a center.
async fn may_work(st: &AppState, p: &Principal, center: &Center) -> Result<(), AppError> {
    p.require_unit(st, center.unit_id, QUEUE.0).await
}

/// The centers with their services and counters.
#[utoipa::path(get, path = "/api/v1/queue/centers", tag = "queue",
    responses((status = 200, body = Vec<CenterDto>), (status = 401, body = crate::api::ErrorBody)))]
pub async fn centers(State(st): State<AppState>) -> Result<Json<Vec<CenterDto>>, AppError> {
    let mut out = Vec::new();
    for c in store::queue::centers(&st.db).await? {
        out.push(center_dto(&st, &c).await?);
    }
    Ok(Json(out))
}

/// A ticket request from a kiosk or an integration.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTicket {
    /// Center code.
    pub center: String,
    /// Service code.
    pub service: String,
    /// Priority category (`nguoi_cao_tuoi`, `nguoi_khuyet_tat`, `phu_nu_mang_thai`, `nguoi_co_cong`), or null.
    pub priority: Option<String>,
    /// The string a CCCD QR scanner typed, or null. Its first field is the 12-digit ID.
    pub cccd_qr: Option<String>,
}

/// A new ticket and what the citizen is told.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedDto {
    /// Ticket id.
    pub id: i64,
    /// Number ("A001").
    pub number: String,
    /// Service code.
    pub service: String,
    /// Tickets ahead in the same service.
    pub waiting_ahead: i64,
    /// Estimated wait in minutes, or null when no counter serves the service.
    pub estimated_wait_minutes: Option<i64>,
    /// Where to follow the ticket on a phone.
    pub track_url: String,
}

/// Issues a ticket.
#[utoipa::path(post, path = "/api/v1/queue/tickets", tag = "queue", request_body = NewTicket,
    responses((status = 201, body = IssuedDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn issue(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Json(body): Json<NewTicket>,
) -> Result<(StatusCode, Json<IssuedDto>), AppError> {
    let center = center_by_code(&st, &body.center).await?;
    may_work(&st, &p, &center).await?;
    let service = store::queue::service_by_code(&st.db, center.id, &body.service)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("không có dịch vụ mã {} (no such service)", body.service)))?;
    let priority = match body.priority.as_deref().filter(|s| !s.is_empty()) {
        Some(p) => Some(Priority::parse(p).map_err(|e| AppError::Unprocessable(e.to_string()))?),
        None => None,
    };
    let citizen_id = match body.cccd_qr.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(qr) => {
            let id = qr.split('|').next().unwrap_or_default();
            Some(
                domain::person::CitizenId::parse(id)
                    .map_err(|e| AppError::Unprocessable(format!("mã QR CCCD: {e}")))?,
            )
        }
        None => None,
    };
    let req = store::queue::IssueRequest { service_id: service.id, priority, citizen_id };
    let issued = store::queue::visit::issue(&st.db, &actor, req, store::now_ms()).await?;
    let track_url = format!("{}/q/{}", st.config.public_url.trim_end_matches('/'), issued.ticket.id);
    Ok((
        StatusCode::CREATED,
        Json(IssuedDto {
            id: issued.ticket.id,
            number: issued.ticket.number,
            service: service.code,
            waiting_ahead: issued.waiting_ahead,
            estimated_wait_minutes: issued.estimated_wait_minutes,
            track_url,
        }),
    ))
}

/// The called ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalledDto {
    /// The ticket now called to the counter.
    pub ticket: TicketDto,
}

/// Calls the next ticket for a counter, by its work profile and the priority rule.
#[utoipa::path(post, path = "/api/v1/queue/counters/{counter}/call-next", tag = "queue",
    params(("counter" = i64, Path, description = "Counter id (see /api/v1/queue/centers)")),
    responses((status = 200, body = CalledDto), (status = 204, description = "Nobody waits for this counter"),
              (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub async fn call_next(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(counter_id): Path<i64>,
) -> Result<Response, AppError> {
    let counter = store::queue::counter(&st.db, counter_id).await?;
    let center = store::queue::center(&st.db, counter.center_id).await?;
    may_work(&st, &p, &center).await?;
    match store::queue::visit::call_next(&st.db, &actor, counter_id, store::now_ms()).await? {
        Some(t) => Ok(Json(CalledDto { ticket: ticket_dto(&st, &t).await? }).into_response()),
        None => Ok(StatusCode::NO_CONTENT.into_response()),
    }
}

/// Where to transfer a ticket: a service code, or a counter id.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct TransferBody {
    /// Target service code.
    pub service: Option<String>,
    /// Target counter id.
    pub counter: Option<i64>,
}

/// Acts on a ticket: `recall`, `no-show`, `start`, `finish`, `park`, `unpark` or `transfer`.
#[utoipa::path(post, path = "/api/v1/queue/tickets/{id}/{action}", tag = "queue",
    params(("id" = i64, Path, description = "Ticket id"),
           ("action" = String, Path, description = "recall | no-show | start | finish | park | unpark | transfer")),
    request_body(content = Option<TransferBody>, description = "For `transfer` only"),
    responses((status = 200, body = TicketDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody)))]
pub async fn act(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path((id, action)): Path<(i64, String)>,
    body: Option<Json<TransferBody>>,
) -> Result<Json<TicketDto>, AppError> {
    let ticket = store::queue::ticket(&st.db, id).await?;
    let center = store::queue::center(&st.db, ticket.center_id).await?;
    may_work(&st, &p, &center).await?;
    let at = store::now_ms();
    use store::queue::visit;
    let t = match action.as_str() {
        "recall" => visit::recall(&st.db, &actor, id, at).await?,
        "no-show" => visit::no_show(&st.db, &actor, id, at).await?,
        "start" => visit::start(&st.db, &actor, id, at).await?,
        "finish" => visit::finish(&st.db, &actor, id, at).await?,
        "park" => visit::park(&st.db, &actor, id, at).await?,
        "unpark" => visit::unpark(&st.db, &actor, id, at).await?,
        "transfer" => {
            let b = body.map(|Json(b)| b).unwrap_or_default();
            let target = match (b.service.as_deref(), b.counter) {
                (Some(code), None) => TransferTarget::Service(
                    store::queue::service_by_code(&st.db, center.id, code)
                        .await?
                        .ok_or_else(|| AppError::NotFound(format!("không có dịch vụ mã {code} (no such service)")))?
                        .id,
                ),
                (None, Some(counter)) => {
                    let k = store::queue::counter(&st.db, counter).await?;
                    if k.center_id != center.id {
                        return Err(AppError::Unprocessable(
                            "quầy thuộc trung tâm khác (counter of another center)".into(),
                        ));
                    }
                    TransferTarget::Counter(k.id)
                }
                _ => {
                    return Err(AppError::Unprocessable(
                        "chuyển đến một dịch vụ (service) hoặc một quầy (counter), không cả hai (give service or counter)".into(),
                    ));
                }
            };
            visit::transfer(&st.db, &actor, id, target, at).await?
        }
        other => return Err(AppError::NotFound(format!("thao tác không hợp lệ {other:?} (unknown action)"))),
    };
    Ok(Json(ticket_dto(&st, &t).await?))
}

/// A counter's current ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct CounterNow {
    /// Counter code.
    pub counter: String,
    /// Counter name.
    pub name: String,
    /// The number called or being served there.
    pub number: Option<String>,
    /// Its state.
    pub state: Option<String>,
}

/// Waiting tickets of a service.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceNow {
    /// Service code.
    pub service: String,
    /// Tickets waiting.
    pub waiting: i64,
}

/// A center's live state.
#[derive(Debug, Serialize, ToSchema)]
pub struct StateDto {
    /// Center code.
    pub center: String,
    /// Current calls per counter.
    pub counters: Vec<CounterNow>,
    /// Waiting counts per service.
    pub services: Vec<ServiceNow>,
}

/// The current calls and the waiting counts of a center.
#[utoipa::path(get, path = "/api/v1/queue/centers/{center}/state", tag = "queue",
    params(("center" = String, Path, description = "Center code")),
    responses((status = 200, body = StateDto), (status = 404, body = crate::api::ErrorBody)))]
pub async fn state(State(st): State<AppState>, Path(code): Path<String>) -> Result<Json<StateDto>, AppError> {
    let center = center_by_code(&st, &code).await?;
    let s = store::queue::view::center_state(&st.db, center.id, 10).await?;
    Ok(Json(StateDto {
        center: center.code,
        counters: s
            .counters
            .into_iter()
            .map(|c| CounterNow {
                counter: c.counter.code,
                name: c.counter.name,
                number: c.current.as_ref().map(|t| t.number.clone()),
                state: c.current.map(|t| t.state),
            })
            .collect(),
        services: s.services.into_iter().map(|w| ServiceNow { service: w.service.code, waiting: w.waiting }).collect(),
    }))
}
