//! Operations: health, metrics, request ids, errors as pages or JSON,
//! embedded assets, and the language switch.

use crate::common::TestApp;

#[tokio::test]
async fn healthz_checks_the_database() {
    let app = TestApp::spawn().await;
    let resp = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers().contains_key("x-request-id"), "every response carries a request id");
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    assert_eq!(resp.headers()["x-frame-options"], "DENY");
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    app.db.close().await;
    assert_eq!(reqwest::get(app.url("/healthz")).await.unwrap().status(), 503, "a closed database is reported");
}

#[tokio::test]
async fn metrics_count_requests_by_route() {
    let app = TestApp::spawn().await;
    for _ in 0..3 {
        reqwest::get(app.url("/healthz")).await.unwrap();
    }
    let text = reqwest::get(app.url("/metrics")).await.unwrap().text().await.unwrap();
    let line = text
        .lines()
        .find(|l| {
            l.starts_with("http_requests_total") && l.contains("route=\"/healthz\"") && l.contains("status=\"200\"")
        })
        .expect("a counter for /healthz");
    let n: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(n >= 3.0, "{line}");
    assert!(text.contains("http_request_duration_seconds_bucket"));
}

#[tokio::test]
async fn errors_are_pages_for_people_and_json_for_programs() {
    let app = TestApp::spawn().await;
    let page = app.client().get(app.url("/units/999999")).send().await.unwrap();
    assert_eq!(page.status(), 303, "a page that needs a login redirects");
    let c = app.login("admin").await;
    let resp = c.get(app.url("/units/999999")).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(resp.text().await.unwrap().contains("Về trang chủ"));
    let resp = c.get(app.url("/units/not-a-number")).send().await.unwrap();
    assert!(resp.status().is_client_error());
    let token = app.token("admin").await;
    let resp =
        reqwest::Client::new().get(app.url("/api/v1/units/31342?as_of=xx")).bearer_auth(token).send().await.unwrap();
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["status"], 400);
    let resp = reqwest::Client::new()
        .post(app.url("/api/v1/users"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401, "authentication comes before parsing");
}

#[tokio::test]
async fn bad_json_gets_a_clear_4xx() {
    let app = TestApp::spawn().await;
    let token = app.token("admin").await;
    let resp = reqwest::Client::new()
        .post(app.url("/api/v1/units"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"code\": 5")
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_client_error());
    let resp = reqwest::Client::new()
        .post(app.url("/api/v1/units"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"code": "123", "name": "Sai", "kind": "xa", "valid_from": "2026-01-01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("5 chữ số"), "{body}");
}

#[tokio::test]
async fn assets_are_embedded_and_the_home_page_is_vietnamese() {
    let app = TestApp::spawn().await;
    let home = reqwest::get(app.url("/")).await.unwrap().text().await.unwrap();
    assert!(home.contains("<html lang=\"vi\">"));
    for text in ["Lấy số thứ tự", "Tra cứu hồ sơ", "Thanh toán phí", "Số liệu công khai", "Sắp có"]
    {
        assert!(home.contains(text), "home has {text}");
    }
    for (path, ct) in [
        ("/static/app.css", "text/css"),
        ("/static/vendor/htmx.min.js", "text/javascript"),
        ("/static/vendor/swagger-ui/swagger-ui-bundle.js", "text/javascript"),
    ] {
        let resp = reqwest::get(app.url(path)).await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        assert!(resp.headers()["content-type"].to_str().unwrap().starts_with(ct));
        assert!(resp.bytes().await.unwrap().len() > 1000);
    }
    assert!(!home.contains("https://"), "no asset from another site");
}

#[tokio::test]
async fn the_language_switch_remembers_english() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let resp = c.get(app.url("/lang/en?next=/login")).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/login");
    let page = c.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<html lang=\"en\">") && page.contains("Username"));
    let resp = c.get(app.url("/lang/vi?next=//evil.example")).send().await.unwrap();
    assert_eq!(resp.headers()["location"], "/", "no open redirect");
}
