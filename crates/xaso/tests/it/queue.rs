//! The queue's store operations on a real database (SQLite, or PostgreSQL
//! with `XASO_TEST_POSTGRES_URL`): numbering and its daily reset, the
//! priority rule, transfers keeping arrival time, every transition and the
//! illegal ones, appointment capacity and check-in, statistics over a
//! generated day, and concurrency (calls and issues never collide).

use std::collections::HashSet;

use chrono::NaiveDate;
use domain::person::CitizenId;
use domain::queue::{CallOrder, NewService, NumberingMode, Priority, PriorityRule, Satisfaction};
use store::audit::Actor;
use store::queue::appointment::{self, Booking};
use store::queue::{self, IssueRequest, NewCenter, NewCounter, TransferTarget, call, visit};
use store::{Db, Error};

use crate::common;

const MIN: i64 = 60_000;
/// 2026-02-13 08:00 in Hà Nội (01:00 UTC).
const T0: i64 = 1_770_944_400_000;

struct Setup {
    center: queue::Center,
    services: Vec<queue::Service>,
}

async fn center(db: &Db, code: &str, rule: PriorityRule, numbering: NumberingMode, services: &[&str]) -> Setup {
    let actor = Actor::system();
    let unit = store::unit::create(
        db,
        &actor,
        domain::unit::NewUnit {
            code: code.into(),
            name: format!("Trung tâm {code}"),
            kind: domain::unit::UnitKind::ServiceCenter,
            valid_from: NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
            valid_to: None,
            note: "test".into(),
        },
        None,
        &[],
    )
    .await
    .unwrap();
    let new = NewCenter {
        unit_id: unit.id,
        code: code.into(),
        name: format!("Trung tâm {code}"),
        rule,
        numbering,
        checkin_early_min: 30,
        checkin_late_min: 15,
    };
    let center = queue::create_center(db, &actor, new, T0).await.unwrap();
    let mut out = Vec::new();
    for (i, code) in services.iter().enumerate() {
        let s = NewService {
            code: (*code).into(),
            name: format!("Dịch vụ {code}"),
            field: "Tư pháp – Hộ tịch".into(),
            prefix: ((b'A' + i as u8) as char).to_string(),
            target_wait_minutes: 15,
        };
        out.push(queue::create_service(db, &actor, center.id, s, T0).await.unwrap());
    }
    Setup { center, services: out }
}

async fn counter(db: &Db, s: &Setup, code: &str, services: &[usize]) -> queue::Counter {
    let new = NewCounter {
        code: code.into(),
        name: format!("Quầy {code}"),
        order: CallOrder::ServiceOrder,
        services: services.iter().map(|i| s.services[*i].id).collect(),
    };
    queue::create_counter(db, &Actor::system(), s.center.id, new, T0).await.unwrap()
}

async fn issue(db: &Db, service_id: i64, priority: Option<Priority>, at: i64) -> queue::Ticket {
    let req = IssueRequest { service_id, priority, citizen_id: None };
    visit::issue(db, &Actor::system(), req, at).await.unwrap().ticket
}

#[tokio::test]
async fn numbering_resets_at_local_midnight_or_continues() {
    let t = common::fresh_db().await;
    let daily = center(&t.db, "C-DAILY", PriorityRule::Strict, NumberingMode::DailyReset, &["HT", "CT"]).await;
    let cont = center(&t.db, "C-CONT", PriorityRule::Strict, NumberingMode::Continuous, &["HT"]).await;
    // 23:59 local on the 13th, then 00:00:30 local on the 14th (17:00 UTC).
    let late = T0 + 15 * 60 * MIN + 59 * MIN;
    let next_day = T0 + 16 * 60 * MIN + 30_000;
    let (a, b) = (daily.services[0].id, daily.services[1].id);
    assert_eq!(issue(&t.db, a, None, late).await.number, "A001");
    assert_eq!(issue(&t.db, a, None, late).await.number, "A002");
    assert_eq!(issue(&t.db, b, None, late).await.number, "B001", "each service has its own sequence");
    let first = issue(&t.db, a, None, next_day).await;
    assert_eq!((first.number.as_str(), first.local_day.as_str()), ("A001", "2026-02-14"));
    let c = cont.services[0].id;
    assert_eq!(issue(&t.db, c, None, late).await.number, "A001");
    assert_eq!(issue(&t.db, c, None, next_day).await.number, "A002", "continuous numbering carries over");
}

#[tokio::test]
async fn interleaved_rule_gives_one_call_in_three_to_priority_and_strict_gives_all() {
    let t = common::fresh_db().await;
    let s = center(&t.db, "C-MIX", PriorityRule::Interleaved { every: 3 }, NumberingMode::DailyReset, &["HT"]).await;
    let k = counter(&t.db, &s, "1", &[0]).await;
    let sid = s.services[0].id;
    for i in 0..5 {
        issue(&t.db, sid, None, T0 + i * MIN).await;
    }
    for i in 0..2 {
        issue(&t.db, sid, Some(Priority::NguoiCaoTuoi), T0 + (10 + i) * MIN).await;
    }
    let order = queue::view::waiting_for_counter(&t.db, k.id).await.unwrap();
    let mut called = Vec::new();
    while let Some(tk) = call::call_next(&t.db, &Actor::system(), k.id, T0 + 20 * MIN).await.unwrap() {
        called.push(tk.number.clone());
    }
    assert_eq!(called, ["A001", "A002", "A006", "A003", "A004", "A007", "A005"]);
    let predicted: Vec<String> = order.into_iter().map(|t| t.number).collect();
    assert_eq!(predicted, called, "the waiting list shows the call order");

    let strict = center(&t.db, "C-STRICT", PriorityRule::Strict, NumberingMode::DailyReset, &["HT"]).await;
    let k2 = counter(&t.db, &strict, "1", &[0]).await;
    issue(&t.db, strict.services[0].id, None, T0).await;
    issue(&t.db, strict.services[0].id, Some(Priority::PhuNuMangThai), T0 + MIN).await;
    let first = call::call_next(&t.db, &Actor::system(), k2.id, T0 + 2 * MIN).await.unwrap().unwrap();
    assert_eq!(first.number, "A002");
}

#[tokio::test]
async fn transfer_keeps_the_arrival_time_and_its_place() {
    let t = common::fresh_db().await;
    let s = center(&t.db, "C-TR", PriorityRule::Strict, NumberingMode::DailyReset, &["HT", "DD"]).await;
    let k1 = counter(&t.db, &s, "1", &[0]).await;
    let k2 = counter(&t.db, &s, "2", &[1]).await;
    let k3 = counter(&t.db, &s, "3", &[1]).await;
    let a = Actor::system();
    let x = issue(&t.db, s.services[0].id, None, T0).await;
    let y = issue(&t.db, s.services[1].id, None, T0 + 5 * MIN).await;
    let called = call::call_next(&t.db, &a, k1.id, T0 + 10 * MIN).await.unwrap().unwrap();
    assert_eq!(called.id, x.id);
    visit::start(&t.db, &a, x.id, T0 + 11 * MIN).await.unwrap();
    let moved =
        visit::transfer(&t.db, &a, x.id, TransferTarget::Service(s.services[1].id), T0 + 12 * MIN).await.unwrap();
    assert_eq!((moved.state.as_str(), moved.number.as_str()), ("waiting", "A001"), "the number is kept");
    assert_eq!((moved.created_at, moved.queued_at), (T0, T0), "arrival times are kept");
    let next = call::call_next(&t.db, &a, k2.id, T0 + 13 * MIN).await.unwrap().unwrap();
    assert_eq!(next.id, x.id, "the transferred ticket keeps its place ahead of later arrivals");
    // A transfer to one counter: only that counter may call it.
    visit::transfer(&t.db, &a, x.id, TransferTarget::Counter(k3.id), T0 + 14 * MIN).await.unwrap();
    assert_eq!(call::call_next(&t.db, &a, k1.id, T0 + 15 * MIN).await.unwrap(), None);
    assert_eq!(call::call_next(&t.db, &a, k2.id, T0 + 15 * MIN).await.unwrap().unwrap().id, y.id);
    assert_eq!(call::call_next(&t.db, &a, k3.id, T0 + 16 * MIN).await.unwrap().unwrap().id, x.id);
    let kinds: Vec<String> = queue::events(&t.db, x.id).await.unwrap().into_iter().map(|e| e.kind).collect();
    assert_eq!(kinds, ["issued", "called", "started", "transferred", "called", "transferred", "called"]);
}

#[tokio::test]
async fn every_transition_is_logged_and_illegal_ones_are_refused() {
    let t = common::fresh_db().await;
    let s = center(&t.db, "C-ST", PriorityRule::Strict, NumberingMode::DailyReset, &["HT"]).await;
    let k = counter(&t.db, &s, "1", &[0]).await;
    let a = Actor::system();
    let audit_before = common::audit_count(&t.db).await;
    let cccd = CitizenId::parse("001090123456").unwrap();
    let req = IssueRequest { service_id: s.services[0].id, priority: None, citizen_id: Some(cccd) };
    let issued = visit::issue(&t.db, &a, req, T0).await.unwrap();
    assert_eq!((issued.waiting_ahead, issued.estimated_wait_minutes), (0, Some(0)));
    let id = issued.ticket.id;
    assert_eq!(issued.ticket.citizen_masked().as_deref(), Some("********3456"));
    let conflict = |r: Result<queue::Ticket, Error>| matches!(r, Err(Error::Conflict(_)));
    assert!(conflict(visit::start(&t.db, &a, id, T0).await), "a waiting ticket cannot start");
    assert!(conflict(visit::recall(&t.db, &a, id, T0).await));
    assert!(conflict(visit::finish(&t.db, &a, id, T0).await));
    assert!(conflict(visit::no_show(&t.db, &a, id, T0).await));
    assert!(conflict(visit::unpark(&t.db, &a, id, T0).await));
    visit::call_ticket(&t.db, &a, id, k.id, T0 + MIN).await.unwrap();
    let r = visit::recall(&t.db, &a, id, T0 + 2 * MIN).await.unwrap();
    assert_eq!((r.recalls, r.called_at), (1, Some(T0 + 2 * MIN)), "the last call counts");
    assert!(conflict(visit::finish(&t.db, &a, id, T0).await), "a called ticket must start first");
    let p = visit::park(&t.db, &a, id, T0 + 3 * MIN).await.unwrap();
    assert_eq!(p.state, "parked");
    assert_eq!(call::call_next(&t.db, &a, k.id, T0 + 4 * MIN).await.unwrap(), None, "parked tickets are not called");
    let back = visit::unpark(&t.db, &a, id, T0 + 5 * MIN).await.unwrap();
    assert_eq!((back.state.as_str(), back.queued_at), ("waiting", T0));
    call::call_next(&t.db, &a, k.id, T0 + 6 * MIN).await.unwrap().unwrap();
    visit::start(&t.db, &a, id, T0 + 7 * MIN).await.unwrap();
    let done = visit::finish(&t.db, &a, id, T0 + 12 * MIN).await.unwrap();
    assert_eq!((done.state.as_str(), done.ended_at), ("done", Some(T0 + 12 * MIN)));
    for r in [
        visit::start(&t.db, &a, id, T0).await,
        visit::park(&t.db, &a, id, T0).await,
        visit::transfer(&t.db, &a, id, TransferTarget::Counter(k.id), T0).await,
        visit::call_ticket(&t.db, &a, id, k.id, T0).await,
    ] {
        match r {
            Err(Error::Conflict(msg)) => assert!(msg.contains("Hoàn thành"), "{msg}"),
            other => panic!("a done ticket is final: {other:?}"),
        }
    }
    let kinds: Vec<String> = queue::events(&t.db, id).await.unwrap().into_iter().map(|e| e.kind).collect();
    assert_eq!(kinds, ["issued", "called", "recalled", "parked", "unparked", "called", "started", "finished"]);
    assert_eq!(common::audit_count(&t.db).await - audit_before, 8, "one audit row per change");
    // A no-show ends a called ticket; ratings only for served tickets, once.
    let other = issue(&t.db, s.services[0].id, None, T0 + 20 * MIN).await;
    call::call_next(&t.db, &a, k.id, T0 + 21 * MIN).await.unwrap().unwrap();
    assert_eq!(visit::no_show(&t.db, &a, other.id, T0 + 23 * MIN).await.unwrap().state, "no_show");
    assert!(appointment::rate(&t.db, &a, other.id, Satisfaction::HaiLong, "", T0).await.is_err());
    let rating = appointment::rate(&t.db, &a, id, Satisfaction::RatHaiLong, "nhanh", T0 + 13 * MIN).await.unwrap();
    assert_eq!((rating.score, rating.counter_id), (4, Some(k.id)));
    assert!(matches!(appointment::rate(&t.db, &a, id, Satisfaction::HaiLong, "", T0).await, Err(Error::Conflict(_))));
    // The event log is append-only.
    let tamper = match t.db.writer() {
        store::Pool::Sqlite(p) => sqlx::query("DELETE FROM queue_events").execute(p).await.map(|_| ()),
        store::Pool::Postgres(p) => sqlx::query("DELETE FROM queue_events").execute(p).await.map(|_| ()),
    };
    assert!(tamper.is_err());
}

#[tokio::test]
async fn appointments_respect_capacity_and_check_in_ahead_of_walk_ins() {
    let t = common::fresh_db().await;
    let s = center(&t.db, "C-AP", PriorityRule::Strict, NumberingMode::DailyReset, &["HT"]).await;
    let k = counter(&t.db, &s, "1", &[0]).await;
    let a = Actor::system();
    let slot_at = T0 + 60 * MIN;
    let slot = appointment::open_slot(&t.db, &a, s.services[0].id, slot_at, 30, 2).await.unwrap();
    let who = || Booking { name: "Nguyễn Văn An".into(), ..Booking::default() };
    let b1 = appointment::book(&t.db, &a, slot.id, who(), T0).await.unwrap();
    appointment::book(&t.db, &a, slot.id, who(), T0).await.unwrap();
    assert!(matches!(appointment::book(&t.db, &a, slot.id, who(), T0).await, Err(Error::Conflict(_))), "slot full");
    assert_eq!(appointment::slots(&t.db, s.services[0].id, T0, T0 + 86_400_000).await.unwrap()[0].booked, 2);
    assert!(matches!(appointment::check_in(&t.db, &a, &b1.code, slot_at - 31 * MIN).await, Err(Error::Invalid(_))));
    assert!(matches!(appointment::check_in(&t.db, &a, &b1.code, slot_at + 16 * MIN).await, Err(Error::Invalid(_))));
    let walk_in = issue(&t.db, s.services[0].id, None, slot_at - 20 * MIN).await;
    let appt = appointment::check_in(&t.db, &a, &b1.code.to_lowercase(), slot_at - 10 * MIN).await.unwrap();
    assert_eq!(appt.ticket.appointment_id, Some(b1.id));
    assert!(matches!(appointment::check_in(&t.db, &a, &b1.code, slot_at).await, Err(Error::Conflict(_))));
    let first = call::call_next(&t.db, &a, k.id, slot_at).await.unwrap().unwrap();
    assert_eq!(first.id, appt.ticket.id, "a checked-in appointment goes ahead of walk-ins");
    assert_eq!(call::call_next(&t.db, &a, k.id, slot_at).await.unwrap().unwrap().id, walk_in.id);
}

#[tokio::test]
async fn center_state_shows_calls_and_waiting_counts() {
    let t = common::fresh_db().await;
    let s = center(&t.db, "C-BOARD", PriorityRule::Strict, NumberingMode::DailyReset, &["HT", "DD"]).await;
    let k = counter(&t.db, &s, "1", &[0, 1]).await;
    counter(&t.db, &s, "2", &[1]).await;
    for i in 0..3 {
        issue(&t.db, s.services[0].id, None, T0 + i).await;
    }
    issue(&t.db, s.services[1].id, None, T0 + 10).await;
    let called = call::call_next(&t.db, &Actor::system(), k.id, T0 + MIN).await.unwrap().unwrap();
    let st = queue::view::center_state(&t.db, s.center.id, 5).await.unwrap();
    assert_eq!(st.counters[0].current.as_ref().map(|t| t.id), Some(called.id));
    assert!(st.counters[1].current.is_none());
    let waiting: Vec<i64> = st.services.iter().map(|w| w.waiting).collect();
    assert_eq!(waiting, [2, 1]);
    assert_eq!(st.last_calls[0].number, "A001");
    let last = queue::view::waiting_for_service(&t.db, s.services[0].id).await.unwrap();
    let p = queue::view::position(&t.db, last[1].id).await.unwrap();
    assert_eq!(p.waiting_ahead, 1);
}

#[tokio::test]
async fn statistics_summarise_a_generated_day() {
    let t = common::fresh_db().await;
    store::demo::load(&t.db).await.unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 2, 13).unwrap();
    let report = queue::demo::load_demo(&t.db, day).await.unwrap();
    assert_eq!(report.centers.len(), 2);
    assert!(report.tickets > 40, "a day of history: {}", report.tickets);
    let again = queue::demo::load_demo(&t.db, day).await.unwrap();
    assert_eq!((again.centers, again.tickets), (report.centers.clone(), 0), "loading twice adds nothing");
    let center = queue::center_by_code(&t.db, "31342-TTPVHCC").await.unwrap().unwrap();
    assert_eq!(queue::counters(&t.db, center.id).await.unwrap().len(), 4);
    let hoti = queue::service_by_code(&t.db, center.id, "HT").await.unwrap().unwrap();
    assert_eq!((hoti.prefix.as_str(), hoti.field.as_str()), ("A", "Tư pháp – Hộ tịch"));
    assert!(queue::counter_by_code(&t.db, center.id, "4").await.unwrap().is_some());
    let from = T0 - 8 * 60 * MIN;
    let r = queue::stats::report(&t.db, center.id, from, from + 86_400_000).await.unwrap();
    let st = &r.total;
    assert!(st.arrived > 20 && st.served > 0, "{st:?}");
    assert_eq!(st.arrived, st.served + st.no_show + st.open);
    assert_eq!(st.open, 0, "the desks finish the day");
    assert!(st.avg_wait_ms > 0 && st.max_wait_ms >= st.avg_wait_ms && st.avg_service_ms >= 3 * MIN);
    assert!((0.0..=100.0).contains(&st.over_target_pct));
    assert_eq!(r.by_service.iter().map(|(_, s)| s.arrived).sum::<u64>(), st.arrived);
    assert_eq!(r.by_counter.len(), 4);
    assert_eq!(r.by_day.len(), 1);
    assert_eq!(r.by_day[0].0, "2026-02-13");
    assert!(r.by_hour.iter().all(|(h, _)| (7..=17).contains(h)), "{:?}", r.by_hour);
    assert!(!r.by_officer.is_empty() && r.ratings > 0 && r.avg_rating.is_some_and(|a| (1.0..=4.0).contains(&a)));
    assert_eq!(r.idle_ms.len(), 4);
}

/// A center of two services (interleaved priority) with eight counters, each
/// serving both in a different order, and `tickets` waiting tickets (every
/// seventh with `priority`): the counters' IDs.
async fn busy_center(db: &Db, code: &str, tickets: i64, priority: Priority) -> Vec<i64> {
    let s = center(db, code, PriorityRule::Interleaved { every: 2 }, NumberingMode::DailyReset, &["HT", "CT"]).await;
    let mut counters = Vec::new();
    for i in 0..8 {
        counters.push(counter(db, &s, &format!("{}", i + 1), &[i % 2, 1 - i % 2]).await.id);
    }
    for i in 0..tickets {
        let prio = (i % 7 == 0).then_some(priority);
        issue(db, s.services[(i % 2) as usize].id, prio, T0 + i).await;
    }
    counters
}

#[tokio::test]
async fn concurrent_counters_never_call_the_same_ticket() {
    let t = common::fresh_db().await;
    let counters = busy_center(&t.db, "C-RACE", 200, Priority::NguoiKhuyetTat).await;
    let mut handles = Vec::new();
    for k in counters {
        let db = t.db.clone();
        handles.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(tk) = call::call_next(&db, &Actor::system(), k, T0 + 60 * MIN).await.unwrap() {
                assert_eq!(tk.counter_id, Some(k));
                mine.push(tk.id);
            }
            mine
        }));
    }
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.unwrap());
    }
    let unique: HashSet<i64> = all.iter().copied().collect();
    assert_eq!((all.len(), unique.len()), (200, 200), "each ticket called exactly once");
}

#[tokio::test]
async fn concurrent_issues_never_duplicate_or_skip_a_number() {
    let t = common::fresh_db().await;
    let s = center(&t.db, "C-ISSUE", PriorityRule::Strict, NumberingMode::DailyReset, &["HT"]).await;
    let sid = s.services[0].id;
    let mut handles = Vec::new();
    for _ in 0..8 {
        let db = t.db.clone();
        handles.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            for i in 0..25 {
                mine.push(issue(&db, sid, None, T0 + i).await.number);
            }
            mine
        }));
    }
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.unwrap());
    }
    all.sort();
    let expected: Vec<String> = (1..=200).map(|n| format!("A{n:03}")).collect();
    assert_eq!(all, expected);
}

#[tokio::test]
async fn batched_issues_are_consecutive_audited_and_isolated() {
    let t = common::fresh_db().await;
    let s = center(&t.db, "C-BATCH", PriorityRule::Strict, NumberingMode::DailyReset, &["HT", "CT", "DD"]).await;
    let issuer = queue::Issuer::start(t.db.clone());
    let audit_before = common::audit_count(&t.db).await;
    // The third service is closed: its requests are refused alone, the others go through.
    let closed = s.services[2].clone();
    let up = queue::ServiceUpdate {
        name: closed.name.clone(),
        field: closed.field.clone(),
        prefix: closed.prefix.clone(),
        target_wait_minutes: 15,
        active: false,
    };
    let closed = queue::update_service(&t.db, &Actor::system(), closed.id, up, T0).await.unwrap();
    let mut handles = Vec::new();
    for i in 0..150_i64 {
        let (issuer, center) = (issuer.clone(), s.center.clone());
        let service = if i % 30 == 29 { closed.clone() } else { s.services[(i % 2) as usize].clone() };
        handles.push(tokio::spawn(async move {
            let actor = Actor { name: format!("kiosk-{i}"), ..Actor::default() };
            let req = IssueRequest { service_id: service.id, ..Default::default() };
            issuer.issue(&actor, (&center, &service), req, T0 + i).await.map(|x| (service.prefix.clone(), x))
        }));
    }
    let (mut ok, mut told, mut refused) = (Vec::new(), Vec::new(), 0);
    for h in handles {
        match h.await.unwrap() {
            Ok((prefix, issued)) => {
                assert!(issued.ticket.number.starts_with(&prefix));
                told.push((issued.ticket.number.clone(), issued.waiting_ahead));
                ok.push(issued.ticket.number);
            }
            Err(Error::Invalid(msg)) => {
                assert!(msg.contains("tạm ngưng"), "{msg}");
                refused += 1;
            }
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    assert_eq!(refused, 5, "the 5 requests for the closed service");
    ok.sort();
    // 145 tickets: the two open services share them, each numbered 1..=n with no gap or duplicate.
    let a: Vec<&String> = ok.iter().filter(|n| n.starts_with(&s.services[0].prefix)).collect();
    let b: Vec<&String> = ok.iter().filter(|n| n.starts_with(&s.services[1].prefix)).collect();
    assert_eq!(a.len() + b.len(), 145);
    for (list, prefix) in [(&a, &s.services[0].prefix), (&b, &s.services[1].prefix)] {
        let expected: Vec<String> = (1..=list.len()).map(|n| format!("{prefix}{n:03}")).collect();
        assert_eq!(list.iter().map(|s| s.to_string()).collect::<Vec<_>>(), expected);
    }
    // Nobody was called: each citizen is told that every earlier ticket of their
    // service waits ahead, whichever batch it was committed in.
    told.sort();
    for prefix in [&s.services[0].prefix, &s.services[1].prefix] {
        let ahead: Vec<i64> = told.iter().filter(|(n, _)| n.starts_with(prefix.as_str())).map(|(_, a)| *a).collect();
        assert_eq!(ahead, (0..ahead.len() as i64).collect::<Vec<_>>(), "people ahead in {prefix}");
    }
    // Every ticket has its event and its own audit row, with its own actor.
    assert_eq!(common::audit_count(&t.db).await - audit_before, 145 + 1, "145 issues and the service update");
    let filter = store::audit::Filter { action: Some("queue.ticket.issue".into()), limit: 500, ..Default::default() };
    let rows = store::audit::list(&t.db, &filter).await.unwrap();
    let actors: HashSet<&str> = rows.iter().map(|r| r.actor_name.as_str()).collect();
    assert_eq!(actors.len(), 145, "one audit row per request, with its actor");
    let first = store::queue::ticket_today(&t.db, s.center.id, &format!("{}001", s.services[0].prefix), T0)
        .await
        .unwrap()
        .unwrap();
    let events = store::queue::events(&t.db, first.id).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, "issued");
}

/// Two identical centers: one is called in batches, the other call by call,
/// with the same requests in the same order (different work profiles and
/// call orders, priority tickets under an interleaved rule, a ticket
/// transferred to one counter, an unknown counter). Every call gets the same
/// ticket number, and the counters end with the same rule state.
#[tokio::test]
async fn a_batch_of_calls_chooses_as_the_calls_made_one_by_one() {
    let t = common::fresh_db().await;
    let a = Actor::system();
    let (mut sides, mut moved_numbers) = (Vec::new(), Vec::new());
    for code in ["C-BATCH", "C-SINGLE"] {
        let s =
            center(&t.db, code, PriorityRule::Interleaved { every: 3 }, NumberingMode::DailyReset, &["HT", "CT", "DD"])
                .await;
        let k1 = counter(&t.db, &s, "1", &[0, 1]).await;
        let k2 = counter(&t.db, &s, "2", &[1, 2]).await;
        let new = NewCounter {
            code: "3".into(),
            name: "Quầy 3".into(),
            order: CallOrder::LongestWait,
            services: vec![s.services[2].id, s.services[0].id],
        };
        let k3 = queue::create_counter(&t.db, &a, s.center.id, new, T0).await.unwrap();
        for i in 0..40 {
            let prio = (i % 5 == 0).then_some(Priority::NguoiCaoTuoi);
            issue(&t.db, s.services[(i * 7 % 3) as usize].id, prio, T0 + i * 1000).await;
        }
        // One ticket goes to counter 2 only.
        let moved = issue(&t.db, s.services[0].id, None, T0 + 50_000).await;
        visit::call_ticket(&t.db, &a, moved.id, k1.id, T0 + 60_000).await.unwrap();
        visit::transfer(&t.db, &a, moved.id, TransferTarget::Counter(k2.id), T0 + 70_000).await.unwrap();
        sides.push([k1.id, k2.id, k3.id]);
        moved_numbers.push(moved.number);
    }
    let at = T0 + 10 * MIN;
    // Counter ids as indexes into each side's counters; 3 is an unknown counter.
    let script = [0, 1, 1, 2, 0, 0, 3, 2, 1, 0, 2, 2, 0, 1, 0, 0, 1, 2, 2, 0, 1, 1, 0, 2, 0, 0, 1];
    let pick = |side: usize, i: usize| sides[side].get(i).copied().unwrap_or(i64::MAX);
    let reqs: Vec<call::CallRequest> =
        script.iter().map(|&i| call::CallRequest { actor: a.clone(), counter_id: pick(0, i), at }).collect();
    let batched = call::call_batch(&t.db, &reqs).await.unwrap();
    let mut single = Vec::new();
    for &i in &script {
        single.push(call::call_next(&t.db, &a, pick(1, i), at).await);
    }
    let show = |r: &store::Result<Option<queue::Ticket>>| match r {
        Ok(Some(t)) => t.number.clone(),
        Ok(None) => "none".into(),
        Err(Error::NotFound(_)) => "not found".into(),
        Err(e) => format!("error {e}"),
    };
    let batched: Vec<String> = batched.iter().map(show).collect();
    let single: Vec<String> = single.iter().map(show).collect();
    assert_eq!(batched, single);
    // The first call of counter 2 (script[1]) gets the ticket transferred to it.
    assert_eq!(batched[1], moved_numbers[0], "the transferred ticket leads at its counter: {batched:?}");
    assert!(batched.iter().filter(|n| n.as_str() == "none").count() < 3, "the script drains the line: {batched:?}");
    for (x, y) in sides[0].iter().zip(&sides[1]) {
        let (kx, ky) = (queue::counter(&t.db, *x).await.unwrap(), queue::counter(&t.db, *y).await.unwrap());
        assert_eq!(kx.normal_streak, ky.normal_streak, "counter {} keeps the same rule state", kx.code);
    }
}

/// Counters calling through one group-commit [`queue::Caller`] at once:
/// every ticket is called exactly once, with its event and audit row.
#[tokio::test]
async fn counters_calling_through_the_group_commit_never_share_a_ticket() {
    let t = common::fresh_db().await;
    let counters = busy_center(&t.db, "C-GROUP", 300, Priority::PhuNuMangThai).await;
    let caller = queue::Caller::start(t.db.clone());
    let mut handles = Vec::new();
    for k in counters {
        for _ in 0..4 {
            let caller = caller.clone();
            handles.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                while let Some(tk) = caller.call_next(&Actor::system(), k, T0 + 60 * MIN).await.unwrap() {
                    assert_eq!((tk.counter_id, tk.state.as_str()), (Some(k), "called"));
                    mine.push(tk.id);
                }
                mine
            }));
        }
    }
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.unwrap());
    }
    let unique: HashSet<i64> = all.iter().copied().collect();
    assert_eq!((all.len(), unique.len()), (300, 300), "each ticket called exactly once");
    const SQL: &str = "SELECT (SELECT COUNT(*) FROM queue_events WHERE kind = 'called'),
                (SELECT COUNT(*) FROM audit_log WHERE action = 'queue.ticket.call')";
    let (events, audits): (i64, i64) = match t.db.writer() {
        store::Pool::Sqlite(p) => sqlx::query_as(SQL).fetch_one(p).await.unwrap(),
        store::Pool::Postgres(p) => sqlx::query_as(SQL).fetch_one(p).await.unwrap(),
    };
    assert_eq!((events, audits), (300, 300));
}

/// The waiting count of every service (`queue_waiting`, kept by triggers)
/// equals a count of its waiting tickets.
async fn assert_waiting_counts(db: &Db) {
    const SQL: &str = "SELECT s.id, COALESCE((SELECT n FROM queue_waiting w WHERE w.service_id = s.id), 0),
                (SELECT COUNT(*) FROM queue_visits v WHERE v.service_id = s.id AND v.state = 'waiting')
         FROM queue_services s ORDER BY s.id";
    let rows: Vec<(i64, i64, i64)> = match db.reader() {
        store::Pool::Sqlite(p) => sqlx::query_as(SQL).fetch_all(p).await.unwrap(),
        store::Pool::Postgres(p) => sqlx::query_as(SQL).fetch_all(p).await.unwrap(),
    };
    assert!(!rows.is_empty());
    for (service, kept, counted) in rows {
        assert_eq!(kept, counted, "waiting count of service {service}");
    }
}

#[tokio::test]
async fn waiting_counts_follow_every_move() {
    let t = common::fresh_db().await;
    let a = Actor::system();
    let s = center(&t.db, "C-COUNT", PriorityRule::Strict, NumberingMode::DailyReset, &["HT", "CT"]).await;
    let k1 = counter(&t.db, &s, "1", &[0, 1]).await;
    let k2 = counter(&t.db, &s, "2", &[1]).await;
    let mut tickets = Vec::new();
    for i in 0..12 {
        tickets.push(issue(&t.db, s.services[(i % 2) as usize].id, None, T0 + i * 1000).await);
    }
    let caller = queue::Caller::start(t.db.clone());
    let called = caller.call_next(&a, k1.id, T0 + MIN).await.unwrap().unwrap();
    visit::transfer(&t.db, &a, called.id, TransferTarget::Service(s.services[1].id), T0 + 2 * MIN).await.unwrap();
    let again = call::call_next(&t.db, &a, k2.id, T0 + 3 * MIN).await.unwrap().unwrap();
    visit::park(&t.db, &a, again.id, T0 + 4 * MIN).await.unwrap();
    assert_waiting_counts(&t.db).await;
    visit::unpark(&t.db, &a, again.id, T0 + 5 * MIN).await.unwrap();
    let third = caller.call_next(&a, k1.id, T0 + 6 * MIN).await.unwrap().unwrap();
    visit::transfer(&t.db, &a, third.id, TransferTarget::Counter(k2.id), T0 + 7 * MIN).await.unwrap();
    visit::call_ticket(&t.db, &a, tickets[11].id, k2.id, T0 + 8 * MIN).await.unwrap();
    assert_waiting_counts(&t.db).await;
    let req = IssueRequest { service_id: s.services[0].id, priority: None, citizen_id: None };
    let issued = visit::issue(&t.db, &a, req, T0 + 9 * MIN).await.unwrap();
    let waiting_hs = queue::view::waiting_for_service(&t.db, s.services[0].id).await.unwrap().len();
    assert_eq!(
        issued.waiting_ahead as usize + 1,
        waiting_hs,
        "a new ticket has every other waiting ticket of its service ahead"
    );
    assert_waiting_counts(&t.db).await;
}
