//! The fast paths of the dossier list and reports (migration 0015) against
//! naive recounts on the same data: the report and the 766 preview from the
//! trigger-kept rollup equal a live aggregate over the dossiers, for every
//! grouping, scope and period end (including ends that cut through running
//! dossiers), after inserts, workflow-like updates, unit moves, deletes and
//! component files; the list's merged per-unit pages and its total equal a
//! plain `ORDER BY … LIMIT` and `COUNT(*)`.

use chrono::{Days, NaiveDate};
use store::dossier::report::{GroupBy, Period};
use store::dossier::{ListFilter, ListSort};

use crate::common::TestApp;

/// Runs statements on the test database (either backend).
async fn exec(app: &TestApp, sql: &[&str]) {
    for s in sql {
        // A one-byte blob, as each backend writes it.
        let s = &match app.db.writer() {
            store::Pool::Sqlite(_) => s.to_string(),
            store::Pool::Postgres(_) => s.replace("X'00'", "'\\x00'::bytea"),
        };
        match app.db.writer() {
            store::Pool::Sqlite(p) => sqlx::query(s.as_str()).execute(p).await.map(|_| ()),
            store::Pool::Postgres(p) => sqlx::query(s.as_str()).execute(p).await.map(|_| ()),
        }
        .unwrap_or_else(|e| panic!("{s}: {e}"));
    }
}

async fn ids(app: &TestApp, sql: &str) -> Vec<i64> {
    match app.db.reader() {
        store::Pool::Sqlite(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
        store::Pool::Postgres(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
    }
}

async fn scope(app: &TestApp, code: &str) -> Vec<i64> {
    let today = domain::time::local_date(chrono::Utc::now());
    let unit = store::unit::by_code(&app.db, code, today).await.unwrap().unwrap();
    store::unit::scope_units(&app.db, &[unit.id]).await.unwrap()
}

/// Generates a year of dossiers and changes them the ways the workflow and the portal do, so
/// the triggers' update, delete and file paths all run.
async fn stir(app: &TestApp) {
    let made = store::dossier::generate::generate(&app.db, &store::audit::Actor::system(), 3000, store::now_ms(), 7)
        .await
        .unwrap();
    assert_eq!(made, 3000);
    exec(
        app,
        &[
            // Ratings (5.4 dislikes), e-results, a second supplement request.
            "UPDATE dossiers SET rating = 1 + (id % 5) WHERE id % 7 = 0 AND finished_at IS NOT NULL",
            "UPDATE dossiers SET has_e_result = TRUE WHERE id % 5 = 0",
            "UPDATE dossiers SET supplement_count = 2 WHERE id % 11 = 0",
            // Waiting on a supplement (status 5: finished for 2.1 at its last change).
            "UPDATE dossiers SET status = 5, updated_at = received_at + 3600000 WHERE finished_at IS NULL AND id % 3 = 0",
            // Some finish now, some are re-opened (finish undone), one moves unit, some go.
            "UPDATE dossiers SET finished_at = due_at - 60000, timeliness = 'on_time', status = 9
             WHERE finished_at IS NULL AND ended_at IS NULL AND due_at IS NOT NULL AND id % 3 = 1",
            "UPDATE dossiers SET finished_at = NULL, timeliness = NULL, status = 4 WHERE id % 97 = 0",
            "UPDATE dossiers SET due_at = NULL, due_without_extension_at = NULL WHERE id % 89 = 0",
            "UPDATE dossiers SET unit_id = (SELECT MIN(unit_id) FROM dossiers) WHERE id % 53 = 0",
            "DELETE FROM dossiers WHERE id % 101 = 0
             AND NOT EXISTS (SELECT 1 FROM dossier_events e WHERE e.dossier_id = dossiers.id)
             AND NOT EXISTS (SELECT 1 FROM dossier_steps e WHERE e.dossier_id = dossiers.id)
             AND NOT EXISTS (SELECT 1 FROM dossier_pauses e WHERE e.dossier_id = dossiers.id)
             AND NOT EXISTS (SELECT 1 FROM dossier_extensions e WHERE e.dossier_id = dossiers.id)
             AND NOT EXISTS (SELECT 1 FROM dossier_files e WHERE e.dossier_id = dossiers.id)
             AND NOT EXISTS (SELECT 1 FROM dossier_alerts e WHERE e.dossier_id = dossiers.id)
             AND NOT EXISTS (SELECT 1 FROM dossier_contacts e WHERE e.dossier_id = dossiers.id)",
            // Component files (4.2), one of them removed again.
            "INSERT INTO dossier_files (dossier_id, purpose, component, file_name, mime, size, sha256, content, uploaded_at)
             SELECT id, 'component', 'Tờ khai', 'a.pdf', 'application/pdf', 1, 'x', X'00', received_at
             FROM dossiers WHERE id % 4 = 0",
            "INSERT INTO dossier_files (dossier_id, purpose, component, file_name, mime, size, sha256, content, uploaded_at)
             SELECT id, 'result', 'Kết quả', 'r.pdf', 'application/pdf', 1, 'x', X'00', received_at
             FROM dossiers WHERE id % 6 = 0",
            "DELETE FROM dossier_files WHERE dossier_id % 8 = 0 AND purpose = 'component'",
        ],
    )
    .await;
}

#[tokio::test]
async fn the_rollup_report_equals_a_live_recount() {
    let app = TestApp::spawn().await;
    stir(&app).await;
    let today = domain::time::local_date(chrono::Utc::now());
    let ago = |n: u64| today.checked_sub_days(Days::new(n)).unwrap();
    let periods: Vec<(NaiveDate, NaiveDate)> = vec![
        (ago(364), today),
        (ago(364), ago(3)),
        (ago(200), ago(150)),
        (ago(10), ago(10)),
        (ago(40), today.checked_add_days(Days::new(30)).unwrap()),
    ];
    let mut compared = 0;
    for code in ["92", "31342", "31369"] {
        let units = scope(&app, code).await;
        for &(from, to) in &periods {
            let period = Period::new(from, to).unwrap();
            for by in [GroupBy::Unit, GroupBy::Field, GroupBy::Procedure, GroupBy::Month] {
                let fast = store::dossier::report::report(&app.db, &units, period, by).await.unwrap();
                let live = store::dossier::report::report_live(&app.db, &units, period, by).await.unwrap();
                assert_eq!(fast, live, "{code} {from}–{to} {by:?}");
                compared += fast.total.received;
            }
            let fast = store::dossier::report::report_766(&app.db, &units, period).await.unwrap();
            let live = store::dossier::report::r766::report_766_live(&app.db, &units, period).await.unwrap();
            assert_eq!(fast, live, "766 {code} {from}–{to}");
        }
    }
    assert!(compared > 1000, "the comparison saw dossiers: {compared}");
    // The 766 inputs exercised what the stirring set.
    let units = scope(&app, "92").await;
    let r = store::dossier::report::report_766(&app.db, &units, Period::new(ago(364), today).unwrap()).await.unwrap();
    let s = r.inputs.satisfaction.unwrap();
    assert!(s.complained_or_disliked > 0, "dislikes counted");
    assert!(r.inputs.digitised.unwrap().numerator > 0, "digitised counted");

    // A dossier received through the workflow afterwards moves the rollup too.
    let before = store::dossier::report::report(&app.db, &units, Period::new(ago(1), today).unwrap(), GroupBy::None)
        .await
        .unwrap();
    let tanhoa = store::unit::by_code(&app.db, "31342", today).await.unwrap().unwrap();
    let code = store::dossier::generate::ensure_procedures(&app.db, &store::audit::Actor::system()).await.unwrap()[0]
        .code
        .clone();
    let new = store::dossier::NewDossier {
        unit_id: tanhoa.id,
        agency: "31342".into(),
        procedure_code: code,
        applicant: store::dossier::Applicant {
            name: "Lý Văn Tốc".into(), id_number: None, phone: None, address: None
        },
        channel: domain::dossier::Channel::Online,
    };
    store::dossier::receive(&app.db, &store::audit::Actor::system(), new, store::now_ms()).await.unwrap();
    let period = Period::new(ago(1), today).unwrap();
    let after = store::dossier::report::report(&app.db, &units, period, GroupBy::None).await.unwrap();
    assert_eq!(after.total.received, before.total.received + 1);
    assert_eq!(after, store::dossier::report::report_live(&app.db, &units, period, GroupBy::None).await.unwrap());
}

#[tokio::test]
async fn the_merged_list_equals_a_plain_sort_and_its_total_a_count() {
    let app = TestApp::spawn().await;
    stir(&app).await;
    let now = store::now_ms();
    for code in ["92", "31342"] {
        let units = scope(&app, code).await;
        let list: Vec<String> = units.iter().map(i64::to_string).collect();
        let inlist = list.join(", ");
        let count = ids(&app, &format!("SELECT COUNT(*) FROM dossiers WHERE unit_id IN ({inlist})")).await[0];
        assert!(count > 100, "{code} has dossiers: {count}");
        for sort in [ListSort::Due, ListSort::DueDesc, ListSort::Received, ListSort::ReceivedDesc] {
            for (limit, offset) in [(50, 0), (20, 35), (200, 1000)] {
                let f = ListFilter { units: Some(units.clone()), sort, now, limit, offset, ..ListFilter::default() };
                let page = store::dossier::list(&app.db, &f).await.unwrap();
                assert_eq!(page.total, count, "{code}: the total from the unit counts");
                let order = match sort {
                    ListSort::Due => "due_at IS NULL, due_at, id",
                    ListSort::DueDesc => "due_at IS NULL DESC, due_at DESC, id DESC",
                    ListSort::Received => "received_at, id",
                    ListSort::ReceivedDesc => "received_at DESC, id DESC",
                };
                let naive = ids(
                    &app,
                    &format!(
                        "SELECT id FROM dossiers WHERE unit_id IN ({inlist}) ORDER BY {order} LIMIT {limit} OFFSET {offset}"
                    ),
                )
                .await;
                let got: Vec<i64> = page.items.iter().map(|d| d.id).collect();
                assert_eq!(got, naive, "{code} {sort:?} {limit}+{offset}");
            }
        }
        // With a filter the total is a count of the filtered rows.
        let f = ListFilter { units: Some(units.clone()), status: Some(10), now, limit: 10, ..ListFilter::default() };
        let page = store::dossier::list(&app.db, &f).await.unwrap();
        let n =
            ids(&app, &format!("SELECT COUNT(*) FROM dossiers WHERE unit_id IN ({inlist}) AND status = 10")).await[0];
        assert_eq!(page.total, n);
        assert!(page.items.iter().all(|d| d.status == 10));
    }
    // Unrestricted: every dossier.
    let f = ListFilter { units: None, now, limit: 5, ..ListFilter::default() };
    let all = ids(&app, "SELECT COUNT(*) FROM dossiers").await[0];
    assert_eq!(store::dossier::list(&app.db, &f).await.unwrap().total, all);
}
