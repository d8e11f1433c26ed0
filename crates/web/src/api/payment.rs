//! API: payments, first slice — a unit's receiving accounts and bills with
//! their payment code and dynamic VietQR payload.
//!
//! Callers hold a payments role (cashier, leader, administrator) over the
//! bill's unit; adding a receiving account is for administrators. The rules
//! live in [`store::payment`]; this module maps JSON and unit codes to them.
//!
//! Submodules: [`webhook`] (the public provider endpoints), [`exception`]
//! (the exceptions queue and the daily report), [`statement`] (statement
//! mappings and imports) and [`settings`] (provider secrets, code prefix).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::payment::money::FeeLine;
use serde::{Deserialize, Serialize};
use store::payment::{Account, Bill, BillKind, NewAccount, NewBill, PaymentCodes};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Principal, ReqActor};
use crate::error::AppError;
use crate::pages::area::PAYMENTS;
use crate::state::AppState;

pub mod exception;
pub mod settings;
pub mod statement;
pub mod webhook;

/// The payment-code format this installation issues: the `payment.code_prefix`
/// setting ("XS" by default), read through the ingester's short cache.
pub(crate) async fn payment_codes(st: &AppState) -> Result<PaymentCodes, AppError> {
    Ok(st.ingester.settings().await?.codes()?)
}

/// The unit with `code` today.
pub(crate) async fn unit_id(st: &AppState, code: &str) -> Result<i64, AppError> {
    let today = domain::time::local_date(chrono::Utc::now());
    store::unit::by_code(&st.db, code.trim(), today)
        .await?
        .map(|u| u.id)
        .ok_or_else(|| AppError::NotFound(format!("không có đơn vị mã {code} (no such unit)")))
}

async fn may_collect(st: &AppState, p: &Principal, unit_id: i64) -> Result<(), AppError> {
    p.require_unit(st, unit_id, PAYMENTS.0).await
}

/// A receiving account.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountDto {
    /// Id.
    pub id: i64,
    /// The bank's 6-digit BIN.
    pub bin: String,
    /// The bank's name, when known.
    pub bank: Option<String>,
    /// Account number.
    pub account: String,
    /// Account holder.
    pub holder: String,
    /// Prefix of the bank's virtual accounts, if any.
    pub virtual_prefix: Option<String>,
    /// Whether new bills may use it.
    pub active: bool,
}

impl From<Account> for AccountDto {
    fn from(a: Account) -> Self {
        AccountDto {
            bank: a.bank_name().map(str::to_string),
            id: a.id,
            bin: a.bin,
            account: a.account,
            holder: a.holder,
            virtual_prefix: a.virtual_prefix,
            active: a.active,
        }
    }
}

/// A new receiving account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewAccountBody {
    /// Unit code ("31342").
    pub unit: String,
    /// The bank's 6-digit BIN ("970436").
    pub bin: String,
    /// Account number.
    pub account: String,
    /// Account holder.
    pub holder: String,
    /// Prefix of the bank's virtual accounts, if any.
    #[serde(default)]
    pub virtual_prefix: Option<String>,
}

/// Adds a receiving account to a unit.
#[utoipa::path(post, path = "/api/v1/payment-accounts", tag = "payment", request_body = NewAccountBody,
    responses((status = 201, body = AccountDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn create_account(
    State(st): State<AppState>,
    ReqActor(actor): ReqActor,
    Json(body): Json<NewAccountBody>,
) -> Result<(StatusCode, Json<AccountDto>), AppError> {
    let unit_id = unit_id(&st, &body.unit).await?;
    let new = NewAccount {
        unit_id,
        bin: body.bin,
        account: body.account,
        holder: body.holder,
        virtual_prefix: body.virtual_prefix,
    };
    let account = store::payment::create_account(&st.db, &actor, new).await?;
    Ok((StatusCode::CREATED, Json(account.into())))
}

/// Which unit's accounts.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AccountQuery {
    /// Unit code.
    pub unit: String,
}

/// The receiving accounts of a unit.
#[utoipa::path(get, path = "/api/v1/payment-accounts", tag = "payment", params(AccountQuery),
    responses((status = 200, body = Vec<AccountDto>), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody)))]
pub async fn accounts(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Query(q): Query<AccountQuery>,
) -> Result<Json<Vec<AccountDto>>, AppError> {
    let unit_id = unit_id(&st, &q.unit).await?;
    may_collect(&st, &p, unit_id).await?;
    let found = store::payment::accounts(&st.db, unit_id).await?;
    Ok(Json(found.into_iter().map(AccountDto::from).collect()))
}

/// Who pays.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct PayerDto {
    /// Name.
    pub name: String,
    /// Reference: student id, dossier code, stall number…
    #[serde(default, rename = "ref")]
    pub reference: String,
    /// Phone, told when the bill is paid (optional; `0901234567` or `+84…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// E-mail address (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// One line of a bill, in đồng.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct LineDto {
    /// What it is for ("Lệ phí").
    pub label: String,
    /// Amount of one unit, in đồng.
    pub amount: i64,
    /// How many units (1 by default).
    #[serde(default = "one")]
    pub quantity: u32,
}

fn one() -> u32 {
    1
}

/// A new bill.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewBillBody {
    /// Unit code ("31342").
    pub unit: String,
    /// Receiving account id, or null for the unit's first active account.
    #[serde(default)]
    pub account: Option<i64>,
    /// `fee`, `school`, `utility` or `stall`.
    pub kind: String,
    /// Who pays.
    pub payer: PayerDto,
    /// Description; the lines' labels by default.
    #[serde(default)]
    pub description: Option<String>,
    /// Lines; the amount is their total.
    pub lines: Vec<LineDto>,
    /// Last day to pay (`YYYY-MM-DD`), or null.
    #[serde(default)]
    pub due_date: Option<String>,
    /// The code of the dossier whose fee this is (same unit): paying the bill
    /// resumes the dossier from status 6.
    #[serde(default)]
    pub dossier: Option<String>,
}

/// A new bill: what to show or send the payer.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedBillDto {
    /// Id.
    pub id: i64,
    /// Payment code, the transfer content.
    pub payment_code: String,
    /// Amount in đồng.
    pub amount: i64,
    /// The dynamic VietQR payload to render as a QR code.
    pub qr: String,
    /// The public page to pay it.
    pub pay_url: String,
}

/// A bill.
#[derive(Debug, Serialize, ToSchema)]
pub struct BillDto {
    /// Id.
    pub id: i64,
    /// Unit code.
    pub unit: String,
    /// Receiving account id.
    pub account: i64,
    /// `fee`, `school`, `utility` or `stall`.
    pub kind: String,
    /// Who pays.
    pub payer: PayerDto,
    /// Description.
    pub description: String,
    /// Lines.
    pub lines: Vec<LineDto>,
    /// Amount in đồng.
    pub amount: i64,
    /// Amount as displayed ("65.000 ₫").
    pub amount_label: String,
    /// Payment code.
    pub payment_code: String,
    /// The dynamic VietQR payload.
    pub qr: String,
    /// The public page to pay it.
    pub pay_url: String,
    /// `open`, `paid` or `cancelled`.
    pub status: String,
    /// Last day to pay.
    pub due_date: Option<String>,
    /// Created (UTC ms).
    pub created_at: i64,
    /// Paid (UTC ms).
    pub paid_at: Option<i64>,
}

/// The public page to pay the bill with `code`.
pub(crate) fn pay_url(st: &AppState, code: &str) -> String {
    format!("{}/pay/{code}", st.config.public_url.trim_end_matches('/'))
}

fn bill_dto(st: &AppState, b: Bill, unit: String) -> BillDto {
    BillDto {
        unit,
        account: b.account_id,
        kind: b.kind.as_str().to_string(),
        payer: PayerDto { name: b.payer_name, reference: b.payer_ref, phone: b.payer_phone, email: b.payer_email },
        description: b.description,
        lines: b
            .lines
            .iter()
            .map(|l| LineDto { label: l.label().to_string(), amount: l.unit_amount(), quantity: l.quantity() })
            .collect(),
        amount: b.amount,
        amount_label: domain::payment::money::format_dong(b.amount),
        pay_url: pay_url(st, &b.payment_code),
        payment_code: b.payment_code,
        qr: b.qr_payload,
        status: b.status,
        due_date: b.due_date,
        created_at: b.created_at,
        paid_at: b.paid_at,
        id: b.id,
    }
}

fn parse_bill(body: &NewBillBody) -> Result<(BillKind, Vec<FeeLine>, Option<chrono::NaiveDate>), AppError> {
    let bad = AppError::Unprocessable;
    let kind = BillKind::parse(body.kind.trim()).ok_or_else(|| {
        bad(format!("loại phiếu thu không hợp lệ {:?}: fee, school, utility, stall (bad kind)", body.kind))
    })?;
    let lines = body
        .lines
        .iter()
        .map(|l| FeeLine::new(l.label.trim(), l.amount, l.quantity))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(format!("khoản thu không hợp lệ: {e} (bad line)")))?;
    let due = match body.due_date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(
            domain::time::parse_date(s)
                .ok_or_else(|| bad(format!("hạn nộp không hợp lệ {s:?}, cần YYYY-MM-DD (bad due_date)")))?,
        ),
        None => None,
    };
    Ok((kind, lines, due))
}

/// Creates a bill with a fresh payment code and its VietQR payload.
#[utoipa::path(post, path = "/api/v1/bills", tag = "payment", request_body = NewBillBody,
    responses((status = 201, body = CreatedBillDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub async fn create_bill(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Json(body): Json<NewBillBody>,
) -> Result<(StatusCode, Json<CreatedBillDto>), AppError> {
    let unit_id = unit_id(&st, &body.unit).await?;
    may_collect(&st, &p, unit_id).await?;
    let (kind, lines, due_date) = parse_bill(&body)?;
    let new = NewBill {
        unit_id,
        account_id: body.account,
        kind,
        payer_name: body.payer.name,
        payer_ref: body.payer.reference,
        description: body.description.unwrap_or_default(),
        lines,
        due_date,
        dossier_code: body.dossier,
        payer_phone: body.payer.phone,
        payer_email: body.payer.email,
    };
    let bill = store::payment::create_bill(&st.db, &actor, &payment_codes(&st).await?, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedBillDto {
            id: bill.id,
            amount: bill.amount,
            pay_url: pay_url(&st, &bill.payment_code),
            payment_code: bill.payment_code,
            qr: bill.qr_payload,
        }),
    ))
}

/// One bill.
#[utoipa::path(get, path = "/api/v1/bills/{id}", tag = "payment",
    params(("id" = i64, Path, description = "Bill id")),
    responses((status = 200, body = BillDto), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody)))]
pub async fn get_bill(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<BillDto>, AppError> {
    let bill = store::payment::bill(&st.db, id).await?;
    may_collect(&st, &p, bill.unit_id).await?;
    let unit = store::unit::get(&st.db, bill.unit_id).await?.code;
    Ok(Json(bill_dto(&st, bill, unit)))
}
