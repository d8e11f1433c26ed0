//! Notifications: enqueueing a message to a citizen, one `notifications` row
//! and one job per channel, in one transaction with its audit row.
//!
//! A [`Message`] names a `domain::notify::Notice` and the raw recipients
//! (an e-mail and/or a phone, validated here). The text is rendered at
//! enqueue time (`domain::notify::{email, sms}`) and stored with the
//! **masked** recipient; the real address travels only in the payload of the
//! `notify.email` / `notify.sms` job (`{notification_id, to}`) that
//! `web::notify` runs. A message with a dedupe key is enqueued once.
//!
//! Other flows enqueue inside their own transaction through [`NotifyTx`]
//! (`tx.enqueue_notice(actor, &msg, now)`), so a dossier action and its
//! notification commit together. [`delivery`] records how sending went and
//! lists the rows; [`contact`] finds whom to tell when a bill is paid.

pub mod contact;
pub mod delivery;

use std::future::Future;

use domain::notify::{Channel, Lang, Notice, Recipient, recipients};
use serde_json::json;

use crate::audit::{Actor, Change};
use crate::{Db, Error, Result, audit_in_tx, now_ms, on_pool};

pub use delivery::{Notification, Status};

/// The job kind that sends an e-mail.
pub const EMAIL_JOB: &str = "notify.email";
/// The job kind that sends an SMS.
pub const SMS_JOB: &str = "notify.sms";
/// Sending attempts per message before it is marked failed.
pub const MAX_ATTEMPTS: i64 = 5;

/// The job kind of a channel.
pub fn job_kind(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => EMAIL_JOB,
        Channel::Sms => SMS_JOB,
    }
}

/// A message to enqueue.
#[derive(Debug, Clone)]
pub struct Message {
    /// The unit on whose behalf it is sent (scopes the listing), if any.
    pub unit_id: Option<i64>,
    /// What to say.
    pub notice: Notice,
    /// In which language.
    pub lang: Lang,
    /// E-mail address, if any (validated).
    pub to_email: Option<String>,
    /// Phone number, if any (validated as `person::Phone`).
    pub to_phone: Option<String>,
    /// Makes enqueueing idempotent: a second message with this key adds nothing.
    pub dedupe_key: Option<String>,
}

impl Message {
    /// A Vietnamese message without unit or dedupe key.
    pub fn new(notice: Notice, to_email: Option<String>, to_phone: Option<String>) -> Message {
        Message { unit_id: None, notice, lang: Lang::Vi, to_email, to_phone, dedupe_key: None }
    }
}

/// The job payload of one notification: the only place the real address is kept.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct JobPayload {
    /// The notifications row.
    pub notification_id: i64,
    /// The real address (e-mail or phone digits).
    pub to: String,
}

/// Enqueueing inside a caller's transaction, on either backend.
pub trait NotifyTx {
    /// Validates the recipients, renders the texts, and inserts one
    /// notifications row and one job per channel plus the audit row. Returns
    /// the notification ids (empty when the dedupe key was already used).
    fn enqueue_notice(
        &mut self,
        actor: &Actor,
        msg: &Message,
        now: i64,
    ) -> impl Future<Output = Result<Vec<i64>>> + Send;
}

/// What one channel of a message stores.
struct Row {
    recipient: Recipient,
    subject: String,
    body: String,
    dedupe_key: Option<String>,
}

fn rows(msg: &Message) -> Result<Vec<Row>> {
    let to = recipients(msg.to_email.as_deref(), msg.to_phone.as_deref()).map_err(|e| Error::Invalid(e.to_string()))?;
    Ok(to
        .into_iter()
        .map(|recipient| {
            let channel = recipient.channel();
            let (subject, body) = match channel {
                Channel::Email => {
                    let r = domain::notify::email(&msg.notice, msg.lang);
                    (r.subject, r.body)
                }
                Channel::Sms => (String::new(), domain::notify::sms(&msg.notice, msg.lang)),
            };
            let dedupe_key = msg.dedupe_key.as_ref().map(|k| format!("{k}:{}", channel.as_str()));
            Row { recipient, subject, body, dedupe_key }
        })
        .collect())
}

macro_rules! notify_tx {
    ($conn:ty) => {
        impl NotifyTx for $conn {
            async fn enqueue_notice(&mut self, actor: &Actor, msg: &Message, now: i64) -> Result<Vec<i64>> {
                let mut ids = Vec::new();
                let mut channels = Vec::new();
                for row in rows(msg)? {
                    let channel = row.recipient.channel();
                    let id: Option<i64> = sqlx::query_scalar(
                        "INSERT INTO notifications (unit_id, kind, channel, recipient, lang, subject, body, status,
                             attempts, dedupe_key, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', 0, $8, $9, $9)
                         ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
                    )
                    .bind(msg.unit_id)
                    .bind(msg.notice.kind())
                    .bind(channel.as_str())
                    .bind(row.recipient.masked())
                    .bind(msg.lang.as_str())
                    .bind(&row.subject)
                    .bind(&row.body)
                    .bind(&row.dedupe_key)
                    .bind(now)
                    .fetch_optional(&mut *self)
                    .await?;
                    let Some(id) = id else { continue };
                    let payload = JobPayload { notification_id: id, to: row.recipient.address().to_string() };
                    let payload = serde_json::to_string(&payload).map_err(|e| Error::Invalid(e.to_string()))?;
                    let job_id: i64 = sqlx::query_scalar(
                        "INSERT INTO jobs (kind, payload, status, attempts, max_attempts, run_at, created_at, dedupe_key)
                         VALUES ($1, $2, 'queued', 0, $3, $4, $4, $5) RETURNING id",
                    )
                    .bind(job_kind(channel))
                    .bind(payload)
                    .bind(MAX_ATTEMPTS)
                    .bind(now)
                    .bind(format!("notify:{id}"))
                    .fetch_one(&mut *self)
                    .await?;
                    sqlx::query("UPDATE notifications SET job_id = $1 WHERE id = $2")
                        .bind(job_id)
                        .bind(id)
                        .execute(&mut *self)
                        .await?;
                    ids.push(id);
                    channels.push(json!({"id": id, "channel": channel.as_str(), "to": row.recipient.masked()}));
                }
                if !ids.is_empty() {
                    let change = Change {
                        unit_id: msg.unit_id,
                        action: "notify.enqueue",
                        object_type: "notification",
                        object_id: ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
                        before: None,
                        after: Some(json!({"kind": msg.notice.kind(), "lang": msg.lang.as_str(), "sent_to": channels})),
                    };
                    audit_in_tx!(&mut *self, actor, &change, now)?;
                }
                Ok(ids)
            }
        }
    };
}

notify_tx!(sqlx::SqliteConnection);
notify_tx!(sqlx::PgConnection);

/// Enqueues a message in its own transaction (see [`NotifyTx::enqueue_notice`]).
pub async fn enqueue(db: &Db, actor: &Actor, msg: Message) -> Result<Vec<i64>> {
    // Refuse bad recipients before taking the writer.
    rows(&msg)?;
    let now = now_ms();
    Ok(on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let ids = tx.enqueue_notice(actor, &msg, now).await?;
        tx.commit().await?;
        ids
    }))
}
