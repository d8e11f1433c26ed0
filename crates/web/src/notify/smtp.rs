//! E-mail over SMTP with `lettre` on tokio: implicit TLS, STARTTLS (rustls,
//! web PKI roots) or plain for a local relay, with optional credentials.
//! The body is plain UTF-8 text; lettre picks the transfer encoding.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::{Deserialize, Serialize};

use super::Outcome;

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain connection upgraded with STARTTLS, required (port 587).
    #[default]
    Starttls,
    /// No TLS: only for a relay on the same host or network (port 25).
    Plain,
}

/// `[notify.smtp]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SmtpConfig {
    /// Server host name.
    pub host: String,
    /// Port; by default 465, 587 or 25 after `security`.
    #[serde(default)]
    pub port: Option<u16>,
    /// `tls`, `starttls` (default) or `plain`.
    #[serde(default)]
    pub security: SmtpSecurity,
    /// Login, if the server needs one.
    #[serde(default)]
    pub username: Option<String>,
    /// Password (never logged).
    #[serde(default, skip_serializing)]
    pub password: Option<String>,
    /// Sender, e.g. `UBND xã Tân Hòa <no-reply@tanhoa.gov.vn>`.
    pub from: String,
    /// Seconds before a connection or command times out (default 30).
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
}

fn default_timeout() -> u64 {
    30
}

/// A configured mailer.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// Builds the transport (no connection is made yet).
    pub fn new(cfg: &SmtpConfig) -> Result<Mailer, String> {
        let from: Mailbox =
            cfg.from.parse().map_err(|e| format!("notify.smtp.from không hợp lệ (invalid sender address): {e}"))?;
        let bad = |e: lettre::transport::smtp::Error| format!("notify.smtp: {e}");
        let (builder, port) = match cfg.security {
            SmtpSecurity::Tls => (AsyncSmtpTransport::<Tokio1Executor>::relay(&cfg.host).map_err(bad)?, 465),
            SmtpSecurity::Starttls => {
                (AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&cfg.host).map_err(bad)?, 587)
            }
            SmtpSecurity::Plain => (AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&cfg.host), 25),
        };
        let mut builder =
            builder.port(cfg.port.unwrap_or(port)).timeout(Some(Duration::from_secs(cfg.timeout_secs.max(1))));
        if let Some(user) = &cfg.username {
            builder = builder.credentials(Credentials::new(user.clone(), cfg.password.clone().unwrap_or_default()));
        }
        Ok(Mailer { transport: builder.build(), from })
    }

    /// Sends one message.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Outcome {
        let to: Mailbox = match to.parse() {
            Ok(m) => m,
            Err(e) => return Outcome::Permanent(format!("địa chỉ nhận không hợp lệ (bad recipient): {e}")),
        };
        let message = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string());
        let message = match message {
            Ok(m) => m,
            Err(e) => return Outcome::Permanent(format!("không tạo được thư (cannot build the message): {e}")),
        };
        match self.transport.send(message).await {
            Ok(reply) => {
                Outcome::Sent(Some(format!("{} {}", reply.code(), reply.message().collect::<Vec<_>>().join(" "))))
            }
            Err(e) if e.is_permanent() => Outcome::Permanent(format!("SMTP: {e}")),
            Err(e) => Outcome::Transient(format!("SMTP: {e}")),
        }
    }
}
