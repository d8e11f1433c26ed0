//! Payments, second slice: webhooks of payOS, Casso v2 and SePay through the
//! real endpoints — signatures (valid, tampered, stale), idempotent and
//! durable ingestion (replays, concurrent deliveries), every reconciliation
//! outcome, the receipt and job of a paid bill, the exceptions queue, the
//! daily report, and statement import (CSV and XLSX) with a saved mapping.

use domain::payment::webhook::{JsonEscaping, casso, payos};
use serde_json::{Value, json};
use store::audit::Actor;

use crate::common::TestApp;

const TAN_HOA: &str = "31342";
const BIN: &str = "970436";
const ACCOUNT: &str = "0011001234567";
const PAYOS_KEY: &str = "payos-checksum-key-0001";
const CASSO_KEY: &str = "casso-webhook-key-0001";
const SEPAY_KEY: &str = "sepay-api-key-0001";

async fn send(app: &TestApp, method: reqwest::Method, path: &str, token: &str, body: &Value) -> (u16, Value) {
    let resp = app.client().request(method, app.url(path)).bearer_auth(token).json(body).send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// The setup of every test: Tân Hòa's account and the three providers' secrets.
struct Setup {
    app: TestApp,
    admin: String,
    cashier: String,
    account_id: i64,
}

async fn setup() -> Setup {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    let cashier = app.token("thungan.tanhoa").await;
    let body = json!({"unit": TAN_HOA, "bin": BIN, "account": ACCOUNT, "holder": "UBND XA TAN HOA"});
    let (status, account) = send(&app, reqwest::Method::POST, "/api/v1/payment-accounts", &admin, &body).await;
    assert_eq!(status, 201, "{account}");
    for (p, key) in [("payos", PAYOS_KEY), ("casso", CASSO_KEY), ("sepay", SEPAY_KEY)] {
        let path = format!("/api/v1/payments/providers/{p}");
        let (status, out) = send(&app, reqwest::Method::PUT, &path, &admin, &json!({"secret": key})).await;
        assert_eq!(status, 200, "{out}");
        assert_eq!(out["configured"], true);
        assert!(!out.to_string().contains(key), "the secret is never echoed");
    }
    Setup { account_id: account["id"].as_i64().unwrap(), app, admin, cashier }
}

/// Creates a bill of `amount` (due `due`, if any); returns (id, payment code).
async fn bill(s: &Setup, amount: i64, due: Option<&str>) -> (i64, String) {
    let body = json!({"unit": TAN_HOA, "kind": "fee", "payer": {"name": "Nguyễn Văn An", "ref": "HS-1"},
                      "lines": [{"label": "Lệ phí", "amount": amount}], "due_date": due});
    let (status, b) = send(&s.app, reqwest::Method::POST, "/api/v1/bills", &s.cashier, &body).await;
    assert_eq!(status, 201, "{b}");
    (b["id"].as_i64().unwrap(), b["payment_code"].as_str().unwrap().to_string())
}

fn sepay_body(id: i64, account: &str, amount: i64, content: &str, kind: &str, at: &str) -> String {
    json!({"id": id, "gateway": "Vietcombank", "transactionDate": at, "accountNumber": account, "code": null,
           "content": content, "transferType": kind, "transferAmount": amount, "accumulated": 0,
           "subAccount": null, "referenceCode": format!("FT{id}"), "description": content})
    .to_string()
}

async fn post_sepay(app: &TestApp, raw: &str, key: &str) -> (u16, Value) {
    let resp = app
        .client()
        .post(app.url("/api/v1/payments/webhooks/sepay"))
        .header("content-type", "application/json")
        .header("authorization", format!("Apikey {key}"))
        .body(raw.to_string())
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn payos_data(reference: &str, account: &str, amount: i64, description: &str, va: &str) -> Value {
    json!({"orderCode": 123, "amount": amount, "description": description, "accountNumber": account,
           "reference": reference, "transactionDateTime": "2026-03-10 09:00:00", "currency": "VND",
           "paymentLinkId": "abc", "code": "00", "desc": "Thành công", "counterAccountBankId": "",
           "counterAccountBankName": "", "counterAccountName": null, "counterAccountNumber": null,
           "virtualAccountName": "", "virtualAccountNumber": va})
}

fn payos_body(data: &Value, key: &str) -> String {
    let sig = payos::sign(data.as_object().unwrap(), key.as_bytes());
    json!({"code": "00", "desc": "success", "success": true, "data": data, "signature": sig}).to_string()
}

async fn post_raw(app: &TestApp, path: &str, raw: &str, headers: &[(&str, String)]) -> (u16, Value) {
    let mut req = app.client().post(app.url(path)).header("content-type", "application/json").body(raw.to_string());
    for (n, v) in headers {
        req = req.header(*n, v);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn casso_body(id: i64, amount: i64, description: &str) -> Value {
    json!({"error": 0, "data": {"id": id, "reference": format!("CS{id}"), "description": description,
        "amount": amount, "runningBalance": 0, "transactionDateTime": "2026-03-10 10:00:00",
        "accountNumber": ACCOUNT, "bankName": "Vietcombank", "bankAbbreviation": "VCB",
        "virtualAccountNumber": "", "virtualAccountName": "", "counterAccountName": "",
        "counterAccountNumber": "", "counterAccountBankId": "", "counterAccountBankName": ""}})
}

/// Every audit row, newest first.
async fn audit(app: &TestApp) -> Vec<store::audit::Entry> {
    store::audit::list(&app.db, &store::audit::Filter { limit: 500, ..Default::default() }).await.unwrap()
}

async fn outcome(app: &TestApp, provider: &str, txn: &str) -> String {
    store::payment::ingest::find(&app.db, provider, txn).await.unwrap().expect("stored").outcome
}

#[tokio::test]
async fn each_provider_accepts_its_signature_and_refuses_tampering() {
    let s = setup().await;
    let app = &s.app;
    let (_, code) = bill(&s, 60_000, None).await;

    // SePay: API key.
    let raw = sepay_body(1, ACCOUNT, 60_000, &format!("MBVCB.1.{code}.CT"), "in", "2026-03-10 09:00:00");
    let (status, out) = post_sepay(app, &raw, SEPAY_KEY).await;
    assert_eq!((status, out), (200, json!({"success": true})));
    let (status, err) = post_sepay(app, &raw.replace("60000", "6000"), "wrong-key-000").await;
    assert_eq!(status, 401);
    assert!(err["error"]["message"].as_str().unwrap().contains("sepay"), "{err}");
    let (status, _) = post_raw(app, "/api/v1/payments/webhooks/sepay", &raw, &[]).await;
    assert_eq!(status, 401, "no key at all");

    // payOS: HMAC-SHA256 in the body.
    let data = payos_data("PO-1", ACCOUNT, 1_000, "no code here", "");
    let good = payos_body(&data, PAYOS_KEY);
    let (status, out) = post_raw(app, "/api/v1/payments/webhooks/payos", &good, &[]).await;
    assert_eq!((status, out["code"].as_str(), out["success"].as_bool()), (200, Some("00"), Some(true)));
    let (status, err) = post_raw(app, "/api/v1/payments/webhooks/payos", &good.replace("1000", "9000"), &[]).await;
    assert_eq!(status, 401, "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("payos"));
    let forged = payos_body(&payos_data("PO-2", ACCOUNT, 1_000, "x", ""), "another-key-0000");
    assert_eq!(post_raw(app, "/api/v1/payments/webhooks/payos", &forged, &[]).await.0, 401);
    let (status, _) = post_raw(app, "/api/v1/payments/webhooks/payos", "not json", &[]).await;
    assert_eq!(status, 400);

    // Casso v2: HMAC-SHA512 header with a timestamp window.
    let now = chrono::Utc::now().timestamp_millis();
    let body = casso_body(7, 2_000, "chuyen tien");
    let sig = |t: i64, key: &str| casso::sign(t, &body, key.as_bytes(), JsonEscaping::default());
    let path = "/api/v1/payments/webhooks/casso";
    let (status, out) = post_raw(app, path, &body.to_string(), &[("X-Casso-Signature", sig(now, CASSO_KEY))]).await;
    assert_eq!((status, out["error"].as_i64()), (200, Some(0)), "{out}");
    let tampered = body.to_string().replace("2000", "3000");
    assert_eq!(post_raw(app, path, &tampered, &[("X-Casso-Signature", sig(now, CASSO_KEY))]).await.0, 401);
    let old = sig(now - 10 * 60 * 1000, CASSO_KEY);
    let (status, err) = post_raw(app, path, &body.to_string(), &[("X-Casso-Signature", old)]).await;
    assert_eq!(status, 401, "stale timestamp");
    assert!(err["error"]["message"].as_str().unwrap().contains("stale"), "{err}");
    let future = sig(now + 10 * 60 * 1000, CASSO_KEY);
    assert_eq!(post_raw(app, path, &body.to_string(), &[("X-Casso-Signature", future)]).await.0, 401);
    assert_eq!(post_raw(app, path, &body.to_string(), &[]).await.0, 401, "no signature header");

    // Only the three verified ones were stored.
    assert_eq!(store::payment::ingest::count(&app.db).await.unwrap(), 3);
    assert_eq!(outcome(app, "sepay", "1").await, "matched");
    assert_eq!(outcome(app, "payos", "PO-1").await, "unknown_code");
    assert_eq!(outcome(app, "casso", "7").await, "unknown_code");

    // Secrets are for administrators, and an unknown provider is a 404.
    let path = "/api/v1/payments/providers/sepay";
    assert_eq!(send(app, reqwest::Method::PUT, path, &s.cashier, &json!({"secret": "x".repeat(10)})).await.0, 403);
    let path = "/api/v1/payments/providers/momo";
    assert_eq!(send(app, reqwest::Method::PUT, path, &s.admin, &json!({"secret": "x".repeat(10)})).await.0, 404);
    let audit = audit(app).await;
    let set: Vec<_> = audit.iter().filter(|e| e.action == "payment.settings.set").collect();
    assert_eq!(set.len(), 3);
    assert!(set.iter().all(|e| !e.after.as_deref().unwrap_or("").contains(SEPAY_KEY)));
}

#[tokio::test]
async fn replays_and_concurrent_deliveries_store_one_payment_with_its_receipt_and_job() {
    let s = setup().await;
    let app = &s.app;
    let (bill_id, code) = bill(&s, 75_000, None).await;
    let raw =
        sepay_body(500, ACCOUNT, 75_000, &format!("{} chuyen khoan", code.to_lowercase()), "in", "2026-03-10 09:00:00");
    for _ in 0..3 {
        let (status, out) = post_sepay(app, &raw, SEPAY_KEY).await;
        assert_eq!((status, out), (200, json!({"success": true})), "a replay is answered with success too");
    }
    assert_eq!(store::payment::ingest::count(&app.db).await.unwrap(), 1);
    let stored = store::payment::ingest::find(&app.db, "sepay", "500").await.unwrap().unwrap();
    assert_eq!((stored.outcome.as_str(), stored.bill_id), ("matched", Some(bill_id)));
    let b = store::payment::bill(&app.db, bill_id).await.unwrap();
    assert_eq!(b.status, "paid");
    assert!(b.paid_at.is_some());

    // One receipt, one job for the payer, one audit row.
    let receipt = store::payment::ingest::receipt(&app.db, bill_id).await.unwrap().expect("a receipt");
    assert_eq!((receipt.amount, receipt.notification_id), (75_000, Some(stored.id)));
    assert!(receipt.number.starts_with("BL-") && receipt.number.ends_with("-000001"), "{}", receipt.number);
    assert!(receipt.verify_key.len() >= 32);
    assert_eq!(stored.receipt_id, Some(receipt.id));
    let job = store::job::claim(&app.db, "test", &["payment.paid"]).await.unwrap().expect("a job");
    let payload: Value = serde_json::from_str(&job.payload).unwrap();
    assert_eq!(payload, json!({"bill_id": bill_id, "receipt_id": receipt.id}));
    assert!(store::job::claim(&app.db, "test", &["payment.paid"]).await.unwrap().is_none(), "only one job");
    let audit = audit(app).await;
    assert_eq!(
        audit.iter().filter(|e| e.action == "payment.bill.paid" && e.object_id == bill_id.to_string()).count(),
        1
    );

    // 20 concurrent identical deliveries of another payment: one row, one payment.
    let (bill2, code2) = bill(&s, 20_000, None).await;
    let raw = sepay_body(501, ACCOUNT, 20_000, &code2, "in", "2026-03-10 09:05:00");
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (client, url, raw) = (app.client(), app.url("/api/v1/payments/webhooks/sepay"), raw.clone());
        tasks.spawn(async move {
            let resp = client
                .post(url)
                .header("authorization", format!("Apikey {SEPAY_KEY}"))
                .header("content-type", "application/json")
                .body(raw)
                .send()
                .await
                .unwrap();
            resp.status().as_u16()
        });
    }
    assert!(tasks.join_all().await.into_iter().all(|s| s == 200));
    assert_eq!(store::payment::ingest::count(&app.db).await.unwrap(), 2);
    assert_eq!(outcome(app, "sepay", "501").await, "matched");
    assert_eq!(store::payment::bill(&app.db, bill2).await.unwrap().status, "paid");
    let receipt2 = store::payment::ingest::receipt(&app.db, bill2).await.unwrap().unwrap();
    assert!(receipt2.number.ends_with("-000002"), "{}", receipt2.number);
}

#[tokio::test]
async fn every_reconciliation_outcome() {
    let s = setup().await;
    let app = &s.app;
    let at = "2026-03-10 09:00:00";
    let (exact, exact_code) = bill(&s, 50_000, None).await;
    let (by_va, _) = bill(&s, 120_000, None).await;
    store::payment::link::set_virtual_account(&app.db, &Actor::system(), by_va, "VQRQ0001234").await.unwrap();
    let (under, under_code) = bill(&s, 30_000, None).await;
    let (over, over_code) = bill(&s, 40_000, None).await;
    let bogus = store::payment::PaymentCodes::new("XS", 8).unwrap().generate(42).unwrap();

    let cases = [
        (1, ACCOUNT, 50_000, format!("IBFT {exact_code}"), "in", "matched", Some(exact)),
        (2, ACCOUNT, 29_000, under_code.clone(), "in", "underpaid", Some(under)),
        (3, ACCOUNT, 45_000, over_code.clone(), "in", "overpaid", Some(over)),
        (4, ACCOUNT, 10_000, format!("tra tien {bogus}"), "in", "unknown_code", None),
        (5, ACCOUNT, 50_000, exact_code.clone(), "in", "already_paid", Some(exact)),
        (6, ACCOUNT, 50_000, exact_code.clone(), "out", "outgoing", None),
        (7, "9999999999", 50_000, exact_code.clone(), "in", "not_ours", None),
    ];
    for (id, account, amount, content, kind, _, _) in &cases {
        let (status, _) = post_sepay(app, &sepay_body(*id, account, *amount, content, kind, at), SEPAY_KEY).await;
        assert_eq!(status, 200, "case {id}");
    }
    // payOS to the bill's virtual account: matched whatever the content.
    let data = payos_data("PO-VA", "VQRQ0001234", 120_000, "thanh toan", "VQRQ0001234");
    assert_eq!(post_raw(app, "/api/v1/payments/webhooks/payos", &payos_body(&data, PAYOS_KEY), &[]).await.0, 200);

    for (id, _, _, _, _, expected, bill_id) in &cases {
        let got = store::payment::ingest::find(&app.db, "sepay", &id.to_string()).await.unwrap().unwrap();
        assert_eq!((got.outcome.as_str(), got.bill_id), (*expected, *bill_id), "case {id}");
    }
    let va = store::payment::ingest::find(&app.db, "payos", "PO-VA").await.unwrap().unwrap();
    assert_eq!((va.outcome.as_str(), va.bill_id), ("matched", Some(by_va)));
    for (id, status) in [(exact, "paid"), (by_va, "paid"), (under, "open"), (over, "open")] {
        assert_eq!(store::payment::bill(&app.db, id).await.unwrap().status, status, "bill {id}");
    }
    // The exceptions queue holds exactly the exceptions.
    let list: Vec<Value> = app.get_json(&format!("/api/v1/payments/exceptions?unit={TAN_HOA}"), &s.cashier).await;
    let mut outcomes: Vec<&str> = list.iter().map(|e| e["outcome"].as_str().unwrap()).collect();
    outcomes.sort_unstable();
    assert_eq!(outcomes, ["already_paid", "overpaid", "underpaid", "unknown_code"]);
}

#[tokio::test]
async fn exceptions_are_resolved_with_a_reason_and_audited() {
    let s = setup().await;
    let app = &s.app;
    let (bill_id, code) = bill(&s, 30_000, None).await;
    let raw = sepay_body(10, ACCOUNT, 29_000, &code, "in", "2026-03-10 09:00:00");
    assert_eq!(post_sepay(app, &raw, SEPAY_KEY).await.0, 200);
    let raw = sepay_body(11, ACCOUNT, 5_000, "khong ma", "in", "2026-03-10 09:00:00");
    assert_eq!(post_sepay(app, &raw, SEPAY_KEY).await.0, 200);
    let list: Vec<Value> =
        app.get_json(&format!("/api/v1/payments/exceptions?unit={TAN_HOA}&open=true"), &s.cashier).await;
    assert_eq!(list.len(), 2, "{list:?}");
    let under = list.iter().find(|e| e["outcome"] == "underpaid").unwrap();
    let id = under["id"].as_i64().unwrap();
    assert_eq!((under["expected"].as_i64(), under["amount"].as_i64()), (Some(30_000), Some(29_000)));
    assert!(under["raw"].as_str().unwrap().contains("29000"), "the raw notification is attached");

    let path = format!("/api/v1/payments/exceptions/{id}/resolve");
    let post = reqwest::Method::POST;
    let (status, _) = send(app, post.clone(), &path, &s.cashier, &json!({"action": "match", "bill_id": bill_id})).await;
    assert_eq!(status, 422, "a reason is required");
    let (status, _) = send(app, post.clone(), &path, &s.cashier, &json!({"action": "burn", "reason": "x"})).await;
    assert_eq!(status, 422);
    let desk = app.token("motcua.tanhoa").await;
    let body = json!({"action": "match", "bill_id": bill_id, "reason": "Thiếu 1.000đ phí ngân hàng, đã thu tiền mặt"});
    assert_eq!(send(app, post.clone(), &path, &desk, &body).await.0, 403);
    let (status, done) = send(app, post.clone(), &path, &s.cashier, &body).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!((done["resolution"].as_str(), done["bill_id"].as_i64()), (Some("match"), Some(bill_id)));
    assert!(done["resolved_by"].as_i64().is_some());
    assert_eq!(store::payment::bill(&app.db, bill_id).await.unwrap().status, "paid");
    let receipt = store::payment::ingest::receipt(&app.db, bill_id).await.unwrap().unwrap();
    assert_eq!((receipt.amount, receipt.notification_id), (29_000, Some(id)));
    assert_eq!(send(app, post.clone(), &path, &s.cashier, &body).await.0, 409, "already resolved");

    let other = list.iter().find(|e| e["outcome"] == "unknown_code").unwrap()["id"].as_i64().unwrap();
    let path = format!("/api/v1/payments/exceptions/{other}/resolve");
    let (status, done) =
        send(app, post, &path, &s.cashier, &json!({"action": "refund", "reason": "Chuyển nhầm"})).await;
    assert_eq!((status, done["resolution"].as_str()), (200, Some("refund")));

    let open: Vec<Value> = app.get_json(&format!("/api/v1/payments/exceptions?unit={TAN_HOA}"), &s.cashier).await;
    assert!(open.is_empty());
    let all: Vec<Value> =
        app.get_json(&format!("/api/v1/payments/exceptions?unit={TAN_HOA}&open=false"), &s.cashier).await;
    assert_eq!(all.len(), 2);
    let audit = audit(app).await;
    let resolved: Vec<_> = audit.iter().filter(|e| e.action == "payment.exception.resolve").collect();
    assert_eq!(resolved.len(), 2);
    assert!(
        resolved.iter().any(|e| e.object_id == id.to_string() && e.after.as_deref().unwrap().contains("phí ngân hàng"))
    );
}

#[tokio::test]
async fn the_daily_report_adds_up_the_day() {
    let s = setup().await;
    let app = &s.app;
    let day = "2026-03-10";
    let (_, a) = bill(&s, 50_000, Some(day)).await;
    let (_, b) = bill(&s, 30_000, Some(day)).await;
    let (_, c) = bill(&s, 20_000, Some(day)).await;
    bill(&s, 99_000, Some("2026-03-11")).await;
    let payments = [
        (1, 50_000, a.clone(), "in", "2026-03-10 08:00:00"),
        (2, 25_000, b.clone(), "in", "2026-03-10 23:59:00"),
        (3, 7_000, a.clone(), "out", "2026-03-10 12:00:00"),
        // 06:59 on the 11th in Vietnam is still the 10th in UTC, but belongs to the 11th.
        (4, 20_000, c.clone(), "in", "2026-03-11 06:59:00"),
        (5, 1_000, "no code".to_string(), "in", "2026-03-10 00:00:00"),
    ];
    for (id, amount, content, kind, at) in &payments {
        assert_eq!(post_sepay(app, &sepay_body(*id, ACCOUNT, *amount, content, kind, at), SEPAY_KEY).await.0, 200);
    }
    let r: Value =
        app.get_json(&format!("/api/v1/payments/accounts/{}/daily?date={day}", s.account_id), &s.cashier).await;
    assert_eq!(r["expected"], 100_000);
    assert_eq!((r["matched"].as_i64(), r["matched_count"].as_i64()), (Some(50_000), Some(1)));
    assert_eq!((r["exceptions"].as_i64(), r["exception_count"].as_i64()), (Some(26_000), Some(2)));
    assert_eq!(r["received"], 76_000);
    assert_eq!(r["ignored"], 1);
    assert_eq!((r["outstanding"].as_i64(), r["balanced"].as_bool()), (Some(50_000), Some(false)));
    let next: Value =
        app.get_json(&format!("/api/v1/payments/accounts/{}/daily?date=2026-03-11", s.account_id), &s.cashier).await;
    assert_eq!((next["expected"].as_i64(), next["matched"].as_i64()), (Some(99_000), Some(20_000)));
    let resp = app
        .client()
        .get(app.url(&format!("/api/v1/payments/accounts/{}/daily?date=2026-02-30", s.account_id)))
        .bearer_auth(&s.cashier)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
}

fn mapping() -> Value {
    json!({"txn_id": "Số tham chiếu", "date": "Ngày giao dịch", "credit": "Ghi có", "debit": "Ghi nợ",
           "content": "Nội dung"})
}

async fn upload(s: &Setup, name: &str, bytes: Vec<u8>) -> (u16, Value) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    let form = reqwest::multipart::Form::new().part("file", part);
    let resp = s
        .app
        .client()
        .post(s.app.url(&format!("/api/v1/payments/accounts/{}/statements", s.account_id)))
        .bearer_auth(&s.cashier)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn statement_import_csv_and_xlsx_with_a_saved_mapping() {
    let s = setup().await;
    let app = &s.app;
    let (paid, code) = bill(&s, 65_000, None).await;
    let (paid_x, code_x) = bill(&s, 15_000, None).await;
    let csv = format!(
        "SAO KÊ TÀI KHOẢN {ACCOUNT};;;;\nSố tham chiếu;Ngày giao dịch;Ghi nợ;Ghi có;Nội dung\n\
         FT001;10/03/2026 09:15:00;;65.000;MBVCB.123.{code}.CT tu 0123\n\
         FT002;10/03/2026 10:00:00;;12.000;ung ho\n\
         FT003;10/03/2026 11:00:00;40.000;;phi dich vu\n"
    );
    let (status, err) = upload(&s, "sk.csv", csv.clone().into_bytes()).await;
    assert_eq!(status, 422, "no mapping saved yet: {err}");
    let path = format!("/api/v1/payments/statement-mappings/{BIN}");
    let (status, saved) = send(app, reqwest::Method::PUT, &path, &s.cashier, &mapping()).await;
    assert_eq!((status, saved["credit"].as_str()), (200, Some("Ghi có")));

    let (status, out) = upload(&s, "sk.csv", csv.clone().into_bytes()).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!((out["rows"].as_i64(), out["credits"].as_i64(), out["skipped"].as_i64()), (Some(3), Some(2), Some(1)));
    assert_eq!(out["outcomes"], json!({"matched": 1, "unknown_code": 1}));
    assert_eq!(store::payment::bill(&app.db, paid).await.unwrap().status, "paid");
    assert_eq!(outcome(app, "statement", "FT001").await, "matched");
    let (_, again) = upload(&s, "sk.csv", csv.into_bytes()).await;
    assert_eq!((again["replays"].as_i64(), again["outcomes"].clone()), (Some(2), json!({})), "idempotent");

    // XLSX, with a date cell and a numeric amount.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Số tham chiếu", "Ngày giao dịch", "Ghi nợ", "Ghi có", "Nội dung"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let date = rust_xlsxwriter::ExcelDateTime::parse_from_str("2026-03-10 14:30:00").unwrap();
    let fmt = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy hh:mm");
    ws.write_string(1, 0, "FT100").unwrap();
    ws.write_datetime_with_format(1, 1, &date, &fmt).unwrap();
    ws.write_number(1, 3, 15_000.0).unwrap();
    ws.write_string(1, 4, format!("thanh toan {code_x}")).unwrap();
    let (status, out) = upload(&s, "sk.xlsx", wb.save_to_buffer().unwrap()).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["outcomes"], json!({"matched": 1}));
    assert_eq!(store::payment::bill(&app.db, paid_x).await.unwrap().status, "paid");
    let r: Value =
        app.get_json(&format!("/api/v1/payments/accounts/{}/daily?date=2026-03-10", s.account_id), &s.cashier).await;
    assert_eq!(r["matched"], 80_000, "the XLSX date cell is read as Vietnam local time");

    // A bad file is refused whole, naming the row.
    let bad =
        "Số tham chiếu,Ngày giao dịch,Ghi nợ,Ghi có,Nội dung\nFT200,10/03/2026,,5.000,a\nFT201,hôm qua,,5.000,b\n";
    let (status, err) = upload(&s, "bad.csv", bad.as_bytes().to_vec()).await;
    assert_eq!(status, 422);
    assert!(err["error"]["message"].as_str().unwrap().contains("dòng 3"), "{err}");
    assert!(store::payment::ingest::find(&app.db, "statement", "FT200").await.unwrap().is_none());
    let audit = audit(app).await;
    assert!(audit.iter().any(|e| e.action == "payment.statement_mapping.save"));
    assert_eq!(audit.iter().filter(|e| e.action == "payment.statement.import").count(), 3);
}
