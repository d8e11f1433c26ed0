//! The queue of a public service center: the rules behind tickets, counters
//! and calls (see `shared/domain/queue.md`).
//!
//! This module holds the configuration types (services grouped by field with
//! a ticket prefix and a service-level target, priority categories and the
//! priority rule, ticket numbering), the estimated wait and the voice
//! announcement. The submodules hold the three ideas that carry behaviour:
//! [`select`] (which ticket a counter calls next, a pure function of the work
//! profile, the waiting tickets and the rule state, queue.md §6 rule 2),
//! [`visit`] (the visit state machine and appointment check-in) and
//! [`stats`] (statistics computed from the visit event log, queue.md §3).
//! `store::queue` persists all of it, one transaction per operation.

pub mod select;
pub mod stats;
pub mod visit;

use serde::{Deserialize, Serialize};

pub use select::{CallOrder, Candidate, Pick, RuleState, WorkProfile, select_next};
pub use stats::{Event, Outcome, Stats, VisitSummary};
pub use visit::{Action, CheckInError, EventKind, TransitionError, VisitState};

/// Why a queue configuration value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueueError {
    /// A code is empty, too long, or has characters other than letters, digits, `-` and `_`.
    #[error("mã không hợp lệ: {0:?} (invalid code)")]
    BadCode(String),
    /// A name is empty.
    #[error("tên không được để trống (name is empty)")]
    EmptyName,
    /// A ticket prefix is not one or two capital letters.
    #[error("tiền tố số thứ tự phải là 1–2 chữ in hoa: {0:?} (prefix must be 1–2 capital letters)")]
    BadPrefix(String),
    /// A service-level target is outside 1–480 minutes.
    #[error("chỉ tiêu thời gian chờ phải từ 1 đến 480 phút: {0} (target must be 1–480 minutes)")]
    BadTarget(u32),
    /// A priority category is unknown.
    #[error("đối tượng ưu tiên không hợp lệ: {0:?} (unknown priority category)")]
    BadPriority(String),
    /// A priority rule is unknown or its interval is zero.
    #[error("quy tắc ưu tiên không hợp lệ: {0:?} (unknown priority rule)")]
    BadRule(String),
}

/// Checks a center, service or counter code: 1–32 ASCII letters, digits, `-`, `_`.
pub fn validate_code(code: &str) -> Result<String, QueueError> {
    let code = code.trim();
    let ok = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if code.is_empty() || code.len() > 32 || !code.chars().all(ok) {
        return Err(QueueError::BadCode(code.to_string()));
    }
    Ok(code.to_string())
}

/// A service as proposed for storage: what a citizen comes for (queue.md §1
/// "Service"), grouped by field, with its ticket prefix and waiting target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewService {
    /// Code, unique within the center ("HT-KS").
    pub code: String,
    /// Name ("Đăng ký khai sinh").
    pub name: String,
    /// Field (lĩnh vực) the service belongs to ("Tư pháp – Hộ tịch").
    pub field: String,
    /// Ticket prefix, unique within the center ("A").
    pub prefix: String,
    /// Service-level target: the longest acceptable wait, in minutes (queue.md §3 "Service level").
    pub target_wait_minutes: u32,
}

impl NewService {
    /// Checks every field; returns the service with trimmed values and an upper-case prefix.
    pub fn validated(mut self) -> Result<NewService, QueueError> {
        self.code = validate_code(&self.code)?;
        self.name = self.name.trim().to_string();
        self.field = self.field.trim().to_string();
        if self.name.is_empty() || self.field.is_empty() {
            return Err(QueueError::EmptyName);
        }
        self.prefix = validate_prefix(&self.prefix)?;
        if !(1..=480).contains(&self.target_wait_minutes) {
            return Err(QueueError::BadTarget(self.target_wait_minutes));
        }
        Ok(self)
    }
}

/// Checks a ticket prefix: one or two ASCII letters, returned upper-case
/// (queue.md §2 "Per-queue prefix and sequence").
pub fn validate_prefix(prefix: &str) -> Result<String, QueueError> {
    let p = prefix.trim().to_ascii_uppercase();
    if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(QueueError::BadPrefix(prefix.to_string()));
    }
    Ok(p)
}

/// A priority category (đối tượng ưu tiên), queue.md §2 "Priorities".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Người cao tuổi: an elderly person.
    NguoiCaoTuoi,
    /// Người khuyết tật: a person with a disability.
    NguoiKhuyetTat,
    /// Phụ nữ mang thai: a pregnant woman.
    PhuNuMangThai,
    /// Người có công với cách mạng: a person with meritorious service.
    NguoiCoCong,
}

impl Priority {
    /// Every category, in display order.
    pub const ALL: [Priority; 4] =
        [Priority::NguoiCaoTuoi, Priority::NguoiKhuyetTat, Priority::PhuNuMangThai, Priority::NguoiCoCong];

    /// The stored (and API) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::NguoiCaoTuoi => "nguoi_cao_tuoi",
            Priority::NguoiKhuyetTat => "nguoi_khuyet_tat",
            Priority::PhuNuMangThai => "phu_nu_mang_thai",
            Priority::NguoiCoCong => "nguoi_co_cong",
        }
    }

    /// The Vietnamese label shown on the kiosk.
    pub fn label_vi(self) -> &'static str {
        match self {
            Priority::NguoiCaoTuoi => "Người cao tuổi",
            Priority::NguoiKhuyetTat => "Người khuyết tật",
            Priority::PhuNuMangThai => "Phụ nữ mang thai",
            Priority::NguoiCoCong => "Người có công",
        }
    }

    /// The English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Priority::NguoiCaoTuoi => "Elderly person",
            Priority::NguoiKhuyetTat => "Person with a disability",
            Priority::PhuNuMangThai => "Pregnant woman",
            Priority::NguoiCoCong => "Person with meritorious service",
        }
    }

    /// Parses a stored name or a Vietnamese label with or without diacritics.
    pub fn parse(s: &str) -> Result<Priority, QueueError> {
        let key = crate::text::search_key(s).replace([' ', '-'], "_");
        Priority::ALL
            .into_iter()
            .find(|p| p.as_str() == key || crate::text::search_key(p.label_vi()).replace(' ', "_") == key)
            .ok_or_else(|| QueueError::BadPriority(s.to_string()))
    }
}

/// How priority tickets are mixed with the others (queue.md §2 "Call-next
/// rule": SmartQueue's strict or interleaved mode). Checked-in appointments
/// count as priority tickets (queue.md §2 "Appointments merged with walk-ins").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "mode")]
pub enum PriorityRule {
    /// A waiting priority ticket is always called before any other.
    Strict,
    /// One call in every `every` goes to a priority ticket while both kinds
    /// wait: after `every - 1` consecutive normal calls, the next is priority.
    Interleaved {
        /// The interval, at least 1 (1 behaves as [`PriorityRule::Strict`]).
        every: u32,
    },
}

impl Default for PriorityRule {
    fn default() -> Self {
        PriorityRule::Interleaved { every: 3 }
    }
}

impl PriorityRule {
    /// The stored mode name.
    pub fn as_str(self) -> &'static str {
        match self {
            PriorityRule::Strict => "strict",
            PriorityRule::Interleaved { .. } => "interleaved",
        }
    }

    /// The stored interval (0 for strict).
    pub fn every(self) -> u32 {
        match self {
            PriorityRule::Strict => 0,
            PriorityRule::Interleaved { every } => every,
        }
    }

    /// Rebuilds a rule from its stored mode and interval.
    pub fn from_parts(mode: &str, every: i64) -> Result<PriorityRule, QueueError> {
        match mode {
            "strict" => Ok(PriorityRule::Strict),
            "interleaved" if every >= 1 => {
                Ok(PriorityRule::Interleaved { every: u32::try_from(every).unwrap_or(u32::MAX) })
            }
            other => Err(QueueError::BadRule(format!("{other}/{every}"))),
        }
    }

    /// Whether, with both kinds waiting, the next call goes to a priority ticket.
    pub fn prefers_priority(self, state: RuleState) -> bool {
        match self {
            PriorityRule::Strict => true,
            PriorityRule::Interleaved { every } => state.normal_streak.saturating_add(1) >= every.max(1),
        }
    }
}

/// Whether ticket sequences restart every local day or run on (queue.md §2
/// "Ticket numbering": daily reset or carry-over is configurable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberingMode {
    /// Sequences restart at 001 at local midnight (UTC+7).
    #[default]
    DailyReset,
    /// Sequences continue across days.
    Continuous,
}

impl NumberingMode {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            NumberingMode::DailyReset => "daily",
            NumberingMode::Continuous => "continuous",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<NumberingMode> {
        match s {
            "daily" => Some(NumberingMode::DailyReset),
            "continuous" => Some(NumberingMode::Continuous),
            _ => None,
        }
    }

    /// The key of the sequence a ticket issued at `at_ms` draws from: the
    /// local date (`YYYY-MM-DD`, UTC+7) when numbering resets daily, else a
    /// constant. A number is unique per (service, key) (queue.md §6 rule 4).
    pub fn sequence_key(self, at_ms: i64) -> String {
        match self {
            NumberingMode::DailyReset => local_day(at_ms),
            NumberingMode::Continuous => "all".to_string(),
        }
    }
}

/// The local date (UTC+7) of an instant, `YYYY-MM-DD`.
pub fn local_day(at_ms: i64) -> String {
    crate::time::local_date(crate::time::from_millis(at_ms)).format("%Y-%m-%d").to_string()
}

/// The local hour (0–23, UTC+7) of an instant, for hourly statistics.
pub fn local_hour(at_ms: i64) -> u32 {
    use chrono::Timelike;
    crate::time::from_millis(at_ms).with_timezone(&crate::time::vn_offset()).hour()
}

/// A ticket number as shown and spoken: the prefix and at least three digits ("A001", "B1000").
pub fn ticket_number(prefix: &str, seq: i64) -> String {
    format!("{prefix}{seq:03}")
}

/// The voice announcement of a call (queue.md §6 rule 6): "Mời số A012 đến quầy số 3".
pub fn announcement_vi(number: &str, counter_name: &str) -> String {
    let counter = counter_name.trim();
    let lower = crate::text::search_key(counter);
    if lower.starts_with("quay") {
        format!("Mời số {number} đến {}", lowercase_first(counter))
    } else {
        format!("Mời số {number} đến quầy số {counter}")
    }
}

/// The call as the board speaks it (UX: "Mời số A không một hai đến quầy số
/// ba"): the ticket's digits one by one, so that "A012" is not heard as
/// "A mười hai", and the counter's number as a number.
pub fn spoken_vi(number: &str, counter_name: &str) -> String {
    const DIGITS: [&str; 10] = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];
    let mut ticket = Vec::new();
    for c in number.chars() {
        match c.to_digit(10) {
            Some(d) => ticket.push(DIGITS[d as usize].to_string()),
            None => ticket.push(c.to_string()),
        }
    }
    let counter = counter_name.trim();
    let digits: String = counter.chars().filter(char::is_ascii_digit).collect();
    let is_numbered = crate::text::search_key(counter).starts_with("quay") || counter == digits;
    let place = match digits.parse::<u32>() {
        Ok(n) if is_numbered && !digits.is_empty() => format!("quầy số {}", number_vi(n)),
        _ if crate::text::search_key(counter).starts_with("quay") => lowercase_first(counter),
        _ => format!("quầy {counter}"),
    };
    format!("Mời số {} đến {place}", ticket.join(" "))
}

/// A number below 1000 in Vietnamese words ("hai mươi mốt", "mười lăm").
fn number_vi(n: u32) -> String {
    const DIGITS: [&str; 10] = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];
    match n {
        0..=9 => DIGITS[n as usize].to_string(),
        10 => "mười".to_string(),
        11..=19 => format!("mười {}", if n % 10 == 5 { "lăm" } else { DIGITS[(n % 10) as usize] }),
        20..=99 => {
            let unit = match n % 10 {
                0 => String::new(),
                1 => " mốt".to_string(),
                4 => " tư".to_string(),
                5 => " lăm".to_string(),
                d => format!(" {}", DIGITS[d as usize]),
            };
            format!("{} mươi{unit}", DIGITS[(n / 10) as usize])
        }
        _ => n.to_string(),
    }
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The service time assumed when a service has no history yet: 8 minutes.
pub const DEFAULT_SERVICE_MS: i64 = 8 * 60_000;

/// The estimated wait of a ticket with `ahead` tickets before it, served by
/// `counters` counters that take `avg_service_ms` each: the tickets ahead
/// shared among the counters. With no counter, the wait is unknown (`None`).
pub fn estimated_wait_ms(ahead: u32, avg_service_ms: i64, counters: u32) -> Option<i64> {
    if counters == 0 {
        return None;
    }
    let avg = if avg_service_ms > 0 { avg_service_ms } else { DEFAULT_SERVICE_MS };
    Some(i64::from(ahead) * avg / i64::from(counters))
}

/// Milliseconds as whole minutes, rounded up (a wait is never understated).
pub fn minutes_up(ms: i64) -> i64 {
    (ms.max(0) + 59_999) / 60_000
}

/// A satisfaction rating after service, on the 4-level scale (issue 5 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    /// Không hài lòng (1).
    KhongHaiLong,
    /// Bình thường (2).
    BinhThuong,
    /// Hài lòng (3).
    HaiLong,
    /// Rất hài lòng (4).
    RatHaiLong,
}

impl Satisfaction {
    /// Every level, best first, as a kiosk shows them.
    pub const ALL: [Satisfaction; 4] =
        [Satisfaction::RatHaiLong, Satisfaction::HaiLong, Satisfaction::BinhThuong, Satisfaction::KhongHaiLong];

    /// The stored score, 4 (best) to 1.
    pub fn score(self) -> i64 {
        match self {
            Satisfaction::KhongHaiLong => 1,
            Satisfaction::BinhThuong => 2,
            Satisfaction::HaiLong => 3,
            Satisfaction::RatHaiLong => 4,
        }
    }

    /// The level of a stored score.
    pub fn from_score(score: i64) -> Option<Satisfaction> {
        Satisfaction::ALL.into_iter().find(|s| s.score() == score)
    }

    /// The Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Satisfaction::KhongHaiLong => "Không hài lòng",
            Satisfaction::BinhThuong => "Bình thường",
            Satisfaction::HaiLong => "Hài lòng",
            Satisfaction::RatHaiLong => "Rất hài lòng",
        }
    }
}

/// A new appointment code: 8 characters from an alphabet without look-alikes
/// (no 0/O, 1/I/L), read out over the phone and typed at the kiosk.
pub fn new_appointment_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::thread_rng();
    (0..8).map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service() -> NewService {
        NewService {
            code: " HT-KS ".into(),
            name: "Đăng ký khai sinh".into(),
            field: "Tư pháp – Hộ tịch".into(),
            prefix: "a".into(),
            target_wait_minutes: 15,
        }
    }

    #[test]
    fn services_are_validated() {
        let s = service().validated().unwrap();
        assert_eq!((s.code.as_str(), s.prefix.as_str()), ("HT-KS", "A"));
        assert_eq!(
            NewService { prefix: "A1".into(), ..service() }.validated(),
            Err(QueueError::BadPrefix("A1".into()))
        );
        assert!(matches!(NewService { prefix: "ABC".into(), ..service() }.validated(), Err(QueueError::BadPrefix(_))));
        assert_eq!(NewService { target_wait_minutes: 0, ..service() }.validated(), Err(QueueError::BadTarget(0)));
        assert_eq!(NewService { name: " ".into(), ..service() }.validated(), Err(QueueError::EmptyName));
        assert!(matches!(NewService { code: "a b".into(), ..service() }.validated(), Err(QueueError::BadCode(_))));
    }

    #[test]
    fn priorities_parse_from_names_and_labels() {
        for p in Priority::ALL {
            assert_eq!(Priority::parse(p.as_str()), Ok(p));
            assert_eq!(Priority::parse(p.label_vi()), Ok(p));
        }
        assert_eq!(Priority::parse("nguoi cao tuoi"), Ok(Priority::NguoiCaoTuoi));
        assert!(Priority::parse("vip").is_err());
    }

    #[test]
    fn rules_round_trip_through_storage() {
        for r in [PriorityRule::Strict, PriorityRule::Interleaved { every: 4 }] {
            assert_eq!(PriorityRule::from_parts(r.as_str(), i64::from(r.every())), Ok(r));
        }
        assert!(PriorityRule::from_parts("interleaved", 0).is_err());
        assert!(PriorityRule::from_parts("random", 1).is_err());
    }

    #[test]
    fn sequences_reset_at_local_midnight() {
        // 2026-02-13T16:59:59Z is 23:59:59 in Hà Nội; one second later it is the 14th.
        let before = 1_771_001_999_000;
        assert_eq!(local_day(before), "2026-02-13");
        assert_eq!(local_day(before + 1000), "2026-02-14");
        assert_eq!(NumberingMode::DailyReset.sequence_key(before + 1000), "2026-02-14");
        assert_eq!(
            NumberingMode::Continuous.sequence_key(before),
            NumberingMode::Continuous.sequence_key(before + 1000)
        );
        assert_eq!(local_hour(before), 23);
        assert_eq!(ticket_number("A", 1), "A001");
        assert_eq!(ticket_number("BC", 1234), "BC1234");
    }

    #[test]
    fn waits_are_shared_among_counters_and_rounded_up() {
        assert_eq!(estimated_wait_ms(6, 5 * 60_000, 2), Some(15 * 60_000));
        assert_eq!(estimated_wait_ms(3, 0, 1), Some(3 * DEFAULT_SERVICE_MS));
        assert_eq!(estimated_wait_ms(3, 60_000, 0), None);
        assert_eq!(minutes_up(1), 1);
        assert_eq!(minutes_up(120_000), 2);
        assert_eq!(minutes_up(-5), 0);
    }

    #[test]
    fn announcements_read_naturally() {
        assert_eq!(announcement_vi("A012", "3"), "Mời số A012 đến quầy số 3");
        assert_eq!(announcement_vi("A012", "Quầy 3"), "Mời số A012 đến quầy 3");
        assert_eq!(spoken_vi("A012", "Quầy 3"), "Mời số A không một hai đến quầy số ba");
        assert_eq!(spoken_vi("B105", "3"), "Mời số B một không năm đến quầy số ba");
        assert_eq!(spoken_vi("C001", "Quầy 15"), "Mời số C không không một đến quầy số mười lăm");
        assert_eq!(spoken_vi("C001", "Quầy 21"), "Mời số C không không một đến quầy số hai mươi mốt");
        assert_eq!(spoken_vi("C001", "Quầy 24"), "Mời số C không không một đến quầy số hai mươi tư");
        assert_eq!(spoken_vi("C001", "Quầy 30"), "Mời số C không không một đến quầy số ba mươi");
        assert_eq!(spoken_vi("D010", "Quầy Tiếp nhận"), "Mời số D không một không đến quầy Tiếp nhận");
        assert_eq!(spoken_vi("D010", "Bàn Đất đai"), "Mời số D không một không đến quầy Bàn Đất đai");
    }

    #[test]
    fn satisfaction_scores_round_trip() {
        for s in Satisfaction::ALL {
            assert_eq!(Satisfaction::from_score(s.score()), Some(s));
        }
        assert_eq!(Satisfaction::from_score(5), None);
        let code = new_appointment_code();
        assert_eq!(code.len(), 8);
        assert!(code.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'9').contains(&b)));
    }
}
