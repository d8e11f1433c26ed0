//! Login, lockout, cookies, CSRF, logout, password change and API tokens.

use sha2::Digest;

use crate::common::{self, TestApp};

fn set_cookies(resp: &reqwest::Response) -> Vec<String> {
    resp.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).map(str::to_string).collect()
}

#[tokio::test]
async fn login_sets_a_session_cookie_with_safe_flags() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let resp = common::login_as(&c, &app.url(""), "admin", store::demo::DEMO_PASSWORD).await;
    assert_eq!(resp.status(), 303);
    let cookie = set_cookies(&resp).into_iter().find(|c| c.starts_with("xaso_session=")).expect("session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain HTTP must not mark the cookie Secure: {cookie}");
    // The session works: the home page greets the user.
    let home = c.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("Xin chào, Quản trị hệ thống"), "home should greet the admin");

    // Behind an HTTPS proxy the cookie is Secure.
    let c2 = app.client();
    let page = c2.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let csrf = common::csrf_from(&page);
    let resp = c2
        .post(app.url("/login"))
        .header("x-forwarded-proto", "https")
        .form(&[("_csrf", csrf.as_str()), ("username", "admin"), ("password", store::demo::DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = set_cookies(&resp).into_iter().find(|c| c.starts_with("xaso_session=")).expect("session cookie");
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn secure_cookies_setting_marks_every_cookie_secure() {
    let app = TestApp::spawn_with(web::WebConfig { secure_cookies: true, ..Default::default() }).await;
    let resp = app.client().get(app.url("/login")).send().await.unwrap();
    let pre = set_cookies(&resp).into_iter().find(|c| c.starts_with("xaso_pre=")).expect("pre-login cookie");
    assert!(pre.contains("; Secure") && pre.contains("HttpOnly") && pre.contains("SameSite=Lax"), "{pre}");
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_account() {
    let app = TestApp::spawn().await;
    let c = app.client();
    for i in 1..=4 {
        let resp = common::login_as(&c, &app.url(""), "motcua.tanhoa", "wrong-password").await;
        assert_eq!(resp.status(), 401, "attempt {i} is refused but not yet locked");
        let body = resp.text().await.unwrap();
        assert!(body.contains("Tên đăng nhập hoặc mật khẩu không đúng"));
    }
    let resp = common::login_as(&c, &app.url(""), "motcua.tanhoa", "wrong-password").await;
    assert_eq!(resp.status(), 429, "the fifth failure locks");
    assert!(resp.text().await.unwrap().contains("tạm khóa"));
    // Even the right password is refused while locked.
    let resp = common::login_as(&c, &app.url(""), "motcua.tanhoa", store::demo::DEMO_PASSWORD).await;
    assert_eq!(resp.status(), 429);
    // Another account is not affected.
    let other = common::login_as(&app.client(), &app.url(""), "xuly.tanhoa", store::demo::DEMO_PASSWORD).await;
    assert_eq!(other.status(), 303);
    let rows = store::audit::list(
        &app.db,
        &store::audit::Filter { action: Some("auth.login".into()), limit: 100, ..Default::default() },
    )
    .await
    .unwrap();
    let failed = rows.iter().filter(|r| r.action == "auth.login_failed" && r.object_id == "motcua.tanhoa").count();
    let locked = rows.iter().filter(|r| r.action == "auth.login_locked").count();
    assert_eq!((failed, locked), (5, 1), "each failure and the locked attempt are audited");
}

#[tokio::test]
async fn lockout_expires_after_its_period() {
    let app = TestApp::spawn_with(web::WebConfig {
        lockout: domain::auth::LockoutPolicy { max_failures: 2, window_secs: 60, lock_secs: 1 },
        ..Default::default()
    })
    .await;
    let c = app.client();
    common::login_as(&c, &app.url(""), "admin", "nope-nope").await;
    assert_eq!(common::login_as(&c, &app.url(""), "admin", "nope-nope").await.status(), 429);
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    assert_eq!(common::login_as(&c, &app.url(""), "admin", store::demo::DEMO_PASSWORD).await.status(), 303);
}

#[tokio::test]
async fn posts_without_a_valid_csrf_token_are_refused() {
    let app = TestApp::spawn().await;
    // Login form without the token.
    let c = app.client();
    c.get(app.url("/login")).send().await.unwrap();
    let resp = c
        .post(app.url("/login"))
        .form(&[("username", "admin"), ("password", store::demo::DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);

    // A logged-in admin creating a user without, or with a forged, token.
    let admin = app.login("admin").await;
    let before = store::user::list(&app.db).await.unwrap().len();
    let form = [
        ("username", "csrf.victim"),
        ("display_name", "X"),
        ("password", "mat-khau-dai"),
        ("role", "leader"),
        ("unit", ""),
    ];
    let resp = admin.post(app.url("/admin/users")).form(&form).send().await.unwrap();
    assert_eq!(resp.status(), 403);
    let mut forged = form.to_vec();
    forged.push(("_csrf", "00000000000000000000000000000000000000000"));
    assert_eq!(admin.post(app.url("/admin/users")).form(&forged).send().await.unwrap().status(), 403);
    // A token from another browser's session is not valid for this one.
    let other = app.login("admin").await;
    let foreign = common::csrf_of(&other, &app.url("/admin/users")).await;
    let mut stolen = form.to_vec();
    stolen.push(("_csrf", foreign.as_str()));
    assert_eq!(admin.post(app.url("/admin/users")).form(&stolen).send().await.unwrap().status(), 403);
    // Cookie-authenticated API writes need the header too.
    let resp = admin
        .post(app.url("/api/v1/users"))
        .json(&serde_json::json!({"username": "csrf.api", "password": "mat-khau-dai", "grants": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(store::user::list(&app.db).await.unwrap().len(), before, "no user was created");

    // With the right token the same form works.
    let token = common::csrf_of(&admin, &app.url("/admin/users")).await;
    let mut ok = form.to_vec();
    ok.push(("_csrf", token.as_str()));
    let resp = admin.post(app.url("/admin/users")).form(&ok).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(store::user::find(&app.db, "csrf.victim").await.unwrap().is_some());
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = TestApp::spawn().await;
    let c = app.login("xuly.tanhoa").await;
    assert_eq!(c.get(app.url("/units")).send().await.unwrap().status(), 200);
    let csrf = common::csrf_of(&c, &app.url("/")).await;
    let resp = c.post(app.url("/logout")).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    let resp = c.get(app.url("/units")).send().await.unwrap();
    assert_eq!(resp.status(), 303, "after logout a staff page redirects to the login");
    assert_eq!(resp.headers()["location"], "/login?next=%2Funits");
}

#[tokio::test]
async fn password_change_checks_the_current_one_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let c = app.login("thungan.tanhoa").await;
    let other = app.login("thungan.tanhoa").await;
    let csrf = common::csrf_of(&c, &app.url("/account/password")).await;
    let wrong = c
        .post(app.url("/account/password"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("current", "not-it-at-all"),
            ("new", "mat-khau-moi-2026"),
            ("confirm", "mat-khau-moi-2026"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 422);
    assert!(wrong.text().await.unwrap().contains("mật khẩu hiện tại không đúng"));
    let ok = c
        .post(app.url("/account/password"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("current", store::demo::DEMO_PASSWORD),
            ("new", "mat-khau-moi-2026"),
            ("confirm", "mat-khau-moi-2026"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(c.get(app.url("/units")).send().await.unwrap().status(), 200, "this session stays");
    assert_eq!(other.get(app.url("/units")).send().await.unwrap().status(), 303, "the other session ended");
    assert_eq!(
        common::login_as(&app.client(), &app.url(""), "thungan.tanhoa", store::demo::DEMO_PASSWORD).await.status(),
        401
    );
    assert_eq!(
        common::login_as(&app.client(), &app.url(""), "thungan.tanhoa", "mat-khau-moi-2026").await.status(),
        303
    );
}

#[tokio::test]
async fn api_tokens_are_stored_hashed_and_can_be_revoked() {
    let app = TestApp::spawn().await;
    let user = store::user::find(&app.db, "solieu.tanhoa").await.unwrap().unwrap();
    let (id, secret) = store::token::create(&app.db, &store::audit::Actor::system(), user.id, "kiosk-1").await.unwrap();
    assert!(secret.starts_with("xs_"));
    let stored: Vec<(String, String)> = match app.db.reader() {
        store::Pool::Sqlite(p) => sqlx::query_as("SELECT name, token_hash FROM api_tokens").fetch_all(p).await.unwrap(),
        store::Pool::Postgres(p) => {
            sqlx::query_as("SELECT name, token_hash FROM api_tokens").fetch_all(p).await.unwrap()
        }
    };
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].1, secret, "the secret itself is not stored");
    assert!(!stored[0].1.contains(&secret[3..]), "no part of the secret is stored");
    assert_eq!(stored[0].1, hex::encode(sha2::Sha256::digest(secret.as_bytes())));

    let api = reqwest::Client::new();
    let me: serde_json::Value =
        api.get(app.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["username"], "solieu.tanhoa");
    assert_eq!(me["grants"][0]["role"], "data_officer");
    assert_eq!(me["grants"][0]["unit_code"], "31342");

    // Verified tokens are remembered under the credentials epoch, which the
    // revocation moves; every instance reads the epoch each second.
    store::token::revoke(&app.db, &store::audit::Actor::system(), id).await.unwrap();
    assert_eq!(common::status_once_refused(&app.url("/api/v1/me"), &secret).await, 401);
    let resp = api.get(app.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap();
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["status"], 401);
    assert_eq!(api.get(app.url("/api/v1/me")).bearer_auth("xs_forged").send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn a_tokens_principal_follows_grant_and_user_changes_made_elsewhere() {
    let app = TestApp::spawn().await;
    let cli = store::audit::Actor::cli();
    let user = store::user::find(&app.db, "solieu.tanhoa").await.unwrap().unwrap();
    let (_, secret) = store::token::create(&app.db, &cli, user.id, "integration").await.unwrap();
    let api = reqwest::Client::new();
    let me = || async { api.get(app.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap() };
    let first: serde_json::Value = me().await.json().await.unwrap();
    assert_eq!(first["grants"].as_array().unwrap().len(), 1);

    // The grant goes away through the store, as the CLI would do it: the server
    // sees the change at its next epoch poll, without a restart.
    let grant = store::user::grants(&app.db, user.id).await.unwrap().remove(0);
    store::user::remove_grant(&app.db, &cli, user.id, grant.id).await.unwrap();
    // A user left with no grant may not use the API at all.
    assert_eq!(common::status_once_refused(&app.url("/api/v1/me"), &secret).await, 403);

    // Given back, then the user disabled: the token is refused.
    store::user::add_grant(&app.db, &cli, user.id, grant.role, grant.unit_id).await.unwrap();
    let regranted = async {
        while me().await.status() != 200 {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    };
    tokio::time::timeout(web::cache::EPOCH_POLL * 5, regranted).await.expect("the new grant is seen");
    store::user::set_active(&app.db, &cli, user.id, false).await.unwrap();
    assert_eq!(common::status_once_refused(&app.url("/api/v1/me"), &secret).await, 401);
}
