//! The queue API contract: centers, ticket issuance, call-next (200 or 204),
//! ticket actions, center state, and unit scope for devices.

use serde_json::{Value, json};

use crate::common::TestApp;

async fn app_with_centers() -> TestApp {
    let app = TestApp::spawn().await;
    let yesterday = domain::time::local_date(chrono::Utc::now()).pred_opt().unwrap();
    store::queue::demo::load_demo(&app.db, yesterday).await.unwrap();
    app
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    reqwest::Client::new().post(app.url(path)).bearer_auth(token).json(&body).send().await.unwrap()
}

#[tokio::test]
async fn kiosk_issues_counter_calls_and_serves() {
    let app = app_with_centers().await;
    let token = app.token("motcua.tanhoa").await;
    let centers: Vec<Value> = app.get_json("/api/v1/queue/centers", &token).await;
    let center = centers.iter().find(|c| c["code"] == "31342-TTPVHCC").expect("the Tân Hòa center");
    let service = &center["services"][0];
    let (code, prefix) = (service["code"].as_str().unwrap(), service["prefix"].as_str().unwrap());

    let first = post(
        &app,
        &token,
        "/api/v1/queue/tickets",
        json!({"center": "31342-TTPVHCC", "service": code, "priority": null, "cccd_qr": null}),
    )
    .await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["number"], format!("{prefix}001"), "numbering restarts each day");
    assert_eq!(first["waiting_ahead"], 0);
    let track = first["track_url"].as_str().unwrap();
    assert!(track.contains(&format!("/q/{}?k=", first["id"])), "{track}");

    let qr = "001090123456|012345678|NGUYEN VAN A|01011990|Nam|Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|15042021";
    let second = post(
        &app,
        &token,
        "/api/v1/queue/tickets",
        json!({"center": "31342-TTPVHCC", "service": code, "priority": "nguoi_cao_tuoi", "cccd_qr": qr}),
    )
    .await;
    assert_eq!(second.status(), 201);
    let second: Value = second.json().await.unwrap();
    assert_eq!(second["number"], format!("{prefix}002"));
    assert_eq!(second["waiting_ahead"], 1);

    let state: Value = app.get_json("/api/v1/queue/centers/31342-TTPVHCC/state", &token).await;
    let waiting = state["services"].as_array().unwrap().iter().find(|s| s["service"] == code).unwrap();
    assert_eq!(waiting["waiting"], 2);

    // Some counter of the center serves this service: call until it answers.
    let mut called = Vec::new();
    for counter in center["counters"].as_array().unwrap() {
        let path = format!("/api/v1/queue/counters/{}/call-next", counter["id"]);
        let resp = post(&app, &token, &path, json!({})).await;
        if resp.status() == 200 {
            let body: Value = resp.json().await.unwrap();
            called.push(body["ticket"].clone());
        } else {
            assert_eq!(resp.status(), 204, "nobody waits for this counter");
        }
    }
    assert!(!called.is_empty());
    let t = &called[0];
    assert_eq!(t["state"], "called");
    if t["id"] == second["id"] {
        assert_eq!(t["citizen"], "********3456", "the CCCD is masked");
    }
    let id = t["id"].as_i64().unwrap();
    let start: Value =
        post(&app, &token, &format!("/api/v1/queue/tickets/{id}/start"), json!({})).await.json().await.unwrap();
    assert_eq!(start["state"], "serving");
    let finish: Value =
        post(&app, &token, &format!("/api/v1/queue/tickets/{id}/finish"), json!({})).await.json().await.unwrap();
    assert_eq!(finish["state"], "done");
    let again = post(&app, &token, &format!("/api/v1/queue/tickets/{id}/finish"), json!({})).await;
    assert_eq!(again.status(), 409, "an illegal transition is a conflict");
    let body: Value = again.json().await.unwrap();
    assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    assert_eq!(post(&app, &token, &format!("/api/v1/queue/tickets/{id}/fly"), json!({})).await.status(), 404);
}

#[tokio::test]
async fn bad_requests_get_clear_errors() {
    let app = app_with_centers().await;
    let token = app.token("motcua.tanhoa").await;
    let centers: Vec<Value> = app.get_json("/api/v1/queue/centers", &token).await;
    let code = centers.iter().find(|c| c["code"] == "31342-TTPVHCC").unwrap()["services"][0]["code"]
        .as_str()
        .unwrap()
        .to_string();
    let cases = [
        (json!({"center": "nope", "service": code, "priority": null, "cccd_qr": null}), 404),
        (json!({"center": "31342-TTPVHCC", "service": "nope", "priority": null, "cccd_qr": null}), 404),
        (json!({"center": "31342-TTPVHCC", "service": code, "priority": "vip", "cccd_qr": null}), 422),
        (json!({"center": "31342-TTPVHCC", "service": code, "priority": null, "cccd_qr": "12345|x"}), 422),
    ];
    for (body, status) in cases {
        let resp = post(&app, &token, "/api/v1/queue/tickets", body.clone()).await;
        assert_eq!(resp.status(), status, "{body}");
        let err: Value = resp.json().await.unwrap();
        assert!(!err["error"]["message"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn devices_of_one_commune_get_403_at_another() {
    let app = app_with_centers().await;
    let other = app.token("motcua.thanhxuan").await;
    let centers: Vec<Value> = app.get_json("/api/v1/queue/centers", &other).await;
    let tan_hoa = centers.iter().find(|c| c["code"] == "31342-TTPVHCC").unwrap();
    let code = tan_hoa["services"][0]["code"].as_str().unwrap();
    let resp = post(
        &app,
        &other,
        "/api/v1/queue/tickets",
        json!({"center": "31342-TTPVHCC", "service": code, "priority": null, "cccd_qr": null}),
    )
    .await;
    assert_eq!(resp.status(), 403);
    let counter = tan_hoa["counters"][0]["id"].as_i64().unwrap();
    assert_eq!(
        post(&app, &other, &format!("/api/v1/queue/counters/{counter}/call-next"), json!({})).await.status(),
        403
    );
    let cashier = app.token("thungan.tanhoa").await;
    assert_eq!(
        post(&app, &cashier, &format!("/api/v1/queue/counters/{counter}/call-next"), json!({})).await.status(),
        403,
        "not a queue role"
    );
}
