//! Counter intake (tiếp nhận hồ sơ tại quầy), `/dossiers/new`: the desk
//! officer picks the procedure (a search that ignores diacritics), fills in
//! the applicant, ticks the components handed over (optionally scanning
//! each) and receives the dossier.
//!
//! From the counter console the link carries `?ticket={visit id}`: the CCCD
//! scanned at the kiosk is filled in. The visit must belong to a center in
//! the officer's scope, and reading its CCCD is an audited personal-data
//! access (`queue.citizen_read`). The completeness check is the store's
//! ([`store::dossier::online::receive_complete`]): receiving is refused with
//! 422 and the missing components named beside the list until every
//! required one is ticked. Success redirects to the dossier's page
//! (`/dossiers/{code}`), where the receipt (Mẫu 01) is printed.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::dossier::Channel;
use domain::person::{CitizenId, Phone};
use serde::Deserialize;
use serde_json::json;
use store::audit::{Actor, Change};
use store::dossier::{Applicant, NewDossier, NewFile};
use store::procedure::Procedure;

use super::portal::{Checked, Upload, fees_text, file_problem, read_upload};
use crate::api::dossier::receiving_unit;
use crate::auth::{CurrentUser, Principal, ReqActor};
use crate::error::{AppError, refusal};
use crate::pages::area::DOSSIERS;
use crate::pages::{PageCtx, render_form};
use crate::state::AppState;

/// The page's query.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct IntakeQuery {
    /// The queue visit (ticket id) the citizen came with.
    #[serde(default)]
    pub ticket: String,
    /// Procedure search.
    #[serde(default)]
    pub q: String,
    /// The chosen procedure's code.
    #[serde(default)]
    pub procedure: String,
}

/// The form's fields, echoed on a refusal.
#[derive(Debug, Default, Clone)]
pub struct IntakeForm {
    /// The visit.
    pub ticket: String,
    /// Applicant's name.
    pub name: String,
    /// CCCD.
    pub id_number: String,
    /// Phone.
    pub phone: String,
    /// Address.
    pub address: String,
    /// Receiving unit's code (officers with several units).
    pub unit: String,
    /// Ticked components, by index.
    pub ticked: Vec<usize>,
}

#[derive(Template)]
#[template(path = "dossier/intake.html")]
struct IntakePage {
    ctx: PageCtx,
    q: String,
    results: Vec<Procedure>,
    procedure: Option<Procedure>,
    fees: String,
    form: IntakeForm,
    ask_unit: bool,
    ticket_number: String,
    errors: HashMap<String, String>,
    error: String,
    max_mb: usize,
}

impl IntakePage {
    fn err(&self, field: &str) -> &str {
        self.errors.get(field).map(String::as_str).unwrap_or("")
    }

    fn is_ticked(&self, i: &usize) -> bool {
        self.form.ticked.contains(i)
    }
}

fn today() -> chrono::NaiveDate {
    domain::time::local_date(domain::time::from_millis(store::now_ms()))
}

/// Whether the officer has exactly one unit-scoped dossier grant (then the
/// receiving unit is implied).
fn single_unit(p: &Principal) -> bool {
    let mut ids: Vec<i64> =
        p.grants.iter().filter(|g| DOSSIERS.0.contains(&g.role)).filter_map(|g| g.unit_id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len() == 1
}

/// The CCCD scanned for queue visit `ticket`, for an officer whose scope
/// covers its center; the read is audited. Returns the ticket number too.
async fn visit_citizen(
    st: &AppState,
    p: &Principal,
    actor: &Actor,
    ticket: &str,
) -> Result<(String, Option<String>), AppError> {
    let Ok(id) = ticket.trim().parse::<i64>() else {
        return Err(AppError::NotFound("không có lượt tiếp dân này (no such visit)".into()));
    };
    let t = store::queue::ticket(&st.db, id).await?;
    let center = store::queue::center(&st.db, t.center_id).await?;
    p.require_unit(st, center.unit_id, DOSSIERS.0).await?;
    if let Some(c) = &t.citizen_id {
        let masked = CitizenId::parse(c).map(|c| c.masked()).unwrap_or_else(|_| "***".into());
        let change = Change {
            unit_id: Some(center.unit_id),
            action: "queue.citizen_read",
            object_type: "queue_ticket",
            object_id: t.id.to_string(),
            before: None,
            after: Some(json!({"purpose": "dossier_intake", "cccd": masked, "number": t.number})),
        };
        store::audit::record(&st.db, actor, &change).await?;
    }
    Ok((t.number, t.citizen_id))
}

#[expect(clippy::too_many_arguments, reason = "the page's parts, each needed once")]
async fn page(
    st: &AppState,
    ctx: PageCtx,
    p: &Principal,
    q: String,
    procedure: Option<Procedure>,
    form: IntakeForm,
    ticket_number: String,
    errors: HashMap<String, String>,
    error: String,
) -> Result<Response, AppError> {
    let results = if procedure.is_none() || !q.is_empty() {
        store::procedure::search(&st.db, &q, today(), 50).await?
    } else {
        Vec::new()
    };
    let refused = !errors.is_empty() || !error.is_empty();
    let fees = procedure.as_ref().map(|pr| fees_text(ctx.lang, pr)).unwrap_or_default();
    let page = IntakePage {
        ask_unit: !single_unit(p),
        ctx,
        q,
        results,
        procedure,
        fees,
        form,
        ticket_number,
        errors,
        error,
        max_mb: store::dossier::file::MAX_FILE_BYTES >> 20,
    };
    render_form(&page, refused)
}

/// `GET /dossiers/new`: the intake form (prefilled from `?ticket=`).
pub async fn form(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Query(q): Query<IntakeQuery>,
) -> Result<Response, AppError> {
    let mut form = IntakeForm { ticket: q.ticket.trim().to_string(), ..IntakeForm::default() };
    let mut ticket_number = String::new();
    if !form.ticket.is_empty() {
        let (number, citizen) = visit_citizen(&st, &p, &actor, &form.ticket).await?;
        ticket_number = number;
        form.id_number = citizen.unwrap_or_default();
    }
    let procedure = match q.procedure.trim() {
        "" => None,
        code => Some(
            store::procedure::current(&st.db, code, today())
                .await?
                .ok_or_else(|| AppError::NotFound(format!("không có thủ tục mã {code} (no such procedure)")))?,
        ),
    };
    page(&st, ctx, &p, q.q.trim().to_string(), procedure, form, ticket_number, HashMap::new(), String::new()).await
}

/// Reads and checks the posted form: the dossier's applicant, the ticked
/// components and the scanned files, or the errors by field.
fn validate(ctx: &PageCtx, pr: &Procedure, up: &Upload) -> Checked<IntakeForm, (Applicant, Vec<String>, Vec<NewFile>)> {
    let mut form = IntakeForm {
        ticket: up.text("ticket"),
        name: up.text("name"),
        id_number: up.text("id_number"),
        phone: up.text("phone"),
        address: up.text("address"),
        unit: up.text("unit"),
        ticked: Vec::new(),
    };
    let mut errors = HashMap::new();
    if form.name.is_empty() {
        errors.insert("name".to_string(), ctx.t("portal.err.name").to_string());
    }
    let id_number = match form.id_number.as_str() {
        "" => None,
        s => CitizenId::parse(s).map_err(|e| errors.insert("id_number".into(), e.to_string())).ok(),
    };
    let phone = match form.phone.as_str() {
        "" => None,
        s => Phone::parse(s).map_err(|_| errors.insert("phone".into(), ctx.t("portal.err.phone").into())).ok(),
    };
    let mut ticked = Vec::new();
    let mut files = Vec::new();
    for (i, c) in pr.documents.iter().enumerate() {
        let field = format!("file_{i}");
        let mut has = up.checked(&format!("component_{i}"));
        if up.too_large.contains(&field) {
            errors.insert(
                field.clone(),
                ctx.t("portal.err.size").replace("{n}", &(store::dossier::file::MAX_FILE_BYTES >> 20).to_string()),
            );
        } else if let Some((name, declared, content)) = up.files.get(&field) {
            match file_problem(ctx.lang, declared.as_deref(), content) {
                Some(problem) => {
                    errors.insert(field.clone(), problem.to_string());
                }
                None => {
                    has = true;
                    files.push(NewFile {
                        is_result: false,
                        component: c.name.clone(),
                        file_name: name.clone(),
                        declared_mime: declared.clone(),
                        content: content.clone(),
                    });
                }
            }
        }
        if has {
            form.ticked.push(i);
            ticked.push(c.name.clone());
        }
    }
    let missing = store::dossier::online::missing_components(&pr.documents, &ticked);
    if !missing.is_empty() {
        errors.insert("components".into(), format!("{} {}", ctx.t("intake.err.missing"), missing.join("; ")));
    }
    let ok = errors.is_empty().then(|| {
        let address = Some(form.address.clone()).filter(|a| !a.is_empty());
        (Applicant { name: form.name.clone(), id_number, phone, address }, ticked, files)
    });
    (form, errors, ok)
}

/// `POST /dossiers/new?procedure=…` (multipart): receives the dossier.
pub async fn receive(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Query(q): Query<IntakeQuery>,
    form: Multipart,
) -> Result<Response, AppError> {
    let up = read_upload(form).await?;
    let code = if q.procedure.trim().is_empty() { up.text("procedure") } else { q.procedure.trim().to_string() };
    let pr = store::procedure::current(&st.db, &code, today())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("không có thủ tục mã {code} (no such procedure)")))?;
    let (form, mut errors, ok) = validate(&ctx, &pr, &up);
    let unit = match receiving_unit(&st, &p, Some(form.unit.as_str())).await {
        Ok(u) => Some(u),
        Err(AppError::Unprocessable(m) | AppError::NotFound(m)) => {
            errors.insert("unit".into(), m);
            None
        }
        Err(e) => return Err(e),
    };
    let (Some((applicant, ticked, files)), Some(unit), true) = (ok, unit, errors.is_empty()) else {
        let summary = ctx.t("portal.err.summary").to_string();
        return page(&st, ctx, &p, String::new(), Some(pr), form, String::new(), errors, summary).await;
    };
    let new = NewDossier {
        unit_id: unit.id,
        agency: unit.code.clone(),
        procedure_code: pr.code.clone(),
        applicant,
        channel: Channel::Counter,
    };
    match store::dossier::online::receive_complete(&st.db, &actor, new, &ticked, files, store::now_ms()).await {
        Ok(d) => Ok(Redirect::to(&format!("/dossiers/{}", d.code)).into_response()),
        Err(e) => {
            let m = refusal(e)?;
            page(&st, ctx, &p, String::new(), Some(pr), form, String::new(), HashMap::new(), m).await
        }
    }
}
