//! API: Chợ 4.0 markets, their merchants and stalls ([`stall`]), the
//! month's stall-fee bills, and the payment figures of a unit subtree for the
//! indicator dashboard.
//!
//! Market managers and administrators change records of the units their
//! grants cover; leaders read them. Merchants' phones leave the API masked
//! except from the merchant endpoints, which staff of the unit use to edit
//! them. The rules live in [`store::market`]; this module maps JSON to them.

pub mod stall;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::auth::Role;
use serde::{Deserialize, Serialize};
use store::market::figures::{MarketFigures, PaymentFigures};
use store::market::{Market, MarketInput, Merchant, MerchantInput};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Need, Principal, ReqActor};
use crate::error::AppError;
use crate::pages::area::MARKETS;
use crate::state::AppState;

/// Who may change markets, merchants and stalls.
pub const MARKET_WRITE: &[Role] = &[Role::MarketManager, Role::Admin];

/// Who may read the payment figures of the indicator dashboard.
pub const FIGURES: Need = Need(&[Role::Leader, Role::Admin, Role::DataOfficer, Role::Cashier, Role::MarketManager]);

/// The unit with `code` today.
pub async fn unit_by_code(st: &AppState, code: &str) -> Result<store::unit::Unit, AppError> {
    let today = domain::time::local_date(chrono::Utc::now());
    store::unit::by_code(&st.db, code.trim(), today)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("không có đơn vị mã {code} (no such unit)")))
}

/// The market, if the user may read (or, with `write`, change) it: 404, then 403.
pub async fn market_for(st: &AppState, p: &Principal, id: i64, write: bool) -> Result<Market, AppError> {
    let market = store::market::market(&st.db, id).await?;
    p.require_unit(st, market.unit_id, if write { MARKET_WRITE } else { MARKETS.0 }).await?;
    Ok(market)
}

/// A market.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarketDto {
    /// Id.
    pub id: i64,
    /// The unit's code.
    pub unit: String,
    /// The unit's name.
    pub unit_name: String,
    /// Name.
    pub name: String,
    /// Address.
    pub address: String,
    /// The manager's name.
    pub manager: String,
}

async fn market_dto(st: &AppState, m: Market) -> Result<MarketDto, AppError> {
    let unit = store::unit::get(&st.db, m.unit_id).await?;
    Ok(MarketDto {
        id: m.id,
        unit: unit.code.clone(),
        unit_name: unit.full_name(),
        name: m.name,
        address: m.address,
        manager: m.manager,
    })
}

/// A new market.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewMarketBody {
    /// Unit code ("31342").
    pub unit: String,
    /// Name ("Chợ Một Ngàn").
    pub name: String,
    /// Address.
    #[serde(default)]
    pub address: String,
    /// The manager's name.
    #[serde(default)]
    pub manager: String,
}

/// Creates a market of a unit.
#[utoipa::path(post, path = "/api/v1/markets", tag = "market", request_body = NewMarketBody,
    responses((status = 201, body = MarketDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody),
              (status = 422, body = crate::api::ErrorBody)))]
pub async fn create_market(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Json(body): Json<NewMarketBody>,
) -> Result<(StatusCode, Json<MarketDto>), AppError> {
    let unit = unit_by_code(&st, &body.unit).await?;
    p.require_unit(&st, unit.id, MARKET_WRITE).await?;
    let input = MarketInput { name: body.name, address: body.address, manager: body.manager };
    let market = store::market::create_market(&st.db, &actor, unit.id, input).await?;
    Ok((StatusCode::CREATED, Json(market_dto(&st, market).await?)))
}

/// Which markets.
#[derive(Debug, Deserialize, IntoParams)]
pub struct MarketQuery {
    /// Only this unit's markets (unit code); every market in the user's scope without it.
    pub unit: Option<String>,
}

/// The markets the user may read.
#[utoipa::path(get, path = "/api/v1/markets", tag = "market", params(MarketQuery),
    responses((status = 200, body = Vec<MarketDto>), (status = 404, body = crate::api::ErrorBody)))]
pub async fn list_markets(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Query(q): Query<MarketQuery>,
) -> Result<Json<Vec<MarketDto>>, AppError> {
    let only = match q.unit.as_deref().filter(|u| !u.trim().is_empty()) {
        Some(code) => Some(unit_by_code(&st, code).await?.id),
        None => None,
    };
    let mut out = Vec::new();
    for m in visible_markets(&st, &p).await? {
        if only.is_none_or(|u| u == m.unit_id) {
            out.push(market_dto(&st, m).await?);
        }
    }
    Ok(Json(out))
}

/// Every market whose unit the user's market grants cover.
pub async fn visible_markets(st: &AppState, p: &Principal) -> Result<Vec<Market>, AppError> {
    let mut out = Vec::new();
    for m in store::market::markets(&st.db).await? {
        if p.require_unit(st, m.unit_id, MARKETS.0).await.is_ok() {
            out.push(m);
        }
    }
    Ok(out)
}

/// A market with this month's figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarketDetailDto {
    /// The market.
    #[serde(flatten)]
    pub market: MarketDto,
    /// Figures (see `store::market::figures`).
    #[schema(value_type = Object)]
    pub figures: MarketFigures,
}

/// Which month's figures.
#[derive(Debug, Deserialize, IntoParams)]
pub struct MonthQuery {
    /// `YYYY-MM`; the current month (UTC+7) without it.
    pub month: Option<String>,
}

/// Parses an optional `YYYY-MM`, defaulting to the current month at UTC+7.
pub fn month_or_now(month: Option<&str>) -> Result<store::market::fees::Month, AppError> {
    use store::market::fees::Month;
    match month.map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => Month::parse(m)
            .ok_or_else(|| AppError::Unprocessable(format!("tháng không hợp lệ {m:?}, cần YYYY-MM (bad month)"))),
        None => Ok(Month::of_ms(store::now_ms())),
    }
}

/// One market with the month's figures.
#[utoipa::path(get, path = "/api/v1/markets/{id}", tag = "market",
    params(("id" = i64, Path, description = "Market id"), MonthQuery),
    responses((status = 200, body = MarketDetailDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody)))]
pub async fn get_market(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<MonthQuery>,
) -> Result<Json<MarketDetailDto>, AppError> {
    let market = market_for(&st, &p, id, false).await?;
    let figures = store::market::figures::market_figures(&st.db, id, month_or_now(q.month.as_deref())?).await?;
    Ok(Json(MarketDetailDto { market: market_dto(&st, market).await?, figures }))
}

/// New text of a market; absent fields are kept.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MarketPatchBody {
    /// Name.
    pub name: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// The manager's name.
    pub manager: Option<String>,
}

/// Changes a market's name, address or manager.
#[utoipa::path(patch, path = "/api/v1/markets/{id}", tag = "market", request_body = MarketPatchBody,
    params(("id" = i64, Path, description = "Market id")),
    responses((status = 200, body = MarketDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn patch_market(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(id): Path<i64>,
    Json(body): Json<MarketPatchBody>,
) -> Result<Json<MarketDto>, AppError> {
    let m = market_for(&st, &p, id, true).await?;
    let input = MarketInput {
        name: body.name.unwrap_or(m.name),
        address: body.address.unwrap_or(m.address),
        manager: body.manager.unwrap_or(m.manager),
    };
    let market = store::market::update_market(&st.db, &actor, id, input).await?;
    Ok(Json(market_dto(&st, market).await?))
}

/// The month's stall-fee bills to create.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct FeeBillsBody {
    /// `YYYY-MM`; the current month (UTC+7) when absent.
    #[serde(default)]
    pub month: Option<String>,
}

/// What a billing run did.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeeRunDto {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// Bills created now.
    pub created: usize,
    /// Stalls already billed for the month.
    pub existing: usize,
    /// Stalls without a monthly fee.
    pub no_fee: usize,
    /// The ids of the bills created.
    pub bill_ids: Vec<i64>,
}

/// Creates the month's stall-fee bills of a market: one bill (kind `stall`)
/// per stall with a monthly fee, on the unit's receiving account. Running it
/// again for the same month creates nothing new.
#[utoipa::path(post, path = "/api/v1/markets/{id}/fee-bills", tag = "market", request_body = FeeBillsBody,
    params(("id" = i64, Path, description = "Market id")),
    responses((status = 200, body = FeeRunDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn fee_bills(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(id): Path<i64>,
    body: Option<Json<FeeBillsBody>>,
) -> Result<Json<FeeRunDto>, AppError> {
    market_for(&st, &p, id, true).await?;
    let body = body.map(|b| b.0).unwrap_or_default();
    let run = bill_month(&st, &actor, id, month_or_now(body.month.as_deref())?).await?;
    Ok(Json(FeeRunDto {
        month: run.month,
        created: run.created,
        existing: run.existing,
        no_fee: run.no_fee,
        bill_ids: run.bill_ids,
    }))
}

/// Runs the month's billing with the installation's payment codes.
pub async fn bill_month(
    st: &AppState,
    actor: &store::audit::Actor,
    market_id: i64,
    month: store::market::fees::Month,
) -> Result<store::market::fees::FeeRun, AppError> {
    let codes = store::payment::provider::payment_codes(&st.db).await?;
    Ok(store::market::fees::bill_month(&st.db, actor, &codes, market_id, month).await?)
}

/// A merchant, as the unit's staff see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MerchantDto {
    /// Id.
    pub id: i64,
    /// Full name.
    pub name: String,
    /// Phone (`0901 234 567`).
    pub phone: Option<String>,
    /// Phone masked for public views (`0901 *** 567`).
    pub phone_masked: Option<String>,
}

impl From<Merchant> for MerchantDto {
    fn from(m: Merchant) -> Self {
        MerchantDto {
            phone: m.phone.as_deref().and_then(|p| domain::person::Phone::parse(p).ok()).map(|p| p.display()),
            phone_masked: m.phone_masked(),
            id: m.id,
            name: m.name,
        }
    }
}

/// A new merchant.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewMerchantBody {
    /// Unit code.
    pub unit: String,
    /// Full name.
    pub name: String,
    /// Phone (`0901 234 567`, `+84…`), optional.
    #[serde(default)]
    pub phone: String,
}

/// Adds a merchant to a unit.
#[utoipa::path(post, path = "/api/v1/merchants", tag = "market", request_body = NewMerchantBody,
    responses((status = 201, body = MerchantDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn create_merchant(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Json(body): Json<NewMerchantBody>,
) -> Result<(StatusCode, Json<MerchantDto>), AppError> {
    let unit = unit_by_code(&st, &body.unit).await?;
    p.require_unit(&st, unit.id, MARKET_WRITE).await?;
    let m =
        store::market::create_merchant(&st.db, &actor, unit.id, MerchantInput { name: body.name, phone: body.phone })
            .await?;
    Ok((StatusCode::CREATED, Json(m.into())))
}

/// Which unit's merchants.
#[derive(Debug, Deserialize, IntoParams)]
pub struct UnitQuery {
    /// Unit code.
    pub unit: String,
}

/// The merchants of a unit.
#[utoipa::path(get, path = "/api/v1/merchants", tag = "market", params(UnitQuery),
    responses((status = 200, body = Vec<MerchantDto>), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody)))]
pub async fn list_merchants(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Query(q): Query<UnitQuery>,
) -> Result<Json<Vec<MerchantDto>>, AppError> {
    let unit = unit_by_code(&st, &q.unit).await?;
    p.require_unit(&st, unit.id, MARKETS.0).await?;
    let all = store::market::merchants(&st.db, unit.id).await?;
    Ok(Json(all.into_iter().map(MerchantDto::from).collect()))
}

/// New details of a merchant; absent fields are kept.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MerchantPatchBody {
    /// Full name.
    pub name: Option<String>,
    /// Phone; empty removes it.
    pub phone: Option<String>,
}

/// Changes a merchant's name or phone.
#[utoipa::path(patch, path = "/api/v1/merchants/{id}", tag = "market", request_body = MerchantPatchBody,
    params(("id" = i64, Path, description = "Merchant id")),
    responses((status = 200, body = MerchantDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn patch_merchant(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(id): Path<i64>,
    Json(body): Json<MerchantPatchBody>,
) -> Result<Json<MerchantDto>, AppError> {
    let m = store::market::merchant(&st.db, id).await?;
    p.require_unit(&st, m.unit_id, MARKET_WRITE).await?;
    let input = MerchantInput {
        name: body.name.unwrap_or(m.name),
        phone: body.phone.unwrap_or_else(|| m.phone.unwrap_or_default()),
    };
    Ok(Json(store::market::update_merchant(&st.db, &actor, id, input).await?.into()))
}

/// Which subtree and period.
#[derive(Debug, Deserialize, IntoParams)]
pub struct FiguresQuery {
    /// Unit code: the figures roll up its subtree.
    pub unit: String,
    /// First day, `YYYY-MM-DD` (UTC+7); the first of the current month without it.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`; today without it.
    pub to: Option<String>,
}

/// Payment figures of a unit subtree over a period, for the indicator
/// dashboard: fees paid and paid cashless (through a payment notification),
/// Chợ 4.0 markets and cashless stalls (as of now), and cashless
/// transactions (money in on feed-linked stall accounts, plus bills paid
/// through a notification). Each figure carries its numerator and denominator.
#[utoipa::path(get, path = "/api/v1/payments/figures", tag = "market", params(FiguresQuery),
    responses((status = 200, body = Object), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn figures(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Query(q): Query<FiguresQuery>,
) -> Result<Json<PaymentFigures>, AppError> {
    let unit = unit_by_code(&st, &q.unit).await?;
    p.require_unit(&st, unit.id, FIGURES.0).await?;
    let today = domain::time::local_date(chrono::Utc::now());
    let day = |s: Option<&str>, default: chrono::NaiveDate, what: &str| match s.map(str::trim).filter(|s| !s.is_empty())
    {
        Some(s) => domain::time::parse_date(s).ok_or_else(|| {
            AppError::Unprocessable(format!("ngày {what} không hợp lệ {s:?}, cần YYYY-MM-DD (bad {what})"))
        }),
        None => Ok(default),
    };
    let from = day(q.from.as_deref(), store::market::fees::Month::of_date(today).first_day(), "from")?;
    let to = day(q.to.as_deref(), today, "to")?;
    if to < from {
        return Err(AppError::Unprocessable("ngày kết thúc trước ngày bắt đầu (to is before from)".into()));
    }
    if (to - from).num_days() > 3660 {
        return Err(AppError::Unprocessable("khoảng thời gian tối đa 10 năm (the period is at most 10 years)".into()));
    }
    Ok(Json(store::market::figures::payment_figures(&st.db, unit.id, from, to).await?))
}
