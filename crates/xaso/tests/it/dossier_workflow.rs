//! One-stop dossiers, the workflow across departments: every transition
//! valid and refused, the forms each records, stop-the-clock pauses that
//! move the due date in working time across the 2026 National Day holiday,
//! the Decision 766 second-supplement rule, extensions, fees, completion
//! verdicts and return channels (store level, at chosen times); then the
//! API: actions and their unit scope, the processor's list, files, and the
//! citizen's tracking with its masking and rate limits.

use chrono::NaiveDate;
use domain::dossier::{Channel, OnlineLevel, ResultType, TimeLimit};
use domain::person::{CitizenId, Phone};
use serde_json::{Value, json};
use store::Error;
use store::audit::Actor;
use store::dossier::{Applicant, Dossier, NewDossier, ResultChannel, StepTarget, SupplementRequest};
use store::procedure::{NewProcedure, StepTemplate};

use crate::common::TestApp;

/// A local (UTC+7) wall-clock time as UTC milliseconds.
fn local(s: &str) -> i64 {
    domain::time::local_to_utc_ms(chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
}

fn shown(ms: Option<i64>) -> Option<String> {
    ms.map(domain::time::format_iso_local)
}

/// A procedure of `days` working days; from two days on, with two template
/// steps of one working day each.
fn procedure(code: &str, days: u32) -> NewProcedure {
    NewProcedure {
        code: code.into(),
        valid_from: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        name: "Đăng ký khai sinh".into(),
        field: "Hộ tịch".into(),
        level: "Cấp xã".into(),
        agency: "Ủy ban nhân dân cấp xã".into(),
        time: TimeLimit::WorkingDays(days),
        online_level: OnlineLevel::Partial,
        result_type: ResultType::Paper,
        fees: vec![],
        documents: vec![],
        steps: if days < 2 {
            vec![]
        } else {
            vec![
                StepTemplate { department: "Công chức Tư pháp - Hộ tịch".into(), budget: 1 },
                StepTemplate { department: "Lãnh đạo UBND xã".into(), budget: 1 },
            ]
        },
    }
}

/// The system actor.
fn sys() -> Actor {
    Actor::system()
}

/// An app with the 5-day procedure `1.001193` and the 1-day procedure `1.000001`.
async fn app() -> TestApp {
    let app = TestApp::spawn().await;
    store::procedure::create_version(&app.db, &sys(), procedure("1.001193", 5)).await.unwrap();
    store::procedure::create_version(&app.db, &sys(), procedure("1.000001", 1)).await.unwrap();
    app
}

/// Receives a dossier of `procedure` at Tân Hòa at local time `at`.
async fn receive(app: &TestApp, procedure: &str, at: &str) -> Dossier {
    let today = domain::time::local_date(chrono::Utc::now());
    let unit = store::unit::by_code(&app.db, "31342", today).await.unwrap().expect("demo unit");
    let new = NewDossier {
        unit_id: unit.id,
        agency: "31342".into(),
        procedure_code: procedure.into(),
        applicant: Applicant {
            name: "Nguyễn Văn An".into(),
            id_number: Some(CitizenId::parse("079200001234").unwrap()),
            phone: Some(Phone::parse("0901234567").unwrap()),
            address: Some("Ấp 1, xã Tân Hòa".into()),
        },
        channel: Channel::Counter,
    };
    store::dossier::receive(&app.db, &sys(), new, local(at)).await.unwrap()
}

fn conflict(e: Error) -> String {
    match e {
        Error::Conflict(m) => m,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

fn invalid(e: Error) -> String {
    match e {
        Error::Invalid(m) => m,
        other => panic!("expected invalid input, got {other:?}"),
    }
}

/// The forms recorded in a dossier's log, in order.
async fn forms(app: &TestApp, d: &Dossier) -> Vec<String> {
    store::dossier::timeline::events(&app.db, d.id).await.unwrap().into_iter().filter_map(|e| e.form).collect()
}

fn supplement(reason: &str, confirm_late: bool) -> SupplementRequest {
    SupplementRequest { reason: reason.into(), components: vec!["Tờ khai".into()], confirm_late }
}

#[tokio::test]
async fn steps_follow_the_template_and_every_transition_checks_the_status() {
    let app = app().await;
    let db = &app.db;
    // Monday 24/8/2026 08:00, five working days: due Monday 31/8 08:00.
    let d = receive(&app, "1.001193", "2026-08-24 08:00").await;
    assert_eq!(shown(d.due_at).as_deref(), Some("2026-08-31T08:00:00+07:00"));
    assert_eq!((d.field.as_str(), d.time_unit.as_str(), d.time_amount), ("Hộ tịch", "working_days", 5));
    assert_eq!(d.original_due_at, d.due_at);

    // Not yet processed: nothing to send back, return or resume.
    let at = local("2026-08-24 09:00");
    let none = StepTarget::default();
    conflict(store::dossier::send_back(db, &sys(), &d.code, &none, "sai", at).await.unwrap_err());
    conflict(store::dossier::return_result(db, &sys(), &d.code, ResultChannel::Counter, None, at).await.unwrap_err());
    conflict(store::dossier::supplement_received(db, &sys(), &d.code, None, at).await.unwrap_err());
    conflict(store::dossier::fee_paid(db, &sys(), &d.code, "BL-1", at).await.unwrap_err());

    // Forward: step 1 of the template, due one working day later.
    let d = store::dossier::forward(db, &sys(), &d.code, &none, None, at).await.unwrap();
    assert_eq!((d.status, d.current_step), (4, Some(1)));
    let officer = store::user::find(db, "xuly.tanhoa").await.unwrap().unwrap();
    let to_officer = StepTarget { assignee: Some(officer.id), ..StepTarget::default() };
    let d = store::dossier::forward(db, &sys(), &d.code, &to_officer, Some("trình ký"), local("2026-08-25 10:00"))
        .await
        .unwrap();
    assert_eq!((d.current_step, d.assignee_id), (Some(2), Some(officer.id)));
    let steps = store::dossier::step::steps(db, d.id).await.unwrap();
    assert_eq!(steps.len(), 2);
    assert_eq!((steps[0].template_step, steps[0].outcome.as_deref()), (Some(1), Some("forwarded")));
    assert_eq!(steps[0].department, "Công chức Tư pháp - Hộ tịch");
    assert_eq!(shown(steps[0].due_at).as_deref(), Some("2026-08-25T09:00:00+07:00"));
    assert_eq!((steps[1].template_step, steps[1].finished_at), (Some(2), None));
    assert_eq!(shown(steps[1].due_at).as_deref(), Some("2026-08-26T10:00:00+07:00"));
    assert_eq!(steps[1].assignee_name.as_deref(), Some(officer.display_name.as_str()));

    // Beyond the template: a named department is needed.
    let err = store::dossier::forward(db, &sys(), &d.code, &none, None, local("2026-08-25 11:00")).await.unwrap_err();
    assert!(invalid(err).contains("bộ phận"));
    let bad_step = StepTarget { to_step: Some(9), ..StepTarget::default() };
    invalid(
        store::dossier::forward(db, &sys(), &d.code, &bad_step, None, local("2026-08-25 11:00")).await.unwrap_err(),
    );

    // Send back needs a comment, and goes to the step before.
    invalid(store::dossier::send_back(db, &sys(), &d.code, &none, "  ", local("2026-08-25 14:00")).await.unwrap_err());
    let d =
        store::dossier::send_back(db, &sys(), &d.code, &none, "thiếu chữ ký", local("2026-08-25 14:00")).await.unwrap();
    let steps = store::dossier::step::steps(db, d.id).await.unwrap();
    assert_eq!((steps[1].outcome.as_deref(), steps[2].template_step), (Some("sent_back"), Some(1)));
    assert_eq!(d.current_step, Some(3));

    // Complete, then the result: a closed dossier refuses everything but a comment.
    let d = store::dossier::complete(db, &sys(), &d.code, None, None, local("2026-08-26 09:00")).await.unwrap();
    assert_eq!((d.status, d.timeliness.as_deref(), d.current_step), (9, Some("early"), None));
    conflict(store::dossier::complete(db, &sys(), &d.code, None, None, local("2026-08-26 09:30")).await.unwrap_err());
    conflict(store::dossier::forward(db, &sys(), &d.code, &none, None, local("2026-08-26 09:30")).await.unwrap_err());
    let d = store::dossier::return_result(db, &sys(), &d.code, ResultChannel::Post, None, local("2026-08-26 10:00"))
        .await
        .unwrap();
    assert_eq!((d.status, d.result_channel.as_deref()), (10, Some("post")));
    assert_eq!(shown(d.returned_at).as_deref(), Some("2026-08-26T10:00:00+07:00"));
    for e in [
        store::dossier::withdraw(db, &sys(), &d.code, None, local("2026-08-26 11:00")).await.unwrap_err(),
        store::dossier::stop(db, &sys(), &d.code, "x", local("2026-08-26 11:00")).await.unwrap_err(),
        store::dossier::request_fee(db, &sys(), &d.code, None, None, local("2026-08-26 11:00")).await.unwrap_err(),
    ] {
        assert!(conflict(e).contains("Đã trả kết quả"));
    }
    let d = store::dossier::comment(db, &sys(), &d.code, "công dân hài lòng", local("2026-08-26 11:00")).await.unwrap();
    assert_eq!(d.status, 10);
    invalid(store::dossier::comment(db, &sys(), &d.code, "", local("2026-08-26 11:00")).await.unwrap_err());

    // Every step wrote its event and an audit row.
    let events = store::dossier::timeline::events(db, d.id).await.unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["receive", "forward", "forward", "send_back", "complete", "return_result", "comment"]);
    let filter = store::audit::Filter { object_id: Some(d.code.clone()), limit: 50, ..Default::default() };
    assert_eq!(store::audit::list(db, &filter).await.unwrap().len(), events.len());
    assert_eq!(forms(&app, &d).await, ["receipt"]);
}

#[tokio::test]
async fn refusal_withdrawal_and_stop_end_the_dossier_with_their_forms() {
    let app = app().await;
    let db = &app.db;
    let at = local("2026-08-24 09:00");

    // Refusal applies to a dossier not yet received (status 1), with a reason.
    let a = receive(&app, "1.001193", "2026-08-24 08:00").await;
    assert!(
        conflict(store::dossier::refuse(db, &sys(), &a.code, "thiếu giấy tờ", at).await.unwrap_err())
            .contains("Được tiếp nhận")
    );
    store::on_pool!(db.writer(), p => sqlx::query("UPDATE dossiers SET status = 1 WHERE id = $1").bind(a.id).execute(p).await.unwrap().rows_affected());
    invalid(store::dossier::refuse(db, &sys(), &a.code, " ", at).await.unwrap_err());
    let a = store::dossier::refuse(db, &sys(), &a.code, "không thuộc thẩm quyền", at).await.unwrap();
    assert_eq!((a.status, a.ended_at), (3, Some(at)));
    assert_eq!(forms(&app, &a).await, ["receipt", "refusal"]);

    // Withdrawal while waiting on a supplement closes the pause.
    let b = receive(&app, "1.001193", "2026-08-24 08:00").await;
    store::dossier::request_supplement(db, &sys(), &b.code, &supplement("bổ sung tờ khai", false), at).await.unwrap();
    let b =
        store::dossier::withdraw(db, &sys(), &b.code, Some("công dân rút"), local("2026-08-24 10:00")).await.unwrap();
    assert_eq!(b.status, 7);
    let pauses = store::dossier::timeline::pauses(db, b.id).await.unwrap();
    assert_eq!(
        (pauses.len(), pauses[0].to_at, pauses[0].paused_minutes),
        (1, Some(local("2026-08-24 10:00")), Some(60))
    );
    assert_eq!(forms(&app, &b).await, ["receipt", "supplement_request"]);

    // Stopping needs a reason and issues the stop notice (Mẫu 05).
    let c = receive(&app, "1.001193", "2026-08-24 08:00").await;
    invalid(store::dossier::stop(db, &sys(), &c.code, "", at).await.unwrap_err());
    let c = store::dossier::stop(db, &sys(), &c.code, "người nộp không thực hiện nghĩa vụ", at).await.unwrap();
    assert_eq!(c.status, 8);
    assert_eq!(forms(&app, &c).await, ["receipt", "stop_notice"]);
    conflict(store::dossier::withdraw(db, &sys(), &c.code, None, at).await.unwrap_err());
}

#[tokio::test]
async fn a_supplement_pause_over_national_day_moves_the_due_date_by_working_time() {
    let app = app().await;
    let db = &app.db;
    let d = receive(&app, "1.001193", "2026-08-24 08:00").await;
    let d = store::dossier::forward(db, &sys(), &d.code, &StepTarget::default(), None, local("2026-08-24 08:00"))
        .await
        .unwrap();
    // The request needs a reason or the missing components.
    let empty = SupplementRequest::default();
    invalid(
        store::dossier::request_supplement(db, &sys(), &d.code, &empty, local("2026-08-27 08:00")).await.unwrap_err(),
    );
    // Thursday 27/8 08:00 to Thursday 3/9 08:00: seven calendar days, but
    // Tuesday 1/9 and Wednesday 2/9 are National Day holidays and the weekend
    // does not count: 7 h + 8 h + 8 h + 1 h = 24 working hours (1,440 minutes).
    let d = store::dossier::request_supplement(
        db,
        &sys(),
        &d.code,
        &supplement("bổ sung bản sao", false),
        local("2026-08-27 08:00"),
    )
    .await
    .unwrap();
    assert_eq!((d.status, d.supplement_count), (5, 1));
    conflict(
        store::dossier::forward(db, &sys(), &d.code, &StepTarget::default(), None, local("2026-08-28 08:00"))
            .await
            .unwrap_err(),
    );
    conflict(store::dossier::complete(db, &sys(), &d.code, None, None, local("2026-08-28 08:00")).await.unwrap_err());
    conflict(store::dossier::fee_paid(db, &sys(), &d.code, "BL-1", local("2026-08-28 08:00")).await.unwrap_err());
    let d = store::dossier::supplement_received(db, &sys(), &d.code, Some("đã nhận"), local("2026-09-03 08:00"))
        .await
        .unwrap();
    assert_eq!((d.status, d.paused_minutes), (4, 1440));
    // The due date moves 24 working hours from Monday 31/8 08:00, skipping the holidays: Monday 7/9 08:00.
    assert_eq!(shown(d.due_at).as_deref(), Some("2026-09-07T08:00:00+07:00"));
    assert_eq!(d.due_without_extension_at, d.due_at);
    assert_eq!(shown(d.original_due_at).as_deref(), Some("2026-08-31T08:00:00+07:00"));
    // The open step was due on Tuesday 25/8 08:00, before the pause began: it stays late.
    let steps = store::dossier::step::steps(db, d.id).await.unwrap();
    assert_eq!(shown(steps[0].due_at).as_deref(), Some("2026-08-25T08:00:00+07:00"));
    let pauses = store::dossier::timeline::pauses(db, d.id).await.unwrap();
    assert_eq!(
        (pauses[0].reason.as_str(), pauses[0].from_status, pauses[0].paused_minutes),
        ("supplement", 4, Some(1440))
    );
    let events = store::dossier::timeline::events(db, d.id).await.unwrap();
    let request = events.iter().find(|e| e.action == "request_supplement").unwrap();
    assert_eq!(request.form.as_deref(), Some("supplement_request"));
    assert!(request.details.as_deref().unwrap().contains("Tờ khai"));
}

#[tokio::test]
async fn a_second_supplement_request_needs_confirmation_and_makes_the_dossier_late() {
    let app = app().await;
    let db = &app.db;
    let d = receive(&app, "1.001193", "2026-08-24 08:00").await;
    store::dossier::request_supplement(db, &sys(), &d.code, &supplement("lần 1", false), local("2026-08-24 09:00"))
        .await
        .unwrap();
    store::dossier::supplement_received(db, &sys(), &d.code, None, local("2026-08-24 10:00")).await.unwrap();
    let err =
        store::dossier::request_supplement(db, &sys(), &d.code, &supplement("lần 2", false), local("2026-08-24 11:00"))
            .await
            .unwrap_err();
    assert!(conflict(err).contains("766"));
    let d =
        store::dossier::request_supplement(db, &sys(), &d.code, &supplement("lần 2", true), local("2026-08-24 11:00"))
            .await
            .unwrap();
    assert_eq!(d.supplement_count, 2);
    store::dossier::supplement_received(db, &sys(), &d.code, None, local("2026-08-24 14:00")).await.unwrap();
    // Finished long before the due date, yet late under Decision 766.
    let d = store::dossier::complete(db, &sys(), &d.code, None, None, local("2026-08-25 09:00")).await.unwrap();
    assert!(d.due_at.unwrap() > local("2026-08-25 09:00"));
    assert_eq!(d.timeliness.as_deref(), Some("late"));
}

#[tokio::test]
async fn completion_is_early_on_time_or_late_by_the_due_date() {
    let app = app().await;
    let db = &app.db;
    // One working day from Monday 10/8/2026 09:00: due Tuesday 11/8 09:00.
    let cases = [("2026-08-10 15:00", "early"), ("2026-08-11 16:00", "on_time"), ("2026-08-12 08:00", "late")];
    for (finish, expected) in cases {
        let d = receive(&app, "1.000001", "2026-08-10 09:00").await;
        assert_eq!(shown(d.due_at).as_deref(), Some("2026-08-11T09:00:00+07:00"));
        let d = store::dossier::complete(db, &sys(), &d.code, Some(ResultType::Electronic), None, local(finish))
            .await
            .unwrap();
        assert_eq!((d.status, d.timeliness.as_deref()), (9, Some(expected)), "finished {finish}");
        assert_eq!((d.finished_at, d.result_type.as_str()), (Some(local(finish)), "electronic"));
    }
}

#[tokio::test]
async fn extensions_are_checked_and_may_cross_a_holiday_once() {
    let app = app().await;
    let db = &app.db;
    let d = receive(&app, "1.001193", "2026-08-24 08:00").await; // due Monday 31/8 08:00
    let issued = local("2026-08-27 10:00");
    // Holidays are no working days; the new date must be later; a reason is required.
    for day in ["2026-09-01", "2026-09-02", "2026-08-29"] {
        let e = store::dossier::extension::due_on(NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap()).unwrap_err();
        assert!(invalid(e).contains("không phải ngày làm việc"), "{day}");
    }
    let new_due = store::dossier::extension::due_on(NaiveDate::from_ymd_opt(2026, 9, 3).unwrap()).unwrap();
    assert_eq!(shown(Some(new_due)).as_deref(), Some("2026-09-03T17:00:00+07:00"));
    invalid(store::dossier::extend(db, &sys(), &d.code, new_due, "", issued).await.unwrap_err());
    let earlier = local("2026-08-28 17:00");
    assert!(
        invalid(store::dossier::extend(db, &sys(), &d.code, earlier, "chậm", issued).await.unwrap_err())
            .contains("phải sau")
    );
    // The apology must come at least a working day before the due date.
    let on_due_day = local("2026-08-31 07:30");
    invalid(store::dossier::extend(db, &sys(), &d.code, new_due, "chậm", on_due_day).await.unwrap_err());

    let d = store::dossier::extend(db, &sys(), &d.code, new_due, "chờ xác minh", issued).await.unwrap();
    assert_eq!((d.status, d.due_at, d.extension_count), (2, Some(new_due), 1));
    assert_eq!(shown(d.original_due_at).as_deref(), Some("2026-08-31T08:00:00+07:00"));
    assert_eq!(d.due_without_extension_at, d.original_due_at);
    let ext = store::dossier::extension::extensions(db, d.id).await.unwrap();
    assert_eq!((ext[0].old_due, ext[0].new_due, ext[0].at), (local("2026-08-31 08:00"), new_due, issued));
    assert_eq!(forms(&app, &d).await, ["receipt", "apology"]);
    // One re-appointment only.
    let later = store::dossier::extension::due_on(NaiveDate::from_ymd_opt(2026, 9, 10).unwrap()).unwrap();
    assert!(
        conflict(store::dossier::extend(db, &sys(), &d.code, later, "lần 2", issued).await.unwrap_err())
            .contains("gia hạn")
    );
    // A completion before the new date but after the original one is on time against the date in force.
    let d = store::dossier::complete(db, &sys(), &d.code, None, None, local("2026-09-03 10:00")).await.unwrap();
    assert_eq!(d.timeliness.as_deref(), Some("on_time"));
}

#[tokio::test]
async fn a_fee_request_stops_the_clock_until_the_fee_is_paid() {
    let app = app().await;
    let db = &app.db;
    let d = receive(&app, "1.001193", "2026-08-24 08:00").await;
    let d = store::dossier::forward(db, &sys(), &d.code, &StepTarget::default(), None, local("2026-08-24 08:00"))
        .await
        .unwrap();
    let d =
        store::dossier::request_fee(db, &sys(), &d.code, Some("lệ phí 8.000 đ"), Some(8000), local("2026-08-27 08:00"))
            .await
            .unwrap();
    assert_eq!(d.status, 6);
    invalid(
        store::dossier::request_fee(db, &sys(), &d.code, None, Some(-1), local("2026-08-27 08:00")).await.unwrap_err(),
    );
    conflict(
        store::dossier::supplement_received(db, &sys(), &d.code, None, local("2026-08-28 08:00")).await.unwrap_err(),
    );
    invalid(store::dossier::fee_paid(db, &sys(), &d.code, " ", local("2026-09-03 08:00")).await.unwrap_err());
    let d = store::dossier::fee_paid(db, &sys(), &d.code, "BL-000123", local("2026-09-03 08:00")).await.unwrap();
    assert_eq!((d.status, d.paused_minutes), (4, 1440));
    assert_eq!(shown(d.due_at).as_deref(), Some("2026-09-07T08:00:00+07:00"));
    let events = store::dossier::timeline::events(db, d.id).await.unwrap();
    let paid = events.last().unwrap();
    assert_eq!((paid.action.as_str(), paid.note.as_str()), ("fee_paid", "BL-000123"));
    // A fee asked after processing finished returns to "finished" and moves nothing.
    let d = store::dossier::complete(db, &sys(), &d.code, None, None, local("2026-09-04 08:00")).await.unwrap();
    let d = store::dossier::request_fee(db, &sys(), &d.code, None, None, local("2026-09-04 09:00")).await.unwrap();
    let d = store::dossier::fee_paid(db, &sys(), &d.code, "BL-000124", local("2026-09-07 09:00")).await.unwrap();
    assert_eq!((d.status, shown(d.due_at).as_deref()), (9, Some("2026-09-07T08:00:00+07:00")));
    assert_eq!(d.timeliness.as_deref(), Some("early"));
}

#[tokio::test]
async fn concurrent_actions_on_one_dossier_apply_once() {
    let app = app().await;
    let d = receive(&app, "1.001193", "2026-08-24 08:00").await;
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let (db, code) = (app.db.clone(), d.code.clone());
            tokio::spawn(async move {
                store::dossier::complete(&db, &sys(), &code, None, None, local("2026-08-25 09:00") + i).await
            })
        })
        .collect();
    let mut done = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(d) => {
                assert_eq!(d.status, 9);
                done += 1;
            }
            Err(e) => {
                conflict(e);
            }
        }
    }
    assert_eq!(done, 1, "exactly one completion applies");
    let events = store::dossier::timeline::events(&app.db, d.id).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.action == "complete").count(), 1);
}

/// Posts an action with a bearer token; returns the status and the JSON body.
async fn act(app: &TestApp, token: &str, code: &str, body: Value) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/dossiers/{code}/actions")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Receives a dossier through the API as the Tân Hòa desk officer.
async fn receive_api(app: &TestApp, token: &str, procedure: &str) -> String {
    let body = json!({
        "procedure": procedure,
        "applicant": {"name": "Nguyễn Văn An", "id_number": "079200001234", "phone": "0901234567", "address": "Ấp 1"},
        "channel": "online",
    });
    let resp =
        reqwest::Client::new().post(app.url("/api/v1/dossiers")).bearer_auth(token).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 201);
    resp.json::<Value>().await.unwrap()["code"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_actions_api_answers_the_dossier_and_keeps_to_the_unit_scope() {
    let app = app().await;
    let desk = app.token("motcua.tanhoa").await;
    let processor = app.token("xuly.tanhoa").await;
    let cashier = app.token("thungan.tanhoa").await;
    let other = app.token("motcua.thanhxuan").await;
    let code = receive_api(&app, &desk, "1.001193").await;

    // Another commune's officer: 403 on reading and acting.
    let (status, _) = act(&app, &other, &code, json!({"action": "forward"})).await;
    assert_eq!(status, 403);
    let resp = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/dossiers/{code}")))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    // A cashier may not forward, only record fees.
    assert_eq!(act(&app, &cashier, &code, json!({"action": "forward"})).await.0, 403);

    let (status, d) =
        act(&app, &desk, &code, json!({"action": "forward", "assignee": "xuly.tanhoa", "note": "chuyển"})).await;
    assert_eq!(status, 200, "{d}");
    assert_eq!((d["status"].as_i64(), d["current_step"].as_i64()), (Some(4), Some(1)));
    assert_eq!(d["steps"][0]["department"], "Công chức Tư pháp - Hộ tịch");
    assert_eq!(d["steps"][0]["assignee"], "Lê Văn Hùng (xử lý Tân Hòa)");
    assert_eq!(d["events"].as_array().unwrap().len(), 2);
    assert_eq!(d["events"][0]["form"], "receipt");
    assert_eq!(d["applicant_id_number"], "********1234");
    assert!(!d.to_string().contains("0901234567"));
    let allowed: Vec<&str> = d["allowed_actions"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert!(
        allowed.contains(&"send_back") && allowed.contains(&"complete") && allowed.contains(&"comment"),
        "{allowed:?}"
    );
    assert!(!allowed.contains(&"fee_paid") && !allowed.contains(&"return_result"), "{allowed:?}");

    // An officer of another commune cannot be assigned.
    let (status, err) = act(&app, &desk, &code, json!({"action": "forward", "assignee": "motcua.thanhxuan"})).await;
    assert_eq!(status, 422, "{err}");

    // Refusals: wrong status 409, missing input or unknown action 422.
    assert_eq!(
        act(&app, &processor, &code, json!({"action": "return_result", "result_channel": "counter"})).await.0,
        409
    );
    assert_eq!(act(&app, &processor, &code, json!({"action": "stop"})).await.0, 422);
    assert_eq!(act(&app, &processor, &code, json!({"action": "send_back"})).await.0, 422);
    assert_eq!(act(&app, &processor, &code, json!({"action": "fly"})).await.0, 422);
    assert_eq!(
        act(&app, &processor, &code, json!({"action": "extend", "reason": "x", "new_due_date": "hôm nay"})).await.0,
        422
    );

    // The fee round trip: requested by the processor, paid at the cashier's desk.
    let (status, d) = act(&app, &processor, &code, json!({"action": "request_fee", "amount": 8000})).await;
    assert_eq!((status, d["status"].as_i64()), (200, Some(6)));
    let (status, d) = act(&app, &cashier, &code, json!({"action": "fee_paid", "receipt_no": "BL-1"})).await;
    assert_eq!((status, d["status"].as_i64()), (200, Some(4)), "{d}");

    let (status, d) = act(&app, &processor, &code, json!({"action": "complete"})).await;
    assert_eq!((status, d["status"].as_i64()), (200, Some(9)));
    assert!(matches!(d["timeliness"].as_str(), Some("early" | "on_time")), "{d}");
    let (status, d) = act(&app, &desk, &code, json!({"action": "return_result", "result_channel": "counter"})).await;
    assert_eq!((status, d["status"].as_i64(), d["result_channel"].as_str()), (200, Some(10), Some("counter")));
    assert_eq!(d["allowed_actions"], json!(["comment"]));
}

#[tokio::test]
async fn the_list_shows_only_dossiers_in_scope_with_due_filters() {
    let app = app().await;
    let desk = app.token("motcua.tanhoa").await;
    let processor = app.token("xuly.tanhoa").await;
    let other = app.token("motcua.thanhxuan").await;
    let admin = app.token("admin").await;
    // Due soon: received now for one working day. Overdue: received last year.
    let soon = receive_api(&app, &desk, "1.000001").await;
    let late = receive(&app, "1.000001", "2025-06-02 09:00").await.code;
    let theirs = receive_api(&app, &other, "1.000001").await;
    let (status, _) = act(&app, &processor, &soon, json!({"action": "forward", "assignee": "me"})).await;
    assert_eq!(status, 200);

    let codes = |v: &Value| -> Vec<String> {
        v["items"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
    };
    let mine: Value = app.get_json("/api/v1/dossiers", &desk).await;
    let mut got = codes(&mine);
    got.sort();
    let mut want = vec![soon.clone(), late.clone()];
    want.sort();
    assert_eq!((got, mine["total"].as_i64()), (want, Some(2)));
    assert_eq!(codes(&app.get_json::<Value>("/api/v1/dossiers", &other).await), [theirs.as_str()]);
    assert_eq!(app.get_json::<Value>("/api/v1/dossiers", &admin).await["total"], 3);
    assert_eq!(codes(&app.get_json::<Value>("/api/v1/dossiers?assignee=me", &processor).await), [soon.as_str()]);
    assert_eq!(codes(&app.get_json::<Value>("/api/v1/dossiers?due=overdue", &desk).await), [late.as_str()]);
    let overdue: Value = app.get_json("/api/v1/dossiers?due=overdue", &desk).await;
    assert_eq!(overdue["items"][0]["urgency"], "overdue");
    assert!(overdue["items"][0]["time_left"].as_str().unwrap().starts_with("quá hạn"), "{overdue}");
    assert_eq!(codes(&app.get_json::<Value>("/api/v1/dossiers?due=soon", &desk).await), [soon.as_str()]);
    assert_eq!(codes(&app.get_json::<Value>("/api/v1/dossiers?status=in_process", &desk).await), [soon.as_str()]);
    assert_eq!(codes(&app.get_json::<Value>("/api/v1/dossiers?status=2", &desk).await), [late.as_str()]);
    let page: Value = app.get_json("/api/v1/dossiers?per_page=1&page=2", &desk).await;
    assert_eq!(
        (page["items"].as_array().unwrap().len(), page["total"].as_i64(), page["page"].as_i64()),
        (1, Some(2), Some(2))
    );
    assert_eq!(codes(&app.get_json::<Value>("/api/v1/dossiers?unit=31342", &admin).await).len(), 2);

    let c = reqwest::Client::new();
    for (query, status) in [("?unit=31342", 403), ("?due=later", 422), ("?status=99", 422)] {
        let resp = c.get(app.url(&format!("/api/v1/dossiers{query}"))).bearer_auth(&other).send().await.unwrap();
        assert_eq!(resp.status(), status, "{query}");
    }
}

/// Uploads a file; returns the status and the body.
async fn upload(
    app: &TestApp,
    token: &str,
    code: &str,
    name: &str,
    mime: &str,
    content: Vec<u8>,
    purpose: &str,
) -> (u16, Value) {
    let part = reqwest::multipart::Part::bytes(content).file_name(name.to_string()).mime_str(mime).unwrap();
    let form = reqwest::multipart::Form::new()
        .text("component", "Tờ khai")
        .text("purpose", purpose.to_string())
        .part("file", part);
    let resp = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/dossiers/{code}/files")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn files_are_limited_hashed_and_their_reads_audited() {
    let app = app().await;
    let desk = app.token("motcua.tanhoa").await;
    let other = app.token("motcua.thanhxuan").await;
    let code = receive_api(&app, &desk, "1.000001").await;
    let pdf = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n".to_vec();

    let (status, body) = upload(&app, &desk, &code, "to-khai.pdf", "application/pdf", pdf.clone(), "component").await;
    assert_eq!(status, 201, "{body}");
    use sha2::Digest;
    let hash = hex::encode(sha2::Sha256::digest(&pdf));
    assert_eq!(
        (body["file"]["sha256"].as_str(), body["file"]["size"].as_u64()),
        (Some(hash.as_str()), Some(pdf.len() as u64))
    );
    assert_eq!(body["dossier"]["files"][0]["mime"], "application/pdf");
    assert_eq!(body["dossier"]["has_e_result"], false);
    let id = body["file"]["id"].as_i64().unwrap();

    // Too large: 413; another type: 415; content unlike its type: 422; empty: 422.
    let big = [b"%PDF-".to_vec(), vec![b'x'; 10 * 1024 * 1024]].concat();
    let (status, body) = upload(&app, &desk, &code, "big.pdf", "application/pdf", big, "component").await;
    assert_eq!(status, 413, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("10 MB"));
    assert_eq!(upload(&app, &desk, &code, "a.txt", "text/plain", b"hello".to_vec(), "component").await.0, 415);
    assert_eq!(
        upload(&app, &desk, &code, "a.bin", "application/octet-stream", b"MZ\x90".to_vec(), "component").await.0,
        415
    );
    let png = [&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A][..], b"rest"].concat();
    assert_eq!(upload(&app, &desk, &code, "scan.pdf", "application/pdf", png.clone(), "component").await.0, 422);
    assert_eq!(upload(&app, &desk, &code, "empty.pdf", "application/pdf", vec![], "component").await.0, 422);
    assert_eq!(upload(&app, &other, &code, "x.pdf", "application/pdf", pdf.clone(), "component").await.0, 403);

    // Reading a file returns its bytes to the unit's officers only, and is audited.
    let c = reqwest::Client::new();
    let url = app.url(&format!("/api/v1/dossiers/{code}/files/{id}"));
    assert_eq!(c.get(&url).bearer_auth(&other).send().await.unwrap().status(), 403);
    let resp = c.get(&url).bearer_auth(&desk).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    assert_eq!(resp.bytes().await.unwrap().to_vec(), pdf);
    let filter = store::audit::Filter { action: Some("dossier.file_read".into()), limit: 10, ..Default::default() };
    let reads = store::audit::list(&app.db, &filter).await.unwrap();
    assert_eq!(reads.len(), 1);
    assert_eq!(reads[0].object_id, format!("{code}/{id}"));
    let missing = app.url(&format!("/api/v1/dossiers/{code}/files/{}", id + 100));
    assert_eq!(c.get(&missing).bearer_auth(&desk).send().await.unwrap().status(), 404);

    // An electronic return needs the result file first.
    assert_eq!(act(&app, &desk, &code, json!({"action": "complete"})).await.0, 200);
    let (status, err) =
        act(&app, &desk, &code, json!({"action": "return_result", "result_channel": "electronic"})).await;
    assert_eq!(status, 422, "{err}");
    let (status, body) = upload(&app, &desk, &code, "ket-qua.png", "image/png", png, "result").await;
    assert_eq!((status, &body["dossier"]["has_e_result"]), (201, &json!(true)), "{body}");
    let (status, d) = act(&app, &desk, &code, json!({"action": "return_result", "result_channel": "electronic"})).await;
    assert_eq!((status, d["result_channel"].as_str()), (200, Some("electronic")), "{d}");
    // A closed dossier takes no more files.
    assert_eq!(upload(&app, &desk, &code, "late.pdf", "application/pdf", pdf, "component").await.0, 409);
}

#[tokio::test]
async fn public_tracking_needs_the_phone_digits_masks_the_applicant_and_limits_guessing() {
    let app = app().await;
    let desk = app.token("motcua.tanhoa").await;
    let code = receive_api(&app, &desk, "1.001193").await;
    act(&app, &desk, &code, json!({"action": "comment", "note": "ghi chú nội bộ: gọi 0901234567"})).await;
    act(&app, &desk, &code, json!({"action": "request_supplement", "reason": "bổ sung bản sao giấy khai sinh"})).await;
    let c = reqwest::Client::new();
    let get = |code: String, last4: &str| {
        c.get(app.url(&format!("/api/v1/public/dossiers/{code}?phone_last4={last4}"))).send()
    };

    let resp = get(code.clone(), "4567").await.unwrap();
    assert_eq!(resp.status(), 200);
    let v: Value = resp.json().await.unwrap();
    assert_eq!((v["code"].as_str(), v["status"].as_i64()), (Some(code.as_str()), Some(5)));
    assert_eq!(v["procedure_name"], "Đăng ký khai sinh");
    assert_eq!(v["applicant_name"], "N. V. An");
    let text = v.to_string();
    for secret in ["079200001234", "0901234567", "Ấp 1", "nội bộ", "Nguyễn Văn An"] {
        assert!(!text.contains(secret), "{secret} leaks: {text}");
    }
    let actions: Vec<&str> = v["events"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["receive", "request_supplement"]);
    assert_eq!(v["events"][1]["note"], "bổ sung bản sao giấy khai sinh");

    // A wrong phone and an unknown code answer alike.
    let wrong = get(code.clone(), "0000").await.unwrap();
    assert_eq!(wrong.status(), 404);
    let wrong: Value = wrong.json().await.unwrap();
    let unknown: Value = get("31342-200101-0001".into(), "4567").await.unwrap().json().await.unwrap();
    assert_eq!(wrong, unknown);
    assert_eq!(get(code.clone(), "45").await.unwrap().status(), 404);

    // Guessing one code: five attempts, then 429 with Retry-After, even with the right digits.
    let guessed = receive_api(&app, &desk, "1.001193").await;
    for n in 0..5 {
        assert_eq!(get(guessed.clone(), &format!("{n:04}")).await.unwrap().status(), 404);
    }
    let limited = get(guessed.clone(), "4567").await.unwrap();
    assert_eq!(limited.status(), 429);
    let wait: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait >= 1);
    // Guessing codes from one address: the per-address limit.
    let mut statuses = Vec::new();
    for n in 0..30 {
        statuses.push(get(format!("31342-200101-{n:04}"), "4567").await.unwrap().status().as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(statuses.iter().all(|&s| s == 404 || s == 429), "{statuses:?}");
}

#[tokio::test]
async fn a_paid_fee_bill_resumes_its_dossier() {
    let app = app().await;
    let (desk, processor) = (app.token("motcua.tanhoa").await, app.token("xuly.tanhoa").await);
    let (admin, cashier) = (app.token("admin").await, app.token("thungan.tanhoa").await);
    let client = reqwest::Client::new();
    let post = |path: &str, token: &str, body: Value| {
        client.post(app.url(path)).bearer_auth(token.to_string()).json(&body).send()
    };
    let account = json!({"unit": "31342", "bin": "970436", "account": "0011001234567", "holder": "UBND XA TAN HOA"});
    assert_eq!(post("/api/v1/payment-accounts", &admin, account).await.unwrap().status(), 201);
    let key = json!({"secret": "sepay-api-key-0002"});
    let resp = client.put(app.url("/api/v1/payments/providers/sepay")).bearer_auth(&admin).json(&key).send().await;
    assert_eq!(resp.unwrap().status(), 200);

    let code = receive_api(&app, &desk, "1.001193").await;
    assert_eq!(act(&app, &processor, &code, json!({"action": "forward"})).await.0, 200);
    let (status, d) = act(&app, &processor, &code, json!({"action": "request_fee", "amount": 8000})).await;
    assert_eq!((status, d["status"].as_i64()), (200, Some(6)), "{d}");

    // A bill may only collect for a dossier of its own unit.
    let bill = |unit: &str, dossier: &str| {
        json!({"unit": unit, "kind": "fee", "payer": {"name": "Nguyễn Văn An", "ref": dossier},
               "lines": [{"label": "Lệ phí", "amount": 8000}], "dossier": dossier})
    };
    let refused = post("/api/v1/bills", &cashier, bill("31342", "31342-000000-0001")).await.unwrap();
    assert_eq!(refused.status(), 422);
    let created: Value = post("/api/v1/bills", &cashier, bill("31342", &code)).await.unwrap().json().await.unwrap();
    let payment_code = created["payment_code"].as_str().unwrap();

    // The bank tells SePay; the payment is stored and the bill closed at once.
    let body = json!({"id": 990001, "gateway": "Vietcombank", "transactionDate": "2026-08-27 09:00:00",
                      "accountNumber": "0011001234567", "code": null, "content": format!("CK {payment_code}"),
                      "transferType": "in", "transferAmount": 8000, "accumulated": 0, "subAccount": null,
                      "referenceCode": "FT990001", "description": ""});
    let resp = client
        .post(app.url("/api/v1/payments/webhooks/sepay"))
        .header("authorization", "Apikey sepay-api-key-0002")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let bill = store::payment::bill(&app.db, created["id"].as_i64().unwrap()).await.unwrap();
    assert_eq!(bill.status, "paid");

    // The `payment.paid` job resumes the dossier with the receipt number; a
    // second run (a retried job) changes nothing.
    let jobs = web::jobs::with_notify(&web::notify::NotifyConfig::default()).unwrap();
    while web::jobs::run_once(&app.db, &jobs, "test").await.unwrap() {}
    let d = store::dossier::by_code(&app.db, &code).await.unwrap().unwrap();
    assert_eq!(d.status(), Some(domain::dossier::Status::InProcess));
    let receipt = store::payment::ingest::receipt(&app.db, bill.id).await.unwrap().unwrap();
    let events = store::dossier::timeline::events(&app.db, d.id).await.unwrap();
    let paid: Vec<_> = events.iter().filter(|e| e.action == "fee_paid").collect();
    assert_eq!(paid.len(), 1);
    assert!(paid[0].details.as_deref().unwrap_or_default().contains(&receipt.number), "{:?}", paid[0]);
    assert!(!store::payment::link::resume_dossier(&app.db, bill.id, &receipt.number, 0).await.unwrap());

    // The payer's receipt opens by its keyed link, and only by it.
    let url = app.url(&format!("/bien-lai/{}?k={}", receipt.number, receipt.verify_key));
    let resp = client.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    assert!(resp.bytes().await.unwrap().starts_with(b"%PDF"));
    let forged = app.url(&format!("/bien-lai/{}?k=00000000", receipt.number));
    assert_eq!(client.get(&forged).send().await.unwrap().status(), 404);
}
