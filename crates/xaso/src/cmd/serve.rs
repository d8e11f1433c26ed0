//! `xaso serve`: migrate, optionally load the demo data, then serve HTTP
//! until SIGTERM or Ctrl-C, with the job runner alongside. Shutdown is
//! graceful: the listener stops, in-flight requests finish, the job runner
//! stops, and the database is closed (checkpointing SQLite's WAL).

use std::net::SocketAddr;

use anyhow::Context;
use tokio::sync::watch;

use crate::config::{Config, redact};

/// Flags of `serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Load the demo data if it is not loaded yet, and print the demo logins.
    #[arg(long)]
    pub demo: bool,
}

/// Runs the server.
pub async fn run(cfg: Config, args: Args) -> anyhow::Result<()> {
    let db = cfg.open_db().await?;
    if args.demo {
        let loaded = store::demo::load(&db).await.context("loading demo data")?;
        store::demo::load_areas(&db).await.context("loading the areas' demo data")?;
        tracing::info!(loaded, "demo data ready");
    }
    let state = web::AppState::new(db.clone(), cfg.web_config()).await.context("preparing the web state")?;
    let bus = state.bus.clone();
    let app = web::router(state);
    let listener = tokio::net::TcpListener::bind(&cfg.listen)
        .await
        .with_context(|| format!("không mở được cổng {} (cannot listen)", cfg.listen))?;
    let addr = listener.local_addr()?;

    let (stop_tx, stop_rx) = watch::channel(false);
    let worker = format!("{}:{}", hostname(), std::process::id());
    let jobs = web::jobs::with_notify(&cfg.notify_config()).map_err(anyhow::Error::msg)?;
    let runner = tokio::spawn(web::jobs::run(db.clone(), jobs, worker, stop_rx));

    println!("Xã Số đang chạy tại / is serving at http://{addr}");
    println!("Cơ sở dữ liệu / database: {}", redact(&cfg.database_url));
    if args.demo {
        println!("Tài khoản demo / demo logins (mật khẩu / password: {}):", store::demo::DEMO_PASSWORD);
        for (user, name, role, unit) in store::demo::DEMO_USERS {
            println!("  {user:<18} {:<16} {:<6} {name}", role.as_str(), unit.unwrap_or("*"));
        }
    }
    tracing::info!(%addr, "listening");

    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            // Live streams (display boards, consoles) end so that in-flight requests can drain.
            bus.close();
        })
        .await
        .context("server error")?;
    tracing::info!("shutting down");
    let _ = stop_tx.send(true);
    let _ = runner.await;
    db.close().await;
    Ok(())
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname").map(|s| s.trim().to_string()).unwrap_or_else(|_| "xaso".into())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
