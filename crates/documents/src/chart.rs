//! Bar charts drawn as SVG on the server (UX.md "Dashboards": charts that
//! print and export, no script library).
//!
//! A [`BarChart`] is categories along the x axis with one or more stacked
//! [`Series`] and an optional per-category [`Target`] marker. The SVG is
//! self-contained (inline colours and patterns), carries `role="img"`, an
//! `aria-label`, `<title>` and `<desc>`, and a `<title>` on every bar for
//! pointer users. Series differ by pattern and outline as well as colour,
//! and every stack is labelled with its value, so nothing rests on colour
//! alone. Pages still show the same figures in a table beside the chart.

use std::fmt::Write as _;

/// One stacked series: a value per category.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// One value per category (missing values count as 0).
    pub values: Vec<f64>,
}

/// A target per category, drawn as a dashed line across the bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Legend label.
    pub label: String,
    /// One target per category, if any.
    pub values: Vec<Option<f64>>,
}

/// A vertical bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// Unique on the page: prefixes the SVG's internal ids.
    pub id: String,
    /// Short title (`<title>` and `aria-label`).
    pub title: String,
    /// Longer description (`<desc>`): what is counted, over which period.
    pub desc: String,
    /// Category labels along the x axis.
    pub categories: Vec<String>,
    /// Series, stacked bottom up in this order.
    pub series: Vec<Series>,
    /// Optional targets.
    pub target: Option<Target>,
    /// Decimals of the value labels.
    pub decimals: usize,
    /// Whether the decimal separator is a comma (Vietnamese) rather than a point.
    pub decimal_comma: bool,
}

// A narrow canvas with large type: the chart stays legible when a phone
// shrinks it to 330 px, and prints at a readable size.
const W: f64 = 480.0;
const PLOT_H: f64 = 200.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 8.0;
const BOTTOM: f64 = 30.0;
const LEGEND_FONT: f64 = 14.0;
const LEGEND_ROW: f64 = 22.0;
const AXIS_FONT: u32 = 13;
const TEXT: &str = "#1a1a1a";
const GRID: &str = "#c8c8c8";

/// Fill and outline of the i-th series.
fn style(id: &str, i: usize) -> (String, &'static str) {
    match i % 3 {
        0 => ("#1f4e79".to_string(), "#1f4e79"),
        1 => (format!("url(#{id}-hatch)"), "#a31515"),
        _ => ("#d4d4d4".to_string(), "#4a4a4a"),
    }
}

impl BarChart {
    /// The chart as an `<svg>` element, 480 user units wide (taller when the
    /// legend wraps), scaling to its container.
    pub fn svg(&self) -> String {
        let id = esc(&self.id);
        let mut s = String::with_capacity(4096);
        let legend = self.legend(&id);
        let top = 8.0 + LEGEND_ROW * legend.rows as f64 + 14.0;
        let h = top + PLOT_H + BOTTOM;
        let _ = write!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {h}" role="img" aria-label="{t}" class="chart" id="{id}"><title>{t}</title><desc>{d}</desc>"#,
            t = esc(&self.title),
            d = esc(&self.desc),
        );
        let _ = write!(
            s,
            r##"<defs><pattern id="{id}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#a31515" stroke-width="3"/></pattern></defs>"##
        );
        s.push_str(&legend.svg);
        let n = self.categories.len();
        let totals: Vec<f64> = (0..n).map(|i| self.series.iter().map(|se| value(&se.values, i)).sum()).collect();
        let target_max = self.target.iter().flat_map(|t| t.values.iter().flatten().copied()).fold(0.0, f64::max);
        let step = nice_step(totals.iter().copied().fold(target_max, f64::max) / 4.0, self.decimals == 0);
        let max = step * 4.0;
        let y = |v: f64| top + PLOT_H * (1.0 - (v / max).clamp(0.0, 1.0));
        for k in 0..=4 {
            let v = step * k as f64;
            let _ = write!(
                s,
                r#"<line x1="{LEFT}" x2="{x2}" y1="{yy:.1}" y2="{yy:.1}" stroke="{GRID}" stroke-width="1"/><text x="{tx}" y="{ty:.1}" font-size="{AXIS_FONT}" text-anchor="end" fill="{TEXT}">{label}</text>"#,
                x2 = W - RIGHT,
                yy = y(v),
                tx = LEFT - 6.0,
                ty = y(v) + 4.0,
                label = self.num(v, if step.fract() == 0.0 { 0 } else { 1 }),
            );
        }
        if n == 0 {
            s.push_str("</svg>");
            return s;
        }
        let slot = (W - LEFT - RIGHT) / n as f64;
        let bar = slot * 0.7;
        let font = if n > 16 {
            10
        } else if n > 11 {
            12
        } else {
            AXIS_FONT
        };
        let max_chars = ((slot / (f64::from(font) * 0.6)) as usize).max(2);
        for (i, cat) in self.categories.iter().enumerate() {
            let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
            let mut base = 0.0;
            for (si, se) in self.series.iter().enumerate() {
                let v = value(&se.values, i);
                if v <= 0.0 {
                    continue;
                }
                let (fill, stroke) = style(&id, si);
                let (y0, y1) = (y(base + v), y(base));
                let _ = write!(
                    s,
                    r#"<rect x="{x:.1}" y="{y0:.1}" width="{bar:.1}" height="{h:.1}" fill="{fill}" stroke="{stroke}" stroke-width="1"><title>{c} – {l}: {v}</title></rect>"#,
                    h = (y1 - y0).max(0.0),
                    c = esc(cat),
                    l = esc(&se.label),
                    v = self.num(v, self.decimals),
                );
                base += v;
            }
            if let Some(t) = self.target.as_ref().and_then(|t| t.values.get(i).copied().flatten()) {
                let _ = write!(
                    s,
                    r##"<line x1="{x1:.1}" x2="{x2:.1}" y1="{yy:.1}" y2="{yy:.1}" stroke="#1a1a1a" stroke-width="2.5" stroke-dasharray="5 3"><title>{c} – {l}: {v}</title></line>"##,
                    x1 = x - slot * 0.1,
                    x2 = x + bar + slot * 0.1,
                    yy = y(t),
                    c = esc(cat),
                    l = esc(self.target.as_ref().map_or("", |t| t.label.as_str())),
                    v = self.num(t, self.decimals),
                );
            }
            let cx = x + bar / 2.0;
            if totals[i] > 0.0 {
                let _ = write!(
                    s,
                    r#"<text x="{cx:.1}" y="{ty:.1}" font-size="{font}" text-anchor="middle" fill="{TEXT}">{v}</text>"#,
                    ty = y(totals[i]) - 3.0,
                    v = self.num(totals[i], self.decimals),
                );
            }
            let _ = write!(
                s,
                r#"<text x="{cx:.1}" y="{ty}" font-size="{font}" text-anchor="middle" fill="{TEXT}">{c}</text>"#,
                ty = h - BOTTOM + 18.0,
                c = esc(&truncate(cat, max_chars)),
            );
        }
        s.push_str("</svg>");
        s
    }

    /// The legend along the top, wrapping onto more rows when it does not
    /// fit: a swatch and a label per series, then the target's dashed line.
    fn legend(&self, id: &str) -> Legend {
        let mut out = Legend { svg: String::new(), rows: 1 };
        let mut x = LEFT;
        let mut place = |label: &str, out: &mut Legend| {
            let width = 22.0 + label.chars().count() as f64 * LEGEND_FONT * 0.56;
            if x > LEFT && x + width > W - RIGHT {
                out.rows += 1;
                x = LEFT;
            }
            let at = (x, 8.0 + LEGEND_ROW * (out.rows - 1) as f64);
            x += width + 16.0;
            at
        };
        for (i, se) in self.series.iter().enumerate() {
            let (fill, stroke) = style(id, i);
            let (x, y) = place(&se.label, &mut out);
            let _ = write!(
                out.svg,
                r#"<rect x="{x:.1}" y="{y}" width="14" height="14" fill="{fill}" stroke="{stroke}" stroke-width="1"/><text x="{tx:.1}" y="{ty}" font-size="{LEGEND_FONT}" fill="{TEXT}">{l}</text>"#,
                tx = x + 20.0,
                ty = y + 12.0,
                l = esc(&se.label),
            );
        }
        if let Some(t) = &self.target {
            let (x, y) = place(&t.label, &mut out);
            let _ = write!(
                out.svg,
                r#"<line x1="{x:.1}" x2="{x2:.1}" y1="{ly}" y2="{ly}" stroke="{TEXT}" stroke-width="2.5" stroke-dasharray="5 3"/><text x="{tx:.1}" y="{ty}" font-size="{LEGEND_FONT}" fill="{TEXT}">{l}</text>"#,
                x2 = x + 16.0,
                ly = y + 7.0,
                tx = x + 20.0,
                ty = y + 12.0,
                l = esc(&t.label),
            );
        }
        out
    }

    fn num(&self, v: f64, decimals: usize) -> String {
        let s = format!("{v:.decimals$}");
        if self.decimal_comma { s.replace('.', ",") } else { s }
    }
}

/// The legend's markup and how many rows it takes.
struct Legend {
    svg: String,
    rows: usize,
}

fn value(values: &[f64], i: usize) -> f64 {
    values.get(i).copied().filter(|v| v.is_finite()).unwrap_or(0.0)
}

/// A round grid step (1, 2 or 5 × 10ⁿ) at least `raw`; whole when `whole`.
fn nice_step(raw: f64, whole: bool) -> f64 {
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    let e = 10f64.powf(raw.log10().floor());
    let f = raw / e;
    let step = e * if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    if whole { step.max(1.0).ceil() } else { step }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Escapes text for SVG (XML) content and attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> BarChart {
        BarChart {
            id: "arrivals".into(),
            title: "Lượt đến theo giờ".into(),
            desc: "Đã phục vụ, vắng mặt <29/11/2026>".into(),
            categories: vec!["07".into(), "08".into(), "09".into()],
            series: vec![
                Series { label: "Đã phục vụ".into(), values: vec![3.0, 7.0, 0.0] },
                Series { label: "Vắng mặt".into(), values: vec![1.0, 0.0, 0.0] },
            ],
            target: None,
            decimals: 0,
            decimal_comma: true,
        }
    }

    #[test]
    fn svg_is_accessible_and_escaped() {
        let s = chart().svg();
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert!(s.contains(r#"role="img" aria-label="Lượt đến theo giờ""#));
        assert!(s.contains("<title>Lượt đến theo giờ</title>"));
        assert!(s.contains("<desc>Đã phục vụ, vắng mặt &lt;29/11/2026&gt;</desc>"));
        assert!(!s.contains("<29/"), "text is escaped");
    }

    #[test]
    fn stacks_skip_zeros_and_label_totals() {
        let s = chart().svg();
        // 3 served + 1 no-show at 07, 7 served at 08, nothing at 09.
        assert_eq!(s.matches("<rect x=").count(), 2 + 3, "2 legend swatches + 3 non-empty bars");
        assert!(s.contains("<title>07 – Vắng mặt: 1</title>"));
        assert!(s.contains(">4</text>") && s.contains(">7</text>"), "stack totals");
        assert!(s.contains("url(#arrivals-hatch)"), "the second series is hatched");
    }

    #[test]
    fn targets_draw_dashed_markers_and_scale_the_axis() {
        let c = BarChart {
            series: vec![Series { label: "Chờ TB".into(), values: vec![4.5, 12.25] }],
            categories: vec!["HT".into(), "CT".into()],
            target: Some(Target { label: "Chỉ tiêu".into(), values: vec![Some(15.0), None] }),
            decimals: 1,
            ..chart()
        };
        let s = c.svg();
        assert_eq!(s.matches("stroke-dasharray").count(), 2, "legend and one marker");
        assert!(s.contains("<title>HT – Chỉ tiêu: 15,0</title>"));
        assert!(s.contains(">12,2</text>") || s.contains(">12,3</text>"));
        assert!(s.contains(">20</text>"), "axis reaches the target: step 5, max 20");
    }

    #[test]
    fn a_long_legend_wraps_and_the_chart_grows() {
        let height = |s: &str| -> f64 {
            s.split("viewBox=\"0 0 480 ").nth(1).unwrap().split('"').next().unwrap().parse().unwrap()
        };
        let long = |l: &str| Series { label: l.repeat(24), values: vec![1.0] };
        let wide = BarChart { series: vec![long("x"), long("y"), long("z")], ..chart() };
        assert!(height(&wide.svg()) > height(&chart().svg()));
        assert!(wide.svg().contains(r#"y="30""#), "a second legend row");
    }

    #[test]
    fn empty_charts_and_steps() {
        let c = BarChart { categories: vec![], series: vec![], ..chart() };
        assert!(c.svg().ends_with("</svg>"));
        assert_eq!(nice_step(0.0, true), 1.0);
        assert_eq!(nice_step(0.3, true), 1.0);
        assert_eq!(nice_step(0.3, false), 0.5);
        assert_eq!(nice_step(3.75, false), 5.0);
        assert_eq!(nice_step(11.0, true), 20.0);
        assert_eq!(truncate("Chứng thực", 5), "Chứn…");
    }
}
