//! The officers' dossier pages in a real browser: a processor logs in, sees
//! the inbox with its overdue / due-soon banner (also at 360 px, without the
//! page scrolling sideways), opens a dossier, forwards it through the page's
//! form, and the reports page (over generated dossiers) draws its chart and the 766 table.
//! Screenshots: `dossier-1-inbox.png`, `dossier-1-inbox-360.png`,
//! `dossier-2-page.png`, `dossier-3-forwarded.png`, `dossier-4-reports.png`.

use fantoccini::Locator;

use super::{Driver, body_text, click_and_wait, screenshot, scroll_width};
use crate::dossier_pages::{app, local, receive_at};

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run"]
async fn browser_dossier_pages_inbox_page_action_reports() {
    let driver = Driver::start().await;
    let app = app().await;
    let sys = store::audit::Actor::system();
    store::dossier::generate::generate(&app.db, &sys, 300, store::now_ms(), 5).await.unwrap();
    let d = receive_at(&app, "31342", "1.001193", "Nguyễn Thị Ánh Tuyết", store::now_ms()).await;
    receive_at(&app, "31342", "1.001193", "Trần Văn Bình", local("2025-03-03 08:00")).await;
    receive_at(&app, "31342", "1.000001", "Lê Thị Cúc", store::now_ms()).await;
    let profile = tempfile::tempdir().expect("profile dir");
    let browser = driver.browser(profile.path()).await;
    browser.set_window_size(1280, 900).await.unwrap();

    browser.goto(&app.url("/login")).await.unwrap();
    let form = browser.form(Locator::Css("form[action='/login']")).await.unwrap();
    form.set_by_name("username", "xuly.tanhoa").await.unwrap();
    form.set_by_name("password", store::demo::DEMO_PASSWORD).await.unwrap();
    click_and_wait(&browser, Locator::XPath("//main//button[normalize-space()='Đăng nhập']")).await;

    // The inbox, most urgent first, with the alert banner.
    browser.goto(&app.url("/dossiers?status=2")).await.unwrap();
    let text = body_text(&browser).await;
    assert!(text.contains("1 hồ sơ quá hạn") && text.contains("1 hồ sơ sắp đến hạn"), "{text}");
    screenshot(&browser, "dossier-1-inbox.png").await;
    browser.set_window_size(360, 800).await.unwrap();
    let width = scroll_width(&browser).await;
    assert!(width <= 360, "the inbox is {width} px wide at 360 px");
    screenshot(&browser, "dossier-1-inbox-360.png").await;
    browser.set_window_size(1280, 900).await.unwrap();

    // A received dossier: its page, then forward it through the form.
    let code = d.code.clone();
    click_and_wait(&browser, Locator::LinkText(&code)).await;
    let text = body_text(&browser).await;
    assert!(text.contains(&code) && text.contains("Thao tác tiếp theo"), "{text}");
    screenshot(&browser, "dossier-2-page.png").await;
    browser.find(Locator::Css("#form-forward summary")).await.unwrap().click().await.unwrap();
    let officer = browser.find(Locator::Id("fw-officer")).await.unwrap();
    officer.select_by_value("xuly.tanhoa").await.unwrap();
    click_and_wait(&browser, Locator::Css("#form-forward button[type=submit]")).await;
    let text = body_text(&browser).await;
    assert!(text.contains("Đã thực hiện: Chuyển xử lý"), "{text}");
    screenshot(&browser, "dossier-3-forwarded.png").await;

    // The reports page: chart and the 766 table.
    browser.goto(&app.url("/dossiers/reports?by=procedure")).await.unwrap();
    let text = body_text(&browser).await;
    assert!(text.contains("Chỉ số 766") && text.contains("2.1"), "{text}");
    browser.find(Locator::Css("figure.chart-box svg")).await.expect("the chart");
    screenshot(&browser, "dossier-4-reports.png").await;
}
