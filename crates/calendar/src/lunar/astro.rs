//! Hồ Ngọc Đức's lunar-calendar algorithm ("Âm lịch Việt Nam"), step by step.
//!
//! These are the building blocks named in the published algorithm:
//! the Julian day number of a date, the day of the k-th new moon in a time
//! zone (a truncated astronomical series, floored to a local day), the sun's
//! longitude sector at local midnight, the start of lunar month 11 (the
//! month holding the winter solstice) and the position of the leap month.
//! [`solar_to_lunar`] and [`lunar_to_solar`] are the direct conversions, used
//! by the tests as the reference for the month tables in the parent module.
//!
//! The time zone is a parameter in minutes east of UTC: Vietnam's calendar is
//! computed at UTC+7 (420), China's at UTC+8 (480). Only Gregorian dates are
//! handled (the crate's range starts in 1900).

use std::f64::consts::PI;

use crate::date::Date;

/// Julian day number of 1970-01-01.
const JD_UNIX_EPOCH: i64 = 2_440_588;
/// Julian day of the first new moon of the series (1900-01-01 13:52 UTC), as in the algorithm.
const NEW_MOON_EPOCH: f64 = 2_415_021.076_998_695;
/// Mean length of a synodic month, in days.
const SYNODIC_MONTH: f64 = 29.530_588_853;

/// The Julian day number of a (Gregorian) date.
#[must_use]
pub fn jd_from_date(date: Date) -> i64 {
    i64::from(date.day_number()) + JD_UNIX_EPOCH
}

/// The (Gregorian) date of a Julian day number.
#[must_use]
pub fn date_from_jd(jd: i64) -> Date {
    Date::from_day_number((jd - JD_UNIX_EPOCH) as i32)
}

/// The time zone as a fraction of a day.
fn zone_days(tz_minutes: i32) -> f64 {
    f64::from(tz_minutes) / 1440.0
}

/// The Julian day (with fraction, UTC) of the k-th new moon after 1900-01-01.
fn new_moon(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = PI / 180.0;
    let mut jd1 = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd1 += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * dr).sin();
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3;
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3;
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3;
    let mut c1 = (0.1734 - 0.000_393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 = c1 - 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 = c1 + 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 = c1 - 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 = c1 - 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 = c1 + 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    let deltat = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    jd1 + c1 - deltat
}

/// The local Julian day number on which the k-th new moon falls (`getNewMoonDay`).
#[must_use]
pub fn new_moon_day(k: i64, tz_minutes: i32) -> i64 {
    (new_moon(k) + 0.5 + zone_days(tz_minutes)).floor() as i64
}

/// The sun's ecliptic longitude in radians, normalised to [0, 2π), at Julian day `jdn` (UTC).
fn sun_longitude(jdn: f64) -> f64 {
    let t = (jdn - 2_451_545.0) / 36_525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let mut dl = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (dr * m).sin();
    dl += (0.019_993 - 0.000_101 * t) * (dr * 2.0 * m).sin() + 0.000_290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    l - 2.0 * PI * (l / (2.0 * PI)).floor()
}

/// The 30° sector (0–11) of the sun's longitude at local midnight starting day `jd`
/// (`getSunLongitude`): sector 9 holds the winter solstice.
#[must_use]
pub fn sun_sector(jd: i64, tz_minutes: i32) -> i64 {
    (sun_longitude(jd as f64 - 0.5 - zone_days(tz_minutes)) / PI * 6.0).floor() as i64
}

/// The local Julian day on which lunar month 11 begins in the Gregorian year
/// `year`: the new moon that starts the month holding the winter solstice
/// (`getLunarMonth11`).
#[must_use]
pub fn lunar_month_11(year: i32, tz_minutes: i32) -> i64 {
    let off = jd_from_date(Date::ymd(year, 12, 31)) - 2_415_021;
    let k = (off as f64 / SYNODIC_MONTH).floor() as i64;
    let nm = new_moon_day(k, tz_minutes);
    if sun_sector(nm, tz_minutes) >= 9 { new_moon_day(k - 1, tz_minutes) } else { nm }
}

/// Index of the new moon that begins on local day `a11` (the k of [`new_moon_day`]).
#[must_use]
pub fn new_moon_index(a11: i64) -> i64 {
    ((a11 as f64 - NEW_MOON_EPOCH) / SYNODIC_MONTH + 0.5).floor() as i64
}

/// In a 13-month lunar year starting at month 11 on day `a11`, the offset
/// (counted in months from month 11) of the leap month: the first month in
/// which the sun does not enter a new sector (`getLeapMonthOffset`).
#[must_use]
pub fn leap_month_offset(a11: i64, tz_minutes: i32) -> i64 {
    let k = new_moon_index(a11);
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i, tz_minutes), tz_minutes);
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i, tz_minutes), tz_minutes);
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

/// A lunar date as the algorithm returns it: (year, month, day, leap).
pub type RawLunar = (i32, u32, u32, bool);

/// Direct solar → lunar conversion (`convertSolar2Lunar`).
#[must_use]
pub fn solar_to_lunar(date: Date, tz_minutes: i32) -> RawLunar {
    let yy = date.year();
    let day_number = jd_from_date(date);
    let k = ((day_number as f64 - NEW_MOON_EPOCH) / SYNODIC_MONTH).floor() as i64;
    let mut month_start = new_moon_day(k + 1, tz_minutes);
    if month_start > day_number {
        month_start = new_moon_day(k, tz_minutes);
    }
    let mut a11 = lunar_month_11(yy, tz_minutes);
    let mut b11 = a11;
    let mut lunar_year;
    if a11 >= month_start {
        lunar_year = yy;
        a11 = lunar_month_11(yy - 1, tz_minutes);
    } else {
        lunar_year = yy + 1;
        b11 = lunar_month_11(yy + 1, tz_minutes);
    }
    let lunar_day = (day_number - month_start + 1) as u32;
    let diff = (month_start - a11) / 29;
    let mut leap = false;
    let mut lunar_month = diff + 11;
    if b11 - a11 > 365 {
        let leap_diff = leap_month_offset(a11, tz_minutes);
        if diff >= leap_diff {
            lunar_month = diff + 10;
            leap = diff == leap_diff;
        }
    }
    if lunar_month > 12 {
        lunar_month -= 12;
    }
    if lunar_month >= 11 && diff < 4 {
        lunar_year -= 1;
    }
    (lunar_year, lunar_month as u32, lunar_day, leap)
}

/// Direct lunar → solar conversion (`convertLunar2Solar`). Returns `None`
/// for a leap month the year does not have. Like the published algorithm it
/// does not check the day against the month's length.
#[must_use]
pub fn lunar_to_solar(year: i32, month: u32, day: u32, leap: bool, tz_minutes: i32) -> Option<Date> {
    let (a11, b11) = if month < 11 {
        (lunar_month_11(year - 1, tz_minutes), lunar_month_11(year, tz_minutes))
    } else {
        (lunar_month_11(year, tz_minutes), lunar_month_11(year + 1, tz_minutes))
    };
    let k = new_moon_index(a11);
    let mut off = i64::from(month) - 11;
    if off < 0 {
        off += 12;
    }
    if b11 - a11 > 365 {
        let leap_off = leap_month_offset(a11, tz_minutes);
        let mut leap_month = leap_off - 2;
        if leap_month < 0 {
            leap_month += 12;
        }
        if leap && i64::from(month) != leap_month {
            return None;
        } else if leap || off >= leap_off {
            off += 1;
        }
    } else if leap {
        return None;
    }
    let month_start = new_moon_day(k + off, tz_minutes);
    Some(date_from_jd(month_start + i64::from(day) - 1))
}
