//! Property tests: encode → decode round trips, and arbitrary input never panics.

use proptest::prelude::*;
use vietqr::{Initiation, Service, Transfer, decode, fold};

fn purpose() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 .,àáảãạăắđĐơờưứêếôồâấệộỹÝ]{0,24}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn encode_then_decode_round_trips(
        bin in "[0-9]{6}",
        account in "[A-Za-z0-9-]{1,19}",
        card_no in "[0-9]{1,19}",
        card in any::<bool>(),
        amount in proptest::option::of(1u64..vietqr::NAPAS_PER_TRANSACTION_LIMIT),
        purpose in proptest::option::of(purpose()),
        bill in proptest::option::of("[A-Z0-9]{1,12}"),
        reference in proptest::option::of("[A-Z0-9]{1,12}"),
        terminal in proptest::option::of("[A-Z0-9-]{1,12}"),
    ) {
        let acc = if card { card_no.as_str() } else { account.as_str() };
        let mut t = if card { Transfer::to_card(&bin, acc) } else { Transfer::to_account(&bin, acc) };
        if let Some(a) = amount { t = t.amount(a); }
        if let Some(p) = &purpose { t = t.purpose(p); }
        if let Some(b) = &bill { t = t.bill_number(b); }
        if let Some(r) = &reference { t = t.reference(r); }
        if let Some(x) = &terminal { t = t.terminal(x); }
        let payload = t.encode().unwrap();
        prop_assert!(payload.is_ascii());
        let p = decode(&payload).unwrap();
        let q = p.vietqr().unwrap();
        prop_assert_eq!(q.bin.as_str(), bin.as_str());
        prop_assert_eq!(q.account, acc);
        prop_assert_eq!(q.service, Some(if card { Service::Card } else { Service::Account }));
        prop_assert_eq!(q.amount.map(|v| v.0), amount);
        prop_assert_eq!(q.initiation, if amount.is_some() { Initiation::Dynamic } else { Initiation::Static });
        let folded = purpose.as_deref().map(|p| fold::to_ascii(p.trim()).into_owned()).filter(|p| !p.is_empty());
        prop_assert_eq!(q.additional.purpose(), folded.as_deref());
        prop_assert_eq!(q.additional.bill_number(), bill.as_deref());
        prop_assert_eq!(q.additional.reference(), reference.as_deref());
        prop_assert_eq!(q.additional.terminal(), terminal.as_deref());
        // Fields are written in ascending ID order at the root.
        let ids: Vec<u8> = p.fields().map(|f| f.id).collect();
        prop_assert!(ids.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn arbitrary_text_never_panics(s in any::<String>()) {
        exercise(&s);
    }

    #[test]
    fn tlv_shaped_text_never_panics(s in "([0-9]{2}[0-9]{2}[ -~đợ]{0,12}){0,12}(6304[0-9A-Fa-f]{4})?") {
        exercise(&s);
    }

    #[test]
    fn arbitrary_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..300)) {
        exercise(&String::from_utf8_lossy(&b));
    }
}

/// Runs every reader over `s`; used by the property tests and the fuzz harness.
pub fn exercise(s: &str) {
    let Ok(p) = decode(s) else { return };
    // Root fields re-assemble exactly into the payload.
    let rebuilt: String =
        p.fields().map(|f| format!("{:02}{:02}{}", f.id, vietqr::tlv::char_len(f.value), f.value)).collect();
    assert_eq!(rebuilt, s);
    let _ = p.validate(vietqr::Profile::Emvco);
    let _ = p.validate(vietqr::Profile::VietQr);
    let _ = p.vietqr();
    let _ = p.merchant();
    let _ = p.merchant_accounts().count();
    for id in 0..100 {
        let _ = p.template(id).count();
    }
    #[cfg(feature = "cli")]
    {
        let _ = vietqr::cli::decode_json(s);
    }
}
