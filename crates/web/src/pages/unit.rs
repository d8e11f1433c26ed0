//! Administrative unit pages: the tree as of a date, search, a unit's page
//! (scoped to the user's units), and CSV import for administrators.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use domain::auth::Role;
use serde::Deserialize;
use store::unit::{Node, Unit};

/// One row of the rendered tree.
pub struct TreeRow {
    /// Depth below the roots.
    pub depth: usize,
    /// The unit.
    pub unit: Unit,
}

fn flatten(nodes: Vec<Node>) -> Vec<TreeRow> {
    fn walk(nodes: Vec<Node>, depth: usize, out: &mut Vec<TreeRow>) {
        for n in nodes {
            out.push(TreeRow { depth, unit: n.unit });
            walk(n.children, depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(nodes, 0, &mut out);
    out
}

use super::{PageCtx, render};
use crate::auth::{CurrentUser, ReqActor};
use crate::error::AppError;
use crate::state::AppState;

/// Query of the unit list.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    as_of: Option<String>,
    q: Option<String>,
}

/// Parses an optional `as_of`, defaulting to today in Vietnam.
pub fn as_of(s: Option<&str>) -> Result<NaiveDate, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(domain::time::local_date(chrono::Utc::now())),
        Some(s) => domain::time::parse_date(s).ok_or_else(|| {
            AppError::BadRequest(format!("ngày không hợp lệ {s:?}: dùng YYYY-MM-DD hoặc dd/MM/yyyy (invalid date)"))
        }),
    }
}

#[derive(Template)]
#[template(path = "unit/list.html")]
struct ListPage {
    ctx: PageCtx,
    as_of: String,
    q: String,
    rows: Vec<TreeRow>,
    found: Vec<Unit>,
    imported: Option<usize>,
    error: String,
    can_import: bool,
}

impl ListPage {
    fn indent(&self, depth: &usize) -> String {
        format!("padding-left: {}rem", 0.25 + 1.5 * (*depth as f32))
    }

    fn kind_label(&self, u: &Unit) -> String {
        match u.kind() {
            Some(k) => self.ctx.lang.pick(k.label_vi(), k.label_en()).to_string(),
            None => u.kind.clone(),
        }
    }
}

/// `GET /units`: the tree valid on `as_of`, or search results for `q`.
pub async fn list(State(st): State<AppState>, ctx: PageCtx, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    let d = as_of(q.as_of.as_deref())?;
    let query = q.q.unwrap_or_default();
    let (trees, found) = if query.trim().is_empty() {
        (flatten(store::unit::arrange(store::unit::valid_on(&st.db, d).await?)), Vec::new())
    } else {
        (Vec::new(), store::unit::search(&st.db, &query, d, 200).await?)
    };
    let can_import = ctx.user.as_ref().is_some_and(|p| p.has_any(&[Role::Admin]));
    render(&ListPage {
        ctx,
        as_of: d.to_string(),
        q: query,
        rows: trees,
        found,
        imported: None,
        error: String::new(),
        can_import,
    })
}

#[derive(Template)]
#[template(path = "unit/show.html")]
struct ShowPage {
    ctx: PageCtx,
    unit: Unit,
    as_of: String,
    ancestors: Vec<Unit>,
    children: Vec<Unit>,
    successors: Vec<Unit>,
    predecessors: Vec<Unit>,
    versions: Vec<Unit>,
}

/// `GET /units/{id}`: one unit version with its neighbours, for users whose
/// grants cover it.
pub async fn show(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let unit = store::unit::get(&st.db, id).await?;
    p.require_unit(&st, unit.id, &Role::ALL).await?;
    // A unit that has ended is shown as of its last day, so its neighbours are those it had.
    let d = match q.as_of.as_deref() {
        Some(s) => as_of(Some(s))?,
        None => unit
            .valid_to
            .as_deref()
            .and_then(domain::time::parse_date)
            .unwrap_or_else(|| domain::time::local_date(chrono::Utc::now())),
    };
    let page = ShowPage {
        ancestors: store::unit::ancestors(&st.db, id).await?,
        children: store::unit::descendants(&st.db, id, d)
            .await?
            .into_iter()
            .filter(|c| c.parent_id == Some(id))
            .collect(),
        successors: store::unit::successors(&st.db, id).await?,
        predecessors: store::unit::predecessors(&st.db, id).await?,
        versions: store::unit::versions_of_code(&st.db, &unit.code).await?,
        as_of: d.to_string(),
        unit,
        ctx,
    };
    render(&page)
}

/// `POST /units/import` (multipart, field `file`): imports a CSV of units.
pub async fn import(
    State(st): State<AppState>,
    ctx: PageCtx,
    ReqActor(actor): ReqActor,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let mut data = Vec::new();
    while let Some(field) = form.next_field().await.map_err(|e| AppError::BadRequest(e.to_string()))? {
        if field.name() == Some("file") {
            data = field.bytes().await.map_err(|e| AppError::BadRequest(e.to_string()))?.to_vec();
        }
    }
    let d = domain::time::local_date(chrono::Utc::now());
    let (imported, error) = if data.is_empty() {
        (None, ctx.lang.pick("Chưa chọn tệp CSV.", "No CSV file chosen.").to_string())
    } else {
        match store::unit::import_csv(&st.db, &actor, &data).await {
            Ok(r) => {
                st.caches.covering.clear();
                (Some(r.created), String::new())
            }
            Err(e) => (None, crate::error::refusal(e)?),
        }
    };
    let rows = flatten(store::unit::arrange(store::unit::valid_on(&st.db, d).await?));
    let status =
        if error.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    let page = ListPage {
        ctx,
        as_of: d.to_string(),
        q: String::new(),
        rows,
        found: Vec::new(),
        imported,
        error,
        can_import: true,
    };
    Ok(axum::response::IntoResponse::into_response((status, render(&page)?)))
}
