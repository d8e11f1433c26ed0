//! The staff areas that later work fills in (queue, dossiers, payments,
//! markets, indicators). Each already has its access policy, so navigation
//! and the authorization matrix are right from the start; until built, each
//! page says what it will do.

use askama::Template;
use axum::response::Response;
use domain::auth::Role;

use super::{PageCtx, render};
use crate::auth::Need;
use crate::error::AppError;

/// Counter console: desk officers, leaders, administrators.
pub const QUEUE: Need = Need(&[Role::DeskOfficer, Role::Leader, Role::Admin]);
/// Ticket kiosks: kiosk devices, and the staff who may stand in for one.
pub const KIOSK: Need = Need(&[Role::Kiosk, Role::DeskOfficer, Role::Leader, Role::Admin]);
/// Dossiers: desk officers, processors, leaders, administrators.
pub const DOSSIERS: Need = Need(&[Role::DeskOfficer, Role::Processor, Role::Leader, Role::Admin]);
/// Payments: cashiers, leaders, administrators.
pub const PAYMENTS: Need = Need(&[Role::Cashier, Role::Leader, Role::Admin]);
/// Markets: market managers, leaders, administrators.
pub const MARKETS: Need = Need(&[Role::MarketManager, Role::Leader, Role::Admin]);
/// Indicators: data officers, leaders, administrators.
pub const INDICATORS: Need = Need(&[Role::DataOfficer, Role::Leader, Role::Admin]);

#[derive(Template)]
#[template(path = "area/soon.html")]
struct Soon {
    ctx: PageCtx,
    title_key: &'static str,
    what_key: &'static str,
}

async fn soon(ctx: PageCtx, title_key: &'static str, what_key: &'static str) -> Result<Response, AppError> {
    render(&Soon { ctx, title_key, what_key })
}

/// `GET /markets`.
pub async fn markets(ctx: PageCtx) -> Result<Response, AppError> {
    soon(ctx, "nav.markets", "area.markets").await
}

/// `GET /indicators`.
pub async fn indicators(ctx: PageCtx) -> Result<Response, AppError> {
    soon(ctx, "nav.indicators", "area.indicators").await
}
