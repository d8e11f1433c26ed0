//! Appointments: citizens book a slot of a service online and get a code to
//! check in at the kiosk; officers open slots, with a capacity each, on
//! working days (the Vietnamese working calendar: weekends and public
//! holidays, with their make-up days, are refused).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate, NaiveTime};
use domain::person::{CitizenId, Phone};
use serde::Deserialize;
use store::queue::appointment::{Booking, Slot};
use store::queue::{Center, Service};

use crate::auth::{CurrentUser, ReqActor};
use crate::error::AppError;
use crate::pages::area::QUEUE;
use crate::pages::{PageCtx, render, render_form};
use crate::state::AppState;

/// Days ahead that citizens may book and officers see.
const HORIZON_DAYS: i64 = 14;

async fn center_by_code(st: &AppState, code: &str) -> Result<Center, AppError> {
    store::queue::center_by_code(&st.db, code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("không có trung tâm mã {code} (no such center)")))
}

/// A slot with how it is shown.
pub struct SlotRow {
    /// The slot.
    pub slot: Slot,
    /// Its local start, `dd/MM/yyyy HH:mm`.
    pub label: String,
    /// Places left.
    pub left: i64,
}

async fn upcoming(st: &AppState, service_id: i64, now: i64) -> Result<Vec<SlotRow>, AppError> {
    let slots = store::queue::appointment::slots(&st.db, service_id, now, now + HORIZON_DAYS * 86_400_000).await?;
    Ok(slots
        .into_iter()
        .map(|slot| SlotRow {
            label: domain::time::format_local(slot.starts_at),
            left: slot.capacity - slot.booked,
            slot,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "queue/book_centers.html")]
struct CentersPage {
    ctx: PageCtx,
    centers: Vec<Center>,
}

/// `GET /book`: the centers that take appointments.
pub async fn centers(State(st): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    let centers = store::queue::centers(&st.db).await?;
    render(&CentersPage { ctx, centers })
}

#[derive(Template)]
#[template(path = "queue/book.html")]
struct BookPage {
    ctx: PageCtx,
    center: Center,
    services: Vec<Service>,
    chosen: Option<Service>,
    slots: Vec<SlotRow>,
    error: String,
    name: String,
    phone: String,
}

/// Which service the citizen looks at.
#[derive(Debug, Default, Deserialize)]
pub struct BookQuery {
    /// Service code.
    #[serde(default)]
    pub service: String,
}

async fn book_page(
    st: &AppState,
    ctx: PageCtx,
    center: Center,
    service_code: &str,
    error: String,
    (name, phone): (String, String),
) -> Result<Response, AppError> {
    let services: Vec<Service> =
        store::queue::services(&st.db, center.id).await?.into_iter().filter(|s| s.active).collect();
    let chosen = services.iter().find(|s| s.code == service_code).cloned();
    let slots = match &chosen {
        Some(s) => upcoming(st, s.id, store::now_ms()).await?.into_iter().filter(|r| r.left > 0).collect(),
        None => Vec::new(),
    };
    let refused = !error.is_empty();
    render_form(&BookPage { ctx, center, services, chosen, slots, error, name, phone }, refused)
}

/// `GET /book/{center}?service=…`: choose a service, then a slot.
pub async fn form(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(code): Path<String>,
    Query(q): Query<BookQuery>,
) -> Result<Response, AppError> {
    let center = center_by_code(&st, &code).await?;
    book_page(&st, ctx, center, &q.service, String::new(), Default::default()).await
}

/// The booking form.
#[derive(Debug, Deserialize)]
pub struct BookForm {
    /// Service code.
    pub service: String,
    /// The chosen slot.
    pub slot: Option<i64>,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Phone.
    #[serde(default)]
    pub phone: String,
    /// CCCD number (optional).
    #[serde(default)]
    pub cccd: String,
}

/// `POST /book/{center}`: books the slot and shows the code.
pub async fn book(
    State(st): State<AppState>,
    ctx: PageCtx,
    ReqActor(actor): ReqActor,
    Path(code): Path<String>,
    Form(f): Form<BookForm>,
) -> Result<Response, AppError> {
    let center = center_by_code(&st, &code).await?;
    let keep = (f.name.clone(), f.phone.clone());
    let refuse = |msg: String| (msg, keep.clone());
    let checked: Result<(i64, Booking), (String, (String, String))> = (|| {
        let slot = f.slot.ok_or_else(|| refuse("Hãy chọn một khung giờ.".into()))?;
        let name = f.name.trim();
        if name.chars().count() < 2 || name.chars().count() > 100 {
            return Err(refuse("Hãy nhập họ tên (2 đến 100 ký tự).".into()));
        }
        let phone = Phone::parse(&f.phone).map_err(|e| refuse(e.to_string()))?;
        let citizen_id = match f.cccd.trim() {
            "" => None,
            c => Some(CitizenId::parse(c).map_err(|e| refuse(e.to_string()))?),
        };
        Ok((slot, Booking { name: name.to_string(), phone: Some(phone), citizen_id }))
    })();
    let (slot_id, who) = match checked {
        Ok(v) => v,
        Err((msg, keep)) => return book_page(&st, ctx, center, &f.service, msg, keep).await,
    };
    // The slot must belong to a service of this center.
    let service = store::queue::service_by_code(&st.db, center.id, &f.service)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("không có dịch vụ mã {} (no such service)", f.service)))?;
    let now = store::now_ms();
    if !upcoming(&st, service.id, now).await?.iter().any(|r| r.slot.id == slot_id) {
        return book_page(&st, ctx, center, &f.service, "Khung giờ này không còn nhận đặt.".into(), keep).await;
    }
    match store::queue::appointment::book(&st.db, &actor, slot_id, who, now).await {
        Ok(a) => Ok(Redirect::to(&format!("/book/{}/done/{}", center.code, a.code)).into_response()),
        Err(e @ (store::Error::Conflict(_) | store::Error::Invalid(_))) => {
            book_page(&st, ctx, center, &f.service, e.to_string(), keep).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "queue/book_done.html")]
struct Done {
    ctx: PageCtx,
    center: Center,
    service: Service,
    code: String,
    when: String,
    window: String,
    phone: String,
    qr_svg: String,
}

/// `GET /book/{center}/done/{code}`: the confirmation, with the code as text and QR.
pub async fn done(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((center_code, code)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let center = center_by_code(&st, &center_code).await?;
    let a = store::queue::appointment::by_code(&st.db, &code)
        .await?
        .ok_or_else(|| AppError::NotFound("không tìm thấy lịch hẹn (no such appointment)".into()))?;
    let service = store::queue::service(&st.db, a.service_id).await?;
    if service.center_id != center.id {
        return Err(AppError::NotFound("không tìm thấy lịch hẹn (no such appointment)".into()));
    }
    let slot = store::queue::appointment::slot(&st.db, a.slot_id).await?;
    let window = format!(
        "{} – {}",
        domain::time::format_local(slot.starts_at - center.checkin_early_min * 60_000),
        domain::time::format_local(slot.starts_at + center.checkin_late_min * 60_000)
    );
    let qr_svg = documents::qr::svg(&a.code).map_err(|e| AppError::Unprocessable(e.to_string()))?;
    render(&Done {
        ctx,
        center,
        service,
        when: domain::time::format_local(slot.starts_at),
        window,
        phone: a.phone.as_deref().and_then(|p| Phone::parse(p).ok()).map(|p| p.masked()).unwrap_or_default(),
        code: a.code,
        qr_svg,
    })
}

#[derive(Template)]
#[template(path = "queue/slots.html")]
struct Slots {
    ctx: PageCtx,
    center: Center,
    services: Vec<(Service, Vec<SlotRow>)>,
    error: String,
    opened: Option<usize>,
    today: String,
}

async fn slots_page(
    st: &AppState,
    ctx: PageCtx,
    center: Center,
    error: String,
    opened: Option<usize>,
) -> Result<Response, AppError> {
    let now = store::now_ms();
    let mut services = Vec::new();
    for s in store::queue::services(&st.db, center.id).await?.into_iter().filter(|s| s.active) {
        let rows = upcoming(st, s.id, now).await?;
        services.push((s, rows));
    }
    let today = domain::time::local_date(chrono::Utc::now()).format("%Y-%m-%d").to_string();
    let refused = !error.is_empty();
    render_form(&Slots { ctx, center, services, error, opened, today }, refused)
}

/// `GET /queue/{center}/slots`: upcoming slots per service, and the form to open more.
pub async fn slots(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let center = center_by_code(&st, &code).await?;
    p.require_unit(&st, center.unit_id, QUEUE.0).await?;
    slots_page(&st, ctx, center, String::new(), None).await
}

/// Opening slots over a time range of one day.
#[derive(Debug, Deserialize)]
pub struct OpenForm {
    /// Service code.
    pub service: String,
    /// Day, `YYYY-MM-DD`.
    pub date: String,
    /// First slot start, `HH:MM` local.
    pub from: String,
    /// End of the last slot, `HH:MM` local.
    pub to: String,
    /// Length of a slot, minutes.
    pub minutes: i64,
    /// Places per slot.
    pub capacity: i64,
}

/// The slot starts (UTC ms) of a day's range, or why the range is refused.
fn plan(f: &OpenForm, today: NaiveDate) -> Result<Vec<i64>, String> {
    let date = domain::time::parse_date(&f.date).ok_or("Ngày không hợp lệ.")?;
    if date < today {
        return Err("Không mở lịch cho ngày đã qua.".into());
    }
    let cal = calendar::WorkCalendar::vietnam();
    let day = calendar::Date::from_ymd(date.year(), date.month(), date.day()).map_err(|e| e.to_string())?;
    if !cal.is_working_day(day) {
        return Err(format!(
            "{} không phải ngày làm việc (cuối tuần hoặc ngày nghỉ lễ).",
            domain::time::format_date(date)
        ));
    }
    let time = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| format!("Giờ \"{s}\" không hợp lệ."));
    let (from, to) = (time(&f.from)?, time(&f.to)?);
    if !(5..=240).contains(&f.minutes) {
        return Err("Mỗi khung từ 5 đến 240 phút.".into());
    }
    if !(1..=100).contains(&f.capacity) {
        return Err("Mỗi khung nhận từ 1 đến 100 người.".into());
    }
    if to <= from {
        return Err("Giờ kết thúc phải sau giờ bắt đầu.".into());
    }
    let mut starts = Vec::new();
    let mut t = from;
    while t + chrono::Duration::minutes(f.minutes) <= to {
        starts.push(domain::time::local_to_utc_ms(date.and_time(t)));
        t += chrono::Duration::minutes(f.minutes);
    }
    if starts.is_empty() {
        return Err("Khoảng giờ ngắn hơn một khung.".into());
    }
    Ok(starts)
}

/// `POST /queue/{center}/slots`: opens the slots of a day's range (skipping starts already open).
pub async fn open(
    State(st): State<AppState>,
    ctx: PageCtx,
    CurrentUser(p): CurrentUser,
    ReqActor(actor): ReqActor,
    Path(code): Path<String>,
    Form(f): Form<OpenForm>,
) -> Result<Response, AppError> {
    let center = center_by_code(&st, &code).await?;
    p.require_unit(&st, center.unit_id, QUEUE.0).await?;
    let Some(service) = store::queue::service_by_code(&st.db, center.id, &f.service).await? else {
        return slots_page(&st, ctx, center, "Hãy chọn dịch vụ.".into(), None).await;
    };
    let starts = match plan(&f, domain::time::local_date(chrono::Utc::now())) {
        Ok(s) => s,
        Err(e) => return slots_page(&st, ctx, center, e, None).await,
    };
    let (first, last) = (starts[0], starts[starts.len() - 1] + 1);
    let existing = store::queue::appointment::slots(&st.db, service.id, first, last).await?;
    let mut opened = 0;
    for at in starts.into_iter().filter(|at| !existing.iter().any(|s| s.starts_at == *at)) {
        store::queue::appointment::open_slot(&st.db, &actor, service.id, at, f.minutes, f.capacity).await?;
        opened += 1;
    }
    slots_page(&st, ctx, center, String::new(), Some(opened)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(date: &str, from: &str, to: &str, minutes: i64) -> OpenForm {
        OpenForm { service: "HT".into(), date: date.into(), from: from.into(), to: to.into(), minutes, capacity: 3 }
    }

    #[test]
    fn a_morning_is_cut_into_slots_on_working_days_only() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        // Monday 30/11/2026, 07:30–11:30 in 30-minute slots: 8 slots, the first at 00:30 UTC.
        let s = plan(&form("2026-11-30", "07:30", "11:30", 30), today).unwrap();
        assert_eq!(s.len(), 8);
        assert_eq!(s[0], chrono::DateTime::parse_from_rfc3339("2026-11-30T00:30:00Z").unwrap().timestamp_millis());
        assert_eq!(s[1] - s[0], 30 * 60_000);
        // Saturday, a past day, reversed hours and silly sizes are refused with a reason.
        assert!(plan(&form("2026-12-05", "07:30", "11:30", 30), today).unwrap_err().contains("ngày làm việc"));
        assert!(plan(&form("2026-11-27", "07:30", "11:30", 30), today).unwrap_err().contains("đã qua"));
        assert!(plan(&form("2026-11-30", "11:30", "07:30", 30), today).is_err());
        assert!(plan(&form("2026-11-30", "07:30", "11:30", 1), today).is_err());
        assert!(plan(&form("2026-11-30", "7h", "11:30", 30), today).is_err());
        // New Year's Day 2027 is a holiday.
        assert!(plan(&form("2027-01-01", "07:30", "11:30", 30), today).unwrap_err().contains("ngày làm việc"));
    }
}
