//! Tests of the 766 preview: each indicator with figures worked out by hand
//! from decision-766.md's formulas (in the comment beside each), the
//! configuration's choices, and the total.

use super::*;

fn cfg() -> Config766 {
    Config766::default()
}

fn r(numerator: u64, denominator: u64) -> Ratio {
    Ratio { numerator, denominator }
}

/// (rate, points, max) of an indicator.
fn scored(i: &Indicator) -> (Option<f64>, Option<f64>, f64) {
    (i.rate, i.points, i.max)
}

#[test]
fn item_1_3_complete_publication() {
    // 45 of 50 published procedures complete: R = 90 %, linear 2 × 0.90 = 1.8.
    let i = ratio(Item::CompletePublication, r(45, 50), &cfg());
    assert_eq!((i.id.id(), i.numerator, i.denominator), ("1.3", 45.0, 50.0));
    assert_eq!(scored(&i), (Some(90.0), Some(1.8), 2.0));
    assert!(!i.estimated);
}

#[test]
fn item_1_4_synced_dossiers() {
    let c = SyncCounts {
        synced: 95,
        received_national: 100,
        received_dvcqg: 98,
        last_year_total: 0,
        period: Period::Month,
    };
    // 95 / max(100, 98) = 95 %, linear 6 × 0.95 = 5.7.
    assert_eq!(scored(&synced_dossiers(&c, &cfg())), (Some(95.0), Some(5.7), 6.0));
    // Nothing received: last year's 240 ÷ 12 = 20 a month; 15 / 20 = 75 % → 4.5.
    let quiet = SyncCounts { synced: 15, received_national: 0, received_dvcqg: 0, last_year_total: 240, ..c };
    let i = synced_dossiers(&quiet, &cfg());
    assert_eq!((i.denominator, scored(&i)), (20.0, (Some(75.0), Some(4.5), 6.0)));
    // ÷ 4 for a quarter: 15 / 60 = 25 % → 1.5.
    let q = synced_dossiers(&SyncCounts { period: Period::Quarter, ..quiet }, &cfg());
    assert_eq!((q.denominator, q.rate, q.points), (60.0, Some(25.0), Some(1.5)));
}

#[test]
fn item_2_1_on_time() {
    let c = OnTimeCounts { on_time: 180, late: 6, pending_within_time: 12, pending_late: 2 };
    // (180 + 12) / 200 = 96 %, 20 × 0.96 = 19.2.
    let i = on_time(&c, &cfg());
    assert_eq!((i.numerator, i.denominator), (192.0, 200.0));
    assert_eq!(scored(&i), (Some(96.0), Some(19.2), 20.0));
    let tally = OnTimeCounts::tally([
        Verdict766::OnTime,
        Verdict766::OnTime,
        Verdict766::Late,
        Verdict766::PendingWithinTime,
        Verdict766::PendingLate,
    ]);
    assert_eq!(tally, OnTimeCounts { on_time: 2, late: 1, pending_within_time: 1, pending_late: 1 });
    // 3 of 5 = 60 % → 12 points.
    assert_eq!(on_time(&tally, &cfg()).points, Some(12.0));
}

#[test]
fn item_2_2_average_time_is_tracked_not_scored() {
    // 37.5 working days over 15 completed dossiers = 2.5 on average.
    let i = average_time(&ProcessingTimes { total: 37.5, completed: 15 }, &cfg());
    assert_eq!(scored(&i), (Some(2.5), Some(0.0), 0.0));
    assert_eq!(average_time(&ProcessingTimes { total: 0.0, completed: 0 }, &cfg()).rate, None);
}

#[test]
fn item_3_1_online_procedures_full_at_80() {
    // 30 / 40 = 75 % < 80: 75 × 4 / 80 = 3.75 (4 points: the unconfirmed default split).
    let i = ratio(Item::OnlineProcedures, r(30, 40), &cfg());
    assert_eq!(scored(&i), (Some(75.0), Some(3.75), 4.0));
    assert!(i.estimated);
    // 36 / 40 = 90 % ≥ 80: full.
    assert_eq!(ratio(Item::OnlineProcedures, r(36, 40), &cfg()).points, Some(4.0));
}

#[test]
fn item_3_3_online_dossiers_scaled_by_the_sync_rate() {
    use crate::dossier::{Channel, ResultType};
    // A paper-result procedure's online dossier counts only with an e-result.
    assert!(counts_as_online(Channel::Online, ResultType::Paper, true));
    assert!(!counts_as_online(Channel::Online, ResultType::Paper, false));
    assert!(counts_as_online(Channel::Online, ResultType::Electronic, false));
    assert!(!counts_as_online(Channel::Counter, ResultType::Electronic, true));
    assert!(!counts_as_online(Channel::Post, ResultType::Electronic, true));
    // 120 / 300 = 40 %, × 0.95 synced = 38 % < 50: 38 × 4 / 50 = 3.04.
    let i = online_dossiers(&OnlineDossierCounts { online: 120, received: 300 }, 0.95, &cfg());
    assert_eq!((i.factor, scored(&i)), (0.95, (Some(38.0), Some(3.04), 4.0)));
    // 160 / 300 = 53.33 % fully synced: ≥ 50, full.
    let full = online_dossiers(&OnlineDossierCounts { online: 160, received: 300 }, 1.0, &cfg());
    assert_eq!(scored(&full), (Some(53.33), Some(4.0), 4.0));
}

#[test]
fn item_3_6_online_payments_and_the_group_3b_fit() {
    // 45 paid online; 80 fee dossiers of which 20 all-zero → 45 / 60 = 75 %, 6 × 0.75 = 4.5.
    let c = PaymentCounts { paid_online: 45, fee_dossiers: 80, zero_fee_dossiers: 20 };
    let i = online_payments(&c, &cfg());
    assert_eq!((i.denominator, scored(&i)), (60.0, (Some(75.0), Some(4.5), 6.0)));
    // Fit: 6·A + min(2, 2.5·B) + 2.5·C with A = 0.75, B = 0.6, C = 0.7:
    // 4.5 + 1.5 + 1.75 = 7.75.
    let b = ratio(Item::FeeProceduresPaidOnline, r(6, 10), &cfg());
    let cc = ratio(Item::FeeProceduresIntegrated, r(7, 10), &cfg());
    assert_eq!((b.points, cc.points), (Some(1.5), Some(1.75)));
    assert_eq!(i.points.unwrap() + b.points.unwrap() + cc.points.unwrap(), 7.75);
    // B = 0.9: min(2, 2.25) = 2.
    assert_eq!(ratio(Item::FeeProceduresPaidOnline, r(9, 10), &cfg()).points, Some(2.0));
}

#[test]
fn item_4_1_electronic_results() {
    // 50 / 64 = 78.125 → 78.13 %; linear (unconfirmed) 6 × 0.7813 = 4.6878 → 4.69.
    let i = ratio(Item::ElectronicResults, r(50, 64), &cfg());
    assert_eq!(scored(&i), (Some(78.13), Some(4.69), 6.0));
    assert!(i.estimated);
}

#[test]
fn item_4_2_digitised_with_its_conflict() {
    use crate::dossier::ResultType;
    assert!(counts_as_digitised(true, ResultType::Paper, true));
    assert!(!counts_as_digitised(true, ResultType::Paper, false));
    assert!(counts_as_digitised(true, ResultType::Electronic, false));
    assert!(!counts_as_digitised(false, ResultType::Electronic, true));
    // 70 / 100 = 70 %. Fitted default min(4, 4 × 0.7) = 2.8; the document's
    // "full at 80 %" would give 70 × 4 / 80 = 3.5.
    let i = ratio(Item::Digitised, r(70, 100), &cfg());
    assert_eq!(scored(&i), (Some(70.0), Some(2.8), 4.0));
    assert!(i.estimated, "the sources conflict");
    let mut doc = cfg();
    doc.rules.insert(
        Item::Digitised,
        Rule { max: 4.0, scoring: Scoring::Threshold { full_at: 80.0 }, status: Confirmation::Conflict },
    );
    assert_eq!(ratio(Item::Digitised, r(70, 100), &doc).points, Some(3.5));
}

#[test]
fn item_4_3_reuse_full_at_80() {
    // 60 / 100 = 60 %: min(2, 2 × 60 / 80) = 1.5; 85 % → 2.
    assert_eq!(scored(&ratio(Item::Reuse, r(60, 100), &cfg())), (Some(60.0), Some(1.5), 2.0));
    assert_eq!(ratio(Item::Reuse, r(85, 100), &cfg()).points, Some(2.0));
}

#[test]
fn item_5_4_satisfaction() {
    // 200 dossiers, 8 late (4 %), 2 complaints (1 %): 100 − 5 = 95 % ≥ 90 → 6.
    let c = SatisfactionCounts { dossiers: 200, late: 8, complained_or_disliked: 2 };
    let i = satisfaction(&c, &cfg());
    assert_eq!((i.numerator, scored(&i)), (190.0, (Some(95.0), Some(6.0), 6.0)));
    // 30 late (15 %), 10 complaints (5 %): 80 % → 80 × 6 / 90 = 5.333… → 5.33.
    let c = SatisfactionCounts { dossiers: 200, late: 30, complained_or_disliked: 10 };
    assert_eq!(scored(&satisfaction(&c, &cfg())), (Some(80.0), Some(5.33), 6.0));
    // More late and complained than dossiers (overlaps): never below 0.
    let c = SatisfactionCounts { dossiers: 10, late: 8, complained_or_disliked: 5 };
    assert_eq!(scored(&satisfaction(&c, &cfg())), (Some(0.0), Some(0.0), 6.0));
}

#[test]
fn empty_denominators_follow_the_setting() {
    let empty = |rule| ratio(Item::ElectronicResults, r(0, 0), &Config766 { empty: rule, ..cfg() });
    assert_eq!(scored(&empty(EmptyRule::NotScored)), (None, None, 6.0));
    assert_eq!(scored(&empty(EmptyRule::FullPoints)), (None, Some(6.0), 6.0));
    assert_eq!(scored(&empty(EmptyRule::ZeroPoints)), (None, Some(0.0), 6.0));
}

#[test]
fn scoring_rules() {
    assert_eq!(Scoring::Linear.points(50.0, 6.0), 3.0);
    assert_eq!(Scoring::Linear.points(120.0, 6.0), 6.0, "capped at the maximum");
    assert_eq!(Scoring::Threshold { full_at: 80.0 }.points(40.0, 2.0), 1.0);
    assert_eq!(Scoring::Threshold { full_at: 80.0 }.points(80.0, 2.0), 2.0);
    assert_eq!(Scoring::Tracking.points(100.0, 0.0), 0.0);
}

#[test]
fn group_maxima_match_the_file() {
    // Groups 1 (1.3 + 1.4 of 18), 2 = 20, 3 = 12 split over 3.1–3.3, 3b = 10,
    // 4 (4.1–4.5b of 22; the e-certified copies' 2 are not computed), 5 (5.4 of 18).
    let sum = |g: &str| -> f64 { Item::ALL.iter().filter(|i| i.group() == g).map(|i| i.default_rule().max).sum() };
    assert_eq!((sum("1"), sum("2"), sum("3"), sum("3b"), sum("4"), sum("5")), (8.0, 20.0, 12.0, 10.0, 20.0, 6.0));
    for item in Item::ALL {
        assert_eq!(Item::from_id(item.id()), Some(item));
        assert!(!item.name_vi().is_empty());
    }
}

#[test]
fn bands_use_the_configured_cutoffs() {
    let b = Bands::default();
    let bands: Vec<Band> = [95.0, 90.0, 89.99, 80.0, 70.0, 69.99, 50.0, 49.99].map(|s| b.band(s)).to_vec();
    use Band::*;
    assert_eq!(bands, [Excellent, Excellent, Good, Good, Fair, Average, Average, Weak]);
    let strict = Bands { excellent: 95.0, ..b };
    assert_eq!(strict.band(92.0), Good);
    assert_eq!(Excellent.label_vi(), "Xuất sắc");
}

#[test]
fn the_report_adds_up_what_was_counted() {
    let inputs = Inputs {
        complete_publication: Some(r(45, 50)),
        sync: Some(SyncCounts {
            synced: 95,
            received_national: 100,
            received_dvcqg: 98,
            last_year_total: 0,
            period: Period::Month,
        }),
        on_time: Some(OnTimeCounts { on_time: 180, late: 6, pending_within_time: 12, pending_late: 2 }),
        online_dossiers: Some(OnlineDossierCounts { online: 120, received: 300 }),
        reuse: Some(r(60, 100)),
        electronic_results: Some(r(0, 0)),
        ..Inputs::default()
    };
    let rep = report(&inputs, &cfg());
    let ids: Vec<&str> = rep.indicators.iter().map(|i| i.id.id()).collect();
    assert_eq!(ids, ["1.3", "1.4", "2.1", "3.3", "4.1", "4.3"]);
    // 3.3 is scaled by 1.4's 95 %: 38 % → 3.04 (as in its own test).
    assert_eq!(rep.indicators[3].points, Some(3.04));
    // Scored: 1.8 + 5.7 + 19.2 + 3.04 + 1.5 = 31.24 of 2 + 6 + 20 + 4 + 2 = 34
    // (4.1 has no dossiers: not scored); 31.24 / 34 = 91.88 % → excellent.
    assert_eq!((rep.total, rep.max, rep.score, rep.band), (31.24, 34.0, Some(91.88), Some(Band::Excellent)));
    assert!(rep.estimated, "3.3's points are unconfirmed");
    let empty = report(&Inputs::default(), &cfg());
    assert_eq!((empty.indicators.len(), empty.total, empty.score, empty.band), (0, 0.0, None, None));
}
