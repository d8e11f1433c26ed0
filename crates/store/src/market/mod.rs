//! Chợ 4.0 markets: the markets of a unit, their merchants and stalls, each
//! stall's static VietQR, onboarding status and monthly fee (payments.md §7).
//!
//! - the rules without a database (status, receiving method, static payload,
//!   field checks) are in [`domain::market`];
//! - this file: markets and merchants;
//! - [`stall`]: stalls, their changes and status changes (audited, with the
//!   time of the change);
//! - [`fees`]: the month's stall-fee bills through [`crate::payment::create_bill`],
//!   one per stall and month;
//! - [`figures`]: a market's figures and the payment figures of a unit subtree;
//! - [`demo`]: the demo markets of Tân Hòa, Trường Long Tây and Thạnh Xuân.
//!
//! Merchants' phone numbers are personal data: public views show
//! [`domain::market::masked_phone`] only.

pub mod demo;
pub mod fees;
pub mod figures;
pub mod stall;

use serde::Serialize;
use serde_json::json;

use domain::market as model;
pub use domain::market::{Method, Receiving, StallStatus};
pub use stall::{Stall, StallInput, StallPatch, StallView};

use crate::audit::{Actor, Change};
use crate::{Db, Error, Result, audit_in_tx, now_ms, on_pool};

/// A market of a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Market {
    /// Id.
    pub id: i64,
    /// The unit it belongs to.
    pub unit_id: i64,
    /// Name ("Chợ Một Ngàn").
    pub name: String,
    /// Address.
    pub address: String,
    /// The manager's name (ban quản lý chợ).
    pub manager: String,
    /// Created (UTC ms).
    pub created_at: i64,
}

/// A new market, or the new text of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketInput {
    /// Name.
    pub name: String,
    /// Address.
    pub address: String,
    /// The manager's name.
    pub manager: String,
}

impl MarketInput {
    /// Trims and checks the fields.
    pub fn validated(self) -> std::result::Result<MarketInput, String> {
        Ok(MarketInput {
            name: model::required(&self.name, 120, "tên chợ", "market name")?,
            address: model::optional(&self.address, 200, "địa chỉ", "address")?,
            manager: model::optional(&self.manager, 120, "người quản lý", "manager")?,
        })
    }
}

const MARKET_COLS: &str = "id, unit_id, name, address, manager, created_at";

async fn unit_exists(db: &Db, unit_id: i64) -> Result<()> {
    crate::unit::get(db, unit_id).await.map(|_| ())
}

fn duplicate_name(e: Error, name: &str) -> Error {
    if e.is_conflict() {
        Error::Conflict(format!("đơn vị đã có chợ tên {name:?} (a market of that name exists)"))
    } else {
        e
    }
}

/// Creates a market of a unit, audited. Names are unique within a unit.
pub async fn create_market(db: &Db, actor: &Actor, unit_id: i64, input: MarketInput) -> Result<Market> {
    let input = input.validated().map_err(Error::Invalid)?;
    unit_exists(db, unit_id).await?;
    let now = now_ms();
    let market = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let market = sqlx::query_as::<_, Market>(&format!(
            "INSERT INTO markets (unit_id, name, address, manager, created_at) VALUES ($1, $2, $3, $4, $5)
             RETURNING {MARKET_COLS}"))
            .bind(unit_id)
            .bind(&input.name)
            .bind(&input.address)
            .bind(&input.manager)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| duplicate_name(e.into(), &input.name))?;
        let change = Change {
            unit_id: Some(unit_id),
            action: "market.create",
            object_type: "market",
            object_id: market.id.to_string(),
            before: None,
            after: serde_json::to_value(&market).ok(),
        };
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
        market
    });
    Ok(market)
}

/// Changes a market's name, address and manager, audited.
pub async fn update_market(db: &Db, actor: &Actor, id: i64, input: MarketInput) -> Result<Market> {
    let input = input.validated().map_err(Error::Invalid)?;
    let before = market(db, id).await?;
    let now = now_ms();
    let after = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let after = sqlx::query_as::<_, Market>(&format!(
            "UPDATE markets SET name = $1, address = $2, manager = $3 WHERE id = $4 RETURNING {MARKET_COLS}"))
            .bind(&input.name)
            .bind(&input.address)
            .bind(&input.manager)
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| duplicate_name(e.into(), &input.name))?;
        let change = Change::update(before.unit_id, "market.update", "market", id, &before, &after);
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
        after
    });
    Ok(after)
}

/// One market by id.
pub async fn market(db: &Db, id: i64) -> Result<Market> {
    on_pool!(db.reader(), p => sqlx::query_as::<_, Market>(&format!("SELECT {MARKET_COLS} FROM markets WHERE id = $1"))
        .bind(id)
        .fetch_optional(p)
        .await?)
    .ok_or_else(|| Error::NotFound(format!("không có chợ #{id} (no such market)")))
}

/// Every market, by unit then name (callers keep those in the user's scope).
pub async fn markets(db: &Db) -> Result<Vec<Market>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Market>(&format!(
        "SELECT {MARKET_COLS} FROM markets ORDER BY unit_id, name"))
        .fetch_all(p)
        .await?))
}

/// A merchant: the person who holds one or more stalls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Merchant {
    /// Id.
    pub id: i64,
    /// The unit whose markets they trade in.
    pub unit_id: i64,
    /// Full name.
    pub name: String,
    /// Phone, 10 digits (personal data: show [`Merchant::phone_masked`] in public views).
    pub phone: Option<String>,
    /// Created (UTC ms).
    pub created_at: i64,
}

impl Merchant {
    /// The phone masked for public views (`0901 *** 567`).
    pub fn phone_masked(&self) -> Option<String> {
        model::masked_phone(self.phone.as_deref())
    }
}

/// A new merchant, or the new details of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantInput {
    /// Full name.
    pub name: String,
    /// Phone as typed (`0901 234 567`, `+84…`), or empty.
    pub phone: String,
}

impl MerchantInput {
    /// The checked name and stored phone.
    fn validated(&self) -> std::result::Result<(String, Option<String>), String> {
        Ok((model::required(&self.name, 120, "tên tiểu thương", "merchant name")?, model::phone(&self.phone)?))
    }
}

const MERCHANT_COLS: &str = "id, unit_id, name, phone, created_at";

/// Adds a merchant to a unit, audited (the phone is audited masked).
pub async fn create_merchant(db: &Db, actor: &Actor, unit_id: i64, input: MerchantInput) -> Result<Merchant> {
    let (name, phone) = input.validated().map_err(Error::Invalid)?;
    unit_exists(db, unit_id).await?;
    let now = now_ms();
    let merchant = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let merchant = sqlx::query_as::<_, Merchant>(&format!(
            "INSERT INTO merchants (unit_id, name, phone, created_at) VALUES ($1, $2, $3, $4) RETURNING {MERCHANT_COLS}"))
            .bind(unit_id)
            .bind(&name)
            .bind(&phone)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        let change = Change {
            unit_id: Some(unit_id),
            action: "market.merchant.create",
            object_type: "merchant",
            object_id: merchant.id.to_string(),
            before: None,
            after: Some(json!({"name": merchant.name, "phone": merchant.phone_masked()})),
        };
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
        merchant
    });
    Ok(merchant)
}

/// Changes a merchant's name and phone, audited (phones masked).
pub async fn update_merchant(db: &Db, actor: &Actor, id: i64, input: MerchantInput) -> Result<Merchant> {
    let (name, phone) = input.validated().map_err(Error::Invalid)?;
    let before = merchant(db, id).await?;
    let now = now_ms();
    let after = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let after = sqlx::query_as::<_, Merchant>(&format!(
            "UPDATE merchants SET name = $1, phone = $2 WHERE id = $3 RETURNING {MERCHANT_COLS}"))
            .bind(&name)
            .bind(&phone)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let change = Change {
            unit_id: Some(before.unit_id),
            action: "market.merchant.update",
            object_type: "merchant",
            object_id: id.to_string(),
            before: Some(json!({"name": before.name, "phone": before.phone_masked()})),
            after: Some(json!({"name": after.name, "phone": after.phone_masked()})),
        };
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
        after
    });
    Ok(after)
}

/// One merchant by id.
pub async fn merchant(db: &Db, id: i64) -> Result<Merchant> {
    on_pool!(db.reader(), p => sqlx::query_as::<_, Merchant>(&format!(
        "SELECT {MERCHANT_COLS} FROM merchants WHERE id = $1"))
        .bind(id)
        .fetch_optional(p)
        .await?)
    .ok_or_else(|| Error::NotFound(format!("không có tiểu thương #{id} (no such merchant)")))
}

/// The merchants of a unit, by name.
pub async fn merchants(db: &Db, unit_id: i64) -> Result<Vec<Merchant>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, Merchant>(&format!(
        "SELECT {MERCHANT_COLS} FROM merchants WHERE unit_id = $1 ORDER BY name, id"))
        .bind(unit_id)
        .fetch_all(p)
        .await?))
}
