//! Accounts, roles and credentials: the rules, not the storage.
//!
//! Passwords are hashed with argon2id. Session ids and API tokens are random
//! secrets given to the client once; the database keeps only their SHA-256,
//! so a leaked database cannot be replayed as a login. CSRF tokens are an
//! HMAC of the client's session binding under a server secret. The failed
//! login lockout is a pure function of the recorded failures and the time.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A role a user holds over a unit subtree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Installs and runs the system: users, units, audit.
    Admin,
    /// Watches dashboards and reports.
    Leader,
    /// Serves citizens at a counter of a one-stop desk.
    DeskOfficer,
    /// Processes dossiers in a department.
    Processor,
    /// Collects fees and reconciles payments.
    Cashier,
    /// Manages a Chợ 4.0 market.
    MarketManager,
    /// Enters digital-transformation indicators.
    DataOfficer,
    /// A ticket kiosk at a center: issues tickets and checks in appointments, nothing else.
    Kiosk,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::Leader,
        Role::DeskOfficer,
        Role::Processor,
        Role::Cashier,
        Role::MarketManager,
        Role::DataOfficer,
        Role::Kiosk,
    ];

    /// The stored name of the role.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Leader => "leader",
            Role::DeskOfficer => "desk_officer",
            Role::Processor => "processor",
            Role::Cashier => "cashier",
            Role::MarketManager => "market_manager",
            Role::DataOfficer => "data_officer",
            Role::Kiosk => "kiosk",
        }
    }

    /// Parses a stored name (also accepts `-` for `_`).
    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The Vietnamese name of the role.
    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Admin => "Quản trị hệ thống",
            Role::Leader => "Lãnh đạo",
            Role::DeskOfficer => "Cán bộ một cửa",
            Role::Processor => "Chuyên viên xử lý",
            Role::Cashier => "Thu ngân",
            Role::MarketManager => "Quản lý chợ",
            Role::DataOfficer => "Cán bộ số liệu",
            Role::Kiosk => "Máy lấy số (kiosk)",
        }
    }

    /// The English name of the role.
    pub fn label_en(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Leader => "Leader",
            Role::DeskOfficer => "Desk officer",
            Role::Processor => "Processor",
            Role::Cashier => "Cashier",
            Role::MarketManager => "Market manager",
            Role::DataOfficer => "Data officer",
            Role::Kiosk => "Ticket kiosk",
        }
    }
}

/// Why a credential was refused or could not be made.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The password is too short or too long.
    #[error("mật khẩu phải có từ 8 đến 128 ký tự (password must be 8 to 128 characters)")]
    WeakPassword,
    /// The stored hash could not be read.
    #[error("stored password hash is malformed")]
    BadHash,
    /// The username has characters outside `[a-z0-9._-]` or a bad length.
    #[error(
        "tên đăng nhập chỉ gồm chữ thường không dấu, số, '.', '_' hoặc '-', từ 3 đến 64 ký tự (username: 3–64 of a-z 0-9 . _ -)"
    )]
    BadUsername,
}

/// Normalises and checks a username: lowercase ASCII letters, digits, `.`, `_`, `-`.
pub fn parse_username(s: &str) -> Result<String, AuthError> {
    let u = s.trim().to_ascii_lowercase();
    let ok = (3..=64).contains(&u.len())
        && u.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok { Ok(u) } else { Err(AuthError::BadUsername) }
}

/// Hashes a password with argon2id and a random salt (PHC string format).
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    if !(8..=128).contains(&password.chars().count()) {
        return Err(AuthError::WeakPassword);
    }
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|_| AuthError::BadHash)
}

/// Checks a password against a stored PHC hash in constant time.
pub fn verify_password(password: &str, stored: &str) -> Result<bool, AuthError> {
    let parsed = PasswordHash::new(stored).map_err(|_| AuthError::BadHash)?;
    Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A fresh random secret of 32 bytes, hex-encoded (session ids, API tokens).
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Prefix that marks an API token, so it is recognisable in a leaked log.
pub const TOKEN_PREFIX: &str = "xs_";

/// Makes a new API token: the secret shown to its owner once.
pub fn new_api_token() -> String {
    format!("{TOKEN_PREFIX}{}", random_secret())
}

/// The SHA-256 (hex) under which a session id or token is stored.
pub fn secret_digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Derives the CSRF token that goes with a client's session binding (its
/// session cookie, or its pre-login cookie) under the server's secret.
pub fn csrf_token(server_secret: &str, binding: &str) -> String {
    mac_hex(server_secret, "xaso-csrf", binding, 20)
}

/// Compares a presented CSRF token with the expected one in constant time.
pub fn csrf_matches(server_secret: &str, binding: &str, presented: &str) -> bool {
    same(&csrf_token(server_secret, binding), presented)
}

/// The key of a capability link (a citizen's ticket page, a receipt): who
/// holds the link may see the record, nobody can guess another's. `purpose`
/// separates the kinds of links, so a key for one never opens another.
pub fn link_key(server_secret: &str, purpose: &str, id: &str) -> String {
    mac_hex(server_secret, &format!("xaso-link-{purpose}"), id, 8)
}

/// Checks a capability link's key in constant time.
pub fn link_key_matches(server_secret: &str, purpose: &str, id: &str, presented: &str) -> bool {
    same(&link_key(server_secret, purpose, id), presented)
}

/// Checks a presented key against a random key stored with its record (a
/// receipt's verification key) in constant time; an empty key never matches.
pub fn stored_key_matches(stored: &str, presented: &str) -> bool {
    !stored.is_empty() && same(stored, presented)
}

/// HMAC-SHA-256 of `data` under `secret`, labelled, truncated to `bytes`, in hex.
fn mac_hex(secret: &str, label: &str, data: &str, bytes: usize) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(label.as_bytes());
    mac.update(b"\0");
    mac.update(data.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..bytes])
}

fn same(expected: &str, presented: &str) -> bool {
    use subtle::ConstantTimeEq;
    expected.len() == presented.len() && bool::from(expected.as_bytes().ct_eq(presented.as_bytes()))
}

/// The failed-login policy: how many failures within which window lock an
/// account, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockoutPolicy {
    /// Failures that trigger a lockout.
    pub max_failures: u32,
    /// The window, in seconds, over which failures are counted.
    pub window_secs: i64,
    /// How long the lockout lasts, in seconds.
    pub lock_secs: i64,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy { max_failures: 5, window_secs: 15 * 60, lock_secs: 15 * 60 }
    }
}

/// The recorded failures of one login name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FailureRecord {
    /// Failures counted in the current window.
    pub failures: u32,
    /// When the current window began (ms).
    pub window_start_ms: i64,
    /// Until when the name is locked (ms), if it is.
    pub locked_until_ms: Option<i64>,
}

impl LockoutPolicy {
    /// Whether a login attempt at `now_ms` is refused outright, and until when.
    pub fn locked_until(&self, rec: &FailureRecord, now_ms: i64) -> Option<i64> {
        rec.locked_until_ms.filter(|&t| t > now_ms)
    }

    /// The record after one more failure at `now_ms`.
    pub fn after_failure(&self, rec: &FailureRecord, now_ms: i64) -> FailureRecord {
        let fresh_window = now_ms - rec.window_start_ms > self.window_secs * 1000 || rec.failures == 0;
        let (failures, window_start_ms) =
            if fresh_window { (1, now_ms) } else { (rec.failures + 1, rec.window_start_ms) };
        let locked_until_ms = if failures >= self.max_failures {
            Some(now_ms + self.lock_secs * 1000)
        } else {
            rec.locked_until_ms.filter(|&t| t > now_ms)
        };
        // A lockout starts a new count, so the next window begins afresh.
        let failures = if locked_until_ms.is_some() && failures >= self.max_failures { 0 } else { failures };
        FailureRecord { failures, window_start_ms, locked_until_ms }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_keys_match_only_themselves() {
        assert!(stored_key_matches("9f8e7d6c", "9f8e7d6c"));
        assert!(!stored_key_matches("9f8e7d6c", "9f8e7d6d"));
        assert!(!stored_key_matches("9f8e7d6c", "9f8e7d6"));
        assert!(!stored_key_matches("", ""), "an empty key opens nothing");
    }

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("mật khẩu đủ dài").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("mật khẩu đủ dài", &h).unwrap());
        assert!(!verify_password("mat khau du dai", &h).unwrap());
        assert!(matches!(hash_password("short"), Err(AuthError::WeakPassword)));
    }

    #[test]
    fn usernames_are_normalised() {
        assert_eq!(parse_username(" CanBo.TanHoa ").unwrap(), "canbo.tanhoa");
        assert!(parse_username("cán bộ").is_err());
        assert!(parse_username("ab").is_err());
    }

    #[test]
    fn csrf_is_bound_to_the_session() {
        let t = csrf_token("secret", "session-a");
        assert!(csrf_matches("secret", "session-a", &t));
        assert!(!csrf_matches("secret", "session-b", &t));
        assert!(!csrf_matches("other", "session-a", &t));
        assert!(!csrf_matches("secret", "session-a", ""));
    }

    #[test]
    fn link_keys_open_one_record_of_one_kind() {
        let k = link_key("secret", "ticket", "42");
        assert_eq!(k.len(), 16);
        assert!(link_key_matches("secret", "ticket", "42", &k));
        assert!(!link_key_matches("secret", "ticket", "43", &k));
        assert!(!link_key_matches("secret", "receipt", "42", &k));
        assert!(!link_key_matches("other", "ticket", "42", &k));
    }

    #[test]
    fn tokens_are_random_and_digests_fixed() {
        let a = new_api_token();
        assert!(a.starts_with(TOKEN_PREFIX) && a.len() == 67);
        assert_ne!(a, new_api_token());
        assert_eq!(secret_digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn fifth_failure_locks_for_the_lock_period() {
        let p = LockoutPolicy::default();
        let mut rec = FailureRecord::default();
        let t0 = 1_000_000;
        for i in 0..4 {
            rec = p.after_failure(&rec, t0 + i * 1000);
            assert_eq!(p.locked_until(&rec, t0 + i * 1000), None);
        }
        rec = p.after_failure(&rec, t0 + 5000);
        let until = p.locked_until(&rec, t0 + 5000).unwrap();
        assert_eq!(until, t0 + 5000 + p.lock_secs * 1000);
        assert_eq!(p.locked_until(&rec, until + 1), None);
    }

    #[test]
    fn failures_outside_the_window_start_over() {
        let p = LockoutPolicy::default();
        let mut rec = FailureRecord::default();
        for i in 0..4 {
            rec = p.after_failure(&rec, i * 1000);
        }
        rec = p.after_failure(&rec, p.window_secs * 1000 + 10_000);
        assert_eq!(rec.failures, 1);
        assert_eq!(rec.locked_until_ms, None);
    }
}
