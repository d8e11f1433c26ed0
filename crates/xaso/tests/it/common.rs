//! Test harness: a fresh database per test, the app on a real port, and an
//! HTTP client that logs in like a browser (cookies, CSRF token from the form).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use store::{Db, DbOptions};

/// A fresh, migrated database, and what must be kept alive with it.
pub struct TestDb {
    /// The database.
    pub db: Db,
    /// Its URL, for spawning `xaso` processes on it.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The PostgreSQL server to test against, if any.
pub fn postgres_url() -> Option<String> {
    std::env::var("XASO_TEST_POSTGRES_URL").ok().filter(|s| !s.is_empty())
}

/// Creates a fresh database: a temporary SQLite file, or a new database on
/// the PostgreSQL server named by `XASO_TEST_POSTGRES_URL`.
pub async fn fresh_db() -> TestDb {
    match postgres_url() {
        Some(admin_url) => {
            let name =
                format!("xaso_t_{}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst), rand_suffix());
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&admin_url).await.expect("connect to XASO_TEST_POSTGRES_URL");
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create test database");
            conn.close().await.ok();
            let mut url = url::Url::parse(&admin_url).expect("postgres url");
            url.set_path(&format!("/{name}"));
            let url = url.to_string();
            let db = Db::open(&url, &DbOptions { max_connections: 8, ..Default::default() })
                .await
                .expect("open test postgres db");
            TestDb { db, url, _dir: None }
        }
        None => {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("xaso.db");
            let url = path.to_string_lossy().to_string();
            let db = Db::open(&url, &DbOptions::default()).await.expect("open test sqlite db");
            TestDb { db, url, _dir: Some(dir) }
        }
    }
}

fn rand_suffix() -> u32 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0)
}

/// The app serving on a real port.
pub struct TestApp {
    /// Its address.
    pub addr: SocketAddr,
    /// Its database.
    pub db: Db,
    /// Keeps the database (and its directory) alive.
    _db_guard: TestDb,
}

impl TestApp {
    /// A fresh database with the demo data, served on 127.0.0.1:0.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(web::WebConfig::default()).await
    }

    /// Like [`spawn`](Self::spawn), with web settings.
    pub async fn spawn_with(config: web::WebConfig) -> TestApp {
        let test_db = fresh_db().await;
        store::demo::load(&test_db.db).await.expect("demo data");
        let state = web::AppState::new(test_db.db.clone(), config).await.expect("state");
        let app = web::router(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.ok();
        });
        TestApp { addr, db: test_db.db.clone(), _db_guard: test_db }
    }

    /// An absolute URL on the app.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A browser-like client (cookie store, no redirects followed).
    pub fn client(&self) -> reqwest::Client {
        browser_client()
    }

    /// A client logged in as `username` with the demo password.
    pub async fn login(&self, username: &str) -> reqwest::Client {
        let c = self.client();
        let resp = login_as(&c, &self.url(""), username, store::demo::DEMO_PASSWORD).await;
        assert_eq!(resp.status(), 303, "login of {username} should redirect");
        c
    }

    /// GETs `path` with a bearer token and parses the JSON body.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str, token: &str) -> T {
        let resp = reqwest::Client::new().get(self.url(path)).bearer_auth(token).send().await.unwrap();
        assert!(resp.status().is_success(), "GET {path}: {}", resp.status());
        resp.json().await.unwrap()
    }

    /// A bearer token for a demo user.
    pub async fn token(&self, username: &str) -> String {
        let user = store::user::find(&self.db, username).await.unwrap().expect("demo user");
        let (_, secret) =
            store::token::create(&self.db, &store::audit::Actor::system(), user.id, "test").await.unwrap();
        secret
    }
}

/// A client with a cookie store that does not follow redirects.
pub fn browser_client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

/// Extracts the CSRF token from a page's form.
pub fn csrf_from(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("page has a CSRF field") + marker.len();
    html[start..start + html[start..].find('"').expect("closing quote")].to_string()
}

/// Loads the login page, then posts the form; returns the POST's response.
pub async fn login_as(c: &reqwest::Client, base: &str, username: &str, password: &str) -> reqwest::Response {
    let page = c.get(format!("{base}/login")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_from(&page);
    c.post(format!("{base}/login"))
        .form(&[("_csrf", csrf.as_str()), ("username", username), ("password", password), ("next", "/")])
        .send()
        .await
        .unwrap()
}

/// Gets a page and returns its CSRF token.
pub async fn csrf_of(c: &reqwest::Client, url: &str) -> String {
    csrf_from(&c.get(url).send().await.unwrap().text().await.unwrap())
}

/// Counts audit rows.
pub async fn audit_count(db: &Db) -> i64 {
    store::audit::count(db).await.unwrap()
}

/// The path of the `xaso` binary built for this test run.
pub fn xaso_bin() -> &'static str {
    env!("CARGO_BIN_EXE_xaso")
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running `xaso serve` process, killed on drop.
pub struct ServerProcess {
    /// The child.
    pub child: std::process::Child,
    /// Its base URL.
    pub base: String,
}

impl ServerProcess {
    /// Starts `xaso serve` on `db_url` and waits until `/healthz` answers.
    pub async fn start(db_url: &str, demo: bool) -> ServerProcess {
        let port = free_port();
        let mut cmd = std::process::Command::new(xaso_bin());
        cmd.args(["serve", "--database-url", db_url, "--listen", &format!("127.0.0.1:{port}")])
            .env("XASO_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        if demo {
            cmd.arg("--demo");
        }
        // Owned by the guard at once, so the process is reaped on every path.
        let process =
            ServerProcess { child: cmd.spawn().expect("spawn xaso serve"), base: format!("http://127.0.0.1:{port}") };
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if let Ok(r) = client.get(format!("{}/healthz", process.base)).send().await
                && r.status().is_success()
            {
                return process;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("xaso serve did not become ready on {}", process.base);
    }

    /// Kills the process with SIGKILL (no chance to clean up).
    pub fn kill9(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// GETs `url` with a bearer `token` until the answer is not 200 — a change to
/// the token's access reaches every instance at its next credentials-epoch
/// poll — and returns that status; panics after five polls' time.
pub async fn status_once_refused(url: &str, token: &str) -> u16 {
    let client = reqwest::Client::new();
    let refused = async {
        loop {
            let status = client.get(url).bearer_auth(token).send().await.expect("request").status();
            if status != 200 {
                return status.as_u16();
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    };
    tokio::time::timeout(web::cache::EPOCH_POLL * 5, refused).await.expect("access withdrawn within the epoch poll")
}
