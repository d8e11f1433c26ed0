//! The procedure catalogue (danh mục thủ tục hành chính): storage, versions
//! and the "as of date D" queries.
//!
//! A row is one version of a procedure, identified nationally by its TTHC
//! code and valid over `[valid_from, valid_to]`. A new version closes the
//! open one the day before it starts, so on any day a code names at most one
//! version, and a dossier received then keeps the rules of that version.
//! Fee lines, document components and the step template are stored as JSON
//! text and decoded here into typed lists; the processing time, online level
//! and result type are the domain's types (see [`domain::dossier`]).

use chrono::NaiveDate;
use domain::dossier::{OnlineLevel, ResultType, TimeLimit, TimeUnit};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit::{Actor, Change};
use crate::{Db, Error, Result, audit_in_tx, now_ms, on_pool};

/// One fee line of a procedure (phí, lệ phí), in đồng.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeLine {
    /// What the fee is for ("Lệ phí", "Bản sao").
    pub label: String,
    /// The amount in đồng.
    pub amount: i64,
}

/// One component of the dossier a procedure requires (thành phần hồ sơ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentComponent {
    /// The document's name ("Tờ khai đăng ký khai sinh").
    pub name: String,
    /// Originals required.
    #[serde(default)]
    pub originals: u32,
    /// Copies required.
    #[serde(default)]
    pub copies: u32,
    /// Whether the dossier is incomplete without it.
    #[serde(default)]
    pub required: bool,
}

/// One step of a procedure's processing template: which department does it
/// and how much of the time limit it may use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepTemplate {
    /// The department (bộ phận) that performs the step.
    pub department: String,
    /// Its budget, in the procedure's time unit.
    pub budget: u32,
}

/// One stored version of a procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Procedure {
    /// Identity of this version (not the code).
    pub id: i64,
    /// National TTHC code ("1.001193").
    pub code: String,
    /// Version number, from 1 per code.
    pub version: i64,
    /// First valid day, `YYYY-MM-DD`.
    pub valid_from: String,
    /// Last valid day, `YYYY-MM-DD`; open while current.
    pub valid_to: Option<String>,
    /// Name ("Đăng ký khai sinh").
    pub name: String,
    /// Field (lĩnh vực): "Hộ tịch".
    pub field: String,
    /// Level that performs it ("Cấp xã").
    pub level: String,
    /// Competent agency.
    pub agency: String,
    /// Processing time.
    pub time: TimeLimit,
    /// Online service level.
    pub online_level: OnlineLevel,
    /// Kind of result.
    pub result_type: ResultType,
    /// Fee lines.
    pub fees: Vec<FeeLine>,
    /// Required document components.
    pub documents: Vec<DocumentComponent>,
    /// Step template.
    pub steps: Vec<StepTemplate>,
}

impl Procedure {
    /// The sum of the fee lines, in đồng.
    pub fn fee_total(&self) -> i64 {
        self.fees.iter().map(|f| f.amount).sum()
    }
}

/// A new version of a procedure: what [`create_version`] stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProcedure {
    /// National TTHC code.
    pub code: String,
    /// First valid day.
    pub valid_from: NaiveDate,
    /// Name.
    pub name: String,
    /// Field.
    pub field: String,
    /// Level.
    pub level: String,
    /// Competent agency.
    pub agency: String,
    /// Processing time.
    pub time: TimeLimit,
    /// Online service level.
    pub online_level: OnlineLevel,
    /// Kind of result.
    pub result_type: ResultType,
    /// Fee lines.
    pub fees: Vec<FeeLine>,
    /// Required document components.
    pub documents: Vec<DocumentComponent>,
    /// Step template.
    pub steps: Vec<StepTemplate>,
}

impl NewProcedure {
    /// Trims the text and checks the rules a catalogue entry must keep.
    pub fn validated(mut self) -> std::result::Result<NewProcedure, String> {
        for s in [&mut self.code, &mut self.name, &mut self.field, &mut self.level, &mut self.agency] {
            *s = s.trim().to_string();
        }
        if self.code.is_empty() || self.code.len() > 32 || self.code.chars().any(char::is_whitespace) {
            return Err(format!("mã thủ tục không hợp lệ {:?} (bad procedure code)", self.code));
        }
        if self.name.is_empty() {
            return Err("thiếu tên thủ tục (name is required)".into());
        }
        if self.time.unit() != TimeUnit::None && self.time.amount() == 0 {
            return Err("thời hạn giải quyết phải lớn hơn 0 (processing time must be positive)".into());
        }
        for f in &mut self.fees {
            f.label = f.label.trim().to_string();
            if f.label.is_empty() || f.amount < 0 {
                return Err(format!("dòng phí không hợp lệ {:?}: {} (bad fee line)", f.label, f.amount));
            }
        }
        if self.documents.iter().any(|d| d.name.trim().is_empty()) {
            return Err("thành phần hồ sơ thiếu tên (document component without a name)".into());
        }
        if self.steps.iter().any(|s| s.department.trim().is_empty()) {
            return Err("bước xử lý thiếu bộ phận (step without a department)".into());
        }
        let budget: u32 = self.steps.iter().map(|s| s.budget).sum();
        if self.time.unit() != TimeUnit::None && budget > self.time.amount() {
            return Err(format!(
                "tổng thời gian các bước {budget} vượt thời hạn {} (steps exceed the time limit)",
                self.time.label_vi()
            ));
        }
        Ok(self)
    }
}

/// A stored row, before its JSON and codes are decoded.
#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: i64,
    code: String,
    version: i64,
    valid_from: String,
    valid_to: Option<String>,
    name: String,
    field: String,
    level: String,
    agency: String,
    time_value: Option<i64>,
    time_unit: String,
    online_level: String,
    result_type: String,
    fees: String,
    documents: String,
    steps: String,
}

impl TryFrom<Row> for Procedure {
    type Error = Error;

    fn try_from(r: Row) -> Result<Procedure> {
        let bad = |what: &str| Error::Invalid(format!("thủ tục #{} lưu sai {what} (corrupt stored {what})", r.id));
        let unit = TimeUnit::parse(&r.time_unit).ok_or_else(|| bad("time_unit"))?;
        let amount = u32::try_from(r.time_value.unwrap_or(0)).map_err(|_| bad("time_value"))?;
        Ok(Procedure {
            time: TimeLimit::new(amount, unit),
            online_level: parse_online_level(&r.online_level).ok_or_else(|| bad("online_level"))?,
            result_type: parse_result_type(&r.result_type).ok_or_else(|| bad("result_type"))?,
            fees: serde_json::from_str(&r.fees).map_err(|_| bad("fees"))?,
            documents: serde_json::from_str(&r.documents).map_err(|_| bad("documents"))?,
            steps: serde_json::from_str(&r.steps).map_err(|_| bad("steps"))?,
            id: r.id,
            code: r.code,
            version: r.version,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            name: r.name,
            field: r.field,
            level: r.level,
            agency: r.agency,
        })
    }
}

fn rows(rows: Vec<Row>) -> Result<Vec<Procedure>> {
    rows.into_iter().map(Procedure::try_from).collect()
}

/// Parses a stored online level (`none`, `partial`, `full`).
pub fn parse_online_level(s: &str) -> Option<OnlineLevel> {
    [OnlineLevel::None, OnlineLevel::Partial, OnlineLevel::Full].into_iter().find(|l| l.as_str() == s)
}

/// Parses a stored result type (`paper`, `electronic`, `paper_and_electronic`).
pub fn parse_result_type(s: &str) -> Option<ResultType> {
    [ResultType::Paper, ResultType::Electronic, ResultType::PaperAndElectronic].into_iter().find(|t| t.as_str() == s)
}

const COLS: &str = "id, code, version, valid_from, valid_to, name, field, level, agency, time_value, time_unit, \
                    online_level, result_type, fees, documents, steps";

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The existing versions of a code, as `(id, version, valid_from, valid_to)`.
type Existing = Vec<(i64, i64, String, Option<String>)>;

/// What inserting `new` after the `existing` versions of its code does: the
/// version number it gets and the open version it closes (with its new last
/// day), or why it would overlap.
fn plan(new: &NewProcedure, existing: &Existing) -> Result<(i64, Option<(i64, String)>)> {
    let from = iso(new.valid_from);
    let day_before = iso(new.valid_from.pred_opt().unwrap_or(new.valid_from));
    let mut close = None;
    for (id, version, of, ot) in existing {
        let overlap = match ot {
            // A closed version must end before the new one starts.
            Some(to) => from.as_str() <= to.as_str(),
            // The open version is closed the day before, if it started earlier.
            None => {
                close = Some((*id, day_before.clone()));
                from.as_str() <= of.as_str()
            }
        };
        if overlap {
            return Err(Error::Conflict(format!(
                "thủ tục {} phiên bản {version} có hiệu lực từ {of} đến {}: trùng thời gian với phiên bản mới từ {from} \
                 (overlaps an existing version)",
                new.code,
                ot.as_deref().unwrap_or("nay")
            )));
        }
    }
    let version = existing.iter().map(|e| e.1).max().unwrap_or(0) + 1;
    Ok((version, close))
}

/// Inserts one version inside transaction `$tx`, closing the open one and
/// writing the audit row; evaluates to the new id. A macro because the
/// transaction's type differs per backend (see [`on_pool!`]).
macro_rules! insert_version {
    ($tx:expr, $actor:expr, $new:expr, $action:expr, $now:expr) => {{
        let new: &NewProcedure = $new;
        let existing: Existing =
            sqlx::query_as("SELECT id, version, valid_from, valid_to FROM procedures WHERE code = $1 ORDER BY version")
                .bind(&new.code)
                .fetch_all(&mut *$tx)
                .await?;
        let (version, close) = plan(new, &existing)?;
        if let Some((old_id, to)) = &close {
            sqlx::query("UPDATE procedures SET valid_to = $1 WHERE id = $2").bind(to).bind(*old_id).execute(&mut *$tx).await?;
        }
        let encode = |v: serde_json::Result<String>| v.map_err(|e| Error::Invalid(e.to_string()));
        let time_value = (new.time.unit() != TimeUnit::None).then(|| i64::from(new.time.amount()));
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO procedures (code, version, valid_from, valid_to, name, search_key, field, level, agency,
                 time_value, time_unit, online_level, result_type, fees, documents, steps, created_at)
             VALUES ($1, $2, $3, NULL, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
        )
        .bind(&new.code)
        .bind(version)
        .bind(iso(new.valid_from))
        .bind(&new.name)
        .bind(domain::text::search_key(&format!("{} {}", new.name, new.code)))
        .bind(&new.field)
        .bind(&new.level)
        .bind(&new.agency)
        .bind(time_value)
        .bind(new.time.unit().as_str())
        .bind(new.online_level.as_str())
        .bind(new.result_type.as_str())
        .bind(encode(serde_json::to_string(&new.fees))?)
        .bind(encode(serde_json::to_string(&new.documents))?)
        .bind(encode(serde_json::to_string(&new.steps))?)
        .bind($now)
        .fetch_one(&mut *$tx)
        .await?;
        let change = Change {
            unit_id: None,
            action: $action,
            object_type: "procedure",
            object_id: id.to_string(),
            before: close.as_ref().map(|(old, _)| json!({"closed_version_id": old, "valid_to": null})),
            after: Some(json!({"code": new.code, "version": version, "name": new.name, "valid_from": iso(new.valid_from),
                               "time": new.time, "fees": new.fees, "closed": close})),
        };
        audit_in_tx!(&mut *$tx, $actor, &change, $now)?;
        id
    }};
}

/// Stores a new version of a procedure, audited. The open version of the
/// same code ends the day before `valid_from`; a version that would overlap
/// one already stored (starting on or after `valid_from`, or closed after
/// it) is refused with [`Error::Conflict`].
pub async fn create_version(db: &Db, actor: &Actor, new: NewProcedure) -> Result<Procedure> {
    let new = new.validated().map_err(Error::Invalid)?;
    let now = now_ms();
    let id = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let id = insert_version!(tx, actor, &new, "procedure.create", now);
        tx.commit().await?;
        id
    });
    get(db, id).await
}

/// One version by id.
pub async fn get(db: &Db, id: i64) -> Result<Procedure> {
    let row =
        on_pool!(db.reader(), p => sqlx::query_as::<_, Row>(&format!("SELECT {COLS} FROM procedures WHERE id = $1"))
        .bind(id)
        .fetch_optional(p)
        .await?)
        .ok_or_else(|| Error::NotFound(format!("không có thủ tục #{id} (no such procedure)")))?;
    row.try_into()
}

/// The version of a code valid on `on`.
pub async fn current(db: &Db, code: &str, on: NaiveDate) -> Result<Option<Procedure>> {
    let row = on_pool!(db.reader(), p => sqlx::query_as::<_, Row>(&format!(
        "SELECT {COLS} FROM procedures WHERE code = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to >= $2)"))
        .bind(code.trim())
        .bind(iso(on))
        .fetch_optional(p)
        .await?);
    row.map(Procedure::try_from).transpose()
}

/// Every version of a code, oldest first.
pub async fn versions(db: &Db, code: &str) -> Result<Vec<Procedure>> {
    rows(on_pool!(db.reader(), p => sqlx::query_as::<_, Row>(&format!(
        "SELECT {COLS} FROM procedures WHERE code = $1 ORDER BY version"))
        .bind(code.trim())
        .fetch_all(p)
        .await?))
}

/// Procedures valid on `on` whose name or code contains `q`, ignoring
/// diacritics and case ("khai sinh" finds "Đăng ký khai sinh"); an empty
/// `q` lists the whole catalogue of that day. Ordered by code.
pub async fn search(db: &Db, q: &str, on: NaiveDate, limit: i64) -> Result<Vec<Procedure>> {
    let key = format!("%{}%", domain::text::search_key(q).replace(['%', '_'], ""));
    rows(on_pool!(db.reader(), p => sqlx::query_as::<_, Row>(&format!(
        "SELECT {COLS} FROM procedures WHERE search_key LIKE $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to >= $2)
         ORDER BY code LIMIT $3"))
        .bind(key)
        .bind(iso(on))
        .bind(limit.clamp(1, 5000))
        .fetch_all(p)
        .await?))
}

/// One row of a catalogue CSV import.
#[derive(Debug, Clone, Deserialize)]
struct CsvRow {
    code: String,
    name: String,
    field: String,
    level: String,
    agency: String,
    #[serde(default)]
    time_value: String,
    time_unit: String,
    online_level: String,
    result_type: String,
    #[serde(default)]
    fees: String,
    valid_from: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// Versions created.
    pub created: usize,
}

/// Parses fee lines written `label:amount;label:amount` ("Lệ phí:50000;Bản
/// sao:5000"); dots and commas grouping thousands are ignored.
pub fn parse_fees(s: &str) -> std::result::Result<Vec<FeeLine>, String> {
    s.split(';')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let bad = || format!("dòng phí không hợp lệ {line:?}: dùng nhãn:số tiền (bad fee line)");
            let (label, amount) = line.rsplit_once(':').ok_or_else(bad)?;
            let digits: String = amount.trim().chars().filter(|c| !matches!(c, '.' | ',')).collect();
            let amount = digits.parse::<i64>().map_err(|_| bad())?;
            Ok(FeeLine { label: label.trim().to_string(), amount })
        })
        .collect()
}

impl CsvRow {
    fn parse(self) -> std::result::Result<NewProcedure, String> {
        let unit = TimeUnit::parse(&self.time_unit)
            .ok_or_else(|| format!("đơn vị thời gian không hợp lệ {:?} (bad time_unit)", self.time_unit))?;
        let amount = match self.time_value.as_str() {
            "" => 0,
            v => v.parse::<u32>().map_err(|_| format!("thời hạn không hợp lệ {v:?} (bad time_value)"))?,
        };
        NewProcedure {
            time: TimeLimit::new(amount, unit),
            online_level: parse_online_level(&self.online_level)
                .ok_or_else(|| format!("mức độ trực tuyến không hợp lệ {:?} (bad online_level)", self.online_level))?,
            result_type: parse_result_type(&self.result_type)
                .ok_or_else(|| format!("loại kết quả không hợp lệ {:?} (bad result_type)", self.result_type))?,
            fees: parse_fees(&self.fees)?,
            valid_from: domain::time::parse_date(&self.valid_from)
                .ok_or_else(|| format!("ngày hiệu lực không hợp lệ {:?} (bad valid_from)", self.valid_from))?,
            code: self.code,
            name: self.name,
            field: self.field,
            level: self.level,
            agency: self.agency,
            documents: Vec::new(),
            steps: Vec::new(),
        }
        .validated()
    }
}

/// Imports catalogue versions from CSV with the header
/// `code,name,field,level,agency,time_value,time_unit,online_level,result_type,fees,valid_from`.
///
/// Each row is a new version of its code, as by [`create_version`] (rows of
/// one code go oldest first). The file is imported whole or not at all: the
/// first bad row aborts it with its line number ("dòng 3: …").
pub async fn import_csv(db: &Db, actor: &Actor, data: &[u8]) -> Result<ImportReport> {
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(data);
    let mut news = Vec::new();
    for (i, rec) in rdr.deserialize::<CsvRow>().enumerate() {
        let line = i + 2;
        let new = rec.map_err(|e| e.to_string()).and_then(CsvRow::parse);
        news.push((line, new.map_err(|e| Error::Invalid(format!("dòng {line}: {e} (line {line})")))?));
    }
    let now = now_ms();
    let created = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        for (line, new) in &news {
            let at = |e: Error| match e {
                Error::Conflict(m) | Error::Invalid(m) => Error::Invalid(format!("dòng {line}: {m}")),
                other => other,
            };
            let step: Result<i64> = async { Ok(insert_version!(tx, actor, new, "procedure.import", now)) }.await;
            step.map_err(at)?;
        }
        tx.commit().await?;
        news.len()
    });
    Ok(ImportReport { created })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(from: &str) -> NewProcedure {
        NewProcedure {
            code: "1.001193".into(),
            valid_from: domain::time::parse_date(from).unwrap(),
            name: "Đăng ký khai sinh".into(),
            field: "Hộ tịch".into(),
            level: "Cấp xã".into(),
            agency: "UBND cấp xã".into(),
            time: TimeLimit::WorkingDays(1),
            online_level: OnlineLevel::Full,
            result_type: ResultType::PaperAndElectronic,
            fees: vec![],
            documents: vec![],
            steps: vec![],
        }
    }

    #[test]
    fn a_new_version_closes_the_open_one_and_refuses_overlaps() {
        let open: Existing = vec![(7, 1, "2024-01-01".into(), None)];
        assert_eq!(plan(&new("2025-07-01"), &open).unwrap(), (2, Some((7, "2025-06-30".into()))));
        assert!(plan(&new("2024-01-01"), &open).is_err(), "same start day");
        let closed: Existing = vec![(7, 1, "2024-01-01".into(), Some("2025-12-31".into()))];
        assert!(plan(&new("2025-07-01"), &closed).is_err(), "inside a closed version");
        assert_eq!(plan(&new("2026-01-01"), &closed).unwrap(), (2, None));
        assert_eq!(plan(&new("2026-01-01"), &vec![]).unwrap(), (1, None));
    }

    #[test]
    fn fee_lines_parse_and_validate() {
        let fees = parse_fees("Lệ phí:50.000; Bản sao:5000").unwrap();
        assert_eq!(
            fees,
            [FeeLine { label: "Lệ phí".into(), amount: 50_000 }, FeeLine { label: "Bản sao".into(), amount: 5000 }]
        );
        assert!(parse_fees("Lệ phí 50000").is_err());
        assert!(parse_fees("").unwrap().is_empty());
        let mut n = new("2025-07-01");
        n.time = TimeLimit::WorkingDays(0);
        assert!(n.validated().is_err());
        let mut n = new("2025-07-01");
        n.steps = vec![StepTemplate { department: "Tư pháp".into(), budget: 2 }];
        assert!(n.validated().is_err(), "steps over the limit");
    }
}
