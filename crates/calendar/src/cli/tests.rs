//! CLI contract tests: exact output of each command, and exit 1 with a clear
//! message on bad input. Commands are parsed by clap exactly as the `xaso`
//! binary nests them.

use super::*;
use clap::Parser;

#[derive(Parser)]
struct Xaso {
    #[command(subcommand)]
    cmd: Command,
}

/// Runs `xaso calendar ARGS…`: (exit code, stdout, stderr).
fn call(args: &[&str]) -> (u8, String, String) {
    let cli = Xaso::try_parse_from(std::iter::once("calendar").chain(args.iter().copied()))
        .unwrap_or_else(|e| panic!("clap rejected {args:?}: {e}"));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(cli.cmd, &mut out, &mut err);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

/// Asserts success with exactly `expected` (plus a newline) on stdout.
fn ok(args: &[&str], expected: &str) {
    let (code, out, err) = call(args);
    assert_eq!((code, err.as_str()), (0, ""), "{args:?}");
    assert_eq!(out, format!("{expected}\n"), "{args:?}");
}

/// Asserts exit 1, nothing on stdout, and a message containing `needle`.
fn fails(args: &[&str], needle: &str) {
    let (code, out, err) = call(args);
    assert_eq!(code, 1, "{args:?}: {out}");
    assert_eq!(out, "", "{args:?}");
    assert!(err.starts_with("error: "), "{args:?}: {err}");
    assert!(err.contains(needle), "{args:?}: {err:?} lacks {needle:?}");
}

#[test]
fn lunar() {
    ok(&["lunar", "2026-02-17"], r#"{"year":2026,"month":1,"day":1,"leap":false,"year_name":"Bính Ngọ"}"#);
    ok(&["lunar", "2007-02-17"], r#"{"year":2007,"month":1,"day":1,"leap":false,"year_name":"Đinh Hợi"}"#);
    // The day before Tết 2026 is the 29th of the 12th month of Ất Tỵ.
    ok(&["lunar", "2026-02-16"], r#"{"year":2025,"month":12,"day":29,"leap":false,"year_name":"Ất Tỵ"}"#);
    // Leap 6th month of 2025 began on 25 July 2025.
    ok(&["lunar", "2025-07-25"], r#"{"year":2025,"month":6,"day":1,"leap":true,"year_name":"Ất Tỵ"}"#);
}

#[test]
fn solar() {
    ok(&["solar", "2026-01-01"], r#"{"date":"2026-02-17"}"#);
    ok(&["solar", "2026-03-10"], r#"{"date":"2026-04-26"}"#);
    ok(&["solar", "2025-06-01", "--leap"], r#"{"date":"2025-07-25"}"#);
    ok(&["solar", "1985-01-01"], r#"{"date":"1985-01-21"}"#);
}

#[test]
fn days_off() {
    let h = |date: &str, name: &str| format!(r#"{{"date":"{date}","name":"{name}","kind":"holiday"}}"#);
    let tet: Vec<String> = (16..=20).map(|d| h(&format!("2026-02-{d}"), "Tết Nguyên Đán")).collect();
    let mut all = vec![h("2026-01-01", "Tết Dương lịch")];
    all.extend(tet);
    all.push(h("2026-04-26", "Giỗ Tổ Hùng Vương"));
    all.push(r#"{"date":"2026-04-27","name":"Nghỉ bù Giỗ Tổ Hùng Vương","kind":"day_off"}"#.to_owned());
    all.push(h("2026-04-30", "Ngày Chiến thắng"));
    all.push(h("2026-05-01", "Ngày Quốc tế Lao động"));
    all.push(h("2026-09-01", "Quốc khánh"));
    all.push(h("2026-09-02", "Quốc khánh"));
    let without_culture = format!("[{}]", all.join(","));
    all.push(h("2026-11-24", "Ngày Văn hóa Việt Nam"));
    ok(&["days-off", "2026"], &format!("[{}]", all.join(",")));
    ok(&["days-off", "2026", "--no-culture-day"], &without_culture);
    // A year without a loaded schedule gets the default rule: 2023's 2/9 is
    // a Saturday, with Friday 1/9 and a compensatory Monday 4/9.
    let (code, out, _) = call(&["days-off", "2023"]);
    assert_eq!(code, 0);
    assert!(out.contains(r#"{"date":"2023-09-01","name":"Quốc khánh","kind":"holiday"}"#));
    assert!(out.contains(r#"{"date":"2023-09-04","name":"Nghỉ bù Quốc khánh","kind":"day_off"}"#));
    let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(parsed.as_array().unwrap().iter().all(|d| d["kind"] != "workday"));
}

#[test]
fn due() {
    ok(&["due", "--from", "2026-02-13T16:30", "--working-days", "3"], r#"{"due":"2026-02-25T16:30"}"#);
    ok(&["due", "--from", "2026-02-13T16:30+07:00", "--working-days", "3"], r#"{"due":"2026-02-25T16:30"}"#);
    ok(&["due", "--from", "2026-03-06T16:30", "--working-hours", "1.5"], r#"{"due":"2026-03-09T08:00"}"#);
    ok(&["due", "--from", "2026-03-06T16:00", "--working-days", "0.5"], r#"{"due":"2026-03-09T10:00"}"#);
    ok(&["due", "--from", "2026-02-10T09:00", "--calendar-days", "5"], r#"{"due":"2026-02-23T09:00"}"#);
    ok(
        &[
            "due",
            "--from",
            "2026-03-02T08:00",
            "--working-days",
            "1",
            "--pause",
            "2026-03-02T10:00/2026-03-03T10:00",
            "--pause",
            "2026-03-03T13:30/2026-03-04T10:00",
        ],
        // 2 h Monday; Tue 10:00–11:30 (1.5 h); Wed 10:00–11:30 and 13:30–16:30 (4.5 h).
        r#"{"due":"2026-03-04T16:30"}"#,
    );
    ok(
        &[
            "due",
            "--from",
            "2026-03-06T10:00",
            "--working-days",
            "1",
            "--pause",
            "2026-03-06T16:00/2026-03-09T08:00",
            "--wall-clock-pauses",
        ],
        r#"{"due":"2026-03-12T07:00"}"#,
    );
    ok(
        &["due", "--from", "2026-03-06T16:30", "--working-days", "1", "--office-hours", "08:00-12:00,13:00-17:00"],
        r#"{"due":"2026-03-09T16:30"}"#,
    );
    ok(
        &["due", "--from", "2026-03-06T15:30", "--working-days", "1", "--cutoff", "15:00"],
        r#"{"due":"2026-03-09T17:00"}"#,
    );
    // Without the culture day, 24/11/2026 is a working day.
    ok(
        &["due", "--from", "2026-11-23T16:00", "--working-hours", "2", "--no-culture-day"],
        r#"{"due":"2026-11-24T08:00"}"#,
    );
    ok(&["due", "--from", "2026-11-23T16:00", "--working-hours", "2"], r#"{"due":"2026-11-25T08:00"}"#);
}

#[test]
fn between() {
    ok(&["between", "--from", "2026-03-02T07:00", "--to", "2026-03-03T11:30"], r#"{"working_hours":12.5}"#);
    ok(&["between", "--from", "2026-02-13T16:30", "--to", "2026-02-25T16:30"], r#"{"working_hours":24.0}"#);
    ok(
        &[
            "between",
            "--from",
            "2026-03-02T07:00",
            "--to",
            "2026-03-03T11:30",
            "--pause",
            "2026-03-02T09:00/2026-03-02T10:00",
        ],
        r#"{"working_hours":11.5}"#,
    );
}

#[test]
fn bad_input_exits_1() {
    fails(&["lunar", "2026-13-01"], "2026-13-01 is not a valid date");
    fails(&["lunar", "17/02/2026"], "not a date of the form YYYY-MM-DD");
    fails(&["lunar", "1800-01-01"], "outside the lunar calendar's range");
    fails(&["solar", "2026-02-30"], "has 29 days, so day 30 does not exist");
    fails(&["solar", "2026-01-01", "--leap"], "has no leap month");
    fails(&["solar", "2025-05-01", "--leap"], "only leap month 6");
    fails(&["solar", "2026-13-01"], "month 13 does not exist");
    fails(&["solar", "2026-1-1"], "not a lunar date of the form YYYY-MM-DD");
    fails(&["days-off", "abc"], "'abc' is not a year");
    fails(&["days-off", "1800"], "outside the supported years");
    fails(&["due", "--from", "2026-02-13T16:30", "--working-days", "-3"], "must not be negative");
    fails(&["due", "--from", "2026-02-13T16:30", "--working-hours", "-1"], "must not be negative");
    fails(&["due", "--from", "2026-02-13T16:30", "--calendar-days", "-1"], "must not be negative");
    fails(&["due", "--from", "2026-02-13T16:30", "--working-days", "abc"], "not a non-negative number");
    fails(&["due", "--from", "2026-02-13T16:30", "--working-days", "0.001"], "whole number of minutes");
    fails(&["due", "--from", "2026-02-13T16:30", "--calendar-days", "1.5"], "whole number of days");
    fails(&["due", "--from", "2026-02-13T16:30", "--working-days", "9999999"], "too large");
    fails(&["due", "--from", "2026-02-13T16:30"], "exactly one of");
    fails(&["due", "--from", "2026-02-13T16:30", "--working-days", "1", "--working-hours", "1"], "exactly one of");
    fails(&["due", "--from", "2026-02-13", "--working-days", "1"], "not a date-time");
    fails(&["due", "--from", "2026-02-30T10:00", "--working-days", "1"], "not a valid date");
    fails(&["due", "--from", "2026-02-13T25:00", "--working-days", "1"], "not a date-time");
    fails(&["due", "--from", "2026-02-13T10:00", "--working-days", "1", "--pause", "2026-02-13T12:00"], "not a pause");
    fails(
        &["due", "--from", "2026-02-13T10:00", "--working-days", "1", "--pause", "2026-02-13T12:00/2026-02-13T11:00"],
        "ends before it starts",
    );
    fails(
        &["due", "--from", "2026-02-13T10:00", "--working-days", "1", "--office-hours", "17:00-07:00"],
        "office hours",
    );
    fails(&["between", "--from", "2026-02-13T10:00", "--to", "tomorrow"], "not a date-time");
}
