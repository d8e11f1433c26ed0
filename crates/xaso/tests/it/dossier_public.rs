//! What citizens and the counter see of dossiers, over real HTTP: counter
//! intake from a queue ticket (CCCD prefilled, completeness check), the
//! online portal's multipart submission (status 1, files hashed, 422s, a
//! masked confirmation), the public tracking page (masked timeline, one
//! "not found" for wrong digits and unknown codes, the shared rate limit),
//! the rating after return, the applicant's notifications enqueued with the
//! events, and the due-soon / overdue alerts raised once per dossier and kind.

use chrono::NaiveDate;
use domain::dossier::{Channel, OnlineLevel, ResultType, TimeLimit};
use domain::person::{CitizenId, Phone};
use reqwest::multipart::{Form, Part};
use sha2::{Digest, Sha256};
use store::audit::Actor;
use store::dossier::workflow::ResultChannel;
use store::dossier::{Applicant, NewDossier};
use store::procedure::{DocumentComponent, NewProcedure};

use crate::common::{TestApp, csrf_from};

pub(crate) const PROC: &str = "1.001193";
pub(crate) const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];
pub(crate) const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

fn today() -> NaiveDate {
    domain::time::local_date(chrono::Utc::now())
}

fn local(s: &str) -> i64 {
    domain::time::local_to_utc_ms(chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
}

fn component(name: &str, required: bool) -> DocumentComponent {
    DocumentComponent { name: name.into(), originals: 1, copies: 0, required }
}

/// The app with a birth-registration procedure offered fully online: two
/// required components and an optional one.
pub(crate) async fn app() -> TestApp {
    let app = TestApp::spawn().await;
    let p = NewProcedure {
        code: PROC.into(),
        valid_from: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        name: "Đăng ký khai sinh".into(),
        field: "Hộ tịch".into(),
        level: "Cấp xã".into(),
        agency: "Ủy ban nhân dân cấp xã".into(),
        time: TimeLimit::WorkingDays(1),
        online_level: OnlineLevel::Full,
        result_type: ResultType::PaperAndElectronic,
        fees: vec![],
        documents: vec![component("Tờ khai", true), component("Giấy chứng sinh", true), component("Ảnh", false)],
        steps: vec![],
    };
    store::procedure::create_version(&app.db, &Actor::system(), p).await.unwrap();
    app
}

async fn unit_id(app: &TestApp, code: &str) -> i64 {
    store::unit::by_code(&app.db, code, today()).await.unwrap().unwrap().id
}

/// A dossier received at the counter of Tân Hòa at `at`.
async fn received(app: &TestApp, at: i64) -> store::dossier::Dossier {
    let new = NewDossier {
        unit_id: unit_id(app, "31342").await,
        agency: "31342".into(),
        procedure_code: PROC.into(),
        applicant: Applicant {
            name: "Nguyễn Văn An".into(),
            id_number: Some(CitizenId::parse("079200001234").unwrap()),
            phone: Some(Phone::parse("0901234567").unwrap()),
            address: Some("Ấp 1, xã Tân Hòa".into()),
        },
        channel: Channel::Counter,
    };
    store::dossier::receive(&app.db, &Actor::system(), new, at).await.unwrap()
}

fn file(name: &str, mime: &str, content: &[u8]) -> Part {
    Part::bytes(content.to_vec()).file_name(name.to_string()).mime_str(mime).unwrap()
}

fn sha(content: &[u8]) -> String {
    hex::encode(Sha256::digest(content))
}

#[tokio::test]
async fn counter_intake_from_a_ticket_prefills_the_cccd_and_checks_completeness() {
    let app = app().await;
    let yesterday = today().pred_opt().unwrap();
    store::queue::demo::load_demo(&app.db, yesterday).await.unwrap();
    let center = store::queue::center_by_code(&app.db, "31342-TTPVHCC").await.unwrap().unwrap();
    let service = store::queue::services(&app.db, center.id).await.unwrap().remove(0);
    let req = store::queue::visit::IssueRequest {
        service_id: service.id,
        priority: None,
        citizen_id: Some(CitizenId::parse("001090123456").unwrap()),
    };
    let ticket = store::queue::visit::issue(&app.db, &Actor::system(), req, store::now_ms()).await.unwrap().ticket;

    // Another commune's officer may not read the visit.
    let other = app.login("motcua.thanhxuan").await;
    let refused = other.get(app.url(&format!("/dossiers/new?ticket={}", ticket.id))).send().await.unwrap();
    assert_eq!(refused.status(), 403);

    let officer = app.login("motcua.tanhoa").await;
    let reads = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            let f = store::audit::Filter { action: Some("queue.citizen_read".into()), limit: 10, ..Default::default() };
            store::audit::list(&db, &f).await.unwrap()
        }
    };
    assert!(reads(&app).await.is_empty());
    let page =
        officer.get(app.url(&format!("/dossiers/new?ticket={}&procedure={PROC}", ticket.id))).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("value=\"001090123456\""), "the scanned CCCD is filled in");
    assert!(html.contains("Giấy chứng sinh") && html.contains("component_1"));
    let audited = reads(&app).await;
    assert_eq!(audited.len(), 1, "reading the scanned CCCD is audited");
    assert!(!audited[0].after.as_deref().unwrap_or_default().contains("001090123456"));
    // The procedure search ignores diacritics.
    let search = officer.get(app.url("/dossiers/new?q=khai+sinh")).send().await.unwrap().text().await.unwrap();
    assert!(search.contains("Đăng ký khai sinh"));

    let csrf = csrf_from(&html);
    let url = app.url(&format!("/dossiers/new?procedure={PROC}&_csrf={csrf}"));
    let fields = |f: Form| {
        f.text("ticket", ticket.id.to_string())
            .text("name", "Trần Thị Bích")
            .text("id_number", "001090123456")
            .text("phone", "0912345678")
            .text("component_0", "1")
    };
    // One required component is not ticked: refused, named beside the list.
    let incomplete = officer.post(&url).multipart(fields(Form::new())).send().await.unwrap();
    assert_eq!(incomplete.status(), 422);
    let body = incomplete.text().await.unwrap();
    assert!(body.contains("id=\"components-err\"") && body.contains("Giấy chứng sinh"), "{body}");
    assert_eq!(store::dossier::list(&app.db, &Default::default()).await.map(|p| p.total).unwrap_or(0), 0);

    // A scan of the missing component counts as handed over.
    let complete = fields(Form::new()).part("file_1", file("chung-sinh.png", "image/png", PNG));
    let resp = officer.post(&url).multipart(complete).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let code = location.trim_start_matches("/dossiers/").to_string();
    let re = regex::Regex::new(r"^31342-\d{6}-0001$").unwrap();
    assert!(re.is_match(&code), "{code}");
    let d = store::dossier::by_code(&app.db, &code).await.unwrap().unwrap();
    assert_eq!((d.status, d.channel), (2, 1));
    assert_eq!(d.applicant_id_number.as_deref(), Some("001090123456"));
    assert!(d.due_at.is_some());
    let files = store::dossier::files(&app.db, d.id).await.unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!((files[0].component.as_str(), files[0].sha256.clone()), ("Giấy chứng sinh", sha(PNG)));
}

/// Posts the portal form with the given file parts.
async fn submit(app: &TestApp, c: &reqwest::Client, parts: Vec<(&str, Part)>) -> reqwest::Response {
    let page = c.get(app.url(&format!("/dich-vu-cong/{PROC}"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_from(&page);
    let unit = unit_id(app, "31342").await;
    assert!(page.contains(&format!("value=\"{unit}\"")), "Tân Hòa is offered");
    let mut form = Form::new()
        .text("name", "Nguyễn Thị Ánh Tuyết")
        .text("id_number", "079200001234")
        .text("phone", "0901234567")
        .text("email", "tuyet@example.vn")
        .text("address", "Ấp 2, xã Tân Hòa")
        .text("unit", unit.to_string());
    for (name, part) in parts {
        form = form.part(name.to_string(), part);
    }
    c.post(app.url(&format!("/dich-vu-cong/{PROC}?_csrf={csrf}"))).multipart(form).send().await.unwrap()
}

#[tokio::test]
async fn online_submission_stores_the_files_and_answers_a_masked_confirmation() {
    let app = app().await;
    let c = app.client();
    let list = c.get(app.url("/dich-vu-cong?q=dang+ky+khai+sinh")).send().await.unwrap();
    assert_eq!(list.status(), 200);
    assert!(list.text().await.unwrap().contains("Đăng ký khai sinh"), "the search ignores diacritics");

    // A required component without a file: 422 naming it.
    let missing = submit(&app, &c, vec![("file_0", file("to-khai.pdf", "application/pdf", PDF))]).await;
    assert_eq!(missing.status(), 422);
    let body = missing.text().await.unwrap();
    assert!(body.contains("id=\"file_1-err\"") && body.contains("Giấy chứng sinh"), "{body}");
    // A file that is not PDF/JPEG/PNG: 422 beside it.
    let wrong = submit(
        &app,
        &c,
        vec![
            ("file_0", file("to-khai.pdf", "application/pdf", b"hello, not a pdf")),
            ("file_1", file("chung-sinh.png", "image/png", PNG)),
        ],
    )
    .await;
    assert_eq!(wrong.status(), 422);
    let body = wrong.text().await.unwrap();
    assert!(body.contains("id=\"file_0-err\"") && body.contains("PDF, JPEG hoặc PNG"), "{body}");

    let ok = submit(
        &app,
        &c,
        vec![
            ("file_0", file("to-khai.pdf", "application/pdf", PDF)),
            ("file_1", file("chung-sinh.png", "image/png", PNG)),
        ],
    )
    .await;
    assert_eq!(ok.status(), 303);
    let location = ok.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/dich-vu-cong/da-nop/31342-"), "{location}");
    let code = location.trim_start_matches("/dich-vu-cong/da-nop/").split('?').next().unwrap().to_string();
    let d = store::dossier::by_code(&app.db, &code).await.unwrap().unwrap();
    assert_eq!((d.status, d.channel), (1, 2), "online intake starts at 1, awaiting receipt");
    let files = store::dossier::files(&app.db, d.id).await.unwrap();
    let got: Vec<(&str, &str)> = files.iter().map(|f| (f.component.as_str(), f.sha256.as_str())).collect();
    assert_eq!(got, [("Tờ khai", sha(PDF).as_str()), ("Giấy chứng sinh", sha(PNG).as_str())]);

    // The confirmation: the code, the expected date, the tracking link; personal data masked.
    let done = c.get(app.url(&location)).send().await.unwrap();
    assert_eq!(done.status(), 200);
    let html = done.text().await.unwrap();
    assert!(html.contains(&code) && html.contains(&format!("/tra-cuu/{code}")) && html.contains("<svg"));
    for secret in ["Nguyễn Thị Ánh Tuyết", "079200001234", "0901234567", "tuyet@example.vn", "Ấp 2"] {
        assert!(!html.contains(secret), "{secret} leaked");
    }
    assert!(html.contains("0901 *** 567"));
    let forged = c.get(app.url(&format!("/dich-vu-cong/da-nop/{code}?k=00000000"))).send().await.unwrap();
    assert_eq!(forged.status(), 404);

    // An officer receives it: status 2, the due date runs, the applicant is told by SMS and e-mail.
    let accepted = store::dossier::online::accept(&app.db, &Actor::system(), &code, store::now_ms()).await.unwrap();
    assert_eq!(accepted.status, 2);
    assert!(accepted.due_at.is_some() && accepted.original_due_at == accepted.due_at);
    let jobs = web::jobs::with_notify(&web::notify::NotifyConfig::default()).unwrap();
    while web::jobs::run_once(&app.db, &jobs, "test").await.unwrap() {}
    let unit = unit_id(&app, "31342").await;
    let sent = store::notify::delivery::list(&app.db, unit, None, 500).await.unwrap();
    let received: Vec<_> = sent.iter().filter(|n| n.kind == "dossier_received").collect();
    assert_eq!(received.len(), 2, "{sent:?}");
    assert!(received.iter().all(|n| !n.recipient.contains("0901234567") && n.body.contains(&code)));
}

#[tokio::test]
async fn tracking_shows_a_masked_timeline_and_refuses_wrong_digits_like_unknown_codes() {
    let app = app().await;
    let d = received(&app, store::now_ms()).await;
    let c = app.client();
    let page = c.get(app.url("/tra-cuu")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_from(&page);
    let post = |path: String, form: Vec<(&'static str, String)>| {
        let c = c.clone();
        let url = app.url(&path);
        let csrf = csrf.clone();
        async move {
            let mut form = form;
            form.push(("_csrf", csrf));
            c.post(url).form(&form).send().await.unwrap()
        }
    };
    let found = post("/tra-cuu".into(), vec![("code", d.code.clone()), ("phone_last4", "4567".into())]).await;
    assert_eq!(found.status(), 200);
    let html = found.text().await.unwrap();
    assert!(html.contains("Hồ sơ của bạn đã được tiếp nhận") && html.contains("Đăng ký khai sinh"), "{html}");
    assert!(html.contains("class=\"timeline\"") && html.contains("Tiếp nhận hồ sơ"));
    for secret in ["Nguyễn Văn An", "079200001234", "0901234567", "Ấp 1"] {
        assert!(!html.contains(secret), "{secret} leaked");
    }

    // The QR link asks for the digits only; wrong digits and an unknown code answer alike.
    let ask = c.get(app.url(&format!("/tra-cuu/{}", d.code))).send().await.unwrap();
    assert_eq!(ask.status(), 200);
    let unknown = "31342-000101-0001".to_string();
    let wrong = post(format!("/tra-cuu/{}", d.code), vec![("phone_last4", "0000".into())]).await;
    let none = post(format!("/tra-cuu/{unknown}"), vec![("phone_last4", "4567".into())]).await;
    assert_eq!((wrong.status().as_u16(), none.status().as_u16()), (404, 404));
    let (wrong, none) = (wrong.text().await.unwrap(), none.text().await.unwrap());
    assert!(wrong.contains("Không tìm thấy hồ sơ"));
    assert_eq!(wrong.replace(&d.code, "CODE"), none.replace(&unknown, "CODE"), "the two refusals look the same");

    // Guessing is limited per code, and the API shares the page's limit.
    let mut limited = false;
    for _ in 0..10 {
        let r = post(format!("/tra-cuu/{}", d.code), vec![("phone_last4", "1111".into())]).await;
        if r.status() == 429 {
            limited = true;
            assert!(r.text().await.unwrap().contains("quá nhiều lần"));
            break;
        }
    }
    assert!(limited, "the page is rate-limited");
    let api = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/public/dossiers/{}?phone_last4=4567", d.code)))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 429, "one limit for the page and the API");
}

#[tokio::test]
async fn a_returned_dossier_is_rated_once() {
    let app = app().await;
    let d = received(&app, store::now_ms()).await;
    let c = app.client();
    let csrf = csrf_from(&c.get(app.url("/tra-cuu")).send().await.unwrap().text().await.unwrap());
    let rate = |stars: &'static str| {
        let c = c.clone();
        let url = app.url(&format!("/tra-cuu/{}/rate", d.code));
        let csrf = csrf.clone();
        async move {
            c.post(url)
                .form(&[("_csrf", csrf.as_str()), ("phone_last4", "4567"), ("rating", stars)])
                .send()
                .await
                .unwrap()
        }
    };
    let early = rate("5").await;
    assert_eq!(early.status(), 409);
    assert!(early.text().await.unwrap().contains("sau khi nhận kết quả"));

    let a = Actor::system();
    store::dossier::complete(&app.db, &a, &d.code, None, None, store::now_ms()).await.unwrap();
    store::dossier::return_result(&app.db, &a, &d.code, ResultChannel::Counter, None, store::now_ms()).await.unwrap();
    let page = c
        .post(app.url(&format!("/tra-cuu/{}", d.code)))
        .form(&[("_csrf", csrf.as_str()), ("phone_last4", "4567")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("name=\"rating\""), "the rating form is offered once the result is returned");

    let ok = rate("2").await;
    assert_eq!(ok.status(), 200);
    assert!(ok.text().await.unwrap().contains("Cảm ơn bạn đã đánh giá"));
    let again = rate("5").await;
    assert_eq!(again.status(), 409);
    assert!(again.text().await.unwrap().contains("đã được đánh giá"));
    let stored = store::dossier::by_code(&app.db, &d.code).await.unwrap().unwrap();
    assert_eq!(stored.rating, Some(2));
    let events = store::dossier::timeline::events(&app.db, d.id).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.action == "rate").count(), 1);

    // Two stars is a dislike for Decision 766 item 5.4.
    let period = store::dossier::report::Period::new(today(), today()).unwrap();
    let unit = unit_id(&app, "31342").await;
    let r = store::dossier::report::report_766(&app.db, &[unit], period).await.unwrap();
    assert_eq!(r.inputs.satisfaction.unwrap().complained_or_disliked, 1);
}

#[tokio::test]
async fn alerts_go_out_once_per_dossier_and_kind() {
    let app = app().await;
    let a = Actor::system();
    let leader = store::user::find(&app.db, "lanhdao").await.unwrap().unwrap();
    store::dossier::alert::set_user_email(&app.db, &a, leader.id, Some("lanhdao@cantho.gov.vn")).await.unwrap();
    let processor = store::user::find(&app.db, "xuly.tanhoa").await.unwrap().unwrap();
    store::dossier::alert::set_user_email(&app.db, &a, processor.id, Some("xuly@tanhoa.gov.vn")).await.unwrap();
    assert!(store::dossier::alert::set_user_email(&app.db, &a, processor.id, Some("not-an-email")).await.is_err());
    // An administrator gives a new account its alert address on the user form.
    let admin = app.login("admin").await;
    let csrf = crate::common::csrf_of(&admin, &app.url("/admin/users")).await;
    let form = [
        ("_csrf", csrf.as_str()),
        ("username", "lanhdao.tanhoa"),
        ("display_name", "Lãnh đạo Tân Hòa"),
        ("password", "mat-khau-2025"),
        ("role", "leader"),
        ("unit", "31342"),
        ("email", "lanhdao@tanhoa.gov.vn"),
    ];
    assert_eq!(admin.post(app.url("/admin/users")).form(&form).send().await.unwrap().status(), 200);
    let created = store::user::find(&app.db, "lanhdao.tanhoa").await.unwrap().unwrap();
    let email = store::dossier::alert::user_email(&app.db, created.id).await.unwrap();
    assert_eq!(email.as_deref(), Some("lanhdao@tanhoa.gov.vn"));

    // Overdue: received long ago. Due soon: received now (one working day).
    let late = received(&app, local("2025-03-03 09:00")).await;
    let soon = received(&app, store::now_ms()).await;
    let now = store::now_ms();
    let first = web::notify::dossier::alerts(&app.db, "https://xaso.example", now).await.unwrap();
    assert_eq!(first, 2);
    let unit = unit_id(&app, "31342").await;
    let sent = store::notify::delivery::list(&app.db, unit, None, 500).await.unwrap();
    let overdue: Vec<_> = sent.iter().filter(|n| n.kind == "dossier_overdue").collect();
    let due_soon: Vec<_> = sent.iter().filter(|n| n.kind == "dossier_due_soon").collect();
    // The leaders of the city and of the commune, by e-mail; no processor is assigned yet.
    assert_eq!((overdue.len(), due_soon.len()), (2, 2));
    assert!(overdue.iter().all(|n| n.body.contains(&late.code) && n.body.contains("/dossiers/")));
    assert!(due_soon.iter().all(|n| n.subject.contains(&soon.code) && n.recipient.starts_with("la***@")));

    // A second run, and the periodic job, add nothing.
    assert_eq!(web::notify::dossier::alerts(&app.db, "https://xaso.example", now).await.unwrap(), 0);
    store::job::enqueue(&app.db, store::job::NewJob::new(store::dossier::alert::ALERTS_JOB, serde_json::json!({})))
        .await
        .unwrap();
    let jobs = web::jobs::with_notify(&web::notify::NotifyConfig::default()).unwrap();
    while web::jobs::run_once(&app.db, &jobs, "test").await.unwrap() {}
    let again = store::notify::delivery::list(&app.db, unit, None, 500).await.unwrap();
    let alerts = |v: &[store::notify::Notification]| {
        v.iter().filter(|n| n.kind.starts_with("dossier_over") || n.kind == "dossier_due_soon").count()
    };
    assert_eq!(alerts(&again), 4);
}
