//! Chợ 4.0 markets through the API and the manager's pages: records and
//! their validation, the unit boundary, each stall's static VietQR (payload,
//! SVG, PNG), audited status changes, the market and payment figures computed
//! from rows inserted here, and idempotent monthly stall-fee bills.

use serde_json::{Value, json};
use store::audit::{Actor, Filter};
use store::market::fees::Month;

use crate::common::{TestApp, csrf_of};

const TAN_HOA: &str = "31342";
const THANH_XUAN: &str = "31360";
const MANAGER: &str = "quanlycho.tanhoa";

async fn send(app: &TestApp, method: reqwest::Method, path: &str, token: &str, body: &Value) -> (u16, Value) {
    let resp =
        reqwest::Client::new().request(method, app.url(path)).bearer_auth(token).json(body).send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn post(app: &TestApp, path: &str, token: &str, body: &Value) -> (u16, Value) {
    send(app, reqwest::Method::POST, path, token, body).await
}

async fn patch(app: &TestApp, path: &str, token: &str, body: &Value) -> (u16, Value) {
    send(app, reqwest::Method::PATCH, path, token, body).await
}

async fn get(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    let resp = reqwest::Client::new().get(app.url(path)).bearer_auth(token).send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Creates a market of Tân Hòa; returns its id.
async fn market(app: &TestApp, token: &str, name: &str) -> i64 {
    let (status, m) = post(app, "/api/v1/markets", token, &json!({"unit": TAN_HOA, "name": name})).await;
    assert_eq!(status, 201, "{m}");
    m["id"].as_i64().unwrap()
}

/// Adds a stall; returns the created JSON.
async fn stall(app: &TestApp, token: &str, market: i64, body: Value) -> Value {
    let (status, s) = post(app, &format!("/api/v1/markets/{market}/stalls"), token, &body).await;
    assert_eq!(status, 201, "{s}");
    s
}

fn bank_stall(label: &str, account: &str, status: &str, fee: i64, feed: bool) -> Value {
    json!({"label": label, "category": "Rau củ", "method": "bank", "bin": "970405", "account": account,
           "holder": "NGUYEN THI HOA", "monthly_fee": fee, "feed_linked": feed, "status": status})
}

async fn unit_id(app: &TestApp, code: &str) -> i64 {
    let today = domain::time::local_date(chrono::Utc::now());
    store::unit::by_code(&app.db, code, today).await.unwrap().unwrap().id
}

#[tokio::test]
async fn markets_merchants_and_stalls_are_created_and_validated() {
    let app = TestApp::spawn().await;
    let manager = app.token(MANAGER).await;
    let (status, m) = post(
        &app,
        "/api/v1/markets",
        &manager,
        &json!({"unit": TAN_HOA, "name": "Chợ Một Ngàn", "address": "Xã Tân Hòa", "manager": "Ban quản lý"}),
    )
    .await;
    assert_eq!(status, 201, "{m}");
    assert_eq!((m["unit"].as_str(), m["name"].as_str()), (Some(TAN_HOA), Some("Chợ Một Ngàn")));
    let id = m["id"].as_i64().unwrap();
    let (status, _) = post(&app, "/api/v1/markets", &manager, &json!({"unit": TAN_HOA, "name": "Chợ Một Ngàn"})).await;
    assert_eq!(status, 409, "names are unique in a unit");

    let (status, merchant) = post(
        &app,
        "/api/v1/merchants",
        &manager,
        &json!({"unit": TAN_HOA, "name": "Trần Thị Bảy", "phone": "0901234567"}),
    )
    .await;
    assert_eq!(status, 201, "{merchant}");
    assert_eq!(merchant["phone_masked"], "0901 *** 567");
    let merchant_id = merchant["id"].as_i64().unwrap();

    let mut body = bank_stall("A-1", "7300205123456", "qr_displayed", 150_000, false);
    body["merchant_id"] = json!(merchant_id);
    let s = stall(&app, &manager, id, body).await;
    assert_eq!((s["bank"].as_str(), s["status"].as_str()), (Some("Agribank"), Some("qr_displayed")));
    assert_eq!(s["merchant"]["phone_masked"], "0901 *** 567");
    assert!(!s.to_string().contains("0901234567"), "the stall JSON masks the phone: {s}");
    let stall_id = s["id"].as_i64().unwrap();

    // The static payload decodes to the stall's BIN and account, without an amount.
    let listed: Vec<Value> = app.get_json(&format!("/api/v1/markets/{id}/stalls"), &manager).await;
    assert_eq!(listed.len(), 1);
    let payload = listed[0]["qr"].as_str().unwrap();
    let v = vietqr::decode(payload).unwrap().vietqr().unwrap();
    assert_eq!((v.bin.as_str(), v.account, v.amount), ("970405", "7300205123456", None));
    assert_eq!(v.initiation, vietqr::Initiation::Static);
    assert_eq!(v.additional.terminal(), Some("A-1"));

    // A wallet stall; a duplicate label; a merchant of another unit.
    let wallet = json!({"label": "A-2", "method": "wallet", "bin": "971025", "account": "0912345678"});
    let w = stall(&app, &manager, id, wallet.clone()).await;
    assert_eq!(w["bank"], "MoMo");
    assert_eq!(post(&app, &format!("/api/v1/markets/{id}/stalls"), &manager, &wallet).await.0, 409);

    let cases = [
        ("5-digit BIN", json!({"label": "B1", "method": "bank", "bin": "97040", "account": "123"}), "BIN"),
        ("unknown BIN", json!({"label": "B1", "method": "bank", "bin": "999999", "account": "123"}), "BIN"),
        ("bad account", json!({"label": "B1", "method": "bank", "bin": "970405", "account": "12 34"}), "tài khoản"),
        (
            "long account",
            json!({"label": "B1", "method": "bank", "bin": "970405", "account": "1".repeat(20)}),
            "tài khoản",
        ),
        ("bad method", json!({"label": "B1", "method": "cash", "bin": "970405", "account": "1"}), "cách nhận tiền"),
        ("QR without account", json!({"label": "B1", "status": "qr_in_use"}), "tài khoản"),
        ("bad status", json!({"label": "B1", "status": "paid"}), "trạng thái"),
        ("negative fee", json!({"label": "B1", "monthly_fee": -1}), "phí"),
        ("no label", json!({"label": "  "}), "số sạp"),
    ];
    for (what, body, word) in cases {
        let (status, err) = post(&app, &format!("/api/v1/markets/{id}/stalls"), &manager, &body).await;
        assert_eq!(status, 422, "{what}: {err}");
        let msg = err["error"]["message"].as_str().unwrap_or_default();
        assert!(msg.contains(word), "{what}: {msg}");
    }
    let (status, err) =
        post(&app, "/api/v1/merchants", &manager, &json!({"unit": TAN_HOA, "name": "X", "phone": "12345"})).await;
    assert_eq!(status, 422, "{err}");

    // Changes.
    let (status, changed) = patch(&app, &format!("/api/v1/markets/{id}"), &manager, &json!({"manager": "Bà Tư"})).await;
    assert_eq!(
        (status, changed["manager"].as_str(), changed["name"].as_str()),
        (200, Some("Bà Tư"), Some("Chợ Một Ngàn"))
    );
    let (status, s) = patch(
        &app,
        &format!("/api/v1/stalls/{stall_id}"),
        &manager,
        &json!({"category": "Thủy sản", "account": "999"}),
    )
    .await;
    assert_eq!(status, 200, "{s}");
    assert_eq!(
        (s["category"].as_str(), s["account"].as_str(), s["bin"].as_str()),
        (Some("Thủy sản"), Some("999"), Some("970405"))
    );
    let (status, err) = patch(&app, &format!("/api/v1/stalls/{stall_id}"), &manager, &json!({"bin": "123456"})).await;
    assert_eq!(status, 422, "{err}");
    let (status, s) = patch(&app, &format!("/api/v1/stalls/{stall_id}"), &manager, &json!({"merchant_id": null})).await;
    assert_eq!((status, &s["merchant"]), (200, &Value::Null));
    let (status, _) =
        patch(&app, &format!("/api/v1/merchants/{merchant_id}"), &manager, &json!({"phone": "+84 912 000 111"})).await;
    assert_eq!(status, 200);
    let all: Vec<Value> = app.get_json(&format!("/api/v1/merchants?unit={TAN_HOA}"), &manager).await;
    assert_eq!(all[0]["phone"], "0912 000 111");

    let markets: Vec<Value> = app.get_json("/api/v1/markets", &manager).await;
    assert_eq!(markets.len(), 1);
    let audit =
        store::audit::list(&app.db, &Filter { action: Some("market.".into()), limit: 500, ..Filter::default() })
            .await
            .unwrap();
    for action in
        ["market.create", "market.update", "market.merchant.create", "market.stall.create", "market.stall.update"]
    {
        assert!(audit.iter().any(|e| e.action == action), "{action} audited");
    }
    assert!(audit.iter().all(|e| !e.after.clone().unwrap_or_default().contains("0912000111")), "phones audited masked");
}

#[tokio::test]
async fn another_units_manager_is_refused() {
    let app = TestApp::spawn().await;
    let manager = app.token(MANAGER).await;
    let id = market(&app, &manager, "Chợ Một Ngàn").await;
    let s = stall(&app, &manager, id, bank_stall("A-1", "123456789", "qr_displayed", 0, false)).await;
    let stall_id = s["id"].as_i64().unwrap();

    let new = store::user::NewUser {
        username: "quanlycho.thanhxuan".into(),
        display_name: "Quản lý chợ Thạnh Xuân".into(),
        password: store::demo::DEMO_PASSWORD.into(),
        grants: vec![(domain::auth::Role::MarketManager, Some(unit_id(&app, THANH_XUAN).await))],
    };
    store::user::create(&app.db, &Actor::system(), new).await.unwrap();
    let other = app.token("quanlycho.thanhxuan").await;
    assert_eq!(get(&app, &format!("/api/v1/markets/{id}"), &other).await.0, 403);
    assert_eq!(get(&app, &format!("/api/v1/markets/{id}/stalls"), &other).await.0, 403);
    assert_eq!(get(&app, &format!("/api/v1/stalls/{stall_id}/qr.svg"), &other).await.0, 403);
    assert_eq!(post(&app, &format!("/api/v1/markets/{id}/stalls"), &other, &json!({"label": "X"})).await.0, 403);
    assert_eq!(
        patch(&app, &format!("/api/v1/stalls/{stall_id}"), &other, &json!({"status": "cash_only"})).await.0,
        403
    );
    assert_eq!(post(&app, "/api/v1/markets", &other, &json!({"unit": TAN_HOA, "name": "Chợ khác"})).await.0, 403);
    assert_eq!(get(&app, &format!("/api/v1/payments/figures?unit={TAN_HOA}"), &other).await.0, 403);
    let theirs: Vec<Value> = app.get_json("/api/v1/markets", &other).await;
    assert!(theirs.is_empty(), "another unit's markets are not listed");
    let page = app.login("quanlycho.thanhxuan").await;
    assert_eq!(page.get(app.url(&format!("/markets/{id}"))).send().await.unwrap().status(), 403);

    // The city's leader reads the commune's markets but changes nothing; a cashier has no market role.
    let leader = app.token("lanhdao").await;
    assert_eq!(get(&app, &format!("/api/v1/markets/{id}/stalls"), &leader).await.0, 200);
    assert_eq!(
        patch(&app, &format!("/api/v1/stalls/{stall_id}"), &leader, &json!({"status": "cash_only"})).await.0,
        403
    );
    let cashier = app.token("thungan.tanhoa").await;
    assert_eq!(get(&app, &format!("/api/v1/markets/{id}"), &cashier).await.0, 403);
    assert_eq!(get(&app, &format!("/api/v1/payments/figures?unit={TAN_HOA}"), &cashier).await.0, 200);
}

#[tokio::test]
async fn a_stalls_qr_is_served_as_svg_and_png() {
    let app = TestApp::spawn().await;
    let manager = app.token(MANAGER).await;
    let id = market(&app, &manager, "Chợ Một Ngàn").await;
    let s = stall(&app, &manager, id, bank_stall("A-1", "0011001234567", "qr_in_use", 0, false)).await;
    let cash = stall(&app, &manager, id, json!({"label": "A-2"})).await;
    assert_eq!(cash["qr"], Value::Null);

    let c = reqwest::Client::new();
    let svg = c.get(app.url(&format!("/api/v1/stalls/{}/qr.svg", s["id"]))).bearer_auth(&manager).send().await.unwrap();
    assert_eq!(svg.status(), 200);
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    let text = svg.text().await.unwrap();
    assert!(text.contains("<svg") && text.contains("Agribank"), "{}", &text[..text.len().min(200)]);

    let png = c.get(app.url(&format!("/api/v1/stalls/{}/qr.png", s["id"]))).bearer_auth(&manager).send().await.unwrap();
    assert_eq!(png.status(), 200);
    assert_eq!(png.headers()["content-type"], "image/png");
    let bytes = png.bytes().await.unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert!(width >= 200 && width == height, "{width}×{height}");

    let none = c.get(app.url(&format!("/api/v1/stalls/{}/qr.png", cash["id"]))).bearer_auth(&manager).send().await;
    assert_eq!(none.unwrap().status(), 404, "a cash-only stall has no code");
}

#[tokio::test]
async fn status_changes_are_audited_with_their_time() {
    let app = TestApp::spawn().await;
    let manager = app.token(MANAGER).await;
    let id = market(&app, &manager, "Chợ Một Ngàn").await;
    let a = stall(&app, &manager, id, bank_stall("A-1", "111", "cash_only", 0, false)).await;
    let b = stall(&app, &manager, id, bank_stall("A-2", "222", "cash_only", 0, false)).await;
    let c = stall(&app, &manager, id, json!({"label": "A-3"})).await;
    let a_id = a["id"].as_i64().unwrap();
    let before_at = a["status_at"].as_i64().unwrap();

    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let (status, s) =
        patch(&app, &format!("/api/v1/stalls/{a_id}"), &manager, &json!({"status": "qr_displayed"})).await;
    assert_eq!((status, s["status"].as_str()), (200, Some("qr_displayed")));
    assert!(s["status_at"].as_i64().unwrap() > before_at);
    let entries = store::audit::list(
        &app.db,
        &Filter {
            action: Some("market.stall.status".into()),
            object_id: Some(a_id.to_string()),
            limit: 500,
            ..Filter::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(entries.len(), 1);
    let (before, after): (Value, Value) = (
        serde_json::from_str(entries[0].before.as_deref().unwrap()).unwrap(),
        serde_json::from_str(entries[0].after.as_deref().unwrap()).unwrap(),
    );
    assert_eq!((before["status"].as_str(), after["status"].as_str()), (Some("cash_only"), Some("qr_displayed")));
    assert_eq!(after["status_at"], s["status_at"]);
    assert!(entries[0].actor_name.contains("quanlycho"));

    // Bulk: two change, one already there; a stall without an account refuses the whole change.
    let path = format!("/api/v1/markets/{id}/stalls/status");
    let ids = json!([a_id, b["id"], c["id"]]);
    let (status, err) = post(&app, &path, &manager, &json!({"stalls": ids, "status": "qr_in_use"})).await;
    assert_eq!(status, 422, "{err}");
    let (status, r) = post(&app, &path, &manager, &json!({"stalls": [a_id, b["id"]], "status": "qr_displayed"})).await;
    assert_eq!((status, r["changed"].as_u64(), r["unchanged"].as_u64()), (200, Some(1), Some(1)));
    let all = store::audit::list(
        &app.db,
        &Filter { action: Some("market.stall.status".into()), limit: 500, ..Filter::default() },
    )
    .await
    .unwrap();
    assert_eq!(all.len(), 2);
    let (status, _) = post(&app, &path, &manager, &json!({"stalls": [999_999], "status": "cash_only"})).await;
    assert_eq!(status, 422, "a stall of another market");

    // The page's bulk form does the same, behind CSRF.
    let browser = app.login(MANAGER).await;
    let csrf = csrf_of(&browser, &app.url(&format!("/markets/{id}"))).await;
    let form = [("_csrf", csrf.as_str()), ("stall", &a_id.to_string()), ("status", "qr_in_use")];
    let resp = browser.post(app.url(&format!("/markets/{id}/status"))).form(&form).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    let s: Value = app.get_json(&format!("/api/v1/stalls/{a_id}"), &manager).await;
    assert_eq!(s["status"], "qr_in_use");
}

/// Inserts a payment notification as the ingestion would store it.
async fn notification(
    app: &TestApp,
    txn: &str,
    account: &str,
    amount: i64,
    direction: &str,
    outcome: &str,
    at: i64,
) -> i64 {
    store::on_pool!(app.db.writer(), p => sqlx::query_scalar::<_, i64>(
        "INSERT INTO payment_notifications (provider, txn_id, bin, account, amount, direction, content, occurred_at,
             received_at, raw, outcome)
         VALUES ('sepay', $1, '970405', $2, $3, $4, 'thanh toan', $5, $5, '{}', $6) RETURNING id")
        .bind(txn).bind(account).bind(amount).bind(direction).bind(at).bind(outcome)
        .fetch_one(p).await.unwrap())
}

/// Marks a bill paid with its receipt, naming the notification that paid it (if any).
async fn pay(app: &TestApp, bill_id: i64, amount: i64, notification: Option<i64>, at: i64) {
    store::on_pool!(app.db.writer(), p => {
        sqlx::query("UPDATE bills SET status = 'paid', paid_at = $1 WHERE id = $2")
            .bind(at).bind(bill_id).execute(p).await.unwrap();
        sqlx::query("INSERT INTO receipts (bill_id, notification_id, number, amount, issued_at, verify_key)
                     VALUES ($1, $2, $3, $4, $5, 'k')")
            .bind(bill_id).bind(notification).bind(format!("BL-TEST-{bill_id}")).bind(amount).bind(at)
            .execute(p).await.unwrap();
    });
}

/// Adds Tân Hòa's receiving account; returns the admin token used.
async fn receiving_account(app: &TestApp) -> String {
    let admin = app.token("admin").await;
    let body = json!({"unit": TAN_HOA, "bin": "970436", "account": "0011001234567", "holder": "UBND XA TAN HOA"});
    assert_eq!(post(app, "/api/v1/payment-accounts", &admin, &body).await.0, 201);
    admin
}

#[tokio::test]
async fn figures_are_computed_from_the_stored_rows() {
    let app = TestApp::spawn().await;
    let manager = app.token(MANAGER).await;
    receiving_account(&app).await;
    let id = market(&app, &manager, "Chợ Một Ngàn").await;
    stall(&app, &manager, id, bank_stall("A-1", "111", "qr_in_use", 100_000, true)).await;
    stall(&app, &manager, id, bank_stall("A-2", "222", "qr_in_use", 200_000, true)).await;
    stall(&app, &manager, id, bank_stall("A-3", "333", "qr_displayed", 300_000, false)).await;
    stall(&app, &manager, id, json!({"label": "A-4"})).await;
    let empty = market(&app, &manager, "Chợ Cũ").await;
    stall(&app, &manager, empty, json!({"label": "B-1", "monthly_fee": 50_000})).await;

    let month = Month::of_ms(store::now_ms());
    let (start, end) = month.range_ms();
    let (day1, day2) = (start + 3_600_000, start + 86_400_000 + 3_600_000);
    notification(&app, "t1", "111", 50_000, "in", "not_ours", day1).await;
    notification(&app, "t2", "111", 30_000, "in", "not_ours", day1 + 60_000).await;
    notification(&app, "t3", "222", 20_000, "in", "not_ours", day2).await;
    notification(&app, "t4", "111", 70_000, "out", "outgoing", day2).await;
    notification(&app, "t5", "333", 90_000, "in", "not_ours", day2).await; // no feed linked
    notification(&app, "t6", "999", 90_000, "in", "not_ours", day2).await; // not a stall
    notification(&app, "t7", "222", 20_000, "in", "duplicate", day2).await;
    notification(&app, "t8", "111", 10_000, "in", "not_ours", end + 1).await; // next month

    let (status, run) = post(&app, &format!("/api/v1/markets/{id}/fee-bills"), &manager, &json!({})).await;
    assert_eq!((status, run["created"].as_u64(), run["no_fee"].as_u64()), (200, Some(3), Some(1)), "{run}");
    let bills: Vec<i64> = run["bill_ids"].as_array().unwrap().iter().map(|b| b.as_i64().unwrap()).collect();
    let fee_notice = notification(&app, "t9", "0011001234567", 100_000, "in", "matched", day2).await;
    let now = store::now_ms();
    pay(&app, bills[0], 100_000, Some(fee_notice), now).await;
    pay(&app, bills[1], 200_000, None, now).await;

    let (status, detail) = get(&app, &format!("/api/v1/markets/{id}?month={month}"), &manager).await;
    assert_eq!(status, 200, "{detail}");
    let f = &detail["figures"];
    assert_eq!(
        (f["stalls"].as_i64(), f["cashless"].as_i64(), f["cashless_share"].as_f64()),
        (Some(4), Some(3), Some(75.0))
    );
    assert_eq!((f["billed"]["count"].as_i64(), f["billed"]["sum"].as_i64()), (Some(3), Some(600_000)));
    assert_eq!((f["paid"]["count"].as_i64(), f["paid"]["sum"].as_i64()), (Some(2), Some(300_000)));
    assert_eq!((f["transactions"]["count"].as_i64(), f["transactions"]["sum"].as_i64()), (Some(3), Some(100_000)));
    let days = f["days"].as_array().unwrap();
    assert_eq!(days.len(), 2, "{days:?}");
    assert_eq!((days[0]["count"].as_i64(), days[0]["sum"].as_i64()), (Some(2), Some(80_000)));
    assert_eq!(days[0]["day"], month.first_day().format("%Y-%m-%d").to_string());

    let from = month.first_day().format("%Y-%m-%d").to_string();
    let to = month.last_day().format("%Y-%m-%d").to_string();
    let leader = app.token("lanhdao").await;
    for unit in [TAN_HOA, "92"] {
        let (status, pf) =
            get(&app, &format!("/api/v1/payments/figures?unit={unit}&from={from}&to={to}"), &leader).await;
        assert_eq!(status, 200, "{pf}");
        assert_eq!(
            (pf["fees"]["paid"]["count"].as_i64(), pf["fees"]["paid"]["sum"].as_i64()),
            (Some(2), Some(300_000))
        );
        assert_eq!(
            (pf["fees"]["cashless"]["count"].as_i64(), pf["fees"]["cashless_share"].as_f64()),
            (Some(1), Some(50.0))
        );
        let m = &pf["markets"];
        assert_eq!(
            (m["markets"].as_i64(), m["cho40_markets"].as_i64(), m["cho40_share"].as_f64()),
            (Some(2), Some(1), Some(50.0))
        );
        assert_eq!((m["stalls"].as_i64(), m["cashless_stalls"].as_i64()), (Some(5), Some(3)));
        assert_eq!(
            (pf["stall_transactions"]["count"].as_i64(), pf["stall_transactions"]["sum"].as_i64()),
            (Some(3), Some(100_000))
        );
        assert_eq!(
            (pf["cashless_transactions"]["count"].as_i64(), pf["cashless_transactions"]["sum"].as_i64()),
            (Some(4), Some(200_000))
        );
    }
    let (_, other) =
        get(&app, &format!("/api/v1/payments/figures?unit={THANH_XUAN}&from={from}&to={to}"), &leader).await;
    assert_eq!((other["markets"]["markets"].as_i64(), other["fees"]["paid"]["count"].as_i64()), (Some(0), Some(0)));
    assert_eq!(other["fees"]["cashless_share"], Value::Null);
    let (status, _) = get(&app, &format!("/api/v1/payments/figures?unit={TAN_HOA}&from={to}&to={from}"), &leader).await;
    assert_eq!(status, 422, "to before from");
    assert_eq!(get(&app, &format!("/api/v1/payments/figures?unit={TAN_HOA}&from=x"), &leader).await.0, 422);
}

#[tokio::test]
async fn monthly_fee_bills_are_created_once_per_stall() {
    let app = TestApp::spawn().await;
    let manager = app.token(MANAGER).await;
    let id = market(&app, &manager, "Chợ Một Ngàn").await;
    for (i, fee) in [150_000, 200_000, 0].into_iter().enumerate() {
        stall(&app, &manager, id, json!({"label": format!("A-{i}"), "monthly_fee": fee})).await;
    }
    let path = format!("/api/v1/markets/{id}/fee-bills");
    let (status, err) = post(&app, &path, &manager, &json!({})).await;
    assert_eq!(status, 422, "no receiving account yet: {err}");
    let admin = receiving_account(&app).await;

    let (status, first) = post(&app, &path, &manager, &json!({"month": "2026-03"})).await;
    assert_eq!((status, first["created"].as_u64(), first["existing"].as_u64()), (200, Some(2), Some(0)), "{first}");
    let (_, again) = post(&app, &path, &manager, &json!({"month": "2026-03"})).await;
    assert_eq!((again["created"].as_u64(), again["existing"].as_u64()), (Some(0), Some(2)));
    let bill: Value = app.get_json(&format!("/api/v1/bills/{}", first["bill_ids"][0]), &admin).await;
    assert_eq!(
        (bill["kind"].as_str(), bill["amount"].as_i64(), bill["due_date"].as_str()),
        (Some("stall"), Some(150_000), Some("2026-03-31"))
    );

    // Concurrent runs for another month still make one bill per stall.
    let client = reqwest::Client::new();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let req = client.post(app.url(&path)).bearer_auth(&manager).json(&json!({"month": "2026-04"}));
        tasks.spawn(
            async move { req.send().await.unwrap().json::<Value>().await.unwrap()["created"].as_u64().unwrap() },
        );
    }
    let created: u64 = tasks.join_all().await.into_iter().sum();
    assert_eq!(created, 2);
    let count = store::on_pool!(app.db.reader(), p => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM bills WHERE kind = 'stall'").fetch_one(p).await.unwrap());
    assert_eq!(count, 4);
    assert_eq!(post(&app, &path, &manager, &json!({"month": "2026-13"})).await.0, 422);
}

#[tokio::test]
async fn the_manager_pages_list_markets_and_mask_phones() {
    let app = TestApp::spawn().await;
    let manager = app.token(MANAGER).await;
    let id = market(&app, &manager, "Chợ Một Ngàn").await;
    let (_, merchant) = post(
        &app,
        "/api/v1/merchants",
        &manager,
        &json!({"unit": TAN_HOA, "name": "Nguyễn Thị Ánh Tuyết", "phone": "0901234567"}),
    )
    .await;
    let mut body = bank_stall("A-1", "123456789", "qr_displayed", 150_000, false);
    body["merchant_id"] = merchant["id"].clone();
    let s = stall(&app, &manager, id, body).await;

    let browser = app.login(MANAGER).await;
    let list = browser.get(app.url("/markets")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("Chợ Một Ngàn") && list.contains(&format!("/markets/{id}")));
    let page = browser.get(app.url(&format!("/markets/{id}?status=qr_displayed"))).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Nguyễn Thị Ánh Tuyết") && html.contains("0901 *** 567"));
    assert!(!html.contains("0901234567") && !html.contains("0901 234 567"), "the phone is masked");
    assert!(html.contains(&format!("/stalls/{}/standee.pdf?paper=a6", s["id"])));
    let none =
        browser.get(app.url(&format!("/markets/{id}?status=cash_only"))).send().await.unwrap().text().await.unwrap();
    assert!(!none.contains("Ánh Tuyết"), "the status filter hides the stall");

    // Adding a stall with a bad BIN shows the message beside the form.
    let csrf = csrf_of(&browser, &app.url(&format!("/markets/{id}"))).await;
    let form = [("_csrf", csrf.as_str()), ("label", "A-9"), ("method", "bank"), ("bin", "999999"), ("account", "1")];
    let resp = browser.post(app.url(&format!("/markets/{id}/stalls"))).form(&form).send().await.unwrap();
    assert_eq!(resp.status(), 422);
    assert!(resp.text().await.unwrap().contains("BIN"));

    let pdf = browser.get(app.url(&format!("/stalls/{}/standee.pdf?paper=a6", s["id"]))).send().await.unwrap();
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));
    let all = browser.get(app.url(&format!("/markets/{id}/standees.pdf?paper=a5"))).send().await.unwrap();
    assert_eq!(all.status(), 200);
    let bad = browser.get(app.url(&format!("/markets/{id}/standees.pdf?paper=a3"))).send().await.unwrap();
    assert_eq!(bad.status(), 422);
}

#[tokio::test]
async fn the_demo_markets_load_once() {
    let app = TestApp::spawn().await;
    assert_eq!(store::market::demo::load_demo(&app.db).await.unwrap(), 3);
    assert_eq!(store::market::demo::load_demo(&app.db).await.unwrap(), 0);
    let markets = store::market::markets(&app.db).await.unwrap();
    assert_eq!(markets.len(), 3);
    for m in &markets {
        let stalls = store::market::stall::stalls(&app.db, m.id).await.unwrap();
        assert!((18..=22).contains(&stalls.len()), "{}: {}", m.name, stalls.len());
        let statuses: std::collections::HashSet<_> = stalls.iter().map(|s| s.stall.status).collect();
        assert_eq!(statuses.len(), 3, "mixed statuses in {}", m.name);
        assert!(stalls.iter().filter_map(|s| s.stall.payload()).all(|p| vietqr::decode(&p).is_ok()));
    }
}
