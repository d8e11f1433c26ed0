//! `xaso user create|list|password`.

use std::io::BufRead;

use anyhow::Context;
use domain::auth::Role;

use crate::config::Config;

/// User subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum UserCmd {
    /// Create a user with one role; without --unit the role covers every unit.
    Create {
        /// Login name.
        #[arg(long)]
        username: String,
        /// Role: admin, leader, desk_officer, processor, cashier, market_manager, data_officer.
        #[arg(long)]
        role: String,
        /// Unit code the role covers (as of today); omit for every unit.
        #[arg(long)]
        unit: Option<String>,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
        /// Password; read from the first line of stdin when omitted.
        #[arg(long)]
        password: Option<String>,
    },
    /// List users and their grants.
    List,
    /// Set a user's password (read from stdin when --password is omitted).
    Password {
        /// Login name.
        #[arg(long)]
        username: String,
        /// New password.
        #[arg(long)]
        password: Option<String>,
    },
}

fn read_password(flag: Option<String>) -> anyhow::Result<String> {
    if let Some(p) = flag {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("reading the password from stdin")?;
    let p = line.trim_end_matches(['\r', '\n']).to_string();
    anyhow::ensure!(!p.is_empty(), "chưa nhập mật khẩu: dùng --password hoặc gửi qua stdin (no password given)");
    Ok(p)
}

/// Runs a user subcommand.
pub async fn run(cfg: &Config, cmd: UserCmd) -> anyhow::Result<()> {
    let db = cfg.open_db().await?;
    let actor = store::audit::Actor::cli();
    let result = async {
        match cmd {
            UserCmd::Create { username, role, unit, name, password } => {
                let role = Role::parse(&role).with_context(|| {
                    format!(
                        "vai trò không hợp lệ {role:?} (unknown role); use one of: {}",
                        Role::ALL.map(|r| r.as_str()).join(", ")
                    )
                })?;
                let unit_id = match unit {
                    None => None,
                    Some(code) => {
                        let today = domain::time::local_date(chrono::Utc::now());
                        let u = store::unit::by_code(&db, &code, today).await?.with_context(|| {
                            format!("không có đơn vị mã {code} đang hiệu lực (no current unit with code {code})")
                        })?;
                        Some(u.id)
                    }
                };
                let password = read_password(password)?;
                let new = store::user::NewUser {
                    username,
                    display_name: name.unwrap_or_default(),
                    password,
                    grants: vec![(role, unit_id)],
                };
                let u = store::user::create(&db, &actor, new).await?;
                println!("Đã tạo người dùng / created user {} (#{})", u.username, u.id);
            }
            UserCmd::List => {
                for u in store::user::list(&db).await? {
                    let grants: Vec<String> = store::user::grants(&db, u.id)
                        .await?
                        .into_iter()
                        .map(|g| format!("{}@{}", g.role.as_str(), g.unit_code.unwrap_or_else(|| "*".into())))
                        .collect();
                    println!("{:<20} {:<6} {}", u.username, if u.active { "active" } else { "off" }, grants.join(" "));
                }
            }
            UserCmd::Password { username, password } => {
                let u = store::user::find(&db, &username)
                    .await?
                    .with_context(|| format!("không có người dùng {username} (no such user)"))?;
                let password = read_password(password)?;
                store::user::set_password(&db, &actor, u.id, &password, None).await?;
                println!("Đã đặt mật khẩu / password set for {}", u.username);
            }
        }
        anyhow::Ok(())
    }
    .await;
    db.close().await;
    result
}
