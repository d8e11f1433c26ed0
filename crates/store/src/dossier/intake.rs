//! Intake: receiving a dossier at the one-stop desk.
//!
//! [`receive`] is the use case "receive a dossier at the one-stop desk": in
//! one transaction it allocates the dossier code, stores the dossier with its
//! due date, and writes the dossier's first event and the audit row. The
//! rules are the domain's (`domain::dossier`): the code shape
//! ([`DossierCode::for_receipt`]), the status reached by receiving
//! ([`domain::dossier::next`] from "submitted", i.e. 2 "được tiếp nhận"), and
//! the due date in working time over the Vietnamese working calendar
//! ([`Deadlines::due`] with the default office hours).
//!
//! The code's sequence is drawn from `dossier_numbering` with one
//! `INSERT … ON CONFLICT DO UPDATE … RETURNING`, as queue tickets are: the
//! row lock (PostgreSQL) or the single writer (SQLite) gives concurrent
//! receipts consecutive numbers per agency and local day, and a rolled back
//! receipt rolls its number back too, so there is no gap and no duplicate.
//!
//! The procedure version is the one valid on the local day of receipt, and
//! the dossier keeps its id and version, so a later catalogue change does
//! not alter it; its field, time limit and result type are copied onto the
//! dossier for reports. Personal data is stored in full and masked in the
//! audit row.

use domain::dossier::{Action, Channel, Context, DossierCode, FormKind, Status, next};
use domain::person::{CitizenId, Phone, mask_name};
use serde_json::json;

use super::plan::FileRow;
use super::{COLS, Dossier, deadlines, notice};
use crate::audit::{Actor, Change};
use crate::{Db, Error, Result, audit_in_tx, on_pool};

/// The person filing a dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicant {
    /// Full name.
    pub name: String,
    /// CCCD number, if given.
    pub id_number: Option<CitizenId>,
    /// Phone number, if given.
    pub phone: Option<Phone>,
    /// Address, if given.
    pub address: Option<String>,
}

/// What [`receive`] stores.
#[derive(Debug, Clone)]
pub struct NewDossier {
    /// The receiving unit.
    pub unit_id: i64,
    /// The receiving agency's electronic ID, the first part of the code.
    pub agency: String,
    /// The procedure's national TTHC code.
    pub procedure_code: String,
    /// The applicant.
    pub applicant: Applicant,
    /// How the dossier was filed.
    pub channel: Channel,
}

/// How a new dossier starts: received at the desk (status 2, with its due
/// date and Mẫu 01) or submitted online (status 1, files attached, no due
/// date until an officer receives it).
#[derive(Debug, Clone)]
pub(crate) struct Start {
    /// The status it starts in.
    pub status: Status,
    /// The due date, if it runs from now.
    pub due: Option<i64>,
    /// The first event's action (`receive`, `submit`).
    pub action: &'static str,
    /// The form the first event issues.
    pub form: Option<FormKind>,
    /// The applicant's e-mail for notifications, if given.
    pub email: Option<String>,
    /// Component files, already checked.
    pub files: Vec<FileRow>,
}

/// What a new dossier is filed against: its unit, the procedure version
/// valid that day and the checked agency ID.
pub(crate) type Resolved = (crate::unit::Unit, crate::procedure::Procedure, domain::dossier::AgencyId);

/// The procedure version valid on the local day of `at`, the unit and the
/// checked agency ID of a new dossier.
pub(crate) async fn resolve(db: &Db, new: &NewDossier, at: i64) -> Result<Resolved> {
    if new.applicant.name.trim().is_empty() {
        return Err(Error::Invalid("thiếu họ tên người nộp hồ sơ (applicant name is required)".into()));
    }
    let unit = crate::unit::get(db, new.unit_id).await?;
    let day = domain::time::local_date(domain::time::from_millis(at));
    let code = new.procedure_code.trim();
    let procedure = crate::procedure::current(db, code, day).await?.ok_or_else(|| {
        Error::Invalid(format!(
            "không có thủ tục mã {code:?} có hiệu lực ngày {} (no procedure with this code valid on that day)",
            domain::time::format_date(day)
        ))
    })?;
    // Check the agency ID and the date once here, so the code built in the transaction cannot fail on them.
    let agency =
        DossierCode::for_receipt(&new.agency, at, 1).map_err(|e| Error::Invalid(e.to_string()))?.agency().clone();
    Ok((unit, procedure, agency))
}

/// Receives a dossier at `at` (UTC ms), audited, in one transaction: the
/// procedure version valid on the local day, the next code of the agency's
/// day, the due date from the procedure's time limit (the catalogue keeps no separate online limit yet).
///
/// # Errors
/// [`Error::Invalid`] for an empty name, a bad agency ID, or a procedure
/// code with no version valid that day; [`Error::NotFound`] for an unknown unit.
pub async fn receive(db: &Db, actor: &Actor, new: NewDossier, at: i64) -> Result<Dossier> {
    let resolved = resolve(db, &new, at).await?;
    let start = receipt(&resolved.1, at, Vec::new())?;
    insert(db, actor, new, resolved, start, at).await
}

/// How a dossier received at `at` starts: status 2 with its due date and Mẫu 01.
pub(crate) fn receipt(procedure: &crate::procedure::Procedure, at: i64, files: Vec<FileRow>) -> Result<Start> {
    let status =
        next(Status::Submitted, Action::Receive, &Context::default()).map_err(|e| Error::Invalid(e.to_string()))?;
    Ok(Start {
        status,
        due: deadlines().due(at, procedure.time),
        action: Action::Receive.as_str(),
        form: Action::Receive.form(),
        email: None,
        files,
    })
}

/// Stores a new dossier as `start` says, in one transaction: the next code
/// of the agency's day, the dossier, its files and contact, its first event
/// (with the applicant's notification job when it is a receipt) and the
/// audit row (personal data masked).
pub(crate) async fn insert(
    db: &Db,
    actor: &Actor,
    new: NewDossier,
    (unit, procedure, agency): Resolved,
    start: Start,
    at: i64,
) -> Result<Dossier> {
    let name = new.applicant.name.trim().to_string();
    let address = new.applicant.address.as_deref().map(str::trim).filter(|a| !a.is_empty()).map(str::to_string);
    let day = domain::time::local_date(domain::time::from_millis(at));
    let status = start.status;
    let due = start.due;
    let day_key = day.format("%Y-%m-%d").to_string();
    let id_number = new.applicant.id_number.as_ref().map(|c| c.as_str().to_string());
    let phone = new.applicant.phone.as_ref().map(|p| p.as_str().to_string());
    let files: Vec<_> = start
        .files
        .iter()
        .map(|f| {
            json!({"component": f.component, "file_name": f.file_name, "mime": f.mime, "sha256": f.sha256,
                        "size": f.content.len()})
        })
        .collect();
    let details = (!files.is_empty()).then(|| json!({"files": files}).to_string());
    let now = crate::now_ms();
    let dossier = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO dossier_numbering (agency, day, last_seq) VALUES ($1, $2, 1)
             ON CONFLICT (agency, day) DO UPDATE SET last_seq = dossier_numbering.last_seq + 1
             RETURNING last_seq")
            .bind(agency.as_str())
            .bind(&day_key)
            .fetch_one(&mut *tx)
            .await?;
        let seq = u32::try_from(seq).unwrap_or(u32::MAX);
        let dossier_code = DossierCode::for_receipt(agency.as_str(), at, seq).map_err(|e| Error::Invalid(e.to_string()))?;
        let d = sqlx::query_as::<_, Dossier>(&format!(
            "INSERT INTO dossiers (code, unit_id, agency, procedure_id, procedure_code, procedure_version, channel, status,
                 applicant_name, applicant_id_number, applicant_phone, applicant_address, received_at, due_at, created_at,
                 field, time_unit, time_amount, result_type, original_due_at, due_without_extension_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $13, $15, $16, $17, $18, $14, $14, $13)
             RETURNING {COLS}"))
            .bind(dossier_code.to_string())
            .bind(unit.id)
            .bind(agency.as_str())
            .bind(procedure.id)
            .bind(&procedure.code)
            .bind(procedure.version)
            .bind(i32::from(new.channel.code()))
            .bind(i32::from(status.code()))
            .bind(&name)
            .bind(&id_number)
            .bind(&phone)
            .bind(&address)
            .bind(at)
            .bind(due)
            .bind(&procedure.field)
            .bind(procedure.time.unit().as_str())
            .bind(i64::from(procedure.time.amount()))
            .bind(procedure.result_type.as_str())
            .fetch_one(&mut *tx)
            .await?;
        for f in &start.files {
            file_in_tx!(&mut *tx, d.id, "component", f, at, actor.user_id)?;
        }
        if let Some(email) = &start.email {
            sqlx::query("INSERT INTO dossier_contacts (dossier_id, email) VALUES ($1, $2)")
                .bind(d.id)
                .bind(email)
                .execute(&mut *tx)
                .await?;
        }
        let event_id: i64 = sqlx::query_scalar(
            "INSERT INTO dossier_events (dossier_id, at, action, from_status, to_status, actor_id, note, form, details)
             VALUES ($1, $2, $3, NULL, $4, $5, $6, $7, $8) RETURNING id")
            .bind(d.id)
            .bind(at)
            .bind(start.action)
            .bind(i32::from(status.code()))
            .bind(actor.user_id)
            .bind(new.channel.as_str())
            .bind(start.form.map(FormKind::as_str))
            .bind(&details)
            .fetch_one(&mut *tx)
            .await?;
        if notice::notifies(start.action) {
            notice::enqueue_job!(tx, d.id, event_id, now)?;
        }
        let change = Change {
            unit_id: Some(unit.id),
            action: if status == Status::Submitted { "dossier.submit" } else { "dossier.receive" },
            object_type: "dossier",
            object_id: d.code.clone(),
            before: None,
            after: Some(json!({
                "code": d.code, "procedure": procedure.code, "procedure_version": procedure.version,
                "channel": new.channel.as_str(), "status": status.code(), "received_at": at, "due_at": due,
                "applicant": {
                    "name": mask_name(&name),
                    "id_number": new.applicant.id_number.as_ref().map(CitizenId::masked),
                    "phone": new.applicant.phone.as_ref().map(Phone::masked),
                    "address": address.as_ref().map(|_| "***"),
                    "email": start.email.as_ref().map(|_| "***"),
                },
                "files": files,
            })),
        };
        audit_in_tx!(&mut *tx, actor, &change, at)?;
        tx.commit().await?;
        d
    });
    Ok(dossier)
}
