//! Setting up a center (administrators): the center's rules (priority rule,
//! numbering, appointment check-in window), its services grouped by field
//! with ticket prefixes and service-level targets, and its counters with
//! their work profiles. Nothing is deleted; services and counters are made
//! inactive, so history keeps its names. Every change is audited.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::queue::{CallOrder, NewService, NumberingMode, PriorityRule};
use serde::Deserialize;
use store::queue::{Center, CenterSettings, Counter, NewCenter, NewCounter, Service, ServiceUpdate};

use crate::auth::{CurrentUser, Need, Principal, ReqActor};
use crate::error::{AppError, refusal};
use crate::pages::{PageCtx, render_form};
use crate::state::AppState;

async fn admin_center(st: &AppState, p: &Principal, code: &str) -> Result<Center, AppError> {
    let center = store::queue::center_by_code(&st.db, code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("không có trung tâm mã {code} (no such center)")))?;
    p.require_unit(st, center.unit_id, Need::ADMIN.0).await?;
    Ok(center)
}

/// A counter with the positions of its profile's services (1-based), by service.
pub struct CounterRow {
    /// The counter.
    pub counter: Counter,
    /// (service id, position in the profile or 0).
    pub positions: Vec<(i64, usize)>,
}

#[derive(Template)]
#[template(path = "queue/settings.html")]
struct Page {
    ctx: PageCtx,
    center: Center,
    services: Vec<Service>,
    counters: Vec<CounterRow>,
    error: String,
    saved: bool,
}

impl Page {
    fn position(&self, row: &CounterRow, service_id: &i64) -> String {
        row.positions.iter().find(|(s, _)| s == service_id).map(|(_, p)| p.to_string()).unwrap_or_default()
    }
}

async fn page(st: &AppState, ctx: PageCtx, center: Center, error: String, saved: bool) -> Result<Response, AppError> {
    let services = store::queue::services(&st.db, center.id).await?;
    let mut counters = Vec::new();
    for counter in store::queue::counters(&st.db, center.id).await? {
        let profile = store::queue::profile(&st.db, counter.id).await?;
        let positions = profile.iter().enumerate().map(|(i, s)| (*s, i + 1)).collect();
        counters.push(CounterRow { counter, positions });
    }
    let refused = !error.is_empty();
    render_form(&Page { ctx, center, services, counters, error, saved }, refused)
}

/// Runs a change; a refusal (bad input, duplicate code) is shown on the page,
/// success redirects back to it.
async fn after_change<T>(
    st: &AppState,
    ctx: PageCtx,
    center: Center,
    outcome: Result<T, String>,
) -> Result<Response, AppError> {
    match outcome {
        Ok(_) => {
            st.caches.centers.clear();
            st.caches.counter_centers.clear();
            Ok(Redirect::to(&format!("/queue/{}/settings?saved=1", center.code)).into_response())
        }
        Err(e) => page(st, ctx, center, e, false).await,
    }
}

/// Flattens a store result into "ok or the message for the user"; other errors propagate.
fn shown<T>(r: Result<T, store::Error>) -> Result<Result<T, String>, AppError> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(e) => refusal(e).map(Err),
    }
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).unwrap_or("")
}

fn number(form: &[(String, String)], name: &str) -> Result<i64, String> {
    field(form, name).parse().map_err(|_| format!("\"{name}\" phải là số (must be a number)"))
}

/// `POST /queue/{center}/settings`: the center's rules.
pub async fn save_center(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(code): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let center = admin_center(&st, &p, &code).await?;
    let parsed = (|| {
        let every = number(&form, "priority_every").unwrap_or(0);
        let rule = PriorityRule::from_parts(field(&form, "priority_rule"), every).map_err(|e| e.to_string())?;
        let numbering = NumberingMode::parse(field(&form, "numbering")).ok_or("cách đánh số không hợp lệ")?;
        Ok::<_, String>(CenterSettings {
            name: field(&form, "name").to_string(),
            rule,
            numbering,
            checkin_early_min: number(&form, "checkin_early_min")?,
            checkin_late_min: number(&form, "checkin_late_min")?,
        })
    })();
    let outcome = match parsed {
        Ok(s) => shown(store::queue::update_center(&st.db, &actor, center.id, s, store::now_ms()).await)?,
        Err(e) => Err(e),
    };
    after_change(&st, ctx, center, outcome).await
}

/// `POST /queue/{center}/services`: a new service, or (`id` given) a change to one.
pub async fn save_service(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(code): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let center = admin_center(&st, &p, &code).await?;
    let target = match u32::try_from(number(&form, "target_wait_min").unwrap_or(-1)) {
        Ok(t) => t,
        Err(_) => {
            return page(&st, ctx, center, "Chỉ tiêu chờ phải là số phút (target in minutes).".into(), false).await;
        }
    };
    let at = store::now_ms();
    let outcome = match field(&form, "id").parse::<i64>() {
        Ok(id) => {
            if store::queue::service(&st.db, id).await?.center_id != center.id {
                return Err(AppError::NotFound("dịch vụ của trung tâm khác (service of another center)".into()));
            }
            let up = ServiceUpdate {
                name: field(&form, "name").into(),
                field: field(&form, "field").into(),
                prefix: field(&form, "prefix").into(),
                target_wait_minutes: target,
                active: field(&form, "active") == "on",
            };
            shown(store::queue::update_service(&st.db, &actor, id, up, at).await)?.map(|_| ())
        }
        Err(_) => {
            let new = NewService {
                code: field(&form, "code").into(),
                name: field(&form, "name").into(),
                field: field(&form, "field").into(),
                prefix: field(&form, "prefix").into(),
                target_wait_minutes: target,
            };
            shown(store::queue::create_service(&st.db, &actor, center.id, new, at).await)?.map(|_| ())
        }
    };
    after_change(&st, ctx, center, outcome).await
}

/// The profile from the form: `svc_<id>` = position (1 first; empty = not served).
fn profile_of(form: &[(String, String)]) -> Vec<i64> {
    let mut picked: Vec<(i64, i64)> = form
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("svc_")?.parse().ok()?, v.trim().parse::<i64>().ok()?)))
        .filter(|(_, pos)| *pos > 0)
        .collect();
    picked.sort_by_key(|(id, pos)| (*pos, *id));
    picked.into_iter().map(|(id, _)| id).collect()
}

/// `POST /queue/{center}/counters`: a new counter, or (`id` given) a change, with its work profile.
pub async fn save_counter(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(code): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let center = admin_center(&st, &p, &code).await?;
    let order = CallOrder::parse(field(&form, "call_order")).unwrap_or_default();
    let services = profile_of(&form);
    let at = store::now_ms();
    let outcome = match field(&form, "id").parse::<i64>() {
        Ok(id) => {
            if store::queue::counter(&st.db, id).await?.center_id != center.id {
                return Err(AppError::NotFound("quầy của trung tâm khác (counter of another center)".into()));
            }
            let active = field(&form, "active") == "on";
            match shown(
                store::queue::update_counter(&st.db, &actor, id, (field(&form, "name"), order, active), at).await,
            )? {
                Ok(_) => shown(store::queue::set_profile(&st.db, &actor, id, &services, at).await)?,
                Err(e) => Err(e),
            }
        }
        Err(_) => {
            let new =
                NewCounter { code: field(&form, "code").into(), name: field(&form, "name").into(), order, services };
            shown(store::queue::create_counter(&st.db, &actor, center.id, new, at).await)?.map(|_| ())
        }
    };
    after_change(&st, ctx, center, outcome).await
}

/// A new center.
#[derive(Debug, Deserialize)]
pub struct NewCenterForm {
    /// The unit's code (its center or desk, or the commune).
    pub unit: String,
    /// Center code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// `POST /queue/centers`: creates a center for a unit (valid today) and opens its settings.
pub async fn create(
    State(st): State<AppState>,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Form(f): Form<NewCenterForm>,
) -> Result<Response, AppError> {
    let today = domain::time::local_date(chrono::Utc::now());
    let unit = store::unit::by_code(&st.db, f.unit.trim(), today).await?.ok_or_else(|| {
        AppError::Unprocessable(format!("không có đơn vị mã {} hôm nay (no such unit today)", f.unit))
    })?;
    p.require_unit(&st, unit.id, Need::ADMIN.0).await?;
    let new = NewCenter {
        unit_id: unit.id,
        code: f.code,
        name: f.name,
        rule: PriorityRule::Interleaved { every: 3 },
        numbering: NumberingMode::DailyReset,
        checkin_early_min: 30,
        checkin_late_min: 15,
    };
    let center = store::queue::create_center(&st.db, &actor, new, store::now_ms()).await?;
    st.caches.centers.clear();
    Ok(Redirect::to(&format!("/queue/{}/settings", center.code)).into_response())
}

/// Whether the page was reached after a save.
#[derive(Debug, Default, Deserialize)]
pub struct Saved {
    /// `1` after a save.
    #[serde(default)]
    pub saved: Option<u8>,
}

/// `GET /queue/{center}/settings[?saved=1]`.
pub async fn show(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Path(code): Path<String>,
    axum::extract::Query(q): axum::extract::Query<Saved>,
) -> Result<Response, AppError> {
    let center = admin_center(&st, &p, &code).await?;
    page(&st, ctx, center, String::new(), q.saved == Some(1)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_follows_the_positions_typed() {
        let form: Vec<(String, String)> =
            [("svc_7", "2"), ("svc_3", "1"), ("svc_9", ""), ("svc_4", "0"), ("name", "Q")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        assert_eq!(profile_of(&form), vec![3, 7]);
    }
}
