//! Database commands: `migrate`, `demo`, `backup`, `restore`.

use std::path::Path;

use anyhow::Context;

use crate::config::Config;

/// `xaso migrate`.
pub async fn migrate(cfg: &Config) -> anyhow::Result<()> {
    let db = cfg.open_db().await?;
    db.close().await;
    println!("Đã cập nhật cấu trúc cơ sở dữ liệu / migrations applied");
    Ok(())
}

/// `xaso demo` flags.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Generate this many dossiers over the last year (bulk; instead of the
    /// demo's 3,000, which are generated once when this is not given).
    #[arg(long)]
    pub dossiers: Option<usize>,
}

/// `xaso demo [--dossiers N]`.
pub async fn demo(cfg: &Config, args: DemoArgs) -> anyhow::Result<()> {
    let db = cfg.open_db().await?;
    let loaded = store::demo::load(&db).await.context("loading demo data")?;
    if let Some(n) = args.dossiers {
        let made = store::dossier::generate::load_demo(&db, 0)
            .await
            .and(store::dossier::generate::generate(&db, &store::audit::Actor::cli(), n, store::now_ms(), 766).await);
        let made = made.context("generating dossiers")?;
        println!("Đã tạo {made} hồ sơ / generated {made} dossiers");
    }
    store::demo::load_areas(&db).await.context("loading the areas' demo data")?;
    db.close().await;
    if loaded {
        println!("Đã nạp dữ liệu demo / demo data loaded (mật khẩu / password: {})", store::demo::DEMO_PASSWORD);
    } else {
        println!("Dữ liệu demo đã có sẵn / demo data was already loaded");
    }
    Ok(())
}

/// `xaso backup FILE`: an online, consistent copy while the server runs.
pub async fn backup(cfg: &Config, file: &Path) -> anyhow::Result<()> {
    let db = cfg.open_db().await?;
    let result = store::backup::backup(&db, file).await;
    db.close().await;
    result.with_context(|| format!("sao lưu thất bại (backup failed): {}", file.display()))?;
    println!("Đã sao lưu / backed up to {}", file.display());
    Ok(())
}

/// `xaso restore FILE`: checks the backup, then replaces the database file.
pub async fn restore(cfg: &Config, file: &Path) -> anyhow::Result<()> {
    let url = &cfg.database_url;
    anyhow::ensure!(
        !(url.starts_with("postgres://") || url.starts_with("postgresql://")),
        "restore is for SQLite; for PostgreSQL use pg_restore (see README)"
    );
    let dest = store_path(url);
    store::backup::restore(file, &dest)
        .await
        .with_context(|| format!("phục hồi thất bại (restore failed) from {}", file.display()))?;
    println!("Đã phục hồi / restored {} from {}", dest.display(), file.display());
    Ok(())
}

fn store_path(url: &str) -> std::path::PathBuf {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    std::path::PathBuf::from(rest.split('?').next().unwrap_or(rest))
}
