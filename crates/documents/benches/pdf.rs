//! Criterion benchmarks for the PDF documents: one fee receipt, one Mẫu 01
//! slip, and a whole market of 300 A6 stall standees in one PDF (the print
//! run a market manager starts from the web page).
//!
//! Run with `cargo bench -p xaso-documents --bench pdf`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use documents::pdf::receipt::{Receipt, receipt};
use documents::pdf::standee::{self, Paper, Standee};

fn stall(i: usize) -> Standee {
    Standee {
        market_name: "Chợ Một Ngàn".into(),
        stall_label: format!("A-{i:03}"),
        merchant_name: format!("Hộ kinh doanh Lê Văn Đức {i}"),
        category: "Rau củ quả".into(),
        bank_name: "Vietcombank".into(),
        account_display: format!("0071 0012 {i:04}"),
        holder: "Lê Văn Đức".into(),
        qr_payload: format!(
            "00020101021138570010A00000072701270006970436011300710012{i:04}0208QRIBFTTA53037045802VN6304ABCD"
        ),
    }
}

fn sample_receipt() -> Receipt {
    Receipt {
        unit_name: "UBND xã Tân Hòa".into(),
        receipt_no: "0001234".into(),
        issued_at_ms: 1_772_674_200_000,
        payer_name: "Nguyễn Thị Ánh Tuyết".into(),
        payer_ref: "000.00.17.H19-260305-0001".into(),
        lines: vec![("Lệ phí đăng ký khai sinh".into(), 50_000), ("Phí sao y bản chính".into(), 5_000)],
        total: 55_000,
        payment_code: "XS26A1B2C3".into(),
        bank_name: "Vietcombank".into(),
        account: "0071 0001 23456".into(),
        txn_ref: "FT26064123456789".into(),
        verify_url: "https://xaso.example/bien-lai/0001234?k=3f9a1c".into(),
    }
}

fn documents(c: &mut Criterion) {
    let r = sample_receipt();
    c.bench_function("pdf/receipt_a5", |b| b.iter(|| receipt(black_box(&r)).expect("receipt")));
    let market: Vec<Standee> = (1..=300).map(stall).collect();
    let mut group = c.benchmark_group("pdf");
    group.sample_size(10);
    group.bench_function("standees_300_a6", |b| {
        b.iter(|| standee::render(black_box(&market), Paper::A6).expect("standees"));
    });
    group.finish();
}

criterion_group!(benches, documents);
criterion_main!(benches);
