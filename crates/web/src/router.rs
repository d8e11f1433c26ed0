//! The route table: every route with its access policy, and the layers
//! every request passes through.
//!
//! Deny by default: routes are grouped by who may enter, and each group has
//! its [`Need`] applied as a route layer. The public group is explicit.

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Request};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{MethodRouter, get, patch, post, put};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::auth::{Need, guard};
use crate::pages::area;
use crate::state::AppState;
use crate::{api, assets, auth, error, ops, pages};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Applies a route's access policy.
fn need(need: Need, route: MethodRouter<AppState>) -> MethodRouter<AppState> {
    route.route_layer(from_fn(move |req, next| guard(need, req, next)))
}

/// Builds the application.
pub fn router(state: AppState) -> Router {
    // One limiter for every way of tracking a dossier (the API and the page share the attempts).
    let track_limiter = api::dossier::public::TrackLimiter::new();
    let public = Router::new()
        .route("/", get(pages::home::index))
        .route("/lang/{code}", get(pages::home::switch))
        .route("/login", get(pages::auth::login_form).post(pages::auth::login))
        .route("/logout", post(pages::auth::logout))
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        .route("/static/{*path}", get(assets::serve))
        .route("/api/openapi.json", get(api::openapi_json))
        .route("/api/docs", get(api::docs))
        .route(
            "/api/v1/public/dossiers/{code}",
            get(api::dossier::public::track).layer(axum::Extension(track_limiter.clone())),
        )
        .route(
            "/tra-cuu",
            get(pages::dossier::tracking::form)
                .post(pages::dossier::tracking::lookup)
                .layer(axum::Extension(track_limiter.clone())),
        )
        .route(
            "/tra-cuu/{code}",
            get(pages::dossier::tracking::form_for)
                .post(pages::dossier::tracking::lookup_code)
                .layer(axum::Extension(track_limiter.clone())),
        )
        .route(
            "/tra-cuu/{code}/rate",
            post(pages::dossier::tracking::rate).layer(axum::Extension(track_limiter.clone())),
        )
        .route("/dich-vu-cong", get(pages::dossier::portal::list))
        .route(
            "/dich-vu-cong/{code}",
            get(pages::dossier::portal::show).post(pages::dossier::portal::submit).layer((
                axum::Extension(pages::dossier::portal::SubmitLimiter::new()),
                DefaultBodyLimit::max(pages::dossier::portal::BODY_LIMIT),
            )),
        )
        .route("/dich-vu-cong/da-nop/{code}", get(pages::dossier::portal::done))
        .route("/api/v1/queue/centers/{center}/state", get(api::queue::state))
        .route("/api/v1/queue/centers/{center}/events", get(api::queue::events))
        .route("/board/{center}", get(pages::queue::board::show))
        .route("/q/{id}", get(pages::queue::ticket::show))
        .route("/bien-lai/{number}", get(pages::payment::receipt_pdf))
        .route("/q/{id}/rate", post(pages::queue::ticket::rate))
        .route("/book", get(pages::queue::booking::centers))
        .route("/book/{center}", get(pages::queue::booking::form).post(pages::queue::booking::book))
        .route("/book/{center}/done/{code}", get(pages::queue::booking::done))
        .route("/api/v1/payments/webhooks/payos", post(api::payment::webhook::payos))
        .route("/api/v1/payments/webhooks/casso", post(api::payment::webhook::casso))
        .route("/api/v1/payments/webhooks/sepay", post(api::payment::webhook::sepay))
        .route("/pay/{code}", get(pages::payment::pay::show))
        .route("/pay/{code}/status", get(pages::payment::pay::status))
        .route("/pay/{code}/qr.svg", get(pages::payment::pay::qr_svg))
        .route("/pay/{code}/qr.png", get(pages::payment::pay::qr_png));

    let staff = Router::new()
        .route(
            "/account/password",
            need(Need::STAFF, get(pages::auth::password_form).post(pages::auth::change_password)),
        )
        .route("/units", need(Need::STAFF, get(pages::unit::list)))
        .route("/units/{id}", need(Need::STAFF, get(pages::unit::show)))
        .route(
            "/units/import",
            need(Need::ADMIN, post(pages::unit::import)).layer(DefaultBodyLimit::max(16 * 1024 * 1024)),
        )
        .route("/admin/users", need(Need::ADMIN, get(pages::admin::users).post(pages::admin::create_user)))
        .route("/admin/audit", need(Need::ADMIN, get(pages::admin::audit)))
        .route("/queue", need(area::QUEUE, get(pages::queue::home)))
        .route("/queue/centers", need(Need::ADMIN, post(pages::queue::settings::create)))
        .route(
            "/queue/{center}/settings",
            need(Need::ADMIN, get(pages::queue::settings::show).post(pages::queue::settings::save_center)),
        )
        .route("/queue/{center}/services", need(Need::ADMIN, post(pages::queue::settings::save_service)))
        .route("/queue/{center}/counters", need(Need::ADMIN, post(pages::queue::settings::save_counter)))
        .route(
            "/queue/{center}/slots",
            need(area::QUEUE, get(pages::queue::booking::slots).post(pages::queue::booking::open)),
        )
        .route("/queue/counters/{id}", need(area::QUEUE, get(pages::queue::console::show)))
        .route("/queue/counters/{id}/panel", need(area::QUEUE, get(pages::queue::console::panel_fragment)))
        .route("/queue/counters/{id}/call-next", need(area::QUEUE, post(pages::queue::console::act)))
        .route("/queue/counters/{id}/tickets/{ticket}/{action}", need(area::QUEUE, post(pages::queue::console::act)))
        .route("/kiosk/{center}", need(area::KIOSK, get(pages::queue::kiosk::start)))
        .route("/kiosk/{center}/tickets", need(area::KIOSK, post(pages::queue::kiosk::take)))
        .route("/kiosk/{center}/tickets/{id}", need(area::KIOSK, get(pages::queue::kiosk::ticket)))
        .route("/kiosk/{center}/tickets/{id}/escpos", need(area::KIOSK, get(pages::queue::kiosk::escpos)))
        .route("/kiosk/{center}/scan", need(area::KIOSK, post(pages::queue::kiosk::scan)))
        .route(
            "/kiosk/{center}/checkin",
            need(area::KIOSK, get(pages::queue::kiosk::checkin_form).post(pages::queue::kiosk::checkin)),
        )
        .route(
            "/kiosk/{center}/rate",
            need(area::KIOSK, get(pages::queue::kiosk::rate_form).post(pages::queue::kiosk::rate)),
        )
        .route("/queue/{center}/stats", need(area::QUEUE, get(pages::queue::stats::page)))
        .route("/queue/{center}/stats.csv", need(area::QUEUE, get(pages::queue::stats::csv)))
        .route("/queue/{center}/stats.xlsx", need(area::QUEUE, get(pages::queue::stats::xlsx)))
        .route("/dossiers", need(area::DOSSIERS, get(pages::dossier::inbox::show)))
        .route(
            "/dossiers/new",
            need(area::DOSSIERS, get(pages::dossier::intake::form).post(pages::dossier::intake::receive))
                .layer(DefaultBodyLimit::max(pages::dossier::portal::BODY_LIMIT)),
        )
        .route("/dossiers/bulk-forward", need(area::DOSSIERS, post(pages::dossier::inbox::bulk_forward)))
        .route("/dossiers/reports", need(area::DOSSIERS, get(pages::dossier::report::show)))
        .route("/dossiers/{code}", need(area::DOSSIERS, get(pages::dossier::detail::show)))
        .route("/dossiers/{code}/actions", need(api::dossier::action::ACT, post(pages::dossier::action::act)))
        .route(
            "/dossiers/{code}/files",
            need(area::DOSSIERS, post(pages::dossier::action::upload))
                .layer(DefaultBodyLimit::max(api::dossier::file::BODY_LIMIT)),
        )
        .route("/dossiers/{code}/files/{id}", need(area::DOSSIERS, get(api::dossier::file::download)))
        .route("/dossiers/{code}/forms/{file}", need(area::DOSSIERS, get(pages::dossier::forms::pdf)))
        .route("/payments", need(area::PAYMENTS, get(pages::payment::home::list)))
        .route(
            "/payments/bills/new",
            need(area::PAYMENTS, get(pages::payment::bill::new_form).post(pages::payment::bill::create)),
        )
        .route("/payments/bills/{id}", need(area::PAYMENTS, get(pages::payment::bill::show)))
        .route(
            "/payments/batches",
            need(area::PAYMENTS, get(pages::payment::batch::list).post(pages::payment::batch::upload))
                .layer(DefaultBodyLimit::max(16 * 1024 * 1024)),
        )
        .route("/payments/batches/{id}", need(area::PAYMENTS, get(pages::payment::batch::show)))
        .route("/payments/batches/{id}/progress", need(area::PAYMENTS, get(pages::payment::batch::progress_json)))
        .route("/payments/batches/{id}/bills.csv", need(area::PAYMENTS, get(pages::payment::batch::export_csv)))
        .route("/payments/batches/{id}/bills.xlsx", need(area::PAYMENTS, get(pages::payment::batch::export_xlsx)))
        .route("/payments/exceptions", need(area::PAYMENTS, get(pages::payment::exceptions::list)))
        .route("/payments/exceptions/{id}/resolve", need(area::PAYMENTS, post(pages::payment::exceptions::resolve)))
        .route("/payments/accounts/{id}/daily", need(area::PAYMENTS, get(pages::payment::daily::show)))
        .route("/markets", need(area::MARKETS, get(pages::market::list).post(pages::market::create)))
        .route("/markets/{id}", need(area::MARKETS, get(pages::market::detail::show)))
        .route("/markets/{id}/status", need(area::MARKETS, post(pages::market::detail::bulk_status)))
        .route("/markets/{id}/stalls", need(area::MARKETS, post(pages::market::detail::add_stall)))
        .route("/markets/{id}/fee-bills", need(area::MARKETS, post(pages::market::detail::fee_bills)))
        .route("/markets/{id}/standees.pdf", need(area::MARKETS, get(pages::market::standee::market)))
        .route("/stalls/{id}/standee.pdf", need(area::MARKETS, get(pages::market::standee::stall)))
        .route("/indicators", need(area::INDICATORS, get(area::indicators)));

    let api = Router::new()
        .route("/api/v1/me", need(Need::STAFF, get(api::user::me)))
        .route("/api/v1/users", need(Need::ADMIN, post(api::user::create)))
        .route(
            "/api/v1/units",
            need(Need::STAFF, get(api::unit::list)).merge(need(Need::ADMIN, post(api::unit::create))),
        )
        .route("/api/v1/units/{code}", need(Need::STAFF, get(api::unit::get_by_code)))
        .route("/api/v1/audit", need(Need::ADMIN, get(api::audit::list)))
        .route("/api/v1/notifications", need(Need::ADMIN, get(api::notify::list)))
        .route("/api/v1/procedures", need(Need::STAFF, get(api::procedure::list)))
        .route(
            "/api/v1/payment-accounts",
            need(area::PAYMENTS, get(api::payment::accounts))
                .merge(need(Need::ADMIN, post(api::payment::create_account))),
        )
        .route("/api/v1/bills", need(area::PAYMENTS, post(api::payment::create_bill)))
        .route("/api/v1/bills/{id}", need(area::PAYMENTS, get(api::payment::get_bill)))
        .route("/api/v1/markets", need(area::MARKETS, get(api::market::list_markets).post(api::market::create_market)))
        .route(
            "/api/v1/markets/{id}",
            need(area::MARKETS, get(api::market::get_market).patch(api::market::patch_market)),
        )
        .route(
            "/api/v1/markets/{id}/stalls",
            need(area::MARKETS, get(api::market::stall::list).post(api::market::stall::create)),
        )
        .route("/api/v1/markets/{id}/stalls/status", need(area::MARKETS, post(api::market::stall::bulk_status)))
        .route("/api/v1/markets/{id}/fee-bills", need(area::MARKETS, post(api::market::fee_bills)))
        .route(
            "/api/v1/stalls/{id}",
            need(area::MARKETS, get(api::market::stall::get).patch(api::market::stall::patch)),
        )
        .route("/api/v1/stalls/{id}/qr.svg", need(area::MARKETS, get(api::market::stall::qr_svg)))
        .route("/api/v1/stalls/{id}/qr.png", need(area::MARKETS, get(api::market::stall::qr_png)))
        .route(
            "/api/v1/merchants",
            need(area::MARKETS, get(api::market::list_merchants).post(api::market::create_merchant)),
        )
        .route("/api/v1/merchants/{id}", need(area::MARKETS, patch(api::market::patch_merchant)))
        .route("/api/v1/payments/figures", need(api::market::FIGURES, get(api::market::figures)))
        .route("/api/v1/payments/providers/{provider}", need(Need::ADMIN, put(api::payment::settings::set_provider)))
        .route("/api/v1/payments/code-prefix", need(Need::ADMIN, put(api::payment::settings::set_code_prefix)))
        .route("/api/v1/payments/exceptions", need(area::PAYMENTS, get(api::payment::exception::list)))
        .route("/api/v1/payments/exceptions/{id}/resolve", need(area::PAYMENTS, post(api::payment::exception::resolve)))
        .route("/api/v1/payments/accounts/{id}/daily", need(area::PAYMENTS, get(api::payment::exception::daily)))
        .route(
            "/api/v1/payments/statement-mappings/{bin}",
            need(area::PAYMENTS, put(api::payment::statement::save_mapping)),
        )
        .route(
            "/api/v1/payments/accounts/{id}/statements",
            need(area::PAYMENTS, post(api::payment::statement::import)).layer(DefaultBodyLimit::max(64 * 1024 * 1024)),
        )
        .route("/api/v1/dossiers", need(area::DOSSIERS, post(api::dossier::receive).get(api::dossier::list::list)))
        .route("/api/v1/dossiers/{code}", need(area::DOSSIERS, get(api::dossier::get_by_code)))
        .route("/api/v1/dossiers/{code}/actions", need(api::dossier::action::ACT, post(api::dossier::action::act)))
        .route(
            "/api/v1/dossiers/{code}/files",
            need(area::DOSSIERS, post(api::dossier::file::upload))
                .layer(DefaultBodyLimit::max(api::dossier::file::BODY_LIMIT)),
        )
        .route("/api/v1/dossiers/{code}/files/{id}", need(area::DOSSIERS, get(api::dossier::file::download)))
        .route("/api/v1/reports/766", need(area::DOSSIERS, get(api::report::report_766)))
        .route("/api/v1/reports/766.xlsx", need(area::DOSSIERS, get(api::report::report_766_xlsx)))
        .route("/api/v1/reports/dossiers", need(area::DOSSIERS, get(api::report::dossiers)))
        .route("/api/v1/reports/dossiers.xlsx", need(area::DOSSIERS, get(api::report::dossiers_xlsx)))
        .route("/api/v1/queue/centers", need(Need::STAFF, get(api::queue::centers)))
        .route("/api/v1/queue/tickets", need(area::KIOSK, post(api::queue::issue)))
        .route("/api/v1/queue/counters/{counter}/call-next", need(area::QUEUE, post(api::queue::call_next)))
        .route("/api/v1/queue/tickets/{id}/{action}", need(area::QUEUE, post(api::queue::act)));

    Router::new()
        .merge(public)
        .merge(staff)
        .merge(api)
        .route_layer(from_fn(ops::track))
        .layer(from_fn_with_state(state.clone(), auth::csrf_guard))
        .layer(from_fn_with_state(state.clone(), auth::authenticate))
        .layer(from_fn(error::render))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                    let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(SetResponseHeaderLayer::if_not_present(
                    HeaderName::from_static("x-content-type-options"),
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    HeaderName::from_static("x-frame-options"),
                    HeaderValue::from_static("DENY"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    HeaderName::from_static("referrer-policy"),
                    HeaderValue::from_static("same-origin"),
                ))
                .layer(CatchPanicLayer::new())
                .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                    axum::http::StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(60),
                )),
        )
        .with_state(state)
}
