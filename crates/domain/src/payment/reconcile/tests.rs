//! Tests of reconciliation: matching by virtual account and payment code,
//! every exception, and the daily report.

use super::*;
use crate::payment::webhook::Provider;

struct Store {
    bills: Vec<(Option<&'static str>, BillView)>,
    accounts: Vec<&'static str>,
    seen: Vec<String>,
}

impl BillLookup for Store {
    fn already_recorded(&self, n: &Notification) -> bool {
        self.seen.contains(&n.idempotency_key()) || n.reference.as_ref().is_some_and(|r| self.seen.contains(r))
    }
    fn is_known_account(&self, account: &str) -> bool {
        self.accounts.contains(&account)
    }
    fn by_virtual_account(&self, va: &str) -> Option<BillView> {
        self.bills.iter().find(|(v, _)| *v == Some(va)).map(|(_, b)| b.clone())
    }
    fn by_payment_code(&self, code: &str) -> Option<BillView> {
        self.bills.iter().find(|(_, b)| b.payment_code == code).map(|(_, b)| b.clone())
    }
}

fn codes() -> PaymentCodes {
    PaymentCodes::new("XS", 6).unwrap()
}

fn bill(id: i64, amount: i64, status: BillStatus) -> BillView {
    BillView { id, amount, status, payment_code: codes().generate(id as u64).unwrap() }
}

fn store() -> Store {
    Store {
        bills: vec![
            (None, bill(1, 50_000, BillStatus::Open)),
            (None, bill(2, 30_000, BillStatus::Paid)),
            (None, bill(3, 20_000, BillStatus::Cancelled)),
            (Some("VQRQ0001"), bill(4, 120_000, BillStatus::Open)),
            (None, bill(5, 10_000, BillStatus::Open)),
        ],
        accounts: vec!["0123499999"],
        seen: vec!["sepay:1".into(), "FT-OLD".into()],
    }
}

fn note(content: &str, amount: i64) -> Notification {
    Notification {
        provider: Provider::SePay,
        transaction_id: "100".into(),
        reference: None,
        account: "0123499999".into(),
        amount,
        direction: Direction::In,
        content: content.into(),
        virtual_account: None,
        provider_code: None,
        occurred_at: 0,
        raw: "{}".into(),
    }
}

fn code(id: u64) -> String {
    codes().generate(id).unwrap()
}

#[test]
fn matches_code_in_messy_content_exactly() {
    let n = note(&format!("MBVCB.3278907687.{}.CT tu 0123", code(1).to_lowercase()), 50_000);
    let o = reconcile(&n, &codes(), &store());
    assert_eq!(o, Outcome::Matched { bill_id: 1, amount: 50_000 });
    assert!(!o.is_exception());
}

#[test]
fn amount_mismatch_is_an_exception() {
    let s = store();
    let under = reconcile(&note(&code(1), 49_999), &codes(), &s);
    assert_eq!(under, Outcome::Underpaid { bill_id: 1, expected: 50_000, received: 49_999 });
    let over = reconcile(&note(&code(1), 50_001), &codes(), &s);
    assert_eq!(over, Outcome::Overpaid { bill_id: 1, expected: 50_000, received: 50_001 });
    assert!(under.is_exception() && over.is_exception());
}

#[test]
fn virtual_account_wins_over_content() {
    let mut n = note(&code(1), 120_000);
    n.virtual_account = Some("VQRQ0001".into());
    n.account = "VQRQ0001".into();
    assert_eq!(reconcile(&n, &codes(), &store()), Outcome::Matched { bill_id: 4, amount: 120_000 });
}

#[test]
fn unknown_or_broken_codes() {
    let s = store();
    assert_eq!(reconcile(&note("chuyen tien", 1), &codes(), &s), Outcome::UnknownCode { amount: 1 });
    // A valid code of no bill.
    assert_eq!(reconcile(&note(&code(999), 5), &codes(), &s), Outcome::UnknownCode { amount: 5 });
    // One character changed: the check character rejects it.
    let mut bad = code(1).into_bytes();
    bad[3] = if bad[3] == b'A' { b'B' } else { b'A' };
    let bad = String::from_utf8(bad).unwrap();
    assert_eq!(reconcile(&note(&bad, 50_000), &codes(), &s), Outcome::UnknownCode { amount: 50_000 });
}

#[test]
fn provider_code_is_a_second_source() {
    let mut n = note("thanh toan", 10_000);
    n.provider_code = Some(code(5));
    assert_eq!(reconcile(&n, &codes(), &store()), Outcome::Matched { bill_id: 5, amount: 10_000 });
}

#[test]
fn two_bills_in_one_transfer_are_ambiguous() {
    let n = note(&format!("{} {}", code(1), code(5)), 60_000);
    assert_eq!(reconcile(&n, &codes(), &store()), Outcome::Ambiguous { bill_ids: vec![1, 5], amount: 60_000 });
}

#[test]
fn paid_and_closed_bills() {
    let s = store();
    assert_eq!(reconcile(&note(&code(2), 30_000), &codes(), &s), Outcome::AlreadyPaid { bill_id: 2, amount: 30_000 });
    assert_eq!(reconcile(&note(&code(3), 20_000), &codes(), &s), Outcome::BillClosed { bill_id: 3, amount: 20_000 });
}

#[test]
fn duplicates_outgoing_and_unknown_accounts() {
    let s = store();
    let mut dup = note(&code(1), 50_000);
    dup.transaction_id = "1".into();
    assert_eq!(reconcile(&dup, &codes(), &s), Outcome::Duplicate);
    let mut same_ref = note(&code(1), 50_000);
    same_ref.reference = Some("FT-OLD".into());
    assert_eq!(reconcile(&same_ref, &codes(), &s), Outcome::Duplicate);
    let mut out = note(&code(1), 50_000);
    out.direction = Direction::Out;
    assert_eq!(reconcile(&out, &codes(), &s), Outcome::Outgoing);
    assert_eq!(reconcile(&note(&code(1), 0), &codes(), &s), Outcome::Outgoing);
    let mut elsewhere = note(&code(1), 50_000);
    elsewhere.account = "999".into();
    assert_eq!(reconcile(&elsewhere, &codes(), &s), Outcome::UnknownAccount);
}

#[test]
fn daily_report_aggregates() {
    let outcomes = [
        Outcome::Matched { bill_id: 1, amount: 50_000 },
        Outcome::Underpaid { bill_id: 5, expected: 10_000, received: 9_000 },
        Outcome::UnknownCode { amount: 7_000 },
        Outcome::Duplicate,
        Outcome::Outgoing,
        Outcome::UnknownAccount,
    ];
    let r = DailyReport::from_outcomes(60_000, &outcomes).unwrap();
    assert_eq!((r.expected, r.received, r.matched, r.exceptions), (60_000, 66_000, 50_000, 16_000));
    assert_eq!((r.matched_count, r.exception_count, r.duplicates, r.ignored), (1, 2, 1, 2));
    assert_eq!(r.outstanding(), 10_000);
    assert!(!r.is_balanced());
    let clean = DailyReport::from_outcomes(50_000, &outcomes[..1]).unwrap();
    assert!(clean.is_balanced());
}

#[test]
fn daily_report_overflow_leaves_it_unchanged() {
    let mut r = DailyReport::new(0);
    r.record(&Outcome::Matched { bill_id: 1, amount: i64::MAX }).unwrap();
    let before = r.clone();
    assert_eq!(r.record(&Outcome::Matched { bill_id: 2, amount: 1 }), Err(MoneyError::Overflow));
    assert_eq!(r, before);
}
