//! Demo and bench dossiers: `n` dossiers over the year before a given
//! instant, in the current communes, inserted in bulk.
//!
//! The rows have the shape intake and the workflow give them: codes
//! `<agency>-<yyMMdd>-<NNNN>` numbered per agency and local day (continuing
//! `dossier_numbering`, which is brought up to the last number used), receipts
//! in office hours on working days, due dates from the working calendar
//! ([`super::deadlines`]), about 70 % online, about 99.9 % of the finished on
//! time, some supplement requests (the due date moved by the pause), some
//! extensions, refusals, withdrawals, electronic results and ratings; the
//! dossiers not yet due are in progress. A deterministic generator (seeded)
//! makes runs repeatable.
//!
//! Speed over ceremony: multi-row `INSERT`s of [`ROWS_PER_INSERT`] rows in
//! transactions of [`ROWS_PER_TX`], and no per-dossier event or audit row
//! (one audit row records the generation). This is demo data, never real.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::dossier::deadline::{from_local, to_local};
use domain::dossier::{Granularity, OnlineLevel, ResultType, TimeLimit, Timeliness};
use serde_json::json;

use super::deadlines;
use crate::audit::{Actor, Change};
use crate::procedure::{DocumentComponent, FeeLine, NewProcedure, Procedure, StepTemplate};
use crate::{Db, Error, Result, audit_in_tx, on_pool};

/// Rows per `INSERT` statement (28 parameters each, under SQLite's limit).
pub const ROWS_PER_INSERT: usize = 500;
/// Rows per transaction.
pub const ROWS_PER_TX: usize = 20_000;

/// SplitMix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `p` per mille.
    fn per_mille(&mut self, p: u64) -> bool {
        self.below(1000) < p
    }
}

/// The demo catalogue: (code, name, field, days, online level, result, fee).
const PROCEDURES: &[(&str, &str, &str, u32, OnlineLevel, ResultType, i64)] = &[
    ("1.001193", "Đăng ký khai sinh", "Hộ tịch", 1, OnlineLevel::Full, ResultType::PaperAndElectronic, 0),
    ("1.000894", "Đăng ký kết hôn", "Hộ tịch", 3, OnlineLevel::Partial, ResultType::Paper, 0),
    ("1.000656", "Đăng ký khai tử", "Hộ tịch", 1, OnlineLevel::Full, ResultType::PaperAndElectronic, 0),
    ("1.004873", "Cấp bản sao trích lục hộ tịch", "Hộ tịch", 1, OnlineLevel::Full, ResultType::Electronic, 8_000),
    ("2.000908", "Chứng thực bản sao từ bản chính", "Chứng thực", 2, OnlineLevel::Partial, ResultType::Paper, 2_000),
    ("1.001612", "Xác nhận tình trạng hôn nhân", "Hộ tịch", 3, OnlineLevel::Full, ResultType::PaperAndElectronic, 0),
    ("1.003596", "Đăng ký kê khai giá", "Quản lý giá", 5, OnlineLevel::None, ResultType::Paper, 0),
];

/// Adds the demo catalogue's procedures that are missing (valid from 2024-01-01).
pub async fn ensure_procedures(db: &Db, actor: &Actor) -> Result<Vec<Procedure>> {
    let from = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
    let today = domain::time::local_date(chrono::Utc::now());
    let mut out = Vec::new();
    for (i, &(code, name, field, days, online, result, fee)) in PROCEDURES.iter().enumerate() {
        if let Some(p) = crate::procedure::current(db, code, today).await? {
            out.push(p);
            continue;
        }
        let new = NewProcedure {
            code: code.into(),
            valid_from: from,
            name: name.into(),
            field: field.into(),
            level: "Cấp xã".into(),
            agency: "Ủy ban nhân dân cấp xã".into(),
            time: TimeLimit::WorkingDays(days),
            online_level: online,
            result_type: result,
            fees: if fee > 0 { vec![FeeLine { label: "Lệ phí".into(), amount: fee }] } else { vec![] },
            // The last one is published incomplete, so item 1.3 has something to show.
            documents: if i + 1 < PROCEDURES.len() {
                vec![DocumentComponent { name: "Tờ khai".into(), originals: 1, copies: 0, required: true }]
            } else {
                vec![]
            },
            steps: vec![StepTemplate { department: "Công chức chuyên môn".into(), budget: days }],
        };
        out.push(crate::procedure::create_version(db, actor, new).await?);
    }
    Ok(out)
}

const FAMILY: &[&str] = &["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Phan", "Trương", "Đặng"];
const MIDDLE: &[&str] = &["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Quốc", "Thu"];
const GIVEN: &[&str] = &["An", "Bình", "Cường", "Dung", "Hà", "Hùng", "Lan", "Mai", "Nam", "Phúc", "Tâm", "Vy"];

fn pick<'a>(rng: &mut Rng, list: &[&'a str]) -> &'a str {
    list[rng.below(list.len() as u64) as usize]
}

/// One generated row.
struct Row {
    code: String,
    unit_id: i64,
    agency: String,
    procedure: usize,
    channel: i32,
    status: i32,
    name: String,
    phone: String,
    received_at: i64,
    due_at: Option<i64>,
    original_due_at: Option<i64>,
    due_without_extension_at: Option<i64>,
    finished_at: Option<i64>,
    returned_at: Option<i64>,
    ended_at: Option<i64>,
    supplement_count: i32,
    extension_count: i32,
    paused_minutes: i64,
    has_e_result: bool,
    result_channel: Option<&'static str>,
    timeliness: Option<&'static str>,
    rating: Option<i32>,
    updated_at: i64,
}

/// Working minutes later, as an instant.
fn later(t: i64, minutes: u64) -> i64 {
    from_local(deadlines().clock().add_working_minutes(to_local(t), minutes))
}

/// What becomes of a dossier received at `at` under `p`, judged at `now`.
fn outcome(rng: &mut Rng, p: &Procedure, r: &mut Row, now: i64) {
    let dl = deadlines();
    let limit_min = u64::from(p.time.amount()) * 480;
    let due = dl.due(r.received_at, p.time);
    r.original_due_at = due;
    r.due_at = due;
    r.due_without_extension_at = due;
    if rng.per_mille(30) {
        // One supplement request, 1–2 working days' wait: the due dates move by it.
        let wait = 480 * (1 + rng.below(2));
        r.supplement_count = 1;
        r.paused_minutes = i64::try_from(wait).unwrap_or(0);
        r.due_at = due.map(|d| later(d, wait));
        r.due_without_extension_at = r.due_at;
    }
    if rng.per_mille(8) {
        r.extension_count = 1;
        r.due_at = r.due_at.map(|d| later(d, 960));
    }
    let Some(due_now) = r.due_at else { return };
    if rng.per_mille(10) {
        let at = later(r.received_at, 60 + rng.below(240));
        if at < now {
            r.status = if rng.per_mille(500) { 3 } else { 7 };
            r.ended_at = Some(at);
            r.updated_at = at;
            return;
        }
    }
    // The finish: within the limit for 99.9 %, late by a day or two otherwise.
    let finish = if rng.per_mille(1) {
        later(due_now, 480 + rng.below(480))
    } else {
        let used = limit_min.saturating_sub(1).max(1);
        later(r.received_at, rng.below(used) + 1 + r.paused_minutes.unsigned_abs()).min(due_now)
    };
    if finish >= now {
        r.status = if r.supplement_count > 0 && rng.per_mille(300) { 5 } else { 4 };
        r.supplement_count = r.supplement_count.min(i32::from(r.status == 5));
        return;
    }
    r.finished_at = Some(finish);
    r.updated_at = finish;
    let t = domain::dossier::timeliness::timeliness(Some(finish), due_now, i64::MAX, Granularity::Date);
    r.timeliness = Some(match t {
        Timeliness::Early => "early",
        Timeliness::Late | Timeliness::Overdue => "late",
        _ => "on_time",
    });
    r.has_e_result = p.result_type != ResultType::Paper && rng.per_mille(850);
    r.status = 9;
    let returned = later(finish, 30 + rng.below(900));
    if returned < now && rng.per_mille(950) {
        r.status = 10;
        r.returned_at = Some(returned);
        r.updated_at = returned;
        r.result_channel = Some(if r.has_e_result && r.channel == 2 {
            "electronic"
        } else if r.channel == 3 {
            "post"
        } else {
            "counter"
        });
        if rng.per_mille(300) {
            r.rating = Some(if rng.per_mille(900) { 5 } else { 3 + i32::from(rng.per_mille(500)) });
        }
    }
}

/// The units dossiers are generated for: communes, wards and townships valid on `day`.
async fn communes(db: &Db, day: NaiveDate) -> Result<Vec<crate::unit::Unit>> {
    let all = crate::unit::valid_on(db, day).await?;
    Ok(all.into_iter().filter(|u| matches!(u.kind.as_str(), "xa" | "phuong" | "thi_tran")).collect())
}

/// Generates `n` dossiers received over the 365 days before `until` (UTC
/// ms) in the communes valid on its day, seeded by `seed`. Returns how many.
pub async fn generate(db: &Db, actor: &Actor, n: usize, until: i64, seed: u64) -> Result<usize> {
    if n == 0 {
        return Ok(0);
    }
    let procedures = ensure_procedures(db, actor).await?;
    let last_day = domain::time::local_date(domain::time::from_millis(until));
    let units = communes(db, last_day).await?;
    if units.is_empty() {
        return Err(Error::Invalid("không có xã nào để tạo hồ sơ (no commune to generate dossiers for)".into()));
    }
    let cal = super::work_calendar();
    let days: Vec<NaiveDate> = (1..=365)
        .filter_map(|k| last_day.checked_sub_days(chrono::Days::new(k)))
        .filter(|d| {
            use chrono::Datelike;
            calendar::Date::from_ymd(d.year(), d.month(), d.day()).is_ok_and(|cd| cal.is_working_day(cd))
        })
        .rev()
        .collect();
    let mut numbering: HashMap<(String, String), i64> = HashMap::new();
    let existing: Vec<(String, String, i64)> = on_pool!(db.reader(), p => sqlx::query_as(
        "SELECT agency, day, last_seq FROM dossier_numbering").fetch_all(p).await?);
    for (a, d, s) in existing {
        numbering.insert((a, d), s);
    }
    let mut rng = Rng(seed);
    let slots = days.len() * units.len();
    let mut rows: Vec<Row> = Vec::with_capacity(ROWS_PER_TX);
    let mut made = 0usize;
    for (slot, (day, unit)) in days.iter().flat_map(|d| units.iter().map(move |u| (d, u))).enumerate() {
        // Spread n over the slots evenly, the remainder to the first ones.
        let count = n / slots + usize::from(slot < n % slots);
        let mut times: Vec<i64> = (0..count)
            .map(|_| {
                let minute = rng.below(480);
                let tod = if minute < 270 { 420 + minute } else { 810 + minute - 270 };
                domain::time::local_day_start_ms(*day)
                    + i64::try_from(tod).unwrap_or(420) * 60_000
                    + i64::try_from(rng.below(60_000)).unwrap_or(0)
            })
            .collect();
        times.sort_unstable();
        let day_key = day.format("%Y-%m-%d").to_string();
        let seq = numbering.entry((unit.code.clone(), day_key)).or_insert(0);
        for at in times {
            *seq += 1;
            let pi = rng.below(procedures.len() as u64) as usize;
            let code = domain::dossier::DossierCode::new(&unit.code, *day, u32::try_from(*seq).unwrap_or(u32::MAX))
                .map_err(|e| Error::Invalid(e.to_string()))?;
            let c = rng.below(1000);
            let mut r = Row {
                code: code.to_string(),
                unit_id: unit.id,
                agency: unit.code.clone(),
                procedure: pi,
                channel: if c < 700 {
                    2
                } else if c < 980 {
                    1
                } else {
                    3
                },
                status: 2,
                name: format!("{} {} {}", pick(&mut rng, FAMILY), pick(&mut rng, MIDDLE), pick(&mut rng, GIVEN)),
                phone: format!("09{:08}", rng.below(100_000_000)),
                received_at: at,
                due_at: None,
                original_due_at: None,
                due_without_extension_at: None,
                finished_at: None,
                returned_at: None,
                ended_at: None,
                supplement_count: 0,
                extension_count: 0,
                paused_minutes: 0,
                has_e_result: false,
                result_channel: None,
                timeliness: None,
                rating: None,
                updated_at: at,
            };
            outcome(&mut rng, &procedures[pi], &mut r, until);
            rows.push(r);
            if rows.len() >= ROWS_PER_TX {
                made += insert(db, &procedures, &std::mem::take(&mut rows)).await?;
            }
        }
    }
    made += insert(db, &procedures, &rows).await?;
    save_numbering(db, &numbering).await?;
    let change = Change {
        unit_id: None,
        action: "dossier.generate",
        object_type: "dossier",
        object_id: format!("{made}"),
        before: None,
        after: Some(json!({"dossiers": made, "seed": seed, "until": until})),
    };
    on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        audit_in_tx!(&mut *tx, actor, &change, crate::now_ms())?;
        tx.commit().await?;
    });
    Ok(made)
}

/// Brings `dossier_numbering` up to the numbers used.
async fn save_numbering(db: &Db, numbering: &HashMap<(String, String), i64>) -> Result<()> {
    let all: Vec<(&(String, String), &i64)> = numbering.iter().collect();
    for chunk in all.chunks(ROWS_PER_INSERT) {
        let values: Vec<String> =
            (0..chunk.len()).map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3)).collect();
        let sql = format!(
            "INSERT INTO dossier_numbering (agency, day, last_seq) VALUES {}
             ON CONFLICT (agency, day) DO UPDATE SET last_seq = excluded.last_seq
             WHERE dossier_numbering.last_seq < excluded.last_seq",
            values.join(", ")
        );
        on_pool!(db.writer(), p => {
            let mut q = sqlx::query(&sql);
            for ((agency, day), seq) in chunk {
                q = q.bind(agency.as_str()).bind(day.as_str()).bind(**seq);
            }
            q.execute(p).await?;
        });
    }
    Ok(())
}

/// The columns [`insert`] writes, in bind order.
const INSERT_COLS: &str = "code, unit_id, agency, procedure_id, procedure_code, procedure_version, channel, status, \
    applicant_name, applicant_phone, received_at, due_at, finished_at, returned_at, created_at, field, time_unit, \
    time_amount, result_type, original_due_at, due_without_extension_at, supplement_count, extension_count, \
    paused_minutes, has_e_result, timeliness, ended_at, rating, result_channel, updated_at";
const COLS_N: usize = 30;

/// Inserts rows in one transaction, [`ROWS_PER_INSERT`] per statement.
async fn insert(db: &Db, procedures: &[Procedure], rows: &[Row]) -> Result<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let ps: Vec<String> = (1..=COLS_N).map(|c| format!("${}", i * COLS_N + c)).collect();
                    format!("({})", ps.join(", "))
                })
                .collect();
            let sql = format!("INSERT INTO dossiers ({INSERT_COLS}) VALUES {}", values.join(", "));
            let mut q = sqlx::query(&sql);
            for r in chunk {
                let pr = &procedures[r.procedure];
                q = q
                    .bind(&r.code).bind(r.unit_id).bind(&r.agency).bind(pr.id).bind(&pr.code).bind(pr.version)
                    .bind(r.channel).bind(r.status).bind(&r.name).bind(&r.phone).bind(r.received_at).bind(r.due_at)
                    .bind(r.finished_at).bind(r.returned_at).bind(r.received_at).bind(&pr.field)
                    .bind(pr.time.unit().as_str()).bind(i64::from(pr.time.amount())).bind(pr.result_type.as_str())
                    .bind(r.original_due_at).bind(r.due_without_extension_at).bind(r.supplement_count)
                    .bind(r.extension_count).bind(r.paused_minutes).bind(r.has_e_result).bind(r.timeliness)
                    .bind(r.ended_at).bind(r.rating).bind(r.result_channel).bind(r.updated_at);
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(rows.len())
}

/// Dossiers the demo load generates.
pub const DEMO_DOSSIERS: usize = 3_000;

/// The setting that records that the demo dossiers were generated.
const DEMO_KEY: &str = "demo_dossiers_loaded";

/// Generates `n` demo dossiers up to now (seed 766) unless demo dossiers were
/// generated before; records that they were. Returns how many it made.
pub async fn load_demo(db: &Db, n: usize) -> Result<usize> {
    if crate::settings::get(db, DEMO_KEY).await?.is_some() {
        return Ok(0);
    }
    let made = generate(db, &Actor::system(), n, crate::now_ms(), 766).await?;
    crate::settings::set(db, DEMO_KEY, &made.to_string()).await?;
    Ok(made)
}
