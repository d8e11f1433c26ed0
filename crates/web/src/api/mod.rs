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
pub mod market;
pub mod notify;
pub mod payment;
pub mod procedure;
pub mod queue;
pub mod report;
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
        payment::webhook::payos, payment::webhook::casso, payment::webhook::sepay,
        payment::settings::set_provider, payment::settings::set_code_prefix,
        payment::exception::list, payment::exception::resolve, payment::exception::daily,
        payment::statement::save_mapping, payment::statement::import,
        dossier::receive, dossier::get_by_code, dossier::list::list, dossier::action::act, dossier::file::upload,
        dossier::file::download, dossier::public::track,
        market::list_markets, market::create_market, market::get_market, market::patch_market, market::fee_bills,
        market::list_merchants, market::create_merchant, market::patch_merchant, market::figures,
        market::stall::list, market::stall::create, market::stall::get, market::stall::patch,
        market::stall::bulk_status, market::stall::qr_svg, market::stall::qr_png,
        report::report_766, report::report_766_xlsx, report::dossiers, report::dossiers_xlsx,
        notify::list,
    ),
    components(schemas(ErrorBody, ErrorDetail, procedure::ProcedureDto, procedure::FeeDto,
        payment::AccountDto, payment::NewAccountBody, payment::NewBillBody, payment::PayerDto, payment::LineDto,
        payment::CreatedBillDto, payment::BillDto,
        payment::exception::ExceptionDto, payment::exception::ResolveBody, payment::exception::DailyReportDto,
        payment::statement::MappingDto, payment::statement::ImportDto,
        payment::settings::ProviderBody, payment::settings::ProviderDto, payment::settings::CodePrefixDto,
        dossier::NewDossierInput, dossier::ApplicantInput, dossier::ReceivedDto, dossier::DossierDto,
        dossier::DossierDetailDto, dossier::dto::EventDto, dossier::dto::StepDto, dossier::dto::PauseDto,
        dossier::dto::ExtensionDto, dossier::dto::FileDto, dossier::action::ActionInput, dossier::list::DossierPage,
        dossier::file::UploadedDto, dossier::file::UploadForm, dossier::public::PublicDossierDto,
        dossier::public::PublicEventDto,
        market::MarketDto, market::NewMarketBody, market::MarketDetailDto, market::MarketPatchBody,
        market::FeeBillsBody, market::FeeRunDto, market::MerchantDto, market::NewMerchantBody,
        market::MerchantPatchBody, market::stall::StallDto, market::stall::StallMerchantDto,
        market::stall::NewStallBody, market::stall::StallPatchBody, market::stall::BulkStatusBody,
        market::stall::BulkStatusDto,
        report::Report766Dto, report::IndicatorDto, report::TotalDto, report::DossierReportDto,
        report::DossierRowDto, notify::NotificationDto)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "unit", description = "Đơn vị hành chính, có phiên bản theo thời gian (versioned administrative units)"),
        (name = "user", description = "Người dùng và phân quyền (users and grants)"),
        (name = "audit", description = "Nhật ký thay đổi (audit log)"),
        (name = "queue", description = "Lấy số thứ tự, gọi số tại quầy (public service center queue)"),
        (name = "procedure", description = "Danh mục thủ tục hành chính, có phiên bản theo thời gian (versioned procedure catalogue)"),
        (name = "payment", description = "Tài khoản nhận tiền, phiếu thu với mã thanh toán và VietQR (receiving accounts, bills with payment codes and VietQR)"),
        (name = "dossier", description = "Hồ sơ một cửa: tiếp nhận, luân chuyển, bổ sung, gia hạn, trả kết quả, tra cứu (one-stop dossiers: intake, workflow, supplements, extensions, results, tracking)"),
        (name = "report", description = "Báo cáo hồ sơ và chỉ số 766 xem trước (dossier reports and the Decision 766 preview)"),
        (name = "market", description = "Chợ 4.0: chợ, tiểu thương, sạp với mã VietQR tĩnh, phí chợ, số liệu thanh toán không tiền mặt (markets, merchants, stalls with static VietQR, stall fees, cashless figures)"),
        (name = "notify", description = "Thông báo gửi công dân qua thư điện tử và SMS (notifications to citizens by e-mail and SMS)"),
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
