//! Demo queue data after the 2025 reform: the public service centers of
//! Tân Hòa (31342-TTPVHCC, 4 counters) and Thạnh Xuân (31360-TTPVHCC,
//! 2 counters) with services grouped by field, and a generated day of
//! history so statistics have content.
//!
//! The history is a deterministic simulation (a small LCG seeded by the
//! date and the center): citizens arrive through the opening hours
//! (07:30–11:30 and 13:30–17:00, UTC+7), counters call by their work
//! profiles, serve for a few minutes, meet a no-show or a transfer now and
//! then, and some citizens rate the service. Every step goes through the
//! same operations as the real desk, so the events and audit rows are real.
//! Needs the demo units (`store::demo::load`); `store::demo::load_areas` calls it.

use chrono::{Datelike, NaiveDate};
use domain::queue::{CallOrder, NewService, NumberingMode, Priority, PriorityRule, Satisfaction};

use super::visit::{self, IssueRequest, TransferTarget};
use super::{NewCenter, NewCounter, appointment, call};
use crate::audit::Actor;
use crate::{Db, Error, Result, unit, user};

/// A demo service: code, name, field, prefix, target minutes.
type ServiceSpec = (&'static str, &'static str, &'static str, &'static str, u32);

const TAN_HOA_SERVICES: &[ServiceSpec] = &[
    ("HT", "Hộ tịch: khai sinh, kết hôn, khai tử", "Tư pháp – Hộ tịch", "A", 15),
    ("CT", "Chứng thực bản sao, chữ ký", "Tư pháp – Hộ tịch", "B", 10),
    ("DD", "Đăng ký đất đai, cấp giấy chứng nhận", "Đất đai", "C", 20),
    ("KD", "Đăng ký hộ kinh doanh", "Kinh doanh", "D", 20),
    ("LD", "Chính sách người có công, bảo trợ xã hội", "Lao động – Thương binh và Xã hội", "E", 15),
    ("XD", "Cấp giấy phép xây dựng nhà ở", "Xây dựng", "F", 20),
];

/// Counters: code, name, order, service codes of the work profile.
type CounterSpec = (&'static str, &'static str, CallOrder, &'static [&'static str]);

const TAN_HOA_COUNTERS: &[CounterSpec] = &[
    ("1", "Quầy 1", CallOrder::ServiceOrder, &["HT", "CT"]),
    ("2", "Quầy 2", CallOrder::ServiceOrder, &["CT", "HT"]),
    ("3", "Quầy 3", CallOrder::ServiceOrder, &["DD", "XD"]),
    ("4", "Quầy 4", CallOrder::LongestWait, &["KD", "LD", "XD"]),
];

const THANH_XUAN_SERVICES: &[ServiceSpec] = &[
    ("HT", "Hộ tịch: khai sinh, kết hôn, khai tử", "Tư pháp – Hộ tịch", "A", 15),
    ("CT", "Chứng thực bản sao, chữ ký", "Tư pháp – Hộ tịch", "B", 10),
    ("DD", "Đăng ký đất đai, cấp giấy chứng nhận", "Đất đai", "C", 20),
    ("LD", "Chính sách người có công, bảo trợ xã hội", "Lao động – Thương binh và Xã hội", "D", 15),
];

const THANH_XUAN_COUNTERS: &[CounterSpec] = &[
    ("1", "Quầy 1", CallOrder::ServiceOrder, &["HT", "CT"]),
    ("2", "Quầy 2", CallOrder::LongestWait, &["DD", "LD", "HT"]),
];

/// What [`load_demo`] did.
#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    /// The demo centers' ids (Tân Hòa, Thạnh Xuân).
    pub centers: Vec<i64>,
    /// Tickets generated for `day`.
    pub tickets: usize,
}

/// Creates the demo centers (once) and a day of history for `day` (once per
/// day). The demo units must be loaded and valid on `day`.
pub async fn load_demo(db: &Db, day: NaiveDate) -> Result<DemoReport> {
    let specs = [
        ("31342-TTPVHCC", TAN_HOA_SERVICES, TAN_HOA_COUNTERS, "motcua.tanhoa", 22u64),
        ("31360-TTPVHCC", THANH_XUAN_SERVICES, THANH_XUAN_COUNTERS, "motcua.thanhxuan", 12u64),
    ];
    let mut report = DemoReport::default();
    for (code, services, counters, officer, rate) in specs {
        let center_id = ensure_center(db, code, services, counters, day).await?;
        report.centers.push(center_id);
        let actor = match user::find(db, officer).await? {
            Some(u) => Actor { user_id: Some(u.id), name: u.username, ..Actor::default() },
            None => Actor::system(),
        };
        report.tickets += generate_day(db, &actor, center_id, day, rate).await?;
    }
    Ok(report)
}

async fn ensure_center(
    db: &Db,
    code: &str,
    services: &[ServiceSpec],
    counters: &[CounterSpec],
    day: NaiveDate,
) -> Result<i64> {
    if let Some(c) = super::center_by_code(db, code).await? {
        return Ok(c.id);
    }
    let unit = unit::by_code(db, code, day)
        .await?
        .ok_or_else(|| Error::NotFound(format!("demo unit {code} missing on {day}")))?;
    let actor = Actor::system();
    let at = crate::now_ms();
    let new = NewCenter {
        unit_id: unit.id,
        code: code.to_string(),
        name: unit.name.clone(),
        rule: PriorityRule::Interleaved { every: 3 },
        numbering: NumberingMode::DailyReset,
        checkin_early_min: 30,
        checkin_late_min: 15,
    };
    let center = super::create_center(db, &actor, new, at).await?;
    let mut ids = Vec::new();
    for (code, name, field, prefix, target) in services {
        let s = NewService {
            code: (*code).into(),
            name: (*name).into(),
            field: (*field).into(),
            prefix: (*prefix).into(),
            target_wait_minutes: *target,
        };
        ids.push((*code, super::create_service(db, &actor, center.id, s, at).await?.id));
    }
    for (code, name, order, profile) in counters {
        let services = profile.iter().filter_map(|c| ids.iter().find(|(k, _)| k == c).map(|(_, id)| *id)).collect();
        let new = NewCounter { code: (*code).into(), name: (*name).into(), order: *order, services };
        super::create_counter(db, &actor, center.id, new, at).await?;
    }
    Ok(center.id)
}

/// A small linear congruential generator: deterministic, no dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// One counter during the simulation.
enum Desk {
    Idle,
    Called { ticket: i64, since: i64 },
    Serving { ticket: i64, until: i64 },
}

const MINUTE: i64 = 60_000;

/// The UTC ms of a local (UTC+7) time of `day`.
fn local_ms(day: NaiveDate, h: u32, m: u32) -> i64 {
    day.and_hms_opt(h, m, 0).map_or(0, domain::time::local_to_utc_ms)
}

/// Simulates one day at a center; `rate` is arrivals per 100 minutes. Does
/// nothing when the center already has tickets that day.
async fn generate_day(db: &Db, actor: &Actor, center_id: i64, day: NaiveDate, rate: u64) -> Result<usize> {
    let iso = day.format("%Y-%m-%d").to_string();
    let existing: i64 = crate::on_pool!(db.reader(), p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM queue_visits WHERE center_id = $1 AND local_day = $2")
        .bind(center_id).bind(&iso).fetch_one(p).await?);
    if existing > 0 {
        return Ok(0);
    }
    let services = super::services(db, center_id).await?;
    let counters = super::counters(db, center_id).await?;
    let seed = u64::try_from(day.num_days_from_ce()).unwrap_or(0).wrapping_mul(1_000_003) ^ center_id.unsigned_abs();
    let mut rng = Lcg(seed);
    let mut desks: Vec<Desk> = counters.iter().map(|_| Desk::Idle).collect();
    let mut issued = 0;
    for (open, close) in [(local_ms(day, 7, 30), local_ms(day, 11, 30)), (local_ms(day, 13, 30), local_ms(day, 17, 0))]
    {
        let mut t = open;
        // Arrivals stop at closing; the desks then finish whoever still waits.
        while t < close + 180 * MINUTE {
            if t < close && rng.below(100) < rate {
                let service = &services[usize::try_from(rng.below(services.len() as u64)).unwrap_or(0)];
                let priority = (rng.below(10) == 0).then(|| Priority::ALL[usize::try_from(rng.below(4)).unwrap_or(0)]);
                let req = IssueRequest { service_id: service.id, priority, citizen_id: None };
                visit::issue(db, actor, req, t + i64::try_from(rng.below(50_000)).unwrap_or(0)).await?;
                issued += 1;
            }
            let mut all_idle = true;
            for (desk, counter) in desks.iter_mut().zip(&counters) {
                step(db, actor, desk, counter.id, &services, &mut rng, t + 55_000).await?;
                all_idle &= matches!(desk, Desk::Idle);
            }
            if t >= close && all_idle {
                break;
            }
            t += MINUTE;
        }
    }
    Ok(issued)
}

/// Advances one desk by a minute, at `now`.
async fn step(
    db: &Db,
    actor: &Actor,
    desk: &mut Desk,
    counter_id: i64,
    services: &[super::Service],
    rng: &mut Lcg,
    now: i64,
) -> Result<()> {
    match *desk {
        Desk::Serving { ticket, until } if until <= now => {
            visit::finish(db, actor, ticket, until).await?;
            if rng.below(2) == 0 {
                let level = match rng.below(20) {
                    0 => Satisfaction::KhongHaiLong,
                    1 | 2 => Satisfaction::BinhThuong,
                    3..=8 => Satisfaction::HaiLong,
                    _ => Satisfaction::RatHaiLong,
                };
                appointment::rate(db, actor, ticket, level, "", until + 30_000).await?;
            }
            *desk = Desk::Idle;
        }
        Desk::Called { ticket, since } if since + MINUTE <= now => {
            let roll = rng.below(100);
            if roll < 6 {
                visit::no_show(db, actor, ticket, now).await?;
                *desk = Desk::Idle;
            } else if roll < 9 && services.len() > 1 {
                let to = &services[usize::try_from(rng.below(services.len() as u64)).unwrap_or(0)];
                visit::transfer(db, actor, ticket, TransferTarget::Service(to.id), now).await?;
                *desk = Desk::Idle;
            } else {
                visit::start(db, actor, ticket, now).await?;
                let minutes = 3 + i64::try_from(rng.below(12)).unwrap_or(0);
                *desk = Desk::Serving { ticket, until: now + minutes * MINUTE };
            }
        }
        _ => {}
    }
    if matches!(desk, Desk::Idle)
        && let Some(t) = call::call_next(db, actor, counter_id, now + 1000).await?
    {
        *desk = Desk::Called { ticket: t.id, since: now + 1000 };
    }
    Ok(())
}
