//! Stalls of a market: label (unique in the market), goods category, the
//! merchant who holds it and their receiving account, monthly fee, whether the
//! merchant linked a notification feed, and the onboarding status.
//!
//! A status other than `cash_only` needs a receiving account: there is no
//! code to display without one. Every change writes its audit row in the same
//! transaction; a status change also sets `status_at`, and its audit row
//! (`market.stall.status`) carries the status before and after.

use serde::Serialize;
use serde_json::json;

use crate::audit::{Actor, Change};
use crate::{Db, Error, Result, audit_in_tx, now_ms, on_pool};
use domain::market::{self as model, Method, Receiving, StallStatus};

/// A stored stall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stall {
    /// Id.
    pub id: i64,
    /// The market.
    pub market_id: i64,
    /// Number or label, unique in the market ("A12", "Sạp cá 3").
    pub label: String,
    /// Goods category ("Rau củ", "Thủy sản").
    pub category: String,
    /// The merchant who holds it.
    pub merchant_id: Option<i64>,
    /// How the merchant receives transfers.
    pub method: Method,
    /// BIN of the receiving bank or wallet.
    pub bin: Option<String>,
    /// Receiving account.
    pub account: Option<String>,
    /// Account holder.
    pub holder: Option<String>,
    /// Monthly stall fee in đồng (0: none).
    pub monthly_fee: i64,
    /// Whether the merchant linked a money-in notification feed for the account.
    pub feed_linked: bool,
    /// Onboarding status.
    pub status: StallStatus,
    /// When the status last changed (UTC ms).
    pub status_at: i64,
    /// Created (UTC ms).
    pub created_at: i64,
}

impl Stall {
    /// The receiving account, if the stall has one.
    pub fn receiving(&self) -> Option<Receiving> {
        match (self.method, &self.bin, &self.account) {
            (Method::Bank | Method::Wallet, Some(bin), Some(account)) => Some(Receiving {
                method: self.method,
                bin: bin.clone(),
                account: account.clone(),
                holder: self.holder.clone().unwrap_or_default(),
            }),
            _ => None,
        }
    }

    /// The static VietQR payload of the stall's account, if it has one.
    pub fn payload(&self) -> Option<String> {
        self.receiving().and_then(|r| r.static_payload(&self.label).ok())
    }

    /// The receiving bank's or wallet's name.
    pub fn bank_name(&self) -> Option<&'static str> {
        self.bin.as_deref().and_then(vietqr::banks::by_bin).map(|b| b.name)
    }
}

#[derive(Debug, sqlx::FromRow)]
struct StallRow {
    id: i64,
    market_id: i64,
    label: String,
    category: String,
    merchant_id: Option<i64>,
    method: String,
    bin: Option<String>,
    account: Option<String>,
    holder: Option<String>,
    monthly_fee: i64,
    feed_linked: bool,
    status: String,
    status_at: i64,
    created_at: i64,
}

impl TryFrom<StallRow> for Stall {
    type Error = Error;

    fn try_from(r: StallRow) -> Result<Stall> {
        let bad = |what: &str| Error::Invalid(format!("sạp #{} lưu sai {what} (corrupt stored {what})", r.id));
        Ok(Stall {
            method: Method::parse(&r.method).ok_or_else(|| bad("method"))?,
            status: StallStatus::parse(&r.status).ok_or_else(|| bad("status"))?,
            id: r.id,
            market_id: r.market_id,
            label: r.label,
            category: r.category,
            merchant_id: r.merchant_id,
            bin: r.bin,
            account: r.account,
            holder: r.holder,
            monthly_fee: r.monthly_fee,
            feed_linked: r.feed_linked,
            status_at: r.status_at,
            created_at: r.created_at,
        })
    }
}

pub(crate) const STALL_COLS: &str = "id, market_id, label, category, merchant_id, method, bin, account, holder, \
                                     monthly_fee, feed_linked, status, status_at, created_at";

/// A new stall, or every field of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StallInput {
    /// Number or label.
    pub label: String,
    /// Goods category.
    pub category: String,
    /// The merchant (of the market's unit), if any.
    pub merchant_id: Option<i64>,
    /// `none`, `bank` or `wallet`.
    pub method: String,
    /// BIN of the receiving bank or wallet.
    pub bin: String,
    /// Receiving account.
    pub account: String,
    /// Account holder.
    pub holder: String,
    /// Monthly fee in đồng.
    pub monthly_fee: i64,
    /// Whether the merchant linked a notification feed.
    pub feed_linked: bool,
    /// Onboarding status (`cash_only` when absent).
    pub status: Option<StallStatus>,
}

/// A checked stall, ready to store.
struct Checked {
    label: String,
    category: String,
    merchant_id: Option<i64>,
    receiving: Option<Receiving>,
    monthly_fee: i64,
    feed_linked: bool,
    status: StallStatus,
}

impl StallInput {
    fn checked(&self) -> std::result::Result<Checked, String> {
        let receiving = Receiving::parse(&self.method, &self.bin, &self.account, &self.holder)?;
        let status = self.status.unwrap_or(StallStatus::CashOnly);
        if status.cashless() && receiving.is_none() {
            return Err(format!(
                "sạp chưa có tài khoản nhận tiền nên không thể chuyển sang \"{}\" (a stall needs a receiving account \
                 before its status is {})",
                status.label_vi(),
                status.as_str()
            ));
        }
        Ok(Checked {
            label: model::required(&self.label, 40, "số sạp", "stall label")?,
            category: model::optional(&self.category, 80, "ngành hàng", "category")?,
            merchant_id: self.merchant_id,
            receiving,
            monthly_fee: model::monthly_fee(self.monthly_fee)?,
            feed_linked: self.feed_linked,
            status,
        })
    }
}

/// A change to some fields of a stall; `None` keeps the field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StallPatch {
    /// New label.
    pub label: Option<String>,
    /// New category.
    pub category: Option<String>,
    /// New merchant (`Some(None)` removes it).
    pub merchant_id: Option<Option<i64>>,
    /// New receiving account: method, BIN, account, holder.
    pub receiving: Option<(String, String, String, String)>,
    /// New monthly fee.
    pub monthly_fee: Option<i64>,
    /// New feed flag.
    pub feed_linked: Option<bool>,
    /// New status.
    pub status: Option<StallStatus>,
}

impl StallPatch {
    /// The whole input after applying the patch to `s`.
    fn apply(self, s: &Stall) -> StallInput {
        let (method, bin, account, holder) = self.receiving.unwrap_or_else(|| {
            (
                s.method.as_str().to_string(),
                s.bin.clone().unwrap_or_default(),
                s.account.clone().unwrap_or_default(),
                s.holder.clone().unwrap_or_default(),
            )
        });
        StallInput {
            label: self.label.unwrap_or_else(|| s.label.clone()),
            category: self.category.unwrap_or_else(|| s.category.clone()),
            merchant_id: self.merchant_id.unwrap_or(s.merchant_id),
            method,
            bin,
            account,
            holder,
            monthly_fee: self.monthly_fee.unwrap_or(s.monthly_fee),
            feed_linked: self.feed_linked.unwrap_or(s.feed_linked),
            status: Some(self.status.unwrap_or(s.status)),
        }
    }
}

/// Checks that the merchant exists and trades in the market's unit.
async fn check_merchant(db: &Db, market_unit: i64, merchant_id: Option<i64>) -> Result<()> {
    if let Some(id) = merchant_id {
        let m = super::merchant(db, id).await?;
        if m.unit_id != market_unit {
            return Err(Error::Invalid(format!(
                "tiểu thương #{id} không thuộc đơn vị của chợ (the merchant belongs to another unit)"
            )));
        }
    }
    Ok(())
}

fn duplicate_label(e: Error, label: &str) -> Error {
    if e.is_conflict() {
        Error::Conflict(format!("chợ đã có sạp số {label:?} (a stall with that label exists in the market)"))
    } else {
        e
    }
}

/// The audit summary of a stall (no personal data beyond the account holder).
fn summary(s: &Stall) -> serde_json::Value {
    json!({"label": s.label, "category": s.category, "merchant_id": s.merchant_id, "method": s.method,
           "bin": s.bin, "account": s.account, "holder": s.holder, "monthly_fee": s.monthly_fee,
           "feed_linked": s.feed_linked, "status": s.status, "status_at": s.status_at})
}

/// Adds a stall to a market, audited.
pub async fn create_stall(db: &Db, actor: &Actor, market_id: i64, input: StallInput) -> Result<Stall> {
    let c = input.checked().map_err(Error::Invalid)?;
    let market = super::market(db, market_id).await?;
    check_merchant(db, market.unit_id, c.merchant_id).await?;
    let now = now_ms();
    let r = c.receiving.as_ref();
    let stall = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let row = sqlx::query_as::<_, StallRow>(&format!(
            "INSERT INTO stalls (market_id, label, category, merchant_id, method, bin, account, holder, monthly_fee,
                 feed_linked, status, status_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING {STALL_COLS}"))
            .bind(market_id)
            .bind(&c.label)
            .bind(&c.category)
            .bind(c.merchant_id)
            .bind(r.map_or("none", |r| r.method.as_str()))
            .bind(r.map(|r| r.bin.as_str()))
            .bind(r.map(|r| r.account.as_str()))
            .bind(r.map(|r| r.holder.as_str()))
            .bind(c.monthly_fee)
            .bind(c.feed_linked)
            .bind(c.status.as_str())
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| duplicate_label(e.into(), &c.label))?;
        let stall = Stall::try_from(row)?;
        let change = Change {
            unit_id: Some(market.unit_id),
            action: "market.stall.create",
            object_type: "stall",
            object_id: stall.id.to_string(),
            before: None,
            after: Some(summary(&stall)),
        };
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
        stall
    });
    Ok(stall)
}

/// Changes a stall, audited: `market.stall.update` for its details and, when
/// the status changes, `market.stall.status` with the status before and after
/// (and `status_at` set to now).
pub async fn update_stall(db: &Db, actor: &Actor, id: i64, patch: StallPatch) -> Result<Stall> {
    let before = stall(db, id).await?;
    let c = patch.apply(&before).checked().map_err(Error::Invalid)?;
    let market = super::market(db, before.market_id).await?;
    check_merchant(db, market.unit_id, c.merchant_id).await?;
    let now = now_ms();
    let status_at = if c.status == before.status { before.status_at } else { now };
    let r = c.receiving.as_ref();
    let after = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let row = sqlx::query_as::<_, StallRow>(&format!(
            "UPDATE stalls SET label = $1, category = $2, merchant_id = $3, method = $4, bin = $5, account = $6,
                 holder = $7, monthly_fee = $8, feed_linked = $9, status = $10, status_at = $11
             WHERE id = $12 RETURNING {STALL_COLS}"))
            .bind(&c.label)
            .bind(&c.category)
            .bind(c.merchant_id)
            .bind(r.map_or("none", |r| r.method.as_str()))
            .bind(r.map(|r| r.bin.as_str()))
            .bind(r.map(|r| r.account.as_str()))
            .bind(r.map(|r| r.holder.as_str()))
            .bind(c.monthly_fee)
            .bind(c.feed_linked)
            .bind(c.status.as_str())
            .bind(status_at)
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| duplicate_label(e.into(), &c.label))?;
        let after = Stall::try_from(row)?;
        let (mut b, mut a) = (summary(&before), summary(&after));
        for v in [&mut b, &mut a] {
            if let Some(o) = v.as_object_mut() {
                o.remove("status");
                o.remove("status_at");
            }
        }
        if a != b {
            let change = Change {
                unit_id: Some(market.unit_id),
                action: "market.stall.update",
                object_type: "stall",
                object_id: id.to_string(),
                before: Some(b),
                after: Some(a),
            };
            audit_in_tx!(&mut *tx, actor, &change, now)?;
        }
        if after.status != before.status {
            audit_in_tx!(&mut *tx, actor, &status_change(market.unit_id, &before, after.status, now), now)?;
        }
        tx.commit().await?;
        after
    });
    Ok(after)
}

fn status_change(unit_id: i64, s: &Stall, to: StallStatus, now: i64) -> Change<'static> {
    Change {
        unit_id: Some(unit_id),
        action: "market.stall.status",
        object_type: "stall",
        object_id: s.id.to_string(),
        before: Some(json!({"status": s.status, "status_at": s.status_at})),
        after: Some(json!({"status": to, "status_at": now})),
    }
}

/// What a bulk status change did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BulkReport {
    /// Stalls whose status changed.
    pub changed: usize,
    /// Stalls already in that status.
    pub unchanged: usize,
}

/// Sets the status of several stalls of one market in one transaction, each
/// change audited. Refuses the whole change if a stall is not the market's,
/// or if a cashless status is asked for a stall without a receiving account.
pub async fn set_status(
    db: &Db,
    actor: &Actor,
    market_id: i64,
    stall_ids: &[i64],
    to: StallStatus,
) -> Result<BulkReport> {
    let market = super::market(db, market_id).await?;
    let stalls = stalls(db, market_id).await?;
    let mut chosen = Vec::new();
    for id in stall_ids {
        let s = stalls.iter().find(|s| s.stall.id == *id).ok_or_else(|| {
            Error::Invalid(format!("sạp #{id} không thuộc chợ này (stall #{id} is not in this market)"))
        })?;
        if to.cashless() && s.stall.receiving().is_none() {
            return Err(Error::Invalid(format!(
                "sạp {} chưa có tài khoản nhận tiền (stall {} has no receiving account)",
                s.stall.label, s.stall.label
            )));
        }
        if !chosen.iter().any(|c: &&Stall| c.id == *id) {
            chosen.push(&s.stall);
        }
    }
    let now = now_ms();
    let mut report = BulkReport::default();
    on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        for s in &chosen {
            if s.status == to {
                report.unchanged += 1;
                continue;
            }
            sqlx::query("UPDATE stalls SET status = $1, status_at = $2 WHERE id = $3")
                .bind(to.as_str())
                .bind(now)
                .bind(s.id)
                .execute(&mut *tx)
                .await?;
            audit_in_tx!(&mut *tx, actor, &status_change(market.unit_id, s, to, now), now)?;
            report.changed += 1;
        }
        tx.commit().await?;
    });
    Ok(report)
}

/// One stall by id.
pub async fn stall(db: &Db, id: i64) -> Result<Stall> {
    on_pool!(db.reader(), p => sqlx::query_as::<_, StallRow>(&format!("SELECT {STALL_COLS} FROM stalls WHERE id = $1"))
        .bind(id)
        .fetch_optional(p)
        .await?)
    .ok_or_else(|| Error::NotFound(format!("không có sạp #{id} (no such stall)")))?
    .try_into()
}

/// A stall with its merchant's name and phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StallView {
    /// The stall.
    pub stall: Stall,
    /// The merchant's name.
    pub merchant_name: Option<String>,
    /// The merchant's phone (personal data: mask it in public views).
    pub merchant_phone: Option<String>,
}

#[derive(Debug, sqlx::FromRow)]
struct StallViewRow {
    #[sqlx(flatten)]
    stall: StallRow,
    merchant_name: Option<String>,
    merchant_phone: Option<String>,
}

/// The stalls of a market with their merchants, in natural label order
/// ("A2" before "A10").
pub async fn stalls(db: &Db, market_id: i64) -> Result<Vec<StallView>> {
    let cols = STALL_COLS.split(", ").map(|c| format!("s.{c}")).collect::<Vec<_>>().join(", ");
    let rows = on_pool!(db.reader(), p => sqlx::query_as::<_, StallViewRow>(&format!(
        "SELECT {cols}, m.name AS merchant_name, m.phone AS merchant_phone
         FROM stalls s LEFT JOIN merchants m ON m.id = s.merchant_id WHERE s.market_id = $1"))
        .bind(market_id)
        .fetch_all(p)
        .await?);
    let mut out = rows
        .into_iter()
        .map(|r| {
            Ok(StallView {
                stall: r.stall.try_into()?,
                merchant_name: r.merchant_name,
                merchant_phone: r.merchant_phone,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    out.sort_by_cached_key(|v| natural_key(&v.stall.label));
    Ok(out)
}

/// A sort key that orders runs of digits by their value.
fn natural_key(s: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut n = u64::from(c as u8 - b'0');
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                n = n.saturating_mul(10).saturating_add(u64::from(*d as u8 - b'0'));
                chars.next();
            }
            out.push((std::mem::take(&mut text), n));
        } else {
            text.extend(c.to_lowercase());
        }
    }
    out.push((text, 0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_sort_naturally() {
        let mut v = vec!["A10", "A2", "B1", "a1", "Sạp 3"];
        v.sort_by_cached_key(|s| natural_key(s));
        assert_eq!(v, ["a1", "A2", "A10", "B1", "Sạp 3"]);
    }

    #[test]
    fn a_cashless_status_needs_an_account() {
        let input = StallInput {
            label: "A1".into(),
            category: String::new(),
            merchant_id: None,
            method: "none".into(),
            bin: String::new(),
            account: String::new(),
            holder: String::new(),
            monthly_fee: 0,
            feed_linked: false,
            status: Some(StallStatus::QrDisplayed),
        };
        assert!(input.checked().is_err());
        let ok = StallInput { method: "bank".into(), bin: "970436".into(), account: "123".into(), ..input };
        assert_eq!(ok.checked().unwrap().status, StallStatus::QrDisplayed);
    }
}
