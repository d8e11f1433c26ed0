//! The `xaso` command line: users, tokens, configuration layers, backup and
//! restore, unit import, and the calendar contract. Bad input exits non-zero
//! with the reason.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::common::{self, ServerProcess};

fn xaso(db: &str, args: &[&str]) -> Output {
    Command::new(common::xaso_bin())
        .args(args)
        .args(["--database-url", db])
        .env("XASO_LOG", "error")
        .output()
        .expect("run xaso")
}

fn xaso_stdin(db: &str, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(common::xaso_bin())
        .args(args)
        .args(["--database-url", db])
        .env("XASO_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn xaso");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

#[tokio::test]
async fn users_and_tokens_from_the_command_line() {
    let t = common::fresh_db().await;
    store::demo::load(&t.db).await.unwrap();
    let out = xaso_stdin(
        &t.url,
        &["user", "create", "--username", "canbo.moi", "--role", "desk_officer", "--unit", "31369"],
        "mat-khau-cua-toi\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let u = store::user::find(&t.db, "canbo.moi").await.unwrap().unwrap();
    let grants = store::user::grants(&t.db, u.id).await.unwrap();
    assert_eq!(grants[0].unit_code.as_deref(), Some("31369"));

    let out =
        xaso_stdin(&t.url, &["user", "create", "--username", "root.admin", "--role", "admin"], "mat-khau-quan-tri\n");
    assert!(out.status.success());
    let root = store::user::find(&t.db, "root.admin").await.unwrap().unwrap();
    assert_eq!(store::user::grants(&t.db, root.id).await.unwrap()[0].unit_id, None, "without --unit: every unit");

    let bad_role = xaso_stdin(&t.url, &["user", "create", "--username", "x.y.z", "--role", "mayor"], "mat-khau-dai\n");
    assert_eq!(bad_role.status.code(), Some(1));
    assert!(text(&bad_role.stderr).contains("vai trò không hợp lệ"));
    let bad_unit = xaso_stdin(
        &t.url,
        &["user", "create", "--username", "x.y.z", "--role", "leader", "--unit", "932"],
        "mat-khau-dai\n",
    );
    assert_eq!(bad_unit.status.code(), Some(1), "932 is no longer a current unit");
    let short = xaso_stdin(&t.url, &["user", "create", "--username", "x.y.z", "--role", "leader"], "short\n");
    assert_eq!(short.status.code(), Some(1));
    assert!(text(&short.stderr).contains("8 đến 128"));

    let out = xaso(&t.url, &["token", "create", "--user", "canbo.moi", "--name", "kiosk-1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let token = text(&out.stdout).trim().to_string();
    assert!(token.starts_with("xs_"), "the token alone goes to stdout");
    let listed = text(&xaso(&t.url, &["token", "list"]).stdout);
    assert!(listed.contains("kiosk-1") && !listed.contains(&token), "the list never shows the secret");

    let server = ServerProcess::start(&t.url, false).await;
    let me = reqwest::Client::new().get(format!("{}/api/v1/me", server.base)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(me.status(), 200);
    let id = listed.split_whitespace().next().unwrap();
    assert!(xaso(&t.url, &["token", "revoke", id]).status.success());
    // The running server learns of the revocation at its next credentials-epoch poll.
    assert_eq!(common::status_once_refused(&format!("{}/api/v1/me", server.base), &token).await, 401);
    let again = xaso(&t.url, &["token", "revoke", id]);
    assert_eq!(again.status.code(), Some(1), "revoking twice is an error");
}

#[test]
fn configuration_layers_override_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let file_db = dir.path().join("from-file.db");
    let env_db = dir.path().join("from-env.db");
    let flag_db = dir.path().join("from-flag.db");
    let toml = dir.path().join("xaso.toml");
    std::fs::write(&toml, format!("database_url = \"{}\"\n", file_db.display())).unwrap();
    let run = |env: Option<&std::path::Path>, flag: Option<&std::path::Path>| {
        let mut c = Command::new(common::xaso_bin());
        c.args(["migrate", "--config"]).arg(&toml).env("XASO_LOG", "error").env_remove("XASO_DATABASE_URL");
        if let Some(e) = env {
            c.env("XASO_DATABASE_URL", e);
        }
        if let Some(f) = flag {
            c.arg("--database-url").arg(f);
        }
        assert!(c.status().unwrap().success());
    };
    run(None, None);
    assert!(file_db.exists(), "the file sets the database");
    run(Some(&env_db), None);
    assert!(env_db.exists(), "the environment overrides the file");
    run(Some(&env_db), Some(&flag_db));
    assert!(flag_db.exists(), "the flag overrides the environment");

    let missing =
        Command::new(common::xaso_bin()).args(["migrate", "--config", "/nonexistent/xaso.toml"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("config file not found"));
    std::fs::write(&toml, "max_connections = \"nhiều\"\n").unwrap();
    let bad = Command::new(common::xaso_bin()).args(["migrate", "--config"]).arg(&toml).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[tokio::test]
async fn backup_while_serving_then_restore_round_trips() {
    if common::postgres_url().is_some() {
        // Backup and restore are SQLite commands; PostgreSQL uses pg_dump (README).
        let out = xaso("postgres://nobody@127.0.0.1:1/none", &["backup", "/tmp/never.db"]);
        assert_eq!(out.status.code(), Some(1));
        return;
    }
    let t = common::fresh_db().await;
    store::demo::load(&t.db).await.unwrap();
    let server = ServerProcess::start(&t.url, false).await;
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("backup.db");
    let out = xaso(&t.url, &["backup", backup.to_str().unwrap()]);
    assert!(out.status.success(), "online backup while the server runs: {}", text(&out.stderr));
    let again = xaso(&t.url, &["backup", backup.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1), "an existing file is never overwritten");

    // Change the live database after the backup.
    let token = reqwest::Client::new();
    let admin_user = store::user::find(&t.db, "admin").await.unwrap().unwrap();
    let (_, secret) =
        store::token::create(&t.db, &store::audit::Actor::system(), admin_user.id, "after-backup").await.unwrap();
    let resp = token
        .post(format!("{}/api/v1/users", server.base))
        .bearer_auth(&secret)
        .json(&serde_json::json!({"username": "sau.saoluu", "password": "mat-khau-dai", "grants": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    drop(server);
    t.db.close().await;

    let out = xaso(&t.url, &["restore", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let db = store::Db::open(&t.url, &store::DbOptions::default()).await.unwrap();
    assert!(store::user::find(&db, "sau.saoluu").await.unwrap().is_none(), "the change after the backup is gone");
    assert!(store::user::find(&db, "admin").await.unwrap().is_some(), "the backed-up data is back");
    let units_2024 = store::unit::valid_on(&db, chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()).await.unwrap();
    assert!(units_2024.iter().any(|u| u.code == "932"), "the demo units are back");
    db.close().await;

    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database").unwrap();
    let out = xaso(&t.url, &["restore", junk.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "a file that is not a Xã Số database is refused");
    let out = xaso(&t.url, &["restore", "/nonexistent/backup.db"]);
    assert_eq!(out.status.code(), Some(1));
}

#[tokio::test]
async fn units_import_from_the_command_line() {
    let t = common::fresh_db().await;
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("units.csv");
    std::fs::write(&csv, store::demo::UNITS_CSV).unwrap();
    let out = xaso(&t.url, &["units", "import", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines = store::demo::UNITS_CSV.lines().count() - 1;
    assert!(text(&out.stdout).contains(&format!("imported {lines} units")));
    let out = xaso(&t.url, &["units", "import", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "importing the same units twice conflicts");
    assert!(text(&out.stderr).contains("dòng 2"));
}

#[test]
fn the_calendar_contract_is_wired_into_xaso() {
    let out = Command::new(common::xaso_bin()).args(["calendar", "lunar", "2026-02-17"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(text(&out.stdout).trim(), r#"{"year":2026,"month":1,"day":1,"leap":false,"year_name":"Bính Ngọ"}"#);
    let out = Command::new(common::xaso_bin()).args(["calendar", "solar", "2026-02-30"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!out.stderr.is_empty());
}

#[test]
fn the_qr_contract_is_wired_into_xaso() {
    let enc = Command::new(common::xaso_bin())
        .args([
            "qr",
            "encode",
            "--bin",
            "970436",
            "--account",
            "0011001234567",
            "--amount",
            "50000",
            "--purpose",
            "Nộp phí hộ tịch",
        ])
        .output()
        .unwrap();
    assert!(enc.status.success());
    let payload = text(&enc.stdout).trim().to_string();
    assert!(payload.contains("0815Nop phi ho tich"), "the purpose is folded to ASCII: {payload}");
    let dec = Command::new(common::xaso_bin()).args(["qr", "decode", &payload]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&dec.stdout).unwrap();
    assert_eq!(
        (json["amount"].as_i64(), json["bin"].as_str(), json["initiation"].as_str()),
        (Some(50000), Some("970436"), Some("dynamic"))
    );
    let bad =
        Command::new(common::xaso_bin()).args(["qr", "decode", &payload.replace("D170", "0000")]).output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(!bad.stderr.is_empty());
}

#[tokio::test]
async fn sigterm_shuts_the_server_down_gracefully() {
    let t = common::fresh_db().await;
    let mut server = ServerProcess::start(&t.url, false).await;
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let mut waited = 0;
    let status = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(waited < 100, "the server did not stop within 10 s of SIGTERM");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    };
    assert!(status.success(), "a graceful stop exits 0, got {status:?}");
}
