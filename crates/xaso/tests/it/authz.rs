//! Authorization, deny by default: every role against every area, and the
//! unit scope (an officer of one commune gets 403 on another's data).

use chrono::NaiveDate;

use crate::common::TestApp;

/// The demo logins, one per role (see `store::demo::DEMO_USERS`).
const ROLES: &[(&str, &str)] = &[
    ("admin", "admin"),
    ("lanhdao", "leader"),
    ("motcua.tanhoa", "desk_officer"),
    ("xuly.tanhoa", "processor"),
    ("thungan.tanhoa", "cashier"),
    ("quanlycho.tanhoa", "market_manager"),
    ("solieu.tanhoa", "data_officer"),
];

/// Every staff area with the roles that may enter it.
const AREAS: &[(&str, &[&str])] = &[
    ("/queue", &["admin", "leader", "desk_officer"]),
    ("/dossiers", &["admin", "leader", "desk_officer", "processor"]),
    ("/payments", &["admin", "leader", "cashier"]),
    ("/markets", &["admin", "leader", "market_manager"]),
    ("/indicators", &["admin", "leader", "data_officer"]),
    ("/units", &["admin", "leader", "desk_officer", "processor", "cashier", "market_manager", "data_officer"]),
    (
        "/account/password",
        &["admin", "leader", "desk_officer", "processor", "cashier", "market_manager", "data_officer"],
    ),
    ("/admin/users", &["admin"]),
    ("/admin/audit", &["admin"]),
];

/// API routes with the roles that may call them.
const API: &[(&str, &[&str])] = &[
    ("/api/v1/me", &["admin", "leader", "desk_officer", "processor", "cashier", "market_manager", "data_officer"]),
    ("/api/v1/units", &["admin", "leader", "desk_officer", "processor", "cashier", "market_manager", "data_officer"]),
    ("/api/v1/audit", &["admin"]),
];

#[tokio::test]
async fn every_role_against_every_area() {
    let app = TestApp::spawn().await;
    let anonymous = app.client();
    for (path, _) in AREAS {
        let resp = anonymous.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 303, "anonymous on {path} is sent to the login");
        assert!(resp.headers()["location"].to_str().unwrap().starts_with("/login?next="));
    }
    for (path, _) in API {
        assert_eq!(reqwest::get(app.url(path)).await.unwrap().status(), 401, "anonymous on {path}");
    }
    let mut checked = 0;
    for (user, role) in ROLES {
        let c = app.login(user).await;
        for (path, allowed) in AREAS {
            let status = c.get(app.url(path)).send().await.unwrap().status();
            let expected = if allowed.contains(role) { 200 } else { 403 };
            assert_eq!(status, expected, "{role} on {path}");
            checked += 1;
        }
        let token = app.token(user).await;
        for (path, allowed) in API {
            let status = reqwest::Client::new().get(app.url(path)).bearer_auth(&token).send().await.unwrap().status();
            let expected = if allowed.contains(role) { 200 } else { 403 };
            assert_eq!(status, expected, "{role} on {path} (token)");
            checked += 1;
        }
    }
    assert_eq!(checked, ROLES.len() * (AREAS.len() + API.len()));
}

#[tokio::test]
async fn navigation_follows_roles() {
    let app = TestApp::spawn().await;
    let cashier = app.login("thungan.tanhoa").await.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(cashier.contains("href=\"/payments\""));
    assert!(!cashier.contains("href=\"/queue\"") && !cashier.contains("href=\"/admin/users\""));
    let admin = app.login("admin").await.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    for href in ["/queue", "/dossiers", "/payments", "/markets", "/indicators", "/admin/users", "/admin/audit"] {
        assert!(admin.contains(&format!("href=\"{href}\"")), "admin nav has {href}");
    }
}

async fn unit_id(app: &TestApp, code: &str, date: &str) -> i64 {
    let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    store::unit::by_code(&app.db, code, d).await.unwrap().unwrap_or_else(|| panic!("unit {code} on {date}")).id
}

#[tokio::test]
async fn an_officer_of_one_commune_gets_403_on_another() {
    let app = TestApp::spawn().await;
    let tan_hoa = unit_id(&app, "31342", "2026-01-01").await;
    let thanh_xuan = unit_id(&app, "31360", "2026-01-01").await;
    let old_mot_ngan = unit_id(&app, "31342", "2025-06-30").await;
    let old_rach_goi = unit_id(&app, "31359", "2025-06-30").await;
    let hamlet = unit_id(&app, "31342-A01", "2026-01-01").await;

    let officer = app.login("motcua.tanhoa").await;
    let status = |c: &reqwest::Client, id: i64| {
        let c = c.clone();
        let url = app.url(&format!("/units/{id}"));
        async move { c.get(url).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status(&officer, tan_hoa).await, 200, "own commune");
    assert_eq!(status(&officer, hamlet).await, 200, "a hamlet of the own commune");
    assert_eq!(status(&officer, old_mot_ngan).await, 200, "a predecessor's records belong to the successor");
    assert_eq!(status(&officer, thanh_xuan).await, 403, "another commune");
    assert_eq!(status(&officer, old_rach_goi).await, 403, "another commune's predecessor");

    let other = app.login("motcua.thanhxuan").await;
    assert_eq!(status(&other, tan_hoa).await, 403);
    assert_eq!(status(&other, thanh_xuan).await, 200);
    assert_eq!(status(&other, old_rach_goi).await, 200);

    let leader = app.login("lanhdao").await;
    assert_eq!(status(&leader, tan_hoa).await, 200, "the city's leader covers its communes");
    assert_eq!(status(&leader, thanh_xuan).await, 200);
    let admin = app.login("admin").await;
    assert_eq!(status(&admin, old_rach_goi).await, 200);
}

#[tokio::test]
async fn only_admins_write_through_the_api() {
    let app = TestApp::spawn().await;
    let body = serde_json::json!({"code": "31342-A99", "name": "Ấp Thử", "kind": "ap", "parent_code": "31342", "valid_from": "2026-01-01"});
    for user in ["lanhdao", "motcua.tanhoa", "solieu.tanhoa"] {
        let token = app.token(user).await;
        let resp =
            reqwest::Client::new().post(app.url("/api/v1/units")).bearer_auth(&token).json(&body).send().await.unwrap();
        assert_eq!(resp.status(), 403, "{user}");
    }
    let token = app.token("admin").await;
    let resp =
        reqwest::Client::new().post(app.url("/api/v1/units")).bearer_auth(&token).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 201);
}
