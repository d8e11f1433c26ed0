//! Files attached to a dossier: its components (thành phần hồ sơ) and its
//! electronic result.
//!
//! Only PDF, JPEG and PNG up to [`MAX_FILE_BYTES`] are kept; the type is
//! read from the content's signature ([`sniff`]), not trusted from the
//! client, and must agree with the declared type. Each file is stored with
//! its SHA-256. Files hold personal data: [`file_content`] writes an audit
//! row for every read. Attaching a result file marks the dossier as having
//! an electronic result (Decision 766 item 4.1).

use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::plan::{Event, FileRow, Plan, apply};
use super::workflow::required;
use super::{Dossier, load};
use crate::audit::{Actor, Change};
use crate::{Db, Error, Result, audit_in_tx, on_pool};

/// The largest file accepted, in bytes (10 MB).
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// The content types accepted.
pub const ALLOWED_MIMES: [&str; 3] = ["application/pdf", "image/jpeg", "image/png"];

/// The accepted type of `content`, read from its signature.
pub fn sniff(content: &[u8]) -> Option<&'static str> {
    if content.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if content.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}

/// Whether a declared content type is one of [`ALLOWED_MIMES`] (parameters ignored).
pub fn is_allowed_mime(declared: &str) -> bool {
    let base = declared.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let base = if base == "image/jpg" { "image/jpeg".to_string() } else { base };
    ALLOWED_MIMES.contains(&base.as_str())
}

/// A file to attach.
#[derive(Debug, Clone)]
pub struct NewFile {
    /// Whether it is the electronic result (else a component).
    pub is_result: bool,
    /// The component's label ("Tờ khai", "Bản sao CCCD").
    pub component: String,
    /// The original file name.
    pub file_name: String,
    /// The type the client declared, if any.
    pub declared_mime: Option<String>,
    /// The content.
    pub content: Vec<u8>,
}

/// A stored file's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct FileMeta {
    /// Id.
    pub id: i64,
    /// `component` or `result`.
    pub purpose: String,
    /// The component's label.
    pub component: String,
    /// The original file name.
    pub file_name: String,
    /// Content type.
    pub mime: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// Uploaded (UTC ms).
    pub uploaded_at: i64,
    /// Uploaded by (user id); none for a citizen.
    pub uploaded_by: Option<i64>,
}

const META: &str = "id, purpose, component, file_name, mime, size, sha256, uploaded_at, uploaded_by";

/// The file name kept: the last path component, without control characters, at most 200 characters.
fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last.chars().filter(|c| !c.is_control() && *c != '"').take(200).collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() { "tep".to_string() } else { cleaned }
}

/// Checks a file against the rules (a component label, not empty, at most
/// [`MAX_FILE_BYTES`], PDF/JPEG/PNG by content, agreeing with the declared
/// type) and hashes it: the row to store.
///
/// # Errors
/// [`Error::Invalid`] saying which rule it breaks.
pub(crate) fn checked(file: NewFile) -> Result<FileRow> {
    let component = required(&file.component, "tên thành phần hồ sơ", "the component label")?;
    if file.content.is_empty() {
        return Err(Error::Invalid("tệp rỗng (the file is empty)".into()));
    }
    if file.content.len() > MAX_FILE_BYTES {
        return Err(Error::Invalid(format!(
            "tệp lớn hơn {} MB (the file is larger than {} MB)",
            MAX_FILE_BYTES >> 20,
            MAX_FILE_BYTES >> 20
        )));
    }
    let mime = sniff(&file.content).ok_or_else(|| {
        Error::Invalid("chỉ nhận tệp PDF, JPEG hoặc PNG (only PDF, JPEG or PNG files are accepted)".into())
    })?;
    if let Some(declared) = file.declared_mime.as_deref().filter(|m| !m.trim().is_empty())
        && !declared.eq_ignore_ascii_case("application/octet-stream")
    {
        let base = declared.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let base = if base == "image/jpg" { "image/jpeg".to_string() } else { base };
        if base != mime {
            return Err(Error::Invalid(format!(
                "nội dung tệp không khớp kiểu {declared} (the content does not match the declared type)"
            )));
        }
    }
    Ok(FileRow {
        purpose: if file.is_result { "result" } else { "component" },
        component,
        file_name: clean_name(&file.file_name),
        mime,
        sha256: hex::encode(Sha256::digest(&file.content)),
        content: file.content,
    })
}

/// Attaches a file to a dossier that is not closed, audited.
///
/// # Errors
/// [`Error::Invalid`] for an empty, too large or unaccepted file (the web
/// layer checks size and type first to answer 413 / 415);
/// [`Error::Conflict`] for a closed dossier.
pub async fn attach(db: &Db, actor: &Actor, code: &str, file: NewFile, at: i64) -> Result<(Dossier, FileMeta)> {
    let is_result = file.is_result;
    let row = checked(file)?;
    let d = load(db, code).await?;
    if d.status_checked()?.is_final() {
        return Err(Error::Conflict(
            "hồ sơ đã kết thúc, không thể đính kèm thêm tệp (the dossier is closed: no more files)".into(),
        ));
    }
    let (purpose, component, file_name, mime, sha256) =
        (row.purpose, row.component.clone(), row.file_name.clone(), row.mime, row.sha256.clone());
    let size = i64::try_from(row.content.len()).unwrap_or(i64::MAX);
    let details = json!({"purpose": purpose, "component": component, "file_name": file_name, "mime": mime,
                         "size": size, "sha256": sha256});
    let mut plan =
        Plan::new(&d, at, Event { action: "attach", note: file_name.clone(), form: None, details: Some(details) });
    if is_result {
        plan.after.has_e_result = true;
    }
    plan.file = Some(row);
    let (d, id) = apply(db, actor, &d, plan).await?;
    let meta = FileMeta {
        id: id.unwrap_or_default(),
        purpose: purpose.to_string(),
        component,
        file_name,
        mime: mime.to_string(),
        size,
        sha256,
        uploaded_at: at,
        uploaded_by: actor.user_id,
    };
    Ok((d, meta))
}

/// The metadata of a dossier's files, in upload order.
pub async fn files(db: &Db, dossier_id: i64) -> Result<Vec<FileMeta>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, FileMeta>(&format!(
        "SELECT {META} FROM dossier_files WHERE dossier_id = $1 ORDER BY id"))
        .bind(dossier_id)
        .fetch_all(p)
        .await?))
}

/// A file's metadata and content, with an audit row for the read.
///
/// # Errors
/// [`Error::NotFound`] when the dossier has no file with this id.
pub async fn file_content(db: &Db, actor: &Actor, dossier: &Dossier, id: i64, at: i64) -> Result<(FileMeta, Vec<u8>)> {
    let found = on_pool!(db.reader(), p => {
        let meta = sqlx::query_as::<_, FileMeta>(&format!(
            "SELECT {META} FROM dossier_files WHERE dossier_id = $1 AND id = $2"))
            .bind(dossier.id)
            .bind(id)
            .fetch_optional(p)
            .await?;
        match meta {
            Some(m) => {
                let content: Vec<u8> = sqlx::query_scalar("SELECT content FROM dossier_files WHERE id = $1")
                    .bind(id)
                    .fetch_one(p)
                    .await?;
                Some((m, content))
            }
            None => None,
        }
    });
    let (meta, content) = found.ok_or_else(|| Error::NotFound(format!("hồ sơ không có tệp #{id} (no such file)")))?;
    let change = Change {
        unit_id: Some(dossier.unit_id),
        action: "dossier.file_read",
        object_type: "dossier_file",
        object_id: format!("{}/{}", dossier.code, meta.id),
        before: None,
        after: Some(json!({"file_id": meta.id, "sha256": meta.sha256, "size": meta.size})),
    };
    on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        audit_in_tx!(&mut *tx, actor, &change, at)?;
        tx.commit().await?;
    });
    Ok((meta, content))
}
