//! Whom to tell when a bill is paid.
//!
//! Bills carry no phone or e-mail of their own (`payer_name` and
//! `payer_ref` only). A bill linked to a dossier (`bills.dossier_code`)
//! reaches the applicant through the dossier's `applicant_phone`; other
//! bills have no contact and their payer is not notified.

use crate::{Db, Result, on_pool};

/// The payer's contact of a bill, if one is known: the phone of the
/// applicant of the dossier the bill is linked to.
pub async fn bill_payer_phone(db: &Db, bill_id: i64) -> Result<Option<String>> {
    let phone: Option<Option<String>> = on_pool!(db.reader(), p => sqlx::query_scalar(
        "SELECT d.applicant_phone FROM bills b JOIN dossiers d ON d.code = b.dossier_code WHERE b.id = $1")
        .bind(bill_id)
        .fetch_optional(p)
        .await?);
    Ok(phone.flatten().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()))
}
