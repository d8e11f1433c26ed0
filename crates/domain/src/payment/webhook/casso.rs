//! Casso webhook v2: `{error, data:{…}}` with the header
//! `X-Casso-Signature: t=<unix ms>,v1=<hex>`, where
//! `v1 = hex(HMAC-SHA512(key, t + "." + canonical_json(body)))` over the
//! **whole** body (CassoHQ/casso-webhook-v2-verify-signature, payments.md §3).
//!
//! Two facts are open, so they are [`CassoOptions`]: how the reference PHP
//! `json_encode` escapes non-ASCII text (and `/`), and the timestamp window,
//! which the sources do not state (checking one is our design choice).

use serde_json::Value;

use super::{Direction, JsonEscaping, Notification, Provider, WebhookError};

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "X-Casso-Signature";

/// Settings of the Casso v2 check that the sources leave open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CassoOptions {
    /// String escaping of the canonical JSON (unverified for Vietnamese text).
    pub escaping: JsonEscaping,
    /// Maximum distance between `t` and now, in ms; `None` checks no window.
    pub window_ms: Option<i64>,
}

/// The string Casso signs: `t + "." + canonical_json(body)`.
#[must_use]
pub fn signing_string(t: &str, body: &Value, escaping: JsonEscaping) -> String {
    format!("{t}.{}", super::canonical_json(body, escaping))
}

/// The header value `t=<t>,v1=<hex>` for `body` (also useful to build test requests).
#[must_use]
pub fn sign(t_ms: i64, body: &Value, key: &[u8], escaping: JsonEscaping) -> String {
    let t = t_ms.to_string();
    let mac = super::hmac_sha512(key, signing_string(&t, body, escaping).as_bytes());
    format!("t={t},v1={}", hex::encode(mac))
}

/// Splits `t=<ms>,v1=<hex>` (parts in any order, spaces tolerated).
fn parse_header(value: &str) -> Result<(&str, i64, &str), WebhookError> {
    let (mut t, mut v1) = (None, None);
    for part in value.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = Some(v.trim()),
            Some(("v1", v)) => v1 = Some(v.trim()),
            _ => {}
        }
    }
    let bad = |m: &str| WebhookError::BadSignature(format!("{SIGNATURE_HEADER} {m}"));
    let t = t.ok_or_else(|| bad("has no t="))?;
    let t_ms = t.parse().map_err(|_| bad("has a non-numeric t="))?;
    Ok((t, t_ms, v1.ok_or_else(|| bad("has no v1="))?))
}

/// Verifies a Casso v2 webhook and parses it. The signature is checked before
/// the timestamp, so a forged request never learns about the window.
///
/// # Errors
/// [`WebhookError::BadSignature`] (missing or wrong header, mismatch),
/// [`WebhookError::StaleTimestamp`], or [`WebhookError::Malformed`].
pub fn verify(
    raw: &str,
    signature_header: Option<&str>,
    key: &[u8],
    options: CassoOptions,
    now_ms: i64,
) -> Result<Notification, WebhookError> {
    let header = signature_header
        .ok_or_else(|| WebhookError::BadSignature(format!("the {SIGNATURE_HEADER} header is missing")))?;
    let (t, t_ms, v1) = parse_header(header)?;
    let body = Value::Object(super::parse_object(raw)?);
    super::verify_hex(&super::hmac_sha512(key, signing_string(t, &body, options.escaping).as_bytes()), v1)?;
    if let Some(window_ms) = options.window_ms {
        super::check_window(t_ms, now_ms, window_ms)?;
    }
    parse_body(&body, raw)
}

fn parse_body(body: &Value, raw: &str) -> Result<Notification, WebhookError> {
    let error = body.get("error").and_then(Value::as_i64);
    if error != Some(0) {
        return Err(WebhookError::Malformed(format!("\"error\" is {:?}, not 0", body.get("error"))));
    }
    let data = body
        .get("data")
        .and_then(Value::as_object)
        .ok_or_else(|| WebhookError::Malformed("\"data\" is not an object (a v1 array?)".into()))?;
    let amount = super::integer(data, "amount")?;
    Ok(Notification {
        provider: Provider::Casso,
        transaction_id: super::text(data, "id")?,
        reference: super::opt_text(data, "reference"),
        account: super::text(data, "accountNumber")?,
        amount: amount.checked_abs().ok_or_else(|| WebhookError::Malformed("amount out of range".into()))?,
        // Only a positive amount is money in; anything else is treated as out.
        direction: if amount > 0 { Direction::In } else { Direction::Out },
        content: super::opt_text(data, "description").unwrap_or_default(),
        virtual_account: super::opt_text(data, "virtualAccountNumber"),
        provider_code: None,
        occurred_at: super::datetime(data, "transactionDateTime")?,
        raw: raw.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const KEY: &[u8] = b"casso-webhook-secret";
    const NOW: i64 = 1_739_520_000_000;
    const OPTS: CassoOptions = CassoOptions {
        escaping: JsonEscaping { escape_non_ascii: false, escape_slash: false },
        window_ms: Some(300_000),
    };

    fn body() -> Value {
        json!({"error": 0, "data": {
            "id": 0, "reference": "BANK_REF_ID", "description": "XS7K2P9QA chuyển tiền học phí",
            "amount": 599_000, "runningBalance": 25_000_000, "transactionDateTime": "2025-02-14 15:14:00",
            "accountNumber": "88888888", "bankName": "VPBank", "bankAbbreviation": "VPB",
            "virtualAccountNumber": "", "virtualAccountName": "", "counterAccountName": "",
            "counterAccountNumber": "", "counterAccountBankId": "", "counterAccountBankName": ""
        }})
    }

    #[test]
    fn valid_request_parses() {
        let b = body();
        let h = sign(NOW - 1_000, &b, KEY, OPTS.escaping);
        let n = verify(&b.to_string(), Some(&h), KEY, OPTS, NOW).unwrap();
        assert_eq!((n.provider, n.transaction_id.as_str(), n.amount), (Provider::Casso, "0", 599_000));
        assert_eq!(n.direction, Direction::In);
        assert_eq!(n.virtual_account, None);
        assert_eq!(n.reference.as_deref(), Some("BANK_REF_ID"));
        assert_eq!(n.content, "XS7K2P9QA chuyển tiền học phí");
    }

    #[test]
    fn key_order_of_the_raw_body_does_not_matter() {
        let b = body();
        let h = sign(NOW, &b, KEY, OPTS.escaping);
        let reordered = format!(r#"{{"data":{},"error":0}}"#, b["data"]);
        assert!(verify(&reordered, Some(&h), KEY, OPTS, NOW).is_ok());
    }

    #[test]
    fn escaping_is_a_setting() {
        let b = body();
        let php = CassoOptions { escaping: JsonEscaping { escape_non_ascii: true, escape_slash: true }, ..OPTS };
        let h = sign(NOW, &b, KEY, php.escaping);
        assert!(verify(&b.to_string(), Some(&h), KEY, php, NOW).is_ok());
        assert!(matches!(verify(&b.to_string(), Some(&h), KEY, OPTS, NOW), Err(WebhookError::BadSignature(_))));
    }

    #[test]
    fn tampering_and_wrong_key_fail() {
        let b = body();
        let h = sign(NOW, &b, KEY, OPTS.escaping);
        let tampered = b.to_string().replace("599000", "5990000");
        assert!(matches!(verify(&tampered, Some(&h), KEY, OPTS, NOW), Err(WebhookError::BadSignature(_))));
        let bad_sig = h.replace("v1=", "v1=00").chars().take(h.len()).collect::<String>();
        assert!(matches!(verify(&b.to_string(), Some(&bad_sig), KEY, OPTS, NOW), Err(WebhookError::BadSignature(_))));
        // Changing t invalidates the signature too.
        let moved_t = h.replacen(&format!("t={NOW}"), &format!("t={}", NOW + 1), 1);
        assert!(matches!(verify(&b.to_string(), Some(&moved_t), KEY, OPTS, NOW), Err(WebhookError::BadSignature(_))));
        assert!(matches!(verify(&b.to_string(), Some(&h), b"wrong", OPTS, NOW), Err(WebhookError::BadSignature(_))));
        assert!(matches!(verify(&b.to_string(), None, KEY, OPTS, NOW), Err(WebhookError::BadSignature(_))));
        assert!(matches!(verify(&b.to_string(), Some("v1=ab"), KEY, OPTS, NOW), Err(WebhookError::BadSignature(_))));
    }

    #[test]
    fn stale_timestamp_fails_only_with_a_window() {
        let b = body();
        let h = sign(NOW - 300_001, &b, KEY, OPTS.escaping);
        assert!(matches!(verify(&b.to_string(), Some(&h), KEY, OPTS, NOW), Err(WebhookError::StaleTimestamp { .. })));
        let no_window = CassoOptions { window_ms: None, ..OPTS };
        assert!(verify(&b.to_string(), Some(&h), KEY, no_window, NOW).is_ok());
    }

    #[test]
    fn outgoing_and_malformed() {
        let mut b = body();
        b["data"]["amount"] = json!(-20_000);
        let n = verify(&b.to_string(), Some(&sign(NOW, &b, KEY, OPTS.escaping)), KEY, OPTS, NOW).unwrap();
        assert_eq!((n.direction, n.amount), (Direction::Out, 20_000));
        let v1 = json!({"error": 0, "data": [{"id": 1}]});
        let h = sign(NOW, &v1, KEY, OPTS.escaping);
        assert!(matches!(verify(&v1.to_string(), Some(&h), KEY, OPTS, NOW), Err(WebhookError::Malformed(_))));
    }
}
