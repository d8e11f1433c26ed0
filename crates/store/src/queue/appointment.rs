//! Appointments and satisfaction: slots with a capacity, booking with a
//! code, check-in at the kiosk within the center's early/late window (the
//! ticket then goes ahead of walk-ins by the priority rule, queue.md §2
//! "Appointments merged with walk-ins"), and a rating after service.
//!
//! Booking takes a place with one conditional `UPDATE … WHERE booked <
//! capacity RETURNING`, so concurrent bookings never overfill a slot.

use domain::person::{CitizenId, Phone};
use domain::queue::Satisfaction;
use domain::queue::visit::check_in_window;
use serde::Serialize;
use serde_json::json;

use super::visit::{IssueRequest, Issued, issue_inner};
use crate::audit::{Actor, Change};
use crate::{Db, Error, Result, audit_in_tx, on_pool};

/// A bookable slot of a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Slot {
    /// Id.
    pub id: i64,
    /// Service.
    pub service_id: i64,
    /// Start (UTC ms).
    pub starts_at: i64,
    /// Length in minutes.
    pub minutes: i64,
    /// Places.
    pub capacity: i64,
    /// Places taken.
    pub booked: i64,
}

/// A booked appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Appointment {
    /// Id.
    pub id: i64,
    /// Slot.
    pub slot_id: i64,
    /// Service.
    pub service_id: i64,
    /// The code the citizen shows at the kiosk.
    pub code: String,
    /// Name given.
    pub name: String,
    /// Phone, if given.
    pub phone: Option<String>,
    /// CCCD digits, if given (show masked).
    #[serde(skip)]
    pub citizen_id: Option<String>,
    /// `booked`, `checked_in` or `cancelled`.
    pub status: String,
    /// The ticket issued at check-in.
    pub visit_id: Option<i64>,
}

const SLOT_COLS: &str = "id, service_id, starts_at, minutes, capacity, booked";
const APPT_COLS: &str = "id, slot_id, service_id, code, name, phone, citizen_id, status, visit_id";

/// Opens a slot for a service, audited.
pub async fn open_slot(
    db: &Db,
    actor: &Actor,
    service_id: i64,
    starts_at: i64,
    minutes: i64,
    capacity: i64,
) -> Result<Slot> {
    if capacity < 1 || minutes < 1 {
        return Err(Error::Invalid("sức chứa và thời lượng phải dương (capacity and length must be positive)".into()));
    }
    let service = super::service(db, service_id).await?;
    let center = super::center(db, service.center_id).await?;
    let now = crate::now_ms();
    let slot = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let slot = sqlx::query_as::<_, Slot>(&format!(
            "INSERT INTO queue_slots (service_id, starts_at, minutes, capacity) VALUES ($1, $2, $3, $4)
             RETURNING {SLOT_COLS}"))
            .bind(service_id)
            .bind(starts_at)
            .bind(minutes)
            .bind(capacity)
            .fetch_one(&mut *tx)
            .await?;
        let change = Change {
            unit_id: Some(center.unit_id),
            action: "queue.slot.open",
            object_type: "queue_slot",
            object_id: slot.id.to_string(),
            before: None,
            after: Some(json!({"service": service.code, "starts_at": starts_at, "minutes": minutes, "capacity": capacity})),
        };
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
        slot
    });
    Ok(slot)
}

/// The slots of a service starting in `[from_ms, to_ms)`.
pub async fn slots(db: &Db, service_id: i64, from_ms: i64, to_ms: i64) -> Result<Vec<Slot>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Slot>(&format!(
        "SELECT {SLOT_COLS} FROM queue_slots WHERE service_id = $1 AND starts_at >= $2 AND starts_at < $3
         ORDER BY starts_at"))
        .bind(service_id)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(p)
        .await?))
}

/// Who books.
#[derive(Debug, Clone, Default)]
pub struct Booking {
    /// Name.
    pub name: String,
    /// Phone, for reminders.
    pub phone: Option<Phone>,
    /// CCCD, if given.
    pub citizen_id: Option<CitizenId>,
}

/// Books a place in a slot, audited; refused with a conflict when the slot is
/// full, or when the same phone already holds an open booking for the same
/// service that day (so that one person cannot take every place).
pub async fn book(db: &Db, actor: &Actor, slot_id: i64, who: Booking, at: i64) -> Result<Appointment> {
    let code = domain::queue::new_appointment_code();
    let appt = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let taken: Option<(i64, i64)> = sqlx::query_as(
            "UPDATE queue_slots SET booked = booked + 1 WHERE id = $1 AND booked < capacity
             RETURNING service_id, starts_at")
            .bind(slot_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((service_id, starts_at)) = taken else {
            return Err(Error::Conflict("khung giờ đã kín chỗ (slot full or unknown)".into()));
        };
        if let Some(phone) = &who.phone {
            let day = domain::time::local_date(domain::time::from_millis(starts_at));
            let day_start = domain::time::local_day_start_ms(day);
            let held: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM queue_appointments a JOIN queue_slots s ON s.id = a.slot_id
                 WHERE a.phone = $1 AND a.service_id = $2 AND a.status = 'booked'
                   AND s.starts_at >= $3 AND s.starts_at < $4")
                .bind(phone.as_str())
                .bind(service_id)
                .bind(day_start)
                .bind(day_start + 86_400_000)
                .fetch_one(&mut *tx)
                .await?;
            if held > 0 {
                return Err(Error::Conflict(
                    "số điện thoại này đã có lịch hẹn cho dịch vụ này trong ngày (one booking per phone, service and day)"
                        .into(),
                ));
            }
        }
        let appt = sqlx::query_as::<_, Appointment>(&format!(
            "INSERT INTO queue_appointments (slot_id, service_id, code, name, phone, citizen_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {APPT_COLS}"))
            .bind(slot_id)
            .bind(service_id)
            .bind(&code)
            .bind(who.name.trim())
            .bind(who.phone.as_ref().map(|p| p.as_str()))
            .bind(who.citizen_id.as_ref().map(|c| c.as_str()))
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
        let change = Change {
            unit_id: None,
            action: "queue.appointment.book",
            object_type: "queue_appointment",
            object_id: appt.id.to_string(),
            before: None,
            after: Some(json!({"slot_id": slot_id, "starts_at": starts_at, "code": appt.code,
                               "cccd": who.citizen_id.as_ref().map(|c| c.masked())})),
        };
        audit_in_tx!(&mut *tx, actor, &change, at)?;
        tx.commit().await?;
        appt
    });
    Ok(appt)
}

/// One appointment by its code.
pub async fn by_code(db: &Db, code: &str) -> Result<Option<Appointment>> {
    let code = code.trim().to_ascii_uppercase();
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Appointment>(&format!(
        "SELECT {APPT_COLS} FROM queue_appointments WHERE code = $1"))
        .bind(&code)
        .fetch_optional(p)
        .await?))
}

/// Checks an appointment in at the kiosk: within the center's window, it
/// becomes a ticket that goes ahead of walk-ins by the priority rule. Audited.
pub async fn check_in(db: &Db, actor: &Actor, code: &str, at: i64) -> Result<Issued> {
    let appt = by_code(db, code)
        .await?
        .ok_or_else(|| Error::NotFound("không tìm thấy lịch hẹn (no such appointment)".into()))?;
    if appt.status != "booked" {
        return Err(Error::Conflict("lịch hẹn đã được nhận số hoặc đã huỷ (appointment not open)".into()));
    }
    let slot = slot(db, appt.slot_id).await?;
    let service = super::service(db, appt.service_id).await?;
    let center = super::center(db, service.center_id).await?;
    check_in_window(slot.starts_at, center.checkin_early_min, center.checkin_late_min, at)
        .map_err(|e| Error::Invalid(e.to_string()))?;
    let citizen_id = appt.citizen_id.as_deref().and_then(|c| CitizenId::parse(c).ok());
    let req = IssueRequest { service_id: appt.service_id, priority: None, citizen_id };
    issue_inner(db, actor, (&center, &service), req, Some(appt.id), at).await
}

/// A stored rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Rating {
    /// Id.
    pub id: i64,
    /// The ticket rated.
    pub visit_id: i64,
    /// Score, 4 (Rất hài lòng) to 1 (Không hài lòng).
    pub score: i64,
    /// The counter that served.
    pub counter_id: Option<i64>,
    /// The officer who served.
    pub officer_id: Option<i64>,
    /// Free text.
    pub comment: String,
    /// When (UTC ms).
    pub at: i64,
}

/// Records the citizen's satisfaction with a served ticket, once, linked to
/// its counter and officer. Audited.
pub async fn rate(
    db: &Db,
    actor: &Actor,
    ticket_id: i64,
    level: Satisfaction,
    comment: &str,
    at: i64,
) -> Result<Rating> {
    let ticket = super::ticket(db, ticket_id).await?;
    if ticket.state != "done" {
        return Err(Error::Invalid("chỉ đánh giá được vé đã phục vụ xong (only served tickets are rated)".into()));
    }
    let center = super::center(db, ticket.center_id).await?;
    let comment: String = comment.trim().chars().take(1000).collect();
    let rating = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let rating = sqlx::query_as::<_, Rating>(
            "INSERT INTO queue_ratings (visit_id, score, counter_id, officer_id, comment, at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, visit_id, score, counter_id, officer_id, comment, at")
            .bind(ticket.id)
            .bind(level.score())
            .bind(ticket.counter_id)
            .bind(ticket.officer_id)
            .bind(&comment)
            .bind(at)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match Error::from(e) {
                Error::Conflict(_) => Error::Conflict("vé này đã được đánh giá (already rated)".into()),
                other => other,
            })?;
        let change = Change {
            unit_id: Some(center.unit_id),
            action: "queue.ticket.rate",
            object_type: "queue_ticket",
            object_id: ticket.id.to_string(),
            before: None,
            after: Some(json!({"score": rating.score})),
        };
        audit_in_tx!(&mut *tx, actor, &change, at)?;
        tx.commit().await?;
        rating
    });
    Ok(rating)
}

/// The rating of a ticket, if the citizen gave one.
pub async fn rating_of(db: &Db, ticket_id: i64) -> Result<Option<Rating>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Rating>(
        "SELECT id, visit_id, score, counter_id, officer_id, comment, at FROM queue_ratings WHERE visit_id = $1")
        .bind(ticket_id)
        .fetch_optional(p)
        .await?))
}

/// One slot by id.
pub async fn slot(db: &Db, id: i64) -> Result<Slot> {
    on_pool!(db.reader(), p => sqlx::query_as::<_, Slot>(&format!("SELECT {SLOT_COLS} FROM queue_slots WHERE id = $1"))
        .bind(id)
        .fetch_optional(p)
        .await?)
    .ok_or_else(|| Error::NotFound(format!("không có khung giờ #{id} (no such slot)")))
}
