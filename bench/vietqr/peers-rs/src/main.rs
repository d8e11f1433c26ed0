//! Times the `promptparse` crate and `vietqr` on the same VietQR inputs (NAPAS
//! example 6.1.3) and prints one JSON line per measurement for `report.mjs`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use promptparse::{encode, parse, tag, with_crc_tag};

/// NAPAS VietQR example 6.1.3: dynamic, to account, 180 000 VND.
const PAYLOAD: &str = "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E";

/// Calls per second of `f`: after a warm-up, `secs` seconds are split into rounds
/// of about 20 ms and the best round counts (best-of-N, as Python's `timeit`
/// recommends), which filters out time lost to other processes on a shared machine.
fn rate(secs: f64, mut f: impl FnMut() -> usize) -> f64 {
    let warm = Instant::now();
    let mut calls: u64 = 0;
    while warm.elapsed() < Duration::from_millis(300) {
        black_box(f());
        calls += 1;
    }
    let per_round = (calls / 15).max(1);
    let rounds = ((secs / 0.02) as u64).max(1);
    let mut best = 0.0f64;
    for _ in 0..rounds {
        let start = Instant::now();
        for _ in 0..per_round {
            black_box(f());
        }
        best = best.max(per_round as f64 / start.elapsed().as_secs_f64());
    }
    best
}

// Inputs go through `black_box`, so that neither library is timed on constants the
// compiler could fold.
fn promptparse_encode() -> String {
    let org = encode(&[tag("00", black_box("970403")), tag("01", black_box("0011012345678"))]);
    let mai = encode(&[tag("00", "A000000727"), tag("01", &org), tag("02", "QRIBFTTA")]);
    let add = encode(&[tag("01", black_box("NPS6869")), tag("08", black_box("thanh toan don hang"))]);
    let body = encode(&[
        tag("00", "01"),
        tag("01", "12"),
        tag("38", &mai),
        tag("53", "704"),
        tag("54", black_box("180000")),
        tag("58", "VN"),
        tag("62", &add),
    ]);
    with_crc_tag(&body, "63", true)
}

fn promptparse_decode(p: &str) -> usize {
    let qr = parse(p, true, true).expect("valid payload");
    qr.get_tag_value("54", None).map_or(0, str::len) + qr.get_tag_value("38", Some("01")).map_or(0, str::len)
}

fn vietqr_encode() -> String {
    vietqr::Transfer::to_account(black_box("970403"), black_box("0011012345678"))
        .amount(black_box(180_000))
        .bill_number(black_box("NPS6869"))
        .purpose(black_box("thanh toan don hang"))
        .encode()
        .expect("valid transfer")
}

/// Decoding and validating in one call, as an application does.
fn vietqr_decode(p: &str) -> usize {
    let q = vietqr::decode_vietqr(p).expect("valid payload");
    q.amount.map_or(0, |a| a.0 as usize) + q.account.len()
}

/// The same in two steps, through the structural [`vietqr::Payload`] (which also
/// serves the other profiles and views).
fn vietqr_decode_in_steps(p: &str) -> usize {
    let q = vietqr::decode(p).and_then(|d| d.vietqr()).expect("valid payload");
    q.amount.map_or(0, |a| a.0 as usize) + q.account.len()
}

fn main() {
    let secs: f64 = std::env::var("BENCH_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(2.0);
    assert_eq!(promptparse_encode(), PAYLOAD, "promptparse output differs");
    assert_eq!(vietqr_encode(), PAYLOAD, "vietqr output differs");
    let runs: [(&str, &str, &dyn Fn() -> usize); 5] = [
        ("promptparse (crate)", "encode", &|| promptparse_encode().len()),
        ("promptparse (crate)", "decode", &|| promptparse_decode(black_box(PAYLOAD))),
        ("vietqr", "encode", &|| vietqr_encode().len()),
        ("vietqr", "decode", &|| vietqr_decode(black_box(PAYLOAD))),
        ("vietqr", "decode_in_steps", &|| vietqr_decode_in_steps(black_box(PAYLOAD))),
    ];
    for (peer, op, f) in runs {
        let r = rate(secs, f);
        println!(r#"{{"peer":"{peer}","op":"{op}","per_sec":{r:.0}}}"#);
    }
    // vietqr writing into a reused, pre-sized String (no allocation per payload).
    let mut buf = String::with_capacity(256);
    let r = rate(secs, || {
        buf.clear();
        vietqr::Transfer::to_account(black_box("970403"), black_box("0011012345678"))
            .amount(black_box(180_000))
            .bill_number(black_box("NPS6869"))
            .purpose(black_box("thanh toan don hang"))
            .encode_into(&mut buf)
            .expect("valid transfer");
        buf.len()
    });
    println!(r#"{{"peer":"vietqr","op":"encode_into","per_sec":{r:.0}}}"#);
}
