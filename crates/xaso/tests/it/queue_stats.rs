//! The queue statistics page and its CSV and XLSX exports, over real HTTP:
//! the figures shown and downloaded equal `store::queue::stats::report` for
//! the same local day, bad periods get a 4xx that says what to do, and the
//! center's unit scope is enforced.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;
use store::queue::stats::Report;

use crate::common::TestApp;

const CENTER: &str = "31342-TTPVHCC";

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 2, 13).unwrap()
}

/// The app with the demo centers and a generated day of history.
async fn app_with_history() -> TestApp {
    let app = TestApp::spawn().await;
    store::queue::demo::load_demo(&app.db, day()).await.unwrap();
    app
}

/// The report for the demo day, computed directly: local midnight to midnight at UTC+7.
async fn expected(app: &TestApp) -> Report {
    let center = store::queue::center_by_code(&app.db, CENTER).await.unwrap().unwrap();
    let start = day().and_hms_opt(0, 0, 0).unwrap().and_local_timezone(domain::time::vn_offset()).unwrap();
    let from = start.timestamp_millis();
    let r = store::queue::stats::report(&app.db, center.id, from, from + 86_400_000).await.unwrap();
    assert!(r.total.arrived > 20 && r.total.served > 0, "the demo day has history: {:?}", r.total);
    r
}

async fn get(c: &reqwest::Client, app: &TestApp, path: &str) -> reqwest::Response {
    c.get(app.url(path)).send().await.unwrap()
}

fn number(d: Option<&Data>) -> f64 {
    match d {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

#[tokio::test]
async fn stats_page_shows_the_reports_figures() {
    let app = app_with_history().await;
    let r = expected(&app).await;
    let c = app.login("motcua.tanhoa").await;
    // Both date spellings; `to` is inclusive.
    let resp = get(&c, &app, &format!("/queue/{CENTER}/stats?from=2026-02-13&to=13/02/2026")).await;
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.unwrap();
    let card = |label: &str, n: u64| format!("<dt>{label}</dt><dd class=\"value\">{n}</dd>");
    assert!(html.contains(&card("Lượt đến", r.total.arrived)), "arrived {} on the page", r.total.arrived);
    assert!(html.contains(&card("Đã phục vụ", r.total.served)), "served {} on the page", r.total.served);
    assert!(html.contains(&card("Vắng mặt", r.total.no_show)), "no-show {} on the page", r.total.no_show);
    assert!(html.contains("13/02/2026"), "the period in dd/MM/yyyy");
    // Charts are inline, accessible SVG; tables carry the same data.
    assert_eq!(html.matches("role=\"img\"").count(), 2, "two charts");
    assert!(html.contains("<title>Lượt đến theo giờ</title>"));
    for (code, s) in &r.by_service {
        let row = html.find(&format!("<th scope=\"row\">{code} – ")).unwrap_or_else(|| panic!("a row for {code}"));
        let cells: Vec<&str> = html[row..].split("</tr>").next().unwrap().split("<td class=\"num\">").skip(1).collect();
        assert_eq!(cells[2].trim_end_matches("</td>"), s.served.to_string(), "served of {code}");
    }
    let officer = store::user::find(&app.db, "motcua.tanhoa").await.unwrap().unwrap();
    if r.by_officer.iter().any(|(id, _)| *id == officer.id) {
        assert!(html.contains(&format!("<th scope=\"row\">{}</th>", officer.display_name)), "officers by name");
    }
    let html = html.replace("&#38;", "&").replace("&amp;", "&");
    let q = "from=2026-02-13&to=2026-02-13";
    assert!(html.contains(&format!("/queue/{CENTER}/stats.xlsx?{q}")) && html.contains(&format!("stats.csv?{q}")));
}

#[tokio::test]
async fn stats_xlsx_totals_equal_the_report() {
    let app = app_with_history().await;
    let r = expected(&app).await;
    let c = app.login("motcua.tanhoa").await;
    let resp = get(&c, &app, &format!("/queue/{CENTER}/stats.xlsx?from=13/02/2026&to=2026-02-13")).await;
    assert_eq!(resp.status(), 200);
    let h = resp.headers();
    assert_eq!(h["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert_eq!(h["content-disposition"], "attachment; filename=\"thong-ke-31342-TTPVHCC-2026-02-13.xlsx\"");
    let bytes = resp.bytes().await.unwrap().to_vec();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("a valid workbook");
    assert_eq!(wb.sheet_names(), ["Tổng hợp", "Theo dịch vụ", "Theo quầy", "Theo cán bộ", "Theo ngày", "Theo giờ"]);

    let summary = wb.worksheet_range("Tổng hợp").unwrap();
    let value = |label: &str| {
        let row = summary.rows().find(|row| row[0] == Data::String(label.into())).unwrap_or_else(|| panic!("{label}"));
        row[1].clone()
    };
    assert_eq!(value("Mã trung tâm"), Data::String(CENTER.into()));
    assert_eq!(value("Từ ngày"), Data::String("13/02/2026".into()));
    assert_eq!(number(Some(&value("Lượt đến"))), r.total.arrived as f64);
    assert_eq!(number(Some(&value("Đã phục vụ"))), r.total.served as f64);
    assert_eq!(number(Some(&value("Vắng mặt"))), r.total.no_show as f64);
    assert_eq!(number(Some(&value("Chờ quá chỉ tiêu (lượt)"))), r.total.over_target as f64);
    let avg_wait = number(Some(&value("Chờ trung bình (phút)")));
    assert!((avg_wait - r.total.avg_wait_ms as f64 / 60_000.0).abs() < 1e-9, "minutes, unrounded in the cell");
    let pct = number(Some(&value("Chờ quá chỉ tiêu (%)")));
    assert!((pct * 100.0 - r.total.over_target_pct).abs() < 1e-9, "an Excel percentage");
    assert_eq!(number(Some(&value("Lượt đánh giá"))), r.ratings as f64);

    let services = wb.worksheet_range("Theo dịch vụ").unwrap();
    assert_eq!(services.get((0, 1)), Some(&Data::String("Lượt đến".into())));
    assert_eq!(services.height() - 1, r.by_service.len());
    for (i, (code, s)) in r.by_service.iter().enumerate() {
        let label = services.get((i + 1, 0)).unwrap().to_string();
        assert!(label.starts_with(&format!("{code} – ")), "{label}");
        assert_eq!(number(services.get((i + 1, 1))), s.arrived as f64);
        assert_eq!(number(services.get((i + 1, 3))), s.served as f64);
    }
    let arrived: f64 = (1..services.height()).map(|i| number(services.get((i, 1)))).sum();
    assert_eq!(arrived, r.total.arrived as f64, "the services add up to the total");

    let counters = wb.worksheet_range("Theo quầy").unwrap();
    let idle_col = counters.rows().next().unwrap().iter().position(|h| h == "Thời gian rỗi (phút)").unwrap();
    let idle: f64 = (1..counters.height()).map(|i| number(counters.get((i, idle_col)))).sum();
    let expected_idle: i64 = r.idle_ms.iter().map(|(_, ms)| ms).sum();
    assert!((idle - expected_idle as f64 / 60_000.0).abs() < 1e-6, "idle minutes per counter");
    let hours = wb.worksheet_range("Theo giờ").unwrap();
    assert_eq!(hours.height() - 1, r.by_hour.len());
}

#[tokio::test]
async fn stats_csv_rows_match_the_report() {
    let app = app_with_history().await;
    let r = expected(&app).await;
    let c = app.login("motcua.tanhoa").await;
    let resp = get(&c, &app, &format!("/queue/{CENTER}/stats.csv?from=2026-02-13&to=2026-02-13")).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = resp.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.ends_with("filename=\"thong-ke-31342-TTPVHCC-2026-02-13.csv\""), "{disposition}");
    let bytes = resp.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let mut rd = csv::Reader::from_reader(&bytes[3..]);
    let header = rd.headers().unwrap().clone();
    assert_eq!(&header[0], "Nhóm");
    assert_eq!(&header[2], "Lượt đến");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("column {name}"));
    let (arrived, served, no_show) = (col("Lượt đến"), col("Đã phục vụ"), col("Vắng mặt"));
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    let total = &rows[0];
    assert_eq!(&total[0], "Tổng cộng");
    assert_eq!(total[arrived].parse::<u64>().unwrap(), r.total.arrived);
    assert_eq!(total[served].parse::<u64>().unwrap(), r.total.served);
    assert_eq!(total[no_show].parse::<u64>().unwrap(), r.total.no_show);
    let group = |name: &str| rows.iter().filter(|row| &row[0] == name).collect::<Vec<_>>();
    let services = group("Theo dịch vụ");
    assert_eq!(services.len(), r.by_service.len());
    for (row, (code, s)) in services.iter().zip(&r.by_service) {
        assert!(row[1].starts_with(&format!("{code} – ")), "{:?}", &row[1]);
        assert_eq!(row[served].parse::<u64>().unwrap(), s.served, "served of {code}");
        let target = row[col("Chỉ tiêu chờ (phút)")].parse::<i64>().unwrap();
        assert!(target > 0);
    }
    let hours = group("Theo giờ");
    assert_eq!(hours.len(), r.by_hour.len());
    for (row, (h, s)) in hours.iter().zip(&r.by_hour) {
        assert_eq!(&row[1], format!("{h:02}:00–{:02}:00", h + 1));
        assert_eq!(row[arrived].parse::<u64>().unwrap(), s.arrived);
        let wait: f64 = row[col("Chờ trung bình (phút)")].parse().unwrap_or(0.0);
        assert!((wait - s.avg_wait_ms as f64 / 60_000.0).abs() <= 0.05, "one decimal");
    }
    assert_eq!(group("Theo ngày").len(), 1);
    assert_eq!(&group("Theo ngày")[0][1], "13/02/2026");
    assert_eq!(group("Theo quầy").len(), 4);
}

#[tokio::test]
async fn stats_refuse_bad_periods_with_a_message() {
    let app = TestApp::spawn().await;
    store::queue::demo::load_demo(&app.db, day()).await.unwrap();
    let c = app.login("motcua.tanhoa").await;
    let resp = get(&c, &app, &format!("/queue/{CENTER}/stats?from=31/02/2026")).await;
    assert_eq!(resp.status(), 400);
    let html = resp.text().await.unwrap();
    assert!(html.contains("role=\"alert\""), "the error is announced");
    assert!(html.contains("31/02/2026") && html.contains("dd/mm/yyyy"), "says what was wrong and what to do");
    assert!(html.contains("aria-invalid=\"true\""), "next to the field");

    let resp = get(&c, &app, &format!("/queue/{CENTER}/stats.xlsx?from=2026-02-14&to=2026-02-13")).await;
    assert_eq!(resp.status(), 422);
    assert!(resp.text().await.unwrap().contains("14/02/2026"));
    let resp = get(&c, &app, &format!("/queue/{CENTER}/stats.csv?from=2025-01-01&to=2026-02-13")).await;
    assert_eq!(resp.status(), 422);
    assert!(resp.text().await.unwrap().contains("366"));
    let resp = c
        .get(app.url(&format!("/queue/{CENTER}/stats.csv?to=hôm-nay")))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("hôm-nay"), "{body}");
}

#[tokio::test]
async fn stats_are_scoped_to_the_centers_unit() {
    let app = TestApp::spawn().await;
    store::queue::demo::load_demo(&app.db, day()).await.unwrap();
    let other = app.login("motcua.thanhxuan").await;
    for path in ["stats", "stats.csv", "stats.xlsx"] {
        let resp = get(&other, &app, &format!("/queue/{CENTER}/{path}?from=2026-02-13")).await;
        assert_eq!(resp.status(), 403, "{path} of another commune's center");
    }
    // Bad dates do not reveal anything either: the scope is checked first.
    assert_eq!(get(&other, &app, &format!("/queue/{CENTER}/stats?from=x")).await.status(), 403);
    let own = get(&other, &app, "/queue/31360-TTPVHCC/stats?from=2026-02-13").await;
    assert_eq!(own.status(), 200, "their own center");
    assert_eq!(get(&other, &app, "/queue/NO-SUCH/stats").await.status(), 404);
    let anonymous = get(&app.client(), &app, &format!("/queue/{CENTER}/stats")).await;
    assert!(anonymous.status().is_redirection(), "a login is needed");
}
