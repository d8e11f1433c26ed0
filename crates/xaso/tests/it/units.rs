//! Versioned administrative units: "as of date D" queries, code reuse,
//! successors, CSV import, search, and the unit API.

use chrono::NaiveDate;

use crate::common::{self, TestApp};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[tokio::test]
async fn a_code_means_different_units_on_different_days() {
    let app = TestApp::spawn().await;
    let before = store::unit::by_code(&app.db, "31342", d("2025-06-30")).await.unwrap().unwrap();
    let after = store::unit::by_code(&app.db, "31342", d("2025-07-01")).await.unwrap().unwrap();
    assert_eq!(before.full_name(), "Thị trấn Một Ngàn");
    assert_eq!(after.full_name(), "Xã Tân Hòa");
    assert_ne!(before.id, after.id, "identity is not the code");
    // The old Xã Tân Hòa kept its name but not its code.
    let old_tan_hoa = store::unit::by_code(&app.db, "31345", d("2025-06-30")).await.unwrap().unwrap();
    assert_eq!(old_tan_hoa.full_name(), "Xã Tân Hòa");
    assert!(store::unit::by_code(&app.db, "31345", d("2025-07-01")).await.unwrap().is_none());
    assert_eq!(store::unit::versions_of_code(&app.db, "31342").await.unwrap().len(), 2);
}

#[tokio::test]
async fn the_tree_as_of_a_date() {
    let app = TestApp::spawn().await;
    let old_district = store::unit::by_code(&app.db, "932", d("2024-01-01")).await.unwrap().unwrap();
    let communes: Vec<_> = store::unit::descendants(&app.db, old_district.id, d("2024-01-01"))
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.parent_id == Some(old_district.id) && u.code.len() == 5)
        .collect();
    assert_eq!(communes.len(), 10, "Châu Thành A had 10 commune-level units");
    assert_eq!(communes.iter().filter(|u| u.kind == "thi_tran").count(), 4);
    assert!(
        store::unit::by_code(&app.db, "932", d("2025-07-01")).await.unwrap().is_none(),
        "no districts after the reform"
    );

    let mot_ngan = store::unit::by_code(&app.db, "31342", d("2025-01-01")).await.unwrap().unwrap();
    let up: Vec<String> =
        store::unit::ancestors(&app.db, mot_ngan.id).await.unwrap().into_iter().map(|u| u.code).collect();
    assert_eq!(up, ["932", "93"]);
    let tan_hoa = store::unit::by_code(&app.db, "31342", d("2026-01-01")).await.unwrap().unwrap();
    let up: Vec<String> =
        store::unit::ancestors(&app.db, tan_hoa.id).await.unwrap().into_iter().map(|u| u.full_name()).collect();
    assert_eq!(up, ["Thành phố Cần Thơ"], "two levels since 1/7/2025");

    let can_tho = store::unit::by_code(&app.db, "92", d("2026-01-01")).await.unwrap().unwrap();
    let mut new_communes: Vec<String> = store::unit::descendants(&app.db, can_tho.id, d("2026-01-01"))
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.kind == "xa")
        .map(|u| u.code)
        .collect();
    new_communes.sort();
    assert_eq!(new_communes, ["31342", "31348", "31360", "31369"]);
    // The whole tree on a day holds only units valid that day.
    let day = d("2025-07-01");
    assert!(store::unit::valid_on(&app.db, day).await.unwrap().iter().all(|u| u.valid_on(day)));
}

#[tokio::test]
async fn successors_follow_the_reform() {
    let app = TestApp::spawn().await;
    let cases = [
        ("31345", "31342"),
        ("31346", "31342"),
        ("31357", "31342"),
        ("31351", "31348"),
        ("31359", "31360"),
        ("31363", "31360"),
        ("31362", "31369"),
    ];
    for (old, new) in cases {
        let u = store::unit::by_code(&app.db, old, d("2025-06-30")).await.unwrap().unwrap();
        assert_eq!(u.valid_to.as_deref(), Some("2025-06-30"), "{old} ended the day before the reform");
        let on = store::unit::successor_on(&app.db, u.id, d("2026-05-01")).await.unwrap();
        assert_eq!(on.iter().map(|u| u.code.as_str()).collect::<Vec<_>>(), [new], "{old} → {new}");
        // On a day it was valid, a unit stands for itself.
        let itself = store::unit::successor_on(&app.db, u.id, d("2025-01-01")).await.unwrap();
        assert_eq!(itself[0].id, u.id);
    }
    let new_tan_hoa = store::unit::by_code(&app.db, "31342", d("2026-01-01")).await.unwrap().unwrap();
    let preds: Vec<String> =
        store::unit::predecessors(&app.db, new_tan_hoa.id).await.unwrap().into_iter().map(|u| u.code).collect();
    assert_eq!(preds, ["31342", "31345", "31346", "31357"]);
    // Hậu Giang, Sóc Trăng and the old Cần Thơ became the new Thành phố Cần Thơ.
    let hau_giang = store::unit::by_code(&app.db, "93", d("2025-01-01")).await.unwrap().unwrap();
    let succ = store::unit::successors(&app.db, hau_giang.id).await.unwrap();
    assert_eq!(succ.len(), 1);
    assert_eq!((succ[0].code.as_str(), succ[0].valid_from.as_str()), ("92", "2025-07-01"));
}

#[tokio::test]
async fn csv_import_is_all_or_nothing_with_line_numbers() {
    let app = TestApp::spawn().await;
    let before = store::unit::valid_on(&app.db, d("2026-06-01")).await.unwrap().len();
    let bad = "code,name,kind,parent_code,valid_from\n31369-A90,Ấp Mới 1,ap,31369,2026-01-01\n31369-A91,Ấp Mới 2,ấp lạ,31369,2026-01-01\n";
    let err = store::unit::import_csv(&app.db, &store::audit::Actor::system(), bad.as_bytes()).await.unwrap_err();
    assert!(err.to_string().contains("dòng 3"), "{err}");
    assert_eq!(store::unit::valid_on(&app.db, d("2026-06-01")).await.unwrap().len(), before, "nothing imported");

    let overlap = "code,name,kind,parent_code,valid_from\n31342,Trùng mã,xa,92,2026-01-01\n";
    let err = store::unit::import_csv(&app.db, &store::audit::Actor::system(), overlap.as_bytes()).await.unwrap_err();
    assert!(err.is_conflict() || err.to_string().contains("đã được dùng"), "{err}");

    let no_parent = "code,name,kind,parent_code,valid_from\n99999,Không cha,xa,77,2026-01-01\n";
    let err = store::unit::import_csv(&app.db, &store::audit::Actor::system(), no_parent.as_bytes()).await.unwrap_err();
    assert!(err.to_string().contains("đơn vị cha"), "{err}");

    let good = "code,name,kind,parent_code,valid_from,valid_to,note\n31369-A90,Ấp Mới 1,Ấp,31369,01/01/2026,,demo\n31369-A91,Ấp Mới 2,ap,31369,2026-01-01,,demo\n";
    let report = store::unit::import_csv(&app.db, &store::audit::Actor::system(), good.as_bytes()).await.unwrap();
    assert_eq!(report.created, 2);
    assert_eq!(store::unit::valid_on(&app.db, d("2026-06-01")).await.unwrap().len(), before + 2);
}

#[tokio::test]
async fn admins_import_csv_through_the_page() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let csrf = common::csrf_of(&admin, &app.url("/units")).await;
    let csv = "code,name,kind,parent_code,valid_from\n31348-A90,Ấp Trường Hòa,ap,31348,2026-02-01\n";
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("units.csv"));
    let resp = admin.post(app.url(&format!("/units/import?_csrf={csrf}"))).multipart(form).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.unwrap().contains("Đã nhập đơn vị: 1"));
    assert!(store::unit::by_code(&app.db, "31348-A90", d("2026-03-01")).await.unwrap().is_some());

    let bad = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(b"code,name\n1,x\n".to_vec()).file_name("x.csv"));
    let resp = admin.post(app.url(&format!("/units/import?_csrf={csrf}"))).multipart(bad).send().await.unwrap();
    assert_eq!(resp.status(), 422, "a bad file is refused with a message, not a crash");
    assert!(resp.text().await.unwrap().contains("dòng 2"));
}

#[tokio::test]
async fn search_ignores_diacritics() {
    let app = TestApp::spawn().await;
    for q in ["Tân Hòa", "tan hoa", "TAN HOA", "Tân Hoà"] {
        let found = store::unit::search(&app.db, q, d("2026-01-01"), 50).await.unwrap();
        assert!(found.iter().any(|u| u.full_name() == "Xã Tân Hòa" && u.code == "31342"), "{q}");
    }
    let found = store::unit::search(&app.db, "dong phuoc", d("2026-01-01"), 50).await.unwrap();
    assert_eq!(found.iter().filter(|u| u.kind == "xa").count(), 1);
}

#[tokio::test]
async fn the_unit_api_answers_as_of_a_date() {
    let app = TestApp::spawn().await;
    let token = app.token("motcua.tanhoa").await;
    let api = reqwest::Client::new();
    let get = |path: String| {
        let api = api.clone();
        let token = token.clone();
        async move { api.get(path).bearer_auth(token).send().await.unwrap() }
    };
    let old: serde_json::Value = get(app.url("/api/v1/units/31342?as_of=2025-06-30")).await.json().await.unwrap();
    assert_eq!(old["unit"]["full_name"], "Thị trấn Một Ngàn");
    assert_eq!(old["ancestors"][0]["code"], "932");
    assert_eq!(old["successors"][0]["full_name"], "Xã Tân Hòa");
    let new: serde_json::Value = get(app.url("/api/v1/units/31342?as_of=2025-07-01")).await.json().await.unwrap();
    assert_eq!(new["unit"]["kind"], "xa");
    assert_eq!(new["predecessors"].as_array().unwrap().len(), 4);
    let list: Vec<serde_json::Value> =
        get(app.url("/api/v1/units?as_of=2026-01-01&q=thanh%20xuan")).await.json().await.unwrap();
    assert!(list.iter().any(|u| u["code"] == "31360"));
    let resp = get(app.url("/api/v1/units/31342?as_of=2025-13-45")).await;
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("ngày không hợp lệ"));
    assert_eq!(get(app.url("/api/v1/units/00000")).await.status(), 404);
}

#[tokio::test]
async fn the_units_page_shows_the_tree_of_a_day() {
    let app = TestApp::spawn().await;
    let c = app.login("xuly.tanhoa").await;
    let old = c.get(app.url("/units?as_of=2025-06-30")).send().await.unwrap().text().await.unwrap();
    assert!(old.contains("Huyện Châu Thành A") && old.contains("Thị trấn Một Ngàn"));
    let new = c.get(app.url("/units?as_of=2025-07-01")).send().await.unwrap().text().await.unwrap();
    assert!(new.contains("Thành phố Cần Thơ") && !new.contains("Huyện Châu Thành A"));
    let bad = c.get(app.url("/units?as_of=hôm-qua")).send().await.unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("ngày không hợp lệ"));
}
