//! The queue in a real browser: the kiosk issues a ticket, the counter
//! console calls it, and the display board, open in another window and fed
//! by the event stream, shows it. Screenshots of each screen are saved.

use std::time::Duration;

use fantoccini::{Client, Locator};

use super::{Driver, body_text, click_and_wait, screenshot};
use crate::common::TestApp;

const CENTER: &str = "31342-TTPVHCC";

/// Waits until `script` returns true in the page, or fails with `what`.
async fn wait_for(browser: &Client, script: &str, what: &str) {
    for _ in 0..100 {
        if browser.execute(script, vec![]).await.ok().and_then(|v| v.as_bool()) == Some(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: not true after 10 s\n{}", body_text(browser).await);
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run"]
async fn browser_kiosk_issues_console_calls_board_shows() {
    let driver = Driver::start().await;
    let app = TestApp::spawn().await;
    let yesterday = domain::time::local_date(chrono::Utc::now()).pred_opt().unwrap();
    store::queue::demo::load_demo(&app.db, yesterday).await.unwrap();
    let center = store::queue::center_by_code(&app.db, CENTER).await.unwrap().unwrap();
    let counter = store::queue::counter_by_code(&app.db, center.id, "1").await.unwrap().unwrap();
    let hotich = store::queue::service_by_code(&app.db, center.id, "HT").await.unwrap().unwrap();
    let profile = tempfile::tempdir().expect("profile dir");
    let browser = driver.browser(profile.path()).await;

    // The display board, public, in the first window.
    browser.goto(&app.url(&format!("/board/{CENTER}"))).await.expect("open the board");
    let board_window = browser.window().await.unwrap();
    wait_for(&browser, "return document.querySelector('[data-status]').hidden === true", "the board is online").await;

    // A desk officer logs in (officers may stand in for the kiosk) in a second window.
    let second = browser.new_window(true).await.expect("new window");
    let second_window = second.handle.clone();
    browser.switch_to_window(second.handle).await.unwrap();
    browser.goto(&app.url("/login")).await.unwrap();
    let form = browser.form(Locator::Css("form[action='/login']")).await.unwrap();
    form.set_by_name("username", "motcua.tanhoa").await.unwrap();
    form.set_by_name("password", store::demo::DEMO_PASSWORD).await.unwrap();
    click_and_wait(&browser, Locator::XPath("//main//button[normalize-space()='Đăng nhập']")).await;

    // The kiosk: one tap on "Hộ tịch" gives ticket A001 with its QR code.
    browser.goto(&app.url(&format!("/kiosk/{CENTER}"))).await.unwrap();
    // Headless Chromium has no printer: keep the automatic print from opening a dialog.
    browser.execute("window.print = function () { window.__printed = true; }", vec![]).await.unwrap();
    let tap = browser.find(Locator::Css("button.service[value='HT']")).await.expect("the Hộ tịch button");
    let size = tap.rectangle().await.unwrap();
    assert!(size.3 >= 64.0, "kiosk buttons are at least 64 px tall, this one is {} px", size.3);
    let wide = browser
        .execute(
            "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)\
             .map(e => e.tagName + '.' + e.className).slice(0, 5).join(', ')",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(wide.as_str(), Some(""), "nothing on the kiosk is wider than the screen");
    screenshot(&browser, "queue-kiosk.png").await;
    click_and_wait(&browser, Locator::Css("button.service[value='HT']")).await;
    let number = browser.find(Locator::Css(".slip-number")).await.unwrap().text().await.unwrap();
    let ticket_id: i64 = browser.current_url().await.unwrap().path().rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(number, format!("{}001", hotich.prefix));
    assert!(browser.find(Locator::Css(".slip-qr svg")).await.is_ok(), "the slip carries a QR code");
    let text = body_text(&browser).await;
    assert!(text.contains("Số người chờ trước bạn"), "{text}");
    screenshot(&browser, "queue-kiosk-ticket.png").await;

    // The counter console calls it with the keyboard shortcut N.
    browser.goto(&app.url(&format!("/queue/counters/{}", counter.id))).await.unwrap();
    let waiting = browser.find(Locator::Css(".waiting")).await.unwrap().text().await.unwrap();
    assert!(waiting.contains(&number), "the waiting list shows {number}:\n{waiting}");
    browser.find(Locator::Css("body")).await.unwrap().send_keys("n").await.unwrap();
    wait_for(
        &browser,
        &format!("var c = document.querySelector('[data-current]'); return !!c && c.textContent.trim() === '{number}'"),
        "the console shows the called ticket",
    )
    .await;
    screenshot(&browser, "queue-console.png").await;

    // The board, fed by the event stream, shows the call at Quầy 1.
    browser.switch_to_window(board_window).await.unwrap();
    wait_for(
        &browser,
        &format!(
            "return [...document.querySelectorAll('.board-now .cell')].some(c => \
             c.querySelector('.counter').textContent.trim() === '{}' && c.querySelector('.number').textContent.trim() === '{number}')",
            counter.name
        ),
        "the board shows the call",
    )
    .await;
    let recent = browser.find(Locator::Css("[data-recent]")).await.unwrap().text().await.unwrap();
    assert!(recent.contains(&number), "the last calls list it:\n{recent}");
    screenshot(&browser, "queue-board.png").await;

    // The citizen's phone, from the QR code: the turn has come.
    let secret = store::settings::secret(&app.db).await.unwrap();
    let key = domain::auth::link_key(&secret, "ticket", &ticket_id.to_string());
    browser.set_window_size(360, 800).await.unwrap();
    browser.goto(&app.url(&format!("/q/{ticket_id}?k={key}"))).await.unwrap();
    let turn = browser.find(Locator::Css("[data-turn]")).await.expect("the phone says it is their turn");
    assert!(turn.text().await.unwrap().contains(&counter.name));
    let width = super::scroll_width(&browser).await;
    assert!(width <= 360, "the ticket page is {width} px wide on a phone");
    screenshot(&browser, "queue-phone-ticket.png").await;
    browser.set_window_size(1280, 900).await.unwrap();

    // The statistics page (the last seven days, with yesterday's demo history).
    browser.switch_to_window(second_window).await.unwrap();
    browser.goto(&app.url(&format!("/queue/{CENTER}/stats"))).await.unwrap();
    assert!(browser.find(Locator::Css("svg.chart")).await.is_ok(), "charts drawn on the server");
    screenshot(&browser, "queue-stats.png").await;

    browser.close().await.expect("close the browser");
    drop(driver);
}
