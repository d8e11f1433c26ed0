//! `xaso units import FILE`: load administrative units from CSV.

use anyhow::Context;

use crate::config::Config;

/// Unit subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum UnitsCmd {
    /// Import units from a CSV file with the header
    /// code,name,kind,parent_code,valid_from[,valid_to,note,predecessor_codes].
    Import {
        /// The CSV file.
        file: std::path::PathBuf,
    },
}

/// Runs a units subcommand.
pub async fn run(cfg: &Config, cmd: UnitsCmd) -> anyhow::Result<()> {
    match cmd {
        UnitsCmd::Import { file } => {
            let data =
                std::fs::read(&file).with_context(|| format!("không đọc được tệp (cannot read) {}", file.display()))?;
            let db = cfg.open_db().await?;
            let result = store::unit::import_csv(&db, &store::audit::Actor::cli(), &data).await;
            db.close().await;
            let report = result?;
            println!("Đã nhập {} đơn vị / imported {} units", report.created, report.created);
            Ok(())
        }
    }
}
