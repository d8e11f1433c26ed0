//! Payments, first slice: the accounts a unit receives transfers on
//! (tài khoản nhận tiền) and bills (phiếu thu) with their payment code and
//! dynamic VietQR payload.
//!
//! A bill's amount is the checked total of its fee lines
//! ([`domain::payment::money`]), in đồng, positive and under the NAPAS 247
//! per-transaction limit. Its payment code comes from
//! [`vietqr::code::PaymentCodes`] (prefix chosen by the caller, check
//! character last) and is the whole transfer content (`62.08`) of the VietQR
//! payload built by [`vietqr::Transfer`], so reconciliation can find it in
//! whatever text the paying bank forwards (see `shared/domain/payments.md`).
//! Confirming payments is the second slice, in the submodules:
//! [`ingest`] (durable, idempotent ingestion of notifications with group
//! commit, paying bills on an exact match), [`reconcile`] (the lookups behind
//! the domain rules), [`exception`] (the manual queue), [`report`] (the daily
//! reconciliation of an account), [`statement`] (statement files), [`provider`]
//! (webhook secrets and the code prefix), [`link`] (virtual accounts and
//! dossiers of bills) and [`seed`] (bench data). The cashier's pages add
//! [`list`] (bills, exceptions and accounts over a unit scope) and [`batch`]
//! (bills created from an uploaded file by a job, with progress).

pub mod batch;
pub mod exception;
pub mod ingest;
pub mod link;
pub mod list;
pub mod provider;
pub mod receipt;
pub mod reconcile;
pub mod report;
pub mod seed;
pub mod statement;

use std::hash::{BuildHasher, Hasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDate;
use domain::payment::money::{self, FeeLine};
use serde::Serialize;
use serde_json::json;
pub use vietqr::code::PaymentCodes;

use crate::audit::{Actor, Change};
use crate::{Db, Error, Result, audit_in_tx, now_ms, on_pool};

/// How many fresh codes [`create_bill`] tries before giving up; a clash
/// needs two random 40-bit numbers to meet, so one retry is already rare.
const CODE_ATTEMPTS: usize = 8;

/// A receiving bank account of a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Account {
    /// Id.
    pub id: i64,
    /// The unit that receives the money.
    pub unit_id: i64,
    /// The bank's 6-digit NAPAS BIN.
    pub bin: String,
    /// Account number.
    pub account: String,
    /// Account holder as the bank shows it.
    pub holder: String,
    /// Prefix of the bank's virtual accounts on it, if any.
    pub virtual_prefix: Option<String>,
    /// Whether new bills may use it.
    pub active: bool,
    /// Created (UTC ms).
    pub created_at: i64,
}

impl Account {
    /// The bank's display name ("Vietcombank"), when the directory knows the BIN.
    pub fn bank_name(&self) -> Option<&'static str> {
        vietqr::banks::by_bin(&self.bin).map(|b| b.name)
    }
}

/// A new receiving account: what [`create_account`] stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    /// The unit.
    pub unit_id: i64,
    /// The bank's BIN (6 digits, known to the bank directory).
    pub bin: String,
    /// Account number (1–19 of `A-Z a-z 0-9 -`).
    pub account: String,
    /// Account holder.
    pub holder: String,
    /// Prefix of the bank's virtual accounts, if any.
    pub virtual_prefix: Option<String>,
}

impl NewAccount {
    /// Trims the text and checks the BIN, the account number and the holder.
    pub fn validated(mut self) -> std::result::Result<NewAccount, String> {
        self.bin = self.bin.trim().to_string();
        self.account = self.account.trim().to_string();
        self.holder = self.holder.trim().to_string();
        let bin = vietqr::Bin::parse(&self.bin)
            .map_err(|_| format!("BIN ngân hàng phải gồm 6 chữ số, nhận {:?} (the BIN must be 6 digits)", self.bin))?;
        if bin.bank().is_none() {
            return Err(format!("không có ngân hàng nào mang BIN {} (unknown bank BIN)", self.bin));
        }
        if !account_chars_ok(&self.account) {
            return Err(format!(
                "số tài khoản phải gồm 1–19 ký tự chữ, số hoặc '-', nhận {:?} (bad account number)",
                self.account
            ));
        }
        if self.holder.is_empty() || self.holder.chars().count() > 100 {
            return Err("tên chủ tài khoản phải có, tối đa 100 ký tự (holder is required)".into());
        }
        self.virtual_prefix = self.virtual_prefix.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        if let Some(v) = &self.virtual_prefix
            && !account_chars_ok(v)
        {
            return Err(format!("tiền tố tài khoản ảo không hợp lệ {v:?} (bad virtual account prefix)"));
        }
        Ok(self)
    }
}

/// What VietQR field `38.01.01` accepts: 1–19 of `A-Z a-z 0-9 -`.
fn account_chars_ok(s: &str) -> bool {
    (1..=vietqr::encode::MAX_ACCOUNT_CHARS).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

const ACCOUNT_COLS: &str = "id, unit_id, bin, account, holder, virtual_prefix, active, created_at";

/// Adds a receiving account to a unit, audited.
pub async fn create_account(db: &Db, actor: &Actor, new: NewAccount) -> Result<Account> {
    let new = new.validated().map_err(Error::Invalid)?;
    let now = now_ms();
    let account = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let unit: Option<i64> = sqlx::query_scalar("SELECT id FROM units WHERE id = $1")
            .bind(new.unit_id).fetch_optional(&mut *tx).await?;
        if unit.is_none() {
            return Err(Error::NotFound(format!("không có đơn vị #{} (no such unit)", new.unit_id)));
        }
        let account = sqlx::query_as::<_, Account>(&format!(
            "INSERT INTO payment_accounts (unit_id, bin, account, holder, virtual_prefix, active, created_at)
             VALUES ($1, $2, $3, $4, $5, TRUE, $6) RETURNING {ACCOUNT_COLS}"))
            .bind(new.unit_id)
            .bind(&new.bin)
            .bind(&new.account)
            .bind(&new.holder)
            .bind(&new.virtual_prefix)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        let change = Change {
            unit_id: Some(account.unit_id),
            action: "payment.account.create",
            object_type: "payment_account",
            object_id: account.id.to_string(),
            before: None,
            after: Some(json!({"bin": account.bin, "account": account.account, "holder": account.holder,
                               "virtual_prefix": account.virtual_prefix})),
        };
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
        account
    });
    Ok(account)
}

/// The receiving accounts of a unit, oldest first.
pub async fn accounts(db: &Db, unit_id: i64) -> Result<Vec<Account>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Account>(&format!(
        "SELECT {ACCOUNT_COLS} FROM payment_accounts WHERE unit_id = $1 ORDER BY id"))
        .bind(unit_id)
        .fetch_all(p)
        .await?))
}

/// What a bill charges for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BillKind {
    /// A fee or charge of an administrative procedure (phí, lệ phí).
    Fee,
    /// A school fee (học phí).
    School,
    /// A utility bill (điện, nước, rác).
    Utility,
    /// A market stall charge (phí chợ).
    Stall,
}

impl BillKind {
    /// Every kind.
    pub const ALL: [BillKind; 4] = [BillKind::Fee, BillKind::School, BillKind::Utility, BillKind::Stall];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            BillKind::Fee => "fee",
            BillKind::School => "school",
            BillKind::Utility => "utility",
            BillKind::Stall => "stall",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<BillKind> {
        BillKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A new bill: what [`create_bill`] stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBill {
    /// The unit that bills.
    pub unit_id: i64,
    /// The receiving account, or `None` for the unit's first active one.
    pub account_id: Option<i64>,
    /// What it is for.
    pub kind: BillKind,
    /// Who pays.
    pub payer_name: String,
    /// The payer's reference (student id, dossier code, stall number…).
    pub payer_ref: String,
    /// Description; the fee lines' labels when empty.
    pub description: String,
    /// Fee lines; the amount is their total.
    pub lines: Vec<FeeLine>,
    /// Last day to pay, if any.
    pub due_date: Option<NaiveDate>,
    /// The dossier whose fee it collects (same unit), resumed when it is paid.
    pub dossier_code: Option<String>,
    /// The payer's phone, told when the bill is paid (any Vietnamese form; stored as 10 digits).
    pub payer_phone: Option<String>,
    /// The payer's e-mail address.
    pub payer_email: Option<String>,
}

impl NewBill {
    /// Trims the text, checks the lines and returns the bill with its total.
    pub fn validated(mut self) -> std::result::Result<(NewBill, i64), String> {
        self.payer_name = self.payer_name.trim().to_string();
        self.payer_ref = self.payer_ref.trim().to_string();
        self.description = self.description.trim().to_string();
        self.dossier_code = self.dossier_code.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
        if self.payer_name.is_empty() {
            return Err("thiếu tên người nộp (payer name is required)".into());
        }
        if self.payer_name.chars().count() > 200 || self.payer_ref.chars().count() > 100 {
            return Err(
                "tên người nộp tối đa 200 ký tự, mã tham chiếu tối đa 100 (payer name or reference too long)".into()
            );
        }
        self.payer_phone = match self.payer_phone.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(p) => Some(
                domain::person::Phone::parse(p)
                    .map_err(|_| format!("số điện thoại không hợp lệ {p:?}: 10 chữ số bắt đầu bằng 0 (bad phone)"))?
                    .as_str()
                    .to_string(),
            ),
            None => None,
        };
        self.payer_email = match self.payer_email.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(e) => Some(
                domain::notify::Email::parse(e)
                    .map_err(|_| format!("địa chỉ thư điện tử không hợp lệ {e:?} (bad e-mail)"))?
                    .as_str()
                    .to_string(),
            ),
            None => None,
        };
        if self.lines.is_empty() {
            return Err("phiếu thu phải có ít nhất một khoản (a bill needs at least one line)".into());
        }
        for l in &self.lines {
            if l.label().trim().is_empty() {
                return Err("khoản thu thiếu tên (a line without a label)".into());
            }
            if l.unit_amount() < 0 {
                return Err(format!("khoản {:?} có số tiền âm {} (negative amount)", l.label(), l.unit_amount()));
            }
        }
        let total = money::total(&self.lines).map_err(|e| format!("tổng tiền quá lớn ({e})"))?;
        if total <= 0 {
            return Err("tổng tiền phải lớn hơn 0 (the total must be positive)".into());
        }
        let limit = vietqr::NAPAS_PER_TRANSACTION_LIMIT;
        if u64::try_from(total).map_or(true, |t| t >= limit) {
            return Err(format!(
                "tổng tiền {} phải dưới hạn mức NAPAS 247 là {} (over the per-transaction limit)",
                money::format_dong(total),
                money::format_dong(limit as i64)
            ));
        }
        if self.description.is_empty() {
            self.description = self.lines.iter().map(FeeLine::label).collect::<Vec<_>>().join(", ");
        }
        Ok((self, total))
    }
}

/// A stored bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bill {
    /// Id.
    pub id: i64,
    /// The unit that bills.
    pub unit_id: i64,
    /// The receiving account.
    pub account_id: i64,
    /// What it is for.
    pub kind: BillKind,
    /// Who pays.
    pub payer_name: String,
    /// The payer's reference.
    pub payer_ref: String,
    /// Description.
    pub description: String,
    /// The total, in đồng.
    pub amount: i64,
    /// Fee lines.
    pub lines: Vec<FeeLine>,
    /// The payment code, unique, carried in `62.08`.
    pub payment_code: String,
    /// The dynamic VietQR payload.
    pub qr_payload: String,
    /// `open`, `paid` or `cancelled`.
    pub status: String,
    /// Last day to pay, `YYYY-MM-DD`.
    pub due_date: Option<String>,
    /// Created (UTC ms).
    pub created_at: i64,
    /// Paid (UTC ms).
    pub paid_at: Option<i64>,
    /// The payer's phone (10 digits), if given.
    pub payer_phone: Option<String>,
    /// The payer's e-mail address, if given.
    pub payer_email: Option<String>,
    /// The batch it was created from, if any.
    pub batch_id: Option<i64>,
    /// Its row in the batch's file.
    pub batch_row: Option<i64>,
}

/// A stored row, before its kind and lines are decoded.
#[derive(Debug, sqlx::FromRow)]
struct BillRow {
    id: i64,
    unit_id: i64,
    account_id: i64,
    kind: String,
    payer_name: String,
    payer_ref: String,
    description: String,
    amount: i64,
    lines: String,
    payment_code: String,
    qr_payload: String,
    status: String,
    due_date: Option<String>,
    created_at: i64,
    paid_at: Option<i64>,
    payer_phone: Option<String>,
    payer_email: Option<String>,
    batch_id: Option<i64>,
    batch_row: Option<i64>,
}

impl TryFrom<BillRow> for Bill {
    type Error = Error;

    fn try_from(r: BillRow) -> Result<Bill> {
        let bad = |what: &str| Error::Invalid(format!("phiếu thu #{} lưu sai {what} (corrupt stored {what})", r.id));
        Ok(Bill {
            kind: BillKind::parse(&r.kind).ok_or_else(|| bad("kind"))?,
            lines: serde_json::from_str(&r.lines).map_err(|_| bad("lines"))?,
            id: r.id,
            unit_id: r.unit_id,
            account_id: r.account_id,
            payer_name: r.payer_name,
            payer_ref: r.payer_ref,
            description: r.description,
            amount: r.amount,
            payment_code: r.payment_code,
            qr_payload: r.qr_payload,
            status: r.status,
            due_date: r.due_date,
            created_at: r.created_at,
            paid_at: r.paid_at,
            payer_phone: r.payer_phone,
            payer_email: r.payer_email,
            batch_id: r.batch_id,
            batch_row: r.batch_row,
        })
    }
}

pub(crate) const BILL_COLS: &str = "id, unit_id, account_id, kind, payer_name, payer_ref, description, amount, lines, \
                         payment_code, qr_payload, status, due_date, created_at, paid_at, payer_phone, payer_email, batch_id, batch_row";

/// A number for the next payment code: unpredictable from outside (SipHash
/// under the process's random keys over a counter and the clock), not a
/// secret. Uniqueness is the database's job.
fn code_number(codes: &PaymentCodes) -> u64 {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(SEQ.fetch_add(1, Ordering::Relaxed));
    h.write_i64(chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default());
    h.finish() % codes.capacity()
}

/// The dynamic VietQR payload of a bill: the account, the amount and the
/// payment code as the whole transfer content.
fn qr_payload(account: &Account, amount: i64, code: &str) -> Result<String> {
    let vnd = u64::try_from(amount).map_err(|_| Error::Invalid(format!("số tiền âm {amount} (negative amount)")))?;
    vietqr::Transfer::to_account(&account.bin, &account.account)
        .amount(vnd)
        .purpose(code)
        .encode()
        .map_err(|e| Error::Invalid(format!("không tạo được mã VietQR: {e} (cannot encode VietQR)")))
}

/// Where a bill comes from in a batch: the batch and the row number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BatchRef {
    /// The batch.
    pub batch_id: i64,
    /// The row (1-based, as the spreadsheet shows it).
    pub row: i64,
}

/// What [`BillTx::insert_bill`] writes: a validated bill with its total, on
/// an account already chosen.
pub(crate) struct BillInsert<'a> {
    /// The receiving account (the unit's, active).
    pub account: &'a Account,
    /// The validated bill.
    pub new: &'a NewBill,
    /// Its total in đồng.
    pub total: i64,
    /// The payment-code format.
    pub codes: &'a PaymentCodes,
    /// Who creates it.
    pub actor: &'a Actor,
    /// The batch row it comes from, if any.
    pub batch: Option<BatchRef>,
    /// Now (UTC ms).
    pub now: i64,
}

/// Writing a bill inside a transaction of either backend (implemented for
/// both connections by one macro, so the query is written once): used by
/// [`create_bill`] for one bill and by [`batch`] for a chunk of rows.
pub(crate) trait BillTx {
    /// Draws a fresh payment code (again on the rare clash), builds the
    /// VietQR payload, inserts the bill and writes its audit row. Returns its id.
    fn insert_bill(&mut self, b: &BillInsert<'_>) -> impl Future<Output = Result<i64>> + Send;
}

macro_rules! bill_tx {
    ($conn:ty) => {
        impl BillTx for $conn {
            async fn insert_bill(&mut self, b: &BillInsert<'_>) -> Result<i64> {
                let new = b.new;
                let lines = serde_json::to_string(&new.lines).map_err(|e| Error::Invalid(e.to_string()))?;
                let due = new.due_date.map(|d| d.format("%Y-%m-%d").to_string());
                let mut stored = None;
                for _ in 0..CODE_ATTEMPTS {
                    let code = b.codes.generate(code_number(b.codes)).map_err(|e| Error::Invalid(e.to_string()))?;
                    let qr = qr_payload(b.account, b.total, &code)?;
                    // ON CONFLICT keeps the transaction usable on PostgreSQL, where a
                    // failed INSERT would abort it.
                    let id: Option<i64> = sqlx::query_scalar(
                        "INSERT INTO bills (unit_id, account_id, kind, payer_name, payer_ref, description, amount, lines,
                             payment_code, qr_payload, status, due_date, created_at, dossier_code, payer_phone,
                             payer_email, payer_key, batch_id, batch_row)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11, $12, $13, $14, $15, $16, $17, $18)
                         ON CONFLICT (payment_code) DO NOTHING RETURNING id")
                        .bind(new.unit_id)
                        .bind(b.account.id)
                        .bind(new.kind.as_str())
                        .bind(&new.payer_name)
                        .bind(&new.payer_ref)
                        .bind(&new.description)
                        .bind(b.total)
                        .bind(&lines)
                        .bind(&code)
                        .bind(&qr)
                        .bind(&due)
                        .bind(b.now)
                        .bind(&new.dossier_code)
                        .bind(&new.payer_phone)
                        .bind(&new.payer_email)
                        .bind(domain::text::search_key(&new.payer_name))
                        .bind(b.batch.map(|r| r.batch_id))
                        .bind(b.batch.map(|r| r.row))
                        .fetch_optional(&mut *self)
                        .await?;
                    if let Some(id) = id {
                        stored = Some((id, code));
                        break;
                    }
                }
                let (id, code) = stored.ok_or_else(|| {
                    Error::Conflict("không cấp được mã thanh toán mới, hãy thử lại (no free payment code)".into())
                })?;
                let change = Change {
                    unit_id: Some(new.unit_id),
                    action: "payment.bill.create",
                    object_type: "bill",
                    object_id: id.to_string(),
                    before: None,
                    after: Some(json!({"kind": new.kind, "payer_ref": new.payer_ref, "amount": b.total,
                                       "lines": new.lines, "payment_code": code, "account_id": b.account.id,
                                       "due_date": due, "dossier_code": new.dossier_code,
                                       "contact": new.payer_phone.is_some() || new.payer_email.is_some(),
                                       "batch_id": b.batch.map(|r| r.batch_id)})),
                };
                audit_in_tx!(&mut *self, b.actor, &change, b.now)?;
                Ok(id)
            }
        }
    };
}

bill_tx!(sqlx::SqliteConnection);
bill_tx!(sqlx::PgConnection);

/// Creates a bill in one transaction, audited: picks the receiving account
/// (the given one, which must be the unit's and active, or the unit's first
/// active one), totals the lines, draws a fresh payment code from `codes`
/// (drawing again on the rare clash with a stored one) and builds the VietQR
/// payload carrying the amount and the code in `62.08`.
pub async fn create_bill(db: &Db, actor: &Actor, codes: &PaymentCodes, new: NewBill) -> Result<Bill> {
    let (new, total) = new.validated().map_err(Error::Invalid)?;
    let now = now_ms();
    let id = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let account = sqlx::query_as::<_, Account>(&format!(
            "SELECT {ACCOUNT_COLS} FROM payment_accounts
             WHERE unit_id = $1 AND active = TRUE AND ($2 IS NULL OR id = $2) ORDER BY id LIMIT 1"))
            .bind(new.unit_id)
            .bind(new.account_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| Error::Invalid(match new.account_id {
                Some(a) => format!("tài khoản #{a} không phải tài khoản nhận tiền đang dùng của đơn vị \
                                    (not an active account of this unit)"),
                None => "đơn vị chưa có tài khoản nhận tiền (the unit has no active receiving account)".into(),
            }))?;
        if let Some(code) = &new.dossier_code {
            let unit: Option<i64> = sqlx::query_scalar("SELECT unit_id FROM dossiers WHERE code = $1")
                .bind(code)
                .fetch_optional(&mut *tx)
                .await?;
            if unit != Some(new.unit_id) {
                return Err(Error::Invalid(format!(
                    "không có hồ sơ {code} của đơn vị này (no such dossier in this unit)")));
            }
        }
        let insert = BillInsert { account: &account, new: &new, total, codes, actor, batch: None, now };
        let id = tx.insert_bill(&insert).await?;
        tx.commit().await?;
        id
    });
    bill(db, id).await
}

/// One bill by id.
pub async fn bill(db: &Db, id: i64) -> Result<Bill> {
    on_pool!(db.reader(), p => sqlx::query_as::<_, BillRow>(&format!("SELECT {BILL_COLS} FROM bills WHERE id = $1"))
        .bind(id)
        .fetch_optional(p)
        .await?)
    .ok_or_else(|| Error::NotFound(format!("không có phiếu thu #{id} (no such bill)")))?
    .try_into()
}

/// The bill with a payment code (case-insensitive), if any.
pub async fn bill_by_code(db: &Db, code: &str) -> Result<Option<Bill>> {
    let code = code.trim().to_ascii_uppercase();
    on_pool!(db.reader(), p => sqlx::query_as::<_, BillRow>(&format!(
        "SELECT {BILL_COLS} FROM bills WHERE payment_code = $1"))
        .bind(code)
        .fetch_optional(p)
        .await?)
    .map(Bill::try_from)
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bill(lines: Vec<FeeLine>) -> NewBill {
        NewBill {
            unit_id: 1,
            account_id: None,
            kind: BillKind::Fee,
            payer_name: " Nguyễn Văn A ".into(),
            payer_ref: "HS-01".into(),
            description: String::new(),
            lines,
            due_date: None,
            dossier_code: None,
            payer_phone: None,
            payer_email: None,
        }
    }

    #[test]
    fn accounts_need_a_known_bin_and_a_clean_number() {
        let ok = NewAccount {
            unit_id: 1,
            bin: "970436".into(),
            account: "0011001234567".into(),
            holder: "UBND XA TAN HOA".into(),
            virtual_prefix: None,
        };
        assert!(ok.clone().validated().is_ok());
        assert!(NewAccount { bin: "97043".into(), ..ok.clone() }.validated().is_err());
        assert!(NewAccount { bin: "999999".into(), ..ok.clone() }.validated().is_err(), "unknown BIN");
        assert!(NewAccount { account: "001 100".into(), ..ok.clone() }.validated().is_err());
        assert!(NewAccount { account: "1".repeat(20), ..ok }.validated().is_err());
    }

    #[test]
    fn a_bill_totals_its_lines_within_the_limit() {
        let l = |a| FeeLine::new("Lệ phí", a, 1).unwrap();
        let (b, total) = bill(vec![l(50_000), FeeLine::new("Bản sao", 5_000, 3).unwrap()]).validated().unwrap();
        assert_eq!((total, b.payer_name.as_str(), b.description.as_str()), (65_000, "Nguyễn Văn A", "Lệ phí, Bản sao"));
        assert!(bill(vec![]).validated().is_err(), "no lines");
        assert!(bill(vec![l(0)]).validated().is_err(), "zero total");
        assert!(bill(vec![l(499_999_999)]).validated().is_ok());
        assert!(bill(vec![l(500_000_000)]).validated().is_err(), "the limit is exclusive");
        assert!(bill(vec![l(i64::MAX), l(1)]).validated().is_err(), "overflow");
    }

    #[test]
    fn the_payer_contact_is_checked_and_normalised() {
        let l = FeeLine::new("Lệ phí", 10_000, 1).unwrap();
        let with = |phone: &str, email: &str| NewBill {
            payer_phone: Some(phone.into()),
            payer_email: Some(email.into()),
            ..bill(vec![l.clone()])
        };
        let (b, _) = with("+84 901 234 567", " An@Example.VN ").validated().unwrap();
        assert_eq!((b.payer_phone.as_deref(), b.payer_email.as_deref()), (Some("0901234567"), Some("An@example.vn")));
        let (b, _) = with(" ", "").validated().unwrap();
        assert_eq!((b.payer_phone, b.payer_email), (None, None), "blank means none");
        assert!(with("12345", "").validated().unwrap_err().contains("điện thoại"));
        assert!(with("", "not-an-address").validated().unwrap_err().contains("thư điện tử"));
    }

    #[test]
    fn the_payload_carries_the_account_amount_and_code() {
        let account = Account {
            id: 1,
            unit_id: 1,
            bin: "970436".into(),
            account: "0011001234567".into(),
            holder: "UBND".into(),
            virtual_prefix: None,
            active: true,
            created_at: 0,
        };
        let codes = PaymentCodes::new("XS", 8).unwrap();
        let code = codes.generate(code_number(&codes)).unwrap();
        let qr = qr_payload(&account, 65_000, &code).unwrap();
        let v = vietqr::decode(&qr).unwrap().vietqr().unwrap();
        assert_eq!((v.bin.as_str(), v.account, v.amount), ("970436", "0011001234567", Some(vietqr::Vnd(65_000))));
        assert_eq!(v.additional.purpose(), Some(code.as_str()));
    }
}
