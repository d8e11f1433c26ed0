//! The processor's list: dossiers in a unit scope, filtered by status,
//! assignee, urgency, procedure and a search on the code or the applicant's
//! name, most urgent first (or by receipt), a page at a time.
//!
//! "Due soon" and "overdue" follow the domain's alert rules
//! ([`domain::dossier::AlertRules`]): only running dossiers (2, 4, and 6
//! when waiting for fees does not stop the clock) are judged; overdue means
//! the due date has passed, due soon that it comes within the due-soon
//! margin of working time. The margin is turned into an instant (now plus
//! that much working time) so the filter is one indexed range in SQL.

use domain::dossier::deadline::{from_local, to_local};
use domain::dossier::{AlertRules, PauseReason, Status};

use super::{COLS, Dossier, deadlines};
use crate::{Db, Result, on_pool};

/// Which urgency to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueFilter {
    /// At most the due-soon margin left, not yet overdue.
    Soon,
    /// The due date has passed.
    Overdue,
}

/// The order of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListSort {
    /// Most urgent first: by due date (none last), then id.
    #[default]
    Due,
    /// Latest due first (none first).
    DueDesc,
    /// Oldest receipt first.
    Received,
    /// Newest receipt first.
    ReceivedDesc,
}

impl ListSort {
    /// Parses `due`, `-due`, `received`, `-received`.
    pub fn parse(s: &str) -> Option<ListSort> {
        match s.trim() {
            "due" => Some(ListSort::Due),
            "-due" => Some(ListSort::DueDesc),
            "received" => Some(ListSort::Received),
            "-received" => Some(ListSort::ReceivedDesc),
            _ => None,
        }
    }

    /// The query-string name.
    pub fn as_str(self) -> &'static str {
        match self {
            ListSort::Due => "due",
            ListSort::DueDesc => "-due",
            ListSort::Received => "received",
            ListSort::ReceivedDesc => "-received",
        }
    }

    fn order_sql(self) -> &'static str {
        match self {
            ListSort::Due => "due_at IS NULL, due_at, id",
            ListSort::DueDesc => "due_at IS NULL DESC, due_at DESC, id DESC",
            ListSort::Received => "received_at, id",
            ListSort::ReceivedDesc => "received_at DESC, id DESC",
        }
    }
}

/// What [`list`] returns.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// The units whose dossiers may be listed; `None` for every unit.
    pub units: Option<Vec<i64>>,
    /// Only this DVCQG status.
    pub status: Option<i32>,
    /// Only dossiers assigned to this user.
    pub assignee_id: Option<i64>,
    /// Only due soon or overdue dossiers.
    pub due: Option<DueFilter>,
    /// Only this procedure (TTHC code).
    pub procedure: Option<String>,
    /// Only dossiers whose code or applicant's name contains this text
    /// (the name compared as typed and lower-cased).
    pub search: Option<String>,
    /// The order (most urgent first by default).
    pub sort: ListSort,
    /// The time the urgency is judged at (UTC ms).
    pub now: i64,
    /// Page size.
    pub limit: i64,
    /// Rows skipped.
    pub offset: i64,
}

/// One page of the list.
#[derive(Debug, Clone)]
pub struct ListPage {
    /// The dossiers on this page.
    pub items: Vec<Dossier>,
    /// How many match in all.
    pub total: i64,
}

/// A bound value of the list's query.
enum Param {
    Int(i64),
    Text(String),
}

/// `%text%` for `LIKE … ESCAPE '\'`, with `%`, `_` and `\` taken literally.
fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Scopes of at most this many units are listed by merging a page from
/// each unit; larger ones by one `unit_id IN (…)` scan.
const MERGE_UNITS: usize = 64;

/// `unit_id IN (…)` of unit ids (from the database, inlined as integers).
fn in_units(units: &[i64]) -> String {
    let ids: Vec<String> = units.iter().map(i64::to_string).collect();
    format!("unit_id IN ({})", ids.join(", "))
}

/// `WHERE` of the filter's conditions and an optional scope condition.
fn where_sql(conds: &[String], scope: Option<&str>) -> String {
    let all: Vec<&str> = scope.into_iter().chain(conds.iter().map(String::as_str)).collect();
    if all.is_empty() { String::new() } else { format!("WHERE {}", all.join(" AND ")) }
}

/// The statuses whose due date runs.
pub(crate) fn running_statuses() -> Vec<i32> {
    let mut v = vec![Status::Accepted, Status::InProcess];
    if !deadlines().stops_clock(PauseReason::Fee) {
        v.push(Status::FeeRequested);
    }
    v.into_iter().map(|s| i32::from(s.code())).collect()
}

/// The dossiers matching `f`, by due date (none last), then id.
pub async fn list(db: &Db, f: &ListFilter) -> Result<ListPage> {
    if f.units.as_ref().is_some_and(Vec::is_empty) {
        return Ok(ListPage { items: Vec::new(), total: 0 });
    }
    let mut conds: Vec<String> = Vec::new();
    let mut ints: Vec<Param> = Vec::new();
    let mut n = 0;
    let mut param = |v: Param, ints: &mut Vec<Param>| {
        ints.push(v);
        n += 1;
        format!("${n}")
    };
    if let Some(s) = f.status {
        conds.push(format!("status = {}", param(Param::Int(i64::from(s)), &mut ints)));
    }
    if let Some(a) = f.assignee_id {
        conds.push(format!("assignee_id = {}", param(Param::Int(a), &mut ints)));
    }
    if let Some(due) = f.due {
        let running: Vec<String> =
            running_statuses().into_iter().map(|s| param(Param::Int(i64::from(s)), &mut ints)).collect();
        conds.push(format!("status IN ({})", running.join(", ")));
        let now = param(Param::Int(f.now), &mut ints);
        match due {
            DueFilter::Overdue => conds.push(format!("due_at < {now}")),
            DueFilter::Soon => {
                let margin = u64::from(AlertRules::default().due_soon_working_minutes);
                let until = from_local(deadlines().clock().add_working_minutes(to_local(f.now), margin));
                let until = param(Param::Int(until), &mut ints);
                conds.push(format!("due_at >= {now} AND due_at <= {until}"));
            }
        }
    }
    if let Some(code) = f.procedure.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        conds.push(format!("procedure_code = {}", param(Param::Text(code.to_string()), &mut ints)));
    }
    if let Some(text) = f.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let (typed, lower) = (like_pattern(text), like_pattern(&text.to_lowercase()));
        let code = param(Param::Text(typed.clone()), &mut ints);
        let name = param(Param::Text(typed), &mut ints);
        let lowered = param(Param::Text(lower), &mut ints);
        conds.push(format!(
            "(code LIKE {code} ESCAPE '\\' OR applicant_name LIKE {name} ESCAPE '\\' \
             OR LOWER(applicant_name) LIKE {lowered} ESCAPE '\\')"
        ));
    }
    // Only the unit scope filters: the total is the units' counts (kept by
    // triggers, migration 0015) rather than a COUNT(*) over the scope.
    let scope_only = conds.is_empty();
    let scope = f.units.as_deref().map(in_units);
    let order = f.sort.order_sql();
    let (limit, offset) = (f.limit.clamp(1, 200), f.offset.max(0));
    let count_sql = match &scope {
        _ if !scope_only => format!("SELECT COUNT(*) FROM dossiers {}", where_sql(&conds, scope.as_deref())),
        Some(scope) => format!("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM dossier_unit_counts WHERE {scope}"),
        None => "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM dossier_unit_counts".to_string(),
    };
    let page_sql = match f.units.as_deref() {
        // A page from each unit (its index gives its dossiers in order), merged.
        Some(units) if units.len() <= MERGE_UNITS => {
            let each: Vec<String> = units
                .iter()
                .enumerate()
                .map(|(i, u)| {
                    format!(
                        "SELECT id, due_at, received_at FROM (SELECT id, due_at, received_at FROM dossiers {} \
                         ORDER BY {order} LIMIT {}) AS u{i}",
                        where_sql(&conds, Some(&format!("unit_id = {u}"))),
                        limit + offset
                    )
                })
                .collect();
            format!(
                "SELECT {COLS} FROM dossiers WHERE id IN (SELECT id FROM ({}) AS merged \
                 ORDER BY {order} LIMIT {limit} OFFSET {offset}) ORDER BY {order}",
                each.join(" UNION ALL ")
            )
        }
        _ => format!(
            "SELECT {COLS} FROM dossiers {} ORDER BY {order} LIMIT {limit} OFFSET {offset}",
            where_sql(&conds, scope.as_deref())
        ),
    };
    let (total, items) = on_pool!(db.reader(), p => {
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
        let mut page = sqlx::query_as::<_, Dossier>(&page_sql);
        for v in &ints {
            match v {
                Param::Int(i) => {
                    if !scope_only {
                        count = count.bind(*i);
                    }
                    page = page.bind(*i);
                }
                Param::Text(t) => {
                    if !scope_only {
                        count = count.bind(t.as_str());
                    }
                    page = page.bind(t.as_str());
                }
            }
        }
        (count.fetch_one(p).await?, page.fetch_all(p).await?)
    });
    Ok(ListPage { items, total })
}
