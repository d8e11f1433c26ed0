//! Live updates: the queue events that handlers publish after a change
//! commits, and the server-sent event streams that screens subscribe to.
//!
//! An API call and a click in the counter console go through the same
//! [`publish_queue`], so the display board cannot tell them apart. Streams
//! filter the instance's [`store::bus::Bus`] by topic, send a `ready` event
//! first (the client then reads the state it shows), a `resync` event when
//! events may have been missed, and a comment every 15 seconds to keep
//! proxies from closing the connection.

use std::convert::Infallible;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde::Serialize;
use store::bus::Message;
use store::queue::{Center, Counter, Ticket};
use tokio::sync::broadcast::error::RecvError;
use utoipa::ToSchema;

use crate::state::AppState;

/// What happened to a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueueEventKind {
    /// A kiosk, a check-in or the API issued it.
    TicketIssued,
    /// A counter called it.
    TicketCalled,
    /// The counter announced it again.
    TicketRecalled,
    /// Service began.
    ServiceStarted,
    /// Service ended.
    ServiceFinished,
    /// The citizen did not come.
    TicketNoShow,
    /// Set aside at the counter.
    TicketParked,
    /// Back in the queue from parking.
    TicketUnparked,
    /// Sent to another service or counter.
    TicketTransferred,
}

impl QueueEventKind {
    /// The SSE event name.
    pub fn as_str(self) -> &'static str {
        match self {
            QueueEventKind::TicketIssued => "ticket_issued",
            QueueEventKind::TicketCalled => "ticket_called",
            QueueEventKind::TicketRecalled => "ticket_recalled",
            QueueEventKind::ServiceStarted => "service_started",
            QueueEventKind::ServiceFinished => "service_finished",
            QueueEventKind::TicketNoShow => "ticket_no_show",
            QueueEventKind::TicketParked => "ticket_parked",
            QueueEventKind::TicketUnparked => "ticket_unparked",
            QueueEventKind::TicketTransferred => "ticket_transferred",
        }
    }

    /// Whether the board announces it aloud.
    pub fn is_call(self) -> bool {
        matches!(self, QueueEventKind::TicketCalled | QueueEventKind::TicketRecalled)
    }
}

/// A queue event as streams carry it (no personal data: numbers and counters only).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueueEvent {
    /// The event name (also the SSE `event:` field).
    #[serde(rename = "type")]
    pub kind: QueueEventKind,
    /// Center code.
    pub center: String,
    /// Ticket id.
    pub ticket_id: i64,
    /// Ticket number ("A012").
    pub number: String,
    /// The ticket's state after the event.
    pub state: String,
    /// Service id.
    pub service_id: i64,
    /// The counter handling it, if any.
    pub counter_id: Option<i64>,
    /// That counter's name ("Quầy 3").
    pub counter_name: Option<String>,
    /// For calls: what the board shows ("Mời số A012 đến quầy số 3").
    pub announce: Option<String>,
    /// For calls: what the board speaks ("Mời số A không một hai đến quầy số ba").
    pub speech: Option<String>,
    /// When (UTC ms).
    pub at: i64,
}

/// The bus topic of a center's queue.
pub fn queue_topic(center_code: &str) -> String {
    format!("queue/{center_code}")
}

/// Publishes what happened to `ticket` to the screens of its center, on
/// every instance. The change is already committed: a failure to notify is
/// logged, not returned, so the caller never repeats a change that happened.
pub async fn publish_queue(st: &AppState, center: &Center, kind: QueueEventKind, ticket: &Ticket) {
    publish_queue_at(st, center, kind, ticket, None).await;
}

/// [`publish_queue`] when the caller has already read the ticket's counter
/// (`known`), which saves reading it again.
pub async fn publish_queue_at(
    st: &AppState,
    center: &Center,
    kind: QueueEventKind,
    ticket: &Ticket,
    known: Option<&Counter>,
) {
    let counter: Option<Counter> = match (ticket.counter_id, known) {
        (Some(id), Some(k)) if k.id == id => Some(k.clone()),
        (Some(id), _) => store::queue::counter(&st.db, id).await.ok(),
        (None, _) => None,
    };
    let call = counter.as_ref().filter(|_| kind.is_call());
    let announce = call.map(|c| domain::queue::announcement_vi(&ticket.number, &c.name));
    let speech = call.map(|c| domain::queue::spoken_vi(&ticket.number, &c.name));
    let event = QueueEvent {
        kind,
        center: center.code.clone(),
        ticket_id: ticket.id,
        number: ticket.number.clone(),
        state: ticket.state.clone(),
        service_id: ticket.service_id,
        counter_id: ticket.counter_id,
        counter_name: counter.map(|c| c.name),
        announce,
        speech,
        at: store::now_ms(),
    };
    let payload = match serde_json::to_value(&event) {
        Ok(v) => v,
        Err(e) => return tracing::error!(error = %e, "queue event not serialisable"),
    };
    if let Err(e) = st.bus.publish(&queue_topic(&center.code), kind.as_str(), &payload).await {
        tracing::warn!(error = %e, center = %center.code, kind = kind.as_str(), "queue event not published");
    }
}

/// A server-sent event stream of one topic, ending when the server shuts down.
pub fn stream(st: &AppState, topic: String) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<>> {
    let rx = st.bus.subscribe();
    let bus = st.bus.clone();
    let ready = Event::default().event("ready").retry(Duration::from_secs(2)).data("{}");
    let events = futures_util::stream::unfold((rx, topic, bus), |(mut rx, topic, bus)| async move {
        loop {
            let got = tokio::select! {
                _ = bus.closed() => return None,
                got = rx.recv() => got,
            };
            match got {
                Ok(m) if m.concerns(&topic) => return Some((Ok(to_event(&m)), (rx, topic, bus))),
                Ok(_) => continue,
                Err(RecvError::Lagged(_)) => return Some((Ok(to_event(&Message::resync())), (rx, topic, bus))),
                Err(RecvError::Closed) => return None,
            }
        }
    });
    let all = futures_util::StreamExt::chain(futures_util::stream::once(async { Ok(ready) }), events);
    // A named keep-alive event, so that a board's watchdog can see the connection is alive.
    let ping = Event::default().event("ping").data("{}");
    Sse::new(all).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)).event(ping))
}

fn to_event(m: &Message) -> Event {
    Event::default().event(m.event.as_str()).data(m.payload.as_str())
}
