//! `/payments`: the cashier's home. The bills of the user's units, newest
//! first, filtered by status, kind, batch and a search on the payment code,
//! the payer's reference or name, a page at a time; and the ways on: a new
//! bill, the batches, the exceptions queue (with its open count) and the
//! daily report of each receiving account.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use store::payment::list::BillFilter;
use store::payment::{Bill, BillKind};

use super::{kind_label, scope, status_label};
use crate::auth::CurrentUser;
use crate::error::{AppError, urlencode};
use crate::pages::{PageCtx, render};
use crate::state::AppState;

/// Bills per page.
const PAGE: i64 = 50;

/// The list's query.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct HomeQuery {
    /// Status filter.
    #[serde(default)]
    pub status: String,
    /// Kind filter.
    #[serde(default)]
    pub kind: String,
    /// Search.
    #[serde(default)]
    pub q: String,
    /// Batch filter.
    #[serde(default)]
    pub batch: String,
    /// Page (1-based).
    #[serde(default)]
    pub page: String,
}

/// A bill as the list shows it.
pub struct Row {
    /// Id.
    pub id: i64,
    /// Payment code.
    pub code: String,
    /// Payer.
    pub payer: String,
    /// Payer's reference.
    pub payer_ref: String,
    /// Kind in words.
    pub kind: &'static str,
    /// Amount, formatted.
    pub amount: String,
    /// Stored status.
    pub status: String,
    /// Status in words.
    pub status_label: &'static str,
    /// Due date, `dd/MM/yyyy`.
    pub due: String,
    /// Created, `dd/MM/yyyy HH:mm`.
    pub created: String,
}

impl Row {
    fn of(ctx: &PageCtx, b: Bill) -> Row {
        Row {
            kind: kind_label(ctx.lang, b.kind),
            status_label: status_label(ctx.lang, &b.status),
            amount: domain::payment::money::format_dong(b.amount),
            due: b.due_date.as_deref().map(|d| ctx.date(d)).unwrap_or_default(),
            created: domain::time::format_local(b.created_at),
            id: b.id,
            code: b.payment_code,
            payer: b.payer_name,
            payer_ref: b.payer_ref,
            status: b.status,
        }
    }
}

/// A receiving account with its daily-report link.
pub struct AccountLink {
    /// Id.
    pub id: i64,
    /// Bank, number and holder.
    pub label: String,
}

#[derive(Template)]
#[template(path = "payment/home.html")]
struct HomePage {
    ctx: PageCtx,
    rows: Vec<Row>,
    total: i64,
    filter: HomeQuery,
    kinds: Vec<(&'static str, &'static str)>,
    page: i64,
    pages: i64,
    prev: String,
    next: String,
    accounts: Vec<AccountLink>,
    exceptions: i64,
    today: String,
}

/// The link to page `n` with the same filters.
fn page_href(f: &HomeQuery, n: i64) -> String {
    format!(
        "/payments?status={}&kind={}&q={}&batch={}&page={n}",
        urlencode(&f.status),
        urlencode(&f.kind),
        urlencode(&f.q),
        urlencode(&f.batch)
    )
}

/// `GET /payments`.
pub async fn list(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Query(q): Query<HomeQuery>,
) -> Result<Response, AppError> {
    let units = scope(&st, &p).await?;
    let page = q.page.trim().parse::<i64>().unwrap_or(1).max(1);
    let status = Some(q.status.trim().to_string()).filter(|s| ["open", "paid", "cancelled"].contains(&s.as_str()));
    let filter = BillFilter {
        units: units.clone(),
        status,
        kind: BillKind::parse(q.kind.trim()),
        batch_id: q.batch.trim().parse().ok(),
        q: q.q.clone(),
        limit: PAGE,
        offset: (page - 1) * PAGE,
    };
    let found = store::payment::list::bills(&st.db, &filter).await?;
    let accounts = store::payment::list::accounts_in(&st.db, units.as_deref())
        .await?
        .into_iter()
        .map(|a| AccountLink {
            id: a.id,
            label: format!("{} · {} · {}", a.bank_name().unwrap_or(&a.bin), a.account, a.holder),
        })
        .collect();
    let exceptions = store::payment::list::open_exception_count(&st.db, units.as_deref()).await?;
    let pages = ((found.total + PAGE - 1) / PAGE).max(1);
    let lang = ctx.lang;
    let view = HomePage {
        rows: found.items.into_iter().map(|b| Row::of(&ctx, b)).collect(),
        total: found.total,
        kinds: BillKind::ALL.iter().map(|k| (k.as_str(), kind_label(lang, *k))).collect(),
        prev: if page > 1 { page_href(&q, page - 1) } else { String::new() },
        next: if page < pages { page_href(&q, page + 1) } else { String::new() },
        today: domain::time::local_date(chrono::Utc::now()).format("%Y-%m-%d").to_string(),
        filter: q,
        page,
        pages,
        accounts,
        exceptions,
        ctx,
    };
    render(&view)
}
