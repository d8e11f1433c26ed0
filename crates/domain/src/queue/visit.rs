//! The life of a visit (one ticket): its states, the actions that move it,
//! and the events they leave in its log (queue.md §1 "Visit", §2 "Recall,
//! no-show", "Transfer keeping time", §6 rule 1).
//!
//! ```text
//! waiting ──call──▶ called ──start──▶ serving ──finish──▶ done
//!    ▲   ◀─transfer─┘  │ ▲recall          │
//!    │                 └──no-show──▶ no_show
//!    └──unpark── parked ◀──park── called | serving;  parked ──call──▶ called
//! ```
//!
//! Transfer returns a ticket to `waiting` (for another service or counter)
//! and keeps its creation and queue-entry times, so its place and its
//! statistics survive the move. `done` and `no_show` are final.

use serde::{Deserialize, Serialize};

/// Where a visit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitState {
    /// In a queue, waiting to be called.
    Waiting,
    /// Called to a counter; the citizen is walking there.
    Called,
    /// Being served at a counter.
    Serving,
    /// Held aside (documents missing, a phone call to make); back with unpark or a call.
    Parked,
    /// Served: final.
    Done,
    /// Did not come when called: final.
    NoShow,
}

impl VisitState {
    /// Every state.
    pub const ALL: [VisitState; 6] = [
        VisitState::Waiting,
        VisitState::Called,
        VisitState::Serving,
        VisitState::Parked,
        VisitState::Done,
        VisitState::NoShow,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            VisitState::Waiting => "waiting",
            VisitState::Called => "called",
            VisitState::Serving => "serving",
            VisitState::Parked => "parked",
            VisitState::Done => "done",
            VisitState::NoShow => "no_show",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<VisitState> {
        VisitState::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            VisitState::Waiting => "Đang chờ",
            VisitState::Called => "Đã gọi",
            VisitState::Serving => "Đang phục vụ",
            VisitState::Parked => "Tạm giữ",
            VisitState::Done => "Hoàn thành",
            VisitState::NoShow => "Vắng mặt",
        }
    }

    /// Whether no action can move the visit any more.
    pub fn is_final(self) -> bool {
        matches!(self, VisitState::Done | VisitState::NoShow)
    }
}

/// What an officer (or the call-next rule) does to a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Call to a counter (by call-next, or out of order).
    Call,
    /// Announce again; the last call counts.
    Recall,
    /// Begin serving.
    Start,
    /// End as served.
    Finish,
    /// End as a no-show.
    NoShow,
    /// Hold aside.
    Park,
    /// Return a parked ticket to its queue.
    Unpark,
    /// Move to another service or counter, keeping the original times.
    Transfer,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 8] = [
        Action::Call,
        Action::Recall,
        Action::Start,
        Action::Finish,
        Action::NoShow,
        Action::Park,
        Action::Unpark,
        Action::Transfer,
    ];

    /// The event the action leaves in the visit's log.
    pub fn event_kind(self) -> EventKind {
        match self {
            Action::Call => EventKind::Called,
            Action::Recall => EventKind::Recalled,
            Action::Start => EventKind::Started,
            Action::Finish => EventKind::Finished,
            Action::NoShow => EventKind::NoShow,
            Action::Park => EventKind::Parked,
            Action::Unpark => EventKind::Unparked,
            Action::Transfer => EventKind::Transferred,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Call => "call",
            Action::Recall => "recall",
            Action::Start => "start",
            Action::Finish => "finish",
            Action::NoShow => "no_show",
            Action::Park => "park",
            Action::Unpark => "unpark",
            Action::Transfer => "transfer",
        }
    }
}

/// An action refused in the visit's current state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("không thể {} khi vé ở trạng thái {} (cannot {} a ticket that is {})",
    action_vi(*.action), .from.label_vi(), .action.as_str(), .from.as_str())]
pub struct TransitionError {
    /// The state the visit was in.
    pub from: VisitState,
    /// The action refused.
    pub action: Action,
}

fn action_vi(a: Action) -> &'static str {
    match a {
        Action::Call => "gọi số",
        Action::Recall => "gọi lại",
        Action::Start => "bắt đầu phục vụ",
        Action::Finish => "kết thúc phục vụ",
        Action::NoShow => "đánh dấu vắng mặt",
        Action::Park => "tạm giữ",
        Action::Unpark => "trả lại hàng chờ",
        Action::Transfer => "chuyển",
    }
}

/// The state after `action`, or why it is refused (the diagram in the module doc).
pub fn next_state(from: VisitState, action: Action) -> Result<VisitState, TransitionError> {
    use Action as A;
    use VisitState as S;
    let to = match (from, action) {
        (S::Waiting | S::Parked, A::Call) => S::Called,
        (S::Called, A::Recall) => S::Called,
        (S::Called, A::Start) => S::Serving,
        (S::Called, A::NoShow) => S::NoShow,
        (S::Serving, A::Finish) => S::Done,
        (S::Called | S::Serving, A::Park) => S::Parked,
        (S::Parked, A::Unpark) => S::Waiting,
        (S::Waiting | S::Called | S::Serving | S::Parked, A::Transfer) => S::Waiting,
        _ => return Err(TransitionError { from, action }),
    };
    Ok(to)
}

/// What happened to a visit: one row of its append-only log (queue.md §1:
/// create, call, recall, start, transfer, park, end, no-show).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The ticket was issued (kiosk, API, or appointment check-in).
    Issued,
    /// Called to a counter.
    Called,
    /// Called again.
    Recalled,
    /// Service began.
    Started,
    /// Service ended: served.
    Finished,
    /// Ended as a no-show.
    NoShow,
    /// Held aside.
    Parked,
    /// Returned from parking.
    Unparked,
    /// Moved to another service or counter.
    Transferred,
}

impl EventKind {
    /// Every kind.
    pub const ALL: [EventKind; 9] = [
        EventKind::Issued,
        EventKind::Called,
        EventKind::Recalled,
        EventKind::Started,
        EventKind::Finished,
        EventKind::NoShow,
        EventKind::Parked,
        EventKind::Unparked,
        EventKind::Transferred,
    ];

    /// The stored name, also the name of the live event (`ticket_<name>`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Issued => "issued",
            EventKind::Called => "called",
            EventKind::Recalled => "recalled",
            EventKind::Started => "started",
            EventKind::Finished => "finished",
            EventKind::NoShow => "no_show",
            EventKind::Parked => "parked",
            EventKind::Unparked => "unparked",
            EventKind::Transferred => "transferred",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Why an appointment cannot be checked in now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CheckInError {
    /// Before the early window opens.
    #[error("chưa đến giờ nhận số của lịch hẹn (too early for this appointment)")]
    TooEarly,
    /// After the late window closed.
    #[error("đã quá giờ nhận số của lịch hẹn (too late for this appointment)")]
    TooLate,
}

/// Whether an appointment for a slot starting at `slot_start_ms` may be
/// checked in at `now_ms`: from `early_min` minutes before to `late_min`
/// minutes after (queue.md §2 "early and late check-in windows").
pub fn check_in_window(slot_start_ms: i64, early_min: i64, late_min: i64, now_ms: i64) -> Result<(), CheckInError> {
    if now_ms < slot_start_ms - early_min * 60_000 {
        Err(CheckInError::TooEarly)
    } else if now_ms > slot_start_ms + late_min * 60_000 {
        Err(CheckInError::TooLate)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path_runs_to_done() {
        let mut s = VisitState::Waiting;
        for a in [Action::Call, Action::Recall, Action::Start, Action::Finish] {
            s = next_state(s, a).unwrap();
        }
        assert_eq!(s, VisitState::Done);
        assert!(s.is_final());
    }

    #[test]
    fn every_pair_is_either_allowed_or_a_typed_error() {
        let allowed = [
            (VisitState::Waiting, Action::Call),
            (VisitState::Parked, Action::Call),
            (VisitState::Called, Action::Recall),
            (VisitState::Called, Action::Start),
            (VisitState::Called, Action::NoShow),
            (VisitState::Serving, Action::Finish),
            (VisitState::Called, Action::Park),
            (VisitState::Serving, Action::Park),
            (VisitState::Parked, Action::Unpark),
            (VisitState::Waiting, Action::Transfer),
            (VisitState::Called, Action::Transfer),
            (VisitState::Serving, Action::Transfer),
            (VisitState::Parked, Action::Transfer),
        ];
        for from in VisitState::ALL {
            for action in Action::ALL {
                let r = next_state(from, action);
                if allowed.contains(&(from, action)) {
                    assert!(r.is_ok(), "{from:?} + {action:?}");
                } else {
                    assert_eq!(r, Err(TransitionError { from, action }), "{from:?} + {action:?}");
                }
            }
        }
        for s in [VisitState::Done, VisitState::NoShow] {
            assert!(Action::ALL.iter().all(|a| next_state(s, *a).is_err()), "{s:?} is final");
        }
    }

    #[test]
    fn errors_speak_vietnamese_first() {
        let e = next_state(VisitState::Done, Action::Start).unwrap_err();
        assert_eq!(
            e.to_string(),
            "không thể bắt đầu phục vụ khi vé ở trạng thái Hoàn thành (cannot start a ticket that is done)"
        );
    }

    #[test]
    fn names_round_trip() {
        for s in VisitState::ALL {
            assert_eq!(VisitState::parse(s.as_str()), Some(s));
        }
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn check_in_windows_are_inclusive() {
        let slot = 10 * 3_600_000;
        assert_eq!(check_in_window(slot, 30, 15, slot - 30 * 60_000), Ok(()));
        assert_eq!(check_in_window(slot, 30, 15, slot - 30 * 60_000 - 1), Err(CheckInError::TooEarly));
        assert_eq!(check_in_window(slot, 30, 15, slot + 15 * 60_000), Ok(()));
        assert_eq!(check_in_window(slot, 30, 15, slot + 15 * 60_000 + 1), Err(CheckInError::TooLate));
    }
}
