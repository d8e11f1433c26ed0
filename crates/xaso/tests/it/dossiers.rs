//! One-stop dossiers, first slice: concurrent intake numbers codes with no
//! gap or duplicate, the due date skips holidays, personal data is masked in
//! the audit log and the API, and the intake API's contract and access rules.

use chrono::NaiveDate;
use domain::dossier::{Channel, OnlineLevel, ResultType, TimeLimit};
use domain::person::{CitizenId, Phone};
use serde_json::{Value, json};
use store::audit::Actor;
use store::dossier::{Applicant, NewDossier};
use store::procedure::NewProcedure;

use crate::common::TestApp;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A local (UTC+7) wall-clock time as UTC milliseconds.
fn local(s: &str) -> i64 {
    domain::time::local_to_utc_ms(chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
}

fn procedure(code: &str, days: u32) -> NewProcedure {
    NewProcedure {
        code: code.into(),
        valid_from: d("2024-01-01"),
        name: "Chứng thực bản sao từ bản chính".into(),
        field: "Chứng thực".into(),
        level: "Cấp xã".into(),
        agency: "Ủy ban nhân dân cấp xã".into(),
        time: TimeLimit::WorkingDays(days),
        online_level: OnlineLevel::Partial,
        result_type: ResultType::Paper,
        fees: vec![],
        documents: vec![],
        steps: vec![],
    }
}

fn applicant() -> Applicant {
    Applicant {
        name: "Nguyễn Văn An".into(),
        id_number: Some(CitizenId::parse("079200001234").unwrap()),
        phone: Some(Phone::parse("0901234567").unwrap()),
        address: Some("Ấp 1, xã Tân Hòa".into()),
    }
}

async fn unit_id(app: &TestApp, code: &str) -> i64 {
    store::unit::by_code(&app.db, code, d("2026-04-29")).await.unwrap().expect("demo unit").id
}

fn new_dossier(unit_id: i64, procedure: &str) -> NewDossier {
    NewDossier {
        unit_id,
        agency: "31342".into(),
        procedure_code: procedure.into(),
        applicant: applicant(),
        channel: Channel::Counter,
    }
}

#[tokio::test]
async fn concurrent_intake_numbers_codes_without_gap_or_duplicate() {
    let app = TestApp::spawn().await;
    store::procedure::create_version(&app.db, &Actor::system(), procedure("2.000815", 1)).await.unwrap();
    let unit = unit_id(&app, "31342").await;
    let at = local("2026-04-29 09:00");
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let db = app.db.clone();
            tokio::spawn(async move {
                store::dossier::receive(&db, &Actor::system(), new_dossier(unit, "2.000815"), at).await.unwrap().code
            })
        })
        .collect();
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    codes.sort();
    let expected: Vec<String> = (1..=100).map(|n| format!("31342-260429-{n:04}")).collect();
    assert_eq!(codes, expected);

    // The next local day starts again at 0001.
    let next_day =
        store::dossier::receive(&app.db, &Actor::system(), new_dossier(unit, "2.000815"), local("2026-04-30 00:05"))
            .await
            .unwrap();
    assert_eq!(next_day.code, "31342-260430-0001");
}

#[tokio::test]
async fn the_due_date_skips_holidays_and_the_audit_masks_personal_data() {
    let app = TestApp::spawn().await;
    store::procedure::create_version(&app.db, &Actor::system(), procedure("2.000815", 2)).await.unwrap();
    let unit = unit_id(&app, "31342").await;
    // Wednesday 29/4/2026, before 30/4 and 1/5 (holidays) and the weekend:
    // two working days run Monday 4/5 and Tuesday 5/5.
    let at = local("2026-04-29 10:00");
    let dossier = store::dossier::receive(&app.db, &Actor::system(), new_dossier(unit, "2.000815"), at).await.unwrap();
    assert_eq!(dossier.code, "31342-260429-0001");
    assert_eq!(dossier.due_at.map(domain::time::format_iso_local).as_deref(), Some("2026-05-05T10:00:00+07:00"));
    assert_eq!((dossier.status, dossier.channel, dossier.procedure_version), (2, 1, 1));
    assert_eq!(dossier.applicant_id_number.as_deref(), Some("079200001234"), "stored in full");
    let found = store::dossier::by_code(&app.db, &dossier.code).await.unwrap().unwrap();
    assert_eq!(found, dossier);
    assert!(store::dossier::by_code(&app.db, "31342-260429-0002").await.unwrap().is_none());

    let filter = store::audit::Filter {
        action: Some("dossier.receive".into()),
        object_id: Some(dossier.code.clone()),
        limit: 10,
        ..Default::default()
    };
    let entries = store::audit::list(&app.db, &filter).await.unwrap();
    assert_eq!(entries.len(), 1);
    let after = entries[0].after.as_deref().unwrap();
    for secret in ["079200001234", "0901234567", "Nguyễn Văn An", "Ấp 1"] {
        assert!(!after.contains(secret), "{secret} leaks into the audit row: {after}");
    }
    assert!(after.contains("1234"), "masked CCCD keeps the last digits: {after}");

    // An unknown procedure is refused with a message.
    let err = store::dossier::receive(&app.db, &Actor::system(), new_dossier(unit, "9.999999"), at).await.unwrap_err();
    assert!(err.to_string().contains("9.999999"), "{err}");
}

#[tokio::test]
async fn the_dossier_api_receives_and_shows_masked_data_to_its_unit_only() {
    let app = TestApp::spawn().await;
    store::procedure::create_version(&app.db, &Actor::system(), procedure("2.000815", 1)).await.unwrap();
    let tanhoa = app.token("motcua.tanhoa").await;
    let thanhxuan = app.token("motcua.thanhxuan").await;
    let c = reqwest::Client::new();
    let body = json!({
        "procedure": "2.000815",
        "applicant": {"name": "Nguyễn Văn An", "id_number": "079200001234", "phone": "0901234567", "address": "Ấp 1"},
        "channel": "counter",
    });

    let resp = c.post(app.url("/api/v1/dossiers")).bearer_auth(&tanhoa).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 201);
    let got: Value = resp.json().await.unwrap();
    let code = got["code"].as_str().unwrap().to_string();
    assert!(code.starts_with("31342-") && code.ends_with("-0001"), "{code}");
    assert!(got["due_at"].as_str().unwrap().ends_with("+07:00"), "{got}");
    assert_eq!(got["status"], 2);
    assert_eq!(got.as_object().unwrap().len(), 3, "{got}");

    let shown: Value = app.get_json(&format!("/api/v1/dossiers/{code}"), &tanhoa).await;
    assert_eq!((&shown["code"], &shown["unit"], &shown["status"]), (&json!(code), &json!("31342"), &json!(2)));
    assert_eq!((&shown["channel"], &shown["procedure"]), (&json!("counter"), &json!("2.000815")));
    assert_eq!(shown["applicant_id_number"], "********1234");
    assert!(!shown.to_string().contains("0901234567"), "{shown}");

    // Another commune's officer can neither read it nor receive for the unit.
    let resp = c.get(app.url(&format!("/api/v1/dossiers/{code}"))).bearer_auth(&thanhxuan).send().await.unwrap();
    assert_eq!(resp.status(), 403);
    let mut other = body.clone();
    other["unit"] = json!("31342");
    let resp = c.post(app.url("/api/v1/dossiers")).bearer_auth(&thanhxuan).json(&other).send().await.unwrap();
    assert_eq!(resp.status(), 403);
    // Their own unit by default: their agency's own sequence.
    let resp = c.post(app.url("/api/v1/dossiers")).bearer_auth(&thanhxuan).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 201);
    let theirs: Value = resp.json().await.unwrap();
    assert!(theirs["code"].as_str().unwrap().starts_with("31360-"), "{theirs}");
    assert!(theirs["code"].as_str().unwrap().ends_with("-0001"), "{theirs}");

    // Unknown procedure, bad channel, bad CCCD: 422 with a message.
    for (field, value) in [("procedure", json!("9.999999")), ("channel", json!("fax"))] {
        let mut bad = body.clone();
        bad[field] = value;
        let resp = c.post(app.url("/api/v1/dossiers")).bearer_auth(&tanhoa).json(&bad).send().await.unwrap();
        assert_eq!(resp.status(), 422, "{field}");
        let err: Value = resp.json().await.unwrap();
        assert!(!err["error"]["message"].as_str().unwrap().is_empty(), "{err}");
    }
    let mut bad = body.clone();
    bad["applicant"]["id_number"] = json!("123");
    let resp = c.post(app.url("/api/v1/dossiers")).bearer_auth(&tanhoa).json(&bad).send().await.unwrap();
    assert_eq!(resp.status(), 422);

    let resp = c.get(app.url("/api/v1/dossiers/31342-260101-0042")).bearer_auth(&tanhoa).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    let resp = c.post(app.url("/api/v1/dossiers")).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 401);
}
