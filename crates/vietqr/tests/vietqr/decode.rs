//! Decoder behaviour beyond the official examples: tolerance (order, case, Unicode,
//! zero-length and unknown fields, unreserved templates), precise errors, profiles,
//! and the merchant view of non-NAPAS codes.

use vietqr::tlv::FieldPath;
use vietqr::{DecodeError, Profile, Scheme, decode, detect_profile};

use crate::common::{EX_613, tlv, with_crc};

fn napas(bin: &str, account: &str) -> String {
    let org = tlv(0, bin) + &tlv(1, account);
    tlv(38, &(tlv(0, "A000000727") + &tlv(1, &org) + &tlv(2, "QRIBFTTA")))
}

#[test]
fn order_independent() {
    let body = tlv(0, "01")
        + &tlv(58, "VN")
        + &tlv(62, &(tlv(8, "hoc phi") + &tlv(1, "HD01")))
        + &tlv(54, "50000")
        + &tlv(53, "704")
        + &napas("970436", "0123456789")
        + &tlv(1, "12");
    let p = with_crc(&body);
    let q = decode(&p).unwrap().vietqr().unwrap();
    assert_eq!(q.account, "0123456789");
    assert_eq!(q.bank.unwrap().name, "Vietcombank");
    assert_eq!(q.amount, Some(vietqr::Vnd(50_000)));
    assert_eq!(q.additional.purpose(), Some("hoc phi"));
    assert_eq!(q.additional.bill_number(), Some("HD01"));
}

#[test]
fn unicode_lengths_are_code_points_and_crc_is_over_utf8() {
    let body = tlv(0, "01")
        + &tlv(1, "11")
        + &napas("970422", "VQRQ0001")
        + &tlv(53, "704")
        + &tlv(58, "VN")
        + &tlv(59, "Chợ Một Ngàn")
        + &tlv(62, &tlv(8, "Nộp phí hồ sơ"));
    let p = with_crc(&body);
    assert!(p.contains("5912Chợ Một Ngàn"));
    let q = decode(&p).unwrap().vietqr().unwrap();
    assert_eq!(q.merchant_name, Some("Chợ Một Ngàn"));
    assert_eq!(q.additional.purpose(), Some("Nộp phí hồ sơ"));
    // Byte lengths (as some libraries write) are rejected.
    let bytes = p.replace("5912Chợ", &format!("59{}Chợ", "Chợ Một Ngàn".len()));
    assert!(decode(&with_crc(&bytes[..bytes.len() - 8])).is_err());
}

#[test]
fn lowercase_crc_zero_length_and_unknown_fields() {
    let body = tlv(0, "01")
        + &tlv(1, "11")
        + &napas("970436", "0123456789")
        + &tlv(53, "704")
        + &tlv(58, "VN")
        + &tlv(62, &(tlv(8, "") + &tlv(12, "x") + &tlv(55, "plain")))
        + &tlv(70, "reserved")
        + &tlv(85, "not a template")
        + &tlv(86, &(tlv(0, "vn.example") + &tlv(1, "ABC")));
    let upper = with_crc(&body);
    let lower = format!("{}{}", &upper[..upper.len() - 4], upper[upper.len() - 4..].to_lowercase());
    let d = decode(&lower).unwrap();
    assert_eq!(d.get(70), Some("reserved"));
    assert_eq!(d.get(85), Some("not a template"));
    assert_eq!(d.template(86).map(|t| t.value).collect::<Vec<_>>(), ["vn.example", "ABC"]);
    let q = d.vietqr().unwrap();
    assert_eq!(q.additional.purpose(), Some(""));
}

#[test]
fn crc_errors_give_expected_and_found() {
    let bad = EX_613.replace("180000", "190000");
    match decode(&bad).unwrap_err() {
        DecodeError::CrcMismatch { expected, found } => {
            assert_eq!(found, "2E2E");
            assert_eq!(expected, vietqr::crc16(&bad.as_bytes()[..bad.len() - 4]));
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn structural_errors_name_field_and_offset() {
    // 62 declares more than it holds: field 62 at its offset.
    let body = tlv(0, "01") + &tlv(1, "11") + &napas("970436", "1") + "53037045802VN6299abc";
    let p = with_crc(&body);
    match decode(&p).unwrap_err() {
        DecodeError::Malformed { path, offset, .. } => {
            assert_eq!(path, FieldPath::root(62));
            assert_eq!(offset, body.len() - 7);
        }
        e => panic!("{e:?}"),
    }
    // A malformed 62 template.
    let body = tlv(0, "01") + &napas("970436", "1") + "53037045802VN" + &tlv(62, "0899x");
    let e = decode(&with_crc(&body)).unwrap_err();
    assert!(matches!(e, DecodeError::MalformedTemplate { path, .. } if path == FieldPath::root(62)), "{e}");
    // Duplicates.
    let body = tlv(0, "01") + &tlv(53, "704") + &tlv(53, "704");
    let e = decode(&with_crc(&body)).unwrap_err();
    assert_eq!(e, DecodeError::Duplicate { path: FieldPath::root(53), offset: 13 });
    assert_eq!(e.to_string(), "field 53 at offset 13 appears twice");
    // 00 not first, CRC not last, wrong format indicator.
    assert_eq!(decode(&with_crc(&(tlv(1, "11") + &tlv(0, "01")))), Err(DecodeError::FormatIndicatorNotFirst));
    assert_eq!(decode(&(with_crc(&tlv(0, "01")) + "5802VN")), Err(DecodeError::MissingCrc));
    assert!(matches!(decode(&with_crc(&tlv(0, "02"))), Err(DecodeError::InvalidValue { .. })));
    assert_eq!(decode("000201"), Err(DecodeError::MissingCrc));
}

#[test]
fn profiles() {
    // A VietQR code fails strict EMVCo (no 52/59/60).
    let p = decode(EX_613).unwrap();
    assert_eq!(detect_profile(&p), Profile::VietQr);
    assert!(matches!(p.validate(Profile::VietQr), Ok(())));
    let e = p.validate(Profile::Emvco).unwrap_err();
    assert_eq!(e, DecodeError::Missing { path: FieldPath::root(52), profile: Profile::Emvco });
    assert_eq!(e.to_string(), "field 52 is required by the emvco profile but missing");
    // VietQR requires 01 and the NAPAS 38.
    let no01 = with_crc(&(tlv(0, "01") + &napas("970436", "1") + "53037045802VN"));
    assert_eq!(
        decode(&no01).unwrap().vietqr().unwrap_err(),
        DecodeError::Missing { path: FieldPath::root(1), profile: Profile::VietQr }
    );
    let bad_bin = with_crc(&(tlv(0, "01") + &tlv(1, "11") + &napas("97043X", "1") + "53037045802VN"));
    let e = decode(&bad_bin).unwrap().vietqr().unwrap_err();
    assert!(e.to_string().starts_with("field 38.01.00 at offset"), "{e}");
    let usd = with_crc(&(tlv(0, "01") + &tlv(1, "11") + &napas("970436", "1") + "53038405802VN"));
    assert!(decode(&usd).unwrap().vietqr().is_err());
    let frac = with_crc(&(tlv(0, "01") + &tlv(1, "12") + &napas("970436", "1") + "5303704540510.505802VN"));
    assert!(decode(&frac).unwrap().vietqr().is_err());
}

#[test]
fn vnpay_and_domain_guids_decode_as_merchants() {
    let vnpay = with_crc(
        &(tlv(0, "01")
            + &tlv(1, "11")
            + &tlv(26, &(tlv(0, "A000000775") + &tlv(1, "0105313147")))
            + &tlv(52, "5812")
            + &tlv(53, "704")
            + &tlv(58, "VN")
            + &tlv(59, "QUAN PHO HA NOI")
            + &tlv(60, "HA NOI")
            + &tlv(62, &(tlv(5, "REF1") + &tlv(7, "T01")))),
    );
    let p = decode(&vnpay).unwrap();
    assert_eq!(detect_profile(&p), Profile::Emvco);
    p.validate(Profile::Emvco).unwrap();
    let m = p.merchant();
    let acc = m.account.unwrap();
    assert_eq!(acc.scheme, Scheme::Vnpay);
    assert_eq!(acc.merchant_id, Some("0105313147"));
    assert_eq!(m.name, Some("QUAN PHO HA NOI"));
    assert_eq!(m.additional.terminal(), Some("T01"));
    assert!(p.vietqr().is_err());

    let evn = with_crc(
        &(tlv(0, "01")
            + &tlv(1, "12")
            + &tlv(30, &(tlv(0, "vn.com.evn") + &tlv(1, "PE01000123456")))
            + &tlv(52, "4900")
            + &tlv(53, "704")
            + &tlv(54, "356000")
            + &tlv(58, "VN")
            + &tlv(59, "EVN HANOI")
            + &tlv(60, "HA NOI")
            + &tlv(62, &tlv(6, "PE01000123456"))),
    );
    let p = decode(&evn).unwrap();
    p.validate(Profile::Emvco).unwrap();
    let m = p.merchant();
    assert_eq!(m.account.unwrap().scheme, Scheme::Domain("vn.com.evn"));
    assert_eq!(m.additional.customer(), Some("PE01000123456"));
    assert_eq!(m.amount, Some("356000"));
    // Strict EMVCo requires a merchant account.
    let none = with_crc(&(tlv(0, "01") + "5204581253037045802VN5901A6001B"));
    assert!(decode(&none).unwrap().validate(Profile::Emvco).is_err());
}

#[test]
fn napas_merchant_account_view() {
    let p = decode(EX_613).unwrap();
    let acc: Vec<_> = p.merchant_accounts().collect();
    assert_eq!(acc.len(), 1);
    assert_eq!(acc[0].scheme, Scheme::Napas);
    assert_eq!(acc[0].merchant_id, Some("0011012345678"));
    assert_eq!(acc[0].get(2), Some("QRIBFTTA"));
}

#[test]
fn limits() {
    assert_eq!(decode(""), Err(DecodeError::Empty));
    let long = "0".repeat(vietqr::MAX_PAYLOAD_BYTES + 1);
    assert!(matches!(decode(&long), Err(DecodeError::TooLong { .. })));
}
