//! The queue's pages over real HTTP: the kiosk (issue, CCCD scan masked,
//! check-in, rating), the counter console's actions, the citizen's phone
//! ticket behind its link key, booking, and who may open which screen.

use chrono::Datelike;
use serde_json::{Value, json};

use crate::common::{TestApp, csrf_of};

const CENTER: &str = "31342-TTPVHCC";
const QR: &str = "001090123456|012345678|Nguyễn Văn An|01011990|Nam|Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|15042021";

async fn app() -> TestApp {
    let app = TestApp::spawn().await;
    let yesterday = domain::time::local_date(chrono::Utc::now()).pred_opt().unwrap();
    store::queue::demo::load_demo(&app.db, yesterday).await.unwrap();
    app
}

async fn center(app: &TestApp) -> store::queue::Center {
    store::queue::center_by_code(&app.db, CENTER).await.unwrap().unwrap()
}

/// A counter of the center that serves service `code`.
async fn counter_for(app: &TestApp, code: &str) -> store::queue::Counter {
    let c = center(app).await;
    let s = store::queue::service_by_code(&app.db, c.id, code).await.unwrap().unwrap();
    for k in store::queue::counters(&app.db, c.id).await.unwrap() {
        if store::queue::profile(&app.db, k.id).await.unwrap().contains(&s.id) {
            return k;
        }
    }
    panic!("no counter serves {code}");
}

async fn post_form(c: &reqwest::Client, url: &str, form: &[(&str, &str)]) -> reqwest::Response {
    c.post(url).form(form).send().await.unwrap()
}

#[tokio::test]
async fn the_kiosk_issues_masks_the_scan_and_prints() {
    let app = app().await;
    let kiosk = app.login("kiosk.tanhoa").await;
    let start = app.url(&format!("/kiosk/{CENTER}"));
    let page = kiosk.get(&start).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("value=\"HT\"") && html.contains("Hộ tịch"), "service buttons");
    let csrf = crate::common::csrf_from(&html);

    // The scan preview shows the ID and name masked, never in full.
    let scan = post_form(&kiosk, &format!("{start}/scan"), &[("_csrf", &csrf), ("cccd_qr", QR)]).await;
    assert_eq!(scan.status(), 200);
    let preview = scan.text().await.unwrap();
    assert!(
        preview.contains('✓') && !preview.contains("001090123456") && !preview.contains("Nguyễn Văn An"),
        "{preview}"
    );
    let bad = post_form(&kiosk, &format!("{start}/scan"), &[("_csrf", &csrf), ("cccd_qr", "hello|world")]).await;
    assert!(bad.text().await.unwrap().contains("role=\"alert\""));

    // One tap issues; the ticket screen shows the number, the QR code, the masked citizen.
    let resp = post_form(
        &kiosk,
        &format!("{start}/tickets"),
        &[("_csrf", &csrf), ("service", "HT"), ("priority", "nguoi_cao_tuoi"), ("cccd_qr", QR)],
    )
    .await;
    assert_eq!(resp.status(), 303);
    let to = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with(&format!("/kiosk/{CENTER}/tickets/")) && to.ends_with("?print=1"), "{to}");
    let slip = kiosk.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
    let c = center(&app).await;
    let hotich = store::queue::service_by_code(&app.db, c.id, "HT").await.unwrap().unwrap();
    assert!(slip.contains(&format!("{}001", hotich.prefix)), "the number");
    assert!(slip.contains("<svg") && slip.contains("data-autoprint"), "QR code and automatic print");
    assert!(slip.contains("Người cao tuổi"));
    assert!(!slip.contains("001090123456"), "the CCCD is masked on the slip");
    // The same slip as ESC/POS bytes for a network thermal printer.
    let bytes = kiosk.get(app.url(&to.replace("?print=1", "/escpos"))).send().await.unwrap();
    assert_eq!(bytes.status(), 200);
    let bytes = bytes.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\x1b@"), "ESC @ initialises the printer");
    assert!(bytes.windows(4).any(|w| w == format!("{}001", hotich.prefix).as_bytes()), "the number is printed");
    assert!(bytes.windows(2).any(|w| w == b"\x1dV"), "the paper is cut");

    // A bad priority, an unknown service and a broken scan come back to the start screen with a reason.
    for form in [
        vec![("_csrf", csrf.as_str()), ("service", "HT"), ("priority", "vip")],
        vec![("_csrf", csrf.as_str()), ("service", "NOPE")],
        vec![("_csrf", csrf.as_str()), ("service", "HT"), ("cccd_qr", "123")],
    ] {
        let r = post_form(&kiosk, &format!("{start}/tickets"), &form).await;
        assert_eq!(r.status(), 422, "{form:?}");
        assert!(r.text().await.unwrap().contains("alert error"));
    }

    // A kiosk is a kiosk: no console, no statistics.
    let k = counter_for(&app, "HT").await;
    assert_eq!(kiosk.get(app.url(&format!("/queue/counters/{}", k.id))).send().await.unwrap().status(), 403);
    assert_eq!(kiosk.get(app.url(&format!("/queue/{CENTER}/stats"))).send().await.unwrap().status(), 403);
    // Nobody logged in gets the login page, not the kiosk.
    let anon = app.client().get(&start).send().await.unwrap();
    assert_eq!(anon.status(), 303);
}

#[tokio::test]
async fn the_console_serves_and_the_phone_follows_and_rates() {
    let app = app().await;
    let officer = app.login("motcua.tanhoa").await;
    let token = app.token("kiosk.tanhoa").await;
    let issued: Value = reqwest::Client::new()
        .post(app.url("/api/v1/queue/tickets"))
        .bearer_auth(&token)
        .json(&json!({"center": CENTER, "service": "CT"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (id, number) = (issued["id"].as_i64().unwrap(), issued["number"].as_str().unwrap().to_string());
    let track = issued["track_url"].as_str().unwrap();
    let path = &track[track.find("/q/").unwrap()..];

    // The phone page, public, shows the waiting ticket; a wrong key shows nothing.
    let phone = app.client();
    let page = phone.get(app.url(path)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(&number) && html.contains("data-state=\"waiting\""));
    let forged = phone.get(app.url(&format!("/q/{id}?k=0000000000000000"))).send().await.unwrap();
    assert_eq!(forged.status(), 404);
    let next = phone.get(app.url(&format!("/q/{}?k=x", id + 1))).send().await.unwrap();
    assert_eq!(next.status(), 404, "no paging through tickets");

    // The console lists it, calls it (htmx gets the panel back), starts and finishes.
    let k = counter_for(&app, "CT").await;
    let console = app.url(&format!("/queue/counters/{}", k.id));
    let html = officer.get(&console).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&number), "the waiting list shows {number}");
    let csrf = crate::common::csrf_from(&html);
    let called = officer
        .post(format!("{console}/call-next"))
        .header("hx-request", "true")
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(called.status(), 200);
    let panel = called.text().await.unwrap();
    assert!(panel.contains("data-current>") && panel.contains(&number), "the panel shows the call");
    let html = phone.get(app.url(path)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-turn"), "the phone says it is their turn");
    for action in ["start", "finish"] {
        let r = post_form(&officer, &format!("{console}/tickets/{id}/{action}"), &[("_csrf", &csrf)]).await;
        assert_eq!(r.status(), 303, "{action} without htmx redirects back");
    }
    let t = store::queue::ticket(&app.db, id).await.unwrap();
    assert_eq!(t.state, "done");
    // Acting again on a finished ticket is refused with a message on the panel, not an error page.
    let again = officer
        .post(format!("{console}/tickets/{id}/finish"))
        .header("hx-request", "true")
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    assert!(again.text().await.unwrap().contains("alert info"));

    // The citizen rates once from the phone; the rating is linked to the counter and officer.
    let html = phone.get(app.url(path)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Rất hài lòng"));
    let csrf = crate::common::csrf_from(&html);
    let rate_url = app.url(&path.replace("?k=", "/rate?k="));
    let r = post_form(&phone, &rate_url, &[("_csrf", &csrf), ("score", "4"), ("comment", "Nhanh")]).await;
    assert_eq!(r.status(), 303);
    let rating = store::queue::appointment::rating_of(&app.db, id).await.unwrap().unwrap();
    assert_eq!((rating.score, rating.counter_id), (4, Some(k.id)));
    let officer_id = store::user::find(&app.db, "motcua.tanhoa").await.unwrap().unwrap().id;
    assert_eq!(rating.officer_id, Some(officer_id));
    let twice = post_form(&phone, &rate_url, &[("_csrf", &csrf), ("score", "1")]).await;
    assert_eq!(twice.status(), 422);
    assert!(twice.text().await.unwrap().contains("đã được đánh giá"));
}

#[tokio::test]
async fn citizens_book_slots_and_check_in_at_the_kiosk() {
    let app = app().await;
    let officer = app.login("motcua.tanhoa").await;
    let c = center(&app).await;
    let hotich = store::queue::service_by_code(&app.db, c.id, "HT").await.unwrap().unwrap();

    // The officer opens a morning of 30-minute slots on the next working day.
    let cal = calendar::WorkCalendar::vietnam();
    let mut day = domain::time::local_date(chrono::Utc::now()).succ_opt().unwrap();
    while !cal.is_working_day(calendar::Date::from_ymd(day.year(), day.month(), day.day()).unwrap()) {
        day = day.succ_opt().unwrap();
    }
    let slots_url = app.url(&format!("/queue/{CENTER}/slots"));
    let csrf = csrf_of(&officer, &slots_url).await;
    let date = day.format("%Y-%m-%d").to_string();
    let form = [
        ("_csrf", csrf.as_str()),
        ("service", "HT"),
        ("date", date.as_str()),
        ("from", "07:30"),
        ("to", "09:30"),
        ("minutes", "30"),
        ("capacity", "2"),
    ];
    let opened = post_form(&officer, &slots_url, &form).await;
    assert_eq!(opened.status(), 200);
    assert!(opened.text().await.unwrap().contains(": 4"), "4 slots opened");
    let again = post_form(&officer, &slots_url, &form).await.text().await.unwrap();
    assert!(again.contains(": 0"), "opening the same range again adds nothing");
    let saturday = {
        let mut d = day;
        while d.weekday() != chrono::Weekday::Sat {
            d = d.succ_opt().unwrap();
        }
        d.format("%Y-%m-%d").to_string()
    };
    let mut weekend = form;
    weekend[2] = ("date", saturday.as_str());
    let refused = post_form(&officer, &slots_url, &weekend).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("không phải ngày làm việc"));

    // A citizen books; a bad phone is refused next to the form and keeps the name typed.
    let citizen = app.client();
    let book_url = app.url(&format!("/book/{CENTER}"));
    let html = citizen.get(format!("{book_url}?service=HT")).send().await.unwrap().text().await.unwrap();
    let slot = store::queue::appointment::slots(&app.db, hotich.id, 0, i64::MAX).await.unwrap()[0].id.to_string();
    assert!(html.contains(&format!("value=\"{slot}\"")), "the slot is offered");
    let csrf = crate::common::csrf_from(&html);
    let bad =
        [("_csrf", csrf.as_str()), ("service", "HT"), ("slot", slot.as_str()), ("name", "Lê Thị Hoa"), ("phone", "12")];
    let r = post_form(&citizen, &book_url, &bad).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("số điện thoại") && html.contains("Lê Thị Hoa"));
    let good = [
        ("_csrf", csrf.as_str()),
        ("service", "HT"),
        ("slot", slot.as_str()),
        ("name", "Lê Thị Hoa"),
        ("phone", "0912345678"),
    ];
    let r = post_form(&citizen, &book_url, &good).await;
    assert_eq!(r.status(), 303);
    let done = r.headers()["location"].to_str().unwrap().to_string();
    let code = done.rsplit('/').next().unwrap().to_string();
    let html = citizen.get(app.url(&done)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&code) && html.contains("<svg"));
    assert!(!html.contains("0912345678"), "the phone is masked");
    // The same phone cannot take a second place for the same service that day.
    let r = post_form(&citizen, &book_url, &good).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("đã có lịch hẹn"));

    // At the kiosk today, the appointment is outside its window: a clear refusal.
    let kiosk = app.login("kiosk.tanhoa").await;
    let checkin = app.url(&format!("/kiosk/{CENTER}/checkin"));
    let csrf = csrf_of(&kiosk, &checkin).await;
    let r = post_form(&kiosk, &checkin, &[("_csrf", &csrf), ("code", &code)]).await;
    assert_eq!(r.status(), 422);
    // A slot starting in ten minutes can be checked into, and its ticket goes ahead of walk-ins.
    let now = store::now_ms();
    let actor = store::audit::Actor::system();
    let soon = store::queue::appointment::open_slot(&app.db, &actor, hotich.id, now + 600_000, 30, 1).await.unwrap();
    let who = store::queue::appointment::Booking { name: "Trần Văn Bình".into(), ..Default::default() };
    let appt = store::queue::appointment::book(&app.db, &actor, soon.id, who, now).await.unwrap();
    let r = post_form(&kiosk, &checkin, &[("_csrf", &csrf), ("code", &appt.code.to_lowercase())]).await;
    assert_eq!(r.status(), 303, "codes are accepted in any case");
    let again = post_form(&kiosk, &checkin, &[("_csrf", &csrf), ("code", &appt.code)]).await;
    assert_eq!(again.status(), 422, "an appointment gives one ticket");
    let unknown = post_form(&kiosk, &checkin, &[("_csrf", &csrf), ("code", "ZZZZZZ")]).await;
    assert_eq!(unknown.status(), 422);
}

#[tokio::test]
async fn the_kiosk_takes_a_rating_by_ticket_number() {
    let app = app().await;
    let token = app.token("motcua.tanhoa").await;
    let api = reqwest::Client::new();
    let issued: Value = api
        .post(app.url("/api/v1/queue/tickets"))
        .bearer_auth(&token)
        .json(&json!({"center": CENTER, "service": "DD"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let k = counter_for(&app, "DD").await;
    let called = api.post(app.url(&format!("/api/v1/queue/counters/{}/call-next", k.id))).bearer_auth(&token).send();
    assert_eq!(called.await.unwrap().status(), 200);
    for a in ["start", "finish"] {
        let r = api.post(app.url(&format!("/api/v1/queue/tickets/{}/{a}", issued["id"]))).bearer_auth(&token).send();
        assert_eq!(r.await.unwrap().status(), 200);
    }
    let kiosk = app.login("kiosk.tanhoa").await;
    let url = app.url(&format!("/kiosk/{CENTER}/rate"));
    let csrf = csrf_of(&kiosk, &url).await;
    let number = issued["number"].as_str().unwrap();
    let r = post_form(&kiosk, &url, &[("_csrf", &csrf), ("number", &number.to_lowercase()), ("score", "3")]).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Cảm ơn"));
    let rating = store::queue::appointment::rating_of(&app.db, issued["id"].as_i64().unwrap()).await.unwrap();
    assert_eq!(rating.map(|r| r.score), Some(3));
    let r = post_form(&kiosk, &url, &[("_csrf", &csrf), ("number", "Z999"), ("score", "3")]).await;
    assert_eq!(r.status(), 422);
}

#[tokio::test]
async fn the_board_is_public_and_shows_numbers_only() {
    let app = app().await;
    let html = app.client().get(app.url(&format!("/board/{CENTER}"))).send().await.unwrap();
    assert_eq!(html.status(), 200);
    let html = html.text().await.unwrap();
    assert!(html.contains("data-now") && html.contains("Quầy 1") && html.contains("/static/board.js"));
    let state: Value =
        reqwest::get(app.url(&format!("/api/v1/queue/centers/{CENTER}/state"))).await.unwrap().json().await.unwrap();
    assert!(state["recent"].as_array().is_some_and(|r| !r.is_empty()), "yesterday's calls are listed");
    assert!(!state.to_string().contains("citizen"), "no personal data on the board");
    assert_eq!(app.client().get(app.url("/board/NOPE")).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn an_administrator_sets_up_a_center() {
    let app = app().await;
    let admin = app.login("admin").await;
    let home = app.url("/queue");
    let csrf = csrf_of(&admin, &home).await;
    let created = post_form(
        &admin,
        &app.url("/queue/centers"),
        &[("_csrf", &csrf), ("unit", "31342"), ("code", "31342-MC2"), ("name", "Bộ phận một cửa số 2")],
    )
    .await;
    assert_eq!(created.status(), 303);
    let settings = app.url("/queue/31342-MC2/settings");
    assert_eq!(created.headers()["location"], "/queue/31342-MC2/settings");

    let form = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
    let services = app.url("/queue/31342-MC2/services");
    let add = |code: &'static str, prefix: &'static str| {
        form(&[
            ("_csrf", &csrf),
            ("code", code),
            ("name", "Chứng thực"),
            ("field", "Tư pháp – Hộ tịch"),
            ("prefix", prefix),
            ("target_wait_min", "10"),
        ])
    };
    assert_eq!(admin.post(&services).form(&add("CT", "A")).send().await.unwrap().status(), 303);
    assert_eq!(admin.post(&services).form(&add("HT", "B")).send().await.unwrap().status(), 303);
    // A prefix already taken in the center is refused with a message on the page.
    let dup = admin.post(&services).form(&add("DD", "A")).send().await.unwrap();
    assert_eq!(dup.status(), 422);
    assert!(dup.text().await.unwrap().contains("alert error"));

    let c = store::queue::center_by_code(&app.db, "31342-MC2").await.unwrap().unwrap();
    let svcs = store::queue::services(&app.db, c.id).await.unwrap();
    let (ct, ht) = (svcs[0].id, svcs[1].id);
    // A counter serving HT first, then CT.
    let counter_form = form(&[
        ("_csrf", &csrf),
        ("code", "1"),
        ("name", "Quầy 1"),
        ("call_order", "service_order"),
        (&format!("svc_{ht}"), "1"),
        (&format!("svc_{ct}"), "2"),
    ]);
    let r = admin.post(app.url("/queue/31342-MC2/counters")).form(&counter_form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let k = store::queue::counter_by_code(&app.db, c.id, "1").await.unwrap().unwrap();
    assert_eq!(store::queue::profile(&app.db, k.id).await.unwrap(), vec![ht, ct]);

    // The rules change; the page shows them back.
    let rules = form(&[
        ("_csrf", &csrf),
        ("name", "Bộ phận một cửa số 2"),
        ("priority_rule", "strict"),
        ("priority_every", "1"),
        ("numbering", "continuous"),
        ("checkin_early_min", "20"),
        ("checkin_late_min", "10"),
    ]);
    assert_eq!(admin.post(&settings).form(&rules).send().await.unwrap().status(), 303);
    let c = store::queue::center(&app.db, c.id).await.unwrap();
    assert_eq!((c.priority_rule.as_str(), c.numbering.as_str(), c.checkin_early_min), ("strict", "continuous", 20));
    let page = admin.get(format!("{settings}?saved=1")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("alert ok") && page.contains("Quầy 1"));
    // The changes are in the audit log with before and after.
    let filter = store::audit::Filter { action: Some("queue.center.update".into()), limit: 10, ..Default::default() };
    let audit = store::audit::list(&app.db, &filter).await.unwrap();
    assert!(audit.iter().any(|a| a.before.as_deref().is_some_and(|b| b.contains("interleaved"))), "before is kept");

    // Desk officers run the queue but do not configure it.
    let officer = app.login("motcua.tanhoa").await;
    assert_eq!(officer.get(&settings).send().await.unwrap().status(), 403);
}
