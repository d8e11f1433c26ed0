//! Configuration: defaults, then an optional TOML file, then `XASO_*`
//! environment variables, then command-line flags — each layer overriding
//! the one before (figment). Secrets are never logged.
//!
//! Nested keys use `__` in the environment: `XASO_WEB__SECURE_COOKIES=true`.

use std::path::PathBuf;

use anyhow::Context;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Flags shared by every subcommand; they override the file and environment.
#[derive(Debug, Clone, clap::Args)]
pub struct Flags {
    /// TOML configuration file (default: ./xaso.toml if present).
    #[arg(long, global = true, env = "XASO_CONFIG")]
    pub config: Option<PathBuf>,
    /// Database: a SQLite file path or `sqlite:` URL, or a `postgres://` URL.
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Address to listen on, e.g. 127.0.0.1:8080.
    #[arg(long, global = true)]
    pub listen: Option<String>,
}

/// The whole configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Database URL or SQLite path.
    pub database_url: String,
    /// Listen address.
    pub listen: String,
    /// Largest database pool.
    pub max_connections: u32,
    /// SQLite: fsync every commit (power-loss durability). Default true.
    pub sqlite_full_sync: bool,
    /// Web settings.
    pub web: WebSection,
    /// Logging.
    pub log: LogConfig,
    /// Notifications to citizens (`[notify.smtp]`, `[notify.sms]`).
    pub notify: NotifySection,
}

/// `[notify]` section: each channel is enabled by its subsection; a missing
/// one disables the channel, whose messages are then recorded as skipped.
/// Nested keys in the environment: `XASO_NOTIFY__SMTP__HOST=mail.example.vn`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NotifySection {
    /// `[notify.smtp]`: host, port, security (`tls` | `starttls` | `plain`),
    /// username, password, from, timeout_secs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smtp: Option<web::notify::SmtpConfig>,
    /// `[notify.sms]`: url, method, headers, body (JSON template with
    /// `{phone}` and `{text}`), success_status, id_pointer, phone_format,
    /// timeout_secs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms: Option<web::notify::SmsConfig>,
}

/// `[web]` section.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct WebSection {
    /// Mark cookies Secure (serve behind HTTPS).
    pub secure_cookies: bool,
    /// Session lifetime in hours.
    pub session_hours: i64,
    /// Failed logins before a lockout.
    pub lockout_failures: u32,
    /// Lockout and counting window, in minutes.
    pub lockout_minutes: i64,
    /// Public address of the site.
    pub public_url: String,
}

/// `[log]` section.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct LogConfig {
    /// Filter, e.g. `info` or `xaso=debug,info`.
    pub level: String,
    /// `text` or `json`.
    pub format: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "xaso.db".into(),
            listen: "127.0.0.1:8080".into(),
            max_connections: 16,
            sqlite_full_sync: true,
            web: WebSection::default(),
            log: LogConfig::default(),
            notify: NotifySection::default(),
        }
    }
}

impl Default for WebSection {
    fn default() -> Self {
        WebSection {
            secure_cookies: false,
            session_hours: 12,
            lockout_failures: 5,
            lockout_minutes: 15,
            public_url: String::new(),
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig { level: "info,sqlx=warn".into(), format: "text".into() }
    }
}

impl Config {
    /// Resolves the layers.
    pub fn load(flags: &Flags) -> anyhow::Result<Config> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        match &flags.config {
            Some(path) => {
                anyhow::ensure!(
                    path.is_file(),
                    "không tìm thấy tệp cấu hình {} (config file not found)",
                    path.display()
                );
                fig = fig.merge(Toml::file(path));
            }
            None => fig = fig.merge(Toml::file("xaso.toml")),
        }
        fig = fig.merge(Env::prefixed("XASO_").split("__").ignore(&["config", "log", "test_postgres_url"]));
        if let Some(url) = &flags.database_url {
            fig = fig.merge(Serialized::default("database_url", url));
        }
        if let Some(listen) = &flags.listen {
            fig = fig.merge(Serialized::default("listen", listen));
        }
        let cfg: Config = fig.extract().context("reading configuration")?;
        anyhow::ensure!(cfg.web.session_hours > 0, "web.session_hours must be positive");
        anyhow::ensure!(cfg.web.lockout_failures > 0, "web.lockout_failures must be positive");
        Ok(cfg)
    }

    /// Database options.
    pub fn db_options(&self) -> store::DbOptions {
        store::DbOptions {
            max_connections: self.max_connections,
            sqlite_full_sync: self.sqlite_full_sync,
            ..Default::default()
        }
    }

    /// Web options.
    pub fn web_config(&self) -> web::WebConfig {
        let public_url = if self.web.public_url.is_empty() {
            format!("http://{}", self.listen)
        } else {
            self.web.public_url.clone()
        };
        web::WebConfig {
            secure_cookies: self.web.secure_cookies,
            session_ttl_secs: self.web.session_hours * 3600,
            lockout: domain::auth::LockoutPolicy {
                max_failures: self.web.lockout_failures,
                window_secs: self.web.lockout_minutes * 60,
                lock_secs: self.web.lockout_minutes * 60,
            },
            public_url,
        }
    }

    /// Notification senders' settings.
    pub fn notify_config(&self) -> web::notify::NotifyConfig {
        web::notify::NotifyConfig {
            smtp: self.notify.smtp.clone(),
            sms: self.notify.sms.clone(),
            public_url: self.web_config().public_url,
        }
    }

    /// Opens and migrates the database.
    pub async fn open_db(&self) -> anyhow::Result<store::Db> {
        store::Db::open(&self.database_url, &self.db_options()).await.with_context(|| {
            format!("không mở được cơ sở dữ liệu (cannot open database) {}", redact(&self.database_url))
        })
    }
}

/// Hides the password of a database URL for messages and logs.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}
