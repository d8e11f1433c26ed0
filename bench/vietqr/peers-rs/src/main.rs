//! Times the `promptparse` crate and `vietqr` on the same VietQR inputs (NAPAS
//! example 6.1.3) and prints one JSON line per measurement for `report.mjs`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use promptparse::{encode, parse, tag, with_crc_tag};

/// NAPAS VietQR example 6.1.3: dynamic, to account, 180 000 VND.
const PAYLOAD: &str = "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E";

/// Calls per second of one function over the rounds: the median, and the 10th and
/// 90th percentiles.
struct Rate {
    median: f64,
    p10: f64,
    p90: f64,
}

/// Calls per second of each of `fs`: after a warm-up, each function gets `secs`
/// seconds in rounds of about 20 ms, the functions taking turns, and each
/// function's rate is the median of its rounds. Taking turns puts every function
/// in the same stretches of time, so that another process slowing the machine
/// down for a while weighs on all of them alike; the median, unlike the best round,
/// does not reward the implementation whose rounds vary most (an allocator-heavy
/// one), and does not drift with the number of rounds.
fn rates(secs: f64, fs: &mut [&mut dyn FnMut() -> usize]) -> Vec<Rate> {
    let per_round: Vec<u64> = fs
        .iter_mut()
        .map(|f| {
            let warm = Instant::now();
            let mut calls: u64 = 0;
            while warm.elapsed() < Duration::from_millis(300) {
                black_box(f());
                calls += 1;
            }
            (calls / 15).max(1)
        })
        .collect();
    let rounds = ((secs / 0.02) as usize).max(1);
    let mut all = vec![Vec::with_capacity(rounds); fs.len()];
    for _ in 0..rounds {
        for ((f, &n), all) in fs.iter_mut().zip(&per_round).zip(&mut all) {
            let start = Instant::now();
            for _ in 0..n {
                black_box(f());
            }
            all.push(n as f64 / start.elapsed().as_secs_f64());
        }
    }
    all.into_iter()
        .map(|mut v| {
            v.sort_by(f64::total_cmp);
            let at = |q: usize| v[(v.len() - 1) * q / 100];
            Rate { median: at(50), p10: at(10), p90: at(90) }
        })
        .collect()
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
    // vietqr also writes into a reused, pre-sized String (no allocation per payload).
    let mut buf = String::with_capacity(256);
    let mut encode_into = || {
        buf.clear();
        vietqr::Transfer::to_account(black_box("970403"), black_box("0011012345678"))
            .amount(black_box(180_000))
            .bill_number(black_box("NPS6869"))
            .purpose(black_box("thanh toan don hang"))
            .encode_into(&mut buf)
            .expect("valid transfer");
        buf.len()
    };
    let names = [
        ("promptparse (crate)", "encode"),
        ("promptparse (crate)", "decode"),
        ("vietqr", "encode"),
        ("vietqr", "decode"),
        ("vietqr", "decode_in_steps"),
        ("vietqr", "encode_into"),
    ];
    let measured = rates(
        secs,
        &mut [
            &mut || promptparse_encode().len(),
            &mut || promptparse_decode(black_box(PAYLOAD)),
            &mut || vietqr_encode().len(),
            &mut || vietqr_decode(black_box(PAYLOAD)),
            &mut || vietqr_decode_in_steps(black_box(PAYLOAD)),
            &mut encode_into,
        ],
    );
    for ((peer, op), r) in names.into_iter().zip(measured) {
        println!(r#"{{"peer":"{peer}","op":"{op}","per_sec":{:.0},"p10":{:.0},"p90":{:.0}}}"#, r.median, r.p10, r.p90);
    }
}
