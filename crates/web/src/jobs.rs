//! The in-process job runner started by `xaso serve`.
//!
//! It polls the jobs table (see `store::job`) for the kinds it has handlers
//! for, runs each claimed job, and records success or failure; failures are
//! retried with backoff and end in the dead letter. Several instances may run
//! runners against one PostgreSQL: claims never hand one job to two workers.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use store::Db;
use store::job::Job;
use tokio::sync::watch;

/// The future a handler returns: `Err` carries the reason the job failed.
pub type JobFuture = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// A job handler: takes the database and the job, runs it once.
pub type Handler = Arc<dyn Fn(Db, Job) -> JobFuture + Send + Sync>;

/// The handlers, by job kind.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<&'static str, Handler>,
}

impl Registry {
    /// Registers the handler of `kind`.
    pub fn register<F, Fut>(&mut self, kind: &'static str, f: F)
    where
        F: Fn(Db, Job) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), String>> + Send + 'static,
    {
        self.handlers.insert(kind, Arc::new(move |db, job| Box::pin(f(db, job))));
    }

    /// The kinds handled.
    pub fn kinds(&self) -> Vec<&'static str> {
        let mut k: Vec<_> = self.handlers.keys().copied().collect();
        k.sort_unstable();
        k
    }
}

/// The handlers every installation runs.
pub fn builtin() -> Registry {
    let mut r = Registry::default();
    // Housekeeping: drop expired sessions. Enqueued at start and re-enqueued hourly by the runner.
    r.register("session.purge", |db, _job| async move {
        store::session::purge_expired(&db).await.map(|_| ()).map_err(|e| e.to_string())
    });
    // Batch bills: creates an uploaded file's bills in chunks, resumable (see store::payment::batch).
    r.register(store::payment::batch::BATCH_JOB, |db, job| async move {
        store::payment::batch::run_job(&db, &job.payload).await.map_err(|e| e.to_string())
    });
    r
}

/// The built-in handlers plus the notification senders (`notify.email`,
/// `notify.sms`, `payment.paid`; see `crate::notify`). A channel missing from
/// `notify` is disabled: its messages are recorded as skipped.
pub fn with_notify(notify: &crate::notify::NotifyConfig) -> Result<Registry, String> {
    let mut r = builtin();
    crate::notify::handler::register(&mut r, Arc::new(crate::notify::Senders::new(notify)?));
    Ok(r)
}

/// Runs one job if one is due; returns whether it found one.
pub async fn run_once(db: &Db, registry: &Registry, worker: &str) -> Result<bool, store::Error> {
    let kinds = registry.kinds();
    let Some(job) = store::job::claim(db, worker, &kinds).await? else { return Ok(false) };
    let Some(handler) = registry.handlers.get(job.kind.as_str()).cloned() else {
        store::job::fail(db, &job, "no handler for this kind").await?;
        return Ok(true);
    };
    // A panicking handler must not take the runner down with it.
    let outcome = tokio::spawn(handler(db.clone(), job.clone())).await;
    match outcome {
        Ok(Ok(())) => store::job::complete(db, job.id).await?,
        Ok(Err(reason)) => {
            let status = store::job::fail(db, &job, &reason).await?;
            tracing::warn!(job = job.id, kind = %job.kind, attempts = job.attempts, %status, %reason, "job failed");
        }
        Err(panic) => {
            store::job::fail(db, &job, &format!("handler panicked: {panic}")).await?;
        }
    }
    Ok(true)
}

/// Polls for jobs until `shutdown` turns true.
pub async fn run(db: Db, registry: Registry, worker: String, mut shutdown: watch::Receiver<bool>) {
    let idle = Duration::from_millis(500);
    let mut last_purge = std::time::Instant::now() - Duration::from_secs(3600);
    let alert_every = Duration::from_millis(crate::notify::dossier::ALERT_EVERY_MS.unsigned_abs());
    let mut last_alerts = std::time::Instant::now().checked_sub(alert_every).unwrap_or_else(std::time::Instant::now);
    loop {
        if *shutdown.borrow() {
            break;
        }
        // Dossier alerts: one scan per quarter hour across instances (the dedupe key is the quarter).
        if registry.handlers.contains_key(store::dossier::alert::ALERTS_JOB) && last_alerts.elapsed() >= alert_every {
            let quarter = store::now_ms() / crate::notify::dossier::ALERT_EVERY_MS;
            let job = store::job::NewJob {
                dedupe_key: Some(format!("{}:{quarter}", store::dossier::alert::ALERTS_JOB)),
                max_attempts: 1,
                ..store::job::NewJob::new(store::dossier::alert::ALERTS_JOB, serde_json::json!({}))
            };
            if let Err(e) = store::job::enqueue(&db, job).await {
                tracing::warn!(error = %e, "could not enqueue the dossier alert scan");
            }
            last_alerts = std::time::Instant::now();
        }
        if last_purge.elapsed() >= Duration::from_secs(3600) {
            let hour = store::now_ms() / 3_600_000;
            let job = store::job::NewJob {
                dedupe_key: Some(format!("session.purge:{hour}")),
                ..store::job::NewJob::new("session.purge", serde_json::json!({}))
            };
            if let Err(e) = store::job::enqueue(&db, job).await {
                tracing::warn!(error = %e, "could not enqueue session purge");
            }
            last_purge = std::time::Instant::now();
        }
        let busy = match run_once(&db, &registry, &worker).await {
            Ok(found) => found,
            Err(e) => {
                tracing::warn!(error = %e, "job runner error");
                false
            }
        };
        if !busy {
            tokio::select! {
                _ = tokio::time::sleep(idle) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
}
