//! The citizen's tracking view (tra cứu hồ sơ): a dossier's progress shown
//! without login to whoever knows its code and the last four digits of the
//! applicant's phone.
//!
//! [`track`] answers `None` alike for an unknown code, a dossier without a
//! phone and wrong digits, so the answer tells nothing about which codes
//! exist. The view holds no personal data beyond the masked name: no ID
//! number, no phone, no address, no officer's name, and only the notes the
//! applicant is meant to read (what to supplement, why refused, stopped or
//! extended); internal comments and hand-overs show as steps only.

use domain::person::mask_name;
use serde::Serialize;

use super::by_code;
use super::timeline::events;
use crate::{Db, Result};

/// One public event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicEvent {
    /// When (UTC ms).
    pub at: i64,
    /// The action's stored name.
    pub action: String,
    /// DVCQG status after.
    pub status: i32,
    /// The note addressed to the applicant, if any.
    pub note: Option<String>,
}

/// What a citizen sees of a dossier: no personal data but the masked name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicView {
    /// Dossier code.
    pub code: String,
    /// DVCQG status code.
    pub status: i32,
    /// The procedure's TTHC code.
    pub procedure_code: String,
    /// Received (UTC ms).
    pub received_at: i64,
    /// Due date in force (UTC ms).
    pub due_at: Option<i64>,
    /// Processing finished (UTC ms).
    pub finished_at: Option<i64>,
    /// Result returned (UTC ms).
    pub returned_at: Option<i64>,
    /// How the result was returned.
    pub result_channel: Option<String>,
    /// The procedure's name.
    pub procedure_name: String,
    /// The applicant's name, masked.
    pub applicant_name_masked: String,
    /// The public events, oldest first.
    pub events: Vec<PublicEvent>,
    /// The applicant's rating, 1–5, once given.
    pub rating: Option<i32>,
}

/// Actions whose note is written to the applicant.
const NOTE_FOR_APPLICANT: [&str; 4] = ["request_supplement", "refuse", "stop", "extend"];
/// Actions shown to the applicant at all.
const SHOWN: [&str; 15] = [
    "submit",
    "receive",
    "forward",
    "send_back",
    "request_supplement",
    "supplement_received",
    "request_fee",
    "fee_paid",
    "extend",
    "complete",
    "return_result",
    "refuse",
    "withdraw",
    "stop",
    "rate",
];

/// The last four digits of a stored phone number.
fn last4(phone: &str) -> Option<String> {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 4).then(|| digits[digits.len() - 4..].iter().collect())
}

/// Whether `given` is the last four digits of the stored phone: false for
/// anything but four digits, and for a dossier without a phone.
pub(crate) fn phone_matches(stored: Option<&str>, given: &str) -> bool {
    let given = given.trim();
    if given.len() != 4 || !given.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let Some(stored) = stored.and_then(last4) else {
        return false;
    };
    // Compare every digit, so the time taken does not depend on where they differ.
    stored.bytes().zip(given.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// The dossier `code` if `phone_last4` matches the applicant's phone;
/// `None` otherwise, whatever the reason.
pub(crate) async fn proven(db: &Db, code: &str, phone_last4: &str) -> Result<Option<super::Dossier>> {
    Ok(by_code(db, code).await?.filter(|d| phone_matches(d.applicant_phone.as_deref(), phone_last4)))
}

/// The public view of dossier `code` if `phone_last4` matches the
/// applicant's phone; `None` otherwise, whatever the reason.
pub async fn track(db: &Db, code: &str, phone_last4: &str) -> Result<Option<PublicView>> {
    let Some(d) = proven(db, code, phone_last4).await? else {
        return Ok(None);
    };
    let procedure_name = crate::procedure::get(db, d.procedure_id).await?.name;
    let events = events(db, d.id)
        .await?
        .into_iter()
        .filter(|e| SHOWN.contains(&e.action.as_str()))
        .map(|e| PublicEvent {
            note: NOTE_FOR_APPLICANT.contains(&e.action.as_str()).then(|| e.note.clone()).filter(|n| !n.is_empty()),
            at: e.at,
            status: e.to_status,
            action: e.action,
        })
        .collect();
    let applicant_name_masked = mask_name(&d.applicant_name);
    Ok(Some(PublicView {
        code: d.code,
        status: d.status,
        procedure_code: d.procedure_code,
        received_at: d.received_at,
        due_at: d.due_at,
        finished_at: d.finished_at,
        returned_at: d.returned_at,
        result_channel: d.result_channel,
        procedure_name,
        applicant_name_masked,
        events,
        rating: d.rating,
    }))
}
