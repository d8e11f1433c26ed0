//! Tests of the lunar calendar against published dates and the direct algorithm.

use super::*;
use proptest::prelude::*;

/// UTC+8: the Chinese calendar.
fn china() -> &'static LunarCalendar {
    static CHINA: OnceLock<LunarCalendar> = OnceLock::new();
    CHINA.get_or_init(|| LunarCalendar::new(480))
}

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn lunar(year: i32, month: u32, day: u32, leap: bool) -> LunarDate {
    LunarDate { year, month, day, leap }
}

#[test]
fn tet_in_recent_years() {
    // Dates of lunar New Year's Day as published in Vietnamese calendars.
    for (year, date) in [
        (1900, "1900-01-31"),
        (1975, "1975-02-11"),
        (2000, "2000-02-05"),
        (2020, "2020-01-25"),
        (2023, "2023-01-22"),
        (2024, "2024-02-10"),
        (2025, "2025-01-29"),
        (2026, "2026-02-17"),
    ] {
        assert_eq!(to_solar(lunar(year, 1, 1, false)).unwrap(), d(date), "{year}");
        assert_eq!(LunarCalendar::vietnam().new_year(year).unwrap(), d(date), "{year}");
    }
}

#[test]
fn tet_where_utc8_differs() {
    // calendar.md §4.3: Vietnam (UTC+7) / China (UTC+8).
    for (year, vn, cn) in [
        (1903, "1903-01-28", "1903-01-29"),
        (1916, "1916-02-03", "1916-02-04"),
        (1935, "1935-02-03", "1935-02-04"),
        (1965, "1965-02-01", "1965-02-02"),
        (1968, "1968-01-29", "1968-01-30"),
        (1969, "1969-02-16", "1969-02-17"),
        (1985, "1985-01-21", "1985-02-20"),
        (2007, "2007-02-17", "2007-02-18"),
        (2030, "2030-02-02", "2030-02-03"),
        (2053, "2053-02-18", "2053-02-19"),
    ] {
        assert_eq!(LunarCalendar::vietnam().new_year(year).unwrap(), d(vn), "{year}");
        assert_eq!(china().new_year(year).unwrap(), d(cn), "{year} in China");
        let l = to_lunar(d(vn)).unwrap();
        assert_eq!((l.year, l.month, l.day, l.leap), (year, 1, 1, false));
    }
}

#[test]
fn hung_kings_where_utc8_differs() {
    for (year, vn, cn) in [
        (1916, "1916-04-11", "1916-04-12"),
        (1917, "1917-04-01", "1917-04-30"),
        (1939, "1939-04-28", "1939-04-29"),
        (1975, "1975-04-20", "1975-04-21"),
        (2009, "2009-04-04", "2009-04-05"),
        (2037, "2037-04-24", "2037-04-25"),
        (2038, "2038-04-13", "2038-04-14"),
        (2085, "2085-04-03", "2085-04-04"),
        (2086, "2086-04-22", "2086-04-23"),
        (2095, "2095-04-13", "2095-04-14"),
        (2100, "2100-04-18", "2100-04-19"),
    ] {
        let date = lunar(year, 3, 10, false);
        assert_eq!(to_solar(date).unwrap(), d(vn), "{year}");
        assert_eq!(china().to_solar(date).unwrap(), d(cn), "{year} in China");
    }
    assert_eq!(to_solar(lunar(2026, 3, 10, false)).unwrap(), d("2026-04-26"));
}

#[test]
fn tet_agrees_with_china_outside_the_listed_years() {
    // calendar.md lists every year of 1900–2100 where Tết differs; no other may.
    let differing = [1903, 1916, 1935, 1965, 1968, 1969, 1985, 2007, 2030, 2053];
    for year in 1900..=2100 {
        let vn = LunarCalendar::vietnam().new_year(year).unwrap();
        let cn = china().new_year(year).unwrap();
        assert_eq!(vn != cn, differing.contains(&year), "{year}: {vn} vs {cn}");
    }
}

#[test]
fn leap_months_1984_1985() {
    // China: leap 10th month in 1984; Vietnam: leap 2nd month in 1985.
    assert_eq!(china().leap_month(1984), Some(10));
    assert_eq!(LunarCalendar::vietnam().leap_month(1984), None);
    assert_eq!(LunarCalendar::vietnam().leap_month(1985), Some(2));
    assert_eq!(LunarCalendar::vietnam().leap_month(2023), Some(2));
    assert_eq!(LunarCalendar::vietnam().leap_month(2025), Some(6));
    assert_eq!(LunarCalendar::vietnam().leap_month(2026), None);
    // The leap month follows its namesake.
    let m2 = to_solar(lunar(2023, 2, 1, false)).unwrap();
    let leap2 = to_solar(lunar(2023, 2, 1, true)).unwrap();
    let m3 = to_solar(lunar(2023, 3, 1, false)).unwrap();
    assert!(m2 < leap2 && leap2 < m3);
    assert_eq!(to_lunar(leap2).unwrap(), lunar(2023, 2, 1, true));
}

#[test]
fn year_names() {
    assert_eq!(year_name(2026), "Bính Ngọ");
    assert_eq!(year_name(2025), "Ất Tỵ");
    assert_eq!(year_name(2024), "Giáp Thìn");
    assert_eq!(year_name(2023), "Quý Mão");
    assert_eq!(year_name(1985), "Ất Sửu");
    assert_eq!(year_name(2007), "Đinh Hợi");
    assert_eq!(year_name(1984), "Giáp Tý");
}

#[test]
fn impossible_lunar_dates_are_errors() {
    // 2026 has no leap month.
    let e = to_solar(lunar(2026, 1, 1, true)).unwrap_err();
    assert!(matches!(e, Error::InvalidLunarDate(_)), "{e}");
    assert!(e.to_string().contains("no leap month"), "{e}");
    // 2025's leap month is the 6th, not the 5th.
    let e = to_solar(lunar(2025, 5, 1, true)).unwrap_err();
    assert!(e.to_string().contains("only leap month 6"), "{e}");
    // Find a 29-day month and ask for its 30th day.
    let short =
        (1..=12).find(|&m| to_solar(lunar(2026, m, 30, false)).is_err()).expect("a lunar year has 29-day months");
    let e = to_solar(lunar(2026, short, 30, false)).unwrap_err();
    assert!(e.to_string().contains("has 29 days"), "{e}");
    assert!(to_solar(lunar(2026, 13, 1, false)).is_err());
    assert!(to_solar(lunar(2026, 0, 1, false)).is_err());
    assert!(to_solar(lunar(2026, 1, 0, false)).is_err());
    assert!(matches!(to_solar(lunar(2400, 1, 1, false)), Err(Error::OutOfRange(_))));
    assert!(matches!(to_lunar(d("1899-12-31")), Err(Error::OutOfRange(_))));
    assert!(matches!(to_lunar(d("2200-01-01")), Err(Error::OutOfRange(_))));
}

#[test]
fn round_trip_every_day_1900_2199() {
    let cal = LunarCalendar::vietnam();
    let first = Date::ymd(FIRST_YEAR, 1, 1).day_number();
    let last = Date::ymd(LAST_YEAR, 12, 31).day_number();
    let mut prev: Option<LunarDate> = None;
    for n in first..=last {
        let date = Date::from_day_number(n);
        let l = cal.to_lunar(date).unwrap();
        assert_eq!(cal.to_solar(l).unwrap(), date, "{date} -> {l}");
        // Consecutive days either advance the day or start a new month on day 1.
        if let Some(p) = prev {
            let next_day = l.day == p.day + 1 && (l.month, l.leap, l.year) == (p.month, p.leap, p.year);
            assert!(next_day || l.day == 1, "{date}: {p} -> {l}");
            assert!((1..=30).contains(&l.day) && (1..=12).contains(&l.month));
        }
        prev = Some(l);
    }
}

#[test]
fn table_matches_direct_algorithm() {
    // The table is the algorithm evaluated once; sample it against the
    // step-by-step conversion at both offsets.
    for (cal, tz) in [(LunarCalendar::vietnam(), 420), (china(), 480)] {
        let first = Date::ymd(FIRST_YEAR, 1, 1).day_number();
        let last = Date::ymd(LAST_YEAR, 12, 31).day_number();
        for n in (first..=last).step_by(97) {
            let date = Date::from_day_number(n);
            let l = cal.to_lunar(date).unwrap();
            let (y, m, dd, leap) = astro::solar_to_lunar(date, tz);
            assert_eq!(l, lunar(y, m, dd, leap), "{date} at {tz}");
            assert_eq!(astro::lunar_to_solar(y, m, dd, leap, tz), Some(date));
        }
    }
}

proptest! {
    #[test]
    fn solar_lunar_solar(n in Date::ymd(1900, 1, 1).day_number()..=Date::ymd(2199, 12, 31).day_number()) {
        let date = Date::from_day_number(n);
        let l = to_lunar(date).unwrap();
        prop_assert_eq!(to_solar(l).unwrap(), date);
        prop_assert_eq!(astro::solar_to_lunar(date, 420), (l.year, l.month, l.day, l.leap));
    }
}
