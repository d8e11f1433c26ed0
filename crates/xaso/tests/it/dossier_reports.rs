//! Dossier reports and the Decision 766 preview: counts from dossiers with
//! known outcomes (made through the real workflow at chosen times, and
//! imported), the subtree rollup (a former district, a city, a successor
//! commune inheriting its predecessor's dossiers), the 766 numerators and
//! denominators, the XLSX export read back with calamine, the CSV and JSONL
//! import with bad rows (store and CLI), and who may see the reports.

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use domain::dossier::{Channel, OnlineLevel, ResultType, TimeLimit};
use serde_json::Value;
use store::audit::Actor;
use store::dossier::{Applicant, Dossier, NewDossier, StepTarget, SupplementRequest};
use store::procedure::{DocumentComponent, NewProcedure, StepTemplate};

use crate::common::{TestApp, xaso_bin};

fn local(s: &str) -> i64 {
    domain::time::local_to_utc_ms(chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
}

fn sys() -> Actor {
    Actor::system()
}

/// A 3-working-day procedure, fully online, electronic result, published complete.
fn procedure() -> NewProcedure {
    NewProcedure {
        code: "9.000003".into(),
        valid_from: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        name: "Thủ tục thử nghiệm báo cáo".into(),
        field: "Hộ tịch".into(),
        level: "Cấp xã".into(),
        agency: "Ủy ban nhân dân cấp xã".into(),
        time: TimeLimit::WorkingDays(3),
        online_level: OnlineLevel::Full,
        result_type: ResultType::Electronic,
        fees: vec![],
        documents: vec![DocumentComponent { name: "Tờ khai".into(), originals: 1, copies: 0, required: true }],
        steps: vec![StepTemplate { department: "Tư pháp".into(), budget: 3 }],
    }
}

async fn receive(app: &TestApp, channel: Channel, at: &str) -> Dossier {
    let today = domain::time::local_date(chrono::Utc::now());
    let unit = store::unit::by_code(&app.db, "31342", today).await.unwrap().unwrap();
    let new = NewDossier {
        unit_id: unit.id,
        agency: "31342".into(),
        procedure_code: "9.000003".into(),
        applicant: Applicant { name: "Nguyễn Văn An".into(), id_number: None, phone: None, address: None },
        channel,
    };
    store::dossier::receive(&app.db, &sys(), new, local(at)).await.unwrap()
}

async fn forward(app: &TestApp, d: &Dossier, at: &str) {
    store::dossier::forward(&app.db, &sys(), &d.code, &StepTarget::default(), None, local(at)).await.unwrap();
}

async fn complete(app: &TestApp, d: &Dossier, at: &str) {
    store::dossier::complete(&app.db, &sys(), &d.code, None, None, local(at)).await.unwrap();
}

/// Six dossiers at Tân Hòa in March 2026 (due after 3 working days; received Monday 08:00 → due Thursday 08:00):
/// A early, B on the due date before the hour (on time), C late, D supplemented twice (late),
/// E open past its due date (overdue), F open within time. B, D and F were filed online.
async fn march(app: &TestApp) {
    store::procedure::create_version(&app.db, &sys(), procedure()).await.unwrap();
    let a = receive(app, Channel::Counter, "2026-03-02 08:00").await;
    forward(app, &a, "2026-03-02 08:10").await;
    complete(app, &a, "2026-03-03 09:00").await;
    let b = receive(app, Channel::Online, "2026-03-02 08:00").await;
    forward(app, &b, "2026-03-02 08:10").await;
    complete(app, &b, "2026-03-05 07:30").await;
    let c = receive(app, Channel::Counter, "2026-03-02 08:00").await;
    forward(app, &c, "2026-03-02 08:10").await;
    complete(app, &c, "2026-03-09 10:00").await;
    let d = receive(app, Channel::Online, "2026-03-02 08:00").await;
    forward(app, &d, "2026-03-02 08:10").await;
    for (ask, back, confirm) in
        [("2026-03-02 09:00", "2026-03-02 10:00", false), ("2026-03-03 09:00", "2026-03-03 11:00", true)]
    {
        let req =
            SupplementRequest {
                reason: "bổ sung".into(), components: vec!["Tờ khai".into()], confirm_late: confirm
            };
        store::dossier::request_supplement(&app.db, &sys(), &d.code, &req, local(ask)).await.unwrap();
        store::dossier::supplement_received(&app.db, &sys(), &d.code, None, local(back)).await.unwrap();
    }
    complete(app, &d, "2026-03-04 09:00").await;
    let e = receive(app, Channel::Counter, "2026-03-25 08:00").await;
    forward(app, &e, "2026-03-25 08:10").await;
    receive(app, Channel::Online, "2026-03-30 08:00").await;
}

async fn get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    reqwest::Client::new().get(app.url(path)).bearer_auth(token).send().await.unwrap()
}

fn num(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

#[tokio::test]
async fn counts_rates_and_processing_time_from_known_outcomes() {
    let app = TestApp::spawn().await;
    march(&app).await;
    let token = app.token("xuly.tanhoa").await;
    let r: Value =
        app.get_json("/api/v1/reports/dossiers?unit=31342&from=2026-03-01&to=2026-03-31&by=unit", &token).await;
    let rows = r["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{r}");
    assert_eq!(rows[0]["key"], "31342");
    let t = &r["total"];
    let got: Vec<i64> =
        ["received", "online", "early", "on_time", "late", "in_progress_on_time", "in_progress_overdue", "ended"]
            .iter()
            .map(|k| num(&t[*k]))
            .collect();
    assert_eq!(got, [6, 3, 1, 1, 2, 1, 1, 0], "{t}");
    assert_eq!(t["online_rate"], 50.0);
    assert_eq!(t["on_time_rate"], 50.0, "2 of 4 finished early or on time");
    // Working time: A 9 h, B 23.5 h, C 42 h, D 17 h less 3 h paused
    // (A 540 + B 1410 + C 2520 + D 840 minutes = 5310 / 4 / 480 = 2.765… → 2.77.)
    assert_eq!(t["average_working_days"], 2.77, "{t}");
    // The month view: one row, March.
    let m: Value =
        app.get_json("/api/v1/reports/dossiers?unit=31342&from=2026-03-01&to=2026-03-31&by=month", &token).await;
    assert_eq!(m["rows"][0]["key"], "2026-03");
    assert_eq!(m["rows"][0]["average_working_days"], 2.77);
    // Judged at an earlier period end (to = 03-04): B and C were still open, due 03-05: within time.
    let early: Value =
        app.get_json("/api/v1/reports/dossiers?unit=31342&from=2026-03-01&to=2026-03-04&by=field", &token).await;
    let t = &early["total"];
    assert_eq!((num(&t["received"]), num(&t["early"]), num(&t["late"])), (4, 1, 1), "{t}");
    assert_eq!(num(&t["in_progress_on_time"]), 2, "B and C were open and not yet due: {t}");
    assert_eq!(early["rows"][0]["key"], "Hộ tịch");
}

#[tokio::test]
async fn decision_766_indicators_and_their_xlsx() {
    let app = TestApp::spawn().await;
    march(&app).await;
    let token = app.token("lanhdao").await;
    let r: Value = app.get_json("/api/v1/reports/766?unit=92&from=2026-03-01&to=2026-03-31", &token).await;
    let ind = |id: &str| -> Value {
        r["indicators"].as_array().unwrap().iter().find(|i| i["id"] == id).cloned().unwrap_or(Value::Null)
    };
    // 2.1: A, B on time, F pending within time / 6 → 50 %, 20 × 0.5 = 10.
    let i = ind("2.1");
    assert_eq!((i["numerator"].as_f64(), i["denominator"].as_f64()), (Some(3.0), Some(6.0)), "{i}");
    assert_eq!((i["rate"].as_f64(), i["points"].as_f64(), i["max"].as_f64()), (Some(50.0), Some(10.0), Some(20.0)));
    // 2.2: 5310 working minutes / 4 = 2.77 working days, tracking only.
    assert_eq!(ind("2.2")["rate"], 2.77);
    // 3.3: 3 online of 6 (electronic results count) = 50 % → full 4 points.
    let i = ind("3.3");
    assert_eq!(
        (i["numerator"].as_f64(), i["denominator"].as_f64(), i["points"].as_f64()),
        (Some(3.0), Some(6.0), Some(4.0))
    );
    // 4.2: no component files uploaded: 0 of 6.
    assert_eq!((ind("4.2")["numerator"].as_f64(), ind("4.2")["denominator"].as_f64()), (Some(0.0), Some(6.0)));
    // 4.1: no paper-result dossier: not scored.
    assert_eq!((ind("4.1")["denominator"].as_f64(), ind("4.1")["points"].clone()), (Some(0.0), Value::Null));
    // 3.6: no fee procedure: 0 / 0, not scored.
    assert_eq!(ind("3.6")["points"], Value::Null);
    // 5.4: 100 % − 3 late of 6 = 50 % → 50 × 6 / 90 = 3.33.
    let i = ind("5.4");
    assert_eq!((i["numerator"].as_f64(), i["points"].as_f64()), (Some(3.0), Some(3.33)));
    // 1.3 and 3.1 from the catalogue: the one procedure is complete and online.
    assert_eq!((ind("1.3")["numerator"].as_f64(), ind("1.3")["denominator"].as_f64()), (Some(1.0), Some(1.0)));
    assert_eq!((ind("3.1")["numerator"].as_f64(), ind("3.1")["points"].as_f64()), (Some(1.0), Some(4.0)));
    let scored: f64 = r["indicators"].as_array().unwrap().iter().filter_map(|i| i["points"].as_f64()).sum();
    assert!((r["total"]["points"].as_f64().unwrap() - scored).abs() < 0.01, "{r}");
    assert!(r["total"]["band"].is_string());

    // The same figures in the spreadsheet.
    let resp = get(&app, &token, "/api/v1/reports/766.xlsx?unit=92&from=2026-03-01&to=2026-03-31").await;
    assert_eq!(resp.status(), 200);
    let bytes = resp.bytes().await.unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    let row = range.rows().find(|row| row.first() == Some(&Data::String("2.1".into()))).expect("2.1 row");
    let f = |c: &Data| match c {
        Data::Float(x) => *x,
        Data::Int(x) => *x as f64,
        other => panic!("not a number: {other:?}"),
    };
    assert_eq!((f(&row[2]), f(&row[3]), f(&row[5])), (3.0, 6.0, 10.0));
    let resp =
        get(&app, &token, "/api/v1/reports/dossiers?unit=92&from=2026-03-01&to=2026-03-31&by=procedure&format=xlsx")
            .await;
    let bytes = resp.bytes().await.unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    let row = range.rows().find(|row| row.first() == Some(&Data::String("9.000003".into()))).expect("procedure row");
    assert_eq!((f(&row[2]), f(&row[3]), f(&row[7])), (6.0, 3.0, 2.0), "received, online, late");
}

#[tokio::test]
async fn the_766_configuration_comes_from_settings() {
    let app = TestApp::spawn().await;
    march(&app).await;
    let cfg = r#"{"version":"thử","rules":{"2.1":{"max":10.0,"scoring":{"rule":"threshold","full_at":50.0},"status":"stated"}},"bands":{"excellent":10,"good":5,"fair":3,"average":1}}"#;
    store::settings::set(&app.db, "report766.config", cfg).await.unwrap();
    let token = app.token("lanhdao").await;
    let r: Value = app.get_json("/api/v1/reports/766?unit=31342&from=2026-03-01&to=2026-03-31", &token).await;
    let i = r["indicators"].as_array().unwrap().iter().find(|i| i["id"] == "2.1").unwrap().clone();
    assert_eq!((i["points"].as_f64(), i["max"].as_f64()), (Some(10.0), Some(10.0)));
    assert_eq!((r["config_version"].as_str(), r["total"]["band"].as_str()), (Some("thử"), Some("excellent")));
    store::settings::set(&app.db, "report766.config", "{\"bogus\":1}").await.unwrap();
    assert_eq!(get(&app, &token, "/api/v1/reports/766?unit=31342&from=2026-03-01&to=2026-03-31").await.status(), 422);
}

const CSV: &str =
    "code,unit,procedure,applicant_name,channel,status,received_at,due_at,supplements,finished_at,returned_at
31345-250303-0001,31345,9.000003,Lê Thị Hoa,2,10,2025-03-03T08:00+07:00,,,2025-03-04T10:00+07:00,2025-03-04T15:00+07:00
31345-250303-0002,31345,9.000003,Trần Văn Bình,1,4,2025-03-03 09:00,,2025-03-03T10:00+07:00/2025-03-04T10:00+07:00,,
31345-250303-0003,31345,9.000003,Phạm Văn Cư,1,11,2025-03-03 09:30,,,,
";

#[tokio::test]
async fn imported_dossiers_roll_up_to_the_former_district_and_the_successor() {
    let app = TestApp::spawn().await;
    march(&app).await;
    let data = CSV.as_bytes();
    let out = store::dossier::import::import(&app.db, &sys(), data, false, store::now_ms()).await.unwrap();
    assert_eq!((out.imported, out.bad.len()), (0, 1), "one bad row: nothing imported");
    assert_eq!(out.bad[0].line, 4);
    assert!(out.bad[0].reason.contains("1–10"), "{:?}", out.bad);
    let out = store::dossier::import::import(&app.db, &sys(), data, true, store::now_ms()).await.unwrap();
    assert_eq!((out.imported, out.already_present), (2, 0));
    let again = store::dossier::import::import(&app.db, &sys(), data, true, store::now_ms()).await.unwrap();
    assert_eq!((again.imported, again.already_present), (0, 2), "idempotent by code");
    let d = store::dossier::by_code(&app.db, "31345-250303-0002").await.unwrap().unwrap();
    assert_eq!((d.supplement_count, d.paused_minutes), (1, 480), "one supplement, a working day paused");

    let token = app.token("lanhdao").await;
    // The former district 932 (ended 2025-06-30) reports on its old commune.
    let r: Value =
        app.get_json("/api/v1/reports/dossiers?unit=932&from=2025-03-01&to=2025-03-31&by=unit", &token).await;
    assert_eq!(r["rows"][0]["key"], "31345");
    let t = &r["total"];
    assert_eq!((num(&t["received"]), num(&t["early"]), num(&t["in_progress_overdue"])), (2, 1, 1), "{t}");
    // The new Tân Hòa inherits its predecessor 31345: 2025 and 2026 together.
    let r: Value = app.get_json("/api/v1/reports/dossiers?unit=31342&from=2025-01-01&to=2026-12-31", &token).await;
    assert_eq!(num(&r["total"]["received"]), 8);
    // Trường Long Tây has none of them.
    let r: Value = app.get_json("/api/v1/reports/dossiers?unit=31348&from=2025-01-01&to=2026-12-31", &token).await;
    assert_eq!(num(&r["total"]["received"]), 0);
    // The city (92) rolls up everything, the old district's communes through their successors.
    let r: Value = app.get_json("/api/v1/reports/766?unit=92&from=2025-01-01&to=2026-12-31", &token).await;
    let i = r["indicators"].as_array().unwrap().iter().find(|i| i["id"] == "2.1").unwrap().clone();
    assert_eq!(i["denominator"].as_f64(), Some(8.0));
}

#[tokio::test]
async fn the_cli_imports_json_lines_and_refuses_bad_rows() {
    let test_db = crate::common::fresh_db().await;
    store::demo::load(&test_db.db).await.unwrap();
    store::procedure::create_version(&test_db.db, &sys(), procedure()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ho-so.jsonl");
    std::fs::write(
        &file,
        concat!(
            r#"{"code":"31342-260302-0001","unit":"31342","procedure":"9.000003","applicant_name":"Võ Thị Lan","channel":2,"status":9,"received_at":"2026-03-02T08:00+07:00","finished_at":"2026-03-03T08:00+07:00"}"#,
            "\n",
            r#"{"code":"31342-260302-0002","unit":"31342","procedure":"9.000003","applicant_name":"Võ Văn Nam","channel":7,"status":2,"received_at":"2026-03-02T09:00+07:00"}"#,
            "\n"
        ),
    )
    .unwrap();
    let run = |skip: bool| {
        let mut c = std::process::Command::new(xaso_bin());
        c.args(["dossiers", "import"]).arg(&file).args(["--database-url", &test_db.url]);
        if skip {
            c.arg("--skip-invalid");
        }
        c.output().unwrap()
    };
    let out = run(false);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("dòng 2") && err.contains("kênh"), "{err}");
    assert!(store::dossier::by_code(&test_db.db, "31342-260302-0001").await.unwrap().is_none(), "nothing imported");
    let out = run(true);
    assert!(!out.status.success(), "still non-zero: a row was left out");
    let d = store::dossier::by_code(&test_db.db, "31342-260302-0001").await.unwrap().expect("the valid row");
    assert_eq!((d.status, d.timeliness.as_deref()), (9, Some("early")));
}

#[tokio::test]
async fn reports_need_a_dossier_role_over_the_unit_and_valid_dates() {
    let app = TestApp::spawn().await;
    let q = "unit=31342&from=2026-03-01&to=2026-03-31";
    for (user, status) in [
        ("xuly.tanhoa", 200),
        ("motcua.tanhoa", 200),
        ("lanhdao", 200),
        ("thungan.tanhoa", 403),
        ("motcua.thanhxuan", 403),
        ("kiosk.tanhoa", 403),
    ] {
        let token = app.token(user).await;
        for path in ["/api/v1/reports/766", "/api/v1/reports/dossiers", "/api/v1/reports/766.xlsx"] {
            let resp = get(&app, &token, &format!("{path}?{q}")).await;
            assert_eq!(resp.status(), status, "{user} {path}");
        }
    }
    let anon = reqwest::Client::new().get(app.url(&format!("/api/v1/reports/766?{q}"))).send().await.unwrap();
    assert_eq!(anon.status(), 401);
    let token = store::token::create(
        &app.db,
        &sys(),
        store::user::find(&app.db, "xuly.tanhoa").await.unwrap().unwrap().id,
        "second",
    )
    .await
    .unwrap()
    .1;
    for bad in [
        "unit=31342&from=2026-13-01&to=2026-03-31",
        "unit=31342&from=2026-03-31&to=2026-03-01",
        "unit=31342&to=2026-03-31",
        "unit=31342&from=2026-03-01&to=2026-03-31&by=week",
        "unit=31342&from=2026-03-01&to=2026-03-31&format=pdf",
    ] {
        let resp = get(&app, &token, &format!("/api/v1/reports/dossiers?{bad}")).await;
        assert_eq!(resp.status(), 422, "{bad}");
        let body: Value = resp.json().await.unwrap();
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    assert_eq!(get(&app, &token, "/api/v1/reports/766?unit=99999&from=2026-03-01&to=2026-03-31").await.status(), 404);
}
