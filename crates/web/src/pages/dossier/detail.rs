//! `/dossiers/{code}`: one dossier's page for the officers of its unit.
//!
//! The header (code, procedure and version, status in words with its DVCQG
//! code, channel, received, due with its due state, timeliness once
//! finished); the applicant, masked until the officer asks for the full data
//! (`?personal=1`, which writes a `dossier.personal_read` audit row: the
//! API's GET shows the same fields masked and writes none); the timeline of
//! every event and step with who, when and how long in working time; pauses,
//! extensions, files (download, upload), comments; the applicable form PDFs;
//! and the forms of the next possible actions only, as the domain's flow
//! allows them from the current status for this user
//! ([`crate::api::dossier::dto::actions_for`]). The forms post to
//! [`super::action`].

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use domain::dossier::alert::{duration_en, duration_vi};
use domain::dossier::deadline::to_local;
use domain::dossier::{Channel, Timeliness};
use domain::person::Phone;
use serde::Deserialize;
use store::audit::Actor;
use store::dossier::Dossier;
use store::dossier::timeline::Timeline;

use super::forms::{FormLink, applicable};
use super::inbox::{Choice, DueState, masked_id, status_words};
use crate::api::dossier::action::officers;
use crate::api::dossier::dto::actions_for;
use crate::auth::{CurrentUser, Principal, ReqActor};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::area::DOSSIERS;
use crate::pages::{PageCtx, render_form};
use crate::state::AppState;

/// The page's query: the notice of the last action, and the full personal data.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct DetailQuery {
    /// The action just taken.
    #[serde(default)]
    pub done: String,
    /// `1`: show the applicant's personal data in full (audited).
    #[serde(default)]
    pub personal: String,
}

/// What the officer typed into an action form, kept to show it again.
#[derive(Debug, Default, Clone)]
pub struct ActionForm {
    /// The action.
    pub action: String,
    /// Note or comment.
    pub note: String,
    /// Reason.
    pub reason: String,
    /// Template step (1-based), as typed.
    pub to_step: String,
    /// Department.
    pub department: String,
    /// Officer's username.
    pub assignee: String,
    /// New due date `YYYY-MM-DD`.
    pub new_due_date: String,
    /// `counter`, `post`, `electronic`.
    pub result_channel: String,
    /// `paper`, `electronic`, `paper_and_electronic`.
    pub result_type: String,
    /// Missing components ticked.
    pub components: Vec<String>,
    /// Further missing components, one per line.
    pub other_components: String,
    /// The Decision 766 warning confirmed.
    pub confirm_late: bool,
    /// Receipt number of the fees.
    pub receipt_no: String,
    /// Amount of the fees, in đồng.
    pub amount: String,
}

/// A refusal to show beside the form it came from.
#[derive(Debug, Default, Clone)]
pub struct Shown {
    /// The message.
    pub error: String,
    /// Which form (`forward`, …, `attach`).
    pub error_at: String,
    /// What was typed.
    pub form: ActionForm,
}

/// One event of the timeline.
#[derive(Debug, Clone)]
pub struct EventView {
    /// When.
    pub at: String,
    /// Who.
    pub actor: String,
    /// What, in words.
    pub action: String,
    /// Status before → after, in words, when it changed.
    pub change: String,
    /// Note or reason.
    pub note: String,
    /// The form issued ("02"), if any.
    pub form: String,
    /// Working time since the previous event.
    pub took: String,
}

/// One step of the route.
pub struct StepView {
    /// Sequence number.
    pub seq: i32,
    /// Department.
    pub department: String,
    /// Officer.
    pub assignee: String,
    /// Started.
    pub started: String,
    /// Due.
    pub due: String,
    /// Finished.
    pub finished: String,
    /// Working time it took (so far, while open).
    pub took: String,
    /// How it ended, in words.
    pub outcome: String,
    /// Late against its own due date.
    pub late: bool,
}

/// One stop-the-clock interval.
pub struct PauseView {
    /// Supplement or fees, in words.
    pub reason: String,
    /// Clock stopped.
    pub from: String,
    /// Clock restarted, or empty while waiting.
    pub to: String,
    /// Working time paused, or "waiting".
    pub took: String,
    /// The request's note.
    pub note: String,
}

/// One extension (Mẫu 04).
pub struct ExtensionView {
    /// Due before.
    pub old_due: String,
    /// New due.
    pub new_due: String,
    /// Why.
    pub reason: String,
    /// Issued.
    pub at: String,
}

/// One attached file.
pub struct FileView {
    /// Id.
    pub id: i64,
    /// Component or result, in words.
    pub purpose: String,
    /// Component label.
    pub component: String,
    /// File name.
    pub file_name: String,
    /// Size, "12 KB".
    pub size: String,
    /// Uploaded.
    pub uploaded: String,
}

/// The header facts and the applicant.
pub struct Header {
    /// Procedure name.
    pub procedure_name: String,
    /// Status in words.
    pub status: String,
    /// Channel in words with its code.
    pub channel: String,
    /// Receiving unit.
    pub unit: String,
    /// Received.
    pub received: String,
    /// Due in force.
    pub due: String,
    /// Due on the receipt, when it differs.
    pub original_due: String,
    /// Due state.
    pub state: DueState,
    /// Early / on time / late, once finished.
    pub timeliness: String,
    /// Finished.
    pub finished: String,
    /// Returned, and how.
    pub returned: String,
    /// Refused, withdrawn or stopped.
    pub ended: String,
    /// The time limit ("5 ngày làm việc").
    pub limit: String,
    /// Officer assigned.
    pub assignee: String,
    /// CCCD, masked unless revealed.
    pub id_number: String,
    /// Phone, masked unless revealed.
    pub phone: String,
    /// Address, hidden unless revealed.
    pub address: String,
}

#[derive(Template)]
#[template(path = "dossier/detail.html")]
struct DetailPage {
    ctx: PageCtx,
    d: Dossier,
    h: Header,
    revealed: bool,
    events: Vec<EventView>,
    comments: Vec<EventView>,
    steps: Vec<StepView>,
    pauses: Vec<PauseView>,
    extensions: Vec<ExtensionView>,
    files: Vec<FileView>,
    forms: Vec<FormLink>,
    actions: Vec<String>,
    template_steps: Vec<Choice>,
    officers: Vec<Choice>,
    documents: Vec<String>,
    notice: String,
    shown: Shown,
}

impl DetailPage {
    /// Whether the user may take `action` now.
    fn can(&self, action: &str) -> bool {
        self.actions.iter().any(|a| a == action)
    }

    /// Whether the refusal belongs to the form of `action`.
    fn error_for(&self, action: &str) -> bool {
        !self.shown.error.is_empty() && self.shown.error_at == action
    }

    /// Whether a component was ticked in the form shown again.
    fn ticked(&self, component: &str) -> bool {
        self.shown.form.components.iter().any(|c| c == component)
    }

    /// Whether there are actions beyond comments and files.
    fn has_flow_actions(&self) -> bool {
        self.actions.iter().any(|a| a != "comment" && a != "attach")
    }
}

/// Working minutes between two instants, in words.
fn took(lang: Lang, from: i64, to: i64) -> String {
    let dl = store::dossier::deadlines();
    let minutes = dl.clock().working_minutes(to_local(from), to_local(to));
    let per_day = i64::from(dl.minutes_per_day());
    if lang == Lang::Vi { duration_vi(minutes, per_day, true) } else { duration_en(minutes, per_day, true) }
}

/// A key's text, or the key's last part when the table has no entry for it.
fn word(lang: Lang, prefix: &str, name: &str) -> String {
    let text = lang.t(&format!("{prefix}.{name}"));
    if text == "??" { name.to_string() } else { text.to_string() }
}

fn timeliness_key(t: Timeliness) -> &'static str {
    match t {
        Timeliness::Early => "dossier.timeliness.early",
        Timeliness::OnTime => "dossier.timeliness.on_time",
        Timeliness::Late | Timeliness::Overdue => "dossier.timeliness.late",
        Timeliness::WithinTime => "dossier.timeliness.within",
    }
}

fn header(d: &Dossier, lang: Lang, unit: String, procedure_name: String, assignee: String, revealed: bool) -> Header {
    let time = |ms: Option<i64>| ms.map(domain::time::format_local).unwrap_or_default();
    let channel = d.channel().map(|c: Channel| format!("{} ({})", lang.pick(c.label_vi(), c.label_en()), c.code()));
    let hidden = |v: &Option<String>, mask: &dyn Fn(&str) -> String| match v.as_deref() {
        Some(s) if revealed => s.to_string(),
        Some(s) => mask(s),
        None => String::new(),
    };
    let phone_mask = |s: &str| Phone::parse(s).map(|p| p.masked()).unwrap_or_else(|_| "***".into());
    let returned = match (d.returned_at, d.result_channel.as_deref()) {
        (Some(at), Some(ch)) => format!("{} · {}", domain::time::format_local(at), word(lang, "dossier.result", ch)),
        (Some(at), None) => domain::time::format_local(at),
        _ => String::new(),
    };
    Header {
        procedure_name,
        status: status_words(d.status, lang),
        channel: channel.unwrap_or_default(),
        unit,
        received: domain::time::format_local(d.received_at),
        due: time(d.due_at),
        original_due: if d.original_due_at != d.due_at { time(d.original_due_at) } else { String::new() },
        state: DueState::of(d, store::now_ms(), lang),
        timeliness: d.timeliness().map(|t| lang.t(timeliness_key(t)).to_string()).unwrap_or_default(),
        finished: time(d.finished_at),
        returned,
        ended: time(d.ended_at),
        limit: d.limit().label_vi(),
        assignee,
        id_number: if revealed {
            d.applicant_id_number.clone().unwrap_or_default()
        } else {
            masked_id(d.applicant_id_number.as_deref())
        },
        phone: hidden(&d.applicant_phone, &phone_mask),
        address: hidden(&d.applicant_address, &|_| "***".to_string()),
    }
}

fn events(t: &Timeline, lang: Lang) -> Vec<EventView> {
    let mut out = Vec::with_capacity(t.events.len());
    let mut previous: Option<i64> = None;
    for e in &t.events {
        let change = match e.from_status {
            Some(from) if from != e.to_status => {
                format!("{} ({from}) → {} ({})", status_words(from, lang), status_words(e.to_status, lang), e.to_status)
            }
            None => format!("→ {} ({})", status_words(e.to_status, lang), e.to_status),
            _ => String::new(),
        };
        let form = e
            .form
            .as_deref()
            .and_then(domain::dossier::FormKind::parse)
            .and_then(|k| domain::dossier::RuleSet::CURRENT.form_number(k))
            .map(|n| format!("{n:02}"))
            .unwrap_or_default();
        out.push(EventView {
            at: domain::time::format_local(e.at),
            actor: e.actor_name.clone().unwrap_or_else(|| lang.t("dossier.system").to_string()),
            action: word(lang, "dossier.event", &e.action),
            change,
            note: e.note.clone(),
            form,
            took: previous.map(|p| took(lang, p, e.at)).unwrap_or_default(),
        });
        previous = Some(e.at);
    }
    out
}

fn steps(t: &Timeline, lang: Lang, now: i64) -> Vec<StepView> {
    let time = |ms: Option<i64>| ms.map(domain::time::format_local).unwrap_or_default();
    t.steps
        .iter()
        .map(|s| {
            let end = s.finished_at.unwrap_or(now);
            StepView {
                seq: s.seq,
                department: s.department.clone(),
                assignee: s.assignee_name.clone().unwrap_or_default(),
                started: domain::time::format_local(s.started_at),
                due: time(s.due_at),
                finished: time(s.finished_at),
                took: took(lang, s.started_at, end),
                outcome: match s.outcome.as_deref() {
                    Some(o) => word(lang, "dossier.outcome", o),
                    None => lang.t("dossier.outcome.open").to_string(),
                },
                late: s.due_at.is_some_and(|due| end > due),
            }
        })
        .collect()
}

fn pauses(t: &Timeline, lang: Lang) -> Vec<PauseView> {
    let per_day = i64::from(store::dossier::deadlines().minutes_per_day());
    t.pauses
        .iter()
        .map(|p| PauseView {
            reason: word(lang, "dossier.pause", &p.reason),
            from: domain::time::format_local(p.from_at),
            to: p.to_at.map(domain::time::format_local).unwrap_or_default(),
            took: match p.paused_minutes {
                Some(m) if lang == Lang::Vi => duration_vi(m, per_day, true),
                Some(m) => duration_en(m, per_day, true),
                None => lang.t("dossier.pause.waiting").to_string(),
            },
            note: p.note.clone(),
        })
        .collect()
}

fn files(t: &Timeline, lang: Lang) -> Vec<FileView> {
    t.files
        .iter()
        .map(|f| FileView {
            id: f.id,
            purpose: word(lang, "dossier.file", &f.purpose),
            component: f.component.clone(),
            file_name: f.file_name.clone(),
            size: format!("{} KB", (f.size + 1023) / 1024),
            uploaded: domain::time::format_local(f.uploaded_at),
        })
        .collect()
}

/// The dossier with this code for `p`: 404, then 403 outside the user's units.
pub async fn dossier_for(st: &AppState, p: &Principal, code: &str) -> Result<Dossier, AppError> {
    let d = crate::api::dossier::find(st, code).await?;
    p.require_unit(st, d.unit_id, DOSSIERS.0).await?;
    Ok(d)
}

/// Renders the page of `d`: 200, or 422 with `shown`'s refusal beside its form.
pub async fn page(
    st: &AppState,
    ctx: PageCtx,
    p: &Principal,
    actor: &Actor,
    d: Dossier,
    q: &DetailQuery,
    shown: Shown,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let revealed = q.personal == "1";
    if revealed {
        store::dossier::privacy::record_personal_read(&st.db, actor, &d, "applicant").await?;
    }
    let unit = store::unit::get(&st.db, d.unit_id).await?.full_name();
    let procedure = store::procedure::get(&st.db, d.procedure_id).await?;
    let t = store::dossier::timeline(&st.db, d.id).await?;
    let ctx_flow = store::dossier::flow_context(&st.db, &d, false).await?;
    let actions = actions_for(p, &d, &ctx_flow);
    let assignee = match d.assignee_id {
        Some(id) => store::user::get(&st.db, id).await.map(|u| u.display_name).unwrap_or_default(),
        None => String::new(),
    };
    let officers = if actions.iter().any(|a| a == "forward" || a == "send_back") {
        officers(st, d.unit_id)
            .await?
            .into_iter()
            .map(|u| Choice { label: format!("{} ({})", u.display_name, u.username), value: u.username })
            .collect()
    } else {
        Vec::new()
    };
    let events = events(&t, lang);
    let comments: Vec<EventView> =
        t.events.iter().zip(&events).filter(|(e, _)| e.action == "comment").map(|(_, v)| v.clone()).collect();
    let notice = if q.done.is_empty() {
        String::new()
    } else {
        format!("{}: {}", lang.t("dossier.done"), word(lang, "dossier.event", &q.done))
    };
    let refused = !shown.error.is_empty();
    let view = DetailPage {
        h: header(&d, lang, unit, procedure.name.clone(), assignee, revealed),
        revealed,
        steps: steps(&t, lang, store::now_ms()),
        pauses: pauses(&t, lang),
        extensions: t
            .extensions
            .iter()
            .map(|e| ExtensionView {
                old_due: domain::time::format_local(e.old_due),
                new_due: domain::time::format_local(e.new_due),
                reason: e.reason.clone(),
                at: domain::time::format_local(e.at),
            })
            .collect(),
        files: files(&t, lang),
        forms: applicable(&d, &t.events).into_iter().map(FormLink::of).collect(),
        template_steps: procedure
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| Choice { value: (i + 1).to_string(), label: format!("{}. {}", i + 1, s.department) })
            .collect(),
        documents: procedure.documents.iter().map(|c| c.name.clone()).collect(),
        events,
        comments,
        actions,
        officers,
        notice,
        shown,
        ctx,
        d,
    };
    render_form(&view, refused)
}

/// `GET /dossiers/{code}`.
pub async fn show(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(code): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Result<Response, AppError> {
    let d = dossier_for(&st, &p, &code).await?;
    page(&st, ctx, &p, &actor, d, &q, Shown::default()).await
}
