//! The ticket kiosk: a touch screen at the center's entrance. One tap on a
//! service issues a ticket (two with a priority category), the ticket screen
//! shows the number, the people ahead, the estimated wait and a QR code to
//! follow it on a phone, and prints on 80 mm paper. An optional CCCD scan
//! attaches the citizen to the visit, shown masked. Appointment check-in and
//! satisfaction ratings are here too. Every kiosk screen returns to the
//! start after 30 s without a touch (`static/kiosk.js`).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::person::CccdQr;
use domain::queue::{Priority, Satisfaction};
use serde::Deserialize;
use store::queue::{Center, Service, Ticket};

use crate::auth::{CurrentUser, Principal, ReqActor};
use crate::error::{AppError, refusal};
use crate::live::{QueueEventKind, publish_queue};
use crate::pages::area::KIOSK;
use crate::pages::{PageCtx, render, render_form};
use crate::state::AppState;

/// A center the caller may run a kiosk for.
async fn kiosk_center(st: &AppState, p: &Principal, code: &str) -> Result<Center, AppError> {
    let center = store::queue::center_by_code(&st.db, code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("không có trung tâm mã {code} (no such center)")))?;
    p.require_unit(st, center.unit_id, KIOSK.0).await?;
    Ok(center)
}

/// Services of a field, in display order.
pub struct FieldGroup {
    /// Field (lĩnh vực).
    pub field: String,
    /// Its active services, with how many wait for each.
    pub services: Vec<(Service, i64)>,
}

#[derive(Template)]
#[template(path = "queue/kiosk.html")]
struct Start {
    ctx: PageCtx,
    center: Center,
    groups: Vec<FieldGroup>,
    priorities: Vec<(&'static str, &'static str)>,
    error: String,
}

async fn start_page(st: &AppState, ctx: PageCtx, center: Center, error: String) -> Result<Response, AppError> {
    let state = store::queue::view::center_state(&st.db, center.id, 0).await?;
    let mut groups: Vec<FieldGroup> = Vec::new();
    for w in state.services.into_iter().filter(|w| w.service.active) {
        match groups.iter_mut().find(|g| g.field == w.service.field) {
            Some(g) => g.services.push((w.service, w.waiting)),
            None => groups.push(FieldGroup { field: w.service.field.clone(), services: vec![(w.service, w.waiting)] }),
        }
    }
    let priorities = Priority::ALL.iter().map(|p| (p.as_str(), p.label_vi())).collect();
    let refused = !error.is_empty();
    render_form(&Start { ctx, center, groups, priorities, error }, refused)
}

/// `GET /kiosk/{center}`: the start screen.
pub async fn start(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let center = kiosk_center(&st, &p, &code).await?;
    start_page(&st, ctx, center, String::new()).await
}

/// The start screen's form.
#[derive(Debug, Deserialize)]
pub struct TakeForm {
    /// Service code (the button pressed).
    pub service: String,
    /// Priority category, or empty.
    #[serde(default)]
    pub priority: String,
    /// What the CCCD scanner typed, or empty.
    #[serde(default)]
    pub cccd_qr: String,
}

/// `POST /kiosk/{center}/tickets`: issues a ticket and shows it.
pub async fn take(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(code): Path<String>,
    Form(form): Form<TakeForm>,
) -> Result<Response, AppError> {
    let center = kiosk_center(&st, &p, &code).await?;
    let service = match store::queue::service_by_code(&st.db, center.id, &form.service).await? {
        Some(s) if s.active => s,
        _ => return start_page(&st, ctx, center, "Dịch vụ này hiện không nhận số.".into()).await,
    };
    let priority = match form.priority.trim() {
        "" => None,
        p => match Priority::parse(p) {
            Ok(p) => Some(p),
            Err(e) => return start_page(&st, ctx, center, e.to_string()).await,
        },
    };
    let citizen_id = match form.cccd_qr.trim() {
        "" => None,
        qr => match CccdQr::parse(qr) {
            Ok(q) => Some(q.id),
            Err(e) => return start_page(&st, ctx, center, e.to_string()).await,
        },
    };
    let req = store::queue::IssueRequest { service_id: service.id, priority, citizen_id };
    let issued = match st.issuer.issue(&actor, (&center, &service), req, store::now_ms()).await {
        Ok(i) => i,
        Err(e @ (store::Error::Invalid(_) | store::Error::Conflict(_))) => {
            return start_page(&st, ctx, center, e.to_string()).await;
        }
        Err(e) => return Err(e.into()),
    };
    publish_queue(&st, &center, QueueEventKind::TicketIssued, &issued.ticket).await;
    Ok(Redirect::to(&format!("/kiosk/{}/tickets/{}?print=1", center.code, issued.ticket.id)).into_response())
}

#[derive(Template)]
#[template(path = "queue/kiosk_ticket.html")]
struct TicketScreen {
    ctx: PageCtx,
    center: Center,
    service: Service,
    ticket: Ticket,
    ahead: i64,
    wait_minutes: Option<i64>,
    issued_at: String,
    qr_svg: String,
    citizen: Option<String>,
    autoprint: bool,
}

impl TicketScreen {
    /// A priority category's label.
    fn priority_label(&self, code: &str) -> &'static str {
        domain::queue::Priority::parse(code).map(|p| self.ctx.lang.pick(p.label_vi(), p.label_en())).unwrap_or("")
    }
}

/// Query of the ticket screen.
#[derive(Debug, Deserialize)]
pub struct TicketQuery {
    /// Print as soon as the screen shows (right after issuing).
    #[serde(default)]
    pub print: Option<u8>,
}

/// `GET /kiosk/{center}/tickets/{id}`: the ticket, printable on 80 mm paper.
pub async fn ticket(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Path((code, id)): Path<(String, i64)>,
    axum::extract::Query(q): axum::extract::Query<TicketQuery>,
) -> Result<Response, AppError> {
    let center = kiosk_center(&st, &p, &code).await?;
    let (ticket, service, pos) = center_ticket(&st, &center, id).await?;
    let track_url = super::track_url(&st, ticket.id);
    let qr_svg = documents::qr::svg(&track_url).map_err(|e| AppError::Unprocessable(e.to_string()))?;
    render(&TicketScreen {
        ctx,
        issued_at: domain::time::format_local(ticket.created_at),
        citizen: ticket.citizen_masked(),
        center,
        service,
        ahead: pos.waiting_ahead,
        wait_minutes: pos.estimated_wait_minutes,
        ticket,
        qr_svg,
        autoprint: q.print == Some(1),
    })
}

/// `GET /kiosk/{center}/tickets/{id}/escpos`: the slip as ESC/POS bytes for a
/// network thermal printer (80 mm), e.g. `curl … | nc PRINTER 9100`.
pub async fn escpos(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Path((code, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let center = kiosk_center(&st, &p, &code).await?;
    let (ticket, service, pos) = center_ticket(&st, &center, id).await?;
    let slip = documents::escpos::TicketSlip {
        center: center.name.clone(),
        service: service.name,
        number: ticket.number.clone(),
        issued_at_local: domain::time::format_local(ticket.created_at),
        waiting_ahead: u32::try_from(pos.waiting_ahead).unwrap_or(0),
        estimated_wait_minutes: pos.estimated_wait_minutes,
        track_url: super::track_url(&st, ticket.id),
        footer: crate::i18n::Lang::Vi.t("kiosk.foot").into(),
    };
    let bytes = documents::escpos::ticket(&slip);
    let disposition = format!("attachment; filename=\"phieu-{}.bin\"", ticket.number);
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// A ticket of this center with its service and position.
async fn center_ticket(
    st: &AppState,
    center: &Center,
    id: i64,
) -> Result<(Ticket, Service, store::queue::view::Position), AppError> {
    let pos = store::queue::view::position(&st.db, id).await?;
    if pos.ticket.center_id != center.id {
        return Err(AppError::NotFound("vé không thuộc trung tâm này (ticket of another center)".into()));
    }
    let service = store::queue::service(&st.db, pos.ticket.service_id).await?;
    Ok((pos.ticket.clone(), service, pos))
}

/// The scanner's input, previewed.
#[derive(Debug, Deserialize)]
pub struct ScanForm {
    /// What the scanner typed.
    #[serde(default)]
    pub cccd_qr: String,
}

/// The scan preview: the masked ID and name, or why the scan was refused.
#[derive(Template)]
#[template(
    source = "{% if ok %}<span class=\"ok\">✓ {{ text }}</span>{% else %}<span class=\"error\" role=\"alert\">{{ text }}</span>{% endif %}",
    ext = "html"
)]
struct ScanPreview {
    ok: bool,
    text: String,
}

/// `POST /kiosk/{center}/scan` (htmx): the scanned CCCD, masked, or why it was refused.
pub async fn scan(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<ScanForm>,
) -> Result<Response, AppError> {
    kiosk_center(&st, &p, &code).await?;
    match form.cccd_qr.trim() {
        "" => Ok(axum::response::Html("").into_response()),
        qr => match CccdQr::parse(qr) {
            Ok(q) => render(&ScanPreview { ok: true, text: q.masked() }),
            Err(e) => render(&ScanPreview { ok: false, text: e.to_string() }),
        },
    }
}

#[derive(Template)]
#[template(path = "queue/kiosk_checkin.html")]
struct CheckIn {
    ctx: PageCtx,
    center: Center,
    error: String,
}

/// `GET /kiosk/{center}/checkin`: enter the appointment code.
pub async fn checkin_form(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let center = kiosk_center(&st, &p, &code).await?;
    render(&CheckIn { ctx, center, error: String::new() })
}

/// The check-in form.
#[derive(Debug, Deserialize)]
pub struct CheckInForm {
    /// The appointment code.
    pub code: String,
}

/// `POST /kiosk/{center}/checkin`: an appointment becomes a ticket ahead of walk-ins.
pub async fn checkin(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(code): Path<String>,
    Form(form): Form<CheckInForm>,
) -> Result<Response, AppError> {
    let center = kiosk_center(&st, &p, &code).await?;
    let appt_code = form.code.trim().to_ascii_uppercase();
    let refuse = |ctx, center, error: String| render_form(&CheckIn { ctx, center, error }, true);
    // The appointment must be for a service of this center.
    match store::queue::appointment::by_code(&st.db, &appt_code).await? {
        Some(a) if store::queue::service(&st.db, a.service_id).await?.center_id == center.id => {}
        _ => return refuse(ctx, center, "Không tìm thấy lịch hẹn với mã này tại trung tâm.".into()),
    }
    match store::queue::appointment::check_in(&st.db, &actor, &appt_code, store::now_ms()).await {
        Ok(issued) => {
            publish_queue(&st, &center, QueueEventKind::TicketIssued, &issued.ticket).await;
            Ok(Redirect::to(&format!("/kiosk/{}/tickets/{}?print=1", center.code, issued.ticket.id)).into_response())
        }
        Err(e) => refuse(ctx, center, refusal(e)?),
    }
}

#[derive(Template)]
#[template(path = "queue/kiosk_rate.html")]
struct Rate {
    ctx: PageCtx,
    center: Center,
    levels: Vec<(i64, &'static str)>,
    error: String,
    thanks: bool,
}

/// The four levels, best first.
pub fn levels() -> Vec<(i64, &'static str)> {
    Satisfaction::ALL.iter().map(|s| (s.score(), s.label_vi())).collect()
}

/// `GET /kiosk/{center}/rate`: rate a finished visit by its ticket number.
pub async fn rate_form(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let center = kiosk_center(&st, &p, &code).await?;
    render(&Rate { ctx, center, levels: levels(), error: String::new(), thanks: false })
}

/// The kiosk's rating form.
#[derive(Debug, Deserialize)]
pub struct RateForm {
    /// Today's ticket number ("A012").
    pub number: String,
    /// Score 1–4.
    pub score: i64,
}

/// `POST /kiosk/{center}/rate`: records the rating of today's ticket with that number.
pub async fn rate(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(code): Path<String>,
    Form(form): Form<RateForm>,
) -> Result<Response, AppError> {
    let center = kiosk_center(&st, &p, &code).await?;
    let number = form.number.trim().to_ascii_uppercase();
    let now = store::now_ms();
    let outcome = match (
        Satisfaction::from_score(form.score),
        store::queue::ticket_today(&st.db, center.id, &number, now).await?,
    ) {
        (None, _) => Err("Hãy chọn một mức đánh giá.".to_string()),
        (_, None) => Err(format!("Hôm nay không có số {number} tại trung tâm.")),
        (Some(level), Some(t)) => match store::queue::appointment::rate(&st.db, &actor, t.id, level, "", now).await {
            Ok(_) => Ok(()),
            Err(e) => Err(refusal(e)?),
        },
    };
    let (error, thanks) = match outcome {
        Ok(()) => (String::new(), true),
        Err(e) => (e, false),
    };
    render_form(&Rate { ctx, center, levels: levels(), error, thanks }, !thanks)
}
