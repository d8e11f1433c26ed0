//! Importing historical dossiers (from another system) so that they count in
//! the reports: CSV with a header row, or JSON lines.
//!
//! Fields (CSV header names, JSON keys): `code` (the dossier code
//! `<agency>-<yyMMdd>-<NNNN>`, the import's identity), `unit` (unit code, as
//! of the day of receipt), `procedure` (TTHC code; the version valid on the
//! day of receipt), `applicant_name`, `channel` (1–3), `status` (1–10),
//! `received_at`, `due_at` (optional: computed from the procedure's time
//! limit when empty), `supplements` (stop-the-clock intervals
//! `from/to;from/to`, the last one open `from/` for a dossier waiting on a
//! supplement), `finished_at` (processing finished; for a refused,
//! withdrawn or stopped dossier, status 3, 7 or 8, when it ended) and
//! `returned_at`. Instants are RFC 3339 with an offset
//! (`2024-03-01T08:00+07:00`, seconds optional) or local UTC+7 wall-clock
//! `2024-03-01 08:00`.
//!
//! Every row is validated first; bad rows are reported with their line
//! number and reason. With any bad row nothing is imported unless
//! `skip_invalid`, which imports the valid rows. A dossier whose code is
//! already stored is left as it is (counted as already present), so an
//! import can be run again. The import is one transaction with one
//! `import` event per dossier and one audit row; the verdict, supplement
//! count and paused working time are derived as the workflow derives them.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use domain::dossier::timeliness::{late_by_supplements, timeliness};
use domain::dossier::{DossierCode, Granularity, Pause, PauseReason, Status, Timeliness};
use serde::Serialize;
use serde_json::{Value, json};

use super::deadlines;
use crate::audit::{Actor, Change};
use crate::procedure::Procedure;
use crate::{Db, Error, Result, audit_in_tx, on_pool};

/// The fields of one input row, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawRow {
    /// The line it came from (1-based; the header is line 1 in CSV).
    pub line: usize,
    /// `(field, value)` pairs.
    pub fields: Vec<(String, String)>,
}

impl RawRow {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }
}

/// A row that cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadRow {
    /// Its line.
    pub line: usize,
    /// Why (Vietnamese, English in parentheses).
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ImportOutcome {
    /// Dossiers stored.
    pub imported: usize,
    /// Valid rows whose code was already stored (left unchanged).
    pub already_present: usize,
    /// Rows refused.
    pub bad: Vec<BadRow>,
}

/// Splits the input into rows: JSON lines when the first non-blank
/// character is `{`, else CSV with a header.
pub fn parse(data: &[u8]) -> std::result::Result<Vec<RawRow>, BadRow> {
    let text = std::str::from_utf8(data)
        .map_err(|_| BadRow { line: 0, reason: "tệp không phải UTF-8 (not UTF-8)".into() })?;
    let text = text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with('{') { Ok(parse_jsonl(text)) } else { parse_csv(text) }
}

fn parse_jsonl(text: &str) -> Vec<RawRow> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let fields = match serde_json::from_str::<Value>(l) {
                Ok(Value::Object(m)) => m
                    .into_iter()
                    .map(|(k, v)| {
                        let s = match v {
                            Value::String(s) => s,
                            Value::Null => String::new(),
                            other => other.to_string(),
                        };
                        (k, s)
                    })
                    .collect(),
                _ => vec![("__invalid".to_string(), "dòng không phải đối tượng JSON (not a JSON object)".to_string())],
            };
            RawRow { line: i + 1, fields }
        })
        .collect()
}

fn parse_csv(text: &str) -> std::result::Result<Vec<RawRow>, BadRow> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| BadRow { line: 1, reason: format!("không đọc được dòng tiêu đề (bad header): {e}") })?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let mut out = Vec::new();
    for rec in rdr.records() {
        let (line, fields) = match rec {
            Ok(r) => {
                let line = r.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                (line, headers.iter().cloned().zip(r.iter().map(str::to_string)).collect())
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                (line, vec![("__invalid".to_string(), format!("dòng CSV hỏng (bad CSV row): {e}"))])
            }
        };
        out.push(RawRow { line, fields });
    }
    Ok(out)
}

/// Parses an instant: RFC 3339 (seconds optional) or local `YYYY-MM-DD HH:MM[:SS]`.
pub fn parse_instant(s: &str) -> Option<i64> {
    let s = s.trim();
    for f in ["%Y-%m-%dT%H:%M:%S%:z", "%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%M:%S%.f%:z"] {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return Some(t.timestamp_millis());
        }
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp_millis());
    }
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .map(domain::time::local_to_utc_ms)
}

/// A validated row, ready to store.
#[derive(Debug, Clone)]
struct Valid {
    line: usize,
    code: String,
    unit_id: i64,
    agency: String,
    procedure: Procedure,
    name: String,
    channel: i32,
    status: i32,
    received_at: i64,
    due_at: Option<i64>,
    finished_at: Option<i64>,
    returned_at: Option<i64>,
    ended_at: Option<i64>,
    supplements: i32,
    paused_minutes: i64,
    timeliness: Option<&'static str>,
}

fn bad(reason: impl Into<String>) -> String {
    reason.into()
}

fn instant(row: &RawRow, field: &str) -> std::result::Result<Option<i64>, String> {
    match row.get(field) {
        None => Ok(None),
        Some(s) => parse_instant(s).map(Some).ok_or_else(|| bad(format!("{field} không hợp lệ: {s:?} (bad instant)"))),
    }
}

fn local_day(ms: i64) -> NaiveDate {
    domain::time::local_date(domain::time::from_millis(ms))
}

/// The supplement intervals of a row: requests, paused working minutes, open since, closed pauses.
type Supplements = (i32, i64, Option<i64>, Vec<Pause>);

/// Parses `from/to;from/to` (the last may be open).
fn supplements(s: Option<&str>, received: i64) -> std::result::Result<Supplements, String> {
    let Some(s) = s else { return Ok((0, 0, None, Vec::new())) };
    let mut closed = Vec::new();
    let parts: Vec<&str> = s.split(';').map(str::trim).filter(|p| !p.is_empty()).collect();
    let (mut minutes, mut open) = (0, None);
    for (i, part) in parts.iter().enumerate() {
        let (from, to) =
            part.split_once('/').ok_or_else(|| bad(format!("khoảng bổ sung {part:?} thiếu '/' (bad interval)")))?;
        let from =
            parse_instant(from).ok_or_else(|| bad(format!("khoảng bổ sung {part:?} không hợp lệ (bad interval)")))?;
        if from < received {
            return Err(bad(format!("khoảng bổ sung {part:?} trước ngày tiếp nhận (before receipt)")));
        }
        if to.trim().is_empty() {
            if i + 1 != parts.len() {
                return Err(bad("chỉ khoảng bổ sung cuối cùng được để mở (only the last interval may be open)"));
            }
            open = Some(from);
            continue;
        }
        let to =
            parse_instant(to).ok_or_else(|| bad(format!("khoảng bổ sung {part:?} không hợp lệ (bad interval)")))?;
        if to <= from {
            return Err(bad(format!("khoảng bổ sung {part:?} kết thúc trước khi bắt đầu (ends before it starts)")));
        }
        minutes += super::pause::paused_minutes(from, to, "supplement");
        closed.push(Pause::new(from, to, PauseReason::Supplement).map_err(|e| e.to_string())?);
    }
    Ok((i32::try_from(parts.len()).unwrap_or(i32::MAX), minutes, open, closed))
}

/// Checks one row against the rules and the database (units, catalogue).
async fn validate(db: &Db, row: &RawRow) -> std::result::Result<Valid, String> {
    if let Some(why) = row.get("__invalid") {
        return Err(why.to_string());
    }
    let code = row.get("code").ok_or_else(|| bad("thiếu mã hồ sơ (code is required)"))?;
    let parsed: DossierCode = code.parse().map_err(|e| bad(format!("mã hồ sơ {code:?}: {e}")))?;
    let name = row.get("applicant_name").ok_or_else(|| bad("thiếu họ tên người nộp (applicant_name is required)"))?;
    let channel: i32 = match row.get("channel").and_then(|c| c.parse().ok()) {
        Some(c @ 1..=3) => c,
        _ => return Err(bad("kênh phải là 1, 2 hoặc 3 (channel must be 1, 2 or 3)")),
    };
    let status = row
        .get("status")
        .and_then(|s| s.parse::<u8>().ok())
        .and_then(Status::from_code)
        .ok_or_else(|| bad("trạng thái phải từ 1 đến 10 (status must be 1–10)"))?;
    let received =
        instant(row, "received_at")?.ok_or_else(|| bad("thiếu thời điểm tiếp nhận (received_at is required)"))?;
    let day = local_day(received);
    let unit_code = row.get("unit").ok_or_else(|| bad("thiếu mã đơn vị (unit is required)"))?;
    let unit = crate::unit::by_code(db, unit_code, day)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| bad(format!("không có đơn vị mã {unit_code} vào ngày {day} (no such unit on that day)")))?;
    let pcode = row.get("procedure").ok_or_else(|| bad("thiếu mã thủ tục (procedure is required)"))?;
    let procedure = crate::procedure::current(db, pcode, day).await.map_err(|e| e.to_string())?.ok_or_else(|| {
        bad(format!("không có thủ tục mã {pcode} hiệu lực ngày {day} (no such procedure on that day)"))
    })?;
    let (count, paused, open, closed) = supplements(row.get("supplements"), received)?;
    // A given due date is the one in force; a computed one moves by the closed pauses.
    let due = match instant(row, "due_at")? {
        Some(d) => Some(d),
        None => deadlines()
            .due(received, procedure.time)
            .map(|d| closed.iter().fold(d, |due, p| deadlines().shift(due, p, procedure.time.unit()))),
    };
    if due.is_some_and(|d| d < received) {
        return Err(bad("hạn trả trước thời điểm tiếp nhận (due_at before received_at)"));
    }
    let finished = instant(row, "finished_at")?;
    let returned = instant(row, "returned_at")?;
    if finished.is_some_and(|f| f < received) || returned.is_some_and(|r| r < received) {
        return Err(bad("thời điểm kết thúc trước thời điểm tiếp nhận (finished before received)"));
    }
    if let (Some(f), Some(r)) = (finished, returned)
        && r < f
    {
        return Err(bad("trả kết quả trước khi xử lý xong (returned_at before finished_at)"));
    }
    let ended = matches!(status, Status::NotAccepted | Status::Withdrawn | Status::Stopped);
    let done = matches!(status, Status::Finished | Status::Returned);
    if (done || ended) && finished.is_none() {
        return Err(bad(format!(
            "trạng thái {} cần finished_at (status {} needs finished_at)",
            status.code(),
            status.code()
        )));
    }
    if status == Status::Returned && returned.is_none() {
        return Err(bad("trạng thái 10 cần returned_at (status 10 needs returned_at)"));
    }
    if !done && !ended && (finished.is_some() || returned.is_some()) {
        return Err(bad("hồ sơ chưa xong không được có finished_at (an unfinished dossier has no finished_at)"));
    }
    if (open.is_some()) != (status == Status::SupplementRequested) {
        return Err(bad(
            "chỉ hồ sơ trạng thái 5 có khoảng bổ sung đang mở (an open interval needs status 5, and status 5 one)",
        ));
    }
    let verdict = done.then(|| {
        let f = finished.unwrap_or(received);
        let t = if late_by_supplements(u32::try_from(count).unwrap_or(0)) {
            Timeliness::Late
        } else {
            due.map_or(Timeliness::OnTime, |d| timeliness(Some(f), d, i64::MAX, Granularity::Date))
        };
        match t {
            Timeliness::Early => "early",
            Timeliness::Late | Timeliness::Overdue => "late",
            _ => "on_time",
        }
    });
    Ok(Valid {
        line: row.line,
        code: parsed.to_string(),
        unit_id: unit.id,
        agency: parsed.agency().as_str().to_string(),
        procedure,
        name: name.to_string(),
        channel,
        status: i32::from(status.code()),
        received_at: received,
        // A dossier waiting on a supplement keeps its last change at the request (766's finish).
        due_at: due,
        finished_at: if done { finished } else { None },
        returned_at: if done { returned } else { None },
        ended_at: if ended { finished } else { open },
        supplements: count,
        paused_minutes: paused,
        timeliness: verdict,
    })
}

/// Validates every row, then imports the valid ones if there is no bad row
/// or `skip_invalid`. Rows with a code already stored, or repeated in the
/// file, are left out.
///
/// # Errors
/// [`Error::Invalid`] when the file cannot be read as CSV or JSON lines.
pub async fn import(db: &Db, actor: &Actor, data: &[u8], skip_invalid: bool, at: i64) -> Result<ImportOutcome> {
    let rows = parse(data).map_err(|b| Error::Invalid(format!("dòng {}: {}", b.line, b.reason)))?;
    let mut out = ImportOutcome::default();
    let mut valid: Vec<Valid> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in &rows {
        match validate(db, row).await {
            Ok(v) if !seen.insert(v.code.clone()) => out
                .bad
                .push(BadRow {
                    line: row.line, reason: format!("mã {} lặp lại trong tệp (duplicate code)", v.code)
                }),
            Ok(v) => valid.push(v),
            Err(reason) => out.bad.push(BadRow { line: row.line, reason }),
        }
    }
    if !out.bad.is_empty() && !skip_invalid {
        return Ok(out);
    }
    let (imported, present) = store(db, actor, &valid, at).await?;
    out.imported = imported;
    out.already_present = present;
    Ok(out)
}

/// Stores the rows in one transaction: (imported, already present).
async fn store(db: &Db, actor: &Actor, rows: &[Valid], at: i64) -> Result<(usize, usize)> {
    let mut imported = 0;
    on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        for v in rows {
            // A waiting dossier's open pause (from `ended_at` above) is its last change.
            let waiting_since = if v.status == 5 { v.ended_at } else { None };
            let ended_at = if v.status == 5 { None } else { v.ended_at };
            let updated = [v.returned_at, v.finished_at, ended_at, waiting_since].into_iter().flatten().max().unwrap_or(v.received_at);
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO dossiers (code, unit_id, agency, procedure_id, procedure_code, procedure_version, channel,
                     status, applicant_name, received_at, due_at, finished_at, returned_at, created_at, field, time_unit,
                     time_amount, result_type, original_due_at, due_without_extension_at, supplement_count,
                     paused_minutes, timeliness, ended_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $11, $11,
                     $19, $20, $21, $22, $23)
                 ON CONFLICT (code) DO NOTHING RETURNING id")
                .bind(&v.code).bind(v.unit_id).bind(&v.agency).bind(v.procedure.id).bind(&v.procedure.code)
                .bind(v.procedure.version).bind(v.channel).bind(v.status).bind(&v.name).bind(v.received_at)
                .bind(v.due_at).bind(v.finished_at).bind(v.returned_at).bind(at).bind(&v.procedure.field)
                .bind(v.procedure.time.unit().as_str()).bind(i64::from(v.procedure.time.amount()))
                .bind(v.procedure.result_type.as_str()).bind(v.supplements).bind(v.paused_minutes).bind(v.timeliness)
                .bind(ended_at).bind(updated)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(id) = id else { continue };
            imported += 1;
            sqlx::query(
                "INSERT INTO dossier_events (dossier_id, at, action, from_status, to_status, actor_id, note)
                 VALUES ($1, $2, 'import', NULL, $3, $4, $5)")
                .bind(id).bind(at).bind(v.status).bind(actor.user_id).bind(format!("line {}", v.line))
                .execute(&mut *tx)
                .await?;
        }
        let change = Change {
            unit_id: None,
            action: "dossier.import",
            object_type: "dossier",
            object_id: format!("{imported}"),
            before: None,
            after: Some(json!({"imported": imported, "rows": rows.len()})),
        };
        audit_in_tx!(&mut *tx, actor, &change, at)?;
        tx.commit().await?;
    });
    Ok((imported, rows.len() - imported))
}
