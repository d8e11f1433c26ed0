//! Online intake (nộp hồ sơ trực tuyến): a citizen submits a dossier from
//! the portal, an officer then receives it.
//!
//! Under the DVCQG vocabulary an online dossier starts at status 1 "mới
//! đăng ký" (one-stop-dossiers.md §4; `domain::dossier::flow`): [`submit`]
//! stores it with its code (drawn from the same daily sequence as counter
//! receipts, so the citizen can track it at once), the component files
//! (checked and hashed as [`super::file`] does) and the applicant's
//! optional e-mail, in one transaction; no due date runs yet. [`accept`] is
//! the officer's receipt of it (status 2, Mẫu 01): the due date runs from
//! that moment, which becomes the dossier's `received_at`, and the
//! applicant is told.
//!
//! [`check_components`] is the completeness check both the counter
//! ([`receive_complete`]) and the portal make before a dossier is stored; [`competent_units`] are the units
//! a procedure's dossiers may be submitted to.

use domain::dossier::{Action, Channel, OnlineLevel, Status};
use domain::notify::Email;
use domain::unit::UnitKind;

use super::file::checked;
use super::intake::{Start, insert, receipt, resolve};
use super::plan::{Event, Plan, apply};
use super::workflow::{context, decide};
use super::{Dossier, NewDossier, NewFile, deadlines, load};
use crate::audit::Actor;
use crate::procedure::{DocumentComponent, Procedure};
use crate::unit::Unit;
use crate::{Db, Error, Result};

/// The largest total of files one online submission may carry (30 MB).
pub const MAX_SUBMISSION_BYTES: usize = 30 * 1024 * 1024;

/// The required components of `procedure` missing from `provided` (names
/// compared trimmed and case-insensitively), in catalogue order.
pub fn missing_components<'a>(documents: &'a [DocumentComponent], provided: &[String]) -> Vec<&'a str> {
    let given: Vec<String> = provided.iter().map(|p| p.trim().to_lowercase()).collect();
    documents
        .iter()
        .filter(|d| d.required && !given.contains(&d.name.trim().to_lowercase()))
        .map(|d| d.name.as_str())
        .collect()
}

/// The completeness check: every required component of `procedure` is in
/// `provided`.
///
/// # Errors
/// [`Error::Invalid`] naming the missing components.
pub fn check_components(procedure: &Procedure, provided: &[String]) -> Result<()> {
    let missing = missing_components(&procedure.documents, provided);
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::Invalid(format!("hồ sơ còn thiếu thành phần (missing components): {}", missing.join("; "))))
}

/// The unit kinds that perform procedures of a catalogue level ("Cấp xã",
/// "Cấp huyện", "Cấp tỉnh"); communes by default.
fn kinds_for_level(level: &str) -> &'static [UnitKind] {
    let key = domain::text::search_key(level);
    if key.contains("tinh") {
        &[UnitKind::Tinh, UnitKind::ThanhPho]
    } else if key.contains("huyen") {
        &[UnitKind::Huyen, UnitKind::ThiXa, UnitKind::Quan, UnitKind::ThanhPho]
    } else {
        &[UnitKind::Xa, UnitKind::Phuong, UnitKind::ThiTran, UnitKind::DacKhu]
    }
}

/// The units of the current hierarchy (valid on the local day of `at`)
/// competent for `procedure`: those of its level, by name.
pub async fn competent_units(db: &Db, procedure: &Procedure, at: i64) -> Result<Vec<Unit>> {
    let day = domain::time::local_date(domain::time::from_millis(at));
    let kinds = kinds_for_level(&procedure.level);
    let mut units: Vec<Unit> = crate::unit::valid_on(db, day)
        .await?
        .into_iter()
        .filter(|u| u.kind().is_some_and(|k| kinds.contains(&k)))
        .collect();
    units.sort_by_cached_key(|u| domain::text::search_key(&u.name));
    Ok(units)
}

/// An online submission: the dossier (its channel is forced to online), the
/// applicant's optional e-mail and one file per component.
#[derive(Debug, Clone)]
pub struct Submission {
    /// The dossier; `unit_id` must be one of [`competent_units`].
    pub dossier: NewDossier,
    /// E-mail for notifications, if given.
    pub email: Option<String>,
    /// The component files (`component` names the catalogue component).
    pub files: Vec<NewFile>,
}

/// Stores an online submission (status 1, channel online) with its files, in
/// one transaction.
///
/// # Errors
/// [`Error::Invalid`] for a procedure without an online service, a unit not
/// competent for it, a missing phone (the tracking key), a bad e-mail, a
/// missing required component or a file that breaks the file rules (the
/// message names it), or files over [`MAX_SUBMISSION_BYTES`] in all.
pub async fn submit(db: &Db, actor: &Actor, mut sub: Submission, at: i64) -> Result<Dossier> {
    sub.dossier.channel = Channel::Online;
    let resolved = resolve(db, &sub.dossier, at).await?;
    let (unit, procedure, _) = &resolved;
    if procedure.online_level == OnlineLevel::None {
        return Err(Error::Invalid(format!(
            "thủ tục {} chưa cung cấp dịch vụ công trực tuyến (no online service for this procedure)",
            procedure.code
        )));
    }
    if !competent_units(db, procedure, at).await?.iter().any(|u| u.id == unit.id) {
        return Err(Error::Invalid(format!(
            "{} không giải quyết thủ tục này (this unit does not handle the procedure)",
            unit.full_name()
        )));
    }
    if sub.dossier.applicant.phone.is_none() {
        return Err(Error::Invalid(
            "cần số điện thoại để tra cứu hồ sơ (a phone number is required to track the dossier)".into(),
        ));
    }
    let email = match sub.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => Some(Email::parse(e).map_err(|e| Error::Invalid(e.to_string()))?.as_str().to_string()),
        None => None,
    };
    let total: usize = sub.files.iter().map(|f| f.content.len()).sum();
    if total > MAX_SUBMISSION_BYTES {
        return Err(Error::Invalid(format!(
            "tổng dung lượng tệp vượt {} MB (the files exceed {} MB in all)",
            MAX_SUBMISSION_BYTES >> 20,
            MAX_SUBMISSION_BYTES >> 20
        )));
    }
    let provided: Vec<String> = sub.files.iter().map(|f| f.component.clone()).collect();
    check_components(procedure, &provided)?;
    let mut files = Vec::with_capacity(sub.files.len());
    for f in sub.files {
        let component = f.component.trim().to_string();
        files.push(checked(NewFile { is_result: false, ..f }).map_err(|e| match e {
            Error::Invalid(m) => Error::Invalid(format!("{component}: {m}")),
            other => other,
        })?);
    }
    let start = Start { status: Status::Submitted, due: None, action: "submit", form: None, email, files };
    insert(db, actor, sub.dossier, resolved, start, at).await
}

/// Receives a dossier at the counter after the completeness check: every
/// required component of the procedure is in `ticked` (the officer's
/// checklist); `files` are the optional scans of components, stored with
/// the dossier. One transaction, as [`super::receive`].
///
/// # Errors
/// [`Error::Invalid`] naming the missing components, or a file that breaks
/// the file rules; the errors of [`super::receive`].
pub async fn receive_complete(
    db: &Db,
    actor: &Actor,
    new: NewDossier,
    ticked: &[String],
    files: Vec<NewFile>,
    at: i64,
) -> Result<Dossier> {
    let resolved = resolve(db, &new, at).await?;
    check_components(&resolved.1, ticked)?;
    let files = files.into_iter().map(|f| checked(NewFile { is_result: false, ..f })).collect::<Result<Vec<_>>>()?;
    let start = receipt(&resolved.1, at, files)?;
    insert(db, actor, new, resolved, start, at).await
}

/// The officer receives an online submission (status 1 → 2, Mẫu 01): the
/// due date runs from `at`, which becomes the dossier's receipt time.
///
/// # Errors
/// [`Error::Conflict`] when the dossier is not waiting for receipt.
pub async fn accept(db: &Db, actor: &Actor, code: &str, at: i64) -> Result<Dossier> {
    let d = load(db, code).await?;
    let to = decide(&d, Action::Receive, &context(db, &d, false).await?)?;
    let due = deadlines().due(at, d.limit());
    let event =
        Event { action: Action::Receive.as_str(), note: String::new(), form: Action::Receive.form(), details: None };
    let mut plan = Plan::new(&d, at, event);
    plan.after.status = i32::from(to.code());
    plan.after.received_at = at;
    plan.after.due_at = due;
    plan.after.original_due_at = due;
    plan.after.due_without_extension_at = due;
    Ok(apply(db, actor, &d, plan).await?.0)
}

/// The due date a submission would get if received at `at`, for the
/// portal's confirmation ("ngày hẹn trả dự kiến").
pub fn expected_due(d: &Dossier, at: i64) -> Option<i64> {
    deadlines().due(at, d.limit())
}
