//! The citizen's online portal (dịch vụ công trực tuyến), public, no login,
//! phone first: `/dich-vu-cong` lists the procedures offered online (toàn
//! trình or một phần) with a search that ignores diacritics;
//! `/dich-vu-cong/{code}` shows one (fees, time limit, required components)
//! with the submission form: applicant, phone (the tracking key), optional
//! e-mail, the unit to submit to (the procedure's competent units today) and
//! one upload per component.
//!
//! The submission is checked on the server (every required component has a
//! file; each file is PDF, JPEG or PNG within the store's size limit;
//! 30 MB in all) and answered 422 with the message beside the field, or
//! stored by [`store::dossier::online::submit`] (status 1, channel online)
//! and redirected to a confirmation reached only through a keyed link
//! (the code, the expected date, the tracking link and its QR; personal data
//! masked). Submissions are rate-limited per client address ([`SubmitLimiter`]).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::dossier::Channel;
use domain::person::{CitizenId, Phone, mask_name};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::Deserialize;
use store::dossier::file::{MAX_FILE_BYTES, is_allowed_mime, sniff};
use store::dossier::online::{MAX_SUBMISSION_BYTES, Submission};
use store::dossier::{Applicant, NewDossier, NewFile};
use store::procedure::Procedure;
use store::unit::Unit;

use crate::auth::ReqActor;
use crate::error::{AppError, refusal};
use crate::i18n::Lang;
use crate::pages::{PageCtx, render, render_form};
use crate::state::AppState;

/// The purpose of the confirmation page's link key.
const DONE_LINK: &str = "dossier-portal";
/// Submissions a client address may make at once, then one per [`SUBMIT_PERIOD`].
pub const SUBMIT_BURST: u32 = 10;
/// How often a client address regains a submission.
pub const SUBMIT_PERIOD: Duration = Duration::from_secs(60);
/// The request body limit of the submission route.
pub const BODY_LIMIT: usize = MAX_SUBMISSION_BYTES + 1024 * 1024;

/// The submission limit, one per application.
#[derive(Debug)]
pub struct SubmitLimiter(DefaultKeyedRateLimiter<IpAddr>);

impl SubmitLimiter {
    /// [`SUBMIT_BURST`] at once, then one per [`SUBMIT_PERIOD`].
    pub fn new() -> Arc<SubmitLimiter> {
        let quota = Quota::with_period(SUBMIT_PERIOD)
            .unwrap_or_else(|| Quota::per_minute(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(SUBMIT_BURST).unwrap_or(NonZeroU32::MIN));
        Arc::new(SubmitLimiter(RateLimiter::keyed(quota)))
    }

    fn allow(&self, client: &str) -> bool {
        if self.0.len() > 50_000 {
            self.0.retain_recent();
        }
        let ip = client.parse::<IpAddr>().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        self.0.check_key(&ip).is_ok()
    }
}

/// A multipart form read into memory: text fields and non-empty files.
#[derive(Debug, Default)]
pub struct Upload {
    /// Text fields by name (the last one wins).
    pub fields: HashMap<String, String>,
    /// Files by field name: (file name, declared type, content).
    pub files: HashMap<String, (String, Option<String>, Vec<u8>)>,
    /// Field names whose file was over [`MAX_FILE_BYTES`].
    pub too_large: Vec<String>,
}

impl Upload {
    /// A text field, trimmed ("" when absent).
    pub fn text(&self, name: &str) -> String {
        self.fields.get(name).map(|s| s.trim().to_string()).unwrap_or_default()
    }

    /// Whether a checkbox named `name` was ticked (each has its own name).
    pub fn checked(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }
}

/// A checked form: the fields as typed (to echo), the errors by field, and
/// what to store when there are none.
pub type Checked<F, T> = (F, HashMap<String, String>, Option<T>);

/// Reads a multipart form; files beyond [`MAX_FILE_BYTES`] are noted, not kept.
///
/// # Errors
/// A bad form (400), or a body over the route's limit (413).
pub async fn read_upload(mut form: Multipart) -> Result<Upload, AppError> {
    let mut up = Upload::default();
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::Unprocessable(format!(
                "tổng dung lượng tệp vượt {} MB (the files exceed {} MB in all)",
                MAX_SUBMISSION_BYTES >> 20,
                MAX_SUBMISSION_BYTES >> 20
            ))
        } else {
            AppError::BadRequest(format!("biểu mẫu không hợp lệ (bad form): {}", e.body_text()))
        }
    };
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        match field.file_name().map(str::to_string) {
            None => {
                let text = field.text().await.map_err(bad)?;
                up.fields.insert(name, text);
            }
            Some(file_name) => {
                let declared = field.content_type().map(str::to_string);
                let mut content = Vec::new();
                let mut over = false;
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    if content.len() + chunk.len() > MAX_FILE_BYTES {
                        over = true;
                        content.clear();
                    } else if !over {
                        content.extend_from_slice(&chunk);
                    }
                }
                if over {
                    up.too_large.push(name);
                } else if !content.is_empty() {
                    up.files.insert(name, (file_name, declared, content));
                }
            }
        }
    }
    Ok(up)
}

/// Why a file cannot be accepted, in the page's language, if it cannot.
pub fn file_problem(lang: Lang, declared: Option<&str>, content: &[u8]) -> Option<&'static str> {
    let Some(mime) = sniff(content) else { return Some(lang.t("portal.err.type")) };
    match declared.filter(|m| !m.trim().is_empty() && !m.eq_ignore_ascii_case("application/octet-stream")) {
        Some(m) if !is_allowed_mime(m) => Some(lang.t("portal.err.type")),
        Some(m) => {
            let base = m.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            let base = if base == "image/jpg" { "image/jpeg".to_string() } else { base };
            (base != mime).then(|| lang.t("portal.err.mismatch"))
        }
        None => None,
    }
}

/// Fees as a line ("Lệ phí: 8.000 ₫"), or "free".
pub fn fees_text(lang: Lang, p: &Procedure) -> String {
    if p.fees.is_empty() {
        return lang.t("portal.free").to_string();
    }
    p.fees
        .iter()
        .map(|f| format!("{}: {}", f.label, domain::payment::money::format_dong(f.amount)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn today_ms() -> i64 {
    store::now_ms()
}

fn today() -> chrono::NaiveDate {
    domain::time::local_date(domain::time::from_millis(today_ms()))
}

/// The search query.
#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    /// Words of the name or code.
    #[serde(default)]
    pub q: String,
}

/// A procedure as the list shows it.
pub struct Row {
    /// The procedure.
    pub p: Procedure,
    /// Its fees, as a line.
    pub fees: String,
}

#[derive(Template)]
#[template(path = "dossier/portal.html")]
struct ListPage {
    ctx: PageCtx,
    q: String,
    rows: Vec<Row>,
}

/// `GET /dich-vu-cong`: the procedures offered online, searchable.
pub async fn list(
    State(st): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let rows = store::procedure::search(&st.db, &q.q, today(), 500)
        .await?
        .into_iter()
        .filter(|p| p.online_level.is_online())
        .map(|p| Row { fees: fees_text(lang, &p), p })
        .collect();
    render(&ListPage { ctx, q: q.q.trim().to_string(), rows })
}

/// The submission form's text fields, echoed on a refusal.
#[derive(Debug, Default, Clone)]
pub struct PortalForm {
    /// Applicant's name.
    pub name: String,
    /// CCCD.
    pub id_number: String,
    /// Phone.
    pub phone: String,
    /// E-mail.
    pub email: String,
    /// Address.
    pub address: String,
    /// The chosen unit's id.
    pub unit: String,
}

#[derive(Template)]
#[template(path = "dossier/portal_form.html")]
struct FormPage {
    ctx: PageCtx,
    p: Procedure,
    fees: String,
    units: Vec<Unit>,
    form: PortalForm,
    errors: HashMap<String, String>,
    error: String,
    max_mb: usize,
    total_mb: usize,
}

impl FormPage {
    fn err(&self, field: &str) -> &str {
        self.errors.get(field).map(String::as_str).unwrap_or("")
    }

    fn unit_selected(&self, u: &Unit) -> bool {
        self.form.unit == u.id.to_string()
    }
}

/// The procedure valid today with this code, offered online, or 404.
async fn online_procedure(st: &AppState, code: &str) -> Result<Procedure, AppError> {
    store::procedure::current(&st.db, code, today()).await?.filter(|p| p.online_level.is_online()).ok_or_else(|| {
        AppError::NotFound(format!("không có dịch vụ công trực tuyến mã {} (no such online service)", code.trim()))
    })
}

async fn form_page(
    st: &AppState,
    ctx: PageCtx,
    p: Procedure,
    form: PortalForm,
    errors: HashMap<String, String>,
    error: String,
) -> Result<Response, AppError> {
    let units = store::dossier::online::competent_units(&st.db, &p, today_ms()).await?;
    let refused = !errors.is_empty() || !error.is_empty();
    let page = FormPage {
        fees: fees_text(ctx.lang, &p),
        ctx,
        p,
        units,
        form,
        errors,
        error,
        max_mb: MAX_FILE_BYTES >> 20,
        total_mb: MAX_SUBMISSION_BYTES >> 20,
    };
    render_form(&page, refused)
}

/// `GET /dich-vu-cong/{code}`: the procedure and its form.
pub async fn show(State(st): State<AppState>, ctx: PageCtx, Path(code): Path<String>) -> Result<Response, AppError> {
    let p = online_procedure(&st, &code).await?;
    form_page(&st, ctx, p, PortalForm::default(), HashMap::new(), String::new()).await
}

/// Checks the fields and files; the submission, or the errors by field.
fn validate(
    lang: Lang,
    p: &Procedure,
    up: &Upload,
    units: &[Unit],
) -> Checked<PortalForm, (Applicant, i64, Vec<NewFile>)> {
    let form = PortalForm {
        name: up.text("name"),
        id_number: up.text("id_number"),
        phone: up.text("phone"),
        email: up.text("email"),
        address: up.text("address"),
        unit: up.text("unit"),
    };
    let mut errors = HashMap::new();
    let mut err = |k: &str, v: String| {
        errors.insert(k.to_string(), v);
    };
    if form.name.is_empty() {
        err("name", lang.t("portal.err.name").into());
    }
    let id_number = match CitizenId::parse(&form.id_number) {
        Ok(c) => Some(c),
        Err(e) => {
            err("id_number", e.to_string());
            None
        }
    };
    let phone = match Phone::parse(&form.phone) {
        Ok(ph) => Some(ph),
        Err(_) => {
            err("phone", lang.t("portal.err.phone").into());
            None
        }
    };
    if !form.email.is_empty() && domain::notify::Email::parse(&form.email).is_err() {
        err("email", lang.t("portal.err.email").into());
    }
    let unit = units.iter().find(|u| u.id.to_string() == form.unit);
    if unit.is_none() {
        err("unit", lang.t("portal.err.unit").into());
    }
    let mut files = Vec::new();
    for (i, c) in p.documents.iter().enumerate() {
        let field = format!("file_{i}");
        if up.too_large.contains(&field) {
            err(&field, lang.t("portal.err.size").replace("{n}", &(MAX_FILE_BYTES >> 20).to_string()));
            continue;
        }
        match up.files.get(&field) {
            Some((name, declared, content)) => match file_problem(lang, declared.as_deref(), content) {
                Some(problem) => err(&field, problem.to_string()),
                None => files.push(NewFile {
                    is_result: false,
                    component: c.name.clone(),
                    file_name: name.clone(),
                    declared_mime: declared.clone(),
                    content: content.clone(),
                }),
            },
            None if c.required => err(&field, lang.t("portal.err.missing").to_string()),
            None => {}
        }
    }
    let ok = match (errors.is_empty(), id_number, phone, unit) {
        (true, id, Some(phone), Some(u)) => {
            let address = Some(form.address.clone()).filter(|a| !a.is_empty());
            Some((Applicant { name: form.name.clone(), id_number: id, phone: Some(phone), address }, u.id, files))
        }
        _ => None,
    };
    (form, errors, ok)
}

/// `POST /dich-vu-cong/{code}` (multipart): the submission.
pub async fn submit(
    State(st): State<AppState>,
    Extension(limiter): Extension<Arc<SubmitLimiter>>,
    ctx: PageCtx,
    ReqActor(actor): ReqActor,
    Path(code): Path<String>,
    form: Multipart,
) -> Result<Response, AppError> {
    let p = online_procedure(&st, &code).await?;
    if !limiter.allow(&actor.client_addr) {
        return Err(AppError::TooManyRequests(ctx.t("portal.limited").to_string()));
    }
    let up = match read_upload(form).await {
        Ok(up) => up,
        Err(AppError::Unprocessable(m)) => {
            return form_page(&st, ctx, p, PortalForm::default(), HashMap::new(), m).await;
        }
        Err(e) => return Err(e),
    };
    let units = store::dossier::online::competent_units(&st.db, &p, today_ms()).await?;
    let (form, errors, ok) = validate(ctx.lang, &p, &up, &units);
    let Some((applicant, unit_id, files)) = ok else {
        let summary = ctx.t("portal.err.summary").to_string();
        return form_page(&st, ctx, p, form, errors, summary).await;
    };
    let agency = units.iter().find(|u| u.id == unit_id).map(|u| u.code.clone()).unwrap_or_default();
    let sub = Submission {
        dossier: NewDossier { unit_id, agency, procedure_code: p.code.clone(), applicant, channel: Channel::Online },
        email: Some(form.email.clone()).filter(|e| !e.is_empty()),
        files,
    };
    match store::dossier::online::submit(&st.db, &actor, sub, store::now_ms()).await {
        Ok(d) => {
            let key = domain::auth::link_key(&st.secret, DONE_LINK, &d.code);
            Ok(Redirect::to(&format!("/dich-vu-cong/da-nop/{}?k={key}", d.code)).into_response())
        }
        Err(e) => {
            let m = refusal(e)?;
            form_page(&st, ctx, p, form, HashMap::new(), m).await
        }
    }
}

/// The confirmation link's key.
#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    /// The key of the link.
    #[serde(default)]
    pub k: String,
}

#[derive(Template)]
#[template(path = "dossier/portal_done.html")]
struct DonePage {
    ctx: PageCtx,
    code: String,
    procedure: String,
    applicant: String,
    phone: String,
    expected: String,
    tracking_url: String,
    qr: String,
}

/// `GET /dich-vu-cong/da-nop/{code}?k=…`: the confirmation (masked).
pub async fn done(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(code): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let missing = || AppError::NotFound("không tìm thấy hồ sơ (no such dossier)".into());
    if !domain::auth::link_key_matches(&st.secret, DONE_LINK, code.trim(), &q.k) {
        return Err(missing());
    }
    let d = store::dossier::by_code(&st.db, &code).await?.ok_or_else(missing)?;
    let procedure = store::procedure::get(&st.db, d.procedure_id).await?.name;
    let expected = match store::dossier::online::expected_due(&d, store::now_ms()) {
        Some(due) => domain::time::format_local(due),
        None => ctx.t("track.expected.none").to_string(),
    };
    let tracking_url = crate::notify::dossier::tracking_url(&st.config.public_url, &d.code);
    let qr = documents::qr::svg(&tracking_url).unwrap_or_default();
    let phone = d.applicant_phone.as_deref().and_then(|p| Phone::parse(p).ok()).map(|p| p.masked()).unwrap_or_default();
    let page = DonePage {
        ctx,
        code: d.code.clone(),
        procedure,
        applicant: mask_name(&d.applicant_name),
        phone,
        expected,
        tracking_url,
        qr,
    };
    let mut resp = render(&page)?;
    resp.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    Ok(resp)
}
