//! Sending notifications: the SMTP mailer ([`smtp`]), the HTTP SMS gateway
//! adapter ([`sms`]) and the job handlers ([`handler`]) that the runner
//! (`crate::jobs`) calls for `notify.email`, `notify.sms` and
//! `payment.paid`; [`dossier`] runs the dossier jobs (`dossier.notify` to
//! applicants, `dossier.alerts` to staff).
//!
//! Each channel is configured or absent. An absent channel is disabled: its
//! messages are recorded as `skipped`, never dropped silently. A transient
//! failure (network, SMTP 4xx, gateway 5xx/408/429) is retried with the job
//! backoff and marks the message `failed` after the last attempt; a
//! permanent refusal (SMTP 5xx, other gateway 4xx) marks it `failed` at once.

pub mod dossier;
pub mod handler;
pub mod sms;
pub mod smtp;

pub use sms::{PhoneFormat, SmsConfig};
pub use smtp::{SmtpConfig, SmtpSecurity};

/// What sending needs, from the configuration.
#[derive(Debug, Clone, Default)]
pub struct NotifyConfig {
    /// The SMTP server; `None` disables e-mail.
    pub smtp: Option<SmtpConfig>,
    /// The SMS gateway; `None` disables SMS.
    pub sms: Option<SmsConfig>,
    /// The public address of the site, for links in messages.
    pub public_url: String,
}

/// How one attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted; the provider's id or reply, if any.
    Sent(Option<String>),
    /// Worth retrying.
    Transient(String),
    /// Refused for good.
    Permanent(String),
}

/// The configured senders, built once and shared by the handlers.
pub struct Senders {
    email: Option<smtp::Mailer>,
    sms: Option<sms::Gateway>,
    public_url: String,
}

impl Senders {
    /// Builds the senders; a bad configuration is refused with a reason.
    pub fn new(cfg: &NotifyConfig) -> Result<Senders, String> {
        Ok(Senders {
            email: cfg.smtp.as_ref().map(smtp::Mailer::new).transpose()?,
            sms: cfg.sms.as_ref().map(sms::Gateway::new).transpose()?,
            public_url: cfg.public_url.trim_end_matches('/').to_string(),
        })
    }
}
