//! The CLI contract: `decode` prints exactly one JSON object with the agreed keys,
//! `encode` prints the payload, `render` writes the file, and invalid input exits 1
//! with the reason on stderr.

use vietqr::cli::{Command, run};

use crate::common::{EX_611, EX_613, with_crc};

fn call(cmd: Command) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(cmd, &mut out, &mut err);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

fn decode(p: &str) -> (u8, String, String) {
    call(Command::Decode { payload: p.to_owned() })
}

#[test]
fn decode_prints_the_contract_json() {
    let (code, out, err) = decode(EX_613);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        concat!(
            r#"{"crc_valid":true,"profile":"vietqr","initiation":"dynamic","bin":"970403","bank":"Sacombank","#,
            r#""account":"0011012345678","service":"QRIBFTTA","amount":180000,"currency":"704","country":"VN","#,
            r#""purpose":"thanh toan don hang","bill_number":"NPS6869","reference":null,"terminal":null,"#,
            r#""merchant_name":null,"merchant_city":null,"fields":{"00":"01","01":"12","#,
            r#""38":{"00":"A000000727","01":{"00":"970403","01":"0011012345678"},"02":"QRIBFTTA"},"#,
            r#""53":"704","54":"180000","58":"VN","62":{"01":"NPS6869","08":"thanh toan don hang"},"63":"2E2E"}}"#,
            "\n"
        )
    );
}

#[test]
fn decode_static_and_emvco_codes() {
    let stall = vietqr::Transfer::to_account("971025", "PSP0123456").terminal("SAP-12").encode().unwrap();
    let (code, out, _) = decode(&stall);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["initiation"], "static");
    assert_eq!(v["bank"], "MoMo");
    assert_eq!(v["amount"], serde_json::Value::Null);
    assert_eq!(v["terminal"], "SAP-12");

    // Some generators emit 11 (static) with an amount: the decoder reports what 01 says.
    let vnpay = with_crc(
        "00020101021126280010A0000007750110010531314752045812530370454065000005802VN5915QUAN PHO HA NOI6006HA NOI62080704T001",
    );
    let (code, out, err) = decode(&vnpay);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        concat!(
            r#"{"crc_valid":true,"profile":"emvco","initiation":"static","bin":null,"bank":null,"#,
            r#""account":"0105313147","service":null,"amount":500000,"currency":"704","country":"VN","#,
            r#""purpose":null,"bill_number":null,"reference":null,"terminal":"T001","#,
            r#""merchant_name":"QUAN PHO HA NOI","merchant_city":"HA NOI","fields":{"00":"01","01":"11","#,
            r#""26":{"00":"A000000775","01":"0105313147"},"52":"5812","53":"704","54":"500000","58":"VN","#,
            r#""59":"QUAN PHO HA NOI","60":"HA NOI","62":{"07":"T001"},"63":""#
        )
        .to_owned()
            + &vnpay[vnpay.len() - 4..]
            + "\"}}\n"
    );
}

#[test]
fn invalid_payloads_exit_1_with_the_reason() {
    let (code, out, err) = decode(EX_611);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.starts_with("error: field 38.01 at offset 30 is a malformed template"), "{err}");
    let (code, _, err) = decode(&EX_613.replace("2E2E", "2E2F"));
    assert_eq!(code, 1);
    assert_eq!(err, "error: CRC mismatch: expected 2E2E, found 2E2F\n");
    let (code, _, err) = decode("hello");
    assert_eq!(code, 1);
    assert!(!err.is_empty());
}

fn encode_cmd(bin: &str, account: &str) -> Command {
    Command::Encode {
        bin: bin.into(),
        account: account.into(),
        card: false,
        amount: None,
        purpose: None,
        bill_number: None,
        reference: None,
        terminal: None,
    }
}

#[test]
fn encode_prints_the_payload() {
    let mut cmd = encode_cmd("970403", "0011012345678");
    if let Command::Encode { amount, purpose, bill_number, .. } = &mut cmd {
        *amount = Some(180_000);
        *purpose = Some("thanh toán đơn hàng".into());
        *bill_number = Some("NPS6869".into());
    }
    assert_eq!(call(cmd), (0, format!("{EX_613}\n"), String::new()));
    let mut card = encode_cmd("970403", "9704031101234567");
    if let Command::Encode { card: c, .. } = &mut card {
        *c = true;
    }
    assert_eq!(call(card).1, format!("{}\n", crate::common::EX_612));
    let (code, out, err) = call(encode_cmd("97040", "1"));
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(err, "error: the BIN must be exactly 6 digits, got \"97040\"\n");
}

#[test]
fn render_writes_svg_and_png() {
    let dir = std::env::temp_dir().join(format!("vietqr-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["qr.svg", "qr.png"] {
        let path = dir.join(name);
        let cmd = Command::Render {
            payload: EX_613.into(),
            out: path.clone(),
            ec: None,
            holder: Some("NGUYEN VAN A".into()),
        };
        assert_eq!(call(cmd), (0, String::new(), String::new()));
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.len() > 100);
    }
    let svg = std::fs::read_to_string(dir.join("qr.svg")).unwrap();
    assert!(svg.contains("Sacombank") && svg.contains("NGUYEN VAN A") && svg.contains("180.000 đ"));
    let bad = Command::Render { payload: EX_613.into(), out: dir.join("qr.gif"), ec: None, holder: None };
    assert_eq!(call(bad).0, 1);
    let bad = Command::Render { payload: EX_611.into(), out: dir.join("x.svg"), ec: None, holder: None };
    assert_eq!(call(bad).0, 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn command_parses_with_clap() {
    use clap::Parser;
    #[derive(clap::Parser)]
    struct Qr {
        #[command(subcommand)]
        cmd: Command,
    }
    let q = Qr::try_parse_from([
        "qr",
        "encode",
        "--bin",
        "970403",
        "--account",
        "0011012345678",
        "--amount",
        "180000",
        "--purpose",
        "thanh toan don hang",
        "--bill-number",
        "NPS6869",
        "--reference",
        "R1",
        "--terminal",
        "T1",
    ])
    .unwrap();
    assert!(matches!(q.cmd, Command::Encode { amount: Some(180_000), .. }));
    let q = Qr::try_parse_from(["qr", "render", EX_613, "--out", "x.png"]).unwrap();
    assert!(matches!(q.cmd, Command::Render { .. }));
    let q = Qr::try_parse_from(["qr", "decode", EX_613]).unwrap();
    assert_eq!(q.cmd, Command::Decode { payload: EX_613.into() });
}
