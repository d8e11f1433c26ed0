//! Payments in a real browser: a cashier creates a fee bill through the
//! form, opens its public payment page with the QR code (also at 360 px,
//! without sideways scrolling), a signed SePay webhook sent over HTTP pays
//! the bill and the open page turns green by itself, without a reload; then
//! the market manager opens a market's page and its standees PDF answers.
//! Screenshots: `payments-0-new-bill.png`, `payments-0-bill.png`, `payments-1-pay-page.png`, `payments-1-pay-page-360.png`,
//! `payments-2-paid.png`, `payments-3-market.png`.

use std::time::Duration;

use fantoccini::{Client, Locator};

use super::{Driver, body_text, click_and_wait, screenshot, scroll_width};
use crate::common::TestApp;
use crate::payment_pages::{sepay, setup};

/// Waits until an element matching `css` is on the page.
async fn until_present(browser: &Client, css: &str, what: &str) {
    for _ in 0..150 {
        if browser.find(Locator::Css(css)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: no {css} after 15 s\n{}", body_text(browser).await);
}

async fn log_in(browser: &Client, app: &TestApp, username: &str) {
    browser.goto(&app.url("/login")).await.unwrap();
    let form = browser.form(Locator::Css("form[action='/login']")).await.unwrap();
    form.set_by_name("username", username).await.unwrap();
    form.set_by_name("password", store::demo::DEMO_PASSWORD).await.unwrap();
    click_and_wait(browser, Locator::XPath("//main//button[normalize-space()='Đăng nhập']")).await;
}

async fn type_into(browser: &Client, id: &str, text: &str) {
    browser.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("no #{id}")).send_keys(text).await.unwrap();
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run"]
async fn browser_payments_bill_pays_live_and_standees_print() {
    let driver = Driver::start().await;
    let app = TestApp::spawn().await;
    setup(&app).await;
    store::market::demo::load_demo(&app.db).await.unwrap();
    let profile = tempfile::tempdir().expect("profile dir");
    let browser = driver.browser(profile.path()).await;

    // The cashier creates a fee bill through the form.
    log_in(&browser, &app, "thungan.tanhoa").await;
    browser.goto(&app.url("/payments/bills/new")).await.unwrap();
    type_into(&browser, "b-name", "Nguyễn Thị Ánh Tuyết").await;
    type_into(&browser, "b-ref", "HS-2026-0007").await;
    type_into(&browser, "b-phone", "0901 234 567").await;
    type_into(&browser, "b-label-1", "Lệ phí đăng ký khai sinh").await;
    type_into(&browser, "b-amount-1", "1.250.000").await;
    screenshot(&browser, "payments-0-new-bill.png").await;
    click_and_wait(&browser, Locator::Css("form.bill-form button[type='submit']")).await;
    let path = browser.current_url().await.unwrap().path().to_string();
    assert!(path.starts_with("/payments/bills/"), "the bill's page opens: {path}");
    let code = browser.find(Locator::Css(".bill-head code")).await.unwrap().text().await.unwrap();
    assert!(body_text(&browser).await.contains("1.250.000 ₫"));
    screenshot(&browser, "payments-0-bill.png").await;

    // Its public payment page shows the QR code.
    browser.goto(&app.url(&format!("/pay/{code}"))).await.unwrap();
    until_present(&browser, ".pay-qr svg", "the QR code").await;
    let text = body_text(&browser).await;
    assert!(text.contains("1.250.000 ₫") && text.contains(&code) && text.contains("Chờ thanh toán"), "{text}");
    screenshot(&browser, "payments-1-pay-page.png").await;

    // On a 360 px phone it does not scroll sideways.
    browser.set_window_size(360, 800).await.unwrap();
    assert_eq!(browser.execute("return window.innerWidth", vec![]).await.unwrap().as_u64(), Some(360));
    let width = scroll_width(&browser).await;
    assert!(width <= 360, "the pay page is {width} px wide at 360 px");
    screenshot(&browser, "payments-1-pay-page-360.png").await;

    // A signed SePay webhook pays the bill; the open page turns green by itself.
    browser.execute("window.__sameDocument = true", vec![]).await.unwrap();
    assert_eq!(sepay(&app, 424_242, 1_250_000, &format!("MBVCB.88.{code}.chuyen khoan")).await, 200);
    until_present(&browser, "#pay-status.paid", "the paid status").await;
    let same = browser.execute("return window.__sameDocument === true", vec![]).await.unwrap();
    assert_eq!(same.as_bool(), Some(true), "the page turned paid without a reload");
    let status = browser.find(Locator::Css("#pay-status")).await.unwrap().text().await.unwrap();
    assert!(status.contains("Đã thanh toán"), "{status}");
    let receipt = browser.find(Locator::Id("pay-receipt")).await.unwrap();
    assert!(receipt.is_displayed().await.unwrap(), "the receipt link shows");
    assert!(receipt.attr("href").await.unwrap().unwrap_or_default().contains("/bien-lai/"));
    screenshot(&browser, "payments-2-paid.png").await;
    browser.set_window_size(1280, 900).await.unwrap();

    // The market manager opens a market, and the standees PDF answers.
    click_and_wait(&browser, Locator::Css("form[action='/logout'] button")).await;
    log_in(&browser, &app, "quanlycho.tanhoa").await;
    let tan_hoa =
        store::unit::by_code(&app.db, "31342", domain::time::local_date(chrono::Utc::now())).await.unwrap().unwrap();
    let market = store::market::markets(&app.db).await.unwrap().into_iter().find(|m| m.unit_id == tan_hoa.id).unwrap();
    browser.goto(&app.url(&format!("/markets/{}", market.id))).await.unwrap();
    assert!(body_text(&browser).await.contains(&market.name));
    let link = browser.find(Locator::Css("a[href$='standees.pdf?paper=a6']")).await.expect("the standees link");
    let href = link.attr("href").await.unwrap().expect("href");
    let head = browser
        .execute_async(
            "var done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(function (r) { return r.arrayBuffer().then(function (b) {
               done(r.status + ' ' + r.headers.get('content-type') + ' ' +
                    String.fromCharCode.apply(null, new Uint8Array(b.slice(0, 5))));
             }); }, function (e) { done('error ' + e); });",
            vec![serde_json::Value::String(href)],
        )
        .await
        .unwrap();
    assert_eq!(head.as_str(), Some("200 application/pdf %PDF-"), "the standees PDF");
    screenshot(&browser, "payments-3-market.png").await;

    browser.close().await.expect("close the browser");
    drop(driver);
}
