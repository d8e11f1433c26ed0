//! `/payments/accounts/{id}/daily?date=YYYY-MM-DD`: one receiving account's
//! reconciliation of a day (Vietnam time): what the bills due that day add
//! up to, what came in, what matched bills, what went to the exceptions
//! queue, and what is still outstanding ([`store::payment::report::daily`],
//! the same figures as the API's report).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use domain::payment::reconcile::DailyReport;
use serde::Deserialize;
use store::payment::Account;

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::pages::area::PAYMENTS;
use crate::pages::{PageCtx, render};
use crate::state::AppState;

/// Which day.
#[derive(Debug, Default, Deserialize)]
pub struct DayQuery {
    /// `YYYY-MM-DD`; today when absent or unreadable.
    #[serde(default)]
    pub date: String,
}

#[derive(Template)]
#[template(path = "payment/daily.html")]
struct DailyPage {
    ctx: PageCtx,
    account: Account,
    bank: String,
    unit_name: String,
    date: NaiveDate,
    report: DailyReport,
}

impl DailyPage {
    fn money(&self, v: &i64) -> String {
        domain::payment::money::format_dong(*v)
    }

    fn iso(&self, d: &NaiveDate) -> String {
        d.format("%Y-%m-%d").to_string()
    }

    fn outstanding(&self) -> String {
        domain::payment::money::format_dong(self.report.outstanding())
    }

    fn shown(&self) -> String {
        domain::time::format_date(self.date)
    }

    fn prev(&self) -> String {
        self.date.pred_opt().map(|d| self.iso(&d)).unwrap_or_default()
    }

    fn next(&self) -> String {
        self.date.succ_opt().map(|d| self.iso(&d)).unwrap_or_default()
    }
}

/// `GET /payments/accounts/{id}/daily`.
pub async fn show(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<DayQuery>,
) -> Result<Response, AppError> {
    let account = store::payment::statement::account(&st.db, id).await?;
    p.require_unit(&st, account.unit_id, PAYMENTS.0).await?;
    let date = domain::time::parse_date(q.date.trim()).unwrap_or_else(|| domain::time::local_date(chrono::Utc::now()));
    let report = store::payment::report::daily(&st.db, id, date).await?;
    let view = DailyPage {
        bank: account.bank_name().unwrap_or(&account.bin).to_string(),
        unit_name: store::unit::get(&st.db, account.unit_id).await?.full_name(),
        account,
        date,
        report,
        ctx,
    };
    render(&view)
}
