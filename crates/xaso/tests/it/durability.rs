//! Durability: `kill -9` of the server while it takes writes loses no write
//! it had acknowledged.

use std::sync::Arc;

use tokio::sync::Mutex;

use crate::common::{self, ServerProcess};

#[tokio::test]
async fn kill_9_loses_no_acknowledged_write() {
    let t = common::fresh_db().await;
    store::demo::load(&t.db).await.unwrap();
    let admin = store::user::find(&t.db, "admin").await.unwrap().unwrap();
    let (_, token) = store::token::create(&t.db, &store::audit::Actor::system(), admin.id, "writer").await.unwrap();
    let mut server = ServerProcess::start(&t.url, false).await;
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let client = reqwest::Client::new();

    let mut writers = Vec::new();
    for w in 0..8 {
        let (client, token, base, acked) = (client.clone(), token.clone(), server.base.clone(), acked.clone());
        writers.push(tokio::spawn(async move {
            for i in 0..1000 {
                let code = format!("31342-W{w}{i:03}");
                let body = serde_json::json!({"code": code, "name": format!("Ấp ghi {w}-{i}"), "kind": "ap", "parent_code": "31342", "valid_from": "2026-01-01"});
                match client.post(format!("{base}/api/v1/units")).bearer_auth(&token).json(&body).send().await {
                    Ok(r) if r.status() == 201 => acked.lock().await.push(code),
                    _ => return, // the server is gone
                }
            }
        }));
    }
    // Let writes flow, then kill the process without warning.
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        if acked.lock().await.len() >= 200 {
            break;
        }
    }
    server.kill9();
    for w in writers {
        w.await.unwrap();
    }
    let acked = acked.lock().await.clone();
    assert!(acked.len() >= 200);

    // Reopen the database as a restarted server would, and find every write.
    t.db.close().await;
    let db = store::Db::open(&t.url, &store::DbOptions::default()).await.unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let stored: std::collections::HashSet<String> =
        store::unit::valid_on(&db, day).await.unwrap().into_iter().map(|u| u.code).collect();
    let lost: Vec<&String> = acked.iter().filter(|c| !stored.contains(*c)).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged writes lost: {:?}",
        lost.len(),
        acked.len(),
        &lost[..lost.len().min(5)]
    );
    // And the restarted server serves them.
    let again = ServerProcess::start(&t.url, false).await;
    let last = acked.last().unwrap();
    let resp = reqwest::Client::new()
        .get(format!("{}/api/v1/units/{last}?as_of=2026-06-01", again.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    db.close().await;
}
