//! Criterion benchmarks of the hot paths: encoding a transfer, and decoding plus
//! validating a payload (VietQR view).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use vietqr::Transfer;

/// The NAPAS example 6.1.3 (dynamic, to account).
const DYNAMIC: &str = "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E";
/// The NAPAS example 6.1.2 (static, to card).
const STATIC: &str =
    "00020101021138600010A00000072701300006970403011697040311012345670208QRIBFTTC53037045802VN63044F52";

fn encode(c: &mut Criterion) {
    c.bench_function("encode/dynamic", |b| {
        b.iter(|| {
            Transfer::to_account(black_box("970403"), black_box("0011012345678"))
                .amount(black_box(180_000))
                .bill_number(black_box("NPS6869"))
                .purpose(black_box("thanh toan don hang"))
                .encode()
        });
    });
    c.bench_function("encode_into/dynamic (reused String)", |b| {
        let mut buf = String::with_capacity(256);
        b.iter(|| {
            buf.clear();
            Transfer::to_account(black_box("970403"), black_box("0011012345678"))
                .amount(black_box(180_000))
                .bill_number(black_box("NPS6869"))
                .purpose(black_box("thanh toan don hang"))
                .encode_into(&mut buf)
                .map(|()| buf.len())
        });
    });
    c.bench_function("encode/static", |b| {
        b.iter(|| Transfer::to_card(black_box("970403"), black_box("9704031101234567")).encode());
    });
}

fn decode(c: &mut Criterion) {
    c.bench_function("decode_vietqr/dynamic (one call)", |b| {
        b.iter(|| vietqr::decode_vietqr(black_box(DYNAMIC)).map(|q| q.amount));
    });
    c.bench_function("decode_vietqr/static (one call)", |b| {
        b.iter(|| vietqr::decode_vietqr(black_box(STATIC)).map(|q| q.amount));
    });
    c.bench_function("decode+validate/dynamic", |b| {
        b.iter(|| vietqr::decode(black_box(DYNAMIC)).and_then(|p| p.vietqr().map(|q| q.amount)));
    });
    c.bench_function("decode+validate/static", |b| {
        b.iter(|| vietqr::decode(black_box(STATIC)).and_then(|p| p.vietqr().map(|q| q.amount)));
    });
    c.bench_function("decode+validate-profile/dynamic", |b| {
        b.iter(|| {
            vietqr::decode(black_box(DYNAMIC)).and_then(|p| p.validate(vietqr::Profile::VietQr).map(|()| p.crc()))
        });
    });
    c.bench_function("decode/structure-only", |b| {
        b.iter(|| vietqr::decode(black_box(DYNAMIC)).map(|p| p.crc()));
    });
}

criterion_group!(benches, encode, decode);
criterion_main!(benches);
