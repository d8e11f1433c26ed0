//! The applicant's satisfaction rating (đánh giá mức độ hài lòng): once the
//! result is returned (status 10), whoever proves the dossier with the last
//! four digits of the applicant's phone may rate it 1–5, once.
//!
//! [`rate`] writes `dossiers.rating` / `rated_at` with a `rate` event and
//! the audit row in one transaction; the `UPDATE … WHERE rating IS NULL`
//! makes a second rating fail even when two arrive at once. A rating of 1 or
//! 2 counts as a dislike for Decision 766 item 5.4 ([`disliked`]).

use domain::dossier::Status;
use serde_json::json;

use super::report::{Period, units_sql};
use super::tracking::proven;
use super::{COLS, Dossier};
use crate::audit::{Actor, Change};
use crate::{Db, Error, Result, audit_in_tx, on_pool};

/// Ratings at or under this count as a dislike (5.4).
pub const DISLIKE_AT_MOST: i32 = 2;

/// Why a rating was refused.
fn not_found(code: &str) -> Error {
    Error::NotFound(format!(
        "không tìm thấy hồ sơ {} với số điện thoại này (no dossier with this code and phone)",
        code.trim()
    ))
}

/// Rates the dossier `code` with `stars` (1–5), proven by the last four
/// digits of the applicant's phone.
///
/// # Errors
/// [`Error::NotFound`] for an unknown code or wrong digits alike;
/// [`Error::Invalid`] for a rating outside 1–5; [`Error::Conflict`] before
/// the result is returned or once rated.
pub async fn rate(db: &Db, actor: &Actor, code: &str, phone_last4: &str, stars: i32, at: i64) -> Result<Dossier> {
    if !(1..=5).contains(&stars) {
        return Err(Error::Invalid("đánh giá từ 1 đến 5 sao (a rating is 1 to 5 stars)".into()));
    }
    let d = proven(db, code, phone_last4).await?.ok_or_else(|| not_found(code))?;
    if d.rating.is_some() {
        return Err(already());
    }
    if d.status() != Some(Status::Returned) {
        return Err(Error::Conflict(
            "chỉ đánh giá được sau khi hồ sơ đã trả kết quả (a dossier can be rated once its result is returned)"
                .into(),
        ));
    }
    let returned = i32::from(Status::Returned.code());
    let rated = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let rated = sqlx::query_as::<_, Dossier>(&format!(
            "UPDATE dossiers SET rating = $2, rated_at = $3, revision = revision + 1, updated_at = $3
             WHERE id = $1 AND rating IS NULL AND status = $4 RETURNING {COLS}"))
            .bind(d.id)
            .bind(stars)
            .bind(at)
            .bind(returned)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(rated) = rated else {
            return Err(already());
        };
        sqlx::query(
            "INSERT INTO dossier_events (dossier_id, at, action, from_status, to_status, actor_id, note, form, details)
             VALUES ($1, $2, 'rate', $3, $3, NULL, '', NULL, $4)")
            .bind(d.id)
            .bind(at)
            .bind(returned)
            .bind(json!({"rating": stars}).to_string())
            .execute(&mut *tx)
            .await?;
        let change = Change {
            unit_id: Some(d.unit_id),
            action: "dossier.rate",
            object_type: "dossier",
            object_id: d.code.clone(),
            before: Some(json!({"rating": null})),
            after: Some(json!({"rating": stars, "rated_at": at})),
        };
        audit_in_tx!(&mut *tx, actor, &change, at)?;
        tx.commit().await?;
        rated
    });
    Ok(rated)
}

fn already() -> Error {
    Error::Conflict("hồ sơ này đã được đánh giá, xin cảm ơn (this dossier has already been rated, thank you)".into())
}

/// 5.4: the dossiers of `units` received in `period` rated as a dislike
/// (at most [`DISLIKE_AT_MOST`] stars).
pub async fn disliked(db: &Db, units: &[i64], period: &Period) -> Result<i64> {
    if units.is_empty() {
        return Ok(0);
    }
    let sql = format!(
        "SELECT COUNT(*) FROM dossiers d WHERE d.{} AND d.received_at >= $1 AND d.received_at < $2
           AND d.rating IS NOT NULL AND d.rating <= $3",
        units_sql(units)
    );
    Ok(on_pool!(db.reader(), p => sqlx::query_scalar::<_, i64>(&sql)
        .bind(period.start_ms()).bind(period.end_ms()).bind(DISLIKE_AT_MOST).fetch_one(p).await?))
}
