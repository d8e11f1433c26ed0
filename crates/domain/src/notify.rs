//! Notifications to citizens: what a message says, to whom, and on which
//! channel. Pure: no sending here.
//!
//! A [`Notice`] is one event worth telling an applicant or payer about
//! (dossier received, supplement requested, result ready, late apology
//! (Mẫu 04), payment received) or staff about (a dossier due soon or
//! overdue); it carries the data its templates need and
//! travels as JSON `{"kind": …, "data": …}`. The submodules render it:
//!
//! - [`template`]: the accented e-mail (subject and body) and the SMS text,
//!   in Vietnamese with English alternates;
//! - [`gsm`]: the GSM 7-bit alphabet, so an SMS is unaccented (Vietnamese
//!   gateways often refuse diacritics) and its length counted as a gateway
//!   bills it.
//!
//! Recipients are typed: [`Email`] here, `person::Phone` for SMS. Stored and
//! shown recipients are masked ([`Recipient::masked`]); only the job that
//! sends the message holds the real address. `store::notify` enqueues,
//! `web::notify` sends.

pub mod gsm;
pub mod template;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::person::Phone;

pub use template::{Rendered, email, sms};

/// A delivery channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// E-mail over SMTP: accented subject and body.
    Email,
    /// SMS through an HTTP gateway: unaccented text.
    Sms,
}

impl Channel {
    /// The stored name: `email` or `sms`.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Channel> {
        match s {
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

/// The language of a message: Vietnamese first, English as the alternate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Tiếng Việt (default).
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// The stored code: `vi` or `en`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

/// One event to tell a citizen about, with what its templates need.
/// Instants are UTC milliseconds (shown at UTC+7); money is integer đồng.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum Notice {
    /// The dossier was received (Mẫu 01 issued): code, procedure, due date.
    DossierReceived {
        /// Dossier code.
        code: String,
        /// Procedure name.
        procedure: String,
        /// Due date (UTC ms); `None` when the procedure has no legal limit.
        due_at: Option<i64>,
        /// Public tracking page.
        tracking_url: String,
    },
    /// A supplement was requested (Mẫu 02): what is missing and why.
    SupplementRequested {
        /// Dossier code.
        code: String,
        /// Procedure name.
        procedure: String,
        /// The missing or faulty documents.
        missing: Vec<String>,
        /// Why.
        reason: String,
        /// Public tracking page.
        tracking_url: String,
    },
    /// The result is ready: where and how to collect it.
    ResultReady {
        /// Dossier code.
        code: String,
        /// Procedure name.
        procedure: String,
        /// Where and how to collect ("Bộ phận một cửa UBND xã …, giờ hành chính").
        collect: String,
        /// Public tracking page.
        tracking_url: String,
    },
    /// The result will be late: the apology and new date (summary of Mẫu 04).
    LateApology {
        /// Dossier code.
        code: String,
        /// Procedure name.
        procedure: String,
        /// Why it is late.
        reason: String,
        /// The new due date (UTC ms).
        new_due_at: i64,
        /// Public tracking page.
        tracking_url: String,
    },
    /// Staff alert: a dossier comes due soon (within the due-soon margin of
    /// `dossier::AlertRules`); sent to its processor and the unit's leaders.
    DossierDueSoon {
        /// Dossier code.
        code: String,
        /// Procedure name.
        procedure: String,
        /// Due date in force (UTC ms).
        due_at: i64,
        /// Time left, in words ("còn 2 ngày làm việc").
        left: String,
        /// The dossier's page for staff.
        dossier_url: String,
    },
    /// Staff alert: a dossier is overdue.
    DossierOverdue {
        /// Dossier code.
        code: String,
        /// Procedure name.
        procedure: String,
        /// Due date in force (UTC ms).
        due_at: i64,
        /// The dossier's page for staff.
        dossier_url: String,
    },
    /// A bill was paid and its receipt issued.
    PaymentReceived {
        /// The bill's payment code.
        bill_code: String,
        /// What the bill is for.
        description: String,
        /// Amount paid, in đồng.
        amount: i64,
        /// Receipt number (`BL-2026-000042`).
        receipt_number: String,
        /// Where the receipt can be seen and verified.
        receipt_url: String,
    },
}

impl Notice {
    /// The stored kind: `dossier_received`, `supplement_requested`,
    /// `result_ready`, `late_apology`, `payment_received`, `dossier_due_soon`
    /// or `dossier_overdue`.
    pub fn kind(&self) -> &'static str {
        match self {
            Notice::DossierReceived { .. } => "dossier_received",
            Notice::SupplementRequested { .. } => "supplement_requested",
            Notice::ResultReady { .. } => "result_ready",
            Notice::LateApology { .. } => "late_apology",
            Notice::PaymentReceived { .. } => "payment_received",
            Notice::DossierDueSoon { .. } => "dossier_due_soon",
            Notice::DossierOverdue { .. } => "dossier_overdue",
        }
    }
}

/// Why a recipient was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecipientError {
    /// Not an e-mail address.
    #[error("địa chỉ thư điện tử không hợp lệ (not a valid e-mail address)")]
    Email,
    /// Not a Vietnamese phone number.
    #[error("số điện thoại không hợp lệ (a phone number is 10 digits starting with 0, or +84)")]
    Phone,
    /// Neither given.
    #[error("cần ít nhất một địa chỉ nhận: thư điện tử hoặc số điện thoại (an e-mail or a phone number is needed)")]
    None,
}

/// An e-mail address, checked once: ASCII, one `@`, a local part of at most
/// 64 characters, a domain of dot-separated labels ending in a letter TLD.
/// The domain is lowercased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Parses and normalises an address.
    pub fn parse(s: &str) -> Result<Email, RecipientError> {
        let s = s.trim();
        let (local, domain) = s.split_once('@').ok_or(RecipientError::Email)?;
        let local_ok = (1..=64).contains(&local.len())
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b));
        let domain = domain.to_ascii_lowercase();
        let labels: Vec<&str> = domain.split('.').collect();
        let label_ok = |l: &&str| {
            (1..=63).contains(&l.len())
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        };
        let tld_ok = labels.last().is_some_and(|t| t.len() >= 2 && t.bytes().all(|b| b.is_ascii_alphabetic()));
        if local_ok && labels.len() >= 2 && labels.iter().all(label_ok) && tld_ok && s.len() <= 254 {
            Ok(Email(format!("{local}@{domain}")))
        } else {
            Err(RecipientError::Email)
        }
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The masked form for lists: the first two characters of the local part
    /// (one when it is that short), then `***@domain`.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.split_once('@').unwrap_or((&self.0, ""));
        let keep = if local.chars().count() > 2 { 2 } else { 1 };
        let head: String = local.chars().take(keep).collect();
        format!("{head}***@{domain}")
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = RecipientError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Email::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

/// Where one message goes: an address on its channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "channel", content = "to", rename_all = "lowercase")]
pub enum Recipient {
    /// An e-mail address.
    Email(Email),
    /// A mobile number.
    Sms(Phone),
}

impl Recipient {
    /// The channel.
    pub fn channel(&self) -> Channel {
        match self {
            Recipient::Email(_) => Channel::Email,
            Recipient::Sms(_) => Channel::Sms,
        }
    }

    /// The real address (for the sender only).
    pub fn address(&self) -> &str {
        match self {
            Recipient::Email(e) => e.as_str(),
            Recipient::Sms(p) => p.as_str(),
        }
    }

    /// The masked address, the only form stored for display.
    pub fn masked(&self) -> String {
        match self {
            Recipient::Email(e) => e.masked(),
            Recipient::Sms(p) => p.masked(),
        }
    }
}

/// The recipients of a message from optional raw inputs: an e-mail and/or a
/// phone, each validated; at least one is required. E-mail comes first.
pub fn recipients(email: Option<&str>, phone: Option<&str>) -> Result<Vec<Recipient>, RecipientError> {
    fn present(s: Option<&str>) -> Option<&str> {
        s.map(str::trim).filter(|s| !s.is_empty())
    }
    let mut out = Vec::new();
    if let Some(e) = present(email) {
        out.push(Recipient::Email(Email::parse(e)?));
    }
    if let Some(p) = present(phone) {
        out.push(Recipient::Sms(Phone::parse(p).map_err(|_| RecipientError::Phone)?));
    }
    if out.is_empty() {
        return Err(RecipientError::None);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_and_normalised() {
        assert_eq!(Email::parse(" Tuyet.Nguyen+hs@Gmail.COM ").unwrap().as_str(), "Tuyet.Nguyen+hs@gmail.com");
        for bad in ["", "a", "a@", "@b.vn", "a@b", "a@b.1", "a..b@x.vn", ".a@x.vn", "a b@x.vn", "a@-x.vn", "á@x.vn"] {
            assert_eq!(Email::parse(bad), Err(RecipientError::Email), "{bad}");
        }
        assert!(serde_json::from_str::<Email>("\"x@y\"").is_err());
    }

    #[test]
    fn recipients_are_masked() {
        assert_eq!(Email::parse("tuyet@gmail.com").unwrap().masked(), "tu***@gmail.com");
        assert_eq!(Email::parse("a@ubnd.gov.vn").unwrap().masked(), "a***@ubnd.gov.vn");
        let r = recipients(Some("tuyet@gmail.com"), Some("+84 901 234 567")).unwrap();
        assert_eq!(r.iter().map(Recipient::channel).collect::<Vec<_>>(), [Channel::Email, Channel::Sms]);
        assert_eq!(r[1].address(), "0901234567");
        assert_eq!(r[1].masked(), "0901 *** 567");
        assert!(!r[1].masked().contains("234"));
    }

    #[test]
    fn recipients_need_one_valid_address() {
        assert_eq!(recipients(None, Some("  ")), Err(RecipientError::None));
        assert_eq!(recipients(Some("x"), None), Err(RecipientError::Email));
        assert_eq!(recipients(None, Some("12345")), Err(RecipientError::Phone));
        assert_eq!(recipients(None, Some("0901234567")).unwrap().len(), 1);
    }

    #[test]
    fn notices_travel_as_kind_and_data() {
        let n = Notice::LateApology {
            code: "H19-1".into(),
            procedure: "Khai sinh".into(),
            reason: "Chờ xác minh".into(),
            new_due_at: 1,
            tracking_url: "u".into(),
        };
        let v = serde_json::to_value(&n).unwrap();
        assert_eq!(v["kind"], "late_apology");
        assert_eq!(v["data"]["reason"], "Chờ xác minh");
        assert_eq!(serde_json::from_value::<Notice>(v).unwrap(), n);
        assert_eq!(n.kind(), "late_apology");
    }
}
