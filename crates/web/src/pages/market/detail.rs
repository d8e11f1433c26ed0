//! `/markets/{id}`: one market's page. Figures first (stalls accepting
//! cashless payment, this month's stall-fee bills billed and paid, money in
//! per day on feed-linked stall accounts), then the stalls with filters
//! (status, category, a diacritic-insensitive search), a QR preview per
//! stall, standee printing, a bulk status change and a form to add a stall.
//! Writes are plain form posts (CSRF-checked) that redirect back with a
//! notice, or show the refusal beside the form as 422.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use store::market::figures::MarketFigures;
use store::market::{Market, MerchantInput, StallInput, StallStatus, StallView};

use super::{may_write, money, percent};
use crate::api::market::{bill_month, market_for, month_or_now};
use crate::auth::{CurrentUser, Principal, ReqActor};
use crate::error::{AppError, refusal};
use crate::i18n::Lang;
use crate::pages::{PageCtx, render_form};
use crate::state::AppState;

/// The page's query: filters, the month, and the notice of the last change.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct DetailQuery {
    /// Status filter.
    #[serde(default)]
    pub status: String,
    /// Category filter.
    #[serde(default)]
    pub category: String,
    /// Search in labels and merchants' names.
    #[serde(default)]
    pub q: String,
    /// Month of the figures, `YYYY-MM`.
    #[serde(default)]
    pub month: String,
    /// Notice: which change was just made.
    #[serde(default)]
    pub done: String,
    /// Notice: first number.
    #[serde(default)]
    pub n: String,
    /// Notice: second number.
    #[serde(default)]
    pub m: String,
}

/// A stall as the table shows it.
pub struct StallRow {
    /// Id.
    pub id: i64,
    /// Label.
    pub label: String,
    /// Category.
    pub category: String,
    /// Merchant's name.
    pub merchant: String,
    /// Merchant's phone, masked.
    pub phone: String,
    /// Bank or wallet name.
    pub bank: String,
    /// Account number.
    pub account: String,
    /// Holder.
    pub holder: String,
    /// Monthly fee, formatted.
    pub fee: String,
    /// Status.
    pub status: StallStatus,
    /// When the status changed.
    pub status_at: String,
    /// Whether it has a code to show.
    pub has_qr: bool,
    /// Whether the bank list marks the wallet or bank as not taking transfers.
    pub check_wallet: bool,
}

impl StallRow {
    fn of(v: &StallView) -> StallRow {
        let s = &v.stall;
        let bank = s.bin.as_deref().and_then(vietqr::banks::by_bin);
        StallRow {
            id: s.id,
            label: s.label.clone(),
            category: s.category.clone(),
            merchant: v.merchant_name.clone().unwrap_or_default(),
            phone: domain::market::masked_phone(v.merchant_phone.as_deref()).unwrap_or_default(),
            bank: bank.map(|b| b.name.to_string()).unwrap_or_default(),
            account: s.account.clone().unwrap_or_default(),
            holder: s.holder.clone().unwrap_or_default(),
            fee: if s.monthly_fee > 0 { money(s.monthly_fee) } else { "—".into() },
            status: s.status,
            status_at: domain::time::format_local(s.status_at),
            has_qr: s.receiving().is_some(),
            check_wallet: bank.is_some_and(|b| !b.transfer_supported),
        }
    }
}

/// The add-a-stall form.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct StallForm {
    /// Label.
    #[serde(default)]
    pub label: String,
    /// Category.
    #[serde(default)]
    pub category: String,
    /// Merchant's name (a new merchant of the unit).
    #[serde(default)]
    pub merchant_name: String,
    /// Merchant's phone.
    #[serde(default)]
    pub merchant_phone: String,
    /// `none`, `bank`, `wallet`.
    #[serde(default)]
    pub method: String,
    /// BIN.
    #[serde(default)]
    pub bin: String,
    /// Account.
    #[serde(default)]
    pub account: String,
    /// Holder.
    #[serde(default)]
    pub holder: String,
    /// Monthly fee in đồng.
    #[serde(default)]
    pub monthly_fee: String,
    /// Feed linked (checkbox).
    #[serde(default)]
    pub feed_linked: Option<String>,
    /// Status.
    #[serde(default)]
    pub status: String,
}

#[derive(Template)]
#[template(path = "market/detail.html")]
struct DetailPage {
    ctx: PageCtx,
    market: Market,
    unit_name: String,
    figures: MarketFigures,
    share: String,
    rows: Vec<StallRow>,
    total: usize,
    categories: Vec<String>,
    filter: DetailQuery,
    notice: String,
    error: String,
    error_at: &'static str,
    writable: bool,
    form: StallForm,
    banks: &'static [vietqr::Bank],
}

impl DetailPage {
    fn status_label(&self, s: &StallStatus) -> &'static str {
        self.ctx.lang.pick(s.label_vi(), s.label_en())
    }

    fn status_icon(&self, s: &StallStatus) -> &'static str {
        match s {
            StallStatus::CashOnly => "○",
            StallStatus::QrDisplayed => "▣",
            StallStatus::QrInUse => "✓",
        }
    }

    fn statuses(&self) -> [StallStatus; 3] {
        StallStatus::ALL
    }

    fn money(&self, v: &i64) -> String {
        money(*v)
    }

    fn day(&self, iso: &str) -> String {
        self.ctx.date(iso)
    }
}

/// The notice for a change just made, from the redirect's query.
fn notice(lang: Lang, q: &DetailQuery) -> String {
    let fill = |key: &str| lang.t(key).replace("{n}", &q.n).replace("{m}", &q.m);
    match q.done.as_str() {
        "status" => fill("market.notice.status"),
        "billed" => fill("market.notice.billed"),
        "added" => fill("market.notice.added"),
        _ => String::new(),
    }
}

/// Everything the page needs besides the user's own input.
struct Shown {
    error: String,
    error_at: &'static str,
    form: StallForm,
}

async fn page(
    st: &AppState,
    ctx: PageCtx,
    p: &Principal,
    market: Market,
    q: DetailQuery,
    shown: Shown,
) -> Result<Response, AppError> {
    let month = month_or_now(Some(&q.month)).unwrap_or_else(|_| store::market::fees::Month::of_ms(store::now_ms()));
    let figures = store::market::figures::market_figures(&st.db, market.id, month).await?;
    let all = store::market::stall::stalls(&st.db, market.id).await?;
    let mut categories: Vec<String> = all.iter().map(|v| v.stall.category.clone()).filter(|c| !c.is_empty()).collect();
    categories.sort();
    categories.dedup();
    let status = StallStatus::parse(&q.status);
    let key = domain::text::search_key(q.q.trim());
    let rows: Vec<StallRow> = all
        .iter()
        .filter(|v| status.is_none_or(|s| v.stall.status == s))
        .filter(|v| q.category.is_empty() || v.stall.category == q.category)
        .filter(|v| {
            key.is_empty()
                || domain::text::search_key(&format!(
                    "{} {}",
                    v.stall.label,
                    v.merchant_name.as_deref().unwrap_or_default()
                ))
                .contains(&key)
        })
        .map(StallRow::of)
        .collect();
    let unit_name = store::unit::get(&st.db, market.unit_id).await?.full_name();
    let writable = may_write(st, p, market.unit_id).await;
    let refused = !shown.error.is_empty();
    let view = DetailPage {
        share: percent(ctx.lang, figures.cashless_share),
        notice: notice(ctx.lang, &q),
        total: all.len(),
        banks: vietqr::banks::BANKS,
        ctx,
        market,
        unit_name,
        figures,
        rows,
        categories,
        filter: q,
        error: shown.error,
        error_at: shown.error_at,
        writable,
        form: shown.form,
    };
    render_form(&view, refused)
}

fn no_error() -> Shown {
    Shown { error: String::new(), error_at: "", form: StallForm { method: "bank".into(), ..StallForm::default() } }
}

/// `GET /markets/{id}`.
pub async fn show(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<DetailQuery>,
) -> Result<Response, AppError> {
    let market = market_for(&st, &p, id, false).await?;
    page(&st, ctx, &p, market, q, no_error()).await
}

fn back(id: i64, done: &str, n: impl std::fmt::Display, m: impl std::fmt::Display) -> Response {
    let n = crate::error::urlencode(&n.to_string());
    let m = crate::error::urlencode(&m.to_string());
    Redirect::to(&format!("/markets/{id}?done={done}&n={n}&m={m}")).into_response()
}

/// `POST /markets/{id}/status`: one status for the ticked stalls.
pub async fn bulk_status(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let market = market_for(&st, &p, id, true).await?;
    let ids: Vec<i64> = form.iter().filter(|(k, _)| k == "stall").filter_map(|(_, v)| v.parse().ok()).collect();
    let to = form.iter().find(|(k, _)| k == "status").and_then(|(_, v)| StallStatus::parse(v));
    let error = match (to, ids.is_empty()) {
        (None, _) => ctx.t("market.error.status").to_string(),
        (_, true) => ctx.t("market.error.none_ticked").to_string(),
        (Some(to), false) => match store::market::stall::set_status(&st.db, &actor, id, &ids, to).await {
            Ok(r) => return Ok(back(id, "status", r.changed, r.unchanged)),
            Err(e) => refusal(e)?,
        },
    };
    let shown = Shown { error, error_at: "bulk", ..no_error() };
    page(&st, ctx, &p, market, DetailQuery::default(), shown).await
}

/// `POST /markets/{id}/fee-bills`: this month's stall-fee bills.
pub async fn fee_bills(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let market = market_for(&st, &p, id, true).await?;
    let month = store::market::fees::Month::of_ms(store::now_ms());
    match bill_month(&st, &actor, id, month).await {
        Ok(run) => Ok(back(id, "billed", run.created, run.existing)),
        Err(AppError::Unprocessable(m) | AppError::NotFound(m) | AppError::Conflict(m)) => {
            let shown = Shown { error: m, error_at: "fees", ..no_error() };
            page(&st, ctx, &p, market, DetailQuery::default(), shown).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /markets/{id}/stalls`: adds a stall, with a new merchant when a name is given.
pub async fn add_stall(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(id): Path<i64>,
    Form(form): Form<StallForm>,
) -> Result<Response, AppError> {
    let market = market_for(&st, &p, id, true).await?;
    let result = add(&st, &actor, &market, &form).await;
    match result {
        Ok(label) => Ok(back(id, "added", label, "")),
        Err(e) => {
            let shown = Shown { error: refusal(e)?, error_at: "add", form };
            page(&st, ctx, &p, market, DetailQuery::default(), shown).await
        }
    }
}

async fn add(
    st: &AppState,
    actor: &store::audit::Actor,
    market: &Market,
    form: &StallForm,
) -> Result<String, store::Error> {
    let fee_text: String = form.monthly_fee.chars().filter(|c| !matches!(c, '.' | ' ' | ',')).collect();
    let monthly_fee = if fee_text.is_empty() {
        0
    } else {
        fee_text.parse().map_err(|_| {
            store::Error::Invalid(format!(
                "phí chợ phải là số đồng, nhận {:?} (fee must be a number)",
                form.monthly_fee
            ))
        })?
    };
    let status = match form.status.trim() {
        "" => None,
        s => {
            Some(StallStatus::parse(s).ok_or_else(|| store::Error::Invalid(format!("trạng thái không hợp lệ {s:?}")))?)
        }
    };
    let mut input = StallInput {
        label: form.label.clone(),
        category: form.category.clone(),
        merchant_id: None,
        method: form.method.clone(),
        bin: form.bin.clone(),
        account: form.account.clone(),
        holder: form.holder.clone(),
        monthly_fee,
        feed_linked: form.feed_linked.is_some(),
        status,
    };
    // Check the stall before creating its merchant, so a refused stall leaves no orphan.
    domain::market::Receiving::parse(&input.method, &input.bin, &input.account, &input.holder)
        .map_err(store::Error::Invalid)?;
    let label = form.label.trim();
    if store::market::stall::stalls(&st.db, market.id).await?.iter().any(|v| v.stall.label == label) {
        return Err(store::Error::Conflict(format!(
            "chợ đã có sạp số {label:?} (a stall with that label exists in the market)"
        )));
    }
    if !form.merchant_name.trim().is_empty() {
        let new = MerchantInput { name: form.merchant_name.clone(), phone: form.merchant_phone.clone() };
        input.merchant_id = Some(store::market::create_merchant(&st.db, actor, market.unit_id, new).await?.id);
    }
    Ok(store::market::stall::create_stall(&st.db, actor, market.id, input).await?.label)
}
