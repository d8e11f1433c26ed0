//! SePay bank webhooks: a flat JSON body `{id, gateway, transactionDate,
//! accountNumber, code, content, transferType, transferAmount, accumulated,
//! subAccount, referenceCode, description}` (payments.md §4).
//!
//! SePay offers several authentications ([`SepayAuth`]). For HMAC-SHA256 the
//! documentation confirms the `X-SePay-Timestamp` header and the 5-minute
//! skew, but the string-to-sign, the signature header and the timestamp unit
//! were **not retrieved**: they are fields of [`SepayHmac`] that the caller
//! must set from SePay's current documentation. OAuth2 is checked by the web
//! layer before this module is called, so it is [`SepayAuth::None`] here.

use std::fmt;

use serde_json::Value;
use subtle::ConstantTimeEq;

use super::{Direction, Notification, Provider, WebhookError};

/// The timestamp header of SePay's HMAC scheme.
pub const TIMESTAMP_HEADER: &str = "X-SePay-Timestamp";
/// The documented maximum clock skew of SePay's HMAC scheme: 5 minutes.
pub const DEFAULT_MAX_SKEW_MS: i64 = 5 * 60 * 1000;

/// The unit of the timestamp header's number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimestampUnit {
    /// Unix seconds.
    Seconds,
    /// Unix milliseconds.
    Millis,
}

/// SePay's HMAC-SHA256 scheme, with the unconfirmed parts as settings.
#[derive(Clone)]
pub struct SepayHmac {
    /// The shared secret.
    pub secret: Vec<u8>,
    /// The header carrying the hex signature (unconfirmed).
    pub signature_header: String,
    /// The header carrying the timestamp ([`TIMESTAMP_HEADER`]).
    pub timestamp_header: String,
    /// The unit of the timestamp (unconfirmed).
    pub timestamp_unit: TimestampUnit,
    /// Builds the signed message from the timestamp header value and the raw body (unconfirmed).
    pub string_to_sign: fn(timestamp: &str, raw_body: &str) -> String,
    /// Maximum clock skew in ms ([`DEFAULT_MAX_SKEW_MS`]).
    pub max_skew_ms: i64,
}

impl SepayHmac {
    /// A scheme with the documented timestamp header and skew, and the
    /// caller's choices for the parts not yet confirmed.
    #[must_use]
    pub fn new(
        secret: impl Into<Vec<u8>>,
        signature_header: impl Into<String>,
        timestamp_unit: TimestampUnit,
        string_to_sign: fn(&str, &str) -> String,
    ) -> Self {
        Self {
            secret: secret.into(),
            signature_header: signature_header.into(),
            timestamp_header: TIMESTAMP_HEADER.to_owned(),
            timestamp_unit,
            string_to_sign,
            max_skew_ms: DEFAULT_MAX_SKEW_MS,
        }
    }

    /// The hex signature of a request (also useful to build test requests).
    #[must_use]
    pub fn sign(&self, timestamp: &str, raw_body: &str) -> String {
        hex::encode(super::hmac_sha256(&self.secret, (self.string_to_sign)(timestamp, raw_body).as_bytes()))
    }
}

impl fmt::Debug for SepayHmac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SepayHmac")
            .field("secret", &"<redacted>")
            .field("signature_header", &self.signature_header)
            .field("timestamp_header", &self.timestamp_header)
            .field("timestamp_unit", &self.timestamp_unit)
            .field("max_skew_ms", &self.max_skew_ms)
            .finish_non_exhaustive()
    }
}

/// How a SePay webhook authenticates.
#[derive(Clone)]
pub enum SepayAuth {
    /// No authentication (or OAuth2, checked before this module).
    None,
    /// `Authorization: Apikey <key>`.
    ApiKey(String),
    /// HMAC-SHA256 with a timestamp.
    Hmac(SepayHmac),
}

impl fmt::Debug for SepayAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::ApiKey(_) => f.write_str("ApiKey(<redacted>)"),
            Self::Hmac(h) => f.debug_tuple("Hmac").field(h).finish(),
        }
    }
}

/// Authenticates a SePay webhook, then parses it.
///
/// # Errors
/// [`WebhookError::BadSignature`] (missing or wrong key or signature),
/// [`WebhookError::StaleTimestamp`] (HMAC only), or [`WebhookError::Malformed`].
pub fn verify(
    raw: &str,
    headers: &[(&str, &str)],
    auth: &SepayAuth,
    now_ms: i64,
) -> Result<Notification, WebhookError> {
    match auth {
        SepayAuth::None => {}
        SepayAuth::ApiKey(key) => check_api_key(headers, key)?,
        SepayAuth::Hmac(h) => check_hmac(raw, headers, h, now_ms)?,
    }
    parse(raw)
}

fn check_api_key(headers: &[(&str, &str)], key: &str) -> Result<(), WebhookError> {
    let given = super::header(headers, "Authorization")
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("Apikey"))
        .map(|(_, k)| k.trim())
        .ok_or_else(|| WebhookError::BadSignature("no \"Authorization: Apikey <key>\" header".into()))?;
    if given.len() == key.len() && bool::from(given.as_bytes().ct_eq(key.as_bytes())) {
        Ok(())
    } else {
        Err(WebhookError::BadSignature("the API key does not match".into()))
    }
}

fn check_hmac(raw: &str, headers: &[(&str, &str)], h: &SepayHmac, now_ms: i64) -> Result<(), WebhookError> {
    let missing = |name: &str| WebhookError::BadSignature(format!("the {name} header is missing"));
    let ts = super::header(headers, &h.timestamp_header).ok_or_else(|| missing(&h.timestamp_header))?;
    let sig = super::header(headers, &h.signature_header).ok_or_else(|| missing(&h.signature_header))?;
    let msg = (h.string_to_sign)(ts, raw);
    super::verify_hex(&super::hmac_sha256(&h.secret, msg.as_bytes()), sig)?;
    let n: i64 = ts
        .trim()
        .parse()
        .map_err(|_| WebhookError::BadSignature(format!("the {} header is not a number", h.timestamp_header)))?;
    let ts_ms = match h.timestamp_unit {
        TimestampUnit::Seconds => n.saturating_mul(1000),
        TimestampUnit::Millis => n,
    };
    super::check_window(ts_ms, now_ms, h.max_skew_ms)
}

/// Parses a SePay bank-webhook body (no authentication).
///
/// # Errors
/// [`WebhookError::Malformed`].
pub fn parse(raw: &str) -> Result<Notification, WebhookError> {
    let body = super::parse_object(raw)?;
    let direction = match body.get("transferType").and_then(Value::as_str) {
        Some("in") => Direction::In,
        Some("out") => Direction::Out,
        other => return Err(WebhookError::Malformed(format!("\"transferType\" is {other:?}, not \"in\" or \"out\""))),
    };
    let amount = super::integer(&body, "transferAmount")?;
    if amount < 0 {
        return Err(WebhookError::Malformed(format!("\"transferAmount\" is negative: {amount}")));
    }
    Ok(Notification {
        provider: Provider::SePay,
        transaction_id: super::text(&body, "id")?,
        reference: super::opt_text(&body, "referenceCode"),
        account: super::text(&body, "accountNumber")?,
        amount,
        direction,
        content: super::opt_text(&body, "content").unwrap_or_default(),
        virtual_account: super::opt_text(&body, "subAccount"),
        provider_code: super::opt_text(&body, "code"),
        occurred_at: super::datetime(&body, "transactionDate")?,
        raw: raw.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_717_146_300_000; // 2024-05-31 09:05:00 UTC

    fn body() -> String {
        json!({
            "id": 92704, "gateway": "Vietcombank", "transactionDate": "2024-05-31 16:05:00",
            "accountNumber": "0123499999", "code": null, "content": "MBVCB.3278907687.XS7K2P9QA.CT tu 0123",
            "transferType": "in", "transferAmount": 2_277_000, "accumulated": 19_077_000,
            "subAccount": null, "referenceCode": "MBVCB.3278907687", "description": ""
        })
        .to_string()
    }

    fn dot(t: &str, b: &str) -> String {
        format!("{t}.{b}")
    }

    fn hmac() -> SepayHmac {
        SepayHmac::new(b"sepay-secret".to_vec(), "X-SePay-Signature", TimestampUnit::Seconds, dot)
    }

    fn signed(h: &SepayHmac, ts_ms: i64, raw: &str) -> Vec<(String, String)> {
        let ts = (ts_ms / 1000).to_string();
        vec![("x-sepay-timestamp".into(), ts.clone()), ("X-SePay-Signature".into(), h.sign(&ts, raw))]
    }

    fn refs(h: &[(String, String)]) -> Vec<(&str, &str)> {
        h.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
    }

    #[test]
    fn parses_the_documented_fields() {
        let n = verify(&body(), &[], &SepayAuth::None, NOW).unwrap();
        assert_eq!(n.idempotency_key(), "sepay:92704");
        assert_eq!((n.amount, n.direction), (2_277_000, Direction::In));
        assert_eq!(n.reference.as_deref(), Some("MBVCB.3278907687"));
        assert_eq!((n.virtual_account, n.provider_code), (None, None));
        assert_eq!(n.occurred_at, NOW);
        let out = body().replace(r#""in""#, r#""out""#);
        assert_eq!(parse(&out).unwrap().direction, Direction::Out);
        assert!(matches!(parse(&body().replace(r#""in""#, r#""x""#)), Err(WebhookError::Malformed(_))));
        assert!(matches!(parse("[]"), Err(WebhookError::Malformed(_))));
    }

    #[test]
    fn api_key() {
        let auth = SepayAuth::ApiKey("k-123".into());
        assert!(verify(&body(), &[("Authorization", "Apikey k-123")], &auth, NOW).is_ok());
        for bad in ["Apikey k-124", "Bearer k-123", "Apikey k-1234"] {
            assert!(matches!(
                verify(&body(), &[("Authorization", bad)], &auth, NOW),
                Err(WebhookError::BadSignature(_))
            ));
        }
        assert!(matches!(verify(&body(), &[], &auth, NOW), Err(WebhookError::BadSignature(_))));
        assert_eq!(format!("{auth:?}"), "ApiKey(<redacted>)");
    }

    #[test]
    fn hmac_valid_tampered_wrong_key_stale() {
        let h = hmac();
        let auth = SepayAuth::Hmac(h.clone());
        let raw = body();
        let hs = signed(&h, NOW - 10_000, &raw);
        assert!(verify(&raw, &refs(&hs), &auth, NOW).is_ok());
        // Tampered body.
        let tampered = raw.replace("2277000", "3277000");
        assert!(matches!(verify(&tampered, &refs(&hs), &auth, NOW), Err(WebhookError::BadSignature(_))));
        // Tampered signature.
        let mut bad = hs.clone();
        bad[1].1 = h.sign("0", &raw);
        assert!(matches!(verify(&raw, &refs(&bad), &auth, NOW), Err(WebhookError::BadSignature(_))));
        // Wrong key.
        let other = SepayAuth::Hmac(SepayHmac { secret: b"other".to_vec(), ..h.clone() });
        assert!(matches!(verify(&raw, &refs(&hs), &other, NOW), Err(WebhookError::BadSignature(_))));
        // Stale, both ways.
        let old = signed(&h, NOW - DEFAULT_MAX_SKEW_MS - 1_000, &raw);
        assert!(matches!(verify(&raw, &refs(&old), &auth, NOW), Err(WebhookError::StaleTimestamp { .. })));
        let future = signed(&h, NOW + DEFAULT_MAX_SKEW_MS + 1_000, &raw);
        assert!(matches!(verify(&raw, &refs(&future), &auth, NOW), Err(WebhookError::StaleTimestamp { .. })));
        // Missing headers.
        assert!(matches!(verify(&raw, &refs(&hs[..1]), &auth, NOW), Err(WebhookError::BadSignature(_))));
        assert!(!format!("{auth:?}").contains("sepay-secret"));
    }
}
