//! The officers' dossier pages: the inbox in the unit scope with its
//! due-soon / overdue banner and filters, a dossier's page refused to
//! another unit, every action through the page's forms (CSRF) moving the
//! dossier exactly as the API does and a refused action answering 422 with
//! nothing changed, the personal data shown in full only on request (and
//! audited), the form PDFs (Mẫu 01–06) for the dossiers they apply to and
//! 404 otherwise, and the reports page with the Decision 766 table from
//! generated dossiers.

use chrono::{Datelike, NaiveDate};
use domain::dossier::{Channel, OnlineLevel, ResultType, TimeLimit};
use domain::person::{CitizenId, Phone};
use serde_json::Value;
use store::audit::Actor;
use store::dossier::{Applicant, Dossier, NewDossier};
use store::procedure::{DocumentComponent, NewProcedure, StepTemplate};

use crate::common::{TestApp, csrf_of};

fn sys() -> Actor {
    Actor::system()
}

pub(crate) fn local(s: &str) -> i64 {
    domain::time::local_to_utc_ms(chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
}

/// A procedure of `days` working days with two components; from two days on, two template steps.
fn procedure(code: &str, days: u32) -> NewProcedure {
    NewProcedure {
        code: code.into(),
        valid_from: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        name: "Đăng ký khai sinh".into(),
        field: "Hộ tịch".into(),
        level: "Cấp xã".into(),
        agency: "Ủy ban nhân dân cấp xã".into(),
        time: TimeLimit::WorkingDays(days),
        online_level: OnlineLevel::Partial,
        result_type: ResultType::Paper,
        fees: vec![],
        documents: vec![
            DocumentComponent { name: "Tờ khai".into(), originals: 1, copies: 0, required: false },
            DocumentComponent { name: "Giấy chứng sinh".into(), originals: 1, copies: 0, required: false },
        ],
        steps: if days < 2 {
            vec![]
        } else {
            vec![
                StepTemplate { department: "Công chức Tư pháp - Hộ tịch".into(), budget: 1 },
                StepTemplate { department: "Lãnh đạo UBND xã".into(), budget: 1 },
            ]
        },
    }
}

/// An app with the 5-day procedure `1.001193` and the 1-day procedure `1.000001`.
pub(crate) async fn app() -> TestApp {
    let app = TestApp::spawn().await;
    store::procedure::create_version(&app.db, &sys(), procedure("1.001193", 5)).await.unwrap();
    store::procedure::create_version(&app.db, &sys(), procedure("1.000001", 1)).await.unwrap();
    app
}

fn new_dossier(app_unit: i64, agency: &str, procedure: &str, name: &str) -> NewDossier {
    NewDossier {
        unit_id: app_unit,
        agency: agency.into(),
        procedure_code: procedure.into(),
        applicant: Applicant {
            name: name.into(),
            id_number: Some(CitizenId::parse("079200001234").unwrap()),
            phone: Some(Phone::parse("0901234567").unwrap()),
            address: Some("Ấp 1, xã Tân Hòa".into()),
        },
        channel: Channel::Counter,
    }
}

async fn unit_id(app: &TestApp, code: &str) -> i64 {
    let today = domain::time::local_date(chrono::Utc::now());
    store::unit::by_code(&app.db, code, today).await.unwrap().expect("demo unit").id
}

/// Receives a dossier of `procedure` at unit `code` at `at` (UTC ms).
pub(crate) async fn receive_at(app: &TestApp, code: &str, procedure: &str, name: &str, at: i64) -> Dossier {
    let unit = unit_id(app, code).await;
    store::dossier::receive(&app.db, &sys(), new_dossier(unit, code, procedure, name), at).await.unwrap()
}

async fn dossier(app: &TestApp, code: &str) -> Dossier {
    store::dossier::by_code(&app.db, code).await.unwrap().unwrap()
}

async fn event_actions(app: &TestApp, d: &Dossier) -> Vec<String> {
    store::dossier::timeline::events(&app.db, d.id).await.unwrap().into_iter().map(|e| e.action).collect()
}

async fn page(c: &reqwest::Client, url: &str) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn the_inbox_lists_the_units_dossiers_with_due_alerts_and_filters() {
    let app = app().await;
    let now = store::now_ms();
    let on_track = receive_at(&app, "31342", "1.001193", "Nguyễn Văn An", now).await;
    let overdue = receive_at(&app, "31342", "1.001193", "Trần Thị Bình", local("2025-03-03 08:00")).await;
    let soon = receive_at(&app, "31342", "1.000001", "Lê Văn Cường", now).await;
    let elsewhere = receive_at(&app, "31360", "1.001193", "Phạm Thị Dung", now).await;

    let officer = app.login("xuly.tanhoa").await;
    let (status, html) = page(&officer, &app.url("/dossiers")).await;
    assert_eq!(status, 200);
    for d in [&on_track, &overdue, &soon] {
        assert!(html.contains(&d.code), "the inbox lists {}", d.code);
    }
    assert!(!html.contains(&elsewhere.code), "another unit's dossier is not listed");
    assert!(html.contains("1 hồ sơ quá hạn") && html.contains("1 hồ sơ sắp đến hạn"), "the banner counts alerts");
    assert!(html.contains("href=\"/dossiers/new\""), "the inbox links to the intake form");
    assert!(html.contains("CCCD ********1234") || !html.contains("079200001234"), "the CCCD is masked in lists");
    assert!(!html.contains("079200001234"));
    assert!(html.contains("Được tiếp nhận") && html.contains("(2)"), "status in words with its DVCQG code");
    assert!(!html.contains("??"), "every string is translated");

    // Overdue: only the dossier whose due date passed, worded in working time.
    let (status, html) = page(&officer, &app.url("/dossiers?due=overdue")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&overdue.code) && !html.contains(&on_track.code) && !html.contains(&soon.code));
    assert!(html.contains("quá hạn ") && html.contains("due-state overdue"));
    // Due soon: the one-day dossier only, with the time left.
    let (_, html) = page(&officer, &app.url("/dossiers?due=soon")).await;
    assert!(html.contains(&soon.code) && !html.contains(&on_track.code) && !html.contains(&overdue.code));
    assert!(html.contains("còn ") && html.contains("làm việc"), "time left in working time");
    // Search by code and by name; procedure filter; sort by receipt.
    let (_, html) = page(&officer, &app.url(&format!("/dossiers?q={}", on_track.code))).await;
    assert!(html.contains(&on_track.code) && !html.contains(&overdue.code));
    let (_, html) = page(&officer, &app.url("/dossiers?q=B%C3%ACnh")).await;
    assert!(html.contains(&overdue.code) && !html.contains(&on_track.code), "search on the applicant's name");
    let (_, html) = page(&officer, &app.url("/dossiers?procedure=1.000001")).await;
    assert!(html.contains(&soon.code) && !html.contains(&on_track.code));
    let (_, html) = page(&officer, &app.url("/dossiers?sort=-received")).await;
    assert!(html.find(&on_track.code).unwrap() < html.find(&overdue.code).unwrap(), "newest receipt first");
    let (_, html) = page(&officer, &app.url("/dossiers?sort=due")).await;
    assert!(html.find(&overdue.code).unwrap() < html.find(&on_track.code).unwrap(), "most urgent first");
    assert_eq!(page(&officer, &app.url("/dossiers?due=someday")).await.0, 422);

    // Another unit's officer sees only theirs, and is refused this unit's page.
    let other = app.login("motcua.thanhxuan").await;
    let (_, html) = page(&other, &app.url("/dossiers")).await;
    assert!(html.contains(&elsewhere.code) && !html.contains(&on_track.code));
    assert_eq!(page(&other, &app.url(&format!("/dossiers/{}", on_track.code))).await.0, 403);
    assert_eq!(page(&officer, &app.url(&format!("/dossiers/{}", elsewhere.code))).await.0, 403);
    assert_eq!(page(&officer, &app.url("/dossiers/31342-000101-9999")).await.0, 404);

    // The page masks personal data until asked, and the full view is audited.
    let (status, html) = page(&officer, &app.url(&format!("/dossiers/{}", on_track.code))).await;
    assert_eq!(status, 200);
    assert!(!html.contains("079200001234") && !html.contains("Ấp 1, xã Tân Hòa"));
    assert!(html.contains("còn ") || html.contains("Trong hạn"));
    let reads = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            let f =
                store::audit::Filter { action: Some("dossier.personal_read".into()), limit: 50, ..Default::default() };
            store::audit::list(&db, &f).await.unwrap().len()
        }
    };
    assert_eq!(reads(&app).await, 0);
    let (_, html) = page(&officer, &app.url(&format!("/dossiers/{}?personal=1", on_track.code))).await;
    assert!(html.contains("079200001234") && html.contains("Ấp 1, xã Tân Hòa"));
    assert_eq!(reads(&app).await, 1, "the full view writes one audit row");

    // Bulk hand-over of the ticked dossiers to an officer of the unit.
    let csrf = csrf_of(&officer, &app.url("/dossiers")).await;
    let r = officer
        .post(app.url("/dossiers/bulk-forward"))
        .form(&[("_csrf", csrf.as_str()), ("code", &on_track.code), ("code", &soon.code), ("assignee", "xuly.tanhoa")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/dossiers?done=2&failed=0");
    let me = store::user::find(&app.db, "xuly.tanhoa").await.unwrap().unwrap();
    assert_eq!(dossier(&app, &on_track.code).await.assignee_id, Some(me.id));
    let (_, html) = page(&officer, &app.url("/dossiers?mine=1")).await;
    assert!(html.contains(&on_track.code) && html.contains(&soon.code) && !html.contains(&overdue.code));
}

/// Posts an action form on the dossier's page; returns the status and the body or redirect.
async fn act(app: &TestApp, c: &reqwest::Client, code: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let csrf = csrf_of(c, &app.url(&format!("/dossiers/{code}"))).await;
    let mut form: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let r = c.post(app.url(&format!("/dossiers/{code}/actions"))).form(&form).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r.headers().get("location").map(|v| v.to_str().unwrap().to_string());
    (status, location.unwrap_or(r.text().await.unwrap()))
}

/// Posts the same action to the API with a bearer token.
async fn api_act(app: &TestApp, token: &str, code: &str, body: Value) -> u16 {
    let r = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/dossiers/{code}/actions")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    r.status().as_u16()
}

/// A working day at least `days` calendar days after `ms`, as `YYYY-MM-DD`.
fn working_day_after(ms: i64, days: u64) -> String {
    let mut d = domain::time::local_date(domain::time::from_millis(ms)) + chrono::Days::new(days);
    while store::dossier::extension::due_on(d).is_err() {
        d = d.succ_opt().unwrap();
    }
    d.format("%Y-%m-%d").to_string()
}

#[tokio::test]
async fn every_page_action_moves_the_dossier_as_the_api_does() {
    let app = app().await;
    let now = store::now_ms();
    let by_page = receive_at(&app, "31342", "1.001193", "Nguyễn Văn An", now).await;
    let by_api = receive_at(&app, "31342", "1.001193", "Nguyễn Văn An", now).await;
    let officer = app.login("xuly.tanhoa").await;
    let token = app.token("xuly.tanhoa").await;

    // A bad action: 422 with the message next to its form, nothing changed.
    let before = event_actions(&app, &by_page).await;
    let (status, html) =
        act(&app, &officer, &by_page.code, &[("action", "return_result"), ("result_channel", "counter")]).await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"err-return_result\"") && html.contains("không thể trả kết quả"), "{html}");
    assert_eq!(dossier(&app, &by_page.code).await.status, 2);
    assert_eq!(event_actions(&app, &by_page).await, before);
    // A write without the CSRF token is refused.
    let r = officer
        .post(app.url(&format!("/dossiers/{}/actions", by_page.code)))
        .form(&[("action", "comment"), ("note", "không có mã CSRF")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // The same sequence through the page and through the API.
    let steps: Vec<(Vec<(&str, &str)>, Value)> = vec![
        (vec![("action", "forward"), ("to_step", "1")], serde_json::json!({"action": "forward", "to_step": 1})),
        (
            vec![("action", "comment"), ("note", "Đã kiểm tra hồ sơ")],
            serde_json::json!({"action": "comment", "note": "Đã kiểm tra hồ sơ"}),
        ),
        (
            vec![("action", "request_supplement"), ("components", "Tờ khai"), ("reason", "Thiếu chữ ký")],
            serde_json::json!({"action": "request_supplement", "components": ["Tờ khai"], "reason": "Thiếu chữ ký"}),
        ),
        (vec![("action", "supplement_received")], serde_json::json!({"action": "supplement_received"})),
        (
            vec![("action", "request_fee"), ("amount", "50.000")],
            serde_json::json!({"action": "request_fee", "amount": 50000}),
        ),
    ];
    for (form, json) in &steps {
        let (status, location) = act(&app, &officer, &by_page.code, form).await;
        assert_eq!(status, 303, "{form:?}: {location}");
        assert!(location.starts_with(&format!("/dossiers/{}?done=", by_page.code)));
        assert_eq!(api_act(&app, &token, &by_api.code, json.clone()).await, 200, "{json}");
        let (p, a) = (dossier(&app, &by_page.code).await, dossier(&app, &by_api.code).await);
        assert_eq!((p.status, p.current_step, p.supplement_count), (a.status, a.current_step, a.supplement_count));
    }
    assert_eq!(dossier(&app, &by_page.code).await.status, 6);
    // Fees are recorded by the desk (a processor is refused, as by the API).
    assert_eq!(act(&app, &officer, &by_page.code, &[("action", "fee_paid"), ("receipt_no", "BL-1")]).await.0, 403);
    let desk = app.login("motcua.tanhoa").await;
    let (status, _) = act(&app, &desk, &by_page.code, &[("action", "fee_paid"), ("receipt_no", "BL-1")]).await;
    assert_eq!(status, 303);
    assert_eq!(dossier(&app, &by_page.code).await.status, 4);

    // A second supplement request needs the Decision 766 confirmation.
    let second = [("action", "request_supplement"), ("reason", "Thiếu bản sao")];
    let (status, html) = act(&app, &officer, &by_page.code, &second).await;
    assert_eq!(status, 422);
    assert!(html.contains("Quyết định 766") && html.contains("confirm_late"));
    assert_eq!(dossier(&app, &by_page.code).await.status, 4);
    // A new date that is not a date is refused beside the extension form.
    let (status, html) =
        act(&app, &officer, &by_page.code, &[("action", "extend"), ("new_due_date", "mai"), ("reason", "x")]).await;
    assert_eq!((status, html.contains("id=\"err-extend\"")), (422, true));

    // Extension (Mẫu 04), send back, complete, return.
    let due = dossier(&app, &by_page.code).await.due_at.unwrap();
    let new_date = working_day_after(due, 7);
    let extend = [("action", "extend"), ("new_due_date", new_date.as_str()), ("reason", "Cần xác minh thêm")];
    let (status, body) = act(&app, &officer, &by_page.code, &extend).await;
    assert_eq!(status, 303, "{}", body.split("role=\"alert\"").nth(1).unwrap_or(&body));
    let d = dossier(&app, &by_page.code).await;
    assert_eq!((d.status, d.extension_count), (4, 1));
    assert!(d.due_at.unwrap() > due);
    let to_leader = [("action", "forward"), ("assignee", "xuly.tanhoa"), ("note", "Trình lãnh đạo")];
    assert_eq!(act(&app, &officer, &by_page.code, &to_leader).await.0, 303);
    assert_eq!(dossier(&app, &by_page.code).await.current_step, Some(2));
    let back = [("action", "send_back"), ("to_step", "1"), ("note", "Bổ sung xác minh")];
    let (status, body) = act(&app, &officer, &by_page.code, &back).await;
    assert_eq!(status, 303, "{}", body.split("role=\"alert\"").nth(1).unwrap_or(&body));
    assert_eq!(act(&app, &officer, &by_page.code, &[("action", "complete")]).await.0, 303);
    assert_eq!(dossier(&app, &by_page.code).await.status, 9);
    let ret = [("action", "return_result"), ("result_channel", "post")];
    assert_eq!(act(&app, &officer, &by_page.code, &ret).await.0, 303);
    let d = dossier(&app, &by_page.code).await;
    assert_eq!((d.status, d.result_channel.as_deref()), (10, Some("post")));
    let actions = event_actions(&app, &d).await;
    for a in ["receive", "forward", "comment", "request_supplement", "supplement_received", "request_fee", "fee_paid"] {
        assert!(actions.contains(&a.to_string()), "{a} in {actions:?}");
    }
    for a in ["extend", "send_back", "complete", "return_result"] {
        assert!(actions.contains(&a.to_string()), "{a} in {actions:?}");
    }
    // The page of a returned dossier offers no more workflow actions, and shows the timeline.
    let (_, html) = page(&officer, &app.url(&format!("/dossiers/{}?done=return_result", d.code))).await;
    assert!(!html.contains("value=\"complete\"") && !html.contains("value=\"forward\""));
    assert!(html.contains("Đã kiểm tra hồ sơ") && html.contains("Trả kết quả") && html.contains("làm việc"));
    assert!(!html.contains("??"), "every string is translated");

    // Stop (Mẫu 05) and withdraw on other dossiers; a stop needs its reason.
    let stopped = receive_at(&app, "31342", "1.001193", "Võ Thị Em", now).await;
    let (status, html) = act(&app, &officer, &stopped.code, &[("action", "stop"), ("reason", " ")]).await;
    assert_eq!((status, html.contains("id=\"err-stop\"")), (422, true));
    assert_eq!(act(&app, &officer, &stopped.code, &[("action", "stop"), ("reason", "Người nộp đề nghị")]).await.0, 303);
    assert_eq!(dossier(&app, &stopped.code).await.status, 8);
    let withdrawn = receive_at(&app, "31342", "1.001193", "Đỗ Văn Phúc", now).await;
    assert_eq!(act(&app, &officer, &withdrawn.code, &[("action", "withdraw")]).await.0, 303);
    assert_eq!(dossier(&app, &withdrawn.code).await.status, 7);

    // An online dossier at status 1: completing it is refused; refusing it (Mẫu 03) needs a reason.
    let online = submit_online(&app).await;
    let (status, html) = act(&app, &officer, &online.code, &[("action", "complete")]).await;
    assert_eq!(status, 422);
    assert!(html.contains("không thể hoàn thành xử lý"), "the flow's reason is shown");
    assert_eq!(dossier(&app, &online.code).await.status, 1);
    assert_eq!(
        act(&app, &officer, &online.code, &[("action", "refuse"), ("reason", "Không thuộc thẩm quyền")]).await.0,
        303
    );
    assert_eq!(dossier(&app, &online.code).await.status, 3);

    // Another unit's officer cannot act.
    let other = app.login("motcua.thanhxuan").await;
    let csrf = csrf_of(&other, &app.url("/dossiers")).await;
    let r = other
        .post(app.url(&format!("/dossiers/{}/actions", by_api.code)))
        .form(&[("_csrf", csrf.as_str()), ("action", "comment"), ("note", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // A file through the page's upload form, then its download (audited).
    let csrf = csrf_of(&officer, &app.url(&format!("/dossiers/{}", by_api.code))).await;
    let upload = |content: Vec<u8>, mime: &str| {
        let part = reqwest::multipart::Part::bytes(content).file_name("to-khai.pdf").mime_str(mime).unwrap();
        reqwest::multipart::Form::new().text("component", "Tờ khai").text("purpose", "component").part("file", part)
    };
    let url = app.url(&format!("/dossiers/{}/files?_csrf={csrf}", by_api.code));
    let r = officer.post(&url).multipart(upload(b"not a pdf".to_vec(), "application/pdf")).send().await.unwrap();
    assert_eq!(r.status(), 422, "a file that is not a PDF is refused beside the form");
    assert!(r.text().await.unwrap().contains("id=\"err-attach\""));
    let r = officer.post(&url).multipart(upload(b"%PDF-1.4 test".to_vec(), "application/pdf")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let files = store::dossier::files(&app.db, by_api.id).await.unwrap();
    assert_eq!(files.len(), 1);
    let (status, body) = page(&officer, &app.url(&format!("/dossiers/{}/files/{}", by_api.code, files[0].id))).await;
    assert_eq!((status, body.as_str()), (200, "%PDF-1.4 test"));
}

/// A dossier submitted online at Tân Hòa (status 1).
async fn submit_online(app: &TestApp) -> Dossier {
    let unit = unit_id(app, "31342").await;
    let sub = store::dossier::online::Submission {
        dossier: new_dossier(unit, "31342", "1.001193", "Hoàng Thị Giang"),
        email: None,
        files: vec![],
    };
    store::dossier::online::submit(&app.db, &sys(), sub, store::now_ms()).await.unwrap()
}

async fn pdf_status(c: &reqwest::Client, app: &TestApp, code: &str, n: &str) -> (u16, Vec<u8>) {
    let r = c.get(app.url(&format!("/dossiers/{code}/forms/{n}.pdf"))).send().await.unwrap();
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn each_form_pdf_answers_for_a_dossier_it_applies_to_and_404_otherwise() {
    let app = app().await;
    let now = store::now_ms();
    let officer = app.login("xuly.tanhoa").await;
    // Received, supplemented (02), extended (04): 01, 02, 04, 06 apply.
    let d = receive_at(&app, "31342", "1.001193", "Nguyễn Thị Ánh Tuyết", now).await;
    assert_eq!(act(&app, &officer, &d.code, &[("action", "forward")]).await.0, 303);
    let supplement = [("action", "request_supplement"), ("components", "Giấy chứng sinh"), ("reason", "Thiếu")];
    assert_eq!(act(&app, &officer, &d.code, &supplement).await.0, 303);
    assert_eq!(act(&app, &officer, &d.code, &[("action", "supplement_received")]).await.0, 303);
    let due = dossier(&app, &d.code).await.due_at.unwrap();
    let new_date = working_day_after(due, 7);
    let extend = [("action", "extend"), ("new_due_date", new_date.as_str()), ("reason", "Chờ xác minh")];
    assert_eq!(act(&app, &officer, &d.code, &extend).await.0, 303);
    for n in ["01", "02", "04", "06"] {
        let (status, body) = pdf_status(&officer, &app, &d.code, n).await;
        assert_eq!(status, 200, "Mẫu {n}");
        assert!(body.starts_with(b"%PDF"), "Mẫu {n} is a PDF");
    }
    for n in ["03", "05", "07", "1"] {
        assert_eq!(pdf_status(&officer, &app, &d.code, n).await.0, 404, "Mẫu {n} does not apply");
    }
    let r = officer.get(app.url(&format!("/dossiers/{}/forms/03.pdf", d.code))).send().await.unwrap();
    assert!(r.text().await.unwrap().contains("không áp dụng"), "the 404 says why");
    // The page links the applicable forms only.
    let (_, html) = page(&officer, &app.url(&format!("/dossiers/{}", d.code))).await;
    assert!(html.contains("/forms/02.pdf") && html.contains("/forms/06.pdf") && !html.contains("/forms/05.pdf"));
    // Stopped (05) and refused (03) dossiers; a refused online dossier was never received (no 01).
    let stopped = receive_at(&app, "31342", "1.001193", "Võ Thị Em", now).await;
    assert_eq!(act(&app, &officer, &stopped.code, &[("action", "stop"), ("reason", "Theo đề nghị")]).await.0, 303);
    let (status, body) = pdf_status(&officer, &app, &stopped.code, "05").await;
    assert!(status == 200 && body.starts_with(b"%PDF"));
    let refused = submit_online(&app).await;
    assert_eq!(act(&app, &officer, &refused.code, &[("action", "refuse"), ("reason", "Sai thẩm quyền")]).await.0, 303);
    let (status, body) = pdf_status(&officer, &app, &refused.code, "03").await;
    assert!(status == 200 && body.starts_with(b"%PDF"));
    assert_eq!(pdf_status(&officer, &app, &refused.code, "01").await.0, 404);
    // Another unit's officer is refused the forms.
    let other = app.login("motcua.thanhxuan").await;
    assert_eq!(pdf_status(&other, &app, &d.code, "01").await.0, 403);
}

/// A number as the Vietnamese page shows it with 2 decimals ("1.234,50").
fn vi2(x: f64) -> String {
    let s = format!("{x:.2}");
    let (int, frac) = s.split_once('.').unwrap();
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(ch);
    }
    format!("{out},{frac}")
}

#[tokio::test]
async fn the_reports_page_shows_the_766_table_of_generated_dossiers() {
    let app = app().await;
    let now = store::now_ms();
    let made = store::dossier::generate::generate(&app.db, &sys(), 400, now, 11).await.unwrap();
    assert_eq!(made, 400);
    let today = domain::time::local_date(chrono::Utc::now());
    let from = today - chrono::Days::new(365);
    let q = format!("unit=92&from={}&to={}", from.format("%Y-%m-%d"), today.format("%Y-%m-%d"));
    let leader = app.login("lanhdao").await;
    let (status, html) = page(&leader, &app.url(&format!("/dossiers/reports?{q}&by=field"))).await;
    assert_eq!(status, 200, "{html}");
    // The same figures as the API's 766 preview.
    let token = app.token("lanhdao").await;
    let api: Value = app.get_json(&format!("/api/v1/reports/766?{q}"), &token).await;
    let indicators = api["indicators"].as_array().unwrap();
    let on_time = indicators.iter().find(|i| i["id"] == "2.1").expect("2.1 computed");
    assert!(on_time["denominator"].as_f64().unwrap() > 0.0, "generated dossiers are counted");
    for i in indicators {
        let id = i["id"].as_str().unwrap();
        assert!(html.contains(&format!("<th scope=\"row\">{id}</th>")), "indicator {id} on the page");
    }
    assert!(html.contains(&vi2(on_time["numerator"].as_f64().unwrap())));
    assert!(html.contains(&vi2(on_time["denominator"].as_f64().unwrap())));
    assert!(html.contains(&vi2(api["total"]["points"].as_f64().unwrap())), "the total");
    assert!(html.contains("<svg") && html.contains("Hộ tịch"), "the chart and the field rows");
    assert!(!html.contains("??"), "every string is translated");
    let dossiers: Value = app.get_json(&format!("/api/v1/reports/dossiers?{q}&by=field"), &token).await;
    let received = dossiers["total"]["received"].as_i64().unwrap();
    let shown = vi2(received as f64);
    assert!(html.contains(shown.trim_end_matches(",00")), "{received} received");
    // The XLSX link is the API's download, with the page's session.
    let r = leader.get(app.url(&format!("/api/v1/reports/766.xlsx?{q}"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    assert!(
        html.contains(&format!("/api/v1/reports/766.xlsx?{}", q.replace('&', "&amp;")))
            || html.contains("766.xlsx?unit=92")
    );
    // Defaults: this year, the user's unit.
    let (status, html) = page(&leader, &app.url("/dossiers/reports")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("01/01/{}", today.year())));
    // A unit outside the scope is refused; a bad date is shown beside the form.
    let other = app.login("motcua.thanhxuan").await;
    assert_eq!(page(&other, &app.url("/dossiers/reports?unit=31342")).await.0, 403);
    let (status, html) = page(&leader, &app.url("/dossiers/reports?from=2026-13-01")).await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"r-error\""));
}
