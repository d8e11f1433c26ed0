//! API: the public service center queue — centers, ticket issuance by
//! kiosks, counter actions, and a center's live state.
//!
//! Devices authenticate with bearer tokens of a user who holds a queue role
//! (desk officer, leader, administrator) over the center's unit. A center's
//! state and its event stream are public, like the display board they feed:
//! they carry ticket numbers and counters, never personal data.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::queue::Priority;
use serde::{Deserialize, Serialize};
use store::queue::{Center, Counter, Ticket, TransferTarget};
use utoipa::ToSchema;

use crate::auth::{CurrentUser, Principal, ReqActor};
use crate::cache::CenterConfig;
use crate::error::AppError;
use crate::live::{QueueEventKind, publish_queue, publish_queue_at};
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
        Some(id) => Some(store::queue::counter(&st.db, id).await?),
        None => None,
    };
    Ok(dto(t, &service, counter.as_ref()))
}

/// [`ticket_dto`] with the service and counter taken from the center's cached
/// configuration when they are there.
async fn ticket_dto_in(st: &AppState, t: &Ticket, config: &CenterConfig) -> Result<TicketDto, AppError> {
    match (config.service(t.service_id), t.counter_id.map(|id| config.counter(id))) {
        (Some(service), None) => Ok(dto(t, service, None)),
        (Some(service), Some(Some(counter))) => Ok(dto(t, service, Some(counter))),
        _ => ticket_dto(st, t).await,
    }
}

fn dto(t: &Ticket, service: &store::queue::Service, counter: Option<&Counter>) -> TicketDto {
    TicketDto {
        id: t.id,
        number: t.number.clone(),
        service: service.code.clone(),
        state: t.state.clone(),
        priority: t.priority.clone(),
        counter: counter.map(|k| k.code.clone()),
        citizen: t.citizen_masked(),
        created_at: t.created_at,
    }
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
    let config = crate::pages::queue::center_config(&st, &body.center).await?;
    let center = &config.center;
    p.require_unit(&st, center.unit_id, crate::pages::area::KIOSK.0).await?;
    let service = config
        .services
        .iter()
        .find(|s| s.code == body.service)
        .ok_or_else(|| AppError::NotFound(format!("không có dịch vụ mã {} (no such service)", body.service)))?;
    let priority = match body.priority.as_deref().filter(|s| !s.is_empty()) {
        Some(p) => Some(Priority::parse(p).map_err(|e| AppError::Unprocessable(e.to_string()))?),
        None => None,
    };
    let citizen_id = match body.cccd_qr.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(qr) => Some(domain::person::CccdQr::parse(qr).map_err(|e| AppError::Unprocessable(e.to_string()))?.id),
        None => None,
    };
    let req = store::queue::IssueRequest { service_id: service.id, priority, citizen_id };
    let issued = st.issuer.issue(&actor, (center, service), req, store::now_ms()).await?;
    publish_queue(&st, center, QueueEventKind::TicketIssued, &issued.ticket).await;
    let track_url = crate::pages::queue::track_url(&st, issued.ticket.id);
    Ok((
        StatusCode::CREATED,
        Json(IssuedDto {
            id: issued.ticket.id,
            number: issued.ticket.number,
            service: service.code.clone(),
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
    let config = crate::pages::queue::counter_config(&st, counter_id).await?;
    let center = &config.center;
    may_work(&st, &p, center).await?;
    match st.caller.call_next(&actor, counter_id, store::now_ms()).await? {
        Some(t) => {
            publish_queue_at(&st, center, QueueEventKind::TicketCalled, &t, config.counter(counter_id)).await;
            Ok(Json(CalledDto { ticket: ticket_dto_in(&st, &t, &config).await? }).into_response())
        }
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
    let (t, kind) = match action.as_str() {
        "recall" => (visit::recall(&st.db, &actor, id, at).await?, QueueEventKind::TicketRecalled),
        "no-show" => (visit::no_show(&st.db, &actor, id, at).await?, QueueEventKind::TicketNoShow),
        "start" => (visit::start(&st.db, &actor, id, at).await?, QueueEventKind::ServiceStarted),
        "finish" => (visit::finish(&st.db, &actor, id, at).await?, QueueEventKind::ServiceFinished),
        "park" => (visit::park(&st.db, &actor, id, at).await?, QueueEventKind::TicketParked),
        "unpark" => (visit::unpark(&st.db, &actor, id, at).await?, QueueEventKind::TicketUnparked),
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
            (visit::transfer(&st.db, &actor, id, target, at).await?, QueueEventKind::TicketTransferred)
        }
        other => return Err(AppError::NotFound(format!("thao tác không hợp lệ {other:?} (unknown action)"))),
    };
    publish_queue(&st, &center, kind, &t).await;
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
    /// Service name.
    pub name: String,
    /// Ticket prefix.
    pub prefix: String,
    /// Tickets waiting.
    pub waiting: i64,
}

/// A recent call, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecentNow {
    /// Ticket number.
    pub number: String,
    /// Counter code.
    pub counter: String,
    /// Counter name.
    pub counter_name: String,
    /// When (UTC ms).
    pub at: i64,
}

/// A center's live state.
#[derive(Debug, Serialize, ToSchema)]
pub struct StateDto {
    /// Center code.
    pub center: String,
    /// Center name.
    pub name: String,
    /// Current calls per counter.
    pub counters: Vec<CounterNow>,
    /// Waiting counts per service.
    pub services: Vec<ServiceNow>,
    /// The last calls and recalls (up to 8), newest first.
    pub recent: Vec<RecentNow>,
}

/// The current calls and the waiting counts of a center.
#[utoipa::path(get, path = "/api/v1/queue/centers/{center}/state", tag = "queue",
    params(("center" = String, Path, description = "Center code")),
    responses((status = 200, body = StateDto), (status = 404, body = crate::api::ErrorBody)))]
pub async fn state(State(st): State<AppState>, Path(code): Path<String>) -> Result<Json<StateDto>, AppError> {
    let center = center_by_code(&st, &code).await?;
    let s = store::queue::view::center_state(&st.db, center.id, 8).await?;
    Ok(Json(StateDto {
        center: center.code,
        name: center.name,
        counters: s
            .counters
            .into_iter()
            .filter(|c| c.counter.active)
            .map(|c| CounterNow {
                counter: c.counter.code,
                name: c.counter.name,
                number: c.current.as_ref().map(|t| t.number.clone()),
                state: c.current.map(|t| t.state),
            })
            .collect(),
        services: s
            .services
            .into_iter()
            .filter(|w| w.service.active)
            .map(|w| ServiceNow {
                service: w.service.code,
                name: w.service.name,
                prefix: w.service.prefix,
                waiting: w.waiting,
            })
            .collect(),
        recent: s
            .last_calls
            .into_iter()
            .map(|r| RecentNow { number: r.number, counter: r.counter_code, counter_name: r.counter_name, at: r.at })
            .collect(),
    }))
}

/// The live events of a center, as server-sent events: `ready` on connect,
/// then `ticket_issued`, `ticket_called`, `ticket_recalled`, `service_started`,
/// `service_finished`, `ticket_no_show`, `ticket_parked`, `ticket_unparked`,
/// `ticket_transferred` (data: a `QueueEvent`), and `resync` when events may
/// have been missed (read the state again).
#[utoipa::path(get, path = "/api/v1/queue/centers/{center}/events", tag = "queue",
    params(("center" = String, Path, description = "Center code")),
    responses((status = 200, content_type = "text/event-stream", body = crate::live::QueueEvent,
               description = "An event stream; each `data:` line is a QueueEvent"),
              (status = 404, body = crate::api::ErrorBody)))]
pub async fn events(State(st): State<AppState>, Path(code): Path<String>) -> Result<Response, AppError> {
    let center = center_by_code(&st, &code).await?;
    Ok(crate::live::stream(&st, crate::live::queue_topic(&center.code)).into_response())
}
