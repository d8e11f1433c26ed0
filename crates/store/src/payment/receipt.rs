//! The electronic receipt (biên lai điện tử) as a document: everything the
//! PDF shows, gathered by the receipt's number and checked against its
//! verification key, so that a receipt can be opened only through the link
//! given to the payer (printed as a QR code on the receipt itself).

use domain::auth::stored_key_matches;

use super::ingest::Receipt;
use super::{ACCOUNT_COLS, Account, Bill, bill};
use crate::{Db, Error, Result, on_pool};

/// A receipt with its bill, receiving account, unit and bank reference.
#[derive(Debug, Clone)]
pub struct ReceiptDocument {
    /// The receipt.
    pub receipt: Receipt,
    /// The paid bill.
    pub bill: Bill,
    /// The account the money reached.
    pub account: Account,
    /// The collecting unit's name.
    pub unit_name: String,
    /// The bank's reference of the transfer, when a notification paid it.
    pub txn_ref: Option<String>,
}

/// The receipt numbered `number`, when `key` is its verification key; the
/// same "not found" otherwise, so that numbers cannot be tried one by one.
pub async fn document(db: &Db, number: &str, key: &str) -> Result<ReceiptDocument> {
    let not_found = || Error::NotFound(format!("không có biên lai {number} (no such receipt)"));
    let receipt = on_pool!(db.reader(), p => sqlx::query_as::<_, Receipt>(
        "SELECT id, bill_id, notification_id, number, amount, issued_at, verify_key FROM receipts WHERE number = $1")
        .bind(number)
        .fetch_optional(p)
        .await?)
    .ok_or_else(not_found)?;
    if !stored_key_matches(&receipt.verify_key, key) {
        return Err(not_found());
    }
    let bill = bill(db, receipt.bill_id).await?;
    let account = on_pool!(db.reader(), p => sqlx::query_as::<_, Account>(&format!(
        "SELECT {ACCOUNT_COLS} FROM payment_accounts WHERE id = $1"))
        .bind(bill.account_id)
        .fetch_one(p)
        .await?);
    let unit_name = crate::unit::get(db, bill.unit_id).await?.name;
    let txn_ref: Option<String> = match receipt.notification_id {
        Some(id) => on_pool!(db.reader(), p => sqlx::query_scalar(
            "SELECT COALESCE(reference, txn_id) FROM payment_notifications WHERE id = $1")
            .bind(id)
            .fetch_optional(p)
            .await?),
        None => None,
    };
    Ok(ReceiptDocument { receipt, bill, account, unit_name, txn_ref })
}
