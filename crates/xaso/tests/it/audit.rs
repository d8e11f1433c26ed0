//! The audit log: every state change leaves a row with actor, time, unit,
//! action, object, before/after, request id and client address; and the
//! log cannot be edited.

use crate::common::{self, TestApp};

#[tokio::test]
async fn every_state_change_is_audited_with_its_request() {
    let app = TestApp::spawn().await;
    let api = reqwest::Client::new();
    let token = app.token("admin").await;
    let start = common::audit_count(&app.db).await;

    // Create a user through the API, with a request id of our own.
    let resp = api
        .post(app.url("/api/v1/users"))
        .bearer_auth(&token)
        .header("x-request-id", "req-create-user-1")
        .json(&serde_json::json!({"username": "kiemtra", "display_name": "Kiểm Tra", "password": "mat-khau-dai",
                                  "grants": [{"role": "processor", "unit_code": "31348"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    assert_eq!(resp.headers()["x-request-id"], "req-create-user-1");
    let created: serde_json::Value = resp.json().await.unwrap();

    // Create a unit.
    let resp = api
        .post(app.url("/api/v1/units"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"code": "31348-A99", "name": "Ấp Mới", "kind": "ap", "parent_code": "31348", "valid_from": "2026-03-01", "note": "test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);

    // Change a password through the page, and log in.
    let c = app.client();
    assert_eq!(common::login_as(&c, &app.url(""), "kiemtra", "mat-khau-dai").await.status(), 303);
    let csrf = common::csrf_of(&c, &app.url("/account/password")).await;
    let resp = c
        .post(app.url("/account/password"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("current", "mat-khau-dai"),
            ("new", "mat-khau-dai-hon"),
            ("confirm", "mat-khau-dai-hon"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    let rows = store::audit::list(&app.db, &store::audit::Filter { limit: 50, ..Default::default() }).await.unwrap();
    let new_rows: Vec<_> = rows.iter().filter(|r| r.id > start).collect();
    let actions: Vec<&str> = new_rows.iter().rev().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["user.create", "unit.create", "auth.login", "user.password"]);

    let user_row = new_rows.iter().find(|r| r.action == "user.create").unwrap();
    assert_eq!(user_row.actor_name, "admin");
    assert_eq!(user_row.request_id, "req-create-user-1");
    assert_eq!(user_row.client_addr, "127.0.0.1");
    assert_eq!(user_row.object_id, created["id"].to_string());
    assert!(user_row.unit_id.is_some(), "the grant's unit is recorded");
    let after: serde_json::Value = serde_json::from_str(user_row.after.as_deref().unwrap()).unwrap();
    assert_eq!(after["username"], "kiemtra");
    assert!(!user_row.after.as_deref().unwrap().contains("mat-khau"), "no password in the log");
    let pw_row = new_rows.iter().find(|r| r.action == "user.password").unwrap();
    assert_eq!(pw_row.actor_name, "kiemtra");
    assert!(!pw_row.request_id.is_empty(), "a generated request id is recorded");
}

#[tokio::test]
async fn token_and_grant_changes_are_audited() {
    let app = TestApp::spawn().await;
    let actor = store::audit::Actor::cli();
    let user = store::user::find(&app.db, "lanhdao").await.unwrap().unwrap();
    let start = common::audit_count(&app.db).await;
    let (id, _) = store::token::create(&app.db, &actor, user.id, "display-1").await.unwrap();
    store::token::revoke(&app.db, &actor, id).await.unwrap();
    store::user::add_grant(&app.db, &actor, user.id, domain::auth::Role::DataOfficer, None).await.unwrap();
    let grant = store::user::grants(&app.db, user.id)
        .await
        .unwrap()
        .into_iter()
        .find(|g| g.role == domain::auth::Role::DataOfficer)
        .unwrap();
    store::user::remove_grant(&app.db, &actor, user.id, grant.id).await.unwrap();
    store::user::set_active(&app.db, &actor, user.id, false).await.unwrap();
    let rows = store::audit::list(&app.db, &store::audit::Filter { limit: 10, ..Default::default() }).await.unwrap();
    let actions: Vec<&str> = rows.iter().filter(|r| r.id > start).rev().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["token.create", "token.revoke", "user.grant", "user.revoke_grant", "user.disable"]);
    assert!(rows.iter().all(|r| r.id <= start || r.actor_name.starts_with("cli:")));
}

#[tokio::test]
async fn the_audit_log_cannot_be_edited() {
    let app = TestApp::spawn().await;
    assert!(common::audit_count(&app.db).await > 0, "the demo load is audited");
    let (upd, del) = match app.db.writer() {
        store::Pool::Sqlite(p) => (
            sqlx::query("UPDATE audit_log SET actor_name = 'x'").execute(p).await.is_err(),
            sqlx::query("DELETE FROM audit_log").execute(p).await.is_err(),
        ),
        store::Pool::Postgres(p) => (
            sqlx::query("UPDATE audit_log SET actor_name = 'x'").execute(p).await.is_err(),
            sqlx::query("DELETE FROM audit_log").execute(p).await.is_err(),
        ),
    };
    assert!(upd && del, "the database refuses UPDATE and DELETE on audit_log");
}

#[tokio::test]
async fn admins_filter_the_audit_log() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin").await;
    let page = admin.get(app.url("/admin/audit?action=auth.&actor=admin")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("auth.login"));
    assert!(!page.contains("unit.import"), "the filter excludes other actions");
    let token = app.token("admin").await;
    let rows: Vec<serde_json::Value> = app.get_json("/api/v1/audit?action=unit.&limit=5", &token).await;
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r["action"] == "unit.import"));
    assert!(rows[0]["at"].as_str().unwrap().ends_with("+07:00"));
}
