//! Structured logging: `tracing` with an env filter, as text for people or
//! JSON for log collectors (`log.format = "json"`). Request spans carry the
//! request id (see `web::router`).

use tracing_subscriber::EnvFilter;

use crate::config::LogConfig;

/// Installs the global subscriber once.
pub fn init(cfg: &LogConfig) {
    let filter = EnvFilter::try_from_env("XASO_LOG").unwrap_or_else(|_| EnvFilter::new(&cfg.level));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ =
        if cfg.format == "json" { builder.json().flatten_event(true).try_init() } else { builder.compact().try_init() };
}
