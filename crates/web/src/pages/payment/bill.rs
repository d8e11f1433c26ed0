//! `/payments/bills/new` (the form) and `/payments/bills/{id}` (the bill).
//!
//! The form asks for the unit and its receiving account, the kind, the payer
//! (name, reference, and optionally phone and e-mail, told when it is paid),
//! up to [`LINES`] fee lines in whole đồng (empty rows are ignored), the due
//! date and an optional dossier code. Each field is checked here so that the
//! message stands next to it (422); the bill itself is made by
//! [`store::payment::create_bill`], the same operation as the API's.
//!
//! The bill's page shows it in full to staff: status in words, lines, payer,
//! the QR code, the public pay link, the receipt once paid and the transfers
//! received for it; it prints on A5.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::payment::money::{FeeLine, format_dong};
use store::payment::list::BillPayment;
use store::payment::{Account, Bill, BillKind, NewBill};

use super::{inline_qr, kind_label, outcome_label, scope, status_label};
use crate::api::payment::{pay_url, payment_codes};
use crate::auth::{CurrentUser, Principal, ReqActor};
use crate::error::{AppError, refusal};
use crate::pages::area::PAYMENTS;
use crate::pages::{PageCtx, render, render_form};
use crate::state::AppState;

/// Fee-line rows on the form.
pub const LINES: usize = 4;

/// The form as typed.
#[derive(Debug, Clone, Default)]
pub struct BillForm {
    /// Unit id.
    pub unit: String,
    /// Account id.
    pub account: String,
    /// Kind.
    pub kind: String,
    /// Payer's name.
    pub payer_name: String,
    /// Payer's reference.
    pub payer_ref: String,
    /// Phone.
    pub payer_phone: String,
    /// E-mail.
    pub payer_email: String,
    /// Lines: label and amount.
    pub lines: Vec<(String, String)>,
    /// Due date `YYYY-MM-DD`.
    pub due_date: String,
    /// Dossier code.
    pub dossier: String,
}

impl BillForm {
    /// Reads the posted pairs (`label`/`amount` repeat, in row order).
    fn from_pairs(pairs: Vec<(String, String)>) -> BillForm {
        let mut f = BillForm::default();
        let (mut labels, mut amounts) = (Vec::new(), Vec::new());
        for (k, v) in pairs {
            match k.as_str() {
                "unit" => f.unit = v,
                "account" => f.account = v,
                "kind" => f.kind = v,
                "payer_name" => f.payer_name = v,
                "payer_ref" => f.payer_ref = v,
                "payer_phone" => f.payer_phone = v,
                "payer_email" => f.payer_email = v,
                "label" => labels.push(v),
                "amount" => amounts.push(v),
                "due_date" => f.due_date = v,
                "dossier" => f.dossier = v,
                _ => {}
            }
        }
        let n = labels.len().max(amounts.len()).min(LINES);
        f.lines = (0..n)
            .map(|i| (labels.get(i).cloned().unwrap_or_default(), amounts.get(i).cloned().unwrap_or_default()))
            .collect();
        f
    }

    fn padded(mut self) -> BillForm {
        self.lines.resize(LINES, (String::new(), String::new()));
        self
    }
}

/// A refusal next to a field (`line1`… for the lines, `form` for the whole).
#[derive(Debug, Clone, Default)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    fn add(&mut self, field: impl Into<String>, msg: impl Into<String>) {
        self.0.push((field.into(), msg.into()));
    }

    /// The message of `field`, or empty.
    pub fn of(&self, field: &str) -> &str {
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str()).unwrap_or("")
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An amount typed by a person: whole đồng, with `.`, `,` or spaces as thousands separators.
fn parse_amount(s: &str) -> Option<i64> {
    let digits: String =
        s.trim().trim_end_matches(['đ', '₫']).chars().filter(|c| !matches!(c, '.' | ',' | ' ')).collect();
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Checks the form field by field; the bill when all is well.
fn check(ctx: &PageCtx, f: &BillForm) -> Result<NewBill, FieldErrors> {
    let mut e = FieldErrors::default();
    let unit_id = f.unit.trim().parse::<i64>().ok();
    if unit_id.is_none() {
        e.add("unit", ctx.t("pay.err.unit"));
    }
    let account_id = f.account.trim().parse::<i64>().ok();
    if account_id.is_none() {
        e.add("account", ctx.t("pay.err.account"));
    }
    let kind = BillKind::parse(f.kind.trim());
    if kind.is_none() {
        e.add("kind", ctx.t("pay.err.kind"));
    }
    if f.payer_name.trim().is_empty() {
        e.add("payer_name", ctx.t("pay.err.payer_name"));
    }
    if !f.payer_phone.trim().is_empty() && domain::person::Phone::parse(&f.payer_phone).is_err() {
        e.add("payer_phone", ctx.t("pay.err.phone"));
    }
    if !f.payer_email.trim().is_empty() && domain::notify::Email::parse(&f.payer_email).is_err() {
        e.add("payer_email", ctx.t("pay.err.email"));
    }
    let mut lines = Vec::new();
    for (i, (label, amount)) in f.lines.iter().enumerate() {
        if label.trim().is_empty() && amount.trim().is_empty() {
            continue;
        }
        let field = format!("line{}", i + 1);
        match (label.trim().is_empty(), parse_amount(amount)) {
            (true, _) => e.add(field, ctx.t("pay.err.line_label")),
            (false, None) => e.add(field, ctx.t("pay.err.amount")),
            (false, Some(0)) => e.add(field, ctx.t("pay.err.amount_zero")),
            (false, Some(a)) => match FeeLine::new(label.trim(), a, 1) {
                Ok(l) => lines.push(l),
                Err(err) => e.add(field, err.to_string()),
            },
        }
    }
    if lines.is_empty() && e.of("line1").is_empty() {
        e.add("line1", ctx.t("pay.err.no_lines"));
    }
    let due_date = match f.due_date.trim() {
        "" => None,
        d => match domain::time::parse_date(d) {
            Some(d) => Some(d),
            None => {
                e.add("due_date", ctx.t("pay.err.due"));
                None
            }
        },
    };
    match (unit_id, account_id, kind, e.is_empty()) {
        (Some(unit_id), Some(account_id), Some(kind), true) => Ok(NewBill {
            unit_id,
            account_id: Some(account_id),
            kind,
            payer_name: f.payer_name.clone(),
            payer_ref: f.payer_ref.clone(),
            description: String::new(),
            lines,
            due_date,
            dossier_code: Some(f.dossier.clone()),
            payer_phone: Some(f.payer_phone.clone()),
            payer_email: Some(f.payer_email.clone()),
        }),
        _ => Err(e),
    }
}

/// A unit the user may bill for, with its accounts.
pub struct UnitChoice {
    /// Unit id.
    pub id: i64,
    /// Unit name.
    pub name: String,
    /// Its active accounts: id and label.
    pub accounts: Vec<(i64, String)>,
}

/// The units in the user's scope that have an active receiving account.
pub(crate) async fn choices(st: &AppState, p: &Principal) -> Result<Vec<UnitChoice>, AppError> {
    let units = scope(st, p).await?;
    let mut out: Vec<UnitChoice> = Vec::new();
    for a in store::payment::list::accounts_in(&st.db, units.as_deref()).await? {
        if !a.active {
            continue;
        }
        let label = format!("{} · {} · {}", a.bank_name().unwrap_or(&a.bin), a.account, a.holder);
        match out.iter_mut().find(|u| u.id == a.unit_id) {
            Some(u) => u.accounts.push((a.id, label)),
            None => {
                let name = store::unit::get(&st.db, a.unit_id).await?.full_name();
                out.push(UnitChoice { id: a.unit_id, name, accounts: vec![(a.id, label)] });
            }
        }
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "payment/new.html")]
struct NewPage {
    ctx: PageCtx,
    units: Vec<UnitChoice>,
    kinds: Vec<(&'static str, &'static str)>,
    form: BillForm,
    errors: FieldErrors,
}

async fn form_page(
    st: &AppState,
    ctx: PageCtx,
    p: &Principal,
    form: BillForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let units = choices(st, p).await?;
    let mut form = form.padded();
    if form.unit.is_empty()
        && let Some(u) = units.first()
    {
        form.unit = u.id.to_string();
    }
    let lang = ctx.lang;
    let refused = !errors.is_empty();
    let kinds = BillKind::ALL.iter().map(|k| (k.as_str(), kind_label(lang, *k))).collect();
    render_form(&NewPage { ctx, units, kinds, form, errors }, refused)
}

/// `GET /payments/bills/new`.
pub async fn new_form(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
) -> Result<Response, AppError> {
    let form = BillForm { kind: "fee".into(), ..BillForm::default() };
    form_page(&st, ctx, &p, form, FieldErrors::default()).await
}

/// `POST /payments/bills/new`: creates the bill and opens its page; a
/// refusal comes back beside its field (422).
pub async fn create(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let form = BillForm::from_pairs(pairs);
    let new = match check(&ctx, &form) {
        Ok(new) => new,
        Err(errors) => return form_page(&st, ctx, &p, form, errors).await,
    };
    p.require_unit(&st, new.unit_id, PAYMENTS.0).await?;
    let codes = payment_codes(&st).await?;
    match store::payment::create_bill(&st.db, &actor, &codes, new).await {
        Ok(bill) => Ok(Redirect::to(&format!("/payments/bills/{}", bill.id)).into_response()),
        Err(e) => {
            let msg = refusal(e)?;
            let mut errors = FieldErrors::default();
            let field = if msg.contains("tài khoản") {
                "account"
            } else if msg.contains("hồ sơ") {
                "dossier"
            } else {
                "form"
            };
            errors.add(field, msg);
            form_page(&st, ctx, &p, form, errors).await
        }
    }
}

/// A transfer received for the bill, as the page shows it.
pub struct PaymentRow {
    /// Source and transaction id.
    pub source: String,
    /// Amount.
    pub amount: String,
    /// When.
    pub at: String,
    /// Outcome in words.
    pub outcome: String,
    /// Content.
    pub content: String,
}

impl PaymentRow {
    fn of(ctx: &PageCtx, p: BillPayment) -> PaymentRow {
        PaymentRow {
            source: format!("{} · {}", p.provider, p.reference.unwrap_or(p.txn_id)),
            amount: format_dong(p.amount),
            at: domain::time::format_local(p.occurred_at),
            outcome: outcome_label(ctx.lang, &p.outcome),
            content: p.content,
        }
    }
}

#[derive(Template)]
#[template(path = "payment/bill.html")]
struct BillPage {
    ctx: PageCtx,
    bill: Bill,
    unit_name: String,
    account: Account,
    bank: String,
    kind: &'static str,
    status: &'static str,
    qr: String,
    pay_url: String,
    receipt: Option<(String, String)>,
    payments: Vec<PaymentRow>,
    phone: String,
}

impl BillPage {
    fn money(&self, v: &i64) -> String {
        format_dong(*v)
    }

    fn line_amount(&self, l: &FeeLine) -> String {
        format_dong(l.amount().unwrap_or_default())
    }

    fn due(&self) -> String {
        self.bill.due_date.as_deref().map(|d| self.ctx.date(d)).unwrap_or_else(|| "—".into())
    }
}

/// `GET /payments/bills/{id}`: the bill, for staff of its unit.
pub async fn show(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let bill = store::payment::bill(&st.db, id).await?;
    p.require_unit(&st, bill.unit_id, PAYMENTS.0).await?;
    let account = store::payment::statement::account(&st.db, bill.account_id).await?;
    let receipt = store::payment::ingest::receipt(&st.db, bill.id)
        .await?
        .map(|r| (r.number.clone(), super::receipt_url(&st, &r.number, &r.verify_key)));
    let payments = store::payment::list::payments_of_bill(&st.db, bill.id)
        .await?
        .into_iter()
        .map(|x| PaymentRow::of(&ctx, x))
        .collect();
    let view = BillPage {
        unit_name: store::unit::get(&st.db, bill.unit_id).await?.full_name(),
        bank: account.bank_name().unwrap_or(&account.bin).to_string(),
        kind: kind_label(ctx.lang, bill.kind),
        status: status_label(ctx.lang, &bill.status),
        qr: inline_qr(&bill, &account)?,
        pay_url: pay_url(&st, &bill.payment_code),
        phone: bill
            .payer_phone
            .as_deref()
            .and_then(|p| domain::person::Phone::parse(p).ok())
            .map(|p| p.display())
            .unwrap_or_default(),
        receipt,
        payments,
        account,
        bill,
        ctx,
    };
    render(&view)
}
