//! The counter console: where a desk officer works all day. One big "call
//! next" button, the current visit with its actions (recall, start, finish,
//! no-show, park, transfer), the tickets set aside, and the waiting list in
//! the order call-next will take them. Keyboard shortcuts and live updates
//! come from `static/console.js`; every action is a plain form that htmx
//! enhances, so the console also works without script.
//!
//! Actions go through the same store operations and the same
//! [`publish_queue`] as the API, so the display board sees one kind of call.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use store::queue::{Center, Counter, Service, Ticket, TransferTarget, visit};

use crate::auth::{CurrentUser, Principal, ReqActor};
use crate::error::{AppError, refusal};
use crate::live::{QueueEventKind, publish_queue_at};
use crate::pages::area::QUEUE;
use crate::pages::{PageCtx, render};
use crate::state::AppState;

/// A counter the caller may work, with its center.
async fn my_counter(st: &AppState, p: &Principal, id: i64) -> Result<(Counter, Center), AppError> {
    let counter = store::queue::counter(&st.db, id).await?;
    let center = store::queue::center(&st.db, counter.center_id).await?;
    p.require_unit(st, center.unit_id, QUEUE.0).await?;
    Ok((counter, center))
}

/// A ticket row of the console.
pub struct Row {
    /// The ticket.
    pub ticket: Ticket,
    /// Its service's name.
    pub service: String,
    /// Minutes since it entered the queue.
    pub waited_min: i64,
}

#[derive(Template)]
#[template(path = "queue/console_panel.html")]
struct Panel {
    ctx: PageCtx,
    counter: Counter,
    center: Center,
    current: Option<Row>,
    parked: Vec<Row>,
    waiting: Vec<Row>,
    services: Vec<Service>,
    counters: Vec<Counter>,
    message: String,
}

#[derive(Template)]
#[template(path = "queue/console.html")]
struct Page {
    ctx: PageCtx,
    panel: Panel,
}

impl Panel {
    /// A priority category's label.
    fn priority_label(&self, code: &str) -> &'static str {
        domain::queue::Priority::parse(code).map(|p| self.ctx.lang.pick(p.label_vi(), p.label_en())).unwrap_or("")
    }

    /// A ticket state's label.
    fn state_label(&self, state: &str) -> &'static str {
        self.ctx.t(match state {
            "called" => "console.state.called",
            "serving" => "console.state.serving",
            "parked" => "console.state.parked",
            _ => "console.state.waiting",
        })
    }
}

async fn panel(
    st: &AppState,
    ctx: PageCtx,
    counter: Counter,
    center: Center,
    message: String,
) -> Result<Panel, AppError> {
    let services = store::queue::services(&st.db, center.id).await?;
    let now = store::now_ms();
    let row = |t: Ticket| {
        let service = services.iter().find(|s| s.id == t.service_id).map(|s| s.name.clone()).unwrap_or_default();
        Row { waited_min: (now - t.queued_at).max(0) / 60_000, service, ticket: t }
    };
    let (current, parked) = store::queue::view::at_counter(&st.db, counter.id).await?;
    let waiting = store::queue::view::waiting_for_counter(&st.db, counter.id).await?;
    let counters = store::queue::counters(&st.db, center.id).await?.into_iter().filter(|k| k.active).collect();
    Ok(Panel {
        current: current.map(row),
        parked: parked.into_iter().map(row).collect(),
        waiting: waiting.into_iter().map(row).collect(),
        services: services.iter().filter(|s| s.active).cloned().collect(),
        counters,
        ctx,
        counter,
        center,
        message,
    })
}

/// `GET /queue/counters/{id}`: the console.
pub async fn show(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (counter, center) = my_counter(&st, &p, id).await?;
    let panel = panel(&st, ctx.clone(), counter, center, String::new()).await?;
    render(&Page { ctx, panel })
}

/// `GET /queue/counters/{id}/panel` (htmx): the live part of the console.
pub async fn panel_fragment(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (counter, center) = my_counter(&st, &p, id).await?;
    render(&panel(&st, ctx, counter, center, String::new()).await?)
}

/// A transfer's target, from the console's form.
#[derive(Debug, Default, Deserialize)]
pub struct ActForm {
    /// `service:<id>` or `counter:<id>`, for transfers.
    #[serde(default)]
    pub to: String,
}

/// `POST /queue/counters/{id}/call-next` and `POST /queue/counters/{id}/tickets/{ticket}/{action}`:
/// the action, then the refreshed panel (htmx) or a redirect back to the console.
pub async fn act(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    headers: HeaderMap,
    Path(path): Path<Vec<(String, String)>>,
    Form(form): Form<ActForm>,
) -> Result<Response, AppError> {
    let get = |k: &str| path.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let id: i64 = get("id").and_then(|v| v.parse().ok()).ok_or_else(|| AppError::NotFound("quầy?".into()))?;
    let (counter, center) = my_counter(&st, &p, id).await?;
    let action = get("action").unwrap_or_else(|| "call-next".to_string());
    let ticket_id: Option<i64> = get("ticket").and_then(|v| v.parse().ok());
    let at = store::now_ms();
    let held = |t: &Ticket| t.center_id == center.id;
    let outcome: Result<Option<(Ticket, QueueEventKind)>, store::Error> = async {
        if action == "call-next" {
            return Ok(st.caller.call_next(&actor, counter.id, at).await?.map(|t| (t, QueueEventKind::TicketCalled)));
        }
        let tid = ticket_id.ok_or_else(|| store::Error::Invalid("thiếu vé (no ticket)".into()))?;
        let t = store::queue::ticket(&st.db, tid).await?;
        if !held(&t) {
            return Err(store::Error::NotFound("vé không thuộc trung tâm này (ticket of another center)".into()));
        }
        let done = match action.as_str() {
            "call" => (visit::call_ticket(&st.db, &actor, tid, counter.id, at).await?, QueueEventKind::TicketCalled),
            "recall" => (visit::recall(&st.db, &actor, tid, at).await?, QueueEventKind::TicketRecalled),
            "start" => (visit::start(&st.db, &actor, tid, at).await?, QueueEventKind::ServiceStarted),
            "finish" => (visit::finish(&st.db, &actor, tid, at).await?, QueueEventKind::ServiceFinished),
            "no-show" => (visit::no_show(&st.db, &actor, tid, at).await?, QueueEventKind::TicketNoShow),
            "park" => (visit::park(&st.db, &actor, tid, at).await?, QueueEventKind::TicketParked),
            "unpark" => (visit::unpark(&st.db, &actor, tid, at).await?, QueueEventKind::TicketUnparked),
            "transfer" => {
                let to = form.to.as_str();
                let target = match to.split_once(':') {
                    Some(("service", v)) => v.parse().ok().map(TransferTarget::Service),
                    Some(("counter", v)) => v.parse().ok().map(TransferTarget::Counter),
                    _ => None,
                }
                .ok_or_else(|| store::Error::Invalid("hãy chọn nơi chuyển đến (choose where to transfer)".into()))?;
                let ok = match target {
                    TransferTarget::Service(s) => store::queue::service(&st.db, s).await?.center_id == center.id,
                    TransferTarget::Counter(k) => store::queue::counter(&st.db, k).await?.center_id == center.id,
                };
                if !ok {
                    return Err(store::Error::Invalid("chỉ chuyển trong trung tâm (same center only)".into()));
                }
                (visit::transfer(&st.db, &actor, tid, target, at).await?, QueueEventKind::TicketTransferred)
            }
            other => return Err(store::Error::NotFound(format!("thao tác không hợp lệ {other:?} (unknown action)"))),
        };
        Ok(Some(done))
    }
    .await;
    let message = match outcome {
        Ok(Some((t, kind))) => {
            publish_queue_at(&st, &center, kind, &t, Some(&counter)).await;
            String::new()
        }
        Ok(None) => ctx.t("console.nobody").to_string(),
        // Someone else acted first, or the move is not allowed now: say so on the console.
        Err(e) => refusal(e)?,
    };
    if headers.contains_key("hx-request") {
        render(&panel(&st, ctx, counter, center, message).await?)
    } else {
        Ok(Redirect::to(&format!("/queue/counters/{}", counter.id)).into_response())
    }
}
