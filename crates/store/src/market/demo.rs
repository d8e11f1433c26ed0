//! Demo Chợ 4.0 markets after the 2025 reform: Chợ Một Ngàn in xã Tân Hòa
//! (the first "Chợ 4.0 thanh toán không dùng tiền mặt", opened in thị trấn
//! Một Ngàn in August 2022, seed article), Chợ Trường Long Tây (named in the
//! seed article's photo caption) and Chợ Rạch Gòi in xã Thạnh Xuân (a demo
//! name: the article counts three markets but names only two).
//!
//! About twenty stalls each, generated deterministically: Vietnamese merchant
//! names, goods categories, bank and e-wallet BINs from the directory, mixed
//! onboarding statuses and monthly fees. Every record goes through the same
//! audited operations as the manager's page. Needs the demo units and logins
//! (`store::demo::load`); created once (a market that exists is left alone).

use super::{MarketInput, MerchantInput, StallInput, StallStatus};
use crate::audit::Actor;
use crate::{Db, Result, unit, user};

/// A demo market: unit code, name, address, manager, stalls, label prefix, seed.
type MarketSpec = (&'static str, &'static str, &'static str, &'static str, usize, &'static str, usize);

const MARKETS: &[MarketSpec] = &[
    (
        "31342",
        "Chợ Một Ngàn",
        "Khu vực chợ Một Ngàn, xã Tân Hòa, TP Cần Thơ (demo)",
        "Ban quản lý chợ Một Ngàn",
        22,
        "MN",
        1,
    ),
    (
        "31348",
        "Chợ Trường Long Tây",
        "Ấp 1, xã Trường Long Tây, TP Cần Thơ (demo)",
        "Ban quản lý chợ Trường Long Tây",
        20,
        "TLT",
        2,
    ),
    (
        "31360",
        "Chợ Rạch Gòi",
        "Khu vực Rạch Gòi, xã Thạnh Xuân, TP Cần Thơ (tên minh họa, demo)",
        "Ban quản lý chợ Rạch Gòi",
        18,
        "RG",
        3,
    ),
];

const FAMILY: &[&str] = &["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"];
const MIDDLE: &[&str] = &["Thị", "Văn", "Thị Ngọc", "Minh", "Thị Kim", "Hoàng", "Thanh"];
const GIVEN: &[&str] = &[
    "Hoa", "Lan", "Tâm", "Phúc", "Hạnh", "Dũng", "Thảo", "Bảy", "Út", "Sáu", "Cúc", "Hùng", "Nga", "Ánh", "Tuyết",
    "Mến", "Lộc", "Trinh",
];

/// Category and monthly fee in đồng.
const CATEGORIES: &[(&str, i64)] = &[
    ("Rau củ", 150_000),
    ("Trái cây", 150_000),
    ("Thủy sản", 250_000),
    ("Thịt heo", 300_000),
    ("Gà vịt", 200_000),
    ("Tạp hóa", 250_000),
    ("Quần áo", 200_000),
    ("Bánh trái", 120_000),
    ("Ăn uống", 200_000),
    ("Hoa tươi", 0),
];

/// Receiving method and BIN: banks and e-wallets of the directory.
const RECEIVERS: &[(&str, &str)] = &[
    ("bank", "970405"),   // Agribank
    ("bank", "970436"),   // Vietcombank
    ("bank", "970415"),   // VietinBank
    ("bank", "970418"),   // BIDV
    ("wallet", "971011"), // VNPT Money
    ("bank", "970422"),   // MBBank
    ("wallet", "971005"), // Viettel Money
    ("bank", "970403"),   // Sacombank
    ("wallet", "971025"), // MoMo
];

/// Loads the demo markets that do not exist yet; returns how many it created.
pub async fn load_demo(db: &Db) -> Result<usize> {
    let today = domain::time::local_date(chrono::Utc::now());
    let existing = super::markets(db).await?;
    let actor = match user::find(db, "quanlycho.tanhoa").await? {
        Some(u) => Actor { user_id: Some(u.id), name: u.username, ..Actor::default() },
        None => Actor::system(),
    };
    let mut created = 0;
    for &(code, name, address, manager, count, prefix, seed) in MARKETS {
        let Some(u) = unit::by_code(db, code, today).await? else { continue };
        if existing.iter().any(|m| m.unit_id == u.id && m.name == name) {
            continue;
        }
        let input = MarketInput { name: name.into(), address: address.into(), manager: manager.into() };
        let market = super::create_market(db, &actor, u.id, input).await?;
        for i in 0..count {
            let k = i * 7 + seed * 3;
            let merchant_name = format!(
                "{} {} {}",
                FAMILY[k % FAMILY.len()],
                MIDDLE[(k / 3) % MIDDLE.len()],
                GIVEN[(i + seed * 5) % GIVEN.len()]
            );
            let phone = format!("09{:02}{:06}", (k * 13) % 100, (k * 7919 + seed * 104_729) % 1_000_000);
            let merchant =
                super::create_merchant(db, &actor, u.id, MerchantInput { name: merchant_name, phone }).await?;
            let (category, fee) = CATEGORIES[(i + seed) % CATEGORIES.len()];
            // One stall in five takes cash only and has no account yet; the rest
            // display their code, and two in five have buyers paying by QR.
            let status = match (i + seed) % 5 {
                0 => StallStatus::CashOnly,
                1 | 2 => StallStatus::QrDisplayed,
                _ => StallStatus::QrInUse,
            };
            let (method, bin) = RECEIVERS[(i * 5 + seed) % RECEIVERS.len()];
            // Wallet accounts are wallet ids, not the merchant's phone: a standee is public.
            let account = if method == "wallet" {
                format!("W{:010}", (k * 7_919 + seed * 65_537) % 10_000_000_000)
            } else {
                format!("{}{:09}", 1000 + (k * 37) % 9000, (k * 982_451 + seed * 15_485_863) % 1_000_000_000)
            };
            let has_account = status != StallStatus::CashOnly || i % 2 == 0;
            let holder = vietqr::fold::to_ascii(&merchant.name).to_uppercase();
            let input = StallInput {
                label: format!("{prefix}-{:02}", i + 1),
                category: category.into(),
                merchant_id: Some(merchant.id),
                method: if has_account { method.into() } else { "none".into() },
                bin: if has_account { bin.into() } else { String::new() },
                account: if has_account { account } else { String::new() },
                holder: if has_account { holder } else { String::new() },
                monthly_fee: fee,
                feed_linked: status == StallStatus::QrInUse && i % 3 == 0,
                status: Some(status),
            };
            super::stall::create_stall(db, &actor, market.id, input).await?;
        }
        created += 1;
    }
    Ok(created)
}
