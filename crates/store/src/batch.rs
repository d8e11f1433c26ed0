//! Group commit, generic: many callers each hand in one request, one task
//! commits the requests that are waiting together in one transaction, and
//! each caller gets its own answer once that transaction is durable.
//!
//! Why: with SQLite's `synchronous=FULL` every commit is an fsync, so one
//! transaction per request caps writes at the disk's fsync rate; sharing the
//! commit among up to `max_batch` waiting requests multiplies it. PostgreSQL
//! gains too (one WAL flush per batch).
//!
//! What a batch does is a [`Commit`]: it writes a slice of requests in one
//! transaction and returns one answer per request, in order. Should a batch
//! fail as a whole (one bad request, a serialisation failure), each of its
//! requests is retried alone, so one bad request never fails the others and
//! each caller gets the error that is its own.
//!
//! The ticket issuer (`queue::issuer`) predates this helper and has its own
//! loop; it may be ported to it later.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use crate::{Db, Error, Result};

/// Requests committed together at most, unless told otherwise.
pub const DEFAULT_MAX_BATCH: usize = 256;

/// Requests waiting at most, unless told otherwise (callers wait when it is full).
pub const DEFAULT_QUEUE: usize = 8192;

/// Writes a batch of requests in one transaction.
pub trait Commit: Send + Sync + 'static {
    /// One caller's request.
    type Request: Send + 'static;
    /// One caller's answer.
    type Response: Send + 'static;

    /// Writes `requests` in one transaction and returns one response per
    /// request, in the same order. An error rolls the whole batch back.
    fn commit(&self, db: &Db, requests: &[Self::Request]) -> impl Future<Output = Result<Vec<Self::Response>>> + Send;
}

type Waiting<C> = (<C as Commit>::Request, oneshot::Sender<Result<<C as Commit>::Response>>);

/// The handle of a group-commit task. Cheap to clone; the task stops when
/// every clone is dropped.
pub struct Batcher<C: Commit> {
    tx: mpsc::Sender<Waiting<C>>,
    commit: Arc<C>,
}

impl<C: Commit> Clone for Batcher<C> {
    fn clone(&self) -> Self {
        Batcher { tx: self.tx.clone(), commit: self.commit.clone() }
    }
}

impl<C: Commit> std::fmt::Debug for Batcher<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batcher").field("waiting", &(self.tx.max_capacity() - self.tx.capacity())).finish()
    }
}

impl<C: Commit> Batcher<C> {
    /// Starts the task on `db` with the default sizes.
    pub fn start(db: Db, commit: C) -> Batcher<C> {
        Self::start_with(db, commit, DEFAULT_MAX_BATCH, DEFAULT_QUEUE)
    }

    /// Starts the task on `db`, committing up to `max_batch` requests at once
    /// and keeping up to `queue` waiting.
    pub fn start_with(db: Db, commit: C, max_batch: usize, queue: usize) -> Batcher<C> {
        let (tx, rx) = mpsc::channel(queue.max(1));
        let commit = Arc::new(commit);
        tokio::spawn(run(db, commit.clone(), rx, max_batch.max(1)));
        Batcher { tx, commit }
    }

    /// The commit this batcher runs (to call it directly, e.g. for a bulk import
    /// that already holds many requests).
    pub fn commit(&self) -> &C {
        &self.commit
    }

    /// Submits one request and waits until the batch that carries it has
    /// committed (or failed).
    pub async fn submit(&self, request: C::Request) -> Result<C::Response> {
        let (reply, answer) = oneshot::channel();
        self.tx.send((request, reply)).await.map_err(|_| Error::Database(sqlx::Error::PoolClosed))?;
        answer.await.map_err(|_| Error::Database(sqlx::Error::PoolClosed))?
    }
}

async fn run<C: Commit>(db: Db, commit: Arc<C>, mut rx: mpsc::Receiver<Waiting<C>>, max_batch: usize) {
    let mut waiting: Vec<Waiting<C>> = Vec::with_capacity(max_batch);
    while rx.recv_many(&mut waiting, max_batch).await > 0 {
        let (requests, replies): (Vec<C::Request>, Vec<_>) = std::mem::take(&mut waiting).into_iter().unzip();
        match commit.commit(&db, &requests).await {
            Ok(answers) if answers.len() == requests.len() => {
                for (reply, answer) in replies.into_iter().zip(answers) {
                    let _ = reply.send(Ok(answer));
                }
            }
            Ok(answers) => {
                let msg = format!("a batch of {} gave {} answers", requests.len(), answers.len());
                tracing::error!("{msg}");
                for reply in replies {
                    let _ = reply.send(Err(Error::Invalid(msg.clone())));
                }
            }
            Err(e) if requests.len() == 1 => {
                if let Some(reply) = replies.into_iter().next() {
                    let _ = reply.send(Err(e));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, size = requests.len(), "batch commit failed; committing one by one");
                for (request, reply) in requests.into_iter().zip(replies) {
                    let one = commit
                        .commit(&db, std::slice::from_ref(&request))
                        .await
                        .and_then(|mut v| v.pop().ok_or_else(|| Error::Invalid("a batch of 1 gave no answer".into())));
                    let _ = reply.send(one);
                }
            }
        }
    }
}
