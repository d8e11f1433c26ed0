//! One-stop dossiers (hồ sơ một cửa): the vocabulary shared with the national
//! portal DVCQG and the pure rules of a dossier's life (see
//! `shared/domain/one-stop-dossiers.md`).
//!
//! This module holds the codes every layer stores and shows: the ten DVCQG
//! statuses, the channel (1/2/3), the online payment flag, the processing
//! time and its unit, the online service level and the result type, plus the
//! DVCQG sync timestamp format. The submodules hold the ideas with behaviour:
//!
//! - [`code`]: the dossier code `<agency e-ID>-<yyMMdd>-<NNNN>`;
//! - [`flow`]: the state machine, a pure `next(status, action, context)`;
//! - [`deadline`]: due dates in working time over the `calendar` crate,
//!   stop-the-clock pauses and extensions (Mẫu 04);
//! - [`timeliness`]: early / on time / late, per dossier and by the
//!   Decision 766 rules;
//! - [`alert`]: due-soon / overdue classification and the "còn 2 ngày làm
//!   việc" phrases;
//! - [`form`]: the form kinds (Mẫu 01–07) and their numbers per rule set.
//!
//! Instants are UTC milliseconds, as everywhere in the domain (see
//! [`crate::time`]); deadline arithmetic happens on local (UTC+7) minutes.
//! Nothing here does I/O: the store persists these values, one transaction
//! per operation, and calls these rules inside it.

pub mod alert;
pub mod code;
pub mod deadline;
pub mod flow;
pub mod form;
pub mod timeliness;

#[cfg(test)]
mod testing;

use serde::{Deserialize, Serialize};

pub use alert::{AlertRules, TimeLeft, Urgency};
pub use code::{AgencyId, CodeError, DossierCode};
pub use deadline::{DeadlineError, DeadlineRules, Deadlines, DueDates, Extension, Pause, PauseReason};
pub use flow::{Action, Context, FlowError, allowed_actions, next};
pub use form::{FormKind, RuleSet};
pub use timeliness::{DueBasis, Facts766, Granularity, Timeliness, Verdict766};

/// A dossier's status: the ten DVCQG sync codes (one-stop-dossiers.md §4).
///
/// Richer internal states (which step, which officer) are sub-states of
/// these ten and live beside them, never instead of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 1 Mới đăng ký: newly submitted (online or by post), not yet received.
    Submitted,
    /// 2 Được tiếp nhận: accepted; the receipt is issued and the due date set.
    Accepted,
    /// 3 Không được tiếp nhận: refused at intake (Mẫu 03). Final.
    NotAccepted,
    /// 4 Đang xử lý: in process.
    InProcess,
    /// 5 Yêu cầu bổ sung giấy tờ: a supplement was requested (Mẫu 02); the clock stops.
    SupplementRequested,
    /// 6 Yêu cầu thực hiện nghĩa vụ tài chính: fees or other obligations are to be paid.
    FeeRequested,
    /// 7 Công dân yêu cầu rút hồ sơ: withdrawn at the applicant's request. Final.
    Withdrawn,
    /// 8 Dừng xử lý: processing stopped (Mẫu 05 under TT 03/2025). Final.
    Stopped,
    /// 9 Đã xử lý xong: processing finished; the result waits to be returned.
    Finished,
    /// 10 Đã trả kết quả: the result was returned. Final.
    Returned,
}

impl Status {
    /// Every status, in code order.
    pub const ALL: [Status; 10] = [
        Status::Submitted,
        Status::Accepted,
        Status::NotAccepted,
        Status::InProcess,
        Status::SupplementRequested,
        Status::FeeRequested,
        Status::Withdrawn,
        Status::Stopped,
        Status::Finished,
        Status::Returned,
    ];

    /// The DVCQG code, 1–10.
    pub fn code(self) -> u8 {
        match self {
            Status::Submitted => 1,
            Status::Accepted => 2,
            Status::NotAccepted => 3,
            Status::InProcess => 4,
            Status::SupplementRequested => 5,
            Status::FeeRequested => 6,
            Status::Withdrawn => 7,
            Status::Stopped => 8,
            Status::Finished => 9,
            Status::Returned => 10,
        }
    }

    /// The status of a DVCQG code.
    pub fn from_code(code: u8) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Accepted => "accepted",
            Status::NotAccepted => "not_accepted",
            Status::InProcess => "in_process",
            Status::SupplementRequested => "supplement_requested",
            Status::FeeRequested => "fee_requested",
            Status::Withdrawn => "withdrawn",
            Status::Stopped => "stopped",
            Status::Finished => "finished",
            Status::Returned => "returned",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The Vietnamese name, as DVCQG words it.
    pub fn label_vi(self) -> &'static str {
        match self {
            Status::Submitted => "Mới đăng ký",
            Status::Accepted => "Được tiếp nhận",
            Status::NotAccepted => "Không được tiếp nhận",
            Status::InProcess => "Đang xử lý",
            Status::SupplementRequested => "Yêu cầu bổ sung giấy tờ",
            Status::FeeRequested => "Yêu cầu thực hiện nghĩa vụ tài chính",
            Status::Withdrawn => "Công dân yêu cầu rút hồ sơ",
            Status::Stopped => "Dừng xử lý",
            Status::Finished => "Đã xử lý xong",
            Status::Returned => "Đã trả kết quả",
        }
    }

    /// The English name.
    pub fn label_en(self) -> &'static str {
        match self {
            Status::Submitted => "Newly submitted",
            Status::Accepted => "Accepted",
            Status::NotAccepted => "Refused at intake",
            Status::InProcess => "In process",
            Status::SupplementRequested => "Supplement requested",
            Status::FeeRequested => "Payment of fees or obligations requested",
            Status::Withdrawn => "Withdrawn at the applicant's request",
            Status::Stopped => "Processing stopped",
            Status::Finished => "Processing finished",
            Status::Returned => "Result returned",
        }
    }

    /// Whether no action can move the dossier any more (3, 7, 8, 10).
    pub fn is_final(self) -> bool {
        matches!(self, Status::NotAccepted | Status::Withdrawn | Status::Stopped | Status::Returned)
    }

    /// Whether the dossier has been received and its processing is not yet
    /// finished: the statuses in which a due date runs or is paused (2, 4, 5, 6).
    pub fn is_in_progress(self) -> bool {
        matches!(self, Status::Accepted | Status::InProcess | Status::SupplementRequested | Status::FeeRequested)
    }
}

/// How a dossier was filed: DVCQG `KenhThucHien` (one-stop-dossiers.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 1 Trực tiếp: in person at the counter.
    Counter,
    /// 2 Trực tuyến: online.
    Online,
    /// 3 Bưu chính công ích: through the public postal service.
    Post,
}

impl Channel {
    /// Every channel, in code order.
    pub const ALL: [Channel; 3] = [Channel::Counter, Channel::Online, Channel::Post];

    /// The DVCQG code, 1–3.
    pub fn code(self) -> u8 {
        match self {
            Channel::Counter => 1,
            Channel::Online => 2,
            Channel::Post => 3,
        }
    }

    /// The channel of a DVCQG code.
    pub fn from_code(code: u8) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The channel of a synced record, where DVCQG's 766 formulas read a
    /// missing code as in person ("1 or null", decision-766.md item 3.3).
    pub fn from_sync(code: Option<u8>) -> Option<Channel> {
        match code {
            None => Some(Channel::Counter),
            Some(c) => Channel::from_code(c),
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Counter => "counter",
            Channel::Online => "online",
            Channel::Post => "post",
        }
    }

    /// The Vietnamese name.
    pub fn label_vi(self) -> &'static str {
        match self {
            Channel::Counter => "Trực tiếp",
            Channel::Online => "Trực tuyến",
            Channel::Post => "Bưu chính công ích",
        }
    }

    /// The English name.
    pub fn label_en(self) -> &'static str {
        match self {
            Channel::Counter => "In person",
            Channel::Online => "Online",
            Channel::Post => "Public post",
        }
    }
}

/// Where an online payment was made: DVCQG `DuocThanhToanTrucTuyen`
/// (one-stop-dossiers.md §4); a dossier not paid online has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnlinePayment {
    /// 1: paid on DVCQG.
    Dvcqg,
    /// 2: paid through a ministry's or locality's payment gateway.
    LocalGateway,
}

impl OnlinePayment {
    /// The DVCQG code, 1 or 2.
    pub fn code(self) -> u8 {
        match self {
            OnlinePayment::Dvcqg => 1,
            OnlinePayment::LocalGateway => 2,
        }
    }

    /// The flag of a DVCQG code.
    pub fn from_code(code: u8) -> Option<OnlinePayment> {
        match code {
            1 => Some(OnlinePayment::Dvcqg),
            2 => Some(OnlinePayment::LocalGateway),
            _ => None,
        }
    }
}

/// The unit of a procedure's processing time (one-stop-dossiers.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    /// Ngày làm việc: working days of the working calendar, one day being the
    /// working time of one day of office hours (8 h by default).
    WorkingDays,
    /// Giờ làm việc: working hours inside office hours.
    WorkingHours,
    /// Ngày: calendar days; a due date on a day off moves to the next working day.
    CalendarDays,
    /// Không có ngày hẹn trả: no appointment date.
    None,
}

impl TimeUnit {
    /// Every unit.
    pub const ALL: [TimeUnit; 4] =
        [TimeUnit::WorkingDays, TimeUnit::WorkingHours, TimeUnit::CalendarDays, TimeUnit::None];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeUnit::WorkingDays => "working_days",
            TimeUnit::WorkingHours => "working_hours",
            TimeUnit::CalendarDays => "calendar_days",
            TimeUnit::None => "none",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<TimeUnit> {
        TimeUnit::ALL.into_iter().find(|u| u.as_str() == s)
    }

    /// The Vietnamese name, as a time limit is written ("5 ngày làm việc").
    pub fn label_vi(self) -> &'static str {
        match self {
            TimeUnit::WorkingDays => "ngày làm việc",
            TimeUnit::WorkingHours => "giờ làm việc",
            TimeUnit::CalendarDays => "ngày",
            TimeUnit::None => "không có ngày hẹn trả",
        }
    }

    /// Whether time in this unit is counted inside office hours of working days.
    pub fn is_working_time(self) -> bool {
        matches!(self, TimeUnit::WorkingDays | TimeUnit::WorkingHours)
    }
}

/// A procedure's processing time: an amount in a unit, or no appointment date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "unit", content = "amount", rename_all = "snake_case")]
pub enum TimeLimit {
    /// So many working days.
    WorkingDays(u32),
    /// So many working hours.
    WorkingHours(u32),
    /// So many calendar days.
    CalendarDays(u32),
    /// No appointment date (`KhongCoNgayHenTra`).
    None,
}

impl TimeLimit {
    /// A limit from its stored parts (the amount is ignored for [`TimeUnit::None`]).
    pub fn new(amount: u32, unit: TimeUnit) -> TimeLimit {
        match unit {
            TimeUnit::WorkingDays => TimeLimit::WorkingDays(amount),
            TimeUnit::WorkingHours => TimeLimit::WorkingHours(amount),
            TimeUnit::CalendarDays => TimeLimit::CalendarDays(amount),
            TimeUnit::None => TimeLimit::None,
        }
    }

    /// The unit.
    pub fn unit(self) -> TimeUnit {
        match self {
            TimeLimit::WorkingDays(_) => TimeUnit::WorkingDays,
            TimeLimit::WorkingHours(_) => TimeUnit::WorkingHours,
            TimeLimit::CalendarDays(_) => TimeUnit::CalendarDays,
            TimeLimit::None => TimeUnit::None,
        }
    }

    /// The amount (0 without an appointment date).
    pub fn amount(self) -> u32 {
        match self {
            TimeLimit::WorkingDays(n) | TimeLimit::WorkingHours(n) | TimeLimit::CalendarDays(n) => n,
            TimeLimit::None => 0,
        }
    }

    /// The limit as written on a receipt: "5 ngày làm việc", "không có ngày hẹn trả".
    pub fn label_vi(self) -> String {
        match self {
            TimeLimit::None => TimeUnit::None.label_vi().to_string(),
            other => format!("{} {}", other.amount(), other.unit().label_vi()),
        }
    }
}

/// The time limits a procedure states (one-stop-dossiers.md §5): the legal
/// limit and, where the catalogue gives one, a different limit for online
/// dossiers (`ThoiGianThucHienTrucTuyen`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProcedureTime {
    /// The limit for dossiers filed at the counter or by post (and online without `online`).
    pub limit: TimeLimit,
    /// The limit for online dossiers, when the catalogue states a different one.
    pub online: Option<TimeLimit>,
}

impl ProcedureTime {
    /// The limit that applies to a dossier filed through `channel`.
    pub fn for_channel(self, channel: Channel) -> TimeLimit {
        match (channel, self.online) {
            (Channel::Online, Some(online)) => online,
            _ => self.limit,
        }
    }
}

/// The online service level of a procedure after NĐ 42/2022 (one-stop-dossiers.md §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnlineLevel {
    /// No online service (only information online, "thông tin trực tuyến").
    None,
    /// Một phần: partly online; some steps need attendance.
    Partial,
    /// Toàn trình: fully online, from filing and payment to the result.
    Full,
}

impl OnlineLevel {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OnlineLevel::None => "none",
            OnlineLevel::Partial => "partial",
            OnlineLevel::Full => "full",
        }
    }

    /// The Vietnamese name.
    pub fn label_vi(self) -> &'static str {
        match self {
            OnlineLevel::None => "Thông tin trực tuyến",
            OnlineLevel::Partial => "Một phần",
            OnlineLevel::Full => "Toàn trình",
        }
    }

    /// Whether the procedure offers an online public service (partly or
    /// fully), as Decision 766 item 3.1 counts it.
    pub fn is_online(self) -> bool {
        self != OnlineLevel::None
    }
}

/// The kind of result a procedure issues (decides whether 766 items 3.3 and
/// 4.1 require an electronic result, one-stop-dossiers.md §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultType {
    /// A paper result only.
    Paper,
    /// An electronic result only.
    Electronic,
    /// A paper result with an electronic copy.
    PaperAndElectronic,
}

impl ResultType {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ResultType::Paper => "paper",
            ResultType::Electronic => "electronic",
            ResultType::PaperAndElectronic => "paper_and_electronic",
        }
    }

    /// The Vietnamese name.
    pub fn label_vi(self) -> &'static str {
        match self {
            ResultType::Paper => "Bản giấy",
            ResultType::Electronic => "Bản điện tử",
            ResultType::PaperAndElectronic => "Bản giấy và bản điện tử",
        }
    }

    /// Whether the procedure issues a paper result (then 766 asks for an
    /// electronic result beside it).
    pub fn issues_paper(self) -> bool {
        matches!(self, ResultType::Paper | ResultType::PaperAndElectronic)
    }
}

/// The DVCQG sync timestamp of an instant: `yyyyMMddHHmmss` at UTC+7
/// (one-stop-dossiers.md §4: the time zone is not stated; Vietnam time is used).
pub fn sync_timestamp(at_ms: i64) -> String {
    crate::time::from_millis(at_ms).with_timezone(&crate::time::vn_offset()).format("%Y%m%d%H%M%S").to_string()
}

/// Reads a DVCQG sync timestamp (`yyyyMMddHHmmss`, UTC+7) as UTC milliseconds.
pub fn parse_sync_timestamp(s: &str) -> Option<i64> {
    if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = chrono::NaiveDateTime::parse_from_str(s, "%Y%m%d%H%M%S").ok()?;
    Some(crate::time::local_to_utc_ms(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_carry_the_dvcqg_codes() {
        let expected = [
            (1, "Mới đăng ký"),
            (2, "Được tiếp nhận"),
            (3, "Không được tiếp nhận"),
            (4, "Đang xử lý"),
            (5, "Yêu cầu bổ sung giấy tờ"),
            (6, "Yêu cầu thực hiện nghĩa vụ tài chính"),
            (7, "Công dân yêu cầu rút hồ sơ"),
            (8, "Dừng xử lý"),
            (9, "Đã xử lý xong"),
            (10, "Đã trả kết quả"),
        ];
        for (code, label) in expected {
            let s = Status::from_code(code).unwrap();
            assert_eq!((s.code(), s.label_vi()), (code, label));
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert!(!s.label_en().is_empty());
        }
        assert_eq!(Status::from_code(0), None);
        assert_eq!(Status::from_code(11), None);
        let finals: Vec<u8> = Status::ALL.into_iter().filter(|s| s.is_final()).map(Status::code).collect();
        assert_eq!(finals, [3, 7, 8, 10]);
        let running: Vec<u8> = Status::ALL.into_iter().filter(|s| s.is_in_progress()).map(Status::code).collect();
        assert_eq!(running, [2, 4, 5, 6]);
    }

    #[test]
    fn channels_and_payment_flags_carry_their_codes() {
        assert_eq!(Channel::ALL.map(Channel::code), [1, 2, 3]);
        assert_eq!(Channel::from_code(2), Some(Channel::Online));
        assert_eq!(Channel::from_code(4), None);
        assert_eq!(Channel::from_sync(None), Some(Channel::Counter));
        assert_eq!(Channel::from_sync(Some(3)), Some(Channel::Post));
        assert_eq!(Channel::Post.label_vi(), "Bưu chính công ích");
        assert_eq!(OnlinePayment::from_code(1), Some(OnlinePayment::Dvcqg));
        assert_eq!(OnlinePayment::from_code(2).map(OnlinePayment::code), Some(2));
        assert_eq!(OnlinePayment::from_code(0), None);
    }

    #[test]
    fn time_limits_round_trip_through_their_parts() {
        for unit in TimeUnit::ALL {
            assert_eq!(TimeUnit::parse(unit.as_str()), Some(unit));
            let limit = TimeLimit::new(5, unit);
            assert_eq!(limit.unit(), unit);
            assert_eq!(limit.amount(), if unit == TimeUnit::None { 0 } else { 5 });
        }
        assert_eq!(TimeLimit::WorkingDays(5).label_vi(), "5 ngày làm việc");
        assert_eq!(TimeLimit::WorkingHours(4).label_vi(), "4 giờ làm việc");
        assert_eq!(TimeLimit::None.label_vi(), "không có ngày hẹn trả");
        assert!(TimeUnit::WorkingHours.is_working_time() && !TimeUnit::CalendarDays.is_working_time());
        let p = ProcedureTime { limit: TimeLimit::WorkingDays(5), online: Some(TimeLimit::WorkingDays(3)) };
        assert_eq!(p.for_channel(Channel::Online), TimeLimit::WorkingDays(3));
        assert_eq!(p.for_channel(Channel::Post), TimeLimit::WorkingDays(5));
        assert_eq!(ProcedureTime { online: None, ..p }.for_channel(Channel::Online), TimeLimit::WorkingDays(5));
    }

    #[test]
    fn levels_and_result_types() {
        assert!(OnlineLevel::Full.is_online() && OnlineLevel::Partial.is_online() && !OnlineLevel::None.is_online());
        assert_eq!(OnlineLevel::Full.label_vi(), "Toàn trình");
        assert!(OnlineLevel::Full > OnlineLevel::Partial, "a procedure counts at its highest level");
        assert!(ResultType::Paper.issues_paper() && ResultType::PaperAndElectronic.issues_paper());
        assert!(!ResultType::Electronic.issues_paper());
    }

    #[test]
    fn sync_timestamps_are_vietnam_time() {
        // 2025-07-14T02:05:09Z is 09:05:09 in Hà Nội.
        let ms = chrono::DateTime::parse_from_rfc3339("2025-07-14T02:05:09Z").unwrap().timestamp_millis();
        assert_eq!(sync_timestamp(ms), "20250714090509");
        assert_eq!(parse_sync_timestamp("20250714090509"), Some(ms));
        assert_eq!(parse_sync_timestamp("2025071409050"), None);
        assert_eq!(parse_sync_timestamp("20251314090509"), None);
        assert_eq!(parse_sync_timestamp("2025-07-14T09:0"), None);
    }
}
