//! `/dossiers`: the officer's inbox. The dossiers of the units the user's
//! dossier grants cover (the scope rule of [`crate::api::dossier::list`]),
//! filtered by status, urgency (due soon / overdue), "assigned to me",
//! procedure and a search on the code or the applicant's name, sorted by
//! due date or receipt, 50 to a page. A banner counts the dossiers due soon
//! and overdue in the whole scope and links to them: the "on their pages"
//! half of the alerts. Each row shows the due state in words, an icon and a
//! colour ([`DueState`]), worded by the domain's alert rules in working time.
//!
//! Ticked rows can be handed to one officer at once (`POST
//! /dossiers/bulk-forward`), each through the same action function as the
//! API ([`crate::api::dossier::action::apply`]).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::dossier::{AlertRules, Status, Urgency};
use domain::person::CitizenId;
use serde::Deserialize;
use store::dossier::{Dossier, DueFilter, ListFilter, ListSort};

use crate::api::dossier::action::{ActionInput, apply, officers};
use crate::auth::{CurrentUser, Principal, ReqActor};
use crate::error::{AppError, urlencode};
use crate::i18n::Lang;
use crate::pages::area::DOSSIERS;
use crate::pages::{PageCtx, render};
use crate::state::AppState;

/// Dossiers per page.
pub const PER_PAGE: i64 = 50;

/// Where a dossier stands against its due date, as a list or page shows it:
/// the urgency (its CSS class), an icon, the urgency in words and the time
/// left or past ("còn 2 ngày làm việc", "quá hạn 1 ngày").
#[derive(Debug, Clone)]
pub struct DueState {
    /// The urgency's stored name, used as the CSS class.
    pub class: &'static str,
    /// A symbol beside the words (never the only sign).
    pub icon: &'static str,
    /// The urgency in words.
    pub label: &'static str,
    /// The time left or past, while a due date runs; empty otherwise.
    pub phrase: String,
}

impl DueState {
    /// The due state of `d` at `now` in `lang`.
    pub fn of(d: &Dossier, now: i64, lang: Lang) -> DueState {
        let dl = store::dossier::deadlines();
        let urgency = d.status().map_or(Urgency::Closed, |s| dl.urgency(s, d.due_at, now, &AlertRules::default()));
        let phrase = match (urgency, d.due_at) {
            (Urgency::OnTrack | Urgency::DueSoon | Urgency::Overdue, Some(due)) => {
                let left = dl.time_left(now, due, d.limit().unit());
                if lang == Lang::Vi { left.phrase_vi() } else { left.phrase_en() }
            }
            _ => String::new(),
        };
        let icon = match urgency {
            Urgency::Overdue => "⚠",
            Urgency::DueSoon => "◷",
            Urgency::OnTrack => "✓",
            Urgency::Paused => "⏸",
            Urgency::NotReceived => "○",
            Urgency::NoDueDate => "–",
            Urgency::Closed => "■",
        };
        let key = match urgency {
            Urgency::NotReceived => "dossier.urgency.not_received",
            Urgency::Closed => "dossier.urgency.closed",
            Urgency::Paused => "dossier.urgency.paused",
            Urgency::NoDueDate => "dossier.urgency.no_due_date",
            Urgency::OnTrack => "dossier.urgency.on_track",
            Urgency::DueSoon => "dossier.urgency.due_soon",
            Urgency::Overdue => "dossier.urgency.overdue",
        };
        DueState { class: urgency.as_str(), icon, label: lang.t(key), phrase }
    }
}

/// A status in words with its DVCQG code beside it, in `lang`.
pub fn status_words(status: i32, lang: Lang) -> String {
    match u8::try_from(status).ok().and_then(Status::from_code) {
        Some(s) => lang.pick(s.label_vi(), s.label_en()).to_string(),
        None => "?".to_string(),
    }
}

/// A CCCD masked for lists (last 4 digits).
pub fn masked_id(id: Option<&str>) -> String {
    id.map(|s| CitizenId::parse(s).map(|c| c.masked()).unwrap_or_else(|_| "***".into())).unwrap_or_default()
}

/// The units whose dossiers `p` may see: `None` for every unit (a grant
/// without a unit), else the subtrees (and predecessors) of the granted units.
pub async fn scope(st: &AppState, p: &Principal) -> Result<Option<Vec<i64>>, AppError> {
    p.unit_scope(st, DOSSIERS.0).await
}

/// The inbox's query: filters, order, page, and the notice of a bulk hand-over.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct InboxQuery {
    /// A DVCQG status code.
    #[serde(default)]
    pub status: String,
    /// `soon` or `overdue`.
    #[serde(default)]
    pub due: String,
    /// `1`: only the user's dossiers.
    #[serde(default)]
    pub mine: String,
    /// A procedure's TTHC code.
    #[serde(default)]
    pub procedure: String,
    /// Search in codes and applicants' names.
    #[serde(default)]
    pub q: String,
    /// `due`, `-due`, `received`, `-received`.
    #[serde(default)]
    pub sort: String,
    /// Page number, from 1.
    #[serde(default)]
    pub page: String,
    /// Notice: dossiers handed over.
    #[serde(default)]
    pub done: String,
    /// Notice: how many failed.
    #[serde(default)]
    pub failed: String,
}

impl InboxQuery {
    fn page(&self) -> i64 {
        self.page.trim().parse::<i64>().unwrap_or(1).max(1)
    }

    /// The query string of these filters with `changes` applied (empty values dropped).
    fn with(&self, changes: &[(&str, &str)]) -> String {
        let mut pairs: Vec<(&str, &str)> = vec![
            ("status", &self.status),
            ("due", &self.due),
            ("mine", &self.mine),
            ("procedure", &self.procedure),
            ("q", &self.q),
            ("sort", &self.sort),
        ];
        for (k, v) in changes {
            match pairs.iter_mut().find(|(name, _)| name == k) {
                Some(pair) => pair.1 = v,
                None => pairs.push((k, v)),
            }
        }
        let parts: Vec<String> =
            pairs.iter().filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| format!("{k}={}", urlencode(v))).collect();
        if parts.is_empty() { "/dossiers".into() } else { format!("/dossiers?{}", parts.join("&")) }
    }
}

/// A dossier as the inbox shows it.
pub struct InboxRow {
    /// Code.
    pub code: String,
    /// Procedure code.
    pub procedure_code: String,
    /// Procedure name.
    pub procedure_name: String,
    /// Applicant's name.
    pub applicant: String,
    /// Applicant's CCCD, masked.
    pub id_masked: String,
    /// Status in words.
    pub status: String,
    /// DVCQG status code.
    pub status_code: i32,
    /// Received, `dd/MM/yyyy HH:mm`.
    pub received: String,
    /// Due, or empty.
    pub due: String,
    /// Due state.
    pub state: DueState,
}

/// A choice of a select.
pub struct Choice {
    /// Value sent.
    pub value: String,
    /// Text shown.
    pub label: String,
}

#[derive(Template)]
#[template(path = "dossier/inbox.html")]
struct InboxPage {
    ctx: PageCtx,
    rows: Vec<InboxRow>,
    total: i64,
    soon: i64,
    overdue: i64,
    filter: InboxQuery,
    statuses: Vec<Choice>,
    procedures: Vec<Choice>,
    officers: Vec<Choice>,
    prev: Option<String>,
    next: Option<String>,
    page: i64,
    pages: i64,
    notice: String,
    soon_link: String,
    overdue_link: String,
}

impl InboxPage {
    /// The link that sorts by `key`, flipping the direction when already sorted by it.
    fn sort_link(&self, key: &str) -> String {
        let next = if self.filter.sort == key { format!("-{key}") } else { key.to_string() };
        self.filter.with(&[("sort", &next), ("page", "")])
    }

    /// `aria-sort` of a sortable column.
    fn aria_sort(&self, key: &str) -> &'static str {
        let current = if self.filter.sort.is_empty() { "due" } else { self.filter.sort.as_str() };
        if current == key {
            "ascending"
        } else if current.strip_prefix('-') == Some(key) {
            "descending"
        } else {
            "none"
        }
    }
}

fn bad(lang: Lang, what: &str) -> AppError {
    AppError::Unprocessable(format!("{} {what}", lang.t("dossier.inbox.bad_filter")))
}

/// The list filter of a query, or which filter is wrong.
fn filter_of(q: &InboxQuery, p: &Principal, units: Option<Vec<i64>>, lang: Lang) -> Result<ListFilter, AppError> {
    let status = match q.status.trim() {
        "" => None,
        s => Some(
            s.parse::<u8>()
                .ok()
                .and_then(Status::from_code)
                .map(|s| i32::from(s.code()))
                .ok_or_else(|| bad(lang, s))?,
        ),
    };
    let due = match q.due.trim() {
        "" => None,
        "soon" => Some(DueFilter::Soon),
        "overdue" => Some(DueFilter::Overdue),
        other => return Err(bad(lang, other)),
    };
    let sort = match q.sort.trim() {
        "" => ListSort::Due,
        s => ListSort::parse(s).ok_or_else(|| bad(lang, s))?,
    };
    let page = q.page();
    Ok(ListFilter {
        units,
        status,
        assignee_id: (q.mine == "1").then_some(p.user.id),
        due,
        procedure: Some(q.procedure.trim().to_string()).filter(|s| !s.is_empty()),
        search: Some(q.q.trim().to_string()).filter(|s| !s.is_empty()),
        sort,
        now: store::now_ms(),
        limit: PER_PAGE,
        offset: (page - 1).saturating_mul(PER_PAGE),
    })
}

/// How many dossiers of the scope are due soon, and overdue.
async fn alert_counts(st: &AppState, units: &Option<Vec<i64>>, now: i64) -> Result<(i64, i64), AppError> {
    let count = |due| ListFilter { units: units.clone(), due: Some(due), now, limit: 1, ..ListFilter::default() };
    let soon = store::dossier::list(&st.db, &count(DueFilter::Soon)).await?.total;
    let overdue = store::dossier::list(&st.db, &count(DueFilter::Overdue)).await?.total;
    Ok((soon, overdue))
}

/// The officers the user may hand dossiers to: those of the user's granted units.
async fn handover_choices(st: &AppState, p: &Principal) -> Result<Vec<Choice>, AppError> {
    let mut units: Vec<i64> =
        p.grants.iter().filter(|g| DOSSIERS.0.contains(&g.role)).filter_map(|g| g.unit_id).collect();
    units.sort_unstable();
    units.dedup();
    let mut out: Vec<Choice> = Vec::new();
    for unit in units {
        for u in officers(st, unit).await? {
            if !out.iter().any(|c| c.value == u.username) {
                out.push(Choice { label: format!("{} ({})", u.display_name, u.username), value: u.username });
            }
        }
    }
    Ok(out)
}

fn notice(lang: Lang, q: &InboxQuery) -> String {
    if q.done.is_empty() {
        return String::new();
    }
    let mut text = lang.t("dossier.inbox.bulk_done").replace("{n}", &q.done);
    if !q.failed.is_empty() && q.failed != "0" {
        text.push(' ');
        text.push_str(&lang.t("dossier.inbox.bulk_failed").replace("{n}", &q.failed));
    }
    text
}

/// `GET /dossiers`: the inbox.
pub async fn show(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Query(q): Query<InboxQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let units = scope(&st, &p).await?;
    let filter = filter_of(&q, &p, units.clone(), lang)?;
    let now = filter.now;
    let found = store::dossier::list(&st.db, &filter).await?;
    let (soon, overdue) = alert_counts(&st, &units, now).await?;
    let today = crate::api::dossier::today();
    let catalogue = store::procedure::search(&st.db, "", today, 500).await?;
    let names: HashMap<&str, &str> = catalogue.iter().map(|p| (p.code.as_str(), p.name.as_str())).collect();
    let rows = found
        .items
        .iter()
        .map(|d| InboxRow {
            code: d.code.clone(),
            procedure_code: d.procedure_code.clone(),
            procedure_name: names.get(d.procedure_code.as_str()).map(|s| s.to_string()).unwrap_or_default(),
            applicant: d.applicant_name.clone(),
            id_masked: masked_id(d.applicant_id_number.as_deref()),
            status: status_words(d.status, lang),
            status_code: d.status,
            received: domain::time::format_local(d.received_at),
            due: d.due_at.map(domain::time::format_local).unwrap_or_default(),
            state: DueState::of(d, now, lang),
        })
        .collect();
    let page = q.page();
    let pages = ((found.total + PER_PAGE - 1) / PER_PAGE).max(1);
    let statuses = Status::ALL
        .iter()
        .map(|s| Choice {
            value: s.code().to_string(),
            label: format!("{} ({})", status_words(i32::from(s.code()), lang), s.code()),
        })
        .collect();
    let procedures =
        catalogue.iter().map(|p| Choice { value: p.code.clone(), label: format!("{} – {}", p.code, p.name) }).collect();
    let view = InboxPage {
        prev: (page > 1).then(|| q.with(&[("page", &(page - 1).to_string())])),
        next: (page < pages).then(|| q.with(&[("page", &(page + 1).to_string())])),
        soon_link: q.with(&[("due", "soon"), ("page", "")]),
        overdue_link: q.with(&[("due", "overdue"), ("page", "")]),
        notice: notice(lang, &q),
        officers: handover_choices(&st, &p).await?,
        ctx,
        rows,
        total: found.total,
        soon,
        overdue,
        filter: q,
        statuses,
        procedures,
        page,
        pages,
    };
    render(&view)
}

/// `POST /dossiers/bulk-forward`: hands each ticked dossier to one officer,
/// each through the API's action function; redirects back with how many
/// moved and how many were refused (wrong status, another unit, …).
pub async fn bulk_forward(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let codes: Vec<&str> = form.iter().filter(|(k, _)| k == "code").map(|(_, v)| v.as_str()).collect();
    let officer = form.iter().find(|(k, _)| k == "assignee").map(|(_, v)| v.trim()).unwrap_or("");
    if codes.is_empty() || officer.is_empty() {
        return Err(AppError::Unprocessable(ctx.t("dossier.inbox.bulk_missing").to_string()));
    }
    let input = ActionInput { action: "forward".into(), assignee: Some(officer.to_string()), ..ActionInput::default() };
    let (mut done, mut failed) = (0, 0);
    for code in codes {
        let Some(d) = store::dossier::by_code(&st.db, code).await? else {
            failed += 1;
            continue;
        };
        match apply(&st, &p, &actor, &d, &input).await {
            Ok(_) => done += 1,
            Err(AppError::Internal(e)) => return Err(AppError::Internal(e)),
            Err(_) => failed += 1,
        }
    }
    Ok(Redirect::to(&format!("/dossiers?done={done}&failed={failed}")).into_response())
}
