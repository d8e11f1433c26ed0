//! Statement import, for banks without webhooks: staff upload the bank's
//! statement file (CSV or XLSX) for a receiving account, and every credit row
//! goes through the same idempotent ingestion as a webhook, with provider
//! `statement` (txn id from the mapped column, or a hash of the row). The
//! column mapping is saved per bank BIN ([`save_mapping`]); reading the file
//! is [`parse`].

pub mod parse;

use std::collections::BTreeMap;

use domain::payment::webhook::{Direction, Notification, Provider};
use serde::Serialize;
use serde_json::json;

pub use self::parse::{StatementMapping, StatementRow};
use super::ingest::{Incoming, Ingester, Source};
use super::{ACCOUNT_COLS, Account};
use crate::audit::{Actor, Change};
use crate::{Db, Error, Result, audit_in_tx, now_ms, on_pool};

/// Saves the column mapping of a bank's statements (by BIN), audited.
pub async fn save_mapping(db: &Db, actor: &Actor, bin: &str, mapping: StatementMapping) -> Result<StatementMapping> {
    let bin = vietqr::Bin::parse(bin.trim())
        .map_err(|_| Error::Invalid(format!("BIN ngân hàng phải gồm 6 chữ số, nhận {bin:?} (bad BIN)")))?;
    let mapping = mapping.validated().map_err(Error::Invalid)?;
    let text = serde_json::to_string(&mapping).map_err(|e| Error::Invalid(e.to_string()))?;
    let now = now_ms();
    on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        sqlx::query(
            "INSERT INTO payment_statement_mappings (bin, mapping, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (bin) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at")
            .bind(bin.as_str()).bind(&text).bind(now).execute(&mut *tx).await?;
        let change = Change {
            unit_id: None,
            action: "payment.statement_mapping.save",
            object_type: "statement_mapping",
            object_id: bin.as_str().to_string(),
            before: None,
            after: serde_json::to_value(&mapping).ok(),
        };
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
    });
    Ok(mapping)
}

/// The saved mapping of a bank, if any.
pub async fn mapping(db: &Db, bin: &str) -> Result<Option<StatementMapping>> {
    let text: Option<String> = on_pool!(db.reader(), p => sqlx::query_scalar(
        "SELECT mapping FROM payment_statement_mappings WHERE bin = $1")
        .bind(bin.trim()).fetch_optional(p).await?);
    text.map(|t| serde_json::from_str(&t).map_err(|e| Error::Invalid(format!("stored mapping of {bin}: {e}"))))
        .transpose()
}

/// A receiving account by id.
pub async fn account(db: &Db, id: i64) -> Result<Account> {
    on_pool!(db.reader(), p => sqlx::query_as::<_, Account>(&format!(
        "SELECT {ACCOUNT_COLS} FROM payment_accounts WHERE id = $1"))
        .bind(id).fetch_optional(p).await?)
    .ok_or_else(|| Error::NotFound(format!("không có tài khoản nhận tiền #{id} (no such account)")))
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Transaction rows read.
    pub rows: usize,
    /// Credit rows ingested (new or seen before).
    pub credits: usize,
    /// Debit or zero rows skipped.
    pub skipped: usize,
    /// Credit rows already ingested before (a statement imported twice).
    pub replays: usize,
    /// New notifications per outcome.
    pub outcomes: BTreeMap<String, usize>,
}

/// Imports a statement file for receiving account `account_id` with its
/// bank's saved mapping. A file that cannot be read is refused whole
/// ([`Error::Invalid`] naming the row); then every credit row is ingested.
pub async fn import(
    ingester: &Ingester,
    db: &Db,
    actor: &Actor,
    account_id: i64,
    bytes: &[u8],
) -> Result<ImportSummary> {
    let account = account(db, account_id).await?;
    let mapping = mapping(db, &account.bin).await?.ok_or_else(|| {
        Error::Invalid(format!(
            "chưa lưu cấu hình cột sao kê cho ngân hàng BIN {} (no statement mapping for this bank)",
            account.bin
        ))
    })?;
    let rows = parse::parse(bytes, &mapping).map_err(Error::Invalid)?;
    let codes = ingester.settings().await?.codes()?;
    let now = now_ms();
    let mut summary = ImportSummary { rows: rows.len(), ..ImportSummary::default() };
    let incoming: Vec<Incoming> = rows
        .into_iter()
        .filter(|r| {
            let credit = r.credit > 0;
            if !credit {
                summary.skipped += 1;
            }
            credit
        })
        .map(|r| {
            let acct = r.account.clone().unwrap_or_else(|| account.account.clone());
            let ours = acct == account.account;
            Incoming {
                source: Source::Statement,
                notification: Notification {
                    provider: Provider::SePay, // not used: `source` names the provider
                    reference: r.bank_id.then(|| r.txn_id.clone()),
                    transaction_id: r.txn_id,
                    account: acct,
                    amount: r.credit,
                    direction: Direction::In,
                    content: r.content,
                    virtual_account: None,
                    provider_code: None,
                    occurred_at: r.occurred_at,
                    raw: r.raw,
                },
                bin: Some(account.bin.clone()),
                account_id: ours.then_some(account.id),
                codes: codes.clone(),
                actor: actor.clone(),
                received_at: now,
            }
        })
        .collect();
    summary.credits = incoming.len();
    for answer in ingester.ingest_many(&incoming).await? {
        if answer.replay {
            summary.replays += 1;
        } else {
            *summary.outcomes.entry(answer.outcome).or_default() += 1;
        }
    }
    let change = Change {
        unit_id: Some(account.unit_id),
        action: "payment.statement.import",
        object_type: "payment_account",
        object_id: account.id.to_string(),
        before: None,
        after: Some(json!(summary)),
    };
    crate::audit::record(db, actor, &change).await?;
    Ok(summary)
}
