//! The payment pages over real HTTP: the cashier's new-bill form (CSRF, field
//! refusals with 422), the list and the bill page; the public pay page (QR,
//! amount, content, masked payer, 404 for an unknown code) whose status JSON
//! turns paid after a signed SePay webhook; two different transfers for one
//! bill arriving together; a batch file of 500 bills created by its job with
//! progress and a refused row; the bill's own phone used by `payment.paid`;
//! and the unit boundary (another commune's cashier is refused, the pay page
//! needs no login).

use serde_json::{Value, json};
use store::audit::Actor;

use crate::common::{TestApp, csrf_of};

const TAN_HOA: &str = "31342";
const BIN: &str = "970436";
const ACCOUNT: &str = "0011001234567";
const SEPAY_KEY: &str = "sepay-api-key-pages";

/// Tân Hòa's receiving account and the SePay key; returns (unit id, account id).
pub(crate) async fn setup(app: &TestApp) -> (i64, i64) {
    let admin = app.token("admin").await;
    let client = reqwest::Client::new();
    let body = json!({"unit": TAN_HOA, "bin": BIN, "account": ACCOUNT, "holder": "UBND XA TAN HOA"});
    let resp = client.post(app.url("/api/v1/payment-accounts")).bearer_auth(&admin).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 201);
    let account: Value = resp.json().await.unwrap();
    let resp = client
        .put(app.url("/api/v1/payments/providers/sepay"))
        .bearer_auth(&admin)
        .json(&json!({"secret": SEPAY_KEY}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let today = domain::time::local_date(chrono::Utc::now());
    let unit = store::unit::by_code(&app.db, TAN_HOA, today).await.unwrap().unwrap();
    (unit.id, account["id"].as_i64().unwrap())
}

/// A bill through the API; returns (id, payment code).
async fn api_bill(app: &TestApp, cashier: &str, payer: Value, amount: i64) -> (i64, String) {
    let body = json!({"unit": TAN_HOA, "kind": "fee", "payer": payer, "lines": [{"label": "Lệ phí", "amount": amount}],
                      "due_date": "2026-12-31"});
    let resp = reqwest::Client::new().post(app.url("/api/v1/bills")).bearer_auth(cashier).json(&body).send().await;
    let resp = resp.unwrap();
    assert_eq!(resp.status(), 201);
    let b: Value = resp.json().await.unwrap();
    (b["id"].as_i64().unwrap(), b["payment_code"].as_str().unwrap().to_string())
}

/// A SePay money-in notification, signed with the API key; returns the HTTP status.
pub(crate) async fn sepay(app: &TestApp, id: i64, amount: i64, content: &str) -> u16 {
    let body = json!({"id": id, "gateway": "Vietcombank", "transactionDate": "2026-03-10 09:00:00",
                      "accountNumber": ACCOUNT, "code": null, "content": content, "transferType": "in",
                      "transferAmount": amount, "accumulated": 0, "subAccount": null,
                      "referenceCode": format!("FT{id}"), "description": content});
    reqwest::Client::new()
        .post(app.url("/api/v1/payments/webhooks/sepay"))
        .header("authorization", format!("Apikey {SEPAY_KEY}"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn text(c: &reqwest::Client, url: &str) -> (u16, String) {
    let resp = c.get(url).send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test]
async fn a_cashier_creates_a_bill_through_the_form_and_finds_it() {
    let app = TestApp::spawn().await;
    let (unit_id, account_id) = setup(&app).await;
    let c = app.login("thungan.tanhoa").await;
    let csrf = csrf_of(&c, &app.url("/payments/bills/new")).await;
    let (unit, account) = (unit_id.to_string(), account_id.to_string());
    let form = |amount: &'static str, phone: &'static str| {
        vec![
            ("_csrf", csrf.clone()),
            ("unit", unit.clone()),
            ("account", account.clone()),
            ("kind", "fee".into()),
            ("payer_name", "Nguyễn Thị Ánh Tuyết".into()),
            ("payer_ref", "HS-2026-0042".into()),
            ("payer_phone", phone.into()),
            ("payer_email", "".into()),
            ("label", "Lệ phí khai sinh".into()),
            ("amount", amount.into()),
            ("label", "Bản sao".into()),
            ("amount", "10.000".into()),
            ("label", "".into()),
            ("amount", "".into()),
            ("due_date", "2026-12-31".into()),
            ("dossier", "".into()),
        ]
    };

    // Without the CSRF token the post is refused.
    let no_csrf: Vec<_> = form("50000", "").into_iter().filter(|(k, _)| *k != "_csrf").collect();
    let resp = c.post(app.url("/payments/bills/new")).form(&no_csrf).send().await.unwrap();
    assert_eq!(resp.status(), 403);

    // A bad amount and a bad phone come back next to their fields, with 422.
    let resp = c.post(app.url("/payments/bills/new")).form(&form("50 nghìn", "12345")).send().await.unwrap();
    assert_eq!(resp.status(), 422);
    let page = resp.text().await.unwrap();
    assert!(page.contains("id=\"err-line1\"") && page.contains("Số tiền phải là số đồng nguyên"), "{page}");
    assert!(page.contains("id=\"err-payer_phone\""), "the phone's refusal stands by the phone");
    assert!(page.contains("value=\"Nguyễn Thị Ánh Tuyết\""), "what was typed is kept");

    // A good form creates the bill and opens its page.
    let resp = c.post(app.url("/payments/bills/new")).form(&form("1.250.000", "0912 345 678")).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = location.strip_prefix("/payments/bills/").unwrap().parse().unwrap();
    let bill = store::payment::bill(&app.db, id).await.unwrap();
    assert_eq!((bill.amount, bill.payer_phone.as_deref()), (1_260_000, Some("0912345678")));
    assert_eq!(bill.lines.len(), 2, "the empty row is ignored");

    let (status, page) = text(&c, &app.url(&location)).await;
    assert_eq!(status, 200);
    for want in [bill.payment_code.as_str(), "1.260.000 ₫", "Chờ thanh toán", "<svg", "0912 345 678", "Vietcombank"]
    {
        assert!(page.contains(want), "the bill page shows {want}");
    }
    assert!(page.contains(&format!("/pay/{}", bill.payment_code)), "the public pay link");
    assert!(!page.contains("<?xml"), "the QR is inline SVG");

    let (status, list) = text(&c, &app.url("/payments")).await;
    assert_eq!(status, 200);
    assert!(list.contains(&bill.payment_code) && list.contains("Nguyễn Thị Ánh Tuyết"), "the bill is on the list");
    let (_, found) = text(&c, &app.url("/payments?q=anh+tuyet&status=open")).await;
    assert!(found.contains(&bill.payment_code), "search without diacritics finds the payer");
    let (_, none) = text(&c, &app.url("/payments?status=paid")).await;
    assert!(!none.contains(&bill.payment_code), "the status filter leaves it out");
    let audit = store::audit::list(&app.db, &Default::default()).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "payment.bill.create" && e.object_id == id.to_string()));
}

#[tokio::test]
async fn the_pay_page_shows_the_bill_and_turns_paid_after_a_signed_webhook() {
    let app = TestApp::spawn().await;
    setup(&app).await;
    let (id, code) =
        api_bill(&app, &app.token("thungan.tanhoa").await, json!({"name": "Nguyễn Văn An", "ref": "HS-1"}), 1_250_000)
            .await;
    let anon = app.client();

    let (status, page) = text(&anon, &app.url(&format!("/pay/{code}"))).await;
    assert_eq!(status, 200, "no login needed");
    for want in
        ["1.250.000 ₫", "<svg", code.as_str(), "Vietcombank", ACCOUNT, "UBND XA TAN HOA", "N. V. An", "31/12/2026"]
    {
        assert!(page.contains(want), "the pay page shows {want}");
    }
    assert!(!page.contains("Nguyễn Văn An"), "the payer's full name is masked");
    assert!(page.contains("data-copy=\"") && page.contains("VNPT Money"), "copy button and wallet instructions");

    let status_url = app.url(&format!("/pay/{code}/status"));
    let s: Value = anon.get(&status_url).send().await.unwrap().json().await.unwrap();
    assert_eq!((s["status"].as_str(), s["paid"].as_bool()), (Some("open"), Some(false)));

    let png = anon.get(app.url(&format!("/pay/{code}/qr.png"))).send().await.unwrap();
    assert_eq!(png.headers()["content-type"], "image/png");
    assert!(png.bytes().await.unwrap().starts_with(b"\x89PNG"));
    let svg = anon.get(app.url(&format!("/pay/{code}/qr.svg"))).send().await.unwrap();
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().contains("1.250.000"), "the SVG is captioned with the amount");

    let (status, missing) = text(&anon, &app.url("/pay/XS00000000Z")).await;
    assert_eq!(status, 404);
    assert!(missing.contains("Không tìm thấy phiếu thu") && missing.contains("XS00000000Z"), "{missing}");
    assert_eq!(anon.get(app.url("/pay/XS00000000Z/status")).send().await.unwrap().status(), 404);

    // The bank tells SePay; the status flips to paid with the receipt link.
    assert_eq!(sepay(&app, 7001, 1_250_000, &format!("MBVCB.123.{code}.CT")).await, 200);
    let s: Value = anon.get(&status_url).send().await.unwrap().json().await.unwrap();
    assert_eq!((s["status"].as_str(), s["paid"].as_bool()), (Some("paid"), Some(true)));
    assert_eq!(s["label"], "Đã thanh toán");
    let receipt = store::payment::ingest::receipt(&app.db, id).await.unwrap().unwrap();
    assert!(s["receipt_url"].as_str().unwrap().contains(&format!("/bien-lai/{}?k=", receipt.number)));
    let (_, page) = text(&anon, &app.url(&format!("/pay/{code}"))).await;
    assert!(page.contains("Đã thanh toán") && page.contains(&receipt.number), "the paid page links the receipt");
}

#[tokio::test]
async fn two_transfers_for_one_bill_arriving_together_pay_it_once() {
    let app = TestApp::spawn().await;
    setup(&app).await;
    let (id, code) =
        api_bill(&app, &app.token("thungan.tanhoa").await, json!({"name": "Trần Thị Bình"}), 300_000).await;
    let other_content = format!("CK {code}");
    let (a, b) = tokio::join!(sepay(&app, 8001, 300_000, &code), sepay(&app, 8002, 300_000, &other_content));
    assert_eq!((a, b), (200, 200));
    let mut outcomes = Vec::new();
    for txn in ["8001", "8002"] {
        outcomes.push(store::payment::ingest::find(&app.db, "sepay", txn).await.unwrap().unwrap().outcome);
    }
    outcomes.sort();
    assert_eq!(outcomes, ["already_paid", "matched"], "one pays the bill, the other is an exception");
    assert_eq!(store::payment::bill(&app.db, id).await.unwrap().status, "paid");
    let unit = store::payment::bill(&app.db, id).await.unwrap().unit_id;
    let open = store::payment::exception::list(&app.db, unit, true, 10).await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].bill_id, Some(id));

    // The cashier sees it on the exceptions page and refunds it with a reason.
    let c = app.login("thungan.tanhoa").await;
    let (status, page) = text(&c, &app.url("/payments/exceptions")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Phiếu đã được thanh toán trước đó") && page.contains(&code), "{page}");
    let csrf = crate::common::csrf_from(&page);
    let url = app.url(&format!("/payments/exceptions/{}/resolve", open[0].id));
    let resp = c.post(&url).form(&[("_csrf", csrf.as_str()), ("action", "refund"), ("reason", "")]).send().await;
    assert_eq!(resp.unwrap().status(), 422, "a reason is required");
    let form = [("_csrf", csrf.as_str()), ("action", "refund"), ("reason", "Chuyển trùng, đã hoàn lại")];
    let resp = c.post(&url).form(&form).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    let e = store::payment::exception::get(&app.db, open[0].id).await.unwrap();
    assert_eq!(e.resolution.as_deref(), Some("refund"));
}

fn batch_csv(rows: usize) -> String {
    let mut csv = String::from("Danh sách thu học phí học kỳ I,,,\nHọ tên,Mã học sinh,Số điện thoại,Số tiền\n");
    for i in 0..rows {
        csv.push_str(&format!("Học sinh số {i},HS{i:04},,{}\n", 1_000_000 + i));
    }
    csv.push_str("Lê Văn Sai,HS9998,,một triệu\n");
    csv.push_str("Lê Thị Lỗi,HS9999,12345,500000\n");
    csv
}

#[tokio::test]
async fn a_batch_file_becomes_its_bills_through_the_job_with_progress() {
    let app = TestApp::spawn().await;
    let (unit_id, account_id) = setup(&app).await;
    let c = app.login("thungan.tanhoa").await;
    let csrf = csrf_of(&c, &app.url("/payments/batches")).await;
    let upload = |bytes: Vec<u8>| {
        reqwest::multipart::Form::new()
            .text("unit", unit_id.to_string())
            .text("account", account_id.to_string())
            .text("kind", "school")
            .text("label", "Học phí học kỳ I")
            .text("due_date", "2026-09-30")
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name("hoc-phi.csv"))
    };
    let url = app.url(&format!("/payments/batches?_csrf={csrf}"));

    // A file without the needed header is refused whole, beside the file field.
    let resp = c.post(&url).multipart(upload(b"a,b\n1,2\n".to_vec())).send().await.unwrap();
    assert_eq!(resp.status(), 422);
    assert!(resp.text().await.unwrap().contains("id=\"upload-error\""));

    let resp = c.post(&url).multipart(upload(batch_csv(500).into_bytes())).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    let progress_url = app.url(&format!("/payments/batches/{id}/progress"));
    let p: Value = c.get(&progress_url).send().await.unwrap().json().await.unwrap();
    assert_eq!((p["total"].as_i64(), p["handled"].as_i64(), p["done"].as_bool()), (Some(502), Some(0), Some(false)));
    let (status, page) = text(&c, &app.url(&location)).await;
    assert_eq!(status, 200);
    assert!(page.contains("<progress") && page.contains("max=\"502\""), "a real progress bar");
    assert!(text(&c, &app.url("/payments/batches")).await.1.contains("hoc-phi.csv"), "the batch can be found again");

    // The job creates the bills in chunks; a rerun changes nothing.
    let jobs = web::jobs::builtin();
    while web::jobs::run_once(&app.db, &jobs, "test").await.unwrap() {}
    store::payment::batch::run(&app.db, id).await.unwrap();
    let p: Value = c.get(&progress_url).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        (p["handled"].as_i64(), p["created"].as_i64(), p["failed"].as_i64(), p["done"].as_bool()),
        (Some(502), Some(500), Some(2), Some(true))
    );
    let batch = store::payment::batch::get(&app.db, id).await.unwrap();
    let rows: Vec<i64> = batch.errors.iter().map(|e| e.row).collect();
    assert_eq!(rows, [503, 504], "the refused rows by their spreadsheet numbers");
    assert!(batch.errors[1].reason.contains("điện thoại"), "{:?}", batch.errors);
    let bills = store::payment::list::batch_bills(&app.db, id).await.unwrap();
    assert_eq!(bills.len(), 500);
    assert_eq!((bills[0].amount, bills[0].payer_ref.as_str()), (1_000_000, "HS0000"));
    assert_eq!((bills[0].description.as_str(), bills[0].due_date.as_deref()), ("Học phí học kỳ I", Some("2026-09-30")));

    let (_, page) = text(&c, &app.url(&location)).await;
    assert!(page.contains("Đã xong") && page.contains("một triệu"), "done, with the refused rows");
    let csv = c.get(app.url(&format!("/payments/batches/{id}/bills.csv"))).send().await.unwrap();
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.unwrap();
    assert_eq!(csv.lines().count(), 501, "a header and one line per bill");
    assert!(csv.contains(&bills[0].payment_code) && csv.contains(&format!("/pay/{}", bills[0].payment_code)));
    let xlsx = c.get(app.url(&format!("/payments/batches/{id}/bills.xlsx"))).send().await.unwrap();
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
    let (_, list) = text(&c, &app.url(&format!("/payments?batch={id}"))).await;
    assert!(list.contains("(500)"), "the list filtered by batch counts its bills");
}

#[tokio::test]
async fn the_payers_phone_and_email_on_the_bill_are_told_when_it_is_paid() {
    let app = TestApp::spawn().await;
    setup(&app).await;
    let payer = json!({"name": "Võ Thị Cúc", "ref": "HO-12", "phone": "0912 345 678", "email": "cuc@example.vn"});
    let cashier = app.token("thungan.tanhoa").await;
    let (id, code) = api_bill(&app, &cashier, payer, 45_000).await;
    assert_eq!(store::notify::contact::bill_payer_phone(&app.db, id).await.unwrap().as_deref(), Some("0912345678"));
    assert_eq!(store::notify::contact::bill_payer_email(&app.db, id).await.unwrap().as_deref(), Some("cuc@example.vn"));
    let got: Value = app.get_json(&format!("/api/v1/bills/{id}"), &cashier).await;
    assert_eq!(got["payer"]["phone"], "0912345678", "the API echoes the contact to staff");

    assert_eq!(sepay(&app, 9001, 45_000, &code).await, 200);
    let jobs = web::jobs::with_notify(&web::notify::NotifyConfig::default()).unwrap();
    while web::jobs::run_once(&app.db, &jobs, "test").await.unwrap() {}
    let unit = store::payment::bill(&app.db, id).await.unwrap().unit_id;
    let sent = store::notify::delivery::list(&app.db, unit, None, 50).await.unwrap();
    let mut paid: Vec<(&str, &str)> = sent
        .iter()
        .filter(|n| n.kind == "payment_received")
        .map(|n| (n.channel.as_str(), n.recipient.as_str()))
        .collect();
    paid.sort();
    assert_eq!(paid, [("email", "cu***@example.vn"), ("sms", "0912 *** 678")], "{sent:?}");
}

#[tokio::test]
async fn another_communes_cashier_is_refused_and_the_pay_page_is_public() {
    let app = TestApp::spawn().await;
    setup(&app).await;
    let (id, code) = api_bill(&app, &app.token("thungan.tanhoa").await, json!({"name": "Đặng Văn Xuân"}), 20_000).await;
    let today = domain::time::local_date(chrono::Utc::now());
    let thanh_xuan = store::unit::by_code(&app.db, "31360", today).await.unwrap().unwrap();
    let new = store::user::NewUser {
        username: "thungan.thanhxuan".into(),
        display_name: "Thu ngân Thạnh Xuân".into(),
        password: store::demo::DEMO_PASSWORD.into(),
        grants: vec![(domain::auth::Role::Cashier, Some(thanh_xuan.id))],
    };
    store::user::create(&app.db, &Actor::system(), new).await.unwrap();
    let other = app.login("thungan.thanhxuan").await;
    assert_eq!(other.get(app.url(&format!("/payments/bills/{id}"))).send().await.unwrap().status(), 403);
    let (status, list) = text(&other, &app.url("/payments")).await;
    assert_eq!(status, 200);
    assert!(!list.contains(&code), "another commune's bills are not listed");
    let desk = app.login("motcua.tanhoa").await;
    assert_eq!(desk.get(app.url("/payments")).send().await.unwrap().status(), 403, "no payments role");

    let anon = app.client();
    let resp = anon.get(app.url("/payments")).send().await.unwrap();
    assert_eq!(resp.status(), 303, "staff pages need a login");
    assert_eq!(anon.get(app.url(&format!("/pay/{code}"))).send().await.unwrap().status(), 200);
}
