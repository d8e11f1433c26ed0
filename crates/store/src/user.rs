//! Accounts and their grants.
//!
//! A user holds any number of grants; each grant is a role over a unit
//! subtree, or over every unit when it has no unit (the installation's own
//! administrators). Passwords are argon2id hashes; failed logins are counted
//! per login name and lock it for a while after too many (the policy is
//! [`domain::auth::LockoutPolicy`]).

use domain::auth::{self, FailureRecord, LockoutPolicy, Role};
use serde::Serialize;
use serde_json::json;

use crate::audit::{Actor, Change};
use crate::{Db, Error, Result, audit_in_tx, now_ms, on_pool};

/// A stored account, without its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown in the UI and in the audit log.
    pub display_name: String,
    /// Whether the account may log in.
    pub active: bool,
    /// Created (UTC ms).
    pub created_at: i64,
}

/// One grant of a role, with its unit resolved for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    /// Grant id.
    pub id: i64,
    /// The role.
    pub role: Role,
    /// The unit whose subtree the grant covers; `None` for every unit.
    pub unit_id: Option<i64>,
    /// The unit's code.
    pub unit_code: Option<String>,
    /// The unit's display name.
    pub unit_name: Option<String>,
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name (normalised by [`auth::parse_username`]).
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Password in clear, hashed here.
    pub password: String,
    /// Initial grants: role and unit id (`None` for every unit).
    pub grants: Vec<(Role, Option<i64>)>,
}

/// Creates an account with its grants, audited.
pub async fn create(db: &Db, actor: &Actor, new: NewUser) -> Result<User> {
    let username = auth::parse_username(&new.username).map_err(|e| Error::Invalid(e.to_string()))?;
    let display =
        if new.display_name.trim().is_empty() { username.clone() } else { new.display_name.trim().to_string() };
    let hash = hash_blocking(new.password).await?;
    let now = now_ms();
    let user = on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let user = sqlx::query_as::<_, User>(
            "INSERT INTO users (username, display_name, password_hash, active, created_at, password_changed_at)
             VALUES ($1, $2, $3, TRUE, $4, $4)
             RETURNING id, username, display_name, active, created_at")
            .bind(&username)
            .bind(&display)
            .bind(&hash)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match Error::from(e) {
                Error::Conflict(_) => Error::Conflict(format!("tên đăng nhập {username} đã tồn tại (username taken)")),
                other => other,
            })?;
        for (role, unit) in &new.grants {
            sqlx::query("INSERT INTO grants (user_id, role, unit_id) VALUES ($1, $2, $3)")
                .bind(user.id)
                .bind(role.as_str())
                .bind(*unit)
                .execute(&mut *tx)
                .await?;
        }
        let grants: Vec<_> = new.grants.iter().map(|(r, u)| json!({"role": r.as_str(), "unit_id": u})).collect();
        let change = Change {
            unit_id: new.grants.first().and_then(|g| g.1),
            action: "user.create",
            object_type: "user",
            object_id: user.id.to_string(),
            before: None,
            after: Some(json!({"username": user.username, "display_name": user.display_name, "grants": grants})),
        };
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
        user
    });
    Ok(user)
}

async fn hash_blocking(password: String) -> Result<String> {
    // argon2 takes tens of milliseconds of CPU: keep it off the async workers.
    tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| Error::Invalid(format!("hashing failed: {e}")))?
        .map_err(|e| Error::Invalid(e.to_string()))
}

async fn verify_blocking(password: String, hash: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|e| Error::Invalid(format!("verification failed: {e}")))?
        .map_err(|e| Error::Invalid(e.to_string()))
}

/// Finds an account by id.
pub async fn get(db: &Db, id: i64) -> Result<User> {
    on_pool!(db.reader(), p => sqlx::query_as::<_, User>(
        "SELECT id, username, display_name, active, created_at FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(p)
        .await?)
    .ok_or_else(|| Error::NotFound(format!("không có người dùng #{id} (no such user)")))
}

/// Finds an account by login name.
pub async fn find(db: &Db, username: &str) -> Result<Option<User>> {
    let u = username.trim().to_ascii_lowercase();
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, User>(
        "SELECT id, username, display_name, active, created_at FROM users WHERE username = $1")
        .bind(&u)
        .fetch_optional(p)
        .await?))
}

/// Lists every account, by login name.
pub async fn list(db: &Db) -> Result<Vec<User>> {
    Ok(on_pool!(db.reader(), p => sqlx::query_as::<_, User>(
        "SELECT id, username, display_name, active, created_at FROM users ORDER BY username")
        .fetch_all(p)
        .await?))
}

/// A grant row joined with its unit.
#[derive(sqlx::FromRow)]
struct GrantRow {
    id: i64,
    role: String,
    unit_id: Option<i64>,
    code: Option<String>,
    name: Option<String>,
    kind: Option<String>,
}

/// The grants of a user, with units resolved.
pub async fn grants(db: &Db, user_id: i64) -> Result<Vec<Grant>> {
    let rows = on_pool!(db.reader(), p => sqlx::query_as::<_, GrantRow>(
        "SELECT g.id, g.role, g.unit_id, u.code, u.name, u.kind
         FROM grants g LEFT JOIN units u ON u.id = g.unit_id
         WHERE g.user_id = $1 ORDER BY g.id")
        .bind(user_id)
        .fetch_all(p)
        .await?);
    Ok(rows.into_iter().filter_map(grant_of).collect())
}

/// A grant from its joined row; rows with a role this version does not know are left out.
fn grant_of(r: GrantRow) -> Option<Grant> {
    let role = Role::parse(&r.role)?;
    let unit_name = match (r.name, r.kind.as_deref().and_then(domain::unit::UnitKind::parse)) {
        (Some(n), Some(k)) => Some(domain::unit::display_name(k, &n)),
        (n, _) => n,
    };
    Some(Grant { id: r.id, role, unit_id: r.unit_id, unit_code: r.code, unit_name })
}

/// An account and its grants in one read (every authenticated request needs both).
pub async fn with_grants(db: &Db, id: i64) -> Result<(User, Vec<Grant>)> {
    #[derive(sqlx::FromRow)]
    struct Joined {
        uid: i64,
        username: String,
        display_name: String,
        active: bool,
        created_at: i64,
        id: Option<i64>,
        role: Option<String>,
        unit_id: Option<i64>,
        code: Option<String>,
        name: Option<String>,
        kind: Option<String>,
    }
    let rows = on_pool!(db.reader(), p => sqlx::query_as::<_, Joined>(
        "SELECT us.id AS uid, us.username, us.display_name, us.active, us.created_at,
                g.id, g.role, g.unit_id, u.code, u.name, u.kind
         FROM users us LEFT JOIN grants g ON g.user_id = us.id LEFT JOIN units u ON u.id = g.unit_id
         WHERE us.id = $1 ORDER BY g.id")
        .bind(id)
        .fetch_all(p)
        .await?);
    let first = rows.first().ok_or_else(|| Error::NotFound(format!("không có người dùng #{id} (no such user)")))?;
    let user = User {
        id: first.uid,
        username: first.username.clone(),
        display_name: first.display_name.clone(),
        active: first.active,
        created_at: first.created_at,
    };
    let grants = rows
        .into_iter()
        .filter_map(|r| {
            let (id, role) = (r.id?, r.role?);
            grant_of(GrantRow { id, role, unit_id: r.unit_id, code: r.code, name: r.name, kind: r.kind })
        })
        .collect();
    Ok((user, grants))
}

/// Adds a grant to a user, audited.
pub async fn add_grant(db: &Db, actor: &Actor, user_id: i64, role: Role, unit_id: Option<i64>) -> Result<()> {
    let now = now_ms();
    on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        sqlx::query("INSERT INTO grants (user_id, role, unit_id) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(role.as_str())
            .bind(unit_id)
            .execute(&mut *tx)
            .await
            .map_err(|e| match Error::from(e) {
                Error::Conflict(_) => Error::Conflict("quyền này đã được cấp (grant exists)".into()),
                other => other,
            })?;
        let change = Change {
            unit_id,
            action: "user.grant",
            object_type: "user",
            object_id: user_id.to_string(),
            before: None,
            after: Some(json!({"role": role.as_str(), "unit_id": unit_id})),
        };
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
    });
    Ok(())
}

/// Removes a grant, audited.
pub async fn remove_grant(db: &Db, actor: &Actor, user_id: i64, grant_id: i64) -> Result<()> {
    let now = now_ms();
    on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let row: Option<(String, Option<i64>)> = sqlx::query_as(
            "DELETE FROM grants WHERE id = $1 AND user_id = $2 RETURNING role, unit_id")
            .bind(grant_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        let (role, unit_id) = row.ok_or_else(|| Error::NotFound("không có quyền này (no such grant)".into()))?;
        let change = Change {
            unit_id,
            action: "user.revoke_grant",
            object_type: "user",
            object_id: user_id.to_string(),
            before: Some(json!({"role": role, "unit_id": unit_id})),
            after: None,
        };
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
    });
    Ok(())
}

/// Enables or disables an account, audited. Disabling ends its sessions.
pub async fn set_active(db: &Db, actor: &Actor, user_id: i64, active: bool) -> Result<()> {
    let now = now_ms();
    on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let n = sqlx::query("UPDATE users SET active = $1 WHERE id = $2").bind(active).bind(user_id).execute(&mut *tx).await?;
        if n.rows_affected() == 0 {
            return Err(Error::NotFound(format!("không có người dùng #{user_id} (no such user)")));
        }
        if !active {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
        }
        let change = Change {
            unit_id: None,
            action: if active { "user.enable" } else { "user.disable" },
            object_type: "user",
            object_id: user_id.to_string(),
            before: Some(json!({"active": !active})),
            after: Some(json!({"active": active})),
        };
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
    });
    Ok(())
}

/// The result of a login attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    /// The password is right.
    Ok(User),
    /// Wrong name or password (deliberately not saying which).
    Wrong,
    /// Too many failures: refused until this instant (UTC ms).
    Locked(i64),
}

/// Checks a login name and password, applying the lockout policy and
/// recording the attempt in the audit log.
pub async fn authenticate(
    db: &Db,
    actor: &Actor,
    username: &str,
    password: &str,
    policy: &LockoutPolicy,
) -> Result<Login> {
    let login = username.trim().to_ascii_lowercase();
    let now = now_ms();
    let rec = failure_record(db, &login).await?;
    if let Some(until) = policy.locked_until(&rec, now) {
        record_login(db, actor, &login, None, "auth.login_locked").await?;
        return Ok(Login::Locked(until));
    }
    let row: Option<(i64, String, bool)> = on_pool!(db.reader(), p => sqlx::query_as(
        "SELECT id, password_hash, active FROM users WHERE username = $1")
        .bind(&login)
        .fetch_optional(p)
        .await?);
    let ok_user = match row {
        Some((id, hash, active)) => (verify_blocking(password.to_string(), hash).await? && active).then_some(id),
        None => {
            // Spend the same time as a real check, so timing does not reveal which names exist.
            let _ = verify_blocking(password.to_string(), DUMMY_HASH.to_string()).await;
            None
        }
    };
    match ok_user {
        Some(id) => {
            on_pool!(db.writer(), p => sqlx::query("DELETE FROM login_failures WHERE login = $1").bind(&login).execute(p).await?.rows_affected());
            record_login(db, actor, &login, Some(id), "auth.login").await?;
            Ok(Login::Ok(get(db, id).await?))
        }
        None => {
            let next = policy.after_failure(&rec, now);
            on_pool!(db.writer(), p => sqlx::query(
                "INSERT INTO login_failures (login, failures, window_start, locked_until) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (login) DO UPDATE SET failures = excluded.failures,
                   window_start = excluded.window_start, locked_until = excluded.locked_until")
                .bind(&login)
                .bind(i64::from(next.failures))
                .bind(next.window_start_ms)
                .bind(next.locked_until_ms)
                .execute(p)
                .await?
                .rows_affected());
            record_login(db, actor, &login, None, "auth.login_failed").await?;
            Ok(match policy.locked_until(&next, now) {
                Some(until) => Login::Locked(until),
                None => Login::Wrong,
            })
        }
    }
}

/// A valid argon2id hash of a random string, verified against when the login
/// name does not exist.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3Qm2Xa4/ytKpHhx0yWmNf1ro2wH1Qx1mrcHo2eQ9EyM";

async fn failure_record(db: &Db, login: &str) -> Result<FailureRecord> {
    let row: Option<(i64, i64, Option<i64>)> = on_pool!(db.writer(), p => sqlx::query_as(
        "SELECT failures, window_start, locked_until FROM login_failures WHERE login = $1")
        .bind(login)
        .fetch_optional(p)
        .await?);
    Ok(row
        .map(|(f, w, l)| FailureRecord {
            failures: u32::try_from(f).unwrap_or(u32::MAX),
            window_start_ms: w,
            locked_until_ms: l,
        })
        .unwrap_or_default())
}

async fn record_login(db: &Db, actor: &Actor, login: &str, user_id: Option<i64>, action: &str) -> Result<()> {
    let actor = Actor { user_id, name: login.to_string(), ..actor.clone() };
    let change =
        Change { unit_id: None, action, object_type: "user", object_id: login.to_string(), before: None, after: None };
    crate::audit::record(db, &actor, &change).await
}

/// Changes a password after checking the current one; ends the user's other sessions.
pub async fn change_password(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    current: &str,
    new: &str,
    keep_session: Option<&str>,
) -> Result<()> {
    let hash: String = on_pool!(db.reader(), p => sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(p)
        .await?)
    .ok_or_else(|| Error::NotFound("no such user".into()))?;
    if !verify_blocking(current.to_string(), hash).await? {
        return Err(Error::Invalid("mật khẩu hiện tại không đúng (current password is wrong)".into()));
    }
    set_password(db, actor, user_id, new, keep_session).await
}

/// Sets a password without checking the old one (administrators, CLI), audited.
pub async fn set_password(db: &Db, actor: &Actor, user_id: i64, new: &str, keep_session: Option<&str>) -> Result<()> {
    let new_hash = hash_blocking(new.to_string()).await?;
    let now = now_ms();
    let keep = keep_session.map(auth::secret_digest).unwrap_or_default();
    on_pool!(db.writer(), p => {
        let mut tx = p.begin().await?;
        let n = sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
            .bind(&new_hash)
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if n.rows_affected() == 0 {
            return Err(Error::NotFound(format!("không có người dùng #{user_id} (no such user)")));
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2").bind(user_id).bind(&keep).execute(&mut *tx).await?;
        let change = Change { unit_id: None, action: "user.password", object_type: "user", object_id: user_id.to_string(), before: None, after: None };
        audit_in_tx!(&mut *tx, actor, &change, now)?;
        tx.commit().await?;
    });
    Ok(())
}
