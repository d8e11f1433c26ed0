//! Configuring a center: creating and changing centers, services, counters
//! and work profiles. Each change is audited with its before and after.
//! Nothing is deleted: a service or counter that is no longer used is made
//! inactive, so that its history keeps its names.

use domain::queue::{CallOrder, NewService, NumberingMode, PriorityRule, validate_code};
use serde_json::json;

use super::{CENTER_COLS, COUNTER_COLS, Center, Counter, NewCenter, SERVICE_COLS, Service, center, counter, service};
use crate::audit::{Actor, Change};
use crate::{Db, Error, Result, audit_in_tx, on_pool};

/// Creates a center for a unit, audited.
pub async fn create_center(db: &Db, actor: &Actor, new: NewCenter, at: i64) -> Result<Center> {
    let code = validate_code(&new.code).map_err(|e| Error::Invalid(e.to_string()))?;
    let name = new.name.trim().to_string();
    if name.is_empty() {
        return Err(Error::Invalid(domain::queue::QueueError::EmptyName.to_string()));
    }
    let center = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let unit: Option<i64> = sqlx::query_scalar("SELECT id FROM units WHERE id = $1")
            .bind(new.unit_id).fetch_optional(&mut *tx).await?;
        if unit.is_none() {
            return Err(Error::NotFound(format!("không có đơn vị #{} (no such unit)", new.unit_id)));
        }
        let center = sqlx::query_as::<_, Center>(&format!(
            "INSERT INTO queue_centers (unit_id, code, name, priority_rule, priority_every, numbering,
                 checkin_early_min, checkin_late_min, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {CENTER_COLS}"))
            .bind(new.unit_id)
            .bind(&code)
            .bind(&name)
            .bind(new.rule.as_str())
            .bind(i64::from(new.rule.every()))
            .bind(new.numbering.as_str())
            .bind(new.checkin_early_min.max(0))
            .bind(new.checkin_late_min.max(0))
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
        let change = Change {
            unit_id: Some(center.unit_id),
            action: "queue.center.create",
            object_type: "queue_center",
            object_id: center.id.to_string(),
            before: None,
            after: Some(json!({"code": center.code, "name": center.name, "rule": center.priority_rule,
                               "every": center.priority_every, "numbering": center.numbering})),
        };
        audit_in_tx!(&mut *tx, actor, &change, at)?;
        tx.commit().await?;
        center
    });
    Ok(center)
}

/// Adds a service to a center, audited.
pub async fn create_service(db: &Db, actor: &Actor, center_id: i64, new: NewService, at: i64) -> Result<Service> {
    let new = new.validated().map_err(|e| Error::Invalid(e.to_string()))?;
    let center = center(db, center_id).await?;
    let service = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let service = sqlx::query_as::<_, Service>(&format!(
            "INSERT INTO queue_services (center_id, code, name, field, prefix, target_wait_min, position)
             VALUES ($1, $2, $3, $4, $5, $6, (SELECT COUNT(*) FROM queue_services WHERE center_id = $1))
             RETURNING {SERVICE_COLS}"))
            .bind(center_id)
            .bind(&new.code)
            .bind(&new.name)
            .bind(&new.field)
            .bind(&new.prefix)
            .bind(i64::from(new.target_wait_minutes))
            .fetch_one(&mut *tx)
            .await?;
        let change = Change {
            unit_id: Some(center.unit_id),
            action: "queue.service.create",
            object_type: "queue_service",
            object_id: service.id.to_string(),
            before: None,
            after: Some(json!({"center": center.code, "code": service.code, "name": service.name,
                               "field": service.field, "prefix": service.prefix, "target": service.target_wait_min})),
        };
        audit_in_tx!(&mut *tx, actor, &change, at)?;
        tx.commit().await?;
        service
    });
    Ok(service)
}

/// A new counter with its work profile.
#[derive(Debug, Clone)]
pub struct NewCounter {
    /// Code, unique in the center.
    pub code: String,
    /// Name as announced ("Quầy 1").
    pub name: String,
    /// How its profile orders tickets.
    pub order: CallOrder,
    /// Its work profile: service ids, first served first.
    pub services: Vec<i64>,
}

/// Adds a counter to a center with its work profile, audited.
pub async fn create_counter(db: &Db, actor: &Actor, center_id: i64, new: NewCounter, at: i64) -> Result<Counter> {
    let code = validate_code(&new.code).map_err(|e| Error::Invalid(e.to_string()))?;
    let (name, order) = (new.name.as_str(), new.order);
    let center = center(db, center_id).await?;
    let counter = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let counter = sqlx::query_as::<_, Counter>(&format!(
            "INSERT INTO queue_counters (center_id, code, name, call_order) VALUES ($1, $2, $3, $4)
             RETURNING {COUNTER_COLS}"))
            .bind(center_id)
            .bind(&code)
            .bind(name.trim())
            .bind(order.as_str())
            .fetch_one(&mut *tx)
            .await?;
        let change = Change {
            unit_id: Some(center.unit_id),
            action: "queue.counter.create",
            object_type: "queue_counter",
            object_id: counter.id.to_string(),
            before: None,
            after: Some(json!({"center": center.code, "code": counter.code, "name": counter.name,
                               "order": counter.call_order})),
        };
        audit_in_tx!(&mut *tx, actor, &change, at)?;
        tx.commit().await?;
        counter
    });
    set_profile(db, actor, counter.id, &new.services, at).await?;
    Ok(counter)
}

/// Replaces a counter's work profile with `services`, in order, audited.
/// Every service must belong to the counter's center.
pub async fn set_profile(db: &Db, actor: &Actor, counter_id: i64, services: &[i64], at: i64) -> Result<()> {
    let counter = counter(db, counter_id).await?;
    let center = center(db, counter.center_id).await?;
    on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        sqlx::query("DELETE FROM queue_profiles WHERE counter_id = $1").bind(counter_id).execute(&mut *tx).await?;
        for (pos, sid) in services.iter().enumerate() {
            let n = sqlx::query(
                "INSERT INTO queue_profiles (counter_id, service_id, position)
                 SELECT $1, id, $3 FROM queue_services WHERE id = $2 AND center_id = $4")
                .bind(counter_id)
                .bind(*sid)
                .bind(pos as i64)
                .bind(counter.center_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(Error::Invalid(format!(
                    "dịch vụ #{sid} không thuộc trung tâm {} (service not in this center)", center.code)));
            }
        }
        let change = Change {
            unit_id: Some(center.unit_id),
            action: "queue.counter.profile",
            object_type: "queue_counter",
            object_id: counter_id.to_string(),
            before: None,
            after: Some(json!({"services": services})),
        };
        audit_in_tx!(&mut *tx, actor, &change, at)?;
        tx.commit().await?;
    });
    Ok(())
}

/// A center's changeable settings.
#[derive(Debug, Clone)]
pub struct CenterSettings {
    /// Name.
    pub name: String,
    /// Priority rule.
    pub rule: PriorityRule,
    /// Numbering mode.
    pub numbering: NumberingMode,
    /// Check-in window before a slot (minutes).
    pub checkin_early_min: i64,
    /// Check-in window after a slot starts (minutes).
    pub checkin_late_min: i64,
}

/// Changes a center's settings, audited with before and after.
pub async fn update_center(db: &Db, actor: &Actor, center_id: i64, new: CenterSettings, at: i64) -> Result<Center> {
    let name = new.name.trim().to_string();
    if name.is_empty() {
        return Err(Error::Invalid(domain::queue::QueueError::EmptyName.to_string()));
    }
    if !(0..=240).contains(&new.checkin_early_min) || !(0..=240).contains(&new.checkin_late_min) {
        return Err(Error::Invalid("cửa sổ nhận số từ 0 đến 240 phút (check-in window 0–240 minutes)".into()));
    }
    let before = center(db, center_id).await?;
    let after = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let after = sqlx::query_as::<_, Center>(&format!(
            "UPDATE queue_centers SET name = $2, priority_rule = $3, priority_every = $4, numbering = $5,
                 checkin_early_min = $6, checkin_late_min = $7
             WHERE id = $1 RETURNING {CENTER_COLS}"))
            .bind(center_id)
            .bind(&name)
            .bind(new.rule.as_str())
            .bind(i64::from(new.rule.every()))
            .bind(new.numbering.as_str())
            .bind(new.checkin_early_min)
            .bind(new.checkin_late_min)
            .fetch_one(&mut *tx)
            .await?;
        let change = Change::update(after.unit_id, "queue.center.update", "queue_center", center_id, &before, &after);
        audit_in_tx!(&mut *tx, actor, &change, at)?;
        tx.commit().await?;
        after
    });
    Ok(after)
}

/// A service's changeable fields (its code stays: tickets and exports refer to it).
#[derive(Debug, Clone)]
pub struct ServiceUpdate {
    /// Name.
    pub name: String,
    /// Field.
    pub field: String,
    /// Ticket prefix, unique in the center.
    pub prefix: String,
    /// Service-level target (minutes).
    pub target_wait_minutes: u32,
    /// Whether tickets can be issued for it.
    pub active: bool,
}

/// Changes a service, audited with before and after.
pub async fn update_service(db: &Db, actor: &Actor, service_id: i64, up: ServiceUpdate, at: i64) -> Result<Service> {
    let before = service(db, service_id).await?;
    // The same checks as a new service, on the unchanged code.
    let checked = NewService {
        code: before.code.clone(),
        name: up.name,
        field: up.field,
        prefix: up.prefix,
        target_wait_minutes: up.target_wait_minutes,
    }
    .validated()
    .map_err(|e| Error::Invalid(e.to_string()))?;
    let c = center(db, before.center_id).await?;
    let after = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let after = sqlx::query_as::<_, Service>(&format!(
            "UPDATE queue_services SET name = $2, field = $3, prefix = $4, target_wait_min = $5, active = $6
             WHERE id = $1 RETURNING {SERVICE_COLS}"))
            .bind(service_id)
            .bind(&checked.name)
            .bind(&checked.field)
            .bind(&checked.prefix)
            .bind(i64::from(checked.target_wait_minutes))
            .bind(up.active)
            .fetch_one(&mut *tx)
            .await?;
        let change = Change::update(c.unit_id, "queue.service.update", "queue_service", service_id, &before, &after);
        audit_in_tx!(&mut *tx, actor, &change, at)?;
        tx.commit().await?;
        after
    });
    Ok(after)
}

/// Changes a counter's name, ordering and whether it is in use, audited.
pub async fn update_counter(
    db: &Db,
    actor: &Actor,
    counter_id: i64,
    (name, order, active): (&str, CallOrder, bool),
    at: i64,
) -> Result<Counter> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::Invalid(domain::queue::QueueError::EmptyName.to_string()));
    }
    let before = counter(db, counter_id).await?;
    let c = center(db, before.center_id).await?;
    let after = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let after = sqlx::query_as::<_, Counter>(&format!(
            "UPDATE queue_counters SET name = $2, call_order = $3, active = $4 WHERE id = $1 RETURNING {COUNTER_COLS}"))
            .bind(counter_id)
            .bind(name)
            .bind(order.as_str())
            .bind(active)
            .fetch_one(&mut *tx)
            .await?;
        let change = Change::update(c.unit_id, "queue.counter.update", "queue_counter", counter_id, &before, &after);
        audit_in_tx!(&mut *tx, actor, &change, at)?;
        tx.commit().await?;
        after
    });
    Ok(after)
}
