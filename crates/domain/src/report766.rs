//! The Decision 766 service-quality index, previewed from local data
//! (see `shared/domain/decision-766.md`).
//!
//! The store counts (per unit × period) what each indicator needs, into the
//! plain input structs here; these pure functions turn the counts into
//! `{id, numerator, denominator, rate, points, max}` ([`Indicator`]) and
//! [`report`] adds them up. The portal's own score stays authoritative: this
//! is a preview, with every numerator and denominator kept so a corrected
//! rule ([`rules`]) recomputes it.
//!
//! General rules (decision-766.md §3): rate R = numerator / denominator ×
//! 100, rounded to 2 decimals; points by the item's [`Scoring`] (linear
//! `max × R / 100`, or full at a threshold), rounded to 2 decimals. The
//! items computed here are those a local platform can compute (§7):
//! 1.3 and 3.1, 3.2, 3.5, 3.5b, 4.5a from its procedure catalogue; 1.4, 2.1,
//! 2.2, 3.3, 3.6, 4.1–4.4, 4.5b and the late share of 5.4 from its dossiers
//! (the complaint share of 5.4 comes from the portal's feedback data).
//! Per-dossier predicates for the counts live beside them
//! ([`counts_as_online`], [`counts_as_digitised`]) and in
//! [`crate::dossier::timeliness`] (item 2.1).

pub mod rules;

use serde::{Deserialize, Serialize};

use crate::dossier::{Channel, ResultType, Verdict766};

pub use rules::{Band, Bands, Config766, Confirmation, EmptyRule, Rule, Scoring};

/// An indicator of the index; serialised as its number ("2.1").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Item {
    /// 1.3 TTHC công khai đầy đủ bộ phận tạo thành: procedures published with
    /// every required part / published procedures.
    #[serde(rename = "1.3")]
    CompletePublication,
    /// 1.4 Hồ sơ đồng bộ lên DVCQG: dossiers synced / dossiers received.
    #[serde(rename = "1.4")]
    SyncedDossiers,
    /// 2.1 Hồ sơ xử lý trước hạn, đúng hạn: on time (finished, or pending
    /// within time) / dossiers received or processed.
    #[serde(rename = "2.1")]
    OnTime,
    /// 2.2 Thời gian giải quyết trung bình: average processing time (tracking only).
    #[serde(rename = "2.2")]
    AverageTime,
    /// 3.1 TTHC cung cấp DVCTT: procedures with a partly or fully online
    /// service / procedures under the unit's competence.
    #[serde(rename = "3.1")]
    OnlineProcedures,
    /// 3.2 DVCTT có phát sinh hồ sơ: online services that received online
    /// dossiers / online services.
    #[serde(rename = "3.2")]
    OnlineServicesInUse,
    /// 3.3 Hồ sơ trực tuyến: online receipts ([`counts_as_online`]) / all
    /// receipts, × the sync rate.
    #[serde(rename = "3.3")]
    OnlineDossiers,
    /// 3.5 TTHC có nghĩa vụ tài chính được tích hợp thanh toán trực tuyến:
    /// fee procedures with synced dossiers carrying a fee / fee procedures.
    #[serde(rename = "3.5")]
    FeeProceduresIntegrated,
    /// 3.5b TTHC có giao dịch thanh toán trực tuyến: fee procedures with an
    /// online payment / fee procedures.
    #[serde(rename = "3.5b")]
    FeeProceduresPaidOnline,
    /// 3.6 Hồ sơ thanh toán trực tuyến: dossiers paid online / dossiers of fee
    /// procedures whose fees are not all zero.
    #[serde(rename = "3.6")]
    OnlinePayments,
    /// 4.1 Hồ sơ có kết quả điện tử: dossiers with a valid e-result /
    /// dossiers of procedures that issue a paper result.
    #[serde(rename = "4.1")]
    ElectronicResults,
    /// 4.2 Hồ sơ thực hiện số hóa: digitised dossiers
    /// ([`counts_as_digitised`]) / all dossiers.
    #[serde(rename = "4.2")]
    Digitised,
    /// 4.3 Khai thác, sử dụng lại dữ liệu số hóa: dossiers reusing digitised
    /// data / dossiers received.
    #[serde(rename = "4.3")]
    Reuse,
    /// 4.4 Hồ sơ số hóa kết nối, chia sẻ để tái sử dụng: dossiers with a file
    /// from the personal data store or an e-result synced to it / dossiers received.
    #[serde(rename = "4.4")]
    SharedForReuse,
    /// 4.5a TTHC kết nối dữ liệu dân cư: procedures using population data /
    /// procedures for individuals.
    #[serde(rename = "4.5a")]
    PopulationProcedures,
    /// 4.5b Hồ sơ sử dụng dữ liệu dân cư: dossiers using population data / all dossiers.
    #[serde(rename = "4.5b")]
    PopulationDossiers,
    /// 5.4 Hài lòng trong tiếp nhận, giải quyết TTHC: 100 % − (% late + %
    /// with a complaint or dislike).
    #[serde(rename = "5.4")]
    Satisfaction,
}

impl Item {
    /// Every item computed here, in index order.
    pub const ALL: [Item; 17] = [
        Item::CompletePublication,
        Item::SyncedDossiers,
        Item::OnTime,
        Item::AverageTime,
        Item::OnlineProcedures,
        Item::OnlineServicesInUse,
        Item::OnlineDossiers,
        Item::FeeProceduresIntegrated,
        Item::FeeProceduresPaidOnline,
        Item::OnlinePayments,
        Item::ElectronicResults,
        Item::Digitised,
        Item::Reuse,
        Item::SharedForReuse,
        Item::PopulationProcedures,
        Item::PopulationDossiers,
        Item::Satisfaction,
    ];

    /// The indicator's number ("2.1").
    pub fn id(self) -> &'static str {
        match self {
            Item::CompletePublication => "1.3",
            Item::SyncedDossiers => "1.4",
            Item::OnTime => "2.1",
            Item::AverageTime => "2.2",
            Item::OnlineProcedures => "3.1",
            Item::OnlineServicesInUse => "3.2",
            Item::OnlineDossiers => "3.3",
            Item::FeeProceduresIntegrated => "3.5",
            Item::FeeProceduresPaidOnline => "3.5b",
            Item::OnlinePayments => "3.6",
            Item::ElectronicResults => "4.1",
            Item::Digitised => "4.2",
            Item::Reuse => "4.3",
            Item::SharedForReuse => "4.4",
            Item::PopulationProcedures => "4.5a",
            Item::PopulationDossiers => "4.5b",
            Item::Satisfaction => "5.4",
        }
    }

    /// The item with that number.
    pub fn from_id(id: &str) -> Option<Item> {
        Item::ALL.into_iter().find(|i| i.id() == id)
    }

    /// The group as the portal shows it: "1", "2", "3", "3b" (online payment), "4", "5".
    pub fn group(self) -> &'static str {
        match self {
            Item::FeeProceduresIntegrated | Item::FeeProceduresPaidOnline | Item::OnlinePayments => "3b",
            other => &other.id()[..1],
        }
    }

    /// The Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            Item::CompletePublication => "TTHC công khai đầy đủ bộ phận tạo thành",
            Item::SyncedDossiers => "Hồ sơ đồng bộ lên DVCQG",
            Item::OnTime => "Hồ sơ xử lý trước hạn, đúng hạn",
            Item::AverageTime => "Thời gian giải quyết trung bình",
            Item::OnlineProcedures => "TTHC cung cấp DVCTT",
            Item::OnlineServicesInUse => "DVCTT có phát sinh hồ sơ",
            Item::OnlineDossiers => "Hồ sơ trực tuyến",
            Item::FeeProceduresIntegrated => "TTHC có nghĩa vụ tài chính được tích hợp thanh toán trực tuyến",
            Item::FeeProceduresPaidOnline => "TTHC có giao dịch thanh toán trực tuyến",
            Item::OnlinePayments => "Hồ sơ thanh toán trực tuyến",
            Item::ElectronicResults => "Hồ sơ có kết quả điện tử",
            Item::Digitised => "Hồ sơ thực hiện số hóa",
            Item::Reuse => "Khai thác, sử dụng lại dữ liệu số hóa",
            Item::SharedForReuse => "Hồ sơ số hóa kết nối, chia sẻ để tái sử dụng",
            Item::PopulationProcedures => "TTHC kết nối dữ liệu dân cư",
            Item::PopulationDossiers => "Hồ sơ sử dụng dữ liệu dân cư",
            Item::Satisfaction => "Hài lòng trong tiếp nhận, giải quyết TTHC",
        }
    }
}

/// One indicator computed: `rate = numerator / denominator × factor × 100`
/// (2.2: the average, in the procedure's unit).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// Which indicator.
    pub id: Item,
    /// The numerator.
    pub numerator: f64,
    /// The denominator.
    pub denominator: f64,
    /// A multiplier of the ratio: the sync rate (0–1) for 3.3, else 1.
    pub factor: f64,
    /// The rate in percent, 2 decimals; `None` with a zero denominator.
    pub rate: Option<f64>,
    /// Points, 2 decimals; `None` when not scored (empty denominator, see [`EmptyRule`]).
    pub points: Option<f64>,
    /// The maximum.
    pub max: f64,
    /// Whether the rule is not confirmed, so the points are an estimate.
    pub estimated: bool,
}

/// Rounds to 2 decimals, as the portal shows rates and points.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Scores a numerator and denominator under the item's rule.
fn indicator(item: Item, numerator: f64, denominator: f64, factor: f64, cfg: &Config766) -> Indicator {
    let rule = cfg.rule(item);
    let rate = (denominator > 0.0).then(|| round2(numerator / denominator * factor * 100.0));
    let points = match (rate, cfg.empty) {
        (Some(r), _) => Some(round2(rule.scoring.points(r, rule.max))),
        (None, EmptyRule::NotScored) => None,
        (None, EmptyRule::FullPoints) => Some(rule.max),
        (None, EmptyRule::ZeroPoints) => Some(0.0),
    };
    Indicator { id: item, numerator, denominator, factor, rate, points, max: rule.max, estimated: rule.is_estimated() }
}

/// A count and the count it is out of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Ratio {
    /// What meets the indicator.
    pub numerator: u64,
    /// What it is counted out of.
    pub denominator: u64,
}

/// An indicator whose rate is a plain ratio of two counts: 1.3, 3.1, 3.2,
/// 3.5, 3.5b, 4.1, 4.2, 4.3, 4.4, 4.5a, 4.5b (see each [`Item`] for what is
/// counted). The other items have their own functions.
pub fn ratio(item: Item, r: Ratio, cfg: &Config766) -> Indicator {
    indicator(item, r.numerator as f64, r.denominator as f64, 1.0, cfg)
}

/// The length of a reporting period (decision-766.md §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// A month.
    Month,
    /// A quarter.
    Quarter,
    /// A year.
    Year,
}

impl Period {
    /// Periods in a year.
    pub fn per_year(self) -> u32 {
        match self {
            Period::Month => 12,
            Period::Quarter => 4,
            Period::Year => 1,
        }
    }
}

/// Counts for 1.4 (dossiers synced to DVCQG).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncCounts {
    /// Dossiers received in the period and synced.
    pub synced: u64,
    /// Dossiers received per the national reporting system.
    pub received_national: u64,
    /// Dossiers received per DVCQG.
    pub received_dvcqg: u64,
    /// Last year's total, the fallback when both counts are 0.
    pub last_year_total: u64,
    /// The period's length.
    pub period: Period,
}

/// 1.4: synced / max(received per the national system, per DVCQG); when both
/// are 0, last year's total ÷ 12 (month) or ÷ 4 (quarter).
pub fn synced_dossiers(c: &SyncCounts, cfg: &Config766) -> Indicator {
    let received = c.received_national.max(c.received_dvcqg) as f64;
    let denominator = if received > 0.0 { received } else { c.last_year_total as f64 / f64::from(c.period.per_year()) };
    indicator(Item::SyncedDossiers, c.synced as f64, denominator, 1.0, cfg)
}

/// Counts for 2.1, the tally of [`Verdict766`]s of the period's dossiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OnTimeCounts {
    /// Finished early or on time.
    pub on_time: u64,
    /// Finished late.
    pub late: u64,
    /// Pending, within time at the period end.
    pub pending_within_time: u64,
    /// Pending and late at the period end.
    pub pending_late: u64,
}

impl OnTimeCounts {
    /// Counts one dossier's verdict.
    pub fn add(&mut self, v: Verdict766) {
        match v {
            Verdict766::OnTime => self.on_time += 1,
            Verdict766::Late => self.late += 1,
            Verdict766::PendingWithinTime => self.pending_within_time += 1,
            Verdict766::PendingLate => self.pending_late += 1,
        }
    }

    /// The tally of a period's verdicts.
    pub fn tally(verdicts: impl IntoIterator<Item = Verdict766>) -> OnTimeCounts {
        let mut c = OnTimeCounts::default();
        verdicts.into_iter().for_each(|v| c.add(v));
        c
    }
}

/// 2.1: (finished on time + pending within time) / all dossiers received or
/// processed; 20 × R / 100.
pub fn on_time(c: &OnTimeCounts, cfg: &Config766) -> Indicator {
    let good = c.on_time + c.pending_within_time;
    let all = good + c.late + c.pending_late;
    indicator(Item::OnTime, good as f64, all as f64, 1.0, cfg)
}

/// Aggregates for 2.2.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProcessingTimes {
    /// Σ processing time of completed dossiers, in the procedure's unit
    /// ([`crate::dossier::Deadlines::elapsed_in_unit`]).
    pub total: f64,
    /// Completed dossiers.
    pub completed: u64,
}

/// 2.2: Σ processing time / completed dossiers; the "rate" is the average in
/// the procedure's unit (not a percentage), and it scores nothing.
pub fn average_time(p: &ProcessingTimes, cfg: &Config766) -> Indicator {
    let mut i = indicator(Item::AverageTime, p.total, p.completed as f64, 1.0, cfg);
    i.rate = (p.completed > 0).then(|| round2(p.total / p.completed as f64));
    i
}

/// Whether a dossier counts as online for 3.3: filed online (`KenhThucHien =
/// 2`) and, where the procedure issues a paper result, with an electronic result.
pub fn counts_as_online(channel: Channel, result: ResultType, has_e_result: bool) -> bool {
    channel == Channel::Online && (!result.issues_paper() || has_e_result)
}

/// Counts for 3.3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnlineDossierCounts {
    /// Dossiers received in the period that [`counts_as_online`].
    pub online: u64,
    /// All dossiers received in the period.
    pub received: u64,
}

/// 3.3: online receipts / all receipts × the sync rate (`sync_rate`, 0–1,
/// item 1.4's rate as a fraction).
pub fn online_dossiers(c: &OnlineDossierCounts, sync_rate: f64, cfg: &Config766) -> Indicator {
    indicator(Item::OnlineDossiers, c.online as f64, c.received as f64, sync_rate.clamp(0.0, 1.0), cfg)
}

/// Counts for 3.6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentCounts {
    /// Dossiers paid online (`DuocThanhToanTrucTuyen` 1 or 2).
    pub paid_online: u64,
    /// Dossiers of fee-bearing procedures.
    pub fee_dossiers: u64,
    /// Of those, dossiers whose fees are all 0.
    pub zero_fee_dossiers: u64,
}

/// 3.6: paid online / (dossiers of fee procedures − dossiers whose fees are all 0); 6 × R / 100.
pub fn online_payments(c: &PaymentCounts, cfg: &Config766) -> Indicator {
    let denominator = c.fee_dossiers.saturating_sub(c.zero_fee_dossiers);
    indicator(Item::OnlinePayments, c.paid_online as f64, denominator as f64, 1.0, cfg)
}

/// Whether a dossier counts as digitised for 4.2: digitised inputs, and an
/// electronic result where the procedure issues a paper one.
pub fn counts_as_digitised(digitised_inputs: bool, result: ResultType, has_e_result: bool) -> bool {
    digitised_inputs && (!result.issues_paper() || has_e_result)
}

/// Counts for 5.4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SatisfactionCounts {
    /// Dossiers of the period.
    pub dossiers: u64,
    /// Late ones among them (item 2.1's late and pending late).
    pub late: u64,
    /// Ones with a complaint or a dislike (from the portal's feedback data).
    pub complained_or_disliked: u64,
}

/// 5.4: 100 % − (% late + % with a complaint or dislike), never below 0; the
/// numerator is dossiers − late − complained.
pub fn satisfaction(c: &SatisfactionCounts, cfg: &Config766) -> Indicator {
    let numerator = c.dossiers as f64 - c.late as f64 - c.complained_or_disliked as f64;
    indicator(Item::Satisfaction, numerator.max(0.0), c.dossiers as f64, 1.0, cfg)
}

/// Everything the store counted for a unit and period; an item without its
/// counts is left out of the report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    /// 1.3.
    pub complete_publication: Option<Ratio>,
    /// 1.4 (its rate also scales 3.3).
    pub sync: Option<SyncCounts>,
    /// 2.1.
    pub on_time: Option<OnTimeCounts>,
    /// 2.2.
    pub processing_time: Option<ProcessingTimes>,
    /// 3.1.
    pub online_procedures: Option<Ratio>,
    /// 3.2.
    pub online_services_in_use: Option<Ratio>,
    /// 3.3 (scaled by 1.4's rate; by 1 when 1.4 is not counted).
    pub online_dossiers: Option<OnlineDossierCounts>,
    /// 3.5.
    pub fee_procedures_integrated: Option<Ratio>,
    /// 3.5b.
    pub fee_procedures_paid_online: Option<Ratio>,
    /// 3.6.
    pub online_payments: Option<PaymentCounts>,
    /// 4.1.
    pub electronic_results: Option<Ratio>,
    /// 4.2.
    pub digitised: Option<Ratio>,
    /// 4.3.
    pub reuse: Option<Ratio>,
    /// 4.4.
    pub shared_for_reuse: Option<Ratio>,
    /// 4.5a.
    pub population_procedures: Option<Ratio>,
    /// 4.5b.
    pub population_dossiers: Option<Ratio>,
    /// 5.4.
    pub satisfaction: Option<SatisfactionCounts>,
}

/// The preview: the indicators computed, their total and its band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The indicators computed, in index order.
    pub indicators: Vec<Indicator>,
    /// Σ points of the scored indicators, 2 decimals.
    pub total: f64,
    /// Σ maxima of the scored indicators (100 only when every item is computed).
    pub max: f64,
    /// The total out of 100 (`total / max × 100`, 2 decimals); `None` when nothing is scored.
    pub score: Option<f64>,
    /// The band of `score`.
    pub band: Option<Band>,
    /// Whether any scored indicator is an estimate.
    pub estimated: bool,
}

/// Computes every indicator that has its counts, and the total.
pub fn report(inputs: &Inputs, cfg: &Config766) -> Report {
    let sync = inputs.sync.map(|s| synced_dossiers(&s, cfg));
    let sync_rate = sync.and_then(|s| s.rate).map_or(1.0, |r| r / 100.0);
    let ratios = [
        (Item::CompletePublication, inputs.complete_publication),
        (Item::OnlineProcedures, inputs.online_procedures),
        (Item::OnlineServicesInUse, inputs.online_services_in_use),
        (Item::FeeProceduresIntegrated, inputs.fee_procedures_integrated),
        (Item::FeeProceduresPaidOnline, inputs.fee_procedures_paid_online),
        (Item::ElectronicResults, inputs.electronic_results),
        (Item::Digitised, inputs.digitised),
        (Item::Reuse, inputs.reuse),
        (Item::SharedForReuse, inputs.shared_for_reuse),
        (Item::PopulationProcedures, inputs.population_procedures),
        (Item::PopulationDossiers, inputs.population_dossiers),
    ];
    let mut indicators: Vec<Indicator> =
        ratios.into_iter().filter_map(|(item, r)| r.map(|r| ratio(item, r, cfg))).collect();
    indicators.extend(sync);
    indicators.extend(inputs.on_time.map(|c| on_time(&c, cfg)));
    indicators.extend(inputs.processing_time.map(|p| average_time(&p, cfg)));
    indicators.extend(inputs.online_dossiers.map(|c| online_dossiers(&c, sync_rate, cfg)));
    indicators.extend(inputs.online_payments.map(|c| online_payments(&c, cfg)));
    indicators.extend(inputs.satisfaction.map(|c| satisfaction(&c, cfg)));
    indicators.sort_by_key(|i| i.id);
    total(indicators, &cfg.bands)
}

/// Adds up indicators: the scored ones count, with their maxima.
pub fn total(indicators: Vec<Indicator>, bands: &Bands) -> Report {
    let scored = || indicators.iter().filter(|i| i.points.is_some());
    let total = round2(scored().filter_map(|i| i.points).sum());
    let max: f64 = scored().map(|i| i.max).sum();
    let score = (max > 0.0).then(|| round2(total / max * 100.0));
    let estimated = scored().any(|i| i.estimated && i.max > 0.0);
    Report { band: score.map(|s| bands.band(s)), indicators, total, max, score, estimated }
}

#[cfg(test)]
mod tests;
