//! Reads of a dossier's personal data by staff: the applicant's full CCCD,
//! phone and address on the dossier page, and the forms printed with them.
//! Lists and the API show these masked; a full view is allowed to officers
//! of the dossier's unit and leaves an audit row, like a file read
//! ([`super::file::file_content`]).

use serde_json::json;

use super::Dossier;
use crate::audit::{Actor, Change, record};
use crate::{Db, Result};

/// Records that `actor` saw the dossier's personal data in full, through
/// `what` (`applicant` for the page, `form_01` … `form_06` for a printed form).
pub async fn record_personal_read(db: &Db, actor: &Actor, d: &Dossier, what: &str) -> Result<()> {
    let change = Change {
        unit_id: Some(d.unit_id),
        action: "dossier.personal_read",
        object_type: "dossier",
        object_id: d.code.clone(),
        before: None,
        after: Some(json!({"view": what})),
    };
    record(db, actor, &change).await
}
