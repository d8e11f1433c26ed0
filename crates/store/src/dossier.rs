//! One-stop dossiers (hồ sơ một cửa) in the store, first slice: intake.
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
//! not alter it. Personal data is stored in full and masked in the audit row.

use domain::dossier::{Action, Channel, Context, DeadlineRules, Deadlines, DossierCode, Status, next};
use domain::person::{CitizenId, Phone, mask_name};
use serde::Serialize;
use serde_json::json;

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

/// A stored dossier (personal data in full: mask it before showing it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Dossier {
    /// Id.
    pub id: i64,
    /// Dossier code, `<agency>-<yyMMdd>-<NNNN>`.
    pub code: String,
    /// Receiving unit.
    pub unit_id: i64,
    /// Receiving agency's electronic ID.
    pub agency: String,
    /// The procedure version it follows.
    pub procedure_id: i64,
    /// The procedure's TTHC code.
    pub procedure_code: String,
    /// The procedure's version.
    pub procedure_version: i64,
    /// DVCQG channel code, 1–3.
    pub channel: i32,
    /// DVCQG status code, 1–10.
    pub status: i32,
    /// Applicant's name.
    pub applicant_name: String,
    /// Applicant's CCCD.
    pub applicant_id_number: Option<String>,
    /// Applicant's phone.
    pub applicant_phone: Option<String>,
    /// Applicant's address.
    pub applicant_address: Option<String>,
    /// Received (UTC ms).
    pub received_at: i64,
    /// Due (UTC ms); none for a procedure without an appointment date.
    pub due_at: Option<i64>,
    /// Processing finished (UTC ms).
    pub finished_at: Option<i64>,
    /// Result returned (UTC ms).
    pub returned_at: Option<i64>,
    /// Created (UTC ms).
    pub created_at: i64,
}

impl Dossier {
    /// The status, typed.
    pub fn status(&self) -> Option<Status> {
        u8::try_from(self.status).ok().and_then(Status::from_code)
    }

    /// The channel, typed.
    pub fn channel(&self) -> Option<Channel> {
        u8::try_from(self.channel).ok().and_then(Channel::from_code)
    }
}

const COLS: &str = "id, code, unit_id, agency, procedure_id, procedure_code, procedure_version, channel, status, \
                    applicant_name, applicant_id_number, applicant_phone, applicant_address, received_at, due_at, \
                    finished_at, returned_at, created_at";

/// The Vietnamese working calendar (holidays, make-up days), built once.
fn work_calendar() -> &'static calendar::WorkCalendar {
    static CALENDAR: std::sync::OnceLock<calendar::WorkCalendar> = std::sync::OnceLock::new();
    CALENDAR.get_or_init(calendar::WorkCalendar::vietnam)
}

/// Receives a dossier at `at` (UTC ms), audited, in one transaction: the
/// procedure version valid on the local day, the next code of the agency's
/// day, the due date from the procedure's time limit (the catalogue keeps no separate online limit yet).
///
/// # Errors
/// [`Error::Invalid`] for an empty name, a bad agency ID, or a procedure
/// code with no version valid that day; [`Error::NotFound`] for an unknown unit.
pub async fn receive(db: &Db, actor: &Actor, new: NewDossier, at: i64) -> Result<Dossier> {
    let name = new.applicant.name.trim().to_string();
    if name.is_empty() {
        return Err(Error::Invalid("thiếu họ tên người nộp hồ sơ (applicant name is required)".into()));
    }
    let address = new.applicant.address.as_deref().map(str::trim).filter(|a| !a.is_empty()).map(str::to_string);
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
    let status =
        next(Status::Submitted, Action::Receive, &Context::default()).map_err(|e| Error::Invalid(e.to_string()))?;
    let due = Deadlines::new(work_calendar(), DeadlineRules::default()).due(at, procedure.time);
    let day_key = day.format("%Y-%m-%d").to_string();
    let id_number = new.applicant.id_number.as_ref().map(|c| c.as_str().to_string());
    let phone = new.applicant.phone.as_ref().map(|p| p.as_str().to_string());
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
                 applicant_name, applicant_id_number, applicant_phone, applicant_address, received_at, due_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $13) RETURNING {COLS}"))
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
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO dossier_events (dossier_id, at, action, from_status, to_status, actor_id, note)
             VALUES ($1, $2, $3, NULL, $4, $5, $6)")
            .bind(d.id)
            .bind(at)
            .bind(Action::Receive.as_str())
            .bind(i32::from(status.code()))
            .bind(actor.user_id)
            .bind(new.channel.as_str())
            .execute(&mut *tx)
            .await?;
        let change = Change {
            unit_id: Some(unit.id),
            action: "dossier.receive",
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
                },
            })),
        };
        audit_in_tx!(&mut *tx, actor, &change, at)?;
        tx.commit().await?;
        d
    });
    Ok(dossier)
}

/// The dossier with this code, if any.
pub async fn by_code(db: &Db, code: &str) -> Result<Option<Dossier>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Dossier>(&format!("SELECT {COLS} FROM dossiers WHERE code = $1"))
        .bind(code.trim())
        .fetch_optional(p)
        .await?))
}
