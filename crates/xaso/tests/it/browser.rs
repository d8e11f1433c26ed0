//! Browser smoke test: a real headless Chromium, driven over WebDriver by
//! `fantoccini` through Debian's `chromedriver`, walks the shell of the
//! application the way a person would: public home page, login, greeting,
//! the units page, the English switch, logout, and a phone-sized viewport.
//!
//! It is `#[ignore]`d because it needs `chromium` and `chromium-driver`
//! installed; `.ci/run` installs them and runs it with `--ignored`. The
//! screenshots land in `target/screenshots/` for a person to look at.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use crate::common::{self, TestApp};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const SCREENSHOTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/screenshots");

/// Chromium's flags: headless, and quiet (no network of its own, no
/// component updates, no sync) so that the test only sees our server.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
];

/// A running `chromedriver`, killed on drop (with its Chromium) so that a
/// failing assertion does not leave them behind.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    /// Starts chromedriver on a free port and waits until it answers.
    async fn start() -> Driver {
        // Two rustls providers are compiled in (ring for the app's mail and SMS
        // clients, aws-lc-rs for fantoccini's): name the process-wide one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let port = common::free_port();
        let mut cmd = Command::new(CHROMEDRIVER);
        cmd.arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null());
        // A process group of its own, which the Chromium it launches joins:
        // dropping the driver can then end the browser too.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER} (apt-get install chromium-driver): {e}"));
        let driver = Driver { child, url: format!("http://127.0.0.1:{port}") };
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(r) = http.get(format!("{}/status", driver.url)).send().await
                && r.status().is_success()
            {
                return driver;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("chromedriver did not answer on {}", driver.url);
    }

    /// Opens a browser session with a fresh profile in `profile`.
    async fn browser(&self, profile: &Path) -> Client {
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.push("--window-size=1280,900".into());
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "chrome".into());
        caps.insert("goog:chromeOptions".into(), serde_json::json!({ "binary": CHROMIUM, "args": args }));
        ClientBuilder::rustls()
            .expect("TLS connector")
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("open a Chromium session through chromedriver")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // After a failed assertion the browser session was never closed:
        // kill the whole group (chromedriver and Chromium), not only the driver.
        #[cfg(unix)]
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// Saves a PNG screenshot of the viewport under `target/screenshots/`.
async fn screenshot(browser: &Client, name: &str) {
    let png = browser.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "{name}: the screenshot is not a PNG");
    std::fs::create_dir_all(SCREENSHOTS).expect("create target/screenshots");
    let path = Path::new(SCREENSHOTS).join(name);
    std::fs::write(&path, png).expect("write screenshot");
    eprintln!("screenshot: {}", path.display());
}

/// The visible text of the page.
async fn body_text(browser: &Client) -> String {
    browser.find(Locator::Css("body")).await.expect("body").text().await.expect("body text")
}

/// Clicks and waits until the browser has loaded a new document. The old
/// `<html>` element going stale is the sign: the URL alone cannot tell,
/// since logout and the language switch come back to the same address.
async fn click_and_wait(browser: &Client, locator: Locator<'_>) {
    let old = browser.find(Locator::Css("html")).await.expect("html");
    browser.find(locator).await.expect("element to click").click().await.expect("click");
    for _ in 0..200 {
        if old.tag_name().await.is_err() {
            browser.find(Locator::Css("body")).await.expect("the new page has a body");
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no new page 10 s after the click");
}

/// `document.documentElement.scrollWidth`, the page's laid-out width.
async fn scroll_width(browser: &Client) -> u64 {
    let v = browser.execute("return document.documentElement.scrollWidth", vec![]).await.expect("run script");
    v.as_u64().unwrap_or_else(|| panic!("scrollWidth is not a number: {v}"))
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run"]
async fn browser_smoke_login_home_logout() {
    let driver = Driver::start().await;
    let app = TestApp::spawn().await;
    let profile = tempfile::tempdir().expect("profile dir");
    let browser = driver.browser(profile.path()).await;

    // The public home page, in Vietnamese.
    browser.goto(&app.url("/")).await.expect("open /");
    let h1 = browser.find(Locator::Css("main h1")).await.expect("h1").text().await.unwrap();
    assert_eq!(h1, "Dịch vụ công cho người dân");
    assert_eq!(browser.find(Locator::Css("html")).await.unwrap().attr("lang").await.unwrap().as_deref(), Some("vi"));

    // Log in as the administrator through the form.
    browser.goto(&app.url("/login")).await.expect("open /login");
    let form = browser.form(Locator::Css("form[action='/login']")).await.expect("login form");
    form.set_by_name("username", "admin").await.expect("fill username");
    form.set_by_name("password", store::demo::DEMO_PASSWORD).await.expect("fill password");
    click_and_wait(&browser, Locator::XPath("//main//button[normalize-space()='Đăng nhập']")).await;

    // The home page greets the admin, and the header offers logout.
    assert_eq!(browser.current_url().await.unwrap().path(), "/");
    let text = body_text(&browser).await;
    assert!(text.contains("Xin chào, Quản trị hệ thống"), "home should greet the admin:\n{text}");
    assert!(browser.find(Locator::Css("form[action='/logout'] button")).await.is_ok(), "logout button");
    screenshot(&browser, "foundation-home.png").await;

    // A staff page behind the login: the unit tree as of today, where the
    // demo communes belong to Thành phố Cần Thơ since 1 July 2025.
    browser.goto(&app.url("/units")).await.expect("open /units");
    assert_eq!(browser.current_url().await.unwrap().path(), "/units", "admin may see /units");
    let text = body_text(&browser).await;
    assert!(
        text.contains("Thành phố Cần Thơ") && text.contains("Xã Tân Hòa"),
        "the units page lists the demo units:\n{text}"
    );
    screenshot(&browser, "foundation-units.png").await;

    // A phone-sized viewport: the home page must not scroll sideways.
    browser.goto(&app.url("/")).await.expect("open /");
    browser.set_window_size(360, 800).await.expect("resize to 360 px");
    let inner = browser.execute("return window.innerWidth", vec![]).await.unwrap();
    assert_eq!(inner.as_u64(), Some(360), "the viewport should be 360 px wide");
    let width = scroll_width(&browser).await;
    assert!(width <= 360, "the home page is {width} px wide at a 360 px viewport (horizontal scroll)");
    screenshot(&browser, "foundation-home-mobile.png").await;
    browser.set_window_size(1280, 900).await.expect("resize back");

    // Switch to English through the header link.
    click_and_wait(&browser, Locator::Css("header a[hreflang='en']")).await;
    assert_eq!(browser.current_url().await.unwrap().path(), "/", "the switch returns to the same page");
    let h1 = browser.find(Locator::Css("main h1")).await.expect("h1").text().await.unwrap();
    assert_eq!(h1, "Public services for citizens");
    let text = body_text(&browser).await;
    assert!(text.contains("Hello, Quản trị hệ thống"), "English greeting:\n{text}");

    // Log out: the session ends and the login link is back.
    click_and_wait(&browser, Locator::Css("form[action='/logout'] button")).await;
    assert!(browser.find(Locator::Css("header a[href='/login']")).await.is_ok(), "the login link is back after logout");
    assert!(browser.find(Locator::Css("form[action='/logout']")).await.is_err(), "no logout button after logout");
    let text = body_text(&browser).await;
    assert!(!text.contains("Quản trị hệ thống"), "the admin's name is gone after logout:\n{text}");
    browser.goto(&app.url("/units")).await.expect("open /units");
    assert_eq!(browser.current_url().await.unwrap().path(), "/login", "/units needs a login again");

    browser.close().await.expect("close the browser");
    drop(driver);
}

mod dossier_online;
mod dossier_pages;
mod payments;
mod queue;
