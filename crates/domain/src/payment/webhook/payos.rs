//! payOS webhooks: `{code, desc, success, data, signature}`, signed in the
//! body with HMAC-SHA256 under the merchant's checksum key over the sorted
//! `key=value&…` rendering of `data` (payOS Python SDK 1.1.0, payments.md §2).
//!
//! payOS issues a virtual account per order at MB (accounts beginning `VQRQ`),
//! so the notification's `virtual_account` is set from `virtualAccountNumber`,
//! or from `accountNumber` when that is such an account.

use serde_json::{Map, Value};

use super::{Direction, JsonEscaping, Notification, Provider, WebhookError};

/// Prefix of the per-order virtual accounts payOS opens at MB.
pub const VIRTUAL_ACCOUNT_PREFIX: &str = "VQRQ";

/// The string payOS signs: the keys of `data` sorted A→Z, each rendered as
/// `key=value`, joined with `&`. `null`, `"null"` and `"undefined"` render
/// empty; arrays (and objects) render as compact JSON with sorted keys.
#[must_use]
pub fn signing_string(data: &Map<String, Value>) -> String {
    let mut keys: Vec<&String> = data.keys().collect();
    keys.sort();
    let parts: Vec<String> = keys.into_iter().map(|k| format!("{k}={}", render_value(&data[k]))).collect();
    parts.join("&")
}

fn render_value(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) if s == "null" || s == "undefined" => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(_) | Value::Object(_) => super::canonical_json(v, JsonEscaping::default()),
    }
}

/// The hex signature of `data` under `checksum_key` (also useful to build test bodies).
#[must_use]
pub fn sign(data: &Map<String, Value>, checksum_key: &[u8]) -> String {
    hex::encode(super::hmac_sha256(checksum_key, signing_string(data).as_bytes()))
}

/// Verifies a payOS webhook body and parses it. payOS signs in the body and
/// has no timestamp, so there is no window to check.
///
/// # Errors
/// [`WebhookError::Malformed`] when the body is not the documented shape,
/// [`WebhookError::BadSignature`] when `signature` does not match `data`.
pub fn verify(raw: &str, checksum_key: &[u8]) -> Result<Notification, WebhookError> {
    let body = super::parse_object(raw)?;
    let data = super::object(&body, "data")?;
    let signature = body
        .get("signature")
        .and_then(Value::as_str)
        .ok_or_else(|| WebhookError::BadSignature("the body has no \"signature\" string".into()))?;
    super::verify_hex(&super::hmac_sha256(checksum_key, signing_string(data).as_bytes()), signature)?;
    parse_data(data, raw)
}

fn parse_data(data: &Map<String, Value>, raw: &str) -> Result<Notification, WebhookError> {
    let account = super::text(data, "accountNumber")?;
    let amount = super::integer(data, "amount")?;
    let virtual_account = super::opt_text(data, "virtualAccountNumber")
        .or_else(|| account.starts_with(VIRTUAL_ACCOUNT_PREFIX).then(|| account.clone()));
    let reference = super::text(data, "reference")?;
    Ok(Notification {
        provider: Provider::PayOs,
        transaction_id: reference.clone(),
        reference: Some(reference),
        account,
        amount: amount.checked_abs().ok_or_else(|| WebhookError::Malformed("amount out of range".into()))?,
        // payOS reports payments into its links: money in, unless a negative amount says otherwise.
        direction: if amount > 0 { Direction::In } else { Direction::Out },
        content: super::opt_text(data, "description").unwrap_or_default(),
        virtual_account,
        provider_code: Some(super::text(data, "orderCode")?),
        occurred_at: super::datetime(data, "transactionDateTime")?,
        raw: raw.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const KEY: &[u8] = b"1a54716c8f0efb2744fb28b6e38b25da7f67a925d98bc1c18bd8faaecadd7675";

    fn data() -> Value {
        json!({
            "orderCode": 123, "amount": 3000, "description": "VQRIO123 XS7K2P9QA",
            "accountNumber": "12345678", "reference": "TF230204212323",
            "transactionDateTime": "2023-02-04 18:25:00", "currency": "VND",
            "paymentLinkId": "124c33293c43417ab7879e14c8d9eb18", "code": "00", "desc": "Thành công",
            "counterAccountBankId": "", "counterAccountBankName": "", "counterAccountName": null,
            "counterAccountNumber": null, "virtualAccountName": "", "virtualAccountNumber": "VQRQ0001234"
        })
    }

    fn body(data: &Value, key: &[u8]) -> String {
        let sig = sign(data.as_object().unwrap(), key);
        json!({"code": "00", "desc": "success", "success": true, "data": data, "signature": sig}).to_string()
    }

    #[test]
    fn signing_string_sorts_and_blanks_nulls() {
        let d = json!({"b": "null", "a": 1, "c": null, "d": "undefined", "e": [{"y": 1, "x": "ế"}], "f": "x y"});
        assert_eq!(signing_string(d.as_object().unwrap()), r#"a=1&b=&c=&d=&e=[{"x":"ế","y":1}]&f=x y"#);
    }

    #[test]
    fn valid_body_parses() {
        let n = verify(&body(&data(), KEY), KEY).unwrap();
        assert_eq!(n.provider, Provider::PayOs);
        assert_eq!(n.transaction_id, "TF230204212323");
        assert_eq!(n.amount, 3000);
        assert_eq!(n.direction, Direction::In);
        assert_eq!(n.virtual_account.as_deref(), Some("VQRQ0001234"));
        assert_eq!(n.provider_code.as_deref(), Some("123"));
        assert_eq!(n.occurred_at, 1_675_509_900_000); // 2023-02-04 11:25:00 UTC
        assert_eq!(n.idempotency_key(), "payos:TF230204212323");
    }

    #[test]
    fn tampered_body_fails() {
        let raw = body(&data(), KEY).replace("3000", "300000");
        assert!(matches!(verify(&raw, KEY), Err(WebhookError::BadSignature(_))));
    }

    #[test]
    fn tampered_signature_and_wrong_key_fail() {
        let raw = body(&data(), KEY);
        let sig = sign(data().as_object().unwrap(), KEY);
        let flipped = format!("{}{}", if sig.starts_with('0') { '1' } else { '0' }, &sig[1..]);
        assert!(matches!(verify(&raw.replace(&sig, &flipped), KEY), Err(WebhookError::BadSignature(_))));
        assert!(matches!(verify(&raw, b"another key"), Err(WebhookError::BadSignature(_))));
    }

    #[test]
    fn malformed_bodies_are_typed() {
        assert!(matches!(verify("not json", KEY), Err(WebhookError::Malformed(_))));
        assert!(matches!(verify(r#"{"signature":"00"}"#, KEY), Err(WebhookError::Malformed(_))));
        let mut d = data();
        d.as_object_mut().unwrap().remove("amount");
        assert!(matches!(verify(&body(&d, KEY), KEY), Err(WebhookError::Malformed(_))));
    }
}
