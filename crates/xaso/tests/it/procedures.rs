//! The procedure catalogue: versions closing one another, diacritic-free
//! search, all-or-nothing CSV import, and the catalogue API as of a date.

use chrono::NaiveDate;
use domain::dossier::{OnlineLevel, ResultType, TimeLimit};
use serde_json::Value;
use store::audit::Actor;
use store::procedure::{FeeLine, NewProcedure, StepTemplate};

use crate::common::TestApp;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn khai_sinh(from: &str, days: u32, fee: i64) -> NewProcedure {
    NewProcedure {
        code: "1.001193".into(),
        valid_from: d(from),
        name: "Đăng ký khai sinh".into(),
        field: "Hộ tịch".into(),
        level: "Cấp xã".into(),
        agency: "Ủy ban nhân dân cấp xã".into(),
        time: TimeLimit::WorkingDays(days),
        online_level: OnlineLevel::Full,
        result_type: ResultType::PaperAndElectronic,
        fees: vec![FeeLine { label: "Lệ phí".into(), amount: fee }],
        documents: vec![],
        steps: vec![StepTemplate { department: "Bộ phận một cửa".into(), budget: 1 }],
    }
}

#[tokio::test]
async fn a_new_procedure_version_closes_the_old_one() {
    let app = TestApp::spawn().await;
    let actor = Actor::system();
    let v1 = store::procedure::create_version(&app.db, &actor, khai_sinh("2024-01-01", 3, 8000)).await.unwrap();
    assert_eq!((v1.version, v1.valid_to.as_deref()), (1, None));
    let v2 = store::procedure::create_version(&app.db, &actor, khai_sinh("2025-07-01", 1, 0)).await.unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(v2.steps.len(), 1, "JSON columns decode into typed lists");

    let old = store::procedure::current(&app.db, "1.001193", d("2025-06-30")).await.unwrap().unwrap();
    assert_eq!((old.id, old.valid_to.as_deref(), old.time), (v1.id, Some("2025-06-30"), TimeLimit::WorkingDays(3)));
    assert_eq!(old.fee_total(), 8000);
    let new = store::procedure::current(&app.db, "1.001193", d("2025-07-01")).await.unwrap().unwrap();
    assert_eq!((new.id, new.time), (v2.id, TimeLimit::WorkingDays(1)));
    assert!(store::procedure::current(&app.db, "1.001193", d("2023-12-31")).await.unwrap().is_none());

    // A version starting inside the history overlaps and is refused.
    let err = store::procedure::create_version(&app.db, &actor, khai_sinh("2025-07-01", 2, 0)).await.unwrap_err();
    assert!(err.is_conflict(), "{err}");
    let err = store::procedure::create_version(&app.db, &actor, khai_sinh("2025-01-01", 2, 0)).await.unwrap_err();
    assert!(err.is_conflict(), "{err}");
    assert_eq!(store::procedure::versions(&app.db, "1.001193").await.unwrap().len(), 2);
}

#[tokio::test]
async fn procedures_are_found_without_diacritics() {
    let app = TestApp::spawn().await;
    store::procedure::create_version(&app.db, &Actor::system(), khai_sinh("2025-07-01", 1, 0)).await.unwrap();
    let on = d("2025-08-01");
    for q in ["khai sinh", "DANG KY KHAI SINH", "Đăng ký khai sinh", "1.001193"] {
        let found = store::procedure::search(&app.db, q, on, 10).await.unwrap();
        assert_eq!(found.len(), 1, "{q:?}");
        assert_eq!(found[0].name, "Đăng ký khai sinh");
    }
    assert!(store::procedure::search(&app.db, "khai tu", on, 10).await.unwrap().is_empty());
    assert!(store::procedure::search(&app.db, "khai sinh", d("2025-06-30"), 10).await.unwrap().is_empty());
}

const HEADER: &str = "code,name,field,level,agency,time_value,time_unit,online_level,result_type,fees,valid_from\n";

#[tokio::test]
async fn procedure_csv_import_is_all_or_nothing_with_line_numbers() {
    let app = TestApp::spawn().await;
    let actor = Actor::system();
    let on = d("2026-01-01");
    let bad = format!(
        "{HEADER}1.001193,Đăng ký khai sinh,Hộ tịch,Cấp xã,UBND xã,1,working_days,full,paper,Lệ phí:0,2025-07-01\n\
         1.000656,Đăng ký khai tử,Hộ tịch,Cấp xã,UBND xã,1,fortnights,full,paper,,2025-07-01\n"
    );
    let err = store::procedure::import_csv(&app.db, &actor, bad.as_bytes()).await.unwrap_err();
    assert!(err.to_string().contains("dòng 3"), "{err}");
    assert!(store::procedure::search(&app.db, "", on, 100).await.unwrap().is_empty(), "nothing imported");

    // A row refused inside the transaction (an overlap with the row before) undoes the whole file.
    let overlap = format!(
        "{HEADER}1.001193,Đăng ký khai sinh,Hộ tịch,Cấp xã,UBND xã,1,working_days,full,paper,,2025-07-01\n\
         1.001193,Đăng ký khai sinh,Hộ tịch,Cấp xã,UBND xã,2,working_days,full,paper,,2025-07-01\n"
    );
    let err = store::procedure::import_csv(&app.db, &actor, overlap.as_bytes()).await.unwrap_err();
    assert!(err.to_string().contains("dòng 3"), "{err}");
    assert!(store::procedure::search(&app.db, "", on, 100).await.unwrap().is_empty(), "nothing imported");

    let good = format!(
        "{HEADER}1.001193,Đăng ký khai sinh,Hộ tịch,Cấp xã,UBND xã,3,working_days,full,paper_and_electronic,\"Lệ phí:8.000;Bản sao:5000\",2024-01-01\n\
         1.001193,Đăng ký khai sinh,Hộ tịch,Cấp xã,UBND xã,1,working_days,full,paper_and_electronic,,01/07/2025\n\
         1.000656,Đăng ký khai tử,Hộ tịch,Cấp xã,UBND xã,,none,partial,paper,,2025-07-01\n"
    );
    let report = store::procedure::import_csv(&app.db, &actor, good.as_bytes()).await.unwrap();
    assert_eq!(report.created, 3);
    let old = store::procedure::current(&app.db, "1.001193", d("2025-01-01")).await.unwrap().unwrap();
    assert_eq!((old.version, old.fee_total(), old.valid_to.as_deref()), (1, 13_000, Some("2025-06-30")));
    assert_eq!(store::procedure::search(&app.db, "", on, 100).await.unwrap().len(), 2);
    let khai_tu = store::procedure::current(&app.db, "1.000656", on).await.unwrap().unwrap();
    assert_eq!((khai_tu.time, khai_tu.online_level), (TimeLimit::None, OnlineLevel::Partial));
}

#[tokio::test]
async fn the_procedure_api_answers_as_of_a_date() {
    let app = TestApp::spawn().await;
    let actor = Actor::system();
    store::procedure::create_version(&app.db, &actor, khai_sinh("2024-01-01", 3, 8000)).await.unwrap();
    store::procedure::create_version(&app.db, &actor, khai_sinh("2025-07-01", 1, 0)).await.unwrap();
    let token = app.token("motcua.tanhoa").await;

    let before: Vec<Value> = app.get_json("/api/v1/procedures?q=khai%20sinh&on=2025-06-30", &token).await;
    assert_eq!(before.len(), 1);
    assert_eq!(before[0]["version"], 1);
    assert_eq!(before[0]["time_value"], 3);
    assert_eq!(before[0]["time_unit"], "working_days");
    assert_eq!(before[0]["time_label"], "3 ngày làm việc");
    assert_eq!(before[0]["fees"][0]["amount"], 8000);
    assert_eq!(before[0]["online_level"], "full");
    assert_eq!(before[0]["field"], "Hộ tịch");

    let after: Vec<Value> = app.get_json("/api/v1/procedures?on=2025-07-01", &token).await;
    assert_eq!((after.len(), &after[0]["version"], &after[0]["fee_total"]), (1, &Value::from(2), &Value::from(0)));
    let today: Vec<Value> = app.get_json("/api/v1/procedures", &token).await;
    assert_eq!(today[0]["version"], 2, "today (UTC+7) by default");
    let none: Vec<Value> = app.get_json("/api/v1/procedures?on=2023-12-31", &token).await;
    assert!(none.is_empty());

    let c = reqwest::Client::new();
    let resp = c.get(app.url("/api/v1/procedures?on=2025-13-45")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["status"], 400);
    let resp = c.get(app.url("/api/v1/procedures")).send().await.unwrap();
    assert_eq!(resp.status(), 401, "staff only");
}
