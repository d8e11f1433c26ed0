//! Demo data: the administrative units of Châu Thành A (Hậu Giang) before
//! the 2025 reform and their successors in Thành phố Cần Thơ after it, and
//! one demo login per role.
//!
//! Units come from `demo/units.csv`, loaded through the same CSV import that
//! localities use, so the demo also exercises that path. Hamlet names and
//! validity start dates are marked as demo in each row's note; the codes and
//! the old → new mapping are real (see `shared/domain/admin-units.md`).

use domain::auth::Role;

use crate::audit::Actor;
use crate::user::NewUser;
use crate::{Db, Result, settings, unit, user};

/// The demo units, in the import format.
pub const UNITS_CSV: &str = include_str!("../demo/units.csv");

/// The password of every demo login. Printed at start; change it before real use.
pub const DEMO_PASSWORD: &str = "xaso-demo-2025";

/// A demo login: name, display name, role and the unit code it is granted on
/// (as of today), or `None` for every unit.
pub const DEMO_USERS: &[(&str, &str, Role, Option<&str>)] = &[
    ("admin", "Quản trị hệ thống", Role::Admin, None),
    ("lanhdao", "Nguyễn Văn Lãnh (lãnh đạo TP Cần Thơ)", Role::Leader, Some("92")),
    ("motcua.tanhoa", "Trần Thị Mai (một cửa Tân Hòa)", Role::DeskOfficer, Some("31342")),
    ("xuly.tanhoa", "Lê Văn Hùng (xử lý Tân Hòa)", Role::Processor, Some("31342")),
    ("thungan.tanhoa", "Phạm Thị Thu (thu ngân Tân Hòa)", Role::Cashier, Some("31342")),
    ("quanlycho.tanhoa", "Võ Văn Chợ (quản lý chợ Tân Hòa)", Role::MarketManager, Some("31342")),
    ("solieu.tanhoa", "Huỳnh Thị Số (số liệu Tân Hòa)", Role::DataOfficer, Some("31342")),
    ("motcua.thanhxuan", "Đặng Văn Xuân (một cửa Thạnh Xuân)", Role::DeskOfficer, Some("31360")),
    ("kiosk.tanhoa", "Máy lấy số Tân Hòa", Role::Kiosk, Some("31342")),
];

/// The areas' demo records on top of [`load`]: the queue centers of Tân Hòa
/// and Thạnh Xuân with a day of history (yesterday, UTC+7), so that the
/// statistics have content; a year of dossiers in the communes (once). Adds each day's history once.
pub async fn load_areas(db: &Db) -> Result<()> {
    let today = domain::time::local_date(chrono::Utc::now());
    let yesterday = today.pred_opt().unwrap_or(today);
    crate::queue::demo::load_demo(db, yesterday).await?;
    crate::market::demo::load_demo(db).await?;
    crate::dossier::generate::load_demo(db, crate::dossier::generate::DEMO_DOSSIERS).await?;
    Ok(())
}

/// Whether the demo data is already loaded.
pub async fn is_loaded(db: &Db) -> Result<bool> {
    Ok(settings::get(db, "demo_loaded").await?.is_some())
}

/// Loads the demo units and logins once; does nothing if already loaded.
/// Returns whether it loaded anything.
pub async fn load(db: &Db) -> Result<bool> {
    if is_loaded(db).await? {
        return Ok(false);
    }
    let actor = Actor::system();
    unit::import_csv(db, &actor, UNITS_CSV.as_bytes()).await?;
    let today = domain::time::local_date(chrono::Utc::now());
    for (username, display, role, code) in DEMO_USERS {
        let unit_id = match code {
            Some(c) => Some(
                unit::by_code(db, c, today)
                    .await?
                    .ok_or_else(|| crate::Error::NotFound(format!("demo unit {c} missing")))?
                    .id,
            ),
            None => None,
        };
        if user::find(db, username).await?.is_none() {
            let new = NewUser {
                username: (*username).to_string(),
                display_name: (*display).to_string(),
                password: DEMO_PASSWORD.to_string(),
                grants: vec![(*role, unit_id)],
            };
            user::create(db, &actor, new).await?;
        }
    }
    settings::set(db, "demo_loaded", &chrono::Utc::now().to_rfc3339()).await?;
    Ok(true)
}
