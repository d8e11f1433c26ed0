//! `xaso`, the one binary of Xã Số: the server and the operator's tools.
//!
//! Each subcommand lives in `cmd/`; configuration (defaults, TOML file,
//! `XASO_*` environment, flags) is resolved in `config.rs`. Every command
//! reports failure with a non-zero exit code and the reason on stderr.

mod cmd;
mod config;
mod telemetry;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Xã Số: nền tảng chuyển đổi số cho xã, phường — the digital commune platform.
#[derive(Debug, Parser)]
#[command(name = "xaso", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    global: config::Flags,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (migrates first).
    Serve(cmd::serve::Args),
    /// Apply database migrations and exit.
    Migrate,
    /// Load the demo data (units of Châu Thành A and Cần Thơ, one login per role,
    /// a year of dossiers in the communes).
    Demo(cmd::db::DemoArgs),
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        cmd: cmd::user::UserCmd,
    },
    /// Manage API tokens for kiosks, display boards and integrations.
    Token {
        #[command(subcommand)]
        cmd: cmd::token::TokenCmd,
    },
    /// One-stop dossiers: import historical ones, generate demo ones.
    Dossiers {
        #[command(subcommand)]
        cmd: cmd::dossiers::DossiersCmd,
    },
    /// Import administrative units from a CSV file.
    Units {
        #[command(subcommand)]
        cmd: cmd::units::UnitsCmd,
    },
    /// Write an online backup of the SQLite database to FILE.
    Backup {
        /// The backup file to create.
        file: std::path::PathBuf,
    },
    /// Replace the SQLite database with the backup FILE (stop the server first).
    Restore {
        /// The backup file.
        file: std::path::PathBuf,
    },
    /// Vietnamese calendar: lunar dates, days off, working-time due dates.
    Calendar {
        #[command(subcommand)]
        cmd: calendar::cli::Command,
    },
    /// VietQR codes: decode, encode, render to SVG or PNG.
    Qr {
        #[command(subcommand)]
        cmd: vietqr::cli::Command,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Pure computations: no configuration, database or runtime needed.
    let command = match cli.command {
        Command::Calendar { cmd } => {
            return ExitCode::from(calendar::cli::run(cmd, &mut std::io::stdout(), &mut std::io::stderr()));
        }
        Command::Qr { cmd } => {
            return ExitCode::from(vietqr::cli::run(cmd, &mut std::io::stdout(), &mut std::io::stderr()));
        }
        other => other,
    };
    let cfg = match config::Config::load(&cli.global) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("xaso: cấu hình không hợp lệ (invalid configuration): {e:#}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&cfg.log);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("xaso: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match command {
            Command::Serve(args) => cmd::serve::run(cfg, args).await,
            Command::Migrate => cmd::db::migrate(&cfg).await,
            Command::Demo(args) => cmd::db::demo(&cfg, args).await,
            Command::Dossiers { cmd } => cmd::dossiers::run(&cfg, cmd).await,
            Command::User { cmd } => cmd::user::run(&cfg, cmd).await,
            Command::Token { cmd } => cmd::token::run(&cfg, cmd).await,
            Command::Units { cmd } => cmd::units::run(&cfg, cmd).await,
            Command::Backup { file } => cmd::db::backup(&cfg, &file).await,
            Command::Restore { file } => cmd::db::restore(&cfg, &file).await,
            Command::Calendar { .. } | Command::Qr { .. } => Ok(()),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xaso: {e:#}");
            ExitCode::FAILURE
        }
    }
}
