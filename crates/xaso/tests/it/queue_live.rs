//! The queue's live events: the server-sent event stream of a center carries
//! issues and calls made through the API, and on PostgreSQL a call made on
//! one `xaso serve` instance reaches a display connected to another.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{self, ServerProcess, TestApp};

const CENTER: &str = "31342-TTPVHCC";

/// Reads a server-sent event stream frame by frame.
struct SseReader {
    resp: reqwest::Response,
    buf: String,
}

impl SseReader {
    async fn open(url: &str) -> SseReader {
        let resp = reqwest::Client::new().get(url).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        let ct = resp.headers()["content-type"].to_str().unwrap().to_string();
        assert!(ct.starts_with("text/event-stream"), "{ct}");
        SseReader { resp, buf: String::new() }
    }

    /// The next event (name, JSON data), skipping keep-alive comments; fails after `within`.
    async fn next(&mut self, within: Duration) -> (String, Value) {
        let deadline = Instant::now() + within;
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let frame: String = self.buf.drain(..end + 2).collect();
                let mut name = String::from("message");
                let mut data = String::new();
                for line in frame.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        name = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if data.is_empty() {
                    continue;
                }
                return (name, serde_json::from_str(&data).unwrap());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let chunk = tokio::time::timeout(left, self.resp.chunk())
                .await
                .unwrap_or_else(|_| panic!("no event within {within:?}; buffered: {:?}", self.buf))
                .unwrap()
                .expect("stream ended");
            self.buf.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Skips events until one named `name`.
    async fn until(&mut self, name: &str, within: Duration) -> Value {
        let deadline = Instant::now() + within;
        loop {
            let (n, v) = self.next(deadline.saturating_duration_since(Instant::now())).await;
            if n == name {
                return v;
            }
        }
    }
}

async fn post(base: &str, token: &str, path: &str, body: Value) -> reqwest::Response {
    reqwest::Client::new().post(format!("{base}{path}")).bearer_auth(token).json(&body).send().await.unwrap()
}

/// The first service of the center and a counter whose profile serves it.
async fn service_and_counter(db: &store::Db) -> (String, i64) {
    let center = store::queue::center_by_code(db, CENTER).await.unwrap().unwrap();
    let service = store::queue::services(db, center.id).await.unwrap().remove(0);
    for k in store::queue::counters(db, center.id).await.unwrap() {
        if store::queue::profile(db, k.id).await.unwrap().contains(&service.id) {
            return (service.code, k.id);
        }
    }
    panic!("no counter serves {}", service.code);
}

#[tokio::test]
async fn the_event_stream_carries_issues_and_calls() {
    let app = TestApp::spawn().await;
    let yesterday = domain::time::local_date(chrono::Utc::now()).pred_opt().unwrap();
    store::queue::demo::load_demo(&app.db, yesterday).await.unwrap();
    let (service, counter) = service_and_counter(&app.db).await;
    let token = app.token("motcua.tanhoa").await;
    let kiosk = app.token("kiosk.tanhoa").await;

    let mut board = SseReader::open(&app.url(&format!("/api/v1/queue/centers/{CENTER}/events"))).await;
    let (first, _) = board.next(Duration::from_secs(5)).await;
    assert_eq!(first, "ready", "a stream opens with `ready`");

    let issued =
        post(&app.url(""), &kiosk, "/api/v1/queue/tickets", json!({"center": CENTER, "service": service})).await;
    assert_eq!(issued.status(), 201, "a kiosk device issues tickets");
    let issued: Value = issued.json().await.unwrap();
    let ev = board.until("ticket_issued", Duration::from_secs(5)).await;
    assert_eq!(ev["number"], issued["number"]);
    assert_eq!(ev["state"], "waiting");

    let called = post(&app.url(""), &token, &format!("/api/v1/queue/counters/{counter}/call-next"), json!({})).await;
    assert_eq!(called.status(), 200);
    let ev = board.until("ticket_called", Duration::from_secs(5)).await;
    assert_eq!(ev["number"], issued["number"]);
    assert_eq!(ev["counter_id"], counter);
    let name = store::queue::counter(&app.db, counter).await.unwrap().name;
    assert_eq!(ev["announce"], domain::queue::announcement_vi(issued["number"].as_str().unwrap(), &name));

    let recalled =
        post(&app.url(""), &token, &format!("/api/v1/queue/tickets/{}/recall", issued["id"]), json!({})).await;
    assert_eq!(recalled.status(), 200);
    let ev = board.until("ticket_recalled", Duration::from_secs(5)).await;
    assert!(ev["announce"].as_str().unwrap().starts_with("Mời số"));

    // A kiosk may issue but not call.
    let refused = post(&app.url(""), &kiosk, &format!("/api/v1/queue/counters/{counter}/call-next"), json!({})).await;
    assert_eq!(refused.status(), 403);
    // An unknown center has no stream.
    let missing = reqwest::get(app.url("/api/v1/queue/centers/NOPE/events")).await.unwrap();
    assert_eq!(missing.status(), 404);
}

/// The issue's acceptance: two instances on one PostgreSQL database; a call
/// made on A reaches a display connected to B within a second. SQLite is a
/// single-instance deployment, so this test needs `XASO_TEST_POSTGRES_URL`.
#[tokio::test]
async fn a_call_on_one_instance_reaches_a_board_on_another() {
    if common::postgres_url().is_none() {
        eprintln!("skipped: multi-instance events need PostgreSQL (XASO_TEST_POSTGRES_URL)");
        return;
    }
    let t = common::fresh_db().await;
    store::demo::load(&t.db).await.unwrap();
    let yesterday = domain::time::local_date(chrono::Utc::now()).pred_opt().unwrap();
    store::queue::demo::load_demo(&t.db, yesterday).await.unwrap();
    let (service, counter) = service_and_counter(&t.db).await;
    let officer = store::user::find(&t.db, "motcua.tanhoa").await.unwrap().unwrap();
    let (_, token) = store::token::create(&t.db, &store::audit::Actor::system(), officer.id, "t").await.unwrap();

    let a = ServerProcess::start(&t.url, false).await;
    let b = ServerProcess::start(&t.url, false).await;
    let mut board = SseReader::open(&format!("{}/api/v1/queue/centers/{CENTER}/events", b.base)).await;
    assert_eq!(board.next(Duration::from_secs(5)).await.0, "ready");

    for round in 0..3 {
        let issued =
            post(&a.base, &token, "/api/v1/queue/tickets", json!({"center": CENTER, "service": service})).await;
        assert_eq!(issued.status(), 201);
        let number = issued.json::<Value>().await.unwrap()["number"].clone();
        let sent = Instant::now();
        let called = post(&a.base, &token, &format!("/api/v1/queue/counters/{counter}/call-next"), json!({})).await;
        assert_eq!(called.status(), 200);
        let ev = board.until("ticket_called", Duration::from_secs(1)).await;
        let took = sent.elapsed();
        assert_eq!(ev["number"], number, "round {round}");
        assert!(took < Duration::from_secs(1), "round {round}: the call reached B after {took:?}");
        eprintln!("round {round}: a call on A reached the board on B in {took:?}");
        // Clear the counter for the next round.
        let id = ev["ticket_id"].as_i64().unwrap();
        assert_eq!(
            post(&a.base, &token, &format!("/api/v1/queue/tickets/{id}/no-show"), json!({})).await.status(),
            200
        );
    }
}
