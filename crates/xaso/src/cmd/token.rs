//! `xaso token create|revoke|list`: bearer tokens for devices and integrations.

use anyhow::Context;

use crate::config::Config;

/// Token subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum TokenCmd {
    /// Create a token for a user and print it once.
    Create {
        /// The owner's login name.
        #[arg(long)]
        user: String,
        /// A name for the device or integration, e.g. kiosk-1.
        #[arg(long)]
        name: String,
    },
    /// Revoke a token by id.
    Revoke {
        /// Token id (see `xaso token list`).
        id: i64,
    },
    /// List tokens (never their secrets).
    List {
        /// Only this user's tokens.
        #[arg(long)]
        user: Option<String>,
    },
}

/// Runs a token subcommand.
pub async fn run(cfg: &Config, cmd: TokenCmd) -> anyhow::Result<()> {
    let db = cfg.open_db().await?;
    let actor = store::audit::Actor::cli();
    let result = async {
        match cmd {
            TokenCmd::Create { user, name } => {
                let u = store::user::find(&db, &user)
                    .await?
                    .with_context(|| format!("không có người dùng {user} (no such user)"))?;
                let (id, secret) = store::token::create(&db, &actor, u.id, &name).await?;
                eprintln!(
                    "Token #{id} cho {} ({name}). Lưu lại ngay: token chỉ hiện một lần. / Shown once; store it now.",
                    u.username
                );
                println!("{secret}");
            }
            TokenCmd::Revoke { id } => {
                store::token::revoke(&db, &actor, id).await?;
                println!("Đã thu hồi token / revoked token #{id}");
            }
            TokenCmd::List { user } => {
                let uid = match user {
                    Some(name) => {
                        Some(store::user::find(&db, &name).await?.with_context(|| format!("no such user {name}"))?.id)
                    }
                    None => None,
                };
                for t in store::token::list(&db, uid).await? {
                    let state = match t.revoked_at {
                        Some(ms) => format!("revoked {}", domain::time::format_local(ms)),
                        None => "live".into(),
                    };
                    let used = t.last_used_at.map(domain::time::format_local).unwrap_or_else(|| "never".into());
                    println!("{:>4}  {:<16} {:<20} {:<24} last used {used}", t.id, t.username, t.name, state);
                }
            }
        }
        anyhow::Ok(())
    }
    .await;
    db.close().await;
    result
}
