//! The forms of the one-stop process (one-stop-dossiers.md §2): a dossier
//! stores the form *kind*, and the kind maps to its number (Mẫu 01–07) under
//! the rule set the dossier was received under.
//!
//! Two rule sets: TT 01/2018/TT-VPCP (the 2018 forms, kept for dossiers
//! received before the change) and TT 03/2025/TT-VPCP (current, reported).
//! The 2018 set has no stop notice, so that kind has no number there.

use serde::{Deserialize, Serialize};

/// The rule set (circular) whose forms and numbering a dossier follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleSet {
    /// TT 01/2018/TT-VPCP, guidance for NĐ 61/2018.
    Tt01of2018,
    /// TT 03/2025/TT-VPCP, guidance for NĐ 118/2025 (current).
    Tt03of2025,
}

impl RuleSet {
    /// The rule set for new dossiers.
    pub const CURRENT: RuleSet = RuleSet::Tt03of2025;

    /// The circular's number.
    pub fn label(self) -> &'static str {
        match self {
            RuleSet::Tt01of2018 => "TT 01/2018/TT-VPCP",
            RuleSet::Tt03of2025 => "TT 03/2025/TT-VPCP",
        }
    }

    /// The form number ("Mẫu 0N") of a kind under this rule set, if it has one.
    pub fn form_number(self, kind: FormKind) -> Option<u8> {
        use FormKind as K;
        match (self, kind) {
            (_, K::Receipt) => Some(1),
            (_, K::SupplementRequest) => Some(2),
            (_, K::Refusal) => Some(3),
            (_, K::Apology) => Some(4),
            (RuleSet::Tt01of2018, K::StopNotice) => None,
            (RuleSet::Tt01of2018, K::ControlSheet) => Some(5),
            (RuleSet::Tt01of2018, K::LogBook) => Some(6),
            (RuleSet::Tt03of2025, K::StopNotice) => Some(5),
            (RuleSet::Tt03of2025, K::ControlSheet) => Some(6),
            (RuleSet::Tt03of2025, K::LogBook) => Some(7),
        }
    }
}

/// A kind of one-stop form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    /// Giấy tiếp nhận hồ sơ và hẹn trả kết quả: receipt and appointment.
    Receipt,
    /// Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: supplement request.
    SupplementRequest,
    /// Phiếu từ chối tiếp nhận giải quyết hồ sơ: refusal.
    Refusal,
    /// Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết: apology and new date.
    Apology,
    /// Thông báo dừng giải quyết hồ sơ: notice of stopping (2025 set only).
    StopNotice,
    /// Phiếu kiểm soát quá trình giải quyết hồ sơ: process control sheet.
    ControlSheet,
    /// Sổ theo dõi hồ sơ: dossier log book.
    LogBook,
}

impl FormKind {
    /// Every kind.
    pub const ALL: [FormKind; 7] = [
        FormKind::Receipt,
        FormKind::SupplementRequest,
        FormKind::Refusal,
        FormKind::Apology,
        FormKind::StopNotice,
        FormKind::ControlSheet,
        FormKind::LogBook,
    ];

    /// The stored name (`receipt`, `supplement_request`, …), as serde writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            FormKind::Receipt => "receipt",
            FormKind::SupplementRequest => "supplement_request",
            FormKind::Refusal => "refusal",
            FormKind::Apology => "apology",
            FormKind::StopNotice => "stop_notice",
            FormKind::ControlSheet => "control_sheet",
            FormKind::LogBook => "log_book",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<FormKind> {
        FormKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The Vietnamese title under the rule set (the 2018 apology was a
    /// "phiếu" with a new appointment, the 2025 one asks for an extension).
    pub fn title_vi(self, rules: RuleSet) -> &'static str {
        match (self, rules) {
            (FormKind::Receipt, _) => "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
            (FormKind::SupplementRequest, _) => "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
            (FormKind::Refusal, _) => "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
            (FormKind::Apology, RuleSet::Tt01of2018) => "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
            (FormKind::Apology, RuleSet::Tt03of2025) => "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
            (FormKind::StopNotice, _) => "Thông báo dừng giải quyết hồ sơ",
            (FormKind::ControlSheet, _) => "Phiếu kiểm soát quá trình giải quyết hồ sơ",
            (FormKind::LogBook, _) => "Sổ theo dõi hồ sơ",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_rule_set() {
        let numbers = |r: RuleSet| FormKind::ALL.map(|k| r.form_number(k));
        assert_eq!(numbers(RuleSet::Tt03of2025), [1, 2, 3, 4, 5, 6, 7].map(Some));
        assert_eq!(numbers(RuleSet::Tt01of2018), [Some(1), Some(2), Some(3), Some(4), None, Some(5), Some(6)]);
        assert_eq!(RuleSet::CURRENT, RuleSet::Tt03of2025);
        for k in FormKind::ALL {
            assert_eq!(FormKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), serde_json::json!(k.as_str()));
        }
        assert_ne!(FormKind::Apology.title_vi(RuleSet::Tt01of2018), FormKind::Apology.title_vi(RuleSet::Tt03of2025));
    }
}
