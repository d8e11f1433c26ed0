//! The job handlers: `notify.email` and `notify.sms` send one stored
//! notification and record the outcome on its row; `payment.paid` (enqueued
//! when a bill is paid, payload `{bill_id, receipt_id}`) enqueues the
//! payment-received message when the payer can be reached.
//!
//! An `Err` from a handler makes the runner retry the job after its backoff
//! (`store::job::fail`); the row stays `queued` with the error until the last
//! attempt, which marks it `failed`.

use std::sync::Arc;

use domain::notify::{Channel, Notice};
use store::Db;
use store::job::Job;
use store::notify::{JobPayload, Message, Status};

use super::{Outcome, Senders};
use crate::jobs::Registry;

/// Registers the notification handlers with the senders they use.
pub fn register(registry: &mut Registry, senders: Arc<Senders>) {
    let s = senders.clone();
    registry.register(store::notify::EMAIL_JOB, move |db, job| send(db, job, s.clone(), Channel::Email));
    let s = senders.clone();
    registry.register(store::notify::SMS_JOB, move |db, job| send(db, job, s.clone(), Channel::Sms));
    super::dossier::register(registry, senders.clone());
    registry.register(store::payment::ingest::PAID_JOB, move |db, job| payment_paid(db, job, senders.clone()));
}

/// Sends one notification and records how it went.
async fn send(db: Db, job: Job, senders: Arc<Senders>, channel: Channel) -> Result<(), String> {
    let payload: JobPayload = serde_json::from_str(&job.payload).map_err(|e| format!("bad notify payload: {e}"))?;
    let n = store::notify::delivery::get(&db, payload.notification_id).await.map_err(|e| e.to_string())?;
    if n.status != Status::Queued.as_str() {
        // Settled by an earlier run of this job (a crash after recording).
        return Ok(());
    }
    let outcome = match channel {
        Channel::Email => match &senders.email {
            Some(mailer) => mailer.send(&payload.to, &n.subject, &n.body).await,
            None => return skip(&db, &job, n.id, "chưa cấu hình máy chủ thư (no [notify.smtp] configured)").await,
        },
        Channel::Sms => match &senders.sms {
            Some(gateway) => gateway.send(&payload.to, &n.body).await,
            None => return skip(&db, &job, n.id, "chưa cấu hình cổng SMS (no [notify.sms] configured)").await,
        },
    };
    let record = |status, provider: Option<String>, error: Option<String>| {
        let db = db.clone();
        async move {
            store::notify::delivery::record(&db, n.id, status, job.attempts, provider.as_deref(), error.as_deref())
                .await
                .map_err(|e| e.to_string())
        }
    };
    match outcome {
        Outcome::Sent(provider) => {
            record(Status::Sent, provider, None).await?;
            Ok(())
        }
        Outcome::Permanent(reason) => {
            tracing::warn!(notification = n.id, channel = channel.as_str(), %reason, "notification refused");
            record(Status::Failed, None, Some(reason)).await?;
            Ok(())
        }
        Outcome::Transient(reason) => {
            let last = job.attempts >= job.max_attempts;
            let status = if last { Status::Failed } else { Status::Queued };
            record(status, None, Some(reason.clone())).await?;
            Err(reason)
        }
    }
}

async fn skip(db: &Db, job: &Job, id: i64, reason: &str) -> Result<(), String> {
    tracing::info!(notification = id, %reason, "notification skipped");
    store::notify::delivery::record(db, id, Status::Skipped, job.attempts, None, Some(reason))
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The payload of `payment.paid`.
#[derive(serde::Deserialize)]
struct Paid {
    bill_id: i64,
    receipt_id: i64,
}

/// A bill was paid: resumes the dossier it collected a fee for, and tells the
/// payer when a contact is known.
async fn payment_paid(db: Db, job: Job, senders: Arc<Senders>) -> Result<(), String> {
    let paid: Paid = serde_json::from_str(&job.payload).map_err(|e| format!("bad payment.paid payload: {e}"))?;
    let bill = store::payment::bill(&db, paid.bill_id).await.map_err(|e| e.to_string())?;
    let receipt = store::payment::ingest::receipt(&db, paid.bill_id)
        .await
        .map_err(|e| e.to_string())?
        .filter(|r| r.id == paid.receipt_id)
        .ok_or_else(|| format!("no receipt #{} for bill #{}", paid.receipt_id, paid.bill_id))?;
    // The fee was the dossier's obligation (status 6): its processing resumes.
    store::payment::link::resume_dossier(&db, bill.id, &receipt.number, bill.paid_at.unwrap_or_else(store::now_ms))
        .await
        .map_err(|e| e.to_string())?;
    let phone = store::notify::contact::bill_payer_phone(&db, bill.id).await.map_err(|e| e.to_string())?;
    let email = store::notify::contact::bill_payer_email(&db, bill.id).await.map_err(|e| e.to_string())?;
    if phone.is_none() && email.is_none() {
        tracing::info!(bill = bill.id, "bill paid; the payer has no contact to notify");
        return Ok(());
    }
    let notice = Notice::PaymentReceived {
        bill_code: bill.payment_code.clone(),
        description: bill.description.clone(),
        amount: receipt.amount,
        receipt_number: receipt.number.clone(),
        receipt_url: crate::pages::payment::receipt_link(&senders.public_url, &receipt.number, &receipt.verify_key),
    };
    let msg = Message {
        unit_id: Some(bill.unit_id),
        dedupe_key: Some(format!("payment_received:bill:{}", bill.id)),
        ..Message::new(notice, email, phone)
    };
    match store::notify::enqueue(&db, &store::audit::Actor::system(), msg).await {
        Ok(_) => Ok(()),
        Err(store::Error::Invalid(reason)) => {
            // A stored contact that is not a phone number will not become one on retry.
            tracing::warn!(bill = bill.id, %reason, "payer contact unusable");
            Ok(())
        }
        Err(e) => Err(e.to_string()),
    }
}
