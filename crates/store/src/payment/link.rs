//! What links a bill to the outside after it is created: the virtual account
//! a bank or payOS opened for it (then a transfer to that account pays it,
//! whatever its content) and the dossier it charges a fee for (resumed when
//! the bill is paid, see [`super::ingest::PaymentTx::on_bill_paid`]).

use serde_json::json;

use crate::audit::{Actor, Change};
use crate::{Db, Error, Result, audit_in_tx, now_ms, on_pool};

async fn set_column(db: &Db, actor: &Actor, bill_id: i64, column: &'static str, value: &str) -> Result<()> {
    let now = now_ms();
    let action = if column == "virtual_account" { "payment.bill.virtual_account" } else { "payment.bill.dossier" };
    on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let row: Option<(i64, Option<String>)> = sqlx::query_as(&format!("SELECT unit_id, {column} FROM bills WHERE id = $1"))
            .bind(bill_id).fetch_optional(&mut *tx).await?;
        let (unit_id, before) = row.ok_or_else(|| Error::NotFound(format!("không có phiếu thu #{bill_id} (no such bill)")))?;
        sqlx::query(&format!("UPDATE bills SET {column} = $1 WHERE id = $2"))
            .bind(value).bind(bill_id).execute(&mut *tx).await?;
        let change = Change {
            unit_id: Some(unit_id),
            action,
            object_type: "bill",
            object_id: bill_id.to_string(),
            before: Some(json!({column: before})),
            after: Some(json!({column: value})),
        };
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
    });
    Ok(())
}

/// Gives a bill its own virtual account (unique among bills), audited.
pub async fn set_virtual_account(db: &Db, actor: &Actor, bill_id: i64, virtual_account: &str) -> Result<()> {
    let va = virtual_account.trim();
    if va.is_empty() || va.len() > 40 || !va.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(Error::Invalid(format!("tài khoản ảo không hợp lệ {va:?} (bad virtual account)")));
    }
    set_column(db, actor, bill_id, "virtual_account", va).await
}

/// Links a bill to the dossier it charges for, audited.
pub async fn set_dossier_code(db: &Db, actor: &Actor, bill_id: i64, dossier_code: &str) -> Result<()> {
    set_column(db, actor, bill_id, "dossier_code", dossier_code.trim()).await
}

/// Resumes the dossier a paid bill collected the fee for (status 6, "fee
/// requested", back to processing), recording the receipt number. Called by
/// the `payment.paid` job, so it runs once the payment is durable and is
/// retried on failure; a dossier no longer waiting for its fee (resumed by an
/// earlier run, or by a cashier by hand) is left alone. Returns whether it
/// resumed one.
pub async fn resume_dossier(db: &Db, bill_id: i64, receipt_no: &str, at: i64) -> Result<bool> {
    let code: Option<String> = on_pool!(db.reader(), p => sqlx::query_scalar(
        "SELECT dossier_code FROM bills WHERE id = $1")
        .bind(bill_id)
        .fetch_optional(p)
        .await?)
    .flatten();
    let Some(code) = code else { return Ok(false) };
    let Some(dossier) = crate::dossier::by_code(db, &code).await? else {
        tracing::warn!(bill = bill_id, dossier = %code, "paid bill names a dossier that does not exist");
        return Ok(false);
    };
    if dossier.status() != Some(domain::dossier::Status::FeeRequested) {
        return Ok(false);
    }
    crate::dossier::fee_paid(db, &Actor::system(), &code, receipt_no, at).await?;
    Ok(true)
}
