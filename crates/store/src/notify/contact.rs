//! Whom to tell when a bill is paid.
//!
//! A bill may carry its payer's own phone and e-mail (`bills.payer_phone`,
//! `bills.payer_email`, given by the cashier or the batch file): they come
//! first. Otherwise a bill linked to a dossier (`bills.dossier_code`)
//! reaches the applicant through the dossier's `applicant_phone`; other
//! bills have no contact and their payer is not notified.

use crate::{Db, Result, on_pool};

fn clean(s: Option<String>) -> Option<String> {
    s.map(|p| p.trim().to_string()).filter(|p| !p.is_empty())
}

/// The payer's phone of a bill, if one is known: the bill's own, else the
/// phone of the applicant of the dossier the bill is linked to.
pub async fn bill_payer_phone(db: &Db, bill_id: i64) -> Result<Option<String>> {
    let row: Option<(Option<String>, Option<String>)> = on_pool!(db.reader(), p => sqlx::query_as(
        "SELECT b.payer_phone, d.applicant_phone FROM bills b LEFT JOIN dossiers d ON d.code = b.dossier_code
         WHERE b.id = $1")
        .bind(bill_id)
        .fetch_optional(p)
        .await?);
    Ok(row.and_then(|(own, applicant)| clean(own).or_else(|| clean(applicant))))
}

/// The payer's e-mail address of a bill, if the bill carries one.
pub async fn bill_payer_email(db: &Db, bill_id: i64) -> Result<Option<String>> {
    let email: Option<Option<String>> = on_pool!(db.reader(), p => sqlx::query_scalar(
        "SELECT payer_email FROM bills WHERE id = $1")
        .bind(bill_id)
        .fetch_optional(p)
        .await?);
    Ok(clean(email.flatten()))
}
