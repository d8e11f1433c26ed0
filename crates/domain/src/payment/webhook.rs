//! Payment notifications (webhooks) from the aggregators that watch our
//! receiving accounts, verified and parsed into one [`Notification`].
//!
//! Each provider has a submodule with a `verify` function that checks the
//! signature exactly as `shared/domain/payments.md` documents it, then parses
//! the body: [`payos`], [`casso`] (v2) and [`sepay`]. This module holds what
//! they share: the common notification, the typed errors, the canonical JSON
//! writer, HMAC helpers with constant-time comparison ([`subtle`]) and the
//! field readers.
//!
//! Nothing reads a clock: where a scheme has a timestamp window, the caller
//! passes the window and the current time (UTC milliseconds). Facts the
//! documentation marks as unconfirmed (SePay's string-to-sign, Casso's
//! escaping of non-ASCII text) are parameters, not constants.

pub mod casso;
pub mod payos;
pub mod sepay;

use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

/// The aggregator that sent a notification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// payOS (by Casso): payment links with per-order virtual accounts.
    PayOs,
    /// Casso webhook v2: linked bank accounts.
    Casso,
    /// SePay: linked bank accounts and virtual accounts.
    SePay,
}

impl Provider {
    /// The stable lowercase name used in idempotency keys and storage.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PayOs => "payos",
            Self::Casso => "casso",
            Self::SePay => "sepay",
        }
    }
}

/// Which way the money moved on the watched account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Money received (credit): the only direction that can pay a bill.
    In,
    /// Money sent (debit).
    Out,
}

/// A verified notification of one transaction, whatever the provider.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Notification {
    /// Who sent it.
    pub provider: Provider,
    /// The provider's id of the transaction; with `provider`, the idempotency key.
    pub transaction_id: String,
    /// The bank's reference of the transfer, kept to catch one transfer reported twice.
    pub reference: Option<String>,
    /// The receiving (watched) account number.
    pub account: String,
    /// The amount in đồng, never negative; see `direction`.
    pub amount: i64,
    /// Money in or out.
    pub direction: Direction,
    /// The transfer content ("nội dung") as the bank forwarded it.
    pub content: String,
    /// The virtual account that received the money, if any.
    pub virtual_account: Option<String>,
    /// A code the provider extracted or issued (payOS `orderCode`, SePay `code`).
    pub provider_code: Option<String>,
    /// When the transaction happened, UTC milliseconds.
    pub occurred_at: i64,
    /// The raw body as received, for the exceptions queue and audits.
    pub raw: String,
}

impl Notification {
    /// The idempotency key `provider:transaction_id`.
    #[must_use]
    pub fn idempotency_key(&self) -> String {
        format!("{}:{}", self.provider.as_str(), self.transaction_id)
    }
}

/// Why a notification was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// The signature (or key) is missing, malformed or does not match.
    #[error("bad signature: {0}")]
    BadSignature(String),
    /// The signed timestamp is outside the accepted window.
    #[error("stale timestamp: {skew_ms} ms away from now, more than the {window_ms} ms allowed")]
    StaleTimestamp {
        /// Absolute distance between the signed time and now, in ms.
        skew_ms: i64,
        /// The accepted window, in ms.
        window_ms: i64,
    },
    /// The body is not the documented JSON shape.
    #[error("malformed body: {0}")]
    Malformed(String),
}

/// How the canonical JSON writer escapes strings. Casso v2 signs PHP
/// `json_encode` output; whether that escapes non-ASCII text and `/` is
/// unverified, so both are settings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JsonEscaping {
    /// Write every non-ASCII character as `\uXXXX` (UTF-16, lowercase hex), as
    /// PHP does without `JSON_UNESCAPED_UNICODE`.
    pub escape_non_ascii: bool,
    /// Write `/` as `\/`, as PHP does without `JSON_UNESCAPED_SLASHES`.
    pub escape_slash: bool,
}

/// Compact JSON with object keys sorted recursively (byte order).
#[must_use]
pub fn canonical_json(value: &Value, escaping: JsonEscaping) -> String {
    let mut out = String::new();
    write_canonical(value, escaping, &mut out);
    out
}

fn write_canonical(value: &Value, esc: JsonEscaping, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(s, esc, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, esc, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, esc, out);
                out.push(':');
                write_canonical(&map[k], esc, out);
            }
            out.push('}');
        }
    }
}

fn write_string(s: &str, esc: JsonEscaping, out: &mut String) {
    use std::fmt::Write as _;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' if esc.escape_slash => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 || (esc.escape_non_ascii && !c.is_ascii()) => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{u:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// HMAC-SHA256 of `msg` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

/// HMAC-SHA512 of `msg` under `key`.
pub(crate) fn hmac_sha512(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<sha2::Sha512> as Mac>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

/// Compares a computed MAC with a hex signature (either case) in constant time.
pub(crate) fn verify_hex(computed: &[u8], given_hex: &str) -> Result<(), WebhookError> {
    let given = hex::decode(given_hex.trim())
        .map_err(|_| WebhookError::BadSignature("the signature is not hexadecimal".into()))?;
    if given.len() == computed.len() && bool::from(computed.ct_eq(&given)) {
        Ok(())
    } else {
        Err(WebhookError::BadSignature("the signature does not match the body".into()))
    }
}

/// Checks that `signed_ms` is within `window_ms` of `now_ms`, either way.
pub(crate) fn check_window(signed_ms: i64, now_ms: i64, window_ms: i64) -> Result<(), WebhookError> {
    let skew_ms = signed_ms.abs_diff(now_ms);
    if skew_ms > window_ms.unsigned_abs() {
        return Err(WebhookError::StaleTimestamp { skew_ms: i64::try_from(skew_ms).unwrap_or(i64::MAX), window_ms });
    }
    Ok(())
}

/// A header value by case-insensitive name from `(name, value)` pairs.
#[must_use]
pub fn header<'a>(headers: &[(&str, &'a str)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| *v)
}

/// Parses the raw body as a JSON object.
pub(crate) fn parse_object(raw: &str) -> Result<Map<String, Value>, WebhookError> {
    match serde_json::from_str::<Value>(raw) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(WebhookError::Malformed("the body is not a JSON object".into())),
        Err(e) => Err(WebhookError::Malformed(format!("the body is not JSON: {e}"))),
    }
}

/// An object field.
pub(crate) fn object<'a>(map: &'a Map<String, Value>, key: &str) -> Result<&'a Map<String, Value>, WebhookError> {
    map.get(key).and_then(Value::as_object).ok_or_else(|| missing(key, "an object"))
}

/// A string field, or a number rendered as a string (ids).
pub(crate) fn text(map: &Map<String, Value>, key: &str) -> Result<String, WebhookError> {
    opt_text(map, key).ok_or_else(|| missing(key, "a string"))
}

/// A string or number field; `null`, absent or empty gives `None`.
pub(crate) fn opt_text(map: &Map<String, Value>, key: &str) -> Option<String> {
    match map.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An integer field (amounts in đồng, ids); integral numeric strings are accepted.
pub(crate) fn integer(map: &Map<String, Value>, key: &str) -> Result<i64, WebhookError> {
    match map.get(key) {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| missing(key, "an integer"))
}

/// A transaction time: `YYYY-MM-DD HH:MM:SS` (optionally with `T`) is Vietnam
/// local time (UTC+7, as the providers are Vietnamese banks' mirrors), and an
/// RFC 3339 value carries its own offset. Returns UTC milliseconds.
pub(crate) fn datetime(map: &Map<String, Value>, key: &str) -> Result<i64, WebhookError> {
    let s = map.get(key).and_then(Value::as_str).ok_or_else(|| missing(key, "a date-time string"))?;
    parse_datetime(s).ok_or_else(|| WebhookError::Malformed(format!("field {key:?} is not a date-time: {s:?}")))
}

fn parse_datetime(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp_millis());
    }
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())
        .map(crate::time::local_to_utc_ms)
}

fn missing(key: &str, what: &str) -> WebhookError {
    WebhookError::Malformed(format!("field {key:?} is missing or not {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_json_sorts_recursively_and_is_compact() {
        let v = json!({"b": 1, "a": {"z": [ {"y": 2, "x": null} ], "c": "đ/x"}});
        let plain = JsonEscaping::default();
        assert_eq!(canonical_json(&v, plain), r#"{"a":{"c":"đ/x","z":[{"x":null,"y":2}]},"b":1}"#);
        let php = JsonEscaping { escape_non_ascii: true, escape_slash: true };
        assert_eq!(canonical_json(&v, php), r#"{"a":{"c":"\u0111\/x","z":[{"x":null,"y":2}]},"b":1}"#);
        assert_eq!(canonical_json(&json!("a\"b\\\n\u{1}😀"), php), r#""a\"b\\\n\u0001\ud83d\ude00""#);
    }

    #[test]
    fn parses_local_and_offset_times() {
        // 2024-03-01 07:00:00 at UTC+7 is 00:00:00 UTC.
        assert_eq!(parse_datetime("2024-03-01 07:00:00"), Some(1_709_251_200_000));
        assert_eq!(parse_datetime("2024-03-01T00:00:00Z"), Some(1_709_251_200_000));
        assert_eq!(parse_datetime("01/03/2024"), None);
    }

    #[test]
    fn window_and_hex_checks() {
        assert!(check_window(1_000, 301_000, 300_000).is_ok());
        assert!(matches!(
            check_window(1_000, 301_001, 300_000),
            Err(WebhookError::StaleTimestamp { skew_ms: 300_001, .. })
        ));
        assert!(check_window(301_001, 1_000, 300_000).is_err());
        let mac = hmac_sha256(b"k", b"m");
        assert!(verify_hex(&mac, &hex::encode_upper(&mac)).is_ok());
        assert!(verify_hex(&mac, "zz").is_err());
        assert!(verify_hex(&mac, &hex::encode(&mac[..31])).is_err());
        assert_eq!(header(&[("x-casso-signature", "v")], "X-Casso-Signature"), Some("v"));
    }
}
