//! Tests of the dossier state machine: every (status, action, previous
//! status) against the transition table written out below, then the rules
//! the context carries (extension limit, the second supplement request).

use super::*;
use Action as A;
use Status as S;

/// Which previous status (in [`Context::previous`]) a row applies to.
#[derive(Clone, Copy)]
enum Prev {
    /// Whatever it is.
    Any,
    /// One of these.
    In(&'static [S]),
    /// Anything but this one (including unknown).
    Not(S),
}

/// Where a row leads.
#[derive(Clone, Copy)]
enum To {
    /// This status.
    Fixed(S),
    /// The previous status.
    Previous,
}

/// The transition table of the module doc, row by row.
const TABLE: &[(&[S], A, Prev, To)] = &[
    (&[S::Submitted], A::Receive, Prev::Any, To::Fixed(S::Accepted)),
    (&[S::Submitted], A::Refuse, Prev::Any, To::Fixed(S::NotAccepted)),
    (&[S::Submitted], A::RequestSupplement, Prev::Any, To::Fixed(S::SupplementRequested)),
    (&[S::Accepted, S::InProcess], A::Forward, Prev::Any, To::Fixed(S::InProcess)),
    (&[S::InProcess, S::Finished], A::SendBack, Prev::Any, To::Fixed(S::InProcess)),
    (&[S::Accepted, S::InProcess], A::RequestSupplement, Prev::Any, To::Fixed(S::SupplementRequested)),
    (
        &[S::SupplementRequested],
        A::SupplementReceived,
        Prev::In(&[S::Submitted, S::Accepted, S::InProcess]),
        To::Previous,
    ),
    (&[S::SupplementRequested], A::Refuse, Prev::In(&[S::Submitted]), To::Fixed(S::NotAccepted)),
    (&[S::Accepted, S::InProcess, S::Finished], A::RequestFee, Prev::Any, To::Fixed(S::FeeRequested)),
    (&[S::FeeRequested], A::FeePaid, Prev::In(&[S::Accepted, S::InProcess, S::Finished]), To::Previous),
    (&[S::Accepted], A::Extend, Prev::Any, To::Fixed(S::Accepted)),
    (&[S::InProcess], A::Extend, Prev::Any, To::Fixed(S::InProcess)),
    (&[S::Accepted, S::InProcess], A::Complete, Prev::Any, To::Fixed(S::Finished)),
    (&[S::Finished], A::ReturnResult, Prev::Any, To::Fixed(S::Returned)),
    (
        &[S::Submitted, S::Accepted, S::InProcess, S::SupplementRequested, S::FeeRequested],
        A::Withdraw,
        Prev::Any,
        To::Fixed(S::Withdrawn),
    ),
    (&[S::Accepted, S::InProcess, S::FeeRequested], A::Stop, Prev::Any, To::Fixed(S::Stopped)),
    (&[S::SupplementRequested], A::Stop, Prev::Not(S::Submitted), To::Fixed(S::Stopped)),
];

/// The table's answer, `None` when no row applies.
fn expected(from: S, action: A, previous: Option<S>) -> Option<S> {
    TABLE.iter().find_map(|&(froms, a, prev, to)| {
        let prev_ok = match prev {
            Prev::Any => true,
            Prev::In(list) => previous.is_some_and(|p| list.contains(&p)),
            Prev::Not(s) => previous != Some(s),
        };
        (a == action && froms.contains(&from) && prev_ok).then(|| match to {
            To::Fixed(s) => s,
            To::Previous => previous.expect("rows that lead back name the previous status"),
        })
    })
}

fn ctx(previous: Option<S>) -> Context {
    Context { previous, ..Context::default() }
}

#[test]
fn every_move_follows_the_table() {
    let previous: Vec<Option<S>> = std::iter::once(None).chain(S::ALL.map(Some)).collect();
    let mut legal = 0;
    for from in S::ALL {
        for action in A::ALL {
            for &prev in &previous {
                let got = next(from, action, &ctx(prev));
                match expected(from, action, prev) {
                    Some(to) => {
                        assert_eq!(got, Ok(to), "{from:?} --{action:?}--> (previous {prev:?})");
                        legal += 1;
                    }
                    None if matches!(
                        (from, action),
                        (S::SupplementRequested, A::SupplementReceived) | (S::FeeRequested, A::FeePaid)
                    ) =>
                    {
                        assert_eq!(got, Err(FlowError::UnknownPrevious), "{from:?} {action:?} {prev:?}")
                    }
                    None => {
                        assert_eq!(got, Err(FlowError::NotAllowed { from, action }), "{from:?} {action:?} {prev:?}")
                    }
                }
            }
        }
    }
    // A sanity count, so that a table emptied by mistake cannot pass: rows
    // valid for any previous status count 11 times.
    assert_eq!(legal, 25 * 11 + 3 + 1 + 3 + 10);
}

#[test]
fn final_statuses_accept_nothing() {
    for s in S::ALL.into_iter().filter(|s| s.is_final()) {
        assert!(allowed_actions(s, &ctx(Some(S::InProcess))).is_empty(), "{s:?}");
    }
}

#[test]
fn a_dossier_page_offers_the_next_actions() {
    let c = ctx(None);
    assert_eq!(allowed_actions(S::Finished, &c), [A::SendBack, A::RequestFee, A::ReturnResult]);
    assert_eq!(allowed_actions(S::Submitted, &c), [A::Receive, A::Refuse, A::RequestSupplement, A::Withdraw]);
    assert_eq!(
        allowed_actions(S::SupplementRequested, &ctx(Some(S::Submitted))),
        [A::Refuse, A::SupplementReceived, A::Withdraw]
    );
}

#[test]
fn the_usual_life_of_a_dossier() {
    let c = Context::default();
    let mut s = S::Submitted;
    for a in [A::Receive, A::Forward, A::Forward, A::Complete] {
        s = next(s, a, &c).unwrap();
    }
    let fee = next(s, A::RequestFee, &c).unwrap();
    assert_eq!(fee.code(), 6);
    s = next(fee, A::FeePaid, &Context { previous: Some(s), ..c }).unwrap();
    assert_eq!(s, S::Finished);
    assert_eq!(next(s, A::ReturnResult, &c).unwrap().code(), 10);
}

#[test]
fn a_second_supplement_request_needs_confirmation() {
    let once = Context { supplement_requests: 1, ..Context::default() };
    for from in [S::Accepted, S::InProcess] {
        assert_eq!(next(from, A::RequestSupplement, &Context::default()), Ok(S::SupplementRequested));
        assert_eq!(next(from, A::RequestSupplement, &once), Err(FlowError::LateSupplementUnconfirmed { requests: 1 }));
        let confirmed = Context { late_supplement_confirmed: true, ..once };
        assert_eq!(next(from, A::RequestSupplement, &confirmed), Ok(S::SupplementRequested));
    }
    // Before receipt there is no due date to miss.
    assert_eq!(next(S::Submitted, A::RequestSupplement, &once), Ok(S::SupplementRequested));
    let msg = next(S::InProcess, A::RequestSupplement, &once).unwrap_err().to_string();
    assert!(msg.contains("Quyết định 766") && msg.contains("(a further supplement"), "{msg}");
}

#[test]
fn extensions_stop_at_the_limit() {
    let used = |n, max| Context { extensions: n, max_extensions: max, ..Context::default() };
    assert_eq!(next(S::InProcess, A::Extend, &used(0, Some(1))), Ok(S::InProcess));
    assert_eq!(next(S::InProcess, A::Extend, &used(1, Some(1))), Err(FlowError::ExtensionLimit { used: 1, max: 1 }));
    assert_eq!(next(S::Accepted, A::Extend, &used(1, Some(2))), Ok(S::Accepted));
    assert_eq!(next(S::InProcess, A::Extend, &used(5, None)), Ok(S::InProcess));
    // The limit does not make an illegal move legal, nor a legal one illegal elsewhere.
    assert_eq!(
        next(S::Finished, A::Extend, &used(0, None)),
        Err(FlowError::NotAllowed { from: S::Finished, action: A::Extend })
    );
}

#[test]
fn refusals_are_explained_in_vietnamese_then_english() {
    let err = next(S::Returned, A::Withdraw, &Context::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "không thể rút hồ sơ khi hồ sơ ở trạng thái «Đã trả kết quả» (cannot withdraw a dossier that is result returned)"
    );
    let err = next(S::InProcess, A::Extend, &Context { extensions: 1, ..Context::default() }).unwrap_err();
    assert_eq!(err.to_string(), "hồ sơ đã được gia hạn 1 lần, tối đa 1 lần (the dossier has used 1 of 1 extensions)");
}

#[test]
fn actions_name_their_forms_and_round_trip() {
    for a in A::ALL {
        assert_eq!(A::parse(a.as_str()), Some(a));
    }
    let with_forms: Vec<(A, FormKind)> = A::ALL.into_iter().filter_map(|a| a.form().map(|f| (a, f))).collect();
    assert_eq!(
        with_forms,
        [
            (A::Receive, FormKind::Receipt),
            (A::Refuse, FormKind::Refusal),
            (A::RequestSupplement, FormKind::SupplementRequest),
            (A::Extend, FormKind::Apology),
            (A::Stop, FormKind::StopNotice),
        ]
    );
}
