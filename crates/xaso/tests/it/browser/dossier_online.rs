//! A dossier's whole life in a real browser, as issue 6 asks: a citizen
//! submits it online on the portal (form and uploads, from a phone-sized
//! window), the desk officer receives it and hands it to the processor, the
//! processor completes it, the desk officer returns the result, and the
//! citizen tracks it with the code and the last 4 digits of the phone, then
//! rates it. Screenshots: `dossier-online-{1-portal,2-submitted,3-received,
//! 4-completed,5-returned,6-tracked,7-rated}.png`.

use fantoccini::{Client, Locator};

use super::{Driver, body_text, click_and_wait, screenshot, scroll_width};
use crate::common::TestApp;
use crate::dossier_public::{PDF, PNG, PROC};

async fn login(browser: &Client, app: &TestApp, username: &str) {
    browser.goto(&app.url("/login")).await.unwrap();
    let form = browser.form(Locator::Css("form[action='/login']")).await.unwrap();
    form.set_by_name("username", username).await.unwrap();
    form.set_by_name("password", store::demo::DEMO_PASSWORD).await.unwrap();
    click_and_wait(browser, Locator::XPath("//main//button[normalize-space()='Đăng nhập']")).await;
}

async fn logout(browser: &Client) {
    click_and_wait(browser, Locator::Css("form[action='/logout'] button")).await;
}

/// Opens the action form `action` on a dossier page and submits it.
async fn act(browser: &Client, action: &str) {
    if let Ok(summary) = browser.find(Locator::Css(&format!("#form-{action} summary"))).await {
        summary.click().await.unwrap();
    }
    click_and_wait(browser, Locator::Css(&format!("#form-{action} button[type=submit]"))).await;
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run"]
async fn browser_dossier_online_submit_receive_complete_return_track() {
    let driver = Driver::start().await;
    // Birth registration, offered fully online, with two required components.
    let app = crate::dossier_public::app().await;
    let files = tempfile::tempdir().expect("upload dir");
    let (form_pdf, birth_png) = (files.path().join("to-khai.pdf"), files.path().join("giay-chung-sinh.png"));
    std::fs::write(&form_pdf, PDF).unwrap();
    std::fs::write(&birth_png, PNG).unwrap();
    let profile = tempfile::tempdir().expect("profile dir");
    let browser = driver.browser(profile.path()).await;

    // 1. The citizen, on a phone: find the procedure without diacritics, fill in, upload, submit.
    browser.set_window_size(360, 800).await.unwrap();
    browser.goto(&app.url("/dich-vu-cong?q=dang+ky+khai+sinh")).await.unwrap();
    click_and_wait(&browser, Locator::Css(&format!("a[href='/dich-vu-cong/{PROC}']"))).await;
    let form = browser.form(Locator::Css(&format!("form[action^='/dich-vu-cong/{PROC}']"))).await.unwrap();
    form.set_by_name("name", "Nguyễn Thị Ánh Tuyết").await.unwrap();
    form.set_by_name("id_number", "079200001234").await.unwrap();
    form.set_by_name("phone", "0901234567").await.unwrap();
    form.set_by_name("address", "Ấp Tân Phú, xã Tân Hòa").await.unwrap();
    let unit =
        store::unit::by_code(&app.db, "31342", domain::time::local_date(chrono::Utc::now())).await.unwrap().unwrap();
    browser.find(Locator::Id("unit")).await.unwrap().select_by_value(&unit.id.to_string()).await.unwrap();
    browser.find(Locator::Id("file_0")).await.unwrap().send_keys(form_pdf.to_str().unwrap()).await.unwrap();
    browser.find(Locator::Id("file_1")).await.unwrap().send_keys(birth_png.to_str().unwrap()).await.unwrap();
    let width = scroll_width(&browser).await;
    assert!(width <= 360, "the portal form is {width} px wide at 360 px");
    screenshot(&browser, "dossier-online-1-portal.png").await;
    click_and_wait(&browser, Locator::Css("form[enctype='multipart/form-data'] button[type=submit]")).await;
    let code = browser.find(Locator::Css(".track-code")).await.expect("the dossier code").text().await.unwrap();
    assert!(code.starts_with("31342-"), "{code}");
    let text = body_text(&browser).await;
    assert!(!text.contains("0901234567") && !text.contains("079200001234"), "personal data is masked: {text}");
    screenshot(&browser, "dossier-online-2-submitted.png").await;

    // 2. The desk officer receives it (status 1 → 2) and hands it to the processor.
    browser.set_window_size(1280, 900).await.unwrap();
    login(&browser, &app, "motcua.tanhoa").await;
    browser.goto(&app.url(&format!("/dossiers/{code}"))).await.unwrap();
    act(&browser, "receive").await;
    let d = store::dossier::by_code(&app.db, &code).await.unwrap().unwrap();
    assert_eq!(d.status, 2, "received");
    browser.find(Locator::Css("#form-forward summary")).await.unwrap().click().await.unwrap();
    browser.find(Locator::Id("fw-officer")).await.unwrap().select_by_value("xuly.tanhoa").await.unwrap();
    click_and_wait(&browser, Locator::Css("#form-forward button[type=submit]")).await;
    screenshot(&browser, "dossier-online-3-received.png").await;
    logout(&browser).await;

    // 3. The processor completes it.
    login(&browser, &app, "xuly.tanhoa").await;
    browser.goto(&app.url("/dossiers")).await.unwrap();
    click_and_wait(&browser, Locator::LinkText(&code)).await;
    act(&browser, "complete").await;
    let d = store::dossier::by_code(&app.db, &code).await.unwrap().unwrap();
    assert!(d.finished_at.is_some(), "completed, status {}", d.status);
    screenshot(&browser, "dossier-online-4-completed.png").await;
    logout(&browser).await;

    // 4. The desk officer returns the result at the counter.
    login(&browser, &app, "motcua.tanhoa").await;
    browser.goto(&app.url(&format!("/dossiers/{code}"))).await.unwrap();
    act(&browser, "return_result").await;
    let d = store::dossier::by_code(&app.db, &code).await.unwrap().unwrap();
    assert_eq!(d.status, 10, "returned");
    screenshot(&browser, "dossier-online-5-returned.png").await;
    logout(&browser).await;

    // 5. The citizen tracks it on the phone and rates it.
    browser.set_window_size(360, 800).await.unwrap();
    browser.goto(&app.url(&format!("/tra-cuu/{code}"))).await.unwrap();
    browser.find(Locator::Id("phone_last4")).await.unwrap().send_keys("4567").await.unwrap();
    click_and_wait(&browser, Locator::Css(&format!("form[action='/tra-cuu/{code}'] button[type=submit]"))).await;
    let text = body_text(&browser).await;
    assert!(text.contains(&code) && text.contains("Tuyết") && !text.contains("Nguyễn Thị Ánh Tuyết"), "masked: {text}");
    assert!(text.to_lowercase().contains("trả kết quả"), "the timeline shows the return: {text}");
    let width = scroll_width(&browser).await;
    assert!(width <= 360, "the tracking page is {width} px wide at 360 px");
    screenshot(&browser, "dossier-online-6-tracked.png").await;
    browser
        .find(Locator::XPath("//form[contains(@class,'rating')]//label[input[@value='5']]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let checked = browser.execute("return document.querySelector(\"form.rating input[value='5']\").checked", vec![]);
    assert_eq!(checked.await.unwrap(), serde_json::json!(true), "five stars chosen");
    click_and_wait(&browser, Locator::Css("form.rating button[type=submit]")).await;
    let d = store::dossier::by_code(&app.db, &code).await.unwrap().unwrap();
    assert_eq!(d.rating, Some(5));
    screenshot(&browser, "dossier-online-7-rated.png").await;
}
