//! `xaso dossiers import FILE`: load historical dossiers (CSV or JSON lines)
//! so they count in the reports; `xaso dossiers generate N`: bulk demo
//! dossiers (what `xaso demo --dossiers N` runs).
//!
//! Import rules are [`store::dossier::import`]'s. Every row is validated
//! first and every bad row printed with its line number and reason; with any
//! bad row the command exits non-zero. Without `--skip-invalid` it then
//! imports nothing; with it, it imports the valid rows (and still exits
//! non-zero, so a script notices the rows left out). Dossiers whose code is
//! already stored are left unchanged, so an import can be repeated.

use anyhow::Context;

use crate::config::Config;

/// Dossier subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum DossiersCmd {
    /// Import historical dossiers from a CSV file (header row) or JSON lines,
    /// with the fields code, unit, procedure, applicant_name, channel, status,
    /// received_at, due_at, supplements, finished_at, returned_at.
    Import {
        /// The file (`.csv`, `.jsonl`/`.ndjson`, or detected from the content).
        file: std::path::PathBuf,
        /// Import the valid rows even if some are invalid (still exits non-zero).
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Generate N demo dossiers over the last year in the current communes.
    Generate {
        /// How many.
        n: usize,
        /// Seed of the generator.
        #[arg(long, default_value_t = 766)]
        seed: u64,
    },
}

/// Runs a dossiers subcommand.
pub async fn run(cfg: &Config, cmd: DossiersCmd) -> anyhow::Result<()> {
    match cmd {
        DossiersCmd::Import { file, skip_invalid } => import(cfg, &file, skip_invalid).await,
        DossiersCmd::Generate { n, seed } => {
            let made = generate(cfg, n, seed).await?;
            println!("Đã tạo {made} hồ sơ / generated {made} dossiers");
            Ok(())
        }
    }
}

/// Generates `n` dossiers (bulk, no per-dossier audit).
pub async fn generate(cfg: &Config, n: usize, seed: u64) -> anyhow::Result<usize> {
    let db = cfg.open_db().await?;
    let result = store::dossier::generate::generate(&db, &store::audit::Actor::cli(), n, store::now_ms(), seed).await;
    db.close().await;
    result.context("tạo hồ sơ thất bại (generating dossiers failed)")
}

async fn import(cfg: &Config, file: &std::path::Path, skip_invalid: bool) -> anyhow::Result<()> {
    let mut data =
        std::fs::read(file).with_context(|| format!("không đọc được tệp (cannot read) {}", file.display()))?;
    // The extension decides when it names a format; otherwise the content does.
    let ext = file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if matches!(ext.as_deref(), Some("csv")) && data.trim_ascii_start().first() == Some(&b'{') {
        anyhow::bail!("tệp .csv nhưng nội dung là JSON (a .csv file holding JSON)");
    }
    if matches!(ext.as_deref(), Some("jsonl" | "ndjson")) && data.trim_ascii_start().first() != Some(&b'{') {
        anyhow::bail!("tệp .jsonl nhưng nội dung không phải JSON (a .jsonl file not holding JSON lines)");
    }
    data.shrink_to_fit();
    let db = cfg.open_db().await?;
    let result =
        store::dossier::import::import(&db, &store::audit::Actor::cli(), &data, skip_invalid, store::now_ms()).await;
    db.close().await;
    let outcome = result?;
    for b in &outcome.bad {
        eprintln!("dòng {} (line {}): {}", b.line, b.line, b.reason);
    }
    println!(
        "Đã nhập {} hồ sơ, {} đã có sẵn, {} dòng lỗi / imported {}, already present {}, invalid rows {}",
        outcome.imported,
        outcome.already_present,
        outcome.bad.len(),
        outcome.imported,
        outcome.already_present,
        outcome.bad.len()
    );
    if !outcome.bad.is_empty() {
        if skip_invalid {
            anyhow::bail!(
                "{} dòng không hợp lệ đã bỏ qua ({} invalid rows skipped)",
                outcome.bad.len(),
                outcome.bad.len()
            );
        }
        anyhow::bail!(
            "{} dòng không hợp lệ, không nhập gì; sửa tệp hoặc dùng --skip-invalid ({} invalid rows: nothing imported)",
            outcome.bad.len(),
            outcome.bad.len()
        );
    }
    Ok(())
}
