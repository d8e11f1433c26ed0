//! The dossier jobs: `dossier.notify` tells the applicant about a receipt,
//! a supplement request, a ready result or a late apology (the
//! `domain::notify` templates), and `dossier.alerts` tells staff about
//! dossiers due soon or overdue.
//!
//! `dossier.notify` is enqueued by the store with the event itself
//! (`store::dossier::notice`); it reads the dossier and event back and
//! enqueues the message to the applicant's phone (SMS) and e-mail (given on
//! the portal), with the event as dedupe key, so a retried job sends
//! nothing twice. Links point at the public tracking page
//! `{public_url}/tra-cuu/{code}`, the same address as the QR on Mẫu 01.
//!
//! `dossier.alerts` is enqueued every [`ALERT_EVERY_MS`] by the runner
//! (`crate::jobs::run`); each run raises the alerts not yet raised
//! (`store::dossier::alert`): one e-mail per recipient, once per dossier
//! and kind.

use std::sync::Arc;

use domain::notify::Notice;
use store::Db;
use store::audit::Actor;
use store::dossier::Dossier;
use store::dossier::alert::AlertKind;
use store::dossier::notice::NotifyPayload;
use store::job::Job;
use store::notify::Message;

use super::Senders;
use crate::jobs::Registry;

/// How often the alert scan runs (15 minutes).
pub const ALERT_EVERY_MS: i64 = 15 * 60 * 1000;

/// Registers `dossier.notify` and `dossier.alerts`.
pub fn register(registry: &mut Registry, senders: Arc<Senders>) {
    let s = senders.clone();
    registry.register(store::dossier::notice::NOTIFY_JOB, move |db, job| notify(db, job, s.clone()));
    registry.register(store::dossier::alert::ALERTS_JOB, move |db, _job| {
        let s = senders.clone();
        async move { alerts(&db, &s.public_url, store::now_ms()).await.map(|_| ()) }
    });
}

/// The public tracking page of a dossier.
pub fn tracking_url(public_url: &str, code: &str) -> String {
    format!("{}/tra-cuu/{code}", public_url.trim_end_matches('/'))
}

/// Where and how the applicant collects the result.
fn collect_text(d: &Dossier, unit_name: &str) -> String {
    match d.result_type() {
        Some(domain::dossier::ResultType::Electronic) => "Kết quả điện tử: xem tại trang tra cứu hồ sơ".to_string(),
        _ => format!("Bộ phận một cửa {unit_name}, trong giờ hành chính"),
    }
}

/// The notice of one event, if it tells the applicant anything.
async fn notice_of(db: &Db, d: &Dossier, event_id: i64, public_url: &str) -> Result<Option<Notice>, store::Error> {
    let Some(e) = store::dossier::notice::event(db, d.id, event_id).await? else { return Ok(None) };
    let procedure = store::procedure::get(db, d.procedure_id).await?.name;
    let code = d.code.clone();
    let url = tracking_url(public_url, &code);
    let notice = match e.action.as_str() {
        "receive" => {
            Notice::DossierReceived { code, procedure, due_at: d.original_due_at.or(d.due_at), tracking_url: url }
        }
        "request_supplement" => {
            let missing: Vec<String> = e
                .details
                .as_deref()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
                .and_then(|v| v.get("components").cloned())
                .and_then(|c| serde_json::from_value(c).ok())
                .unwrap_or_default();
            Notice::SupplementRequested { code, procedure, missing, reason: e.note, tracking_url: url }
        }
        "complete" => {
            let unit = store::unit::get(db, d.unit_id).await?.full_name();
            Notice::ResultReady { code, procedure, collect: collect_text(d, &unit), tracking_url: url }
        }
        "extend" => match d.due_at {
            Some(new_due_at) => Notice::LateApology { code, procedure, reason: e.note, new_due_at, tracking_url: url },
            None => return Ok(None),
        },
        _ => return Ok(None),
    };
    Ok(Some(notice))
}

/// Runs one `dossier.notify` job.
async fn notify(db: Db, job: Job, senders: Arc<Senders>) -> Result<(), String> {
    let p: NotifyPayload =
        serde_json::from_str(&job.payload).map_err(|e| format!("bad dossier.notify payload: {e}"))?;
    let Some(d) = store::dossier::notice::dossier(&db, p.dossier_id).await.map_err(|e| e.to_string())? else {
        return Ok(());
    };
    let Some(notice) = notice_of(&db, &d, p.event_id, &senders.public_url).await.map_err(|e| e.to_string())? else {
        return Ok(());
    };
    let email = store::dossier::notice::contact_email(&db, d.id).await.map_err(|e| e.to_string())?;
    if email.is_none() && d.applicant_phone.is_none() {
        tracing::info!(dossier = %d.code, "no contact to notify");
        return Ok(());
    }
    let msg = Message {
        unit_id: Some(d.unit_id),
        dedupe_key: Some(format!("dossier_event:{}", p.event_id)),
        ..Message::new(notice, email, d.applicant_phone.clone())
    };
    match store::notify::enqueue(&db, &Actor::system(), msg).await {
        Ok(_) => Ok(()),
        Err(store::Error::Invalid(reason)) => {
            // A stored contact that is not usable will not become usable on retry.
            tracing::warn!(dossier = %d.code, %reason, "applicant contact unusable");
            Ok(())
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Raises the due-soon and overdue alerts not yet raised at `now`; returns
/// how many were raised.
///
/// # Errors
/// The store's error, as text for the job runner.
pub async fn alerts(db: &Db, public_url: &str, now: i64) -> Result<usize, String> {
    let err = |e: store::Error| e.to_string();
    let mut raised = 0;
    for (d, kind) in store::dossier::alert::pending(db, now).await.map_err(err)? {
        let procedure = store::procedure::get(db, d.procedure_id).await.map_err(err)?.name;
        let due_at = d.due_at.unwrap_or_default();
        let dossier_url = format!("{}/dossiers/{}", public_url.trim_end_matches('/'), d.code);
        let notice = match kind {
            AlertKind::Overdue => Notice::DossierOverdue { code: d.code.clone(), procedure, due_at, dossier_url },
            AlertKind::DueSoon => {
                let left = store::dossier::deadlines().time_left(now, due_at, d.limit().unit()).phrase_vi();
                Notice::DossierDueSoon { code: d.code.clone(), procedure, due_at, left, dossier_url }
            }
        };
        let messages: Vec<Message> = store::dossier::alert::recipients(db, &d)
            .await
            .map_err(err)?
            .into_iter()
            .map(|(user, email)| Message {
                unit_id: Some(d.unit_id),
                dedupe_key: Some(format!("dossier_alert:{}:{}:{user}", d.id, kind.as_str())),
                ..Message::new(notice.clone(), Some(email), None)
            })
            .collect();
        if store::dossier::alert::raise(db, &Actor::system(), &d, kind, &messages, now).await.map_err(err)? {
            raised += 1;
        }
    }
    Ok(raised)
}
