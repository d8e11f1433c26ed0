//! Administrative units, versioned: storage and the "as of date D" queries.
//!
//! A row is one version of a unit, valid over `[valid_from, valid_to]`.
//! Codes are unique only within their validity interval (a successor may
//! reuse a predecessor's code), so every lookup by code takes a date.
//! Successor links record what became of a unit; authorization follows them
//! (see [`covering_units`]), so the officers of a new commune reach the
//! records of the communes it replaced.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::unit::{NewUnit, UnitKind, display_name};
use serde::Serialize;
use serde_json::json;

use crate::audit::{Actor, Change};
use crate::{Db, Error, Result, audit_in_tx, now_ms, on_pool};

/// One stored version of a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Unit {
    /// Identity of this version (not the code).
    pub id: i64,
    /// GSO or local code.
    pub code: String,
    /// Name without the kind prefix.
    pub name: String,
    /// Kind, as stored (see [`UnitKind::as_str`]).
    pub kind: String,
    /// Parent version.
    pub parent_id: Option<i64>,
    /// First valid day, `YYYY-MM-DD`.
    pub valid_from: String,
    /// Last valid day, `YYYY-MM-DD`.
    pub valid_to: Option<String>,
    /// Legal basis or note.
    pub note: String,
}

impl Unit {
    /// The kind, typed.
    pub fn kind(&self) -> Option<UnitKind> {
        UnitKind::parse(&self.kind)
    }

    /// The full name with the kind's label ("Xã Tân Hòa").
    pub fn full_name(&self) -> String {
        match self.kind() {
            Some(k) => display_name(k, &self.name),
            None => self.name.clone(),
        }
    }

    /// Whether this version is valid on `d`.
    pub fn valid_on(&self, d: NaiveDate) -> bool {
        let iso = iso(d);
        self.valid_from <= iso && self.valid_to.as_deref().is_none_or(|t| iso.as_str() <= t)
    }
}

const COLS: &str = "id, code, name, kind, parent_id, valid_from, valid_to, note";

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Creates one unit version under `parent_id`, audited. Refuses a code that
/// is already used by another version over an overlapping interval.
pub async fn create(
    db: &Db,
    actor: &Actor,
    new: NewUnit,
    parent_id: Option<i64>,
    predecessors: &[i64],
) -> Result<Unit> {
    let new = new.validated().map_err(|e| Error::Invalid(e.to_string()))?;
    let now = now_ms();
    let unit = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let others: Vec<(String, Option<String>)> =
            sqlx::query_as("SELECT valid_from, valid_to FROM units WHERE code = $1")
                .bind(&new.code)
                .fetch_all(&mut *tx)
                .await?;
        check_overlap(&new, &others)?;
        if let Some(pid) = parent_id {
            let ok: Option<i64> = sqlx::query_scalar("SELECT id FROM units WHERE id = $1").bind(pid).fetch_optional(&mut *tx).await?;
            if ok.is_none() {
                return Err(Error::NotFound(format!("không có đơn vị cha #{pid} (no such parent unit)")));
            }
        }
        let unit = sqlx::query_as::<_, Unit>(&format!(
            "INSERT INTO units (code, name, kind, parent_id, valid_from, valid_to, note, search_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLS}"))
            .bind(&new.code)
            .bind(&new.name)
            .bind(new.kind.as_str())
            .bind(parent_id)
            .bind(iso(new.valid_from))
            .bind(new.valid_to.map(iso))
            .bind(&new.note)
            .bind(domain::text::search_key(&format!("{} {}", display_name(new.kind, &new.name), new.code)))
            .fetch_one(&mut *tx)
            .await?;
        for pred in predecessors {
            sqlx::query("INSERT INTO unit_successors (unit_id, successor_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(*pred)
                .bind(unit.id)
                .execute(&mut *tx)
                .await?;
        }
        let change = Change {
            unit_id: Some(unit.id),
            action: "unit.create",
            object_type: "unit",
            object_id: unit.id.to_string(),
            before: None,
            after: Some(json!({"code": unit.code, "name": unit.name, "kind": unit.kind, "parent_id": unit.parent_id,
                               "valid_from": unit.valid_from, "valid_to": unit.valid_to, "predecessors": predecessors})),
        };
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
        unit
    });
    Ok(unit)
}

fn check_overlap(new: &NewUnit, others: &[(String, Option<String>)]) -> Result<()> {
    let from = iso(new.valid_from);
    let to = new.valid_to.map(iso);
    for (of, ot) in others {
        // Intervals [a, b] and [c, d] overlap when a <= d and c <= b (open ends are +inf).
        let a_le_d = ot.as_deref().is_none_or(|d| from.as_str() <= d);
        let c_le_b = to.as_deref().is_none_or(|b| of.as_str() <= b);
        if a_le_d && c_le_b {
            return Err(Error::Conflict(format!(
                "mã {} đã được dùng từ {} đến {} (code already used over an overlapping period)",
                new.code,
                of,
                ot.as_deref().unwrap_or("nay")
            )));
        }
    }
    Ok(())
}

/// Ends a unit's validity on `valid_to` and links its successors, audited.
pub async fn retire(db: &Db, actor: &Actor, id: i64, valid_to: NaiveDate, successors: &[i64]) -> Result<Unit> {
    let before = get(db, id).await?;
    if iso(valid_to) < before.valid_from {
        return Err(Error::Invalid("ngày hết hiệu lực trước ngày hiệu lực (valid_to before valid_from)".into()));
    }
    let now = now_ms();
    let unit = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let unit = sqlx::query_as::<_, Unit>(&format!("UPDATE units SET valid_to = $1 WHERE id = $2 RETURNING {COLS}"))
            .bind(iso(valid_to))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        for s in successors {
            sqlx::query("INSERT INTO unit_successors (unit_id, successor_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(*s)
                .execute(&mut *tx)
                .await?;
        }
        let change = Change {
            unit_id: Some(id),
            action: "unit.retire",
            object_type: "unit",
            object_id: id.to_string(),
            before: Some(json!({"valid_to": before.valid_to})),
            after: Some(json!({"valid_to": unit.valid_to, "successors": successors})),
        };
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
        unit
    });
    Ok(unit)
}

/// One unit version by id.
pub async fn get(db: &Db, id: i64) -> Result<Unit> {
    on_pool!(db.reader(), p => sqlx::query_as::<_, Unit>(&format!("SELECT {COLS} FROM units WHERE id = $1"))
        .bind(id)
        .fetch_optional(p)
        .await?)
    .ok_or_else(|| Error::NotFound(format!("không có đơn vị #{id} (no such unit)")))
}

/// The unit a code meant on date `d`.
pub async fn by_code(db: &Db, code: &str, d: NaiveDate) -> Result<Option<Unit>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Unit>(&format!(
        "SELECT {COLS} FROM units WHERE code = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to >= $2)"))
        .bind(code.trim())
        .bind(iso(d))
        .fetch_optional(p)
        .await?))
}

/// Every version that ever carried a code, oldest first.
pub async fn versions_of_code(db: &Db, code: &str) -> Result<Vec<Unit>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Unit>(&format!(
        "SELECT {COLS} FROM units WHERE code = $1 ORDER BY valid_from"))
        .bind(code.trim())
        .fetch_all(p)
        .await?))
}

/// Every unit valid on `d`, ordered by code: the tree as of that day.
pub async fn valid_on(db: &Db, d: NaiveDate) -> Result<Vec<Unit>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Unit>(&format!(
        "SELECT {COLS} FROM units WHERE valid_from <= $1 AND (valid_to IS NULL OR valid_to >= $1) ORDER BY code"))
        .bind(iso(d))
        .fetch_all(p)
        .await?))
}

/// The ancestors of a unit, nearest first (not including the unit).
pub async fn ancestors(db: &Db, id: i64) -> Result<Vec<Unit>> {
    let rows = on_pool!(db.reader(), p => sqlx::query_as::<_, Unit>(&format!(
        "WITH RECURSIVE up(uid, depth) AS (
             SELECT parent_id, 1 FROM units WHERE id = $1 AND parent_id IS NOT NULL
             UNION ALL
             SELECT u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.uid
             WHERE u.parent_id IS NOT NULL AND up.depth < 32)
         SELECT {} FROM up JOIN units u ON u.id = up.uid ORDER BY up.depth", prefixed("u")))
        .bind(id)
        .fetch_all(p)
        .await?);
    Ok(rows)
}

/// The descendants of a unit valid on `d` (not including the unit).
pub async fn descendants(db: &Db, id: i64, d: NaiveDate) -> Result<Vec<Unit>> {
    let rows = on_pool!(db.reader(), p => sqlx::query_as::<_, Unit>(&format!(
        "WITH RECURSIVE down(uid, depth) AS (
             SELECT id, 1 FROM units WHERE parent_id = $1
             UNION ALL
             SELECT u.id, down.depth + 1 FROM units u JOIN down ON u.parent_id = down.uid WHERE down.depth < 32)
         SELECT {} FROM down JOIN units u ON u.id = down.uid
         WHERE u.valid_from <= $2 AND (u.valid_to IS NULL OR u.valid_to >= $2)
         ORDER BY down.depth, u.code", prefixed("u")))
        .bind(id)
        .bind(iso(d))
        .fetch_all(p)
        .await?);
    Ok(rows)
}

/// The direct successors of a unit (what it became).
pub async fn successors(db: &Db, id: i64) -> Result<Vec<Unit>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Unit>(&format!(
        "SELECT {} FROM unit_successors s JOIN units u ON u.id = s.successor_id WHERE s.unit_id = $1 ORDER BY u.code", prefixed("u")))
        .bind(id)
        .fetch_all(p)
        .await?))
}

/// The direct predecessors of a unit (what it replaced).
pub async fn predecessors(db: &Db, id: i64) -> Result<Vec<Unit>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Unit>(&format!(
        "SELECT {} FROM unit_successors s JOIN units u ON u.id = s.unit_id WHERE s.successor_id = $1 ORDER BY u.code", prefixed("u")))
        .bind(id)
        .fetch_all(p)
        .await?))
}

/// The units that stand for `id` on date `d`: the unit itself if valid then,
/// else its successors (followed transitively) that are valid on `d`.
pub async fn successor_on(db: &Db, id: i64, d: NaiveDate) -> Result<Vec<Unit>> {
    let rows = on_pool!(db.reader(), p => sqlx::query_as::<_, Unit>(&format!(
        "WITH RECURSIVE chain(uid, depth) AS (
             SELECT CAST($1 AS BIGINT), 0
             UNION ALL
             SELECT s.successor_id, chain.depth + 1 FROM unit_successors s JOIN chain ON s.unit_id = chain.uid
             WHERE chain.depth < 16)
         SELECT DISTINCT {} FROM chain JOIN units u ON u.id = chain.uid
         WHERE u.valid_from <= $2 AND (u.valid_to IS NULL OR u.valid_to >= $2)
         ORDER BY u.code", prefixed("u")))
        .bind(id)
        .bind(iso(d))
        .fetch_all(p)
        .await?);
    Ok(rows)
}

/// The ids of the units a grant on `roots` covers: each root, its
/// descendants, and (successors inherit their predecessors' records) the
/// predecessors of any of them, transitively.
pub async fn scope_units(db: &Db, roots: &[i64]) -> Result<Vec<i64>> {
    let mut all = Vec::new();
    for &root in roots {
        let ids: Vec<i64> = on_pool!(db.reader(), p => sqlx::query_scalar::<_, i64>(
            "WITH RECURSIVE reach(uid, depth) AS (
                 SELECT CAST($1 AS BIGINT), 0
                 UNION
                 SELECT e.dst, reach.depth + 1 FROM (
                     SELECT parent_id AS src, id AS dst FROM units WHERE parent_id IS NOT NULL
                     UNION ALL
                     SELECT successor_id AS src, unit_id AS dst FROM unit_successors) e
                 JOIN reach ON e.src = reach.uid
                 WHERE reach.depth < 32)
             SELECT DISTINCT uid FROM reach")
            .bind(root)
            .fetch_all(p)
            .await?);
        all.extend(ids);
    }
    all.sort_unstable();
    all.dedup();
    Ok(all)
}

/// The ids of every unit whose subtree grant covers unit `id`: the unit, its
/// ancestors, and (because successors inherit their predecessors' records)
/// the ancestors of its successors, transitively.
pub async fn covering_units(db: &Db, id: i64) -> Result<Vec<i64>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_scalar::<_, i64>(
        "WITH RECURSIVE reach(uid, depth) AS (
             SELECT CAST($1 AS BIGINT), 0
             UNION
             SELECT e.dst, reach.depth + 1 FROM (
                 SELECT id AS src, parent_id AS dst FROM units WHERE parent_id IS NOT NULL
                 UNION ALL
                 SELECT unit_id AS src, successor_id AS dst FROM unit_successors) e
             JOIN reach ON e.src = reach.uid
             WHERE reach.depth < 32)
         SELECT DISTINCT uid FROM reach")
        .bind(id)
        .fetch_all(p)
        .await?))
}

/// Searches names and codes ignoring diacritics, among units valid on `d`.
pub async fn search(db: &Db, q: &str, d: NaiveDate, limit: i64) -> Result<Vec<Unit>> {
    let key = format!("%{}%", domain::text::search_key(q).replace(['%', '_'], ""));
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Unit>(&format!(
        "SELECT {COLS} FROM units WHERE search_key LIKE $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to >= $2)
         ORDER BY code LIMIT $3"))
        .bind(key)
        .bind(iso(d))
        .bind(limit.clamp(1, 1000))
        .fetch_all(p)
        .await?))
}

fn prefixed(alias: &str) -> String {
    COLS.split(", ").map(|c| format!("{alias}.{c}")).collect::<Vec<_>>().join(", ")
}

/// A unit with its children, for rendering a tree.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// The unit.
    #[serde(flatten)]
    pub unit: Unit,
    /// Children valid on the same day.
    pub children: Vec<Node>,
}

/// Arranges units (all valid on one day) into trees under their roots: units
/// whose parent is absent from the list.
pub fn arrange(units: Vec<Unit>) -> Vec<Node> {
    let ids: std::collections::HashSet<i64> = units.iter().map(|u| u.id).collect();
    let mut by_parent: HashMap<Option<i64>, Vec<Unit>> = HashMap::new();
    for u in units {
        let key = u.parent_id.filter(|p| ids.contains(p));
        by_parent.entry(key).or_default().push(u);
    }
    fn build(parent: Option<i64>, by_parent: &mut HashMap<Option<i64>, Vec<Unit>>) -> Vec<Node> {
        let kids = by_parent.remove(&parent).unwrap_or_default();
        kids.into_iter()
            .map(|u| {
                let children = build(Some(u.id), by_parent);
                Node { unit: u, children }
            })
            .collect()
    }
    build(None, &mut by_parent)
}

/// One row of a unit CSV import.
#[derive(Debug, Clone, serde::Deserialize)]
struct CsvRow {
    code: String,
    name: String,
    kind: String,
    #[serde(default)]
    parent_code: String,
    valid_from: String,
    #[serde(default)]
    valid_to: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    predecessor_codes: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// Units created.
    pub created: usize,
}

/// Imports units from CSV with the header
/// `code,name,kind,parent_code,valid_from[,valid_to,note,predecessor_codes]`.
///
/// A parent is the unit carrying `parent_code` on the row's `valid_from`
/// (it may be defined earlier in the same file). `predecessor_codes` lists
/// codes separated by `;`, resolved on the day before `valid_from`; each
/// predecessor's validity ends that day. The file is imported whole or not
/// at all: the first bad row aborts it with its line number.
pub async fn import_csv(db: &Db, actor: &Actor, data: &[u8]) -> Result<ImportReport> {
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(data);
    let mut rows = Vec::new();
    for (i, rec) in rdr.deserialize::<CsvRow>().enumerate() {
        let line = i + 2;
        let row = rec.map_err(|e| Error::Invalid(format!("dòng {line}: {e} (line {line})")))?;
        rows.push((line, row));
    }
    let now = now_ms();
    let created = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let mut created = 0usize;
        for (line, row) in &rows {
            let at = |e: String| Error::Invalid(format!("dòng {line}: {e}"));
            let kind = UnitKind::parse(&row.kind).ok_or_else(|| at(format!("loại đơn vị không hợp lệ {:?} (unknown kind)", row.kind)))?;
            let from = domain::time::parse_date(&row.valid_from).ok_or_else(|| at(format!("ngày hiệu lực không hợp lệ {:?} (bad valid_from)", row.valid_from)))?;
            let to = if row.valid_to.is_empty() {
                None
            } else {
                Some(domain::time::parse_date(&row.valid_to).ok_or_else(|| at(format!("ngày hết hiệu lực không hợp lệ {:?} (bad valid_to)", row.valid_to)))?)
            };
            let new = NewUnit { code: row.code.clone(), name: row.name.clone(), kind, valid_from: from, valid_to: to, note: row.note.clone() }
                .validated()
                .map_err(|e| at(e.to_string()))?;
            let on = |code: &str, d: NaiveDate| {
                sqlx::query_scalar::<_, i64>("SELECT id FROM units WHERE code = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to >= $2)")
                    .bind(code.to_string())
                    .bind(iso(d))
            };
            let parent_id = if row.parent_code.is_empty() {
                None
            } else {
                Some(on(&row.parent_code, from).fetch_optional(&mut *tx).await?.ok_or_else(|| {
                    at(format!("không tìm thấy đơn vị cha mã {} vào ngày {} (parent not found)", row.parent_code, iso(from)))
                })?)
            };
            let day_before = from.pred_opt().unwrap_or(from);
            let mut preds = Vec::new();
            for code in row.predecessor_codes.split(';').map(str::trim).filter(|c| !c.is_empty()) {
                let id = on(code, day_before).fetch_optional(&mut *tx).await?.ok_or_else(|| {
                    at(format!("không tìm thấy đơn vị tiền thân mã {code} vào ngày {} (predecessor not found)", iso(day_before)))
                })?;
                preds.push(id);
            }
            for pid in &preds {
                sqlx::query("UPDATE units SET valid_to = $1 WHERE id = $2 AND (valid_to IS NULL OR valid_to > $1)")
                    .bind(iso(day_before))
                    .bind(*pid)
                    .execute(&mut *tx)
                    .await?;
            }
            let others: Vec<(String, Option<String>)> = sqlx::query_as("SELECT valid_from, valid_to FROM units WHERE code = $1")
                .bind(&new.code)
                .fetch_all(&mut *tx)
                .await?;
            check_overlap(&new, &others).map_err(|e| at(e.to_string()))?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO units (code, name, kind, parent_id, valid_from, valid_to, note, search_key)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
                .bind(&new.code)
                .bind(&new.name)
                .bind(kind.as_str())
                .bind(parent_id)
                .bind(iso(from))
                .bind(to.map(iso))
                .bind(&new.note)
                .bind(domain::text::search_key(&format!("{} {}", display_name(kind, &new.name), new.code)))
                .fetch_one(&mut *tx)
                .await?;
            for pid in &preds {
                sqlx::query("INSERT INTO unit_successors (unit_id, successor_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(*pid)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            let change = Change {
                unit_id: Some(id),
                action: "unit.import",
                object_type: "unit",
                object_id: id.to_string(),
                before: None,
                after: Some(json!({"code": new.code, "name": new.name, "kind": kind.as_str(), "parent_id": parent_id,
                                   "valid_from": iso(from), "valid_to": to.map(iso), "predecessors": preds})),
            };
            audit_in_tx!(&mut *tx, actor, &change, now)?;
            created += 1;
        }
        tx.commit().await?;
        created
    });
    Ok(ImportReport { created })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        domain::time::parse_date(s).unwrap()
    }

    #[test]
    fn overlapping_code_intervals_conflict() {
        let new = NewUnit {
            code: "31342".into(),
            name: "Tân Hòa".into(),
            kind: UnitKind::Xa,
            valid_from: d("2025-07-01"),
            valid_to: None,
            note: String::new(),
        };
        // The old Một Ngàn ended the day before: no overlap.
        assert!(check_overlap(&new, &[("2004-01-01".into(), Some("2025-06-30".into()))]).is_ok());
        // An open-ended old version overlaps.
        assert!(check_overlap(&new, &[("2004-01-01".into(), None)]).is_err());
        // A later version overlaps an open-ended new one.
        assert!(check_overlap(&new, &[("2030-01-01".into(), None)]).is_err());
    }

    #[test]
    fn arrange_builds_trees_from_parents() {
        let u = |id, parent| Unit {
            id,
            code: id.to_string(),
            name: String::new(),
            kind: "xa".into(),
            parent_id: parent,
            valid_from: "2025-07-01".into(),
            valid_to: None,
            note: String::new(),
        };
        let trees = arrange(vec![u(1, None), u(2, Some(1)), u(3, Some(2)), u(4, Some(99))]);
        assert_eq!(trees.len(), 2, "a unit whose parent is not in the list is a root");
        assert_eq!(trees[0].children[0].children[0].unit.id, 3);
    }
}
