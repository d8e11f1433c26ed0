//! Live events between the operations that change state and the screens
//! that show it (the display board, the counter console, a citizen's phone),
//! across every instance serving one database.
//!
//! An event is published *after* its transaction committed, so a screen that
//! reacts by reading the database sees the change. On SQLite there is one
//! instance and the bus is an in-process broadcast channel. On PostgreSQL an
//! event is sent with `pg_notify` and every instance, the publisher included,
//! receives it through its own `LISTEN` connection and rebroadcasts it to its
//! local subscribers: one path, so each subscriber sees each event once.
//!
//! Delivery is best effort, as for any notification: a subscriber that falls
//! behind, or an instance whose `LISTEN` connection dropped, receives a
//! [`Message::resync`] telling it to re-read the state it shows.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::{broadcast, watch};

use crate::{Db, Error, Result};

/// The PostgreSQL channel every instance listens on.
pub const CHANNEL: &str = "xaso_events";

/// The topic of a resync message: subscribers of every topic receive it.
pub const RESYNC: &str = "*";

/// PostgreSQL refuses notification payloads of 8000 bytes or more.
const MAX_PAYLOAD: usize = 7900;

/// How many events a slow subscriber may fall behind before it must resync.
const CAPACITY: usize = 1024;

/// One event: a topic (`queue/31342-TTPVHCC`), its name (`ticket_called`)
/// and a JSON payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// What it is about; subscribers filter on it.
    pub topic: String,
    /// What happened; a stream's `event:` field.
    pub event: String,
    /// The event as JSON text.
    pub payload: String,
}

impl Message {
    /// The message telling every subscriber to re-read its state.
    pub fn resync() -> Message {
        Message { topic: RESYNC.to_string(), event: "resync".to_string(), payload: "{}".to_string() }
    }

    /// Whether this message concerns a subscriber of `topic`.
    pub fn concerns(&self, topic: &str) -> bool {
        self.topic == topic || self.topic == RESYNC
    }

    /// The wire form on the PostgreSQL channel: the topic, the event name and
    /// the payload, separated by newlines.
    fn encode(&self) -> String {
        format!("{}\n{}\n{}", self.topic, self.event, self.payload)
    }

    fn decode(s: &str) -> Option<Message> {
        let (topic, rest) = s.split_once('\n')?;
        let (event, payload) = rest.split_once('\n')?;
        Some(Message { topic: topic.to_string(), event: event.to_string(), payload: payload.to_string() })
    }
}

/// The event bus of one instance. Cheap to clone; the PostgreSQL listener
/// stops when the last clone is dropped.
#[derive(Debug, Clone)]
pub struct Bus {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    db: Db,
    tx: broadcast::Sender<Arc<Message>>,
    /// Set by [`Bus::close`]; dropped with the bus. The listener task and the
    /// subscribers' streams end on either.
    closing: watch::Sender<bool>,
}

impl Bus {
    /// Starts the bus; on PostgreSQL, opens the `LISTEN` connection first so
    /// that no event committed after this returns is missed.
    pub async fn start(db: &Db) -> Result<Bus> {
        let (tx, _) = broadcast::channel(CAPACITY);
        let (closing, stopped) = watch::channel(false);
        if let Db::Postgres(pool) = db {
            let mut listener = PgListener::connect_with(pool).await?;
            listener.listen(CHANNEL).await?;
            tokio::spawn(listen(listener, tx.clone(), stopped));
        }
        Ok(Bus { inner: Arc::new(Inner { db: db.clone(), tx, closing }) })
    }

    /// Publishes event `event` to every subscriber of `topic` on every instance.
    /// Call it after the change is committed.
    pub async fn publish(&self, topic: &str, event: &str, payload: &serde_json::Value) -> Result<()> {
        let msg = Message { topic: topic.to_string(), event: event.to_string(), payload: payload.to_string() };
        match &self.inner.db {
            Db::Sqlite { .. } => {
                // No subscriber is not an error: nobody is watching.
                let _ = self.inner.tx.send(Arc::new(msg));
            }
            Db::Postgres(pool) => {
                let wire = msg.encode();
                if wire.len() > MAX_PAYLOAD {
                    return Err(Error::Invalid(format!("sự kiện quá lớn: {} byte (event too large)", wire.len())));
                }
                sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(wire).execute(pool).await?;
            }
        }
        Ok(())
    }

    /// A new subscription to every event this instance receives from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Message>> {
        self.inner.tx.subscribe()
    }

    /// Closes the bus at shutdown: live streams end so that the server's
    /// graceful shutdown is not held open by screens that never disconnect.
    pub fn close(&self) {
        self.inner.closing.send_replace(true);
    }

    /// Resolves when [`Bus::close`] was called.
    pub async fn closed(&self) {
        let mut rx = self.inner.closing.subscribe();
        let _ = rx.wait_for(|c| *c).await;
    }
}

/// Forwards notifications to local subscribers until the bus is dropped. A
/// lost connection is reopened by the next `try_recv`; subscribers are told
/// to resync, since events may have been missed meanwhile.
async fn listen(mut listener: PgListener, tx: broadcast::Sender<Arc<Message>>, mut stopped: watch::Receiver<bool>) {
    loop {
        let got = tokio::select! {
            _ = stopped.wait_for(|c| *c) => return,
            got = listener.try_recv() => got,
        };
        match got {
            Ok(Some(n)) => match Message::decode(n.payload()) {
                Some(msg) => {
                    let _ = tx.send(Arc::new(msg));
                }
                None => tracing::warn!(payload = n.payload(), "unreadable event on {CHANNEL}"),
            },
            Ok(None) => {
                tracing::warn!("event listener lost its connection; reconnecting");
                let _ = tx.send(Arc::new(Message::resync()));
            }
            Err(e) => {
                tracing::warn!(error = %e, "event listener failed; retrying in 1 s");
                tokio::select! {
                    _ = stopped.wait_for(|c| *c) => return,
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_form_round_trips_and_keeps_newlines_in_payloads() {
        let m = Message { topic: "queue/X".into(), event: "e".into(), payload: "{\"a\":\"b\\nc\"}\n".into() };
        assert_eq!(Message::decode(&m.encode()), Some(m));
        assert_eq!(Message::decode("no newline"), None);
    }

    #[test]
    fn resync_concerns_everyone() {
        assert!(Message::resync().concerns("queue/A"));
        let m = Message { topic: "queue/A".into(), event: "e".into(), payload: "{}".into() };
        assert!(m.concerns("queue/A"));
        assert!(!m.concerns("queue/B"));
    }

    #[tokio::test]
    async fn sqlite_delivers_in_process() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(dir.path().join("b.db").to_str().unwrap(), &Default::default()).await.unwrap();
        let bus = Bus::start(&db).await.unwrap();
        let mut rx = bus.subscribe();
        bus.publish("queue/A", "counted", &serde_json::json!({"n": 1})).await.unwrap();
        let got = rx.recv().await.unwrap();
        assert_eq!(got.topic, "queue/A");
        assert_eq!(got.payload, r#"{"n":1}"#);
    }
}
