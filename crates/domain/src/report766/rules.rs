//! The configurable part of the 766 preview: each indicator's maximum and
//! scoring rule with the status of what is known about it, the rating bands,
//! and what an empty denominator scores (decision-766.md §3–§5, design rule 3).
//!
//! The defaults are the file's: maxima and scoring rules where they are
//! confirmed or fitted; the linear rule, marked estimated, where the scoring
//! is blank; an even split of group 3's 12 points over 3.1–3.3, whose split
//! is not confirmed; the fitted linear rule for 4.2, whose sources conflict;
//! and the recalled band cut-offs. All of it is data, versioned by
//! [`Config766::version`], so a corrected rule recomputes stored numerators
//! and denominators without a code change.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Item;

/// How a rate (0–100) becomes points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum Scoring {
    /// `max × R / 100`.
    Linear,
    /// Full points at `R ≥ full_at`, else `R × max / full_at`.
    Threshold {
        /// The rate (percent) that earns the full points.
        full_at: f64,
    },
    /// Shown but not scored (0 points).
    Tracking,
}

impl Scoring {
    /// The points a rate (percent) earns out of `max`, unrounded, never above `max`.
    pub fn points(self, rate: f64, max: f64) -> f64 {
        let rate = rate.max(0.0);
        match self {
            Scoring::Linear => (max * rate / 100.0).min(max),
            Scoring::Threshold { full_at } if rate >= full_at => max,
            Scoring::Threshold { full_at } => rate * max / full_at,
            Scoring::Tracking => 0.0,
        }
    }
}

/// What is known about an indicator's maximum and scoring rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confirmation {
    /// Maximum and scoring fitted to the portal's published scores.
    Fitted,
    /// Maximum confirmed; scoring as the formula document states it, not fitted.
    Stated,
    /// The maximum or the scoring rule is not confirmed.
    Unconfirmed,
    /// The sources disagree.
    Conflict,
}

/// An indicator's maximum and scoring rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// Maximum points.
    pub max: f64,
    /// How the rate becomes points.
    pub scoring: Scoring,
    /// What is known about this rule.
    pub status: Confirmation,
}

impl Rule {
    /// Whether points under this rule are an estimate (shown as such).
    pub fn is_estimated(&self) -> bool {
        matches!(self.status, Confirmation::Unconfirmed | Confirmation::Conflict)
    }
}

impl Item {
    /// The rule decision-766.md gives (see the module doc for the choices).
    pub fn default_rule(self) -> Rule {
        use Confirmation::{Conflict, Fitted, Stated, Unconfirmed};
        use Scoring::{Linear, Threshold, Tracking};
        let (max, scoring, status) = match self {
            Item::CompletePublication => (2.0, Linear, Fitted),
            Item::SyncedDossiers => (6.0, Linear, Fitted),
            Item::OnTime => (20.0, Linear, Fitted),
            Item::AverageTime => (0.0, Tracking, Stated),
            // Group 3 is worth 12; its split over 3.1–3.3 is not confirmed.
            Item::OnlineProcedures => (4.0, Threshold { full_at: 80.0 }, Unconfirmed),
            Item::OnlineServicesInUse => (4.0, Linear, Unconfirmed),
            Item::OnlineDossiers => (4.0, Threshold { full_at: 50.0 }, Unconfirmed),
            Item::FeeProceduresIntegrated => (2.0, Threshold { full_at: 80.0 }, Stated),
            // Group 3b fit: 6·A + min(2, 2.5·B) + 2.5·C.
            Item::FeeProceduresPaidOnline => (2.0, Threshold { full_at: 80.0 }, Fitted),
            Item::OnlinePayments => (6.0, Linear, Fitted),
            Item::ElectronicResults => (6.0, Linear, Unconfirmed),
            // The document says full at 80 %; the portal's scores fit min(P, P·R/100).
            Item::Digitised => (4.0, Linear, Conflict),
            Item::Reuse => (2.0, Threshold { full_at: 80.0 }, Fitted),
            Item::SharedForReuse => (4.0, Linear, Unconfirmed),
            Item::PopulationProcedures => (2.0, Linear, Unconfirmed),
            Item::PopulationDossiers => (2.0, Linear, Unconfirmed),
            Item::Satisfaction => (6.0, Threshold { full_at: 90.0 }, Stated),
        };
        Rule { max, scoring, status }
    }
}

/// A rating label (decision-766.md §5: the labels are reported, the cut-offs recalled).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// Yếu.
    Weak,
    /// Trung bình.
    Average,
    /// Khá.
    Fair,
    /// Tốt.
    Good,
    /// Xuất sắc.
    Excellent,
}

impl Band {
    /// The Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Band::Weak => "Yếu",
            Band::Average => "Trung bình",
            Band::Fair => "Khá",
            Band::Good => "Tốt",
            Band::Excellent => "Xuất sắc",
        }
    }

    /// The English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Band::Weak => "Weak",
            Band::Average => "Average",
            Band::Fair => "Fair",
            Band::Good => "Good",
            Band::Excellent => "Excellent",
        }
    }
}

/// The lowest score (of 100) of each band; below `average` is weak.
/// Defaults 90 / 80 / 70 / 50: recalled, unverified (decision-766.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bands {
    /// Xuất sắc from here.
    pub excellent: f64,
    /// Tốt from here.
    pub good: f64,
    /// Khá from here.
    pub fair: f64,
    /// Trung bình from here.
    pub average: f64,
}

impl Default for Bands {
    fn default() -> Bands {
        Bands { excellent: 90.0, good: 80.0, fair: 70.0, average: 50.0 }
    }
}

impl Bands {
    /// The band of a score out of 100.
    pub fn band(&self, score: f64) -> Band {
        match score {
            s if s >= self.excellent => Band::Excellent,
            s if s >= self.good => Band::Good,
            s if s >= self.fair => Band::Fair,
            s if s >= self.average => Band::Average,
            _ => Band::Weak,
        }
    }
}

/// What an indicator with a zero denominator scores. The file states it only
/// for 5.2 and 5.3 (full points when there is no feedback), so it is a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmptyRule {
    /// Not scored: left out of the total and of its maximum (the preview's default).
    #[default]
    NotScored,
    /// Full points.
    FullPoints,
    /// No points.
    ZeroPoints,
}

/// The 766 preview's configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Config766 {
    /// Which version of the rules this is (shown beside every score).
    pub version: String,
    /// Rules that differ from [`Item::default_rule`].
    pub rules: BTreeMap<Item, Rule>,
    /// Rating bands.
    pub bands: Bands,
    /// What a zero denominator scores.
    pub empty: EmptyRule,
}

impl Default for Config766 {
    fn default() -> Config766 {
        Config766 {
            version: "decision-766.md defaults".to_string(),
            rules: BTreeMap::new(),
            bands: Bands::default(),
            empty: EmptyRule::default(),
        }
    }
}

impl Config766 {
    /// The rule in force for an item.
    pub fn rule(&self, item: Item) -> Rule {
        self.rules.get(&item).copied().unwrap_or_else(|| item.default_rule())
    }
}
