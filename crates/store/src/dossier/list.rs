//! The processor's list: dossiers in a unit scope, filtered by status,
//! assignee and urgency, most urgent first, a page at a time.
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

/// The statuses whose due date runs.
fn running_statuses() -> Vec<i32> {
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
    let mut ints: Vec<i64> = Vec::new();
    let mut n = 0;
    let mut param = |v: i64, ints: &mut Vec<i64>| {
        ints.push(v);
        n += 1;
        format!("${n}")
    };
    if let Some(units) = &f.units {
        let ps: Vec<String> = units.iter().map(|&u| param(u, &mut ints)).collect();
        conds.push(format!("unit_id IN ({})", ps.join(", ")));
    }
    if let Some(s) = f.status {
        conds.push(format!("status = {}", param(i64::from(s), &mut ints)));
    }
    if let Some(a) = f.assignee_id {
        conds.push(format!("assignee_id = {}", param(a, &mut ints)));
    }
    if let Some(due) = f.due {
        let running: Vec<String> = running_statuses().into_iter().map(|s| param(i64::from(s), &mut ints)).collect();
        conds.push(format!("status IN ({})", running.join(", ")));
        let now = param(f.now, &mut ints);
        match due {
            DueFilter::Overdue => conds.push(format!("due_at < {now}")),
            DueFilter::Soon => {
                let margin = u64::from(AlertRules::default().due_soon_working_minutes);
                let until = from_local(deadlines().clock().add_working_minutes(to_local(f.now), margin));
                let until = param(until, &mut ints);
                conds.push(format!("due_at >= {now} AND due_at <= {until}"));
            }
        }
    }
    let filter = if conds.is_empty() { String::new() } else { format!("WHERE {}", conds.join(" AND ")) };
    let count_sql = format!("SELECT COUNT(*) FROM dossiers {filter}");
    let page_sql = format!(
        "SELECT {COLS} FROM dossiers {filter} ORDER BY due_at IS NULL, due_at, id LIMIT {} OFFSET {}",
        f.limit.clamp(1, 200),
        f.offset.max(0)
    );
    let (total, items) = on_pool!(db.reader(), p => {
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
        let mut page = sqlx::query_as::<_, Dossier>(&page_sql);
        for v in &ints {
            count = count.bind(*v);
            page = page.bind(*v);
        }
        (count.fetch_one(p).await?, page.fetch_all(p).await?)
    });
    Ok(ListPage { items, total })
}
