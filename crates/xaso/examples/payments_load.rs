//! Load generator and seeder of the payments benchmark (`bench/payments/run.sh`).
//!
//! ```text
//! payments_load seed   <db-url> <count> <codes-file>      # a receiving account, the SePay key, <count> open bills
//! payments_load fire   <base-url> <codes-file> <from> <n> <concurrency>   # signed SePay webhooks, one per bill
//! payments_load csv    <codes-file> <from> <n> <out.csv>  # a bank statement paying those bills
//! payments_load report <db-url>                            # notifications per provider: matched, exceptions
//! ```
//!
//! Every bill is 10.000 ₫ on Tân Hòa's account; the webhook key is
//! [`SEPAY_KEY`]. Bench-only: seeding writes no audit rows.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, bail};
use store::audit::Actor;

/// The SePay API key the benchmark configures.
const SEPAY_KEY: &str = "bench-sepay-api-key";
/// The receiving account of the benchmark.
const ACCOUNT: &str = "0011001234567";
/// Every bill's amount.
const AMOUNT: i64 = 10_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).cloned().with_context(|| format!("missing argument {i}; see the file's doc"));
    match arg(0)?.as_str() {
        "seed" => seed(&arg(1)?, arg(2)?.parse()?, &arg(3)?).await,
        "fire" => fire(&arg(1)?, &arg(2)?, arg(3)?.parse()?, arg(4)?.parse()?, arg(5)?.parse()?).await,
        "csv" => csv(&arg(1)?, arg(2)?.parse()?, arg(3)?.parse()?, &arg(4)?),
        "report" => report(&arg(1)?).await,
        other => bail!("unknown command {other:?}"),
    }
}

async fn seed(db_url: &str, count: usize, codes_file: &str) -> anyhow::Result<()> {
    let db = store::Db::open(db_url, &store::DbOptions::default()).await?;
    let today = domain::time::local_date(chrono::Utc::now());
    let unit = store::unit::by_code(&db, "31342", today).await?.context("demo data missing: run `xaso demo`")?;
    let new = store::payment::NewAccount {
        unit_id: unit.id,
        bin: "970436".into(),
        account: ACCOUNT.into(),
        holder: "UBND XA TAN HOA".into(),
        virtual_prefix: None,
    };
    let account = store::payment::create_account(&db, &Actor::cli(), new).await?;
    let sepay = domain::payment::webhook::Provider::SePay;
    store::payment::provider::set_secret(&db, &Actor::cli(), sepay, SEPAY_KEY).await?;
    let codes = store::payment::provider::payment_codes(&db).await?;
    let t = Instant::now();
    let bills = store::payment::seed::seed_bills(&db, account.id, &codes, 1_000_000, count, AMOUNT).await?;
    eprintln!("seeded {} bills in {:.1}s", bills.len(), t.elapsed().as_secs_f64());
    let text: String = bills.iter().map(|(_, c)| format!("{c}\n")).collect();
    std::fs::write(codes_file, text)?;
    println!("{}", account.id);
    db.close().await;
    Ok(())
}

fn read_codes(file: &str, from: usize, n: usize) -> anyhow::Result<Vec<String>> {
    let all = std::fs::read_to_string(file)?;
    let codes: Vec<String> = all.lines().skip(from).take(n).map(str::to_string).collect();
    if codes.len() < n {
        bail!("only {} codes from line {from} in {file}", codes.len());
    }
    Ok(codes)
}

async fn fire(base: &str, codes_file: &str, from: usize, n: usize, concurrency: usize) -> anyhow::Result<()> {
    let codes = Arc::new(read_codes(codes_file, from, n)?);
    let next = Arc::new(AtomicUsize::new(0));
    let (ok, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build()?;
    let url = format!("{base}/api/v1/payments/webhooks/sepay");
    let t = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (codes, next, ok, failed, client, url) =
            (codes.clone(), next.clone(), ok.clone(), failed.clone(), client.clone(), url.clone());
        tasks.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(code) = codes.get(i) else { return };
                let id = from + i;
                let body = serde_json::json!({"id": id, "gateway": "Vietcombank",
                    "transactionDate": "2026-03-10 09:00:00", "accountNumber": ACCOUNT, "code": null,
                    "content": format!("MBVCB.{id}.{code}.CT tu 0123456789"), "transferType": "in",
                    "transferAmount": AMOUNT, "accumulated": 0, "subAccount": null,
                    "referenceCode": format!("FT{id}"), "description": ""})
                .to_string();
                let sent = client
                    .post(&url)
                    .header("authorization", format!("Apikey {SEPAY_KEY}"))
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status().is_success() => ok.fetch_add(1, Ordering::Relaxed),
                    _ => failed.fetch_add(1, Ordering::Relaxed),
                };
            }
        });
    }
    tasks.join_all().await;
    let secs = t.elapsed().as_secs_f64();
    println!("{} {} {secs:.3}", ok.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
    Ok(())
}

fn csv(codes_file: &str, from: usize, n: usize, out: &str) -> anyhow::Result<()> {
    let codes = read_codes(codes_file, from, n)?;
    let mut text = String::from("Số tham chiếu,Ngày giao dịch,Ghi nợ,Ghi có,Nội dung\n");
    for (i, code) in codes.iter().enumerate() {
        text.push_str(&format!("ST{},10/03/2026 10:00:00,,10.000,IBFT {code} thanh toan\n", from + i));
    }
    std::fs::write(out, text)?;
    Ok(())
}

async fn report(db_url: &str) -> anyhow::Result<()> {
    let db = store::Db::connect(db_url, &store::DbOptions::default()).await?;
    for provider in ["sepay", "statement"] {
        let (matched, exceptions) = store::payment::report::provider_counts(&db, provider).await?;
        println!("{provider} {matched} {exceptions}");
    }
    db.close().await;
    Ok(())
}
