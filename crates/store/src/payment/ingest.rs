//! Durable, idempotent ingestion of payment notifications (webhooks of
//! payOS, Casso, SePay, and rows of imported bank statements).
//!
//! Each notification is written to `payment_notifications` once per
//! `(provider, txn_id)` (`ON CONFLICT DO NOTHING`): a replay finds the first
//! row and answers with it, so a provider that retries gets success again and
//! nothing happens twice. The outcome is decided in the same transaction by
//! [`domain::payment::reconcile`] (see [`super::reconcile`] for the lookups),
//! and an exact match pays the bill there too (bill closed, receipt,
//! `payment.paid` job, audit row — what [`PaymentTx::on_bill_paid`] does for
//! one bill, written set-based for a batch by `write`, decided by `decide`).
//!
//! Webhook handlers go through the [`Ingester`], a group-commit task
//! ([`crate::batch`]): the notifications that arrive together share one
//! transaction, so one fsync acknowledges many, and a caller's answer comes
//! only after its commit — nothing is acknowledged that is not durable.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use domain::payment::reconcile::Outcome;
use domain::payment::webhook::{Notification, Provider};
use serde::Serialize;
use vietqr::code::PaymentCodes;

mod decide;
mod write;

use super::provider::{self, ProviderSettings};
use crate::audit::Actor;
use crate::batch::{Batcher, Commit};
use crate::{Db, Result, on_pool};

/// Notifications a bulk import commits together.
const IMPORT_CHUNK: usize = 500;

/// How long the provider settings are cached by an [`Ingester`].
const SETTINGS_TTL: Duration = Duration::from_secs(2);

/// Where a notification came from: the `provider` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A webhook of an aggregator.
    Webhook(Provider),
    /// A row of a bank statement file imported by staff.
    Statement,
}

impl Source {
    /// The stored name: `payos`, `casso`, `sepay` or `statement`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Webhook(p) => p.as_str(),
            Source::Statement => "statement",
        }
    }
}

/// One notification to ingest.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// Where it came from; with `notification.transaction_id`, the idempotency key
    /// (`notification.provider` is not used: statements have no provider).
    pub source: Source,
    /// The verified notification.
    pub notification: Notification,
    /// The receiving bank's BIN, when known (statements).
    pub bin: Option<String>,
    /// Our receiving account, when the caller already knows it (statements).
    pub account_id: Option<i64>,
    /// The payment-code format to look for in the content.
    pub codes: PaymentCodes,
    /// Who delivered it (for the audit row of a paid bill).
    pub actor: Actor,
    /// When it arrived (UTC ms).
    pub received_at: i64,
}

/// What became of a notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ingested {
    /// The `payment_notifications` row.
    pub id: i64,
    /// The stored outcome (see [`outcome_name`]).
    pub outcome: String,
    /// The bill concerned, if one.
    pub bill_id: Option<i64>,
    /// The receipt issued, when this notification paid a bill.
    pub receipt_id: Option<i64>,
    /// Whether it had been received before (then nothing was written).
    pub replay: bool,
}

/// The stored name of an outcome. Money to an account that is not ours is
/// `not_ours` (recorded and counted, never an exception).
pub fn outcome_name(o: &Outcome) -> &'static str {
    match o {
        Outcome::Matched { .. } => "matched",
        Outcome::Underpaid { .. } => "underpaid",
        Outcome::Overpaid { .. } => "overpaid",
        Outcome::UnknownCode { .. } => "unknown_code",
        Outcome::Ambiguous { .. } => "ambiguous",
        Outcome::AlreadyPaid { .. } => "already_paid",
        Outcome::BillClosed { .. } => "bill_closed",
        Outcome::Duplicate => "duplicate",
        Outcome::Outgoing => "outgoing",
        Outcome::UnknownAccount => "not_ours",
    }
}

/// The outcomes that go to the exceptions queue.
pub const EXCEPTION_OUTCOMES: [&str; 6] =
    ["underpaid", "overpaid", "unknown_code", "ambiguous", "already_paid", "bill_closed"];

/// The SQL list of [`EXCEPTION_OUTCOMES`], for `outcome IN (…)`.
pub(crate) const EXCEPTION_SQL: &str =
    "('underpaid', 'overpaid', 'unknown_code', 'ambiguous', 'already_paid', 'bill_closed')";

/// A bill just paid, as [`PaymentTx::on_bill_paid`] needs it.
#[derive(Debug, Clone)]
pub struct PaidBill {
    /// The bill.
    pub id: i64,
    /// Its unit.
    pub unit_id: i64,
    /// The amount received (the amount due on an automatic match).
    pub amount: i64,
    /// The dossier it charges for, if linked.
    pub dossier_code: Option<String>,
    /// The notification that paid it.
    pub notification_id: Option<i64>,
}

/// What a payment writes inside a transaction of either backend. Implemented
/// for the SQLite and the PostgreSQL connection by one macro, so each query
/// is written once; call it on the transaction (`tx.on_bill_paid(…)`).
pub(crate) trait PaymentTx {
    /// What paying one bill writes (a manual match from the exceptions
    /// queue), in the transaction that closes the bill; automatic matches
    /// write the same rows for a whole batch at once (`write`, which must be
    /// kept in step with this): issues the receipt (`BL-<yyyy>-<seq>`, numbered per local
    /// year, with a random verify key for the QR verification URL), enqueues
    /// the `payment.paid` job that notifies the payer (payload
    /// `{bill_id, receipt_id}`, deduplicated per bill) and writes the audit
    /// row. Returns the receipt id.
    ///
    /// **Dossier hook:** when `bill.dossier_code` is set, the linked dossier
    /// waiting in DVCQG state 6 ("nghĩa vụ tài chính") is to be resumed here,
    /// in this same transaction; the lead wires the dossier call.
    fn on_bill_paid(&mut self, bill: &PaidBill, actor: &Actor, now: i64) -> impl Future<Output = Result<i64>> + Send;
}

macro_rules! payment_tx {
    ($conn:ty) => {
        impl PaymentTx for $conn {
            async fn on_bill_paid(&mut self, bill: &PaidBill, actor: &Actor, now: i64) -> Result<i64> {
                use chrono::Datelike as _;
                let year = i64::from(domain::time::local_date(domain::time::from_millis(now)).year());
                let seq: i64 = sqlx::query_scalar(
                    "INSERT INTO receipt_numbering (year, last_seq) VALUES ($1, 1)
                     ON CONFLICT (year) DO UPDATE SET last_seq = receipt_numbering.last_seq + 1 RETURNING last_seq")
                    .bind(year).fetch_one(&mut *self).await?;
                let number = receipt_number(year, seq);
                let receipt_id: i64 = sqlx::query_scalar(
                    "INSERT INTO receipts (bill_id, notification_id, number, amount, issued_at, verify_key)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                    .bind(bill.id)
                    .bind(bill.notification_id)
                    .bind(&number)
                    .bind(bill.amount)
                    .bind(now)
                    .bind(domain::auth::random_secret())
                    .fetch_one(&mut *self)
                    .await?;
                let payload = serde_json::json!({"bill_id": bill.id, "receipt_id": receipt_id});
                sqlx::query(
                    "INSERT INTO jobs (kind, payload, status, attempts, max_attempts, run_at, created_at, dedupe_key)
                     VALUES ($1, $2, 'queued', 0, 5, $3, $3, $4) ON CONFLICT (dedupe_key) DO NOTHING")
                    .bind(PAID_JOB)
                    .bind(payload.to_string())
                    .bind(now)
                    .bind(format!("{PAID_JOB}:{}", bill.id))
                    .execute(&mut *self)
                    .await?;
                // Dossier hook (see the trait doc): resume `bill.dossier_code` here.
                let change = crate::audit::Change {
                    unit_id: Some(bill.unit_id),
                    action: "payment.bill.paid",
                    object_type: "bill",
                    object_id: bill.id.to_string(),
                    before: Some(serde_json::json!({"status": "open"})),
                    after: Some(serde_json::json!({"status": "paid", "paid_at": now, "amount": bill.amount,
                        "receipt": number, "notification_id": bill.notification_id,
                        "dossier_code": bill.dossier_code})),
                };
                crate::audit_in_tx!(&mut *self, actor, &change, now)?;
                Ok(receipt_id)
            }
        }
    };
}

payment_tx!(sqlx::SqliteConnection);
payment_tx!(sqlx::PgConnection);

/// The kind of the job that tells the payer a bill is paid.
pub const PAID_JOB: &str = "payment.paid";

/// A receipt number: `BL-2026-000042`.
pub fn receipt_number(year: i64, seq: i64) -> String {
    format!("BL-{year}-{seq:06}")
}

/// Ingests notifications in one transaction, in order; one answer each
/// (set-based: see [`write`]).
pub async fn ingest_batch(db: &Db, batch: &[Incoming]) -> Result<Vec<Ingested>> {
    write::ingest_batch(db, batch).await
}

/// The group commit of ingestion.
#[derive(Debug, Default)]
pub struct IngestCommit;

impl Commit for IngestCommit {
    type Request = Incoming;
    type Response = Ingested;

    fn commit(&self, db: &Db, requests: &[Incoming]) -> impl Future<Output = Result<Vec<Ingested>>> + Send {
        ingest_batch(db, requests)
    }
}

/// The provider settings as cached, with the time they were read.
type CachedSettings = Option<(Instant, Arc<ProviderSettings>)>;

/// The ingestion task of one process, with a short cache of the provider
/// settings every webhook reads. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Ingester {
    db: Db,
    batcher: Batcher<IngestCommit>,
    settings: Arc<Mutex<CachedSettings>>,
}

impl Ingester {
    /// Starts the group-commit task on `db`.
    pub fn start(db: Db) -> Ingester {
        let batcher = Batcher::start(db.clone(), IngestCommit);
        Ingester { db, batcher, settings: Arc::default() }
    }

    /// Ingests one notification; answers once it is committed.
    pub async fn ingest(&self, inc: Incoming) -> Result<Ingested> {
        self.batcher.submit(inc).await
    }

    /// Ingests many notifications (a statement file) in transactions of a few
    /// hundred, through the same idempotent path.
    pub async fn ingest_many(&self, all: &[Incoming]) -> Result<Vec<Ingested>> {
        let mut answers = Vec::with_capacity(all.len());
        for chunk in all.chunks(IMPORT_CHUNK) {
            answers.extend(ingest_batch(&self.db, chunk).await?);
        }
        Ok(answers)
    }

    /// The provider settings (secrets, code prefix), cached for a few seconds;
    /// a change made through [`Ingester::forget_settings`]'s caller shows at once.
    pub async fn settings(&self) -> Result<Arc<ProviderSettings>> {
        if let Some((at, s)) = self.lock().as_ref()
            && at.elapsed() < SETTINGS_TTL
        {
            return Ok(s.clone());
        }
        let fresh = Arc::new(provider::load(&self.db).await?);
        *self.lock() = Some((Instant::now(), fresh.clone()));
        Ok(fresh)
    }

    /// Drops the cached settings (after this instance changed them).
    pub fn forget_settings(&self) {
        *self.lock() = None;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CachedSettings> {
        self.settings.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The stored notification of `provider` (`payos`, …, `statement`) with `txn_id`, if any.
pub async fn find(db: &Db, provider: &str, txn_id: &str) -> Result<Option<Ingested>> {
    let row: Option<(i64, String, Option<i64>, Option<i64>)> = on_pool!(db.reader(), p => sqlx::query_as(
        "SELECT n.id, n.outcome, n.bill_id, r.id FROM payment_notifications n
         LEFT JOIN receipts r ON r.notification_id = n.id WHERE n.provider = $1 AND n.txn_id = $2")
        .bind(provider).bind(txn_id).fetch_optional(p).await?);
    Ok(row.map(|(id, outcome, bill_id, receipt_id)| Ingested { id, outcome, bill_id, receipt_id, replay: false }))
}

/// How many notifications are stored.
pub async fn count(db: &Db) -> Result<i64> {
    Ok(on_pool!(db.reader(), p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM payment_notifications")
        .fetch_one(p).await?))
}

/// A receipt of a paid bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Receipt {
    /// Id.
    pub id: i64,
    /// The bill.
    pub bill_id: i64,
    /// The notification that paid it, if one.
    pub notification_id: Option<i64>,
    /// `BL-<yyyy>-<seq>`.
    pub number: String,
    /// Amount received, in đồng.
    pub amount: i64,
    /// Issued (UTC ms).
    pub issued_at: i64,
    /// The random key of the QR verification URL.
    pub verify_key: String,
}

/// The receipt of a bill, if it is paid.
pub async fn receipt(db: &Db, bill_id: i64) -> Result<Option<Receipt>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Receipt>(
        "SELECT id, bill_id, notification_id, number, amount, issued_at, verify_key FROM receipts WHERE bill_id = $1")
        .bind(bill_id).fetch_optional(p).await?))
}
