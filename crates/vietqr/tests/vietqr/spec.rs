//! The four official examples of the NAPAS VietQR specification (§6), decoded and
//! re-encoded byte for byte, and the 6.1.1 erratum rejected.

use vietqr::tlv::{FieldPath, TlvErrorKind};
use vietqr::{DecodeError, Initiation, Service, Transfer, Vnd, decode};

use crate::common::{EX_611, EX_612, EX_613, EX_614};

#[test]
fn example_611_is_rejected_despite_a_correct_crc() {
    let crc_body = &EX_611[..EX_611.len() - 4];
    assert_eq!(vietqr::crc16(crc_body.as_bytes()), 0xF4E5, "the CRC itself is right");
    let err = decode(EX_611).unwrap_err();
    match err {
        DecodeError::MalformedTemplate { path, offset, inner } => {
            assert_eq!(path, FieldPath::root(38).child(1));
            assert_eq!(offset, 30);
            assert_eq!(inner.offset, 60, "the trailing '8'");
            assert_eq!(inner.kind, TlvErrorKind::TruncatedHeader);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn example_611_corrected_round_trips() {
    // With 0113 the 13-digit account fits: this is what the spec meant.
    let fixed = Transfer::to_account("970403", "0011012345678").encode().unwrap();
    assert_eq!(
        fixed,
        crate::common::with_crc(
            "00020101021138570010A00000072701270006970403011300110123456780208QRIBFTTA53037045802VN"
        )
    );
    let q = decode(&fixed).unwrap().vietqr().unwrap();
    assert_eq!(q.initiation, Initiation::Static);
    assert_eq!(q.account, "0011012345678");
}

#[test]
fn example_612_static_to_card() {
    let q = decode(EX_612).unwrap().vietqr().unwrap();
    assert_eq!(q.bin.as_str(), "970403");
    assert_eq!(q.bank.unwrap().code, "STB");
    assert_eq!(q.account, "9704031101234567");
    assert_eq!(q.service, Some(Service::Card));
    assert!(q.is_card());
    assert_eq!(q.initiation, Initiation::Static);
    assert_eq!(q.amount, None);
    assert_eq!((q.currency, q.country), ("704", "VN"));
    assert_eq!(Transfer::to_card("970403", "9704031101234567").encode().unwrap(), EX_612);
}

#[test]
fn example_613_dynamic_to_account() {
    let q = decode(EX_613).unwrap().vietqr().unwrap();
    assert_eq!(q.account, "0011012345678");
    assert_eq!(q.service, Some(Service::Account));
    assert_eq!(q.initiation, Initiation::Dynamic);
    assert_eq!(q.amount, Some(Vnd(180_000)));
    assert_eq!(q.additional.bill_number(), Some("NPS6869"));
    assert_eq!(q.additional.purpose(), Some("thanh toan don hang"));
    assert_eq!(q.merchant_name, None);
    let enc = Transfer::to_account("970403", "0011012345678")
        .amount(180_000)
        .bill_number("NPS6869")
        .purpose("thanh toan don hang")
        .encode()
        .unwrap();
    assert_eq!(enc, EX_613);
}

#[test]
fn example_614_dynamic_to_card() {
    let q = decode(EX_614).unwrap().vietqr().unwrap();
    assert_eq!(q.account, "9704031101234567");
    assert_eq!(q.service, Some(Service::Card));
    assert_eq!(q.initiation, Initiation::Dynamic);
    assert_eq!(q.amount, Some(Vnd(180_000)));
    let enc = Transfer::to_card("970403", "9704031101234567")
        .amount(180_000)
        .bill_number("NPS6869")
        .purpose("thanh toán đơn hàng")
        .encode()
        .unwrap();
    assert_eq!(enc, EX_614);
}

#[test]
fn example_614_headline_erratum_fails_the_crc() {
    // The headline printed above 6.1.4: static prefix, no amount, yet CRC A203.
    let headline = "00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN62340107NPS68690819thanh toan don hang6304A203";
    assert!(matches!(decode(headline), Err(DecodeError::CrcMismatch { .. })));
}

#[test]
fn byte_identical_to_vietnam_qr_pay() {
    // Expected strings produced by npm vietnam-qr-pay 1.5.1 (QRPay.initVietQR(...).build()).
    let cases = [
        (
            Transfer::to_account("970436", "0123456789"),
            "00020101021138540010A00000072701240006970436011001234567890208QRIBFTTA53037045802VN63046A15",
        ),
        (
            Transfer::to_account("970422", "VQRQ0001ABC").amount(50_000).purpose("HP24A7K9Q"),
            "00020101021238550010A000000727012500069704220111VQRQ0001ABC0208QRIBFTTA53037045405500005802VN62130809HP24A7K9Q6304A6F9",
        ),
        (
            Transfer::to_account("971025", "PSP123456789000000").amount(1_250_000).purpose("Nộp phí hồ sơ"),
            "00020101021238620010A000000727013200069710250118PSP1234567890000000208QRIBFTTA5303704540712500005802VN62170813Nop phi ho so63046351",
        ),
        (
            Transfer::to_account("970418", "12345678901234567").amount(499_999_999).bill_number("HD2024"),
            "00020101021238610010A000000727013100069704180117123456789012345670208QRIBFTTA530370454094999999995802VN62100106HD2024630486C5",
        ),
        (
            Transfer::to_card("970403", "9704031101234567").purpose("Thanh toan"),
            "00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN62140810Thanh toan63048840",
        ),
    ];
    for (t, expected) in cases {
        assert_eq!(t.encode().unwrap(), expected);
    }
}
