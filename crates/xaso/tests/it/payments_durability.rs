//! Durability of payment notifications: `kill -9` of the server in the middle
//! of a burst of signed webhooks from 8 concurrent clients loses no
//! notification it had acknowledged, and stores none twice.

use std::sync::Arc;

use store::audit::Actor;
use tokio::sync::Mutex;

use crate::common::{self, ServerProcess};

const KEY: &str = "sepay-durability-key";
const ACCOUNT: &str = "0011001234567";

#[tokio::test]
async fn kill_9_loses_no_acknowledged_notification() {
    let t = common::fresh_db().await;
    store::demo::load(&t.db).await.unwrap();
    let today = domain::time::local_date(chrono::Utc::now());
    let unit = store::unit::by_code(&t.db, "31342", today).await.unwrap().unwrap();
    let account = store::payment::NewAccount {
        unit_id: unit.id,
        bin: "970436".into(),
        account: ACCOUNT.into(),
        holder: "UBND XA TAN HOA".into(),
        virtual_prefix: None,
    };
    store::payment::create_account(&t.db, &Actor::system(), account).await.unwrap();
    let sepay = domain::payment::webhook::Provider::SePay;
    store::payment::provider::set_secret(&t.db, &Actor::system(), sepay, KEY).await.unwrap();
    let mut server = ServerProcess::start(&t.url, false).await;
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let client = reqwest::Client::new();

    let mut senders = Vec::new();
    for w in 0..8 {
        let (client, base, acked) = (client.clone(), server.base.clone(), acked.clone());
        senders.push(tokio::spawn(async move {
            for i in 0..5000 {
                let id = format!("{}", w * 100_000 + i);
                let body = serde_json::json!({"id": id, "gateway": "Vietcombank",
                    "transactionDate": "2026-03-10 09:00:00", "accountNumber": ACCOUNT, "code": null,
                    "content": format!("chuyen tien {id}"), "transferType": "in", "transferAmount": 10_000 + i,
                    "accumulated": 0, "subAccount": null, "referenceCode": format!("FT{id}"), "description": ""});
                let sent = client
                    .post(format!("{base}/api/v1/payments/webhooks/sepay"))
                    .header("authorization", format!("Apikey {KEY}"))
                    .json(&body)
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status() == 200 => acked.lock().await.push(id),
                    _ => return, // the server is gone
                }
            }
        }));
    }
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        if acked.lock().await.len() >= 300 {
            break;
        }
    }
    server.kill9();
    for s in senders {
        s.await.unwrap();
    }
    let acked = acked.lock().await.clone();
    assert!(acked.len() >= 300);

    // Reopen the database as a restarted server would.
    t.db.close().await;
    let db = store::Db::open(&t.url, &store::DbOptions::default()).await.unwrap();
    let mut lost = Vec::new();
    for id in &acked {
        match store::payment::ingest::find(&db, "sepay", id).await.unwrap() {
            Some(n) => assert_eq!(n.outcome, "unknown_code", "{id}"),
            None => lost.push(id.clone()),
        }
    }
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged notifications lost: {:?}",
        lost.len(),
        acked.len(),
        &lost[..lost.len().min(5)]
    );
    // Stored once each: the stored rows are at least the acknowledged ones and
    // at most those plus the requests in flight at the kill (8 clients).
    let stored = store::payment::ingest::count(&db).await.unwrap();
    assert!(stored >= acked.len() as i64 && stored <= acked.len() as i64 + 8, "{stored} rows for {} acks", acked.len());
    db.close().await;
}
