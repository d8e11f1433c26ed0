//! Two `xaso serve` processes on one database share their data: a user
//! created through one logs in through the other. On PostgreSQL this is the
//! multi-instance deployment; on SQLite both processes open one file.

use crate::common::{self, ServerProcess};

#[tokio::test]
async fn two_instances_share_one_database() {
    let t = common::fresh_db().await;
    store::demo::load(&t.db).await.unwrap();
    let a = ServerProcess::start(&t.url, false).await;
    let b = ServerProcess::start(&t.url, false).await;
    let admin = store::user::find(&t.db, "admin").await.unwrap().unwrap();
    let (_, token) = store::token::create(&t.db, &store::audit::Actor::system(), admin.id, "setup").await.unwrap();

    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/users", a.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({"username": "hai.instance", "display_name": "Hai Máy", "password": "mat-khau-chung", "grants": [{"role": "leader", "unit_code": "92"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201, "created on instance A");

    let c = common::browser_client();
    let resp = common::login_as(&c, &b.base, "hai.instance", "mat-khau-chung").await;
    assert_eq!(resp.status(), 303, "logs in on instance B");
    let home = c.get(format!("{}/", b.base)).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("Xin chào, Hai Máy"));
    // The session made on B is valid on A: sessions live in the database.
    let session = c.get(format!("{}/units", a.base)).send().await.unwrap();
    assert_eq!(session.status(), 200);
}
