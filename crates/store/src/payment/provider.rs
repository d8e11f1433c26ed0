//! Payment settings kept in the `settings` table, shared by every instance:
//! each aggregator's webhook secret and the prefix of the payment codes this
//! installation issues. Secrets are written by an administrator (audited,
//! never echoed or logged) and read by the webhook handlers through the
//! [`super::ingest::Ingester`]'s short cache.

use std::fmt;

use domain::payment::webhook::Provider;
use serde_json::json;
use vietqr::code::PaymentCodes;

use crate::audit::{Actor, Change};
use crate::{Db, Error, Result, audit_in_tx, now_ms, on_pool};

/// Settings key of the payment-code prefix.
pub const CODE_PREFIX_KEY: &str = "payment.code_prefix";
/// The payment-code prefix when none is set.
pub const DEFAULT_CODE_PREFIX: &str = "XS";
/// The body length of payment codes: 8 characters, 2⁴⁰ codes.
pub const CODE_BODY_LEN: usize = 8;

/// The settings key of a provider's secret: payOS checksum key, Casso v2
/// webhook key (secure token), SePay API key.
pub fn secret_key(p: Provider) -> &'static str {
    match p {
        Provider::PayOs => "payment.payos.checksum_key",
        Provider::Casso => "payment.casso.secure_token",
        Provider::SePay => "payment.sepay.api_key",
    }
}

/// Parses a provider name of the API (`payos`, `casso`, `sepay`).
pub fn parse_provider(s: &str) -> Option<Provider> {
    [Provider::PayOs, Provider::Casso, Provider::SePay].into_iter().find(|p| p.as_str() == s.trim())
}

/// Every payment setting, as the webhook handlers read them.
#[derive(Clone, PartialEq, Eq)]
pub struct ProviderSettings {
    /// payOS checksum key.
    pub payos: Option<String>,
    /// Casso v2 webhook key.
    pub casso: Option<String>,
    /// SePay API key.
    pub sepay: Option<String>,
    /// The payment-code prefix.
    pub code_prefix: String,
}

impl fmt::Debug for ProviderSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |s: &Option<String>| if s.is_some() { "<set>" } else { "<unset>" };
        f.debug_struct("ProviderSettings")
            .field("payos", &set(&self.payos))
            .field("casso", &set(&self.casso))
            .field("sepay", &set(&self.sepay))
            .field("code_prefix", &self.code_prefix)
            .finish()
    }
}

impl ProviderSettings {
    /// The secret of `p`, if set.
    pub fn secret(&self, p: Provider) -> Option<&str> {
        match p {
            Provider::PayOs => self.payos.as_deref(),
            Provider::Casso => self.casso.as_deref(),
            Provider::SePay => self.sepay.as_deref(),
        }
        .filter(|s| !s.is_empty())
    }

    /// The payment-code format in use.
    pub fn codes(&self) -> Result<PaymentCodes> {
        PaymentCodes::new(&self.code_prefix, CODE_BODY_LEN)
            .map_err(|e| Error::Invalid(format!("tiền tố mã thanh toán không hợp lệ: {e} (bad code prefix)")))
    }
}

/// Reads every payment setting.
pub async fn load(db: &Db) -> Result<ProviderSettings> {
    let rows: Vec<(String, String)> = on_pool!(db.reader(), p => sqlx::query_as(
        "SELECT key, value FROM settings WHERE key LIKE 'payment.%'")
        .fetch_all(p)
        .await?);
    let get = |k: &str| rows.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    Ok(ProviderSettings {
        payos: get(secret_key(Provider::PayOs)),
        casso: get(secret_key(Provider::Casso)),
        sepay: get(secret_key(Provider::SePay)),
        code_prefix: get(CODE_PREFIX_KEY).unwrap_or_else(|| DEFAULT_CODE_PREFIX.to_string()),
    })
}

/// The payment-code format in use (the prefix setting, `XS` by default).
pub async fn payment_codes(db: &Db) -> Result<PaymentCodes> {
    load(db).await?.codes()
}

async fn put(db: &Db, actor: &Actor, key: &str, value: &str, after: serde_json::Value) -> Result<()> {
    let now = now_ms();
    on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&mut *tx)
            .await?;
        let change = Change {
            unit_id: None,
            action: "payment.settings.set",
            object_type: "setting",
            object_id: key.to_string(),
            before: None,
            after: Some(after),
        };
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
    });
    Ok(())
}

/// Sets a provider's webhook secret, audited without the secret itself.
pub async fn set_secret(db: &Db, actor: &Actor, p: Provider, secret: &str) -> Result<()> {
    let secret = secret.trim();
    if secret.len() < 8 || secret.len() > 512 || secret.chars().any(char::is_control) {
        return Err(Error::Invalid(
            "khóa bí mật phải dài 8–512 ký tự, không có ký tự điều khiển (the secret must be 8–512 characters)".into(),
        ));
    }
    put(db, actor, secret_key(p), secret, json!({"provider": p.as_str(), "secret": "<set>"})).await
}

/// Sets the payment-code prefix (1–8 letters or digits), audited.
pub async fn set_code_prefix(db: &Db, actor: &Actor, prefix: &str) -> Result<()> {
    let codes = PaymentCodes::new(prefix.trim(), CODE_BODY_LEN)
        .map_err(|e| Error::Invalid(format!("tiền tố phải gồm 1–8 chữ hoặc số: {e} (bad code prefix)")))?;
    put(db, actor, CODE_PREFIX_KEY, codes.prefix(), json!({"code_prefix": codes.prefix()})).await
}
