//! SMS through an HTTP gateway, described by configuration rather than code:
//! a URL, a method, headers, and a JSON body template whose string values
//! may hold `{phone}` and `{text}` (the URL may too, percent-encoded).
//! Success is decided by the status code; the provider's message id can be
//! read from the JSON reply with a JSON pointer. Uses `reqwest` with rustls.
//!
//! Example for a gateway taking `POST {"to": "...", "content": "..."}`:
//!
//! ```toml
//! [notify.sms]
//! url = "https://sms.example.vn/api/send"
//! headers = { Authorization = "Bearer …" }
//! body = '{"to": "{phone}", "content": "{text}", "type": 2}'
//! id_pointer = "/data/messageId"
//! ```

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Outcome;

/// How the phone number is written for the gateway.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PhoneFormat {
    /// `0901234567` (default).
    #[default]
    National,
    /// `84901234567`.
    International,
}

/// `[notify.sms]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SmsConfig {
    /// The gateway's URL (may contain `{phone}` and `{text}`).
    pub url: String,
    /// HTTP method (default `POST`).
    #[serde(default = "default_method")]
    pub method: String,
    /// Headers sent with every request (credentials go here; never logged).
    #[serde(default, skip_serializing)]
    pub headers: BTreeMap<String, String>,
    /// JSON body template; empty for no body.
    #[serde(default)]
    pub body: String,
    /// Status codes meaning success; empty means any 2xx.
    #[serde(default)]
    pub success_status: Vec<u16>,
    /// JSON pointer to the message id in the reply, e.g. `/data/id`.
    #[serde(default)]
    pub id_pointer: Option<String>,
    /// `national` (0901234567, default) or `international` (84901234567).
    #[serde(default)]
    pub phone_format: PhoneFormat,
    /// Seconds before a request times out (default 20).
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
}

fn default_method() -> String {
    "POST".into()
}

fn default_timeout() -> u64 {
    20
}

/// A configured gateway.
pub struct Gateway {
    client: reqwest::Client,
    method: Method,
    cfg: SmsConfig,
    body: Option<Value>,
}

impl Gateway {
    /// Checks the configuration and builds the HTTP client.
    pub fn new(cfg: &SmsConfig) -> Result<Gateway, String> {
        let method = Method::from_bytes(cfg.method.trim().to_ascii_uppercase().as_bytes())
            .map_err(|_| format!("notify.sms.method không hợp lệ (invalid method) {:?}", cfg.method))?;
        reqwest::Url::parse(&cfg.url.replace("{phone}", "0").replace("{text}", "x"))
            .map_err(|e| format!("notify.sms.url không hợp lệ (invalid URL): {e}"))?;
        let body = if cfg.body.trim().is_empty() {
            None
        } else {
            Some(
                serde_json::from_str(&cfg.body)
                    .map_err(|e| format!("notify.sms.body không phải JSON (the body template is not JSON): {e}"))?,
            )
        };
        for (name, value) in &cfg.headers {
            reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("notify.sms.headers: tên không hợp lệ (invalid header name) {name:?}"))?;
            reqwest::header::HeaderValue::from_str(value)
                .map_err(|_| format!("notify.sms.headers: giá trị không hợp lệ của {name} (invalid header value)"))?;
        }
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(cfg.timeout_secs.max(1)))
            .build()
            .map_err(|e| format!("notify.sms: {e}"))?;
        Ok(Gateway { client, method, cfg: cfg.clone(), body })
    }

    /// Sends one text to a phone (digits, national form `0…`).
    pub async fn send(&self, phone: &str, text: &str) -> Outcome {
        let phone = match self.cfg.phone_format {
            PhoneFormat::National => phone.to_string(),
            PhoneFormat::International => format!("84{}", phone.strip_prefix('0').unwrap_or(phone)),
        };
        let url = self.cfg.url.replace("{phone}", &percent_encode(&phone)).replace("{text}", &percent_encode(text));
        let mut req = self.client.request(self.method.clone(), url);
        for (name, value) in &self.cfg.headers {
            req = req.header(name, value);
        }
        if let Some(template) = &self.body {
            req = req.json(&fill(template, &phone, text));
        }
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) => return Outcome::Transient(format!("gateway: {e}")),
        };
        let status = resp.status();
        let reply = resp.text().await.unwrap_or_default();
        if self.is_success(status) {
            let id = self.cfg.id_pointer.as_deref().and_then(|ptr| {
                let v: Value = serde_json::from_str(&reply).ok()?;
                match v.pointer(ptr)? {
                    Value::String(s) => Some(s.clone()),
                    Value::Null => None,
                    other => Some(other.to_string()),
                }
            });
            return Outcome::Sent(id);
        }
        let reason = format!("gateway HTTP {}: {}", status.as_u16(), reply.chars().take(300).collect::<String>());
        let retry = status.is_server_error()
            || status == StatusCode::REQUEST_TIMEOUT
            || status == StatusCode::TOO_MANY_REQUESTS;
        if retry { Outcome::Transient(reason) } else { Outcome::Permanent(reason) }
    }

    fn is_success(&self, status: StatusCode) -> bool {
        if self.cfg.success_status.is_empty() {
            status.is_success()
        } else {
            self.cfg.success_status.contains(&status.as_u16())
        }
    }
}

/// The body template with `{phone}` and `{text}` replaced inside every
/// string value (so the text is JSON-escaped by the serializer).
fn fill(template: &Value, phone: &str, text: &str) -> Value {
    match template {
        Value::String(s) => Value::String(s.replace("{phone}", phone).replace("{text}", text)),
        Value::Array(a) => Value::Array(a.iter().map(|v| fill(v, phone, text)).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), fill(v, phone, text))).collect()),
        other => other.clone(),
    }
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_filled_inside_strings_only() {
        let t: Value =
            serde_json::from_str(r#"{"to":"{phone}","msg":{"text":"{text}"},"n":2,"l":["{phone}"]}"#).unwrap();
        let v = fill(&t, "0901234567", "He said \"hi\"");
        assert_eq!(v["to"], "0901234567");
        assert_eq!(v["msg"]["text"], "He said \"hi\"");
        assert_eq!(v["n"], 2);
        assert_eq!(v["l"][0], "0901234567");
        assert_eq!(percent_encode("Ho so 1/2"), "Ho%20so%201%2F2");
    }

    #[test]
    fn bad_configurations_are_refused() {
        let cfg = |url: &str, body: &str, method: &str| SmsConfig {
            url: url.into(),
            method: method.into(),
            headers: BTreeMap::new(),
            body: body.into(),
            success_status: vec![],
            id_pointer: None,
            phone_format: PhoneFormat::National,
            timeout_secs: 5,
        };
        assert!(Gateway::new(&cfg("http://127.0.0.1:1/send", r#"{"to":"{phone}"}"#, "post")).is_ok());
        assert!(Gateway::new(&cfg("not a url", "", "POST")).is_err());
        assert!(Gateway::new(&cfg("http://x.vn/", "{to: phone}", "POST")).is_err());
        assert!(Gateway::new(&cfg("http://x.vn/", "", "PO ST")).is_err());
    }
}
