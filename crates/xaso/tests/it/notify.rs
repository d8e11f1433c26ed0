//! Notifications end to end: enqueued in the store, sent by the job runner
//! to a real SMTP sink and a real HTTP SMS gateway on loopback ports,
//! retried on gateway errors, skipped when a channel is not configured,
//! and listed with masked recipients.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use domain::notify::Notice;
use store::audit::Actor;
use store::notify::{Message, Notification};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::Mutex;
use web::notify::{NotifyConfig, PhoneFormat, SmsConfig, SmtpConfig, SmtpSecurity};

use crate::common;

const CODE: &str = "000.00.31.H13-260305-0001";
const PHONE: &str = "0901234567";
const EMAIL: &str = "tuyet.nguyen@example.vn";

fn received() -> Notice {
    Notice::DossierReceived {
        code: CODE.into(),
        procedure: "Đăng ký khai sinh".into(),
        // 2026-03-12 09:30 UTC = 16:30 in Vietnam.
        due_at: Some(1_773_307_800_000),
        tracking_url: format!("https://xaso.example/tra-cuu/{CODE}"),
    }
}

/// A minimal SMTP server: accepts every message and hands over its DATA.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox = Arc::new(Mutex::new(Vec::new()));
    let boxed = inbox.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let inbox = boxed.clone();
            tokio::spawn(async move {
                let (r, mut w) = stream.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 sink ESMTP\r\n").await.ok();
                while let Ok(Some(line)) = lines.next_line().await {
                    let verb = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250-sink\r\n250 8BITMIME\r\n",
                        "DATA" => {
                            w.write_all(b"354 end with .\r\n").await.ok();
                            let mut data = String::new();
                            while let Ok(Some(l)) = lines.next_line().await {
                                if l == "." {
                                    break;
                                }
                                data.push_str(l.strip_prefix('.').filter(|_| l.starts_with("..")).unwrap_or(&l));
                                data.push_str("\r\n");
                            }
                            inbox.lock().await.push(data);
                            b"250 2.0.0 Ok: queued as SINK1\r\n"
                        }
                        "QUIT" => {
                            w.write_all(b"221 bye\r\n").await.ok();
                            break;
                        }
                        _ => b"250 OK\r\n",
                    };
                    w.write_all(reply).await.ok();
                }
            });
        }
    });
    (port, inbox)
}

/// One request the gateway saw: its API key header and JSON body.
type Seen = (Option<String>, serde_json::Value);

/// What the test gateway saw, and how many requests it still fails.
#[derive(Clone, Default)]
struct Gateway {
    seen: Arc<Mutex<Vec<Seen>>>,
    fail_first: Arc<AtomicU32>,
}

async fn gateway_send(
    State(g): State<Gateway>,
    headers: HeaderMap,
    Json(body): Json<serde_json::Value>,
) -> (StatusCode, Json<serde_json::Value>) {
    let auth = headers.get("x-api-key").and_then(|v| v.to_str().ok()).map(str::to_string);
    g.seen.lock().await.push((auth, body));
    let failing = g.fail_first.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
    if failing {
        (StatusCode::INTERNAL_SERVER_ERROR, Json(serde_json::json!({"error": "busy"})))
    } else {
        let n = g.seen.lock().await.len();
        (StatusCode::OK, Json(serde_json::json!({"data": {"id": format!("gw-{n}")}})))
    }
}

/// An HTTP SMS gateway on a real port.
async fn sms_gateway(fail_first: u32) -> (SmsConfig, Gateway) {
    let g = Gateway { fail_first: Arc::new(AtomicU32::new(fail_first)), ..Gateway::default() };
    let app = axum::Router::new().route("/send", axum::routing::post(gateway_send)).with_state(g.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    let cfg = SmsConfig {
        url: format!("http://{addr}/send"),
        method: "POST".into(),
        headers: [("x-api-key".to_string(), "secret-key".to_string())].into(),
        body: r#"{"to": "{phone}", "content": "{text}", "brandname": "XASO"}"#.into(),
        success_status: vec![],
        id_pointer: Some("/data/id".into()),
        phone_format: PhoneFormat::International,
        timeout_secs: 5,
    };
    (cfg, g)
}

fn smtp_config(port: u16) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(port),
        security: SmtpSecurity::Plain,
        username: None,
        password: None,
        from: "UBND xã Tân Hòa <no-reply@tanhoa.example.vn>".into(),
        timeout_secs: 5,
    }
}

async fn make_due_now(db: &store::Db) {
    match db.writer() {
        store::Pool::Sqlite(p) => {
            sqlx::query("UPDATE jobs SET run_at = 0 WHERE status = 'queued'").execute(p).await.map(|_| ())
        }
        store::Pool::Postgres(p) => {
            sqlx::query("UPDATE jobs SET run_at = 0 WHERE status = 'queued'").execute(p).await.map(|_| ())
        }
    }
    .unwrap();
}

/// Runs due jobs until none is left.
async fn drain(db: &store::Db, reg: &web::jobs::Registry) {
    for _ in 0..20 {
        if !web::jobs::run_once(db, reg, "test").await.unwrap() {
            return;
        }
    }
    panic!("the jobs did not settle");
}

async fn row(db: &store::Db, id: i64) -> Notification {
    store::notify::delivery::get(db, id).await.unwrap()
}

#[tokio::test]
async fn an_accented_email_reaches_the_smtp_server_and_sms_without_config_is_skipped() {
    let t = common::fresh_db().await;
    let (port, inbox) = smtp_sink().await;
    let cfg = NotifyConfig { smtp: Some(smtp_config(port)), sms: None, public_url: "http://x".into() };
    let reg = web::jobs::with_notify(&cfg).unwrap();
    let msg = Message::new(received(), Some(EMAIL.into()), Some(PHONE.into()));
    let ids = store::notify::enqueue(&t.db, &Actor::system(), msg).await.unwrap();
    assert_eq!(ids.len(), 2, "one row per channel");
    drain(&t.db, &reg).await;

    let mail = row(&t.db, ids[0]).await;
    assert_eq!((mail.channel.as_str(), mail.status.as_str(), mail.attempts), ("email", "sent", 1));
    assert!(mail.provider_id.as_deref().unwrap().contains("queued as SINK1"), "{:?}", mail.provider_id);
    assert!(mail.sent_at.is_some());
    let sms = row(&t.db, ids[1]).await;
    assert_eq!((sms.channel.as_str(), sms.status.as_str()), ("sms", "skipped"));
    assert!(sms.last_error.as_deref().unwrap().contains("notify.sms"));
    for n in [&mail, &sms] {
        let job = store::job::get(&t.db, n.job_id.unwrap()).await.unwrap();
        assert_eq!(job.status, "done");
    }

    let raw = inbox.lock().await.pop().expect("the sink received the message");
    let parsed = mail_parser::MessageParser::default().parse(raw.as_bytes()).expect("a MIME message");
    assert_eq!(parsed.subject(), Some(format!("Hồ sơ {CODE} đã được tiếp nhận").as_str()));
    let body = parsed.body_text(0).expect("a text body");
    assert!(body.contains("Hồ sơ của Ông/Bà đã được tiếp nhận."), "{body}");
    assert!(body.contains("Thủ tục: Đăng ký khai sinh"), "{body}");
    assert!(body.contains("Ngày hẹn trả kết quả: 12/03/2026 16:30"), "{body}");
    let to = parsed.to().and_then(|a| a.first()).and_then(|a| a.address()).unwrap();
    assert_eq!(to, EMAIL);
    let from = parsed.from().and_then(|a| a.first()).unwrap();
    assert_eq!(from.name(), Some("UBND xã Tân Hòa"));
}

#[tokio::test]
async fn an_sms_is_retried_after_gateway_errors_then_sent_unaccented() {
    let t = common::fresh_db().await;
    let (sms, gw) = sms_gateway(2).await;
    let reg =
        web::jobs::with_notify(&NotifyConfig { smtp: None, sms: Some(sms), public_url: "http://x".into() }).unwrap();
    let msg =
        Message { dedupe_key: Some("dossier:1:received".into()), ..Message::new(received(), None, Some(PHONE.into())) };
    let ids = store::notify::enqueue(&t.db, &Actor::system(), msg.clone()).await.unwrap();
    assert_eq!(ids.len(), 1);
    assert!(store::notify::enqueue(&t.db, &Actor::system(), msg).await.unwrap().is_empty(), "deduplicated");

    assert!(web::jobs::run_once(&t.db, &reg, "test").await.unwrap());
    let n = row(&t.db, ids[0]).await;
    assert_eq!((n.status.as_str(), n.attempts), ("queued", 1));
    assert!(n.last_error.unwrap().contains("HTTP 500"));
    assert!(!web::jobs::run_once(&t.db, &reg, "test").await.unwrap(), "the retry waits for the backoff");
    for attempt in 2..=3 {
        make_due_now(&t.db).await;
        assert!(web::jobs::run_once(&t.db, &reg, "test").await.unwrap());
        assert_eq!(row(&t.db, ids[0]).await.attempts, attempt);
    }
    let n = row(&t.db, ids[0]).await;
    assert_eq!((n.status.as_str(), n.attempts, n.provider_id.as_deref()), ("sent", 3, Some("gw-3")));
    assert_eq!(n.last_error, None);
    assert_eq!(store::job::get(&t.db, n.job_id.unwrap()).await.unwrap().status, "done");

    let seen = gw.seen.lock().await;
    assert_eq!(seen.len(), 3);
    let (key, body) = &seen[2];
    assert_eq!(key.as_deref(), Some("secret-key"));
    assert_eq!(body["to"], "84901234567");
    assert_eq!(body["brandname"], "XASO");
    let text = body["content"].as_str().unwrap();
    assert!(text.starts_with(&format!("Ho so {CODE} (Dang ky khai sinh) da duoc tiep nhan. Hen tra 12/03/2026 16:30")));
    assert!(text.is_ascii() && text.len() <= 160, "{text}");
    assert_eq!(text, n.body);
}

#[tokio::test]
async fn a_gateway_that_keeps_failing_marks_the_message_failed() {
    let t = common::fresh_db().await;
    let (sms, _gw) = sms_gateway(u32::MAX).await;
    let reg =
        web::jobs::with_notify(&NotifyConfig { smtp: None, sms: Some(sms), public_url: "http://x".into() }).unwrap();
    let ids = store::notify::enqueue(&t.db, &Actor::system(), Message::new(received(), None, Some(PHONE.into())))
        .await
        .unwrap();
    for _ in 0..store::notify::MAX_ATTEMPTS {
        make_due_now(&t.db).await;
        assert!(web::jobs::run_once(&t.db, &reg, "test").await.unwrap());
    }
    let n = row(&t.db, ids[0]).await;
    assert_eq!((n.status.as_str(), n.attempts), ("failed", store::notify::MAX_ATTEMPTS));
    assert_eq!(store::job::get(&t.db, n.job_id.unwrap()).await.unwrap().status, "dead");
}

#[tokio::test]
async fn without_any_channel_configured_messages_are_recorded_as_skipped() {
    let t = common::fresh_db().await;
    let reg = web::jobs::with_notify(&NotifyConfig::default()).unwrap();
    let ids = store::notify::enqueue(
        &t.db,
        &Actor::system(),
        Message::new(received(), Some(EMAIL.into()), Some(PHONE.into())),
    )
    .await
    .unwrap();
    drain(&t.db, &reg).await;
    for id in ids {
        let n = row(&t.db, id).await;
        assert_eq!((n.status.as_str(), n.attempts), ("skipped", 1), "{}", n.channel);
    }
}

#[tokio::test]
async fn bad_recipients_are_refused_and_nothing_is_enqueued() {
    let t = common::fresh_db().await;
    let before = common::audit_count(&t.db).await;
    for (email, phone) in [(Some("not-an-email"), None), (None, Some("12345")), (None, None)] {
        let msg = Message::new(received(), email.map(Into::into), phone.map(Into::into));
        let err = store::notify::enqueue(&t.db, &Actor::system(), msg).await.unwrap_err();
        assert!(matches!(err, store::Error::Invalid(_)), "{err}");
    }
    assert_eq!(common::audit_count(&t.db).await, before);
    assert!(store::job::claim(&t.db, "t", &["notify.email", "notify.sms"]).await.unwrap().is_none());
}

#[tokio::test]
async fn admins_list_a_units_notifications_with_masked_recipients() {
    let app = common::TestApp::spawn().await;
    let unit =
        store::unit::by_code(&app.db, "31342", domain::time::local_date(chrono::Utc::now())).await.unwrap().unwrap();
    let before = common::audit_count(&app.db).await;
    let msg = Message { unit_id: Some(unit.id), ..Message::new(received(), Some(EMAIL.into()), Some(PHONE.into())) };
    store::notify::enqueue(&app.db, &Actor::system(), msg).await.unwrap();
    assert_eq!(common::audit_count(&app.db).await, before + 1, "one audit row per message");

    let admin = app.token("admin").await;
    let resp = reqwest::Client::new()
        .get(app.url("/api/v1/notifications?unit=31342"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let text = resp.text().await.unwrap();
    assert!(!text.contains(EMAIL) && !text.contains(PHONE), "real addresses never listed: {text}");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let recipients: Vec<&str> = rows.iter().map(|r| r["recipient"].as_str().unwrap()).collect();
    assert_eq!(recipients, ["0901 *** 567", "tu***@example.vn"]);
    assert_eq!(rows[1]["subject"], format!("Hồ sơ {CODE} đã được tiếp nhận"));
    assert_eq!(rows[0]["status"], "queued");

    let officer = app.token("xuly.tanhoa").await;
    let resp = reqwest::Client::new()
        .get(app.url("/api/v1/notifications?unit=31342"))
        .bearer_auth(&officer)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
}
