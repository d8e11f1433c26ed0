//! The life of a dossier: the actions that move it between the ten DVCQG
//! statuses, as one pure function [`next`] (one-stop-dossiers.md §4–§7).
//!
//! | from | action | to |
//! |---|---|---|
//! | 1 submitted | receive (Mẫu 01) | 2 accepted |
//! | 1 submitted | refuse (Mẫu 03) | 3 not accepted |
//! | 1 submitted | request_supplement | 5 (before receipt; back to 1) |
//! | 2 accepted, 4 in process | forward | 4 in process |
//! | 4 in process, 9 finished | send_back | 4 in process |
//! | 2 accepted, 4 in process | request_supplement (Mẫu 02) | 5 supplement requested |
//! | 5 supplement requested | supplement_received | the status before (1, 2 or 4) |
//! | 5, requested before receipt | refuse (Mẫu 03) | 3 not accepted |
//! | 2, 4, 9 | request_fee | 6 fee requested |
//! | 6 fee requested | fee_paid | the status before (2, 4 or 9) |
//! | 2, 4 | extend (Mẫu 04) | unchanged |
//! | 2 (settled at the desk), 4 | complete | 9 finished |
//! | 9 finished | return_result | 10 returned |
//! | 1, 2, 4, 5, 6 | withdraw | 7 withdrawn |
//! | 2, 4, 6, and 5 requested after receipt | stop (Mẫu 05) | 8 stopped |
//!
//! Statuses 3, 7, 8 and 10 are final. Waiting states (5, 6) return to the
//! status the dossier was in before the request, which the caller passes in
//! [`Context::previous`] (the store reads it from the dossier's log).
//!
//! Two rules of the domain files are enforced through the context:
//! - **one re-appointment**: an extension (Mẫu 04) is refused once
//!   [`Context::max_extensions`] are used (one under NĐ 61/2018, a recalled
//!   rule, hence a setting);
//! - **the second supplement request** makes a dossier late under Decision
//!   766 ([`super::timeliness::late_by_supplements`]); staff are warned first,
//!   and the request is refused until [`Context::late_supplement_confirmed`].
//!
//! Deadlines (due dates, pauses, the new date of an extension) are checked
//! in [`super::deadline`]; an operation such as "extend" calls both.

use serde::{Deserialize, Serialize};

use super::Status;
use super::form::FormKind;

/// What an officer, the applicant or the system does to a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Tiếp nhận: accept the dossier, issue the receipt (Mẫu 01), set the due date.
    Receive,
    /// Từ chối tiếp nhận: refuse at intake (Mẫu 03).
    Refuse,
    /// Chuyển xử lý: hand to processing, or on to the next step or officer.
    Forward,
    /// Trả lại bước trước: send back to an earlier step (also a finished
    /// result sent back for rework before it is returned).
    SendBack,
    /// Yêu cầu bổ sung: ask the applicant to supplement (Mẫu 02); the clock stops.
    RequestSupplement,
    /// Đã nhận bổ sung: the supplement arrived; the dossier resumes.
    SupplementReceived,
    /// Yêu cầu thực hiện nghĩa vụ tài chính: ask for fees or other obligations.
    RequestFee,
    /// Đã thực hiện nghĩa vụ tài chính: the fees were paid; the dossier resumes.
    FeePaid,
    /// Xin lỗi và gia hạn: apologise and set a new date (Mẫu 04).
    Extend,
    /// Xử lý xong: processing finished, the result is ready.
    Complete,
    /// Trả kết quả: the result was handed over or delivered.
    ReturnResult,
    /// Rút hồ sơ: withdrawn at the applicant's request.
    Withdraw,
    /// Dừng xử lý: stop processing (Mẫu 05 under TT 03/2025).
    Stop,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 13] = [
        Action::Receive,
        Action::Refuse,
        Action::Forward,
        Action::SendBack,
        Action::RequestSupplement,
        Action::SupplementReceived,
        Action::RequestFee,
        Action::FeePaid,
        Action::Extend,
        Action::Complete,
        Action::ReturnResult,
        Action::Withdraw,
        Action::Stop,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Receive => "receive",
            Action::Refuse => "refuse",
            Action::Forward => "forward",
            Action::SendBack => "send_back",
            Action::RequestSupplement => "request_supplement",
            Action::SupplementReceived => "supplement_received",
            Action::RequestFee => "request_fee",
            Action::FeePaid => "fee_paid",
            Action::Extend => "extend",
            Action::Complete => "complete",
            Action::ReturnResult => "return_result",
            Action::Withdraw => "withdraw",
            Action::Stop => "stop",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The Vietnamese verb phrase ("yêu cầu bổ sung").
    pub fn label_vi(self) -> &'static str {
        match self {
            Action::Receive => "tiếp nhận",
            Action::Refuse => "từ chối tiếp nhận",
            Action::Forward => "chuyển xử lý",
            Action::SendBack => "trả lại bước trước",
            Action::RequestSupplement => "yêu cầu bổ sung",
            Action::SupplementReceived => "nhận hồ sơ bổ sung",
            Action::RequestFee => "yêu cầu thực hiện nghĩa vụ tài chính",
            Action::FeePaid => "xác nhận đã thực hiện nghĩa vụ tài chính",
            Action::Extend => "xin lỗi và gia hạn",
            Action::Complete => "hoàn thành xử lý",
            Action::ReturnResult => "trả kết quả",
            Action::Withdraw => "rút hồ sơ",
            Action::Stop => "dừng xử lý",
        }
    }

    /// The English verb phrase.
    pub fn label_en(self) -> &'static str {
        match self {
            Action::Receive => "receive",
            Action::Refuse => "refuse",
            Action::Forward => "forward",
            Action::SendBack => "send back",
            Action::RequestSupplement => "request a supplement for",
            Action::SupplementReceived => "record the supplement of",
            Action::RequestFee => "request the fees of",
            Action::FeePaid => "record the fees paid for",
            Action::Extend => "extend",
            Action::Complete => "complete",
            Action::ReturnResult => "return the result of",
            Action::Withdraw => "withdraw",
            Action::Stop => "stop",
        }
    }

    /// The form the action issues, if any.
    pub fn form(self) -> Option<FormKind> {
        match self {
            Action::Receive => Some(FormKind::Receipt),
            Action::Refuse => Some(FormKind::Refusal),
            Action::RequestSupplement => Some(FormKind::SupplementRequest),
            Action::Extend => Some(FormKind::Apology),
            Action::Stop => Some(FormKind::StopNotice),
            _ => None,
        }
    }
}

/// What [`next`] needs to know beyond the status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    /// The status before the current supplement or fee request: where
    /// `supplement_received` and `fee_paid` return to.
    pub previous: Option<Status>,
    /// Supplement requests made since receipt (requests before receipt do not count).
    pub supplement_requests: u32,
    /// Extensions (Mẫu 04) already issued.
    pub extensions: u32,
    /// How many extensions a dossier may have; `None` for no limit. One under
    /// NĐ 61/2018 (recalled, to be checked against NĐ 118/2025).
    pub max_extensions: Option<u32>,
    /// The officer saw the warning that a further supplement request makes the
    /// dossier late under Decision 766, and confirmed.
    pub late_supplement_confirmed: bool,
}

impl Default for Context {
    fn default() -> Context {
        Context {
            previous: None,
            supplement_requests: 0,
            extensions: 0,
            max_extensions: Some(1),
            late_supplement_confirmed: false,
        }
    }
}

/// Why an action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FlowError {
    /// The action does not apply to a dossier in this status.
    #[error("không thể {} khi hồ sơ ở trạng thái «{}» (cannot {} a dossier that is {})",
        .action.label_vi(), .from.label_vi(), .action.label_en(), .from.label_en().to_lowercase())]
    NotAllowed {
        /// The status the dossier was in.
        from: Status,
        /// The action refused.
        action: Action,
    },
    /// Every allowed extension was used.
    #[error("hồ sơ đã được gia hạn {used} lần, tối đa {max} lần (the dossier has used {used} of {max} extensions)")]
    ExtensionLimit {
        /// Extensions already issued.
        used: u32,
        /// The limit.
        max: u32,
    },
    /// A further supplement request needs the officer's confirmation.
    #[error(
        "hồ sơ đã yêu cầu bổ sung {requests} lần; yêu cầu bổ sung thêm sẽ làm hồ sơ bị tính trễ hạn theo \
         Quyết định 766, cần xác nhận trước (a further supplement request makes the dossier late under \
         Decision 766: confirm first)"
    )]
    LateSupplementUnconfirmed {
        /// Supplement requests already made since receipt.
        requests: u32,
    },
    /// The status to resume to is unknown or not one a dossier can wait from.
    #[error("không xác định được trạng thái để tiếp tục xử lý hồ sơ (the status to resume to is unknown)")]
    UnknownPrevious,
}

/// The status after `action`, or why it is refused (see the module doc).
pub fn next(from: Status, action: Action, ctx: &Context) -> Result<Status, FlowError> {
    use Action as A;
    use Status as S;
    let refused = Err(FlowError::NotAllowed { from, action });
    // A supplement requested before receipt belongs to intake: it returns to 1.
    let before_receipt = ctx.previous == Some(S::Submitted);
    let to = match (from, action) {
        (S::Submitted, A::Receive) => S::Accepted,
        (S::Submitted, A::Refuse) => S::NotAccepted,
        (S::SupplementRequested, A::Refuse) if before_receipt => S::NotAccepted,
        (S::Accepted | S::InProcess, A::Forward) => S::InProcess,
        (S::InProcess | S::Finished, A::SendBack) => S::InProcess,
        (S::Submitted, A::RequestSupplement) => S::SupplementRequested,
        (S::Accepted | S::InProcess, A::RequestSupplement) => {
            if ctx.supplement_requests >= 1 && !ctx.late_supplement_confirmed {
                return Err(FlowError::LateSupplementUnconfirmed { requests: ctx.supplement_requests });
            }
            S::SupplementRequested
        }
        (S::SupplementRequested, A::SupplementReceived) => match ctx.previous {
            Some(p @ (S::Submitted | S::Accepted | S::InProcess)) => p,
            _ => return Err(FlowError::UnknownPrevious),
        },
        (S::Accepted | S::InProcess | S::Finished, A::RequestFee) => S::FeeRequested,
        (S::FeeRequested, A::FeePaid) => match ctx.previous {
            Some(p @ (S::Accepted | S::InProcess | S::Finished)) => p,
            _ => return Err(FlowError::UnknownPrevious),
        },
        (S::Accepted | S::InProcess, A::Extend) => {
            if let Some(max) = ctx.max_extensions
                && ctx.extensions >= max
            {
                return Err(FlowError::ExtensionLimit { used: ctx.extensions, max });
            }
            from
        }
        (S::Accepted | S::InProcess, A::Complete) => S::Finished,
        (S::Finished, A::ReturnResult) => S::Returned,
        (S::Submitted | S::Accepted | S::InProcess | S::SupplementRequested | S::FeeRequested, A::Withdraw) => {
            S::Withdrawn
        }
        (S::SupplementRequested, A::Stop) if !before_receipt => S::Stopped,
        (S::Accepted | S::InProcess | S::FeeRequested, A::Stop) => S::Stopped,
        _ => return refused,
    };
    Ok(to)
}

/// The actions [`next`] accepts from `from` in this context, in
/// [`Action::ALL`] order: what a dossier's page offers.
pub fn allowed_actions(from: Status, ctx: &Context) -> Vec<Action> {
    Action::ALL.into_iter().filter(|&a| next(from, a, ctx).is_ok()).collect()
}

#[cfg(test)]
mod tests;
