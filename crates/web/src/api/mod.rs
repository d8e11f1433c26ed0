//! The JSON API under `/api/v1`, with its OpenAPI document generated from
//! the handlers' annotations (`/api/openapi.json`) and a browsable reference
//! (`/api/docs`) served from vendored assets.
//!
//! Devices and integrations authenticate with `Authorization: Bearer <token>`
//! (`xaso token create`); a logged-in browser may also call it with its
//! session cookie and the `x-csrf-token` header. Errors are
//! `{"error":{"status":N,"message":"…"}}`.

pub mod audit;
pub mod dossier;
pub mod payment;
pub mod procedure;
pub mod queue;
pub mod unit;
pub mod user;

use axum::Json;
use axum::response::{Html, IntoResponse, Response};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The error body of every API error.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Status and message of an API error.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// HTTP status.
    pub status: u16,
    /// What went wrong, for people.
    pub message: String,
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("xs_…").build()),
        );
    }
}

/// The OpenAPI document of the whole API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Xã Số API", description = "API của Xã Số: đơn vị hành chính, người dùng, nhật ký, xếp hàng, thủ tục hành chính. The Xã Số API: administrative units, users, audit log, queue, procedure catalogue."),
    paths(
        user::me, user::create,
        unit::list, unit::get_by_code, unit::create,
        audit::list,
        queue::centers, queue::issue, queue::call_next, queue::act, queue::state, queue::events,
        procedure::list,
        payment::create_account, payment::accounts, payment::create_bill, payment::get_bill,
        dossier::receive, dossier::get_by_code,
    ),
    components(schemas(ErrorBody, ErrorDetail, procedure::ProcedureDto, procedure::FeeDto,
        payment::AccountDto, payment::NewAccountBody, payment::NewBillBody, payment::PayerDto, payment::LineDto,
        payment::CreatedBillDto, payment::BillDto,
        dossier::NewDossierInput, dossier::ApplicantInput, dossier::ReceivedDto, dossier::DossierDto)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "unit", description = "Đơn vị hành chính, có phiên bản theo thời gian (versioned administrative units)"),
        (name = "user", description = "Người dùng và phân quyền (users and grants)"),
        (name = "audit", description = "Nhật ký thay đổi (audit log)"),
        (name = "queue", description = "Lấy số thứ tự, gọi số tại quầy (public service center queue)"),
        (name = "procedure", description = "Danh mục thủ tục hành chính, có phiên bản theo thời gian (versioned procedure catalogue)"),
        (name = "payment", description = "Tài khoản nhận tiền, phiếu thu với mã thanh toán và VietQR (receiving accounts, bills with payment codes and VietQR)"),
        (name = "dossier", description = "Hồ sơ một cửa: tiếp nhận, mã hồ sơ, ngày hẹn trả (one-stop dossiers)"),
    )
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn openapi_json() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// `GET /api/docs`: the browsable reference (Swagger UI, vendored).
pub async fn docs() -> Html<&'static str> {
    Html(include_str!("../../templates/api/docs.html"))
}
