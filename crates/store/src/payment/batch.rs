//! Batch bills: one bill per row of an uploaded CSV or XLSX file (one per
//! student, per household…), created in the background with progress.
//!
//! The upload ([`read_file`] then [`create`]) only reads the file: it must
//! have a header row naming at least the payer's name and the amount (in
//! Vietnamese or English, see [`COLUMNS`]), and at most [`MAX_ROWS`] rows;
//! otherwise it is refused whole. The rows are stored with the batch
//! (`bill_batches.input`) and the `payment.batch` job ([`BATCH_JOB`]) is
//! enqueued in the same transaction.
//!
//! The job ([`run`]) then **validates and creates row by row, in chunks of
//! [`CHUNK`] rows per transaction**: a row that is not a valid bill (no name,
//! a bad amount, phone, e-mail or date…) is recorded with its row number and
//! reason, and the rest go on. Each chunk's bills and the batch's progress
//! (`next_row`, the counts, the errors) commit together, so a job that dies
//! resumes at the next chunk and never bills a row twice (also guarded by
//! the unique `(batch_id, batch_row)` of `bills`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::statement::parse::{Cell, cells, parse_amount, parse_local};
use super::{ACCOUNT_COLS, Account, BatchRef, BillInsert, BillKind, BillTx, NewBill, PaymentCodes};
use crate::audit::{Actor, Change};
use crate::{Db, Error, Result, audit_in_tx, now_ms, on_pool};
use domain::payment::money::FeeLine;

/// The kind of the job that creates a batch's bills (payload `{batch_id}`).
pub const BATCH_JOB: &str = "payment.batch";
/// Rows created per transaction.
pub const CHUNK: usize = 200;
/// The most rows one file may hold.
pub const MAX_ROWS: usize = 20_000;
/// Row errors kept on the batch (the count is always exact).
const MAX_ERRORS: usize = 500;
/// Rows searched for the header.
const HEADER_SEARCH: usize = 20;

/// The columns a file may have: field, then the accepted headers (compared
/// without case, diacritics, spaces or underscores).
pub const COLUMNS: &[(&str, &[&str])] = &[
    ("payer_name", &["họ tên", "họ và tên", "người nộp", "tên người nộp", "tên", "payer name", "payer", "name"]),
    ("payer_ref", &["mã", "mã số", "mã học sinh", "mã tham chiếu", "mã khách hàng", "payer ref", "reference", "ref"]),
    ("phone", &["điện thoại", "số điện thoại", "sđt", "phone"]),
    ("email", &["email", "e-mail", "thư điện tử"]),
    ("label", &["khoản thu", "nội dung", "khoản", "label", "item"]),
    ("amount", &["số tiền", "thành tiền", "amount"]),
    ("due_date", &["hạn nộp", "hạn", "due date", "due"]),
];

/// One row of an uploaded file, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRow {
    /// The row number in the file (1-based).
    pub line: i64,
    /// Payer's name.
    pub payer_name: String,
    /// Payer's reference.
    pub payer_ref: String,
    /// Phone.
    pub phone: String,
    /// E-mail.
    pub email: String,
    /// Fee label.
    pub label: String,
    /// Amount as written.
    pub amount: String,
    /// Due date as written.
    pub due_date: String,
}

fn header_key(s: &str) -> String {
    domain::text::search_key(s).chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

/// Which column holds each field, from a header row; `None` unless it names
/// the payer and the amount.
fn columns(cells: &[Cell]) -> Option<Vec<(&'static str, usize)>> {
    let names: Vec<String> = cells.iter().map(|c| header_key(&c.text())).collect();
    let found: Vec<(&'static str, usize)> = COLUMNS
        .iter()
        .filter_map(|(field, aliases)| {
            let keys: Vec<String> = aliases.iter().map(|a| header_key(a)).collect();
            names.iter().position(|n| !n.is_empty() && keys.contains(n)).map(|i| (*field, i))
        })
        .collect();
    let has = |f: &str| found.iter().any(|(k, _)| *k == f);
    (has("payer_name") && has("amount")).then_some(found)
}

/// Reads an uploaded file into rows: the header row (within the first
/// lines) must name the payer and the amount; empty rows are skipped;
/// `default_label` and `default_due` fill rows that leave them blank.
///
/// # Errors
/// A message for people when the file cannot be read, has no such header,
/// no rows or too many.
pub fn read_file(bytes: &[u8], default_label: &str, default_due: Option<NaiveDate>) -> Result<Vec<BatchRow>> {
    let rows = cells(bytes).map_err(Error::Invalid)?;
    let (at, cols) = rows
        .iter()
        .take(HEADER_SEARCH)
        .enumerate()
        .find_map(|(i, (_, c))| columns(c).map(|cols| (i, cols)))
        .ok_or_else(|| {
            Error::Invalid(
                "không tìm thấy dòng tiêu đề có cột \"Họ tên\" và \"Số tiền\" (no header row naming the payer and \
                 the amount)"
                    .into(),
            )
        })?;
    let mut out = Vec::new();
    for (line, c) in &rows[at + 1..] {
        let get = |field: &str| {
            cols.iter().find(|(k, _)| *k == field).and_then(|(_, i)| c.get(*i)).map(Cell::text).unwrap_or_default()
        };
        let row = BatchRow {
            line: i64::try_from(*line).unwrap_or(i64::MAX),
            payer_name: get("payer_name"),
            payer_ref: get("payer_ref"),
            phone: get("phone"),
            email: get("email"),
            label: Some(get("label")).filter(|l| !l.is_empty()).unwrap_or_else(|| default_label.trim().to_string()),
            amount: get("amount"),
            due_date: Some(get("due_date"))
                .filter(|d| !d.is_empty())
                .or_else(|| default_due.map(|d| d.format("%Y-%m-%d").to_string()))
                .unwrap_or_default(),
        };
        let blank = [&row.payer_name, &row.payer_ref, &row.phone, &row.email, &row.amount].iter().all(|s| s.is_empty());
        if !blank {
            out.push(row);
        }
    }
    if out.is_empty() {
        return Err(Error::Invalid("tệp không có dòng nào dưới dòng tiêu đề (no rows under the header)".into()));
    }
    if out.len() > MAX_ROWS {
        return Err(Error::Invalid(format!(
            "tệp có {} dòng, tối đa {MAX_ROWS} dòng mỗi lần (too many rows)",
            out.len()
        )));
    }
    Ok(out)
}

impl BatchRow {
    /// The bill this row asks for, or why it cannot be one.
    pub fn to_bill(&self, unit_id: i64, account_id: i64, kind: BillKind) -> std::result::Result<NewBill, String> {
        let amount = parse_amount(&self.amount)?;
        let label = if self.label.trim().is_empty() { kind_label(kind) } else { self.label.trim() };
        let line = FeeLine::new(label, amount, 1).map_err(|e| e.to_string())?;
        let due_date = match self.due_date.trim() {
            "" => None,
            d => Some(
                parse_local(d)
                    .map(|t| t.date())
                    .ok_or_else(|| format!("hạn nộp không hợp lệ {d:?}, cần dd/mm/yyyy (bad due date)"))?,
            ),
        };
        Ok(NewBill {
            unit_id,
            account_id: Some(account_id),
            kind,
            payer_name: self.payer_name.clone(),
            payer_ref: self.payer_ref.clone(),
            description: String::new(),
            lines: vec![line],
            due_date,
            dossier_code: None,
            payer_phone: Some(self.phone.clone()),
            payer_email: Some(self.email.clone()),
        })
    }
}

/// The default label of a kind's bills, when a row gives none.
fn kind_label(kind: BillKind) -> &'static str {
    match kind {
        BillKind::Fee => "Phí, lệ phí",
        BillKind::School => "Học phí",
        BillKind::Utility => "Tiền dịch vụ",
        BillKind::Stall => "Phí chợ",
    }
}

/// A row that did not become a bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// The row number in the file.
    pub row: i64,
    /// Why.
    pub reason: String,
}

/// A batch and its progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Batch {
    /// Id.
    pub id: i64,
    /// The unit that bills.
    pub unit_id: i64,
    /// The receiving account of its bills.
    pub account_id: i64,
    /// The bills' kind.
    pub kind: BillKind,
    /// The uploaded file's name.
    pub file_name: String,
    /// Rows in the file.
    pub total_rows: i64,
    /// Rows handled so far.
    pub next_row: i64,
    /// Bills created.
    pub created: i64,
    /// Rows refused.
    pub failed: i64,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    /// The first refused rows with their reasons.
    pub errors: Vec<RowError>,
    /// Who uploaded it.
    pub created_by: Option<i64>,
    /// Uploaded (UTC ms).
    pub created_at: i64,
    /// Last progress (UTC ms).
    pub updated_at: i64,
    /// Finished (UTC ms).
    pub finished_at: Option<i64>,
}

impl Batch {
    /// Whether every row has been handled.
    pub fn is_done(&self) -> bool {
        self.status == "done"
    }
}

#[derive(sqlx::FromRow)]
struct BatchDbRow {
    id: i64,
    unit_id: i64,
    account_id: i64,
    kind: String,
    file_name: String,
    total_rows: i64,
    next_row: i64,
    created_count: i64,
    failed_count: i64,
    status: String,
    errors: String,
    created_by: Option<i64>,
    created_at: i64,
    updated_at: i64,
    finished_at: Option<i64>,
}

impl TryFrom<BatchDbRow> for Batch {
    type Error = Error;
    fn try_from(r: BatchDbRow) -> Result<Batch> {
        let bad = || Error::Invalid(format!("đợt #{} lưu sai dữ liệu (corrupt batch)", r.id));
        Ok(Batch {
            kind: BillKind::parse(&r.kind).ok_or_else(bad)?,
            errors: serde_json::from_str(&r.errors).map_err(|_| bad())?,
            id: r.id,
            unit_id: r.unit_id,
            account_id: r.account_id,
            file_name: r.file_name,
            total_rows: r.total_rows,
            next_row: r.next_row,
            created: r.created_count,
            failed: r.failed_count,
            status: r.status,
            created_by: r.created_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
            finished_at: r.finished_at,
        })
    }
}

const COLS: &str = "id, unit_id, account_id, kind, file_name, total_rows, next_row, created_count, failed_count, \
                    status, errors, created_by, created_at, updated_at, finished_at";

/// What the cashier chose for an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBatch {
    /// The unit that bills.
    pub unit_id: i64,
    /// The receiving account (the unit's, active).
    pub account_id: i64,
    /// The bills' kind.
    pub kind: BillKind,
    /// The uploaded file's name.
    pub file_name: String,
}

/// Stores a batch with its rows and enqueues its job, in one transaction, audited.
pub async fn create(db: &Db, actor: &Actor, new: NewBatch, rows: &[BatchRow]) -> Result<Batch> {
    if rows.is_empty() || rows.len() > MAX_ROWS {
        return Err(Error::Invalid(format!("một đợt có từ 1 đến {MAX_ROWS} dòng (1 to {MAX_ROWS} rows)")));
    }
    let input = serde_json::to_string(rows).map_err(|e| Error::Invalid(e.to_string()))?;
    let file_name: String = new.file_name.trim().chars().take(200).collect();
    let now = now_ms();
    let total = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let id = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let ok: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM payment_accounts WHERE id = $1 AND unit_id = $2 AND active = TRUE")
            .bind(new.account_id).bind(new.unit_id).fetch_optional(&mut *tx).await?;
        if ok.is_none() {
            return Err(Error::Invalid(format!(
                "tài khoản #{} không phải tài khoản nhận tiền đang dùng của đơn vị (not an active account of this unit)",
                new.account_id)));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO bill_batches (unit_id, account_id, kind, file_name, total_rows, status, input, created_by,
                 created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7, $8, $8) RETURNING id")
            .bind(new.unit_id).bind(new.account_id).bind(new.kind.as_str()).bind(&file_name).bind(total)
            .bind(&input).bind(actor.user_id).bind(now)
            .fetch_one(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO jobs (kind, payload, status, attempts, max_attempts, run_at, created_at, dedupe_key)
             VALUES ($1, $2, 'queued', 0, 5, $3, $3, $4) ON CONFLICT (dedupe_key) DO NOTHING")
            .bind(BATCH_JOB)
            .bind(json!({"batch_id": id}).to_string())
            .bind(now)
            .bind(format!("{BATCH_JOB}:{id}"))
            .execute(&mut *tx).await?;
        let change = Change {
            unit_id: Some(new.unit_id),
            action: "payment.batch.create",
            object_type: "bill_batch",
            object_id: id.to_string(),
            before: None,
            after: Some(json!({"account_id": new.account_id, "kind": new.kind, "file_name": file_name, "rows": total})),
        };
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
        id
    });
    get(db, id).await
}

/// One batch.
pub async fn get(db: &Db, id: i64) -> Result<Batch> {
    on_pool!(db.reader(), p => sqlx::query_as::<_, BatchDbRow>(&format!("SELECT {COLS} FROM bill_batches WHERE id = $1"))
        .bind(id).fetch_optional(p).await?)
    .ok_or_else(|| Error::NotFound(format!("không có đợt lập phiếu #{id} (no such batch)")))?
    .try_into()
}

/// The batches of the units (every unit when `None`), newest first.
pub async fn list(db: &Db, units: Option<&[i64]>, limit: i64) -> Result<Vec<Batch>> {
    if units.is_some_and(<[i64]>::is_empty) {
        return Ok(Vec::new());
    }
    let scope = match units {
        None => String::new(),
        Some(u) => {
            format!("WHERE unit_id IN ({})", (1..=u.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", "))
        }
    };
    let sql = format!("SELECT {COLS} FROM bill_batches {scope} ORDER BY id DESC LIMIT {}", limit.clamp(1, 500));
    let units = units.unwrap_or_default();
    let rows = on_pool!(db.reader(), p => {
        let mut q = sqlx::query_as::<_, BatchDbRow>(&sql);
        for u in units {
            q = q.bind(*u);
        }
        q.fetch_all(p).await?
    });
    rows.into_iter().map(Batch::try_from).collect()
}

/// Runs the job of a `payment.batch` payload (`{"batch_id": N}`).
pub async fn run_job(db: &Db, payload: &str) -> Result<()> {
    #[derive(Deserialize)]
    struct Payload {
        batch_id: i64,
    }
    let p: Payload = serde_json::from_str(payload).map_err(|e| Error::Invalid(format!("bad batch payload: {e}")))?;
    run(db, p.batch_id).await
}

/// Creates the bills of batch `id` from where it stopped, a chunk per
/// transaction, until every row is handled. Idempotent: a finished batch is
/// left alone, and a chunk commits with the batch's progress.
pub async fn run(db: &Db, id: i64) -> Result<()> {
    let batch = get(db, id).await?;
    if batch.is_done() {
        return Ok(());
    }
    let input: String = on_pool!(db.reader(), p => sqlx::query_scalar("SELECT input FROM bill_batches WHERE id = $1")
        .bind(id).fetch_one(p).await?);
    let rows: Vec<BatchRow> =
        serde_json::from_str(&input).map_err(|e| Error::Invalid(format!("đợt #{id}: dữ liệu hỏng ({e})")))?;
    let codes = super::provider::load(db).await?.codes()?;
    let actor = match batch.created_by {
        Some(uid) => match crate::user::get(db, uid).await {
            Ok(u) => {
                Actor { user_id: Some(u.id), name: u.username, request_id: format!("batch-{id}"), ..Actor::default() }
            }
            Err(_) => Actor::system(),
        },
        None => Actor::system(),
    };
    let mut next = usize::try_from(batch.next_row).unwrap_or(0);
    while next < rows.len() {
        let end = (next + CHUNK).min(rows.len());
        chunk(db, &batch, &codes, &actor, &rows, next, end).await?;
        next = end;
    }
    if rows.is_empty() {
        chunk(db, &batch, &codes, &actor, &rows, 0, 0).await?;
    }
    Ok(())
}

/// Creates rows `from..to` and records the progress, in one transaction.
async fn chunk(
    db: &Db,
    batch: &Batch,
    codes: &PaymentCodes,
    actor: &Actor,
    rows: &[BatchRow],
    from: usize,
    to: usize,
) -> Result<()> {
    let now = now_ms();
    let done = to >= rows.len();
    on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let state: Option<(i64, String)> = sqlx::query_as(
            "SELECT next_row, errors FROM bill_batches WHERE id = $1")
            .bind(batch.id).fetch_optional(&mut *tx).await?;
        let (stored_next, errors) = state.ok_or_else(|| Error::NotFound(format!("no batch #{}", batch.id)))?;
        if usize::try_from(stored_next).unwrap_or(0) != from {
            // Another run got here first: leave its work alone.
            return Ok(());
        }
        let mut errors: Vec<RowError> = serde_json::from_str(&errors).unwrap_or_default();
        let account = sqlx::query_as::<_, Account>(&format!("SELECT {ACCOUNT_COLS} FROM payment_accounts WHERE id = $1"))
            .bind(batch.account_id).fetch_one(&mut *tx).await?;
        let (mut created, mut failed) = (0_i64, 0_i64);
        for row in &rows[from..to] {
            let bill = row.to_bill(batch.unit_id, batch.account_id, batch.kind).and_then(|b| b.validated());
            match bill {
                Ok((new, total)) => {
                    let batch_ref = Some(BatchRef { batch_id: batch.id, row: row.line });
                    let insert = BillInsert { account: &account, new: &new, total, codes, actor, batch: batch_ref, now };
                    tx.insert_bill(&insert).await?;
                    created += 1;
                }
                Err(reason) => {
                    failed += 1;
                    if errors.len() < MAX_ERRORS {
                        errors.push(RowError { row: row.line, reason });
                    }
                }
            }
        }
        let errors = serde_json::to_string(&errors).map_err(|e| Error::Invalid(e.to_string()))?;
        sqlx::query(
            "UPDATE bill_batches SET next_row = $1, created_count = created_count + $2, failed_count = failed_count + $3,
                 errors = $4, status = $5, updated_at = $6, finished_at = $7 WHERE id = $8")
            .bind(i64::try_from(to).unwrap_or(i64::MAX))
            .bind(created)
            .bind(failed)
            .bind(&errors)
            .bind(if done { "done" } else { "running" })
            .bind(now)
            .bind(done.then_some(now))
            .bind(batch.id)
            .execute(&mut *tx).await?;
        if done {
            let change = Change {
                unit_id: Some(batch.unit_id),
                action: "payment.batch.done",
                object_type: "bill_batch",
                object_id: batch.id.to_string(),
                before: None,
                after: Some(json!({"rows": rows.len()})),
            };
            audit_in_tx!(&mut *tx, actor, &change, now)?;
        }
        tx.commit().await?;
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_read_by_its_header_in_either_language() {
        let csv = "Danh sách thu học phí,,\nHọ tên,Mã học sinh,Số điện thoại,Số tiền,Hạn nộp\n\
                   Nguyễn Văn An,HS001,0901234567,1.250.000,30/09/2026\n,,,,\nTrần Thị Bình,HS002,,900000,\n";
        let rows = read_file(csv.as_bytes(), "Học phí HK1", None).unwrap();
        assert_eq!(rows.len(), 2, "the empty row is skipped");
        assert_eq!((rows[0].line, rows[0].payer_ref.as_str(), rows[0].label.as_str()), (3, "HS001", "Học phí HK1"));
        let bill = rows[0].to_bill(1, 2, BillKind::School).unwrap().validated().unwrap();
        assert_eq!(bill.1, 1_250_000);
        assert_eq!(bill.0.due_date, NaiveDate::from_ymd_opt(2026, 9, 30));
        assert_eq!(bill.0.payer_phone.as_deref(), Some("0901234567"));

        let english = "payer_name,amount,label\nAn,1000,Water\n";
        let rows = read_file(english.as_bytes(), "", None).unwrap();
        assert_eq!(rows[0].label, "Water");
        assert!(read_file(b"a,b\n1,2\n", "", None).is_err(), "no header");
        assert!(read_file("Họ tên,Số tiền\n".as_bytes(), "", None).is_err(), "no rows");
    }

    #[test]
    fn a_bad_row_says_why() {
        let row = BatchRow { line: 7, payer_name: "An".into(), amount: "12,5".into(), ..BatchRow::default() };
        assert!(row.to_bill(1, 1, BillKind::Fee).is_err());
        let row = BatchRow { amount: "1000".into(), phone: "123".into(), ..row };
        assert!(row.to_bill(1, 1, BillKind::Fee).unwrap().validated().unwrap_err().contains("điện thoại"));
        let row = BatchRow { phone: String::new(), due_date: "31/02/2026".into(), ..row };
        assert!(row.to_bill(1, 1, BillKind::Fee).unwrap_err().contains("hạn nộp"));
    }
}
