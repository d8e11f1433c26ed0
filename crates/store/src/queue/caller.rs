//! Call-next with group commit: at a busy center many counters press
//! "Gọi số tiếp theo" at once, and each call is a transaction (the ticket
//! claimed, the counter's priority-rule state, the event, the audit row).
//! The [`Caller`] commits the calls that arrive together in one transaction
//! through [`crate::batch`], so they share one fsync instead of queueing for
//! one each. The rules are [`super::call::call_batch`]'s: a refusal is the
//! caller's own answer, and a batch that fails is retried call by call.

use super::Ticket;
use super::call::{CallRequest, call_batch};
use crate::audit::Actor;
use crate::batch::{Batcher, Commit};
use crate::{Db, Result};

/// The batch: [`call_batch`].
#[derive(Debug, Clone, Copy, Default)]
pub struct CallCommit;

impl Commit for CallCommit {
    type Request = CallRequest;
    type Response = Result<Option<Ticket>>;

    async fn commit(&self, db: &Db, requests: &[CallRequest]) -> Result<Vec<Result<Option<Ticket>>>> {
        call_batch(db, requests).await
    }
}

/// The call-next task of one process. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Caller {
    batcher: Batcher<CallCommit>,
}

impl Caller {
    /// Starts the task on `db`.
    pub fn start(db: Db) -> Caller {
        Caller { batcher: Batcher::start(db, CallCommit) }
    }

    /// Calls the next ticket for `counter_id`, committed with the calls that
    /// arrive at the same time; `Ok(None)` when nobody waits for it.
    pub async fn call_next(&self, actor: &Actor, counter_id: i64, at: i64) -> Result<Option<Ticket>> {
        self.batcher.submit(CallRequest { actor: actor.clone(), counter_id, at }).await?
    }
}
