//! Payments, first slice: receiving accounts and bills through the API —
//! the VietQR payload a bill carries, unique payment codes under concurrency,
//! refusal of bad bills, and the unit boundary for cashiers.

use std::collections::HashSet;

use serde_json::{Value, json};
use store::audit::Actor;
use store::payment::PaymentCodes;

use crate::common::TestApp;

const TAN_HOA: &str = "31342";
const BIN: &str = "970436";
const ACCOUNT: &str = "0011001234567";

async fn post(app: &TestApp, path: &str, token: &str, body: &Value) -> (u16, Value) {
    let resp = reqwest::Client::new().post(app.url(path)).bearer_auth(token).json(body).send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Adds Tân Hòa's receiving account with an `admin` token; returns its id.
async fn tan_hoa_account(app: &TestApp, admin: &str) -> i64 {
    let body = json!({"unit": TAN_HOA, "bin": BIN, "account": ACCOUNT, "holder": "UBND XA TAN HOA"});
    let (status, account) = post(app, "/api/v1/payment-accounts", admin, &body).await;
    assert_eq!(status, 201, "{account}");
    assert_eq!(account["bank"], "Vietcombank");
    account["id"].as_i64().unwrap()
}

fn bill(lines: Value) -> Value {
    json!({"unit": TAN_HOA, "account": null, "kind": "fee",
           "payer": {"name": "Nguyễn Văn An", "ref": "HS-2026-0001"}, "lines": lines, "due_date": null})
}

#[tokio::test]
async fn a_bill_carries_the_account_amount_and_payment_code_in_its_vietqr() {
    let app = TestApp::spawn().await;
    let account_id = tan_hoa_account(&app, &app.token("admin").await).await;
    let cashier = app.token("thungan.tanhoa").await;
    let listed: Vec<Value> = app.get_json(&format!("/api/v1/payment-accounts?unit={TAN_HOA}"), &cashier).await;
    assert_eq!(listed.len(), 1);

    let lines =
        json!([{"label": "Lệ phí khai sinh", "amount": 50000}, {"label": "Bản sao", "amount": 5000, "quantity": 2}]);
    let (status, created) = post(&app, "/api/v1/bills", &cashier, &bill(lines)).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["amount"], 60_000);
    let code = created["payment_code"].as_str().unwrap();
    assert!(PaymentCodes::new("XS", 8).unwrap().is_valid(code), "{code}");
    assert!(created["pay_url"].as_str().unwrap().ends_with(&format!("/pay/{code}")));

    let qr = created["qr"].as_str().unwrap();
    let v = vietqr::decode(qr).unwrap().vietqr().unwrap();
    assert_eq!((v.bin.as_str(), v.account), (BIN, ACCOUNT));
    assert_eq!(v.amount, Some(vietqr::Vnd(60_000)));
    assert_eq!(v.additional.purpose(), Some(code));

    let id = created["id"].as_i64().unwrap();
    let got: Value = app.get_json(&format!("/api/v1/bills/{id}"), &cashier).await;
    assert_eq!(
        (got["status"].as_str(), got["account"].as_i64(), got["unit"].as_str()),
        (Some("open"), Some(account_id), Some(TAN_HOA))
    );
    assert_eq!((got["payment_code"].as_str(), got["qr"].as_str()), (Some(code), Some(qr)));
    assert_eq!(got["amount_label"], "60.000 ₫");
    assert_eq!(got["lines"].as_array().unwrap().len(), 2);
    let by_code = store::payment::bill_by_code(&app.db, &code.to_lowercase()).await.unwrap().unwrap();
    assert_eq!(by_code.id, id);
    let audit = store::audit::list(&app.db, &Default::default()).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "payment.bill.create" && e.object_id == id.to_string()));
}

#[tokio::test]
async fn payment_codes_are_unique_across_concurrent_bills() {
    let app = TestApp::spawn().await;
    tan_hoa_account(&app, &app.token("admin").await).await;
    let cashier = app.token("thungan.tanhoa").await;
    let url = app.url("/api/v1/bills");
    let client = reqwest::Client::new();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..200 {
        let body = bill(json!([{"label": "Học phí", "amount": 100_000 + i}]));
        let req = client.post(&url).bearer_auth(&cashier).json(&body);
        tasks.spawn(async move {
            let resp = req.send().await.unwrap();
            assert_eq!(resp.status(), 201);
            resp.json::<Value>().await.unwrap()["payment_code"].as_str().unwrap().to_string()
        });
    }
    let codes: HashSet<String> = tasks.join_all().await.into_iter().collect();
    assert_eq!(codes.len(), 200);
}

#[tokio::test]
async fn bad_bills_and_accounts_are_refused_with_a_message() {
    let app = TestApp::spawn().await;
    let cashier = app.token("thungan.tanhoa").await;
    let (status, _) = post(&app, "/api/v1/bills", &cashier, &bill(json!([{"label": "Lệ phí", "amount": 1000}]))).await;
    assert_eq!(status, 422, "no receiving account yet");
    let admin = app.token("admin").await;
    tan_hoa_account(&app, &admin).await;

    let cases = [
        ("negative amount", "/api/v1/bills", &cashier, bill(json!([{"label": "Lệ phí", "amount": -5000}]))),
        ("empty lines", "/api/v1/bills", &cashier, bill(json!([]))),
        ("over the limit", "/api/v1/bills", &cashier, bill(json!([{"label": "Tiền đất", "amount": 500_000_000}]))),
        ("zero total", "/api/v1/bills", &cashier, bill(json!([{"label": "Lệ phí", "amount": 0}]))),
        (
            "unknown BIN",
            "/api/v1/payment-accounts",
            &admin,
            json!({"unit": TAN_HOA, "bin": "999999", "account": "123456", "holder": "X"}),
        ),
        (
            "bad account number",
            "/api/v1/payment-accounts",
            &admin,
            json!({"unit": TAN_HOA, "bin": BIN, "account": "12 34", "holder": "X"}),
        ),
    ];
    for (what, path, token, body) in cases {
        let (status, err) = post(&app, path, token, &body).await;
        assert_eq!(status, 422, "{what}: {err}");
        assert!(!err["error"]["message"].as_str().unwrap_or("").is_empty(), "{what}: {err}");
    }
    let mut over = bill(json!([{"label": "Lệ phí", "amount": 1000}]));
    over["account"] = json!(999_999);
    assert_eq!(post(&app, "/api/v1/bills", &cashier, &over).await.0, 422, "an account of no unit");
    let (status, _) =
        post(&app, "/api/v1/bills", &cashier, &bill(json!([{"label": "Lệ phí", "amount": 499_999_999}]))).await;
    assert_eq!(status, 201, "just under the limit");
}

#[tokio::test]
async fn a_cashier_of_another_commune_is_forbidden() {
    let app = TestApp::spawn().await;
    tan_hoa_account(&app, &app.token("admin").await).await;
    let cashier = app.token("thungan.tanhoa").await;
    let (_, created) = post(&app, "/api/v1/bills", &cashier, &bill(json!([{"label": "Lệ phí", "amount": 8000}]))).await;
    let id = created["id"].as_i64().unwrap();

    let today = domain::time::local_date(chrono::Utc::now());
    let thanh_xuan = store::unit::by_code(&app.db, "31360", today).await.unwrap().unwrap();
    let new = store::user::NewUser {
        username: "thungan.thanhxuan".into(),
        display_name: "Thu ngân Thạnh Xuân".into(),
        password: "mat-khau-dai-du-12".into(),
        grants: vec![(domain::auth::Role::Cashier, Some(thanh_xuan.id))],
    };
    store::user::create(&app.db, &Actor::system(), new).await.unwrap();
    let other = app.token("thungan.thanhxuan").await;
    let (status, _) = post(&app, "/api/v1/bills", &other, &bill(json!([{"label": "Lệ phí", "amount": 8000}]))).await;
    assert_eq!(status, 403);
    let resp = reqwest::Client::new().get(app.url(&format!("/api/v1/bills/{id}"))).bearer_auth(&other).send().await;
    assert_eq!(resp.unwrap().status(), 403);
    let resp = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/payment-accounts?unit={TAN_HOA}")))
        .bearer_auth(&other)
        .send()
        .await;
    assert_eq!(resp.unwrap().status(), 403);

    // A desk officer of the same commune has no payments role; only admins add accounts.
    let desk = app.token("motcua.tanhoa").await;
    assert_eq!(post(&app, "/api/v1/bills", &desk, &bill(json!([{"label": "Lệ phí", "amount": 8000}]))).await.0, 403);
    let body = json!({"unit": TAN_HOA, "bin": BIN, "account": "999", "holder": "X"});
    assert_eq!(post(&app, "/api/v1/payment-accounts", &cashier, &body).await.0, 403);
}
