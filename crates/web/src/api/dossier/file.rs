//! Files of a dossier over the API: `POST /api/v1/dossiers/{code}/files`
//! (multipart: `file`, `component`, `purpose` = `component` | `result`) and
//! `GET /api/v1/dossiers/{code}/files/{id}` (officers of the unit only; each
//! read is audited, as files hold personal data).
//!
//! Limits come from [`store::dossier::file`]: PDF, JPEG or PNG, at most
//! 10 MB. A larger file answers 413, another type 415, content that does not
//! match its declared type 422, each with a message.

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use store::dossier::NewFile;
use store::dossier::file::{MAX_FILE_BYTES, is_allowed_mime};
use utoipa::ToSchema;

use super::dto::{DossierDetailDto, FileDto};
use super::{detail_of, find};
use crate::auth::{CurrentUser, ReqActor};
use crate::error::AppError;
use crate::pages::area::DOSSIERS;
use crate::state::AppState;

/// The request body limit of the upload route: the file plus the form's other fields.
pub const BODY_LIMIT: usize = MAX_FILE_BYTES + 256 * 1024;

/// The answer to an upload: the file's metadata and the updated dossier.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadedDto {
    /// The stored file.
    pub file: FileDto,
    /// The dossier.
    pub dossier: DossierDetailDto,
}

/// The upload form (for the OpenAPI document).
#[derive(Debug, ToSchema)]
#[expect(dead_code, reason = "documents the multipart form; the handler reads the fields one by one")]
pub struct UploadForm {
    /// The file: PDF, JPEG or PNG, at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The component's label ("Tờ khai", "Bản sao CCCD").
    component: String,
    /// `component` (default) or `result` (the electronic result).
    purpose: Option<String>,
}

/// An error answer with a status [`AppError`] has no variant for (413, 415).
fn refuse(status: StatusCode, message: String) -> Response {
    let body = serde_json::json!({"error": {"status": status.as_u16(), "message": message}});
    (status, Json(body)).into_response()
}

fn too_large() -> Response {
    let mb = MAX_FILE_BYTES >> 20;
    refuse(StatusCode::PAYLOAD_TOO_LARGE, format!("tệp lớn hơn {mb} MB (the file is larger than {mb} MB)"))
}

fn bad_form(e: axum::extract::multipart::MultipartError) -> Response {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large();
    }
    AppError::BadRequest(format!("biểu mẫu tải tệp không hợp lệ (bad multipart form): {}", e.body_text()))
        .into_response()
}

/// Attaches a file to a dossier.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/files", tag = "dossier",
    params(("code" = String, Path, description = "Dossier code")),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = UploadedDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody),
              (status = 413, body = crate::api::ErrorBody), (status = 415, body = crate::api::ErrorBody),
              (status = 422, body = crate::api::ErrorBody)))]
pub async fn upload(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(code): Path<String>,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let d = find(&st, &code).await?;
    p.require_unit(&st, d.unit_id, DOSSIERS.0).await?;
    let (mut component, mut purpose, mut file) = (String::new(), String::from("component"), None);
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Ok(bad_form(e)),
        };
        match field.name().unwrap_or("") {
            "component" => component = field.text().await.map_err(|e| AppError::BadRequest(e.body_text()))?,
            "purpose" => purpose = field.text().await.map_err(|e| AppError::BadRequest(e.body_text()))?,
            "file" => {
                let name = field.file_name().unwrap_or("").to_string();
                let declared = field.content_type().map(str::to_string);
                if let Some(m) = declared.as_deref()
                    && !m.eq_ignore_ascii_case("application/octet-stream")
                    && !is_allowed_mime(m)
                {
                    return Ok(refuse(
                        StatusCode::UNSUPPORTED_MEDIA_TYPE,
                        format!("không nhận tệp kiểu {m}: chỉ PDF, JPEG hoặc PNG (only PDF, JPEG or PNG files)"),
                    ));
                }
                let mut field = field;
                let mut content = Vec::new();
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if content.len() + chunk.len() > MAX_FILE_BYTES {
                                return Ok(too_large());
                            }
                            content.extend_from_slice(&chunk);
                        }
                        Ok(None) => break,
                        Err(e) => return Ok(bad_form(e)),
                    }
                }
                file = Some((name, declared, content));
            }
            _ => {}
        }
    }
    let Some((file_name, declared, content)) = file else {
        return Err(AppError::Unprocessable("thiếu tệp (field `file` is required)".into()));
    };
    let is_result = match purpose.trim() {
        "" | "component" => false,
        "result" => true,
        other => {
            return Err(AppError::Unprocessable(format!(
                "mục đích tệp không hợp lệ {other:?}: component hoặc result (bad purpose)"
            )));
        }
    };
    if !content.is_empty() && store::dossier::file::sniff(&content).is_none() {
        return Ok(refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "nội dung tệp không phải PDF, JPEG hay PNG (only PDF, JPEG or PNG files are accepted)".into(),
        ));
    }
    let new = NewFile { is_result, component, file_name, declared_mime: declared, content };
    let (d, meta) = store::dossier::attach(&st.db, &actor, &d.code, new, store::now_ms()).await?;
    let dossier = detail_of(&st, &p, d).await?;
    Ok((StatusCode::CREATED, Json(UploadedDto { file: meta.into(), dossier })).into_response())
}

/// Downloads a dossier's file (audited).
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/files/{id}", tag = "dossier",
    params(("code" = String, Path, description = "Dossier code"), ("id" = i64, Path, description = "File id")),
    responses((status = 200, description = "The file's content", content_type = "application/octet-stream"),
              (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub async fn download(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path((code, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let d = find(&st, &code).await?;
    p.require_unit(&st, d.unit_id, DOSSIERS.0).await?;
    let (meta, content) = store::dossier::file_content(&st.db, &actor, &d, id, store::now_ms()).await?;
    let mut resp = content.into_response();
    let headers = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&meta.mime) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    let ascii: String =
        meta.file_name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-content-sha256", HeaderValue::from_str(&meta.sha256).unwrap_or(HeaderValue::from_static("")));
    Ok(resp)
}
