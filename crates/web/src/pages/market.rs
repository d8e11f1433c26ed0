//! The market manager's pages: `/markets` lists the Chợ 4.0 markets in the
//! user's scope with their share of cashless stalls (and a form to add one);
//! `/markets/{id}` ([`detail`]) shows a market's figures and stalls with
//! filters, bulk status changes, QR previews, standee printing and the
//! month's stall-fee bills; [`standee`] serves the printable standees.
//!
//! The records and rules are in [`store::market`]; the API twin is
//! [`crate::api::market`]. Merchants' phones appear masked.

pub mod detail;
pub mod standee;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use store::market::{Market, MarketInput};

use super::{PageCtx, render_form};
use crate::api::market::{MARKET_WRITE, unit_by_code, visible_markets};
use crate::auth::{CurrentUser, Principal, ReqActor};
use crate::error::{AppError, refusal};
use crate::i18n::Lang;
use crate::state::AppState;

/// A share in percent as the page shows it ("62,5 %"), or "—".
pub fn percent(lang: Lang, v: Option<f64>) -> String {
    match v {
        Some(v) => {
            let s = format!("{v:.1} %");
            if lang == Lang::Vi { s.replace('.', ",") } else { s }
        }
        None => "—".into(),
    }
}

/// Money as the page shows it ("1.250.000 ₫").
pub fn money(amount: i64) -> String {
    domain::payment::money::format_dong(amount)
}

/// A market as the list shows it.
pub struct MarketRow {
    /// The market.
    pub market: Market,
    /// The unit's name.
    pub unit_name: String,
    /// Stalls.
    pub stalls: i64,
    /// Stalls accepting cashless payment.
    pub cashless: i64,
    /// Their share, formatted.
    pub share: String,
}

#[derive(Template)]
#[template(path = "market/list.html")]
struct ListPage {
    ctx: PageCtx,
    rows: Vec<MarketRow>,
    can_create: bool,
    error: String,
    form: NewMarketForm,
}

/// The add-a-market form.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct NewMarketForm {
    /// Unit code.
    #[serde(default)]
    pub unit: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Address.
    #[serde(default)]
    pub address: String,
    /// Manager.
    #[serde(default)]
    pub manager: String,
}

fn can_write(p: &Principal) -> bool {
    p.has_any(MARKET_WRITE)
}

async fn list_page(
    st: &AppState,
    ctx: PageCtx,
    p: &Principal,
    error: String,
    form: NewMarketForm,
) -> Result<Response, AppError> {
    let month = store::market::fees::Month::of_ms(store::now_ms());
    let mut rows = Vec::new();
    for m in visible_markets(st, p).await? {
        let f = store::market::figures::market_figures(&st.db, m.id, month).await?;
        let unit_name = store::unit::get(&st.db, m.unit_id).await?.full_name();
        rows.push(MarketRow {
            share: percent(ctx.lang, f.cashless_share),
            stalls: f.stalls,
            cashless: f.cashless,
            unit_name,
            market: m,
        });
    }
    let refused = !error.is_empty();
    render_form(&ListPage { ctx, rows, can_create: can_write(p), error, form }, refused)
}

/// `GET /markets`: the markets in the user's scope.
pub async fn list(State(st): State<AppState>, ctx: PageCtx, CurrentUser(p): CurrentUser) -> Result<Response, AppError> {
    list_page(&st, ctx, &p, String::new(), NewMarketForm::default()).await
}

/// `POST /markets`: adds a market; a refusal is shown beside the form (422).
pub async fn create(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Form(form): Form<NewMarketForm>,
) -> Result<Response, AppError> {
    let unit = match unit_by_code(&st, &form.unit).await {
        Ok(u) => u,
        Err(AppError::NotFound(m)) => return list_page(&st, ctx, &p, m, form).await,
        Err(e) => return Err(e),
    };
    p.require_unit(&st, unit.id, MARKET_WRITE).await?;
    let input = MarketInput { name: form.name.clone(), address: form.address.clone(), manager: form.manager.clone() };
    match store::market::create_market(&st.db, &actor, unit.id, input).await {
        Ok(m) => Ok(Redirect::to(&format!("/markets/{}", m.id)).into_response()),
        Err(e) => list_page(&st, ctx, &p, refusal(e)?, form).await,
    }
}

/// Whether the user may change the market's records (for showing forms).
pub async fn may_write(st: &AppState, p: &Principal, unit_id: i64) -> bool {
    p.require_unit(st, unit_id, MARKET_WRITE).await.is_ok()
}
