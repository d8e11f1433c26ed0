//! Background jobs: claim, retry with backoff, dead letter, idempotent
//! enqueueing, and no job claimed twice under concurrency.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use store::job::NewJob;

use crate::common;

async fn make_due_now(db: &store::Db, id: i64) {
    // Skip the backoff wait so the test does not sleep.
    match db.writer() {
        store::Pool::Sqlite(p) => {
            sqlx::query("UPDATE jobs SET run_at = 0 WHERE id = $1").bind(id).execute(p).await.map(|_| ())
        }
        store::Pool::Postgres(p) => {
            sqlx::query("UPDATE jobs SET run_at = 0 WHERE id = $1").bind(id).execute(p).await.map(|_| ())
        }
    }
    .unwrap();
}

#[tokio::test]
async fn a_failing_job_is_retried_with_backoff_then_succeeds() {
    let t = common::fresh_db().await;
    let calls = Arc::new(AtomicU32::new(0));
    let mut reg = web::jobs::Registry::default();
    let c = calls.clone();
    reg.register("test.flaky", move |_db, job| {
        let c = c.clone();
        async move {
            assert_eq!(job.payload, r#"{"n":1}"#);
            if c.fetch_add(1, Ordering::SeqCst) < 2 { Err("temporary failure".to_string()) } else { Ok(()) }
        }
    });
    let id = store::job::enqueue(&t.db, NewJob::new("test.flaky", serde_json::json!({"n": 1}))).await.unwrap().unwrap();
    assert!(web::jobs::run_once(&t.db, &reg, "w1").await.unwrap());
    let j = store::job::get(&t.db, id).await.unwrap();
    assert_eq!((j.status.as_str(), j.attempts), ("queued", 1));
    assert!(j.run_at >= store::now_ms() + 500, "the retry waits for the backoff");
    assert_eq!(j.last_error.as_deref(), Some("temporary failure"));
    assert!(!web::jobs::run_once(&t.db, &reg, "w1").await.unwrap(), "not due yet");
    for _ in 0..2 {
        make_due_now(&t.db, id).await;
        assert!(web::jobs::run_once(&t.db, &reg, "w1").await.unwrap());
    }
    let j = store::job::get(&t.db, id).await.unwrap();
    assert_eq!((j.status.as_str(), j.attempts), ("done", 3));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_job_out_of_attempts_goes_to_the_dead_letter() {
    let t = common::fresh_db().await;
    let mut reg = web::jobs::Registry::default();
    reg.register("test.broken", |_db, _job| async { Err::<(), _>("always fails".to_string()) });
    let job = NewJob { max_attempts: 2, ..NewJob::new("test.broken", serde_json::json!({})) };
    let id = store::job::enqueue(&t.db, job).await.unwrap().unwrap();
    web::jobs::run_once(&t.db, &reg, "w").await.unwrap();
    make_due_now(&t.db, id).await;
    web::jobs::run_once(&t.db, &reg, "w").await.unwrap();
    let j = store::job::get(&t.db, id).await.unwrap();
    assert_eq!((j.status.as_str(), j.attempts), ("dead", 2));
    make_due_now(&t.db, id).await;
    assert!(!web::jobs::run_once(&t.db, &reg, "w").await.unwrap(), "a dead job is not claimed again");
    store::job::requeue(&t.db, id).await.unwrap();
    assert_eq!(store::job::get(&t.db, id).await.unwrap().status, "queued");
}

#[tokio::test]
async fn a_panicking_handler_fails_its_job_but_not_the_runner() {
    let t = common::fresh_db().await;
    let mut reg = web::jobs::Registry::default();
    reg.register("test.panics", |_db, _job| async { panic!("handler bug") });
    let id = store::job::enqueue(&t.db, NewJob::new("test.panics", serde_json::json!({}))).await.unwrap().unwrap();
    assert!(web::jobs::run_once(&t.db, &reg, "w").await.unwrap());
    let j = store::job::get(&t.db, id).await.unwrap();
    assert_eq!(j.status, "queued");
    assert!(j.last_error.unwrap().contains("panicked"));
}

#[tokio::test]
async fn dedupe_keys_make_enqueueing_idempotent() {
    let t = common::fresh_db().await;
    let job = || NewJob {
        dedupe_key: Some("notify:dossier-1:received".into()),
        ..NewJob::new("notify", serde_json::json!({}))
    };
    assert!(store::job::enqueue(&t.db, job()).await.unwrap().is_some());
    assert!(store::job::enqueue(&t.db, job()).await.unwrap().is_none());
}

#[tokio::test]
async fn concurrent_workers_never_claim_the_same_job() {
    let t = common::fresh_db().await;
    let n = 60;
    for i in 0..n {
        store::job::enqueue(&t.db, NewJob::new("test.count", serde_json::json!({"i": i}))).await.unwrap();
    }
    let mut handles = Vec::new();
    for w in 0..6 {
        let db = t.db.clone();
        handles.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(job) = store::job::claim(&db, &format!("w{w}"), &["test.count"]).await.unwrap() {
                mine.push(job.id);
                store::job::complete(&db, job.id).await.unwrap();
            }
            mine
        }));
    }
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.unwrap());
    }
    let total = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!((total, all.len()), (n, n), "each job claimed exactly once");
}
