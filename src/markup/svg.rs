//! Charts as inline SVG: the precision-recall curve and horizontal bar charts of the eval
//! report, and the trend timeline of the web page.
//!
//! Plain SVG 1.1 written as text, with every label escaped, so a page stays one file that
//! opens anywhere with no JavaScript and no fetches.

use std::fmt::Write;

use super::{escape, one_line};
use crate::eval::metrics::CurvePoint;

/// Colours of bar series, in order (colour-blind safe: Okabe–Ito).
const SERIES: [&str; 7] = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#000000", "#999999"];

/// Colour of spike marks (a dark red none of the series uses).
const SPIKE: &str = "#B00020";

/// Most points drawn on a curve; longer curves are thinned evenly (keeping both ends).
const MAX_POINTS: usize = 400;

/// A labelled point to mark on the PR curve.
#[derive(Debug, Clone)]
pub struct Marker {
    /// Label next to the point.
    pub label: String,
    /// Recall.
    pub recall: f64,
    /// Precision.
    pub precision: f64,
}

/// The precision-recall curve (recall across, precision up) as a step line over the
/// thresholds above 0, the base rate as a dashed line, and markers.
pub fn pr_curve(curve: &[CurvePoint], markers: &[Marker]) -> String {
    let (w, h, left, top, size) = (460.0, 380.0, 50.0, 20.0, 320.0);
    let x = |r: f64| left + r * size;
    let y = |p: f64| top + (1.0 - p) * size;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="Precision-recall curve">"#
    );
    s.push_str("<title>Precision-recall curve</title>");
    for k in 0..=5 {
        let v = k as f64 / 5.0;
        let _ = write!(
            s,
            r##"<line x1="{x0:.1}" y1="{yv:.1}" x2="{x1:.1}" y2="{yv:.1}" stroke="#ddd"/><line x1="{xv:.1}" y1="{y0:.1}" x2="{xv:.1}" y2="{y1:.1}" stroke="#ddd"/><text x="{tx:.1}" y="{ty:.1}" font-size="11" text-anchor="end">{v:.1}</text><text x="{xv:.1}" y="{bx:.1}" font-size="11" text-anchor="middle">{v:.1}</text>"##,
            x0 = x(0.0),
            x1 = x(1.0),
            yv = y(v),
            xv = x(v),
            y0 = y(0.0),
            y1 = y(1.0),
            tx = left - 6.0,
            ty = y(v) + 4.0,
            bx = y(0.0) + 16.0,
        );
    }
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle">recall</text><text x="14" y="{:.1}" font-size="12" text-anchor="middle" transform="rotate(-90 14 {:.1})">precision</text>"#,
        x(0.5),
        h - 4.0,
        y(0.5),
        y(0.5)
    );
    // The threshold-0 point flags everything: its precision is the base rate, drawn as a
    // dashed reference line rather than as part of the curve no threshold can reach.
    if let Some(base) = curve.iter().find(|p| p.threshold <= 0.0).and_then(|p| p.precision) {
        let _ = write!(
            s,
            r##"<line x1="{:.1}" y1="{yb:.1}" x2="{:.1}" y2="{yb:.1}" stroke="#999" stroke-dasharray="4 3"/><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="end" fill="#666">base rate {base:.2}</text>"##,
            x(0.0),
            x(1.0),
            x(1.0),
            y(base) - 4.0,
            yb = y(base)
        );
    }
    let defined: Vec<(f64, f64)> =
        curve.iter().filter(|p| p.threshold > 0.0).filter_map(|p| Some((p.recall?, p.precision?))).collect();
    if !defined.is_empty() {
        let step = defined.len().div_ceil(MAX_POINTS).max(1);
        let mut path = format!("M{:.1},{:.1}", x(0.0), y(defined[0].1));
        let last = defined.len() - 1;
        for (i, (r, p)) in defined.iter().enumerate() {
            if i % step == 0 || i == last {
                let _ = write!(path, " H{:.1} V{:.1}", x(*r), y(*p));
            }
        }
        let _ = write!(s, r##"<path d="{path}" fill="none" stroke="{}" stroke-width="2"/>"##, SERIES[0]);
    }
    for (i, m) in markers.iter().enumerate() {
        let colour = SERIES[(i + 1) % SERIES.len()];
        let (mx, my) = (x(m.recall), y(m.precision));
        let anchor = if m.recall > 0.6 { "end" } else { "start" };
        let dx = if m.recall > 0.6 { -8.0 } else { 8.0 };
        let _ = write!(
            s,
            r#"<circle cx="{mx:.1}" cy="{my:.1}" r="5" fill="{colour}"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="{anchor}" fill="{colour}">{}</text>"#,
            mx + dx,
            my - 8.0 + 14.0 * i as f64,
            escape(&m.label)
        );
    }
    s.push_str("</svg>");
    s
}

/// One row of a bar chart: a label and one value per series (`None` draws no bar).
#[derive(Debug, Clone)]
pub struct BarRow {
    /// The row's label.
    pub label: String,
    /// Values in 0..1, one per series.
    pub values: Vec<Option<f64>>,
}

/// Horizontal grouped bars in 0..1: one group per row, one bar per series, with a legend.
pub fn bars(title: &str, series: &[&str], rows: &[BarRow]) -> String {
    let label_width = 190.0;
    let bar_area = 360.0;
    let bar_h = 9.0;
    let group_h = bar_h * series.len() as f64 + 8.0;
    let legend_h = 22.0;
    let w = label_width + bar_area + 60.0;
    let h = legend_h + group_h * rows.len() as f64 + 20.0;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{t}"><title>{t}</title>"#,
        t = escape(title)
    );
    for (i, name) in series.iter().enumerate() {
        let lx = label_width + i as f64 * 90.0;
        let _ = write!(
            s,
            r#"<rect x="{lx}" y="4" width="12" height="12" fill="{}"/><text x="{}" y="14" font-size="11">{}</text>"#,
            SERIES[i % SERIES.len()],
            lx + 16.0,
            escape(name)
        );
    }
    for k in 0..=4 {
        let gx = label_width + bar_area * k as f64 / 4.0;
        let _ = write!(
            s,
            r##"<line x1="{gx}" y1="{legend_h}" x2="{gx}" y2="{:.1}" stroke="#ddd"/><text x="{gx}" y="{:.1}" font-size="10" text-anchor="middle">{:.2}</text>"##,
            h - 14.0,
            h - 3.0,
            k as f64 / 4.0
        );
    }
    for (r, row) in rows.iter().enumerate() {
        let gy = legend_h + group_h * r as f64;
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{}</text>"#,
            label_width - 6.0,
            gy + group_h / 2.0 + 1.0,
            escape(&one_line(&row.label, 30))
        );
        for (i, v) in row.values.iter().enumerate() {
            let Some(v) = v else { continue };
            let by = gy + 2.0 + bar_h * i as f64;
            let bw = bar_area * v.clamp(0.0, 1.0);
            let _ = write!(
                s,
                r#"<rect x="{label_width}" y="{by:.1}" width="{bw:.1}" height="{:.1}" fill="{}"><title>{}: {v:.3}</title></rect><text x="{:.1}" y="{:.1}" font-size="9">{v:.2}</text>"#,
                bar_h - 1.0,
                SERIES[i % SERIES.len()],
                escape(&format!("{} {}", row.label, series.get(i).unwrap_or(&""))),
                label_width + bw + 3.0,
                by + bar_h - 1.5
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// One series of a [`timeline`].
#[derive(Debug, Clone)]
pub struct Line {
    /// The series' name (a language, an outlet; "all" for the whole trend).
    pub label: String,
    /// A count per bucket.
    pub counts: Vec<u64>,
    /// Per bucket: why it is a spike (shown on hover and marked with a triangle), or `None`.
    pub spikes: Vec<Option<String>>,
}

/// Counts over time: bars for one series, lines for several, every spike bucket marked with a
/// triangle above it (`class="spike"`). `ticks` names the buckets, one per count; a few are
/// written under the axis and every one is in the hover title of its bar or point. With
/// `legend` (or several series) the series are named across the top.
pub fn timeline(title: &str, ticks: &[String], lines: &[Line], legend: bool) -> String {
    let (w, h, left, right, top, bottom) = (960.0, 350.0, 56.0, 30.0, 50.0, 46.0);
    let n = ticks.len();
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let peak = lines.iter().flat_map(|l| l.counts.iter().copied()).max().unwrap_or(0);
    let step_y = nice_step(peak.max(1));
    let y_max = (peak.max(1).div_ceil(step_y) * step_y) as f64;
    let bucket_w = plot_w / n.max(1) as f64;
    let x_mid = |i: usize| left + bucket_w * (i as f64 + 0.5);
    let y = |c: u64| top + plot_h * (1.0 - c as f64 / y_max);
    let spikes: usize = lines.iter().map(|l| l.spikes.iter().flatten().count()).sum();
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{t}"><title>{t}</title><desc>{d}</desc>"#,
        t = escape(title),
        d = escape(&format!("{n} buckets, highest count {peak}, {spikes} spike{}", if spikes == 1 { "" } else { "s" })),
    );
    // Horizontal grid with counts, then the axis titles.
    let mut v = 0;
    while v as f64 <= y_max {
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{yv:.1}" x2="{:.1}" y2="{yv:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end" fill="#333">{v}</text>"##,
            w - right,
            left - 6.0,
            y(v) + 4.0,
            yv = y(v),
        );
        v += step_y;
    }
    let _ = write!(
        s,
        r##"<text x="14" y="{c:.1}" font-size="12" text-anchor="middle" fill="#333" transform="rotate(-90 14 {c:.1})">articles</text><line x1="{left}" y1="{b:.1}" x2="{:.1}" y2="{b:.1}" stroke="#555"/>"##,
        w - right,
        c = top + plot_h / 2.0,
        b = y(0),
    );
    // A few bucket names under the axis.
    let every = n.div_ceil(8).max(1);
    for (i, tick) in ticks.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" y1="{b:.1}" x2="{x:.1}" y2="{:.1}" stroke="#555"/><text x="{x:.1}" y="{:.1}" font-size="12" text-anchor="middle" fill="#333">{}</text>"##,
            y(0) + 5.0,
            y(0) + 19.0,
            escape(tick),
            x = x_mid(i),
            b = y(0),
        );
    }
    if n == 0 {
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="14" text-anchor="middle" fill="#333">No articles in this period.</text>"##,
            left + plot_w / 2.0,
            top + plot_h / 2.0
        );
    }
    let tick = |i: usize| ticks.get(i).map_or("", String::as_str);
    let hover = |line: &Line, i: usize, c: u64| {
        let series = if lines.len() > 1 { format!("{}, ", line.label) } else { String::new() };
        let spike = line.spikes.get(i).cloned().flatten().map_or(String::new(), |why| format!(" — spike: {why}"));
        escape(&format!("{series}{}: {c} article{}{spike}", tick(i), if c == 1 { "" } else { "s" }))
    };
    if lines.len() == 1 {
        let line = &lines[0];
        let bar_w = (bucket_w * 0.8).max(1.0);
        for (i, &c) in line.counts.iter().enumerate().take(n) {
            let colour = if line.spikes.get(i).is_some_and(Option::is_some) { SPIKE } else { SERIES[0] };
            let _ = write!(
                s,
                r#"<rect x="{:.1}" y="{:.1}" width="{bar_w:.1}" height="{:.1}" fill="{colour}"><title>{}</title></rect>"#,
                x_mid(i) - bar_w / 2.0,
                y(c),
                y(0) - y(c),
                hover(line, i, c)
            );
        }
    } else {
        for (k, line) in lines.iter().enumerate() {
            let colour = SERIES[k % SERIES.len()];
            let mut path = String::new();
            for (i, &c) in line.counts.iter().enumerate().take(n) {
                let _ = write!(path, "{}{:.1},{:.1}", if i == 0 { "M" } else { " L" }, x_mid(i), y(c));
            }
            let _ = write!(s, r#"<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>"#);
            for (i, &c) in line.counts.iter().enumerate().take(n) {
                let _ = write!(
                    s,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="{}" fill="{colour}"><title>{}</title></circle>"#,
                    x_mid(i),
                    y(c),
                    if n > 120 { 1.5 } else { 3.0 },
                    hover(line, i, c)
                );
            }
        }
    }
    if legend || lines.len() > 1 {
        let mut lx = left;
        for (k, line) in lines.iter().enumerate() {
            let label = one_line(&line.label, 24);
            let _ = write!(
                s,
                r##"<rect x="{lx:.1}" y="8" width="14" height="14" fill="{}"/><text x="{:.1}" y="20" font-size="12" fill="#222">{}</text>"##,
                SERIES[k % SERIES.len()],
                lx + 18.0,
                escape(&label)
            );
            lx += 30.0 + 7.0 * label.chars().count() as f64;
        }
    }
    // Spikes: a triangle above the bar or point, with why on hover.
    for line in lines {
        for (i, why) in line.spikes.iter().enumerate().take(n) {
            let Some(why) = why else { continue };
            let c = line.counts.get(i).copied().unwrap_or(0);
            let (cx, cy) = (x_mid(i), y(c) - 6.0);
            let _ = write!(
                s,
                r##"<path class="spike" d="M{:.1},{:.1} L{:.1},{:.1} L{cx:.1},{cy:.1} Z" fill="{SPIKE}" stroke="#fff" stroke-width="1"><title>{}</title></path>"##,
                cx - 6.0,
                cy - 10.0,
                cx + 6.0,
                cy - 10.0,
                escape(&format!("{}: {c} articles — spike: {why}", tick(i)))
            );
        }
    }
    if spikes > 0 {
        let _ = write!(
            s,
            r##"<path d="M{:.1},8 L{:.1},8 L{:.1},20 Z" fill="{SPIKE}"/><text x="{:.1}" y="20" font-size="12" text-anchor="end" fill="#222">spike: far above the usual count</text>"##,
            w - right - 12.0,
            w - right,
            w - right - 6.0,
            w - right - 18.0,
        );
    }
    s.push_str("</svg>");
    s
}

/// A step of 1, 2 or 5 × 10ⁿ that divides 0..=`max` into at most five parts.
fn nice_step(max: u64) -> u64 {
    let mut magnitude = 1;
    loop {
        for m in [1, 2, 5] {
            if max <= m * magnitude * 5 {
                return m * magnitude;
            }
        }
        magnitude *= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_in_charts() {
        let svg = bars("t<", &["P"], &[BarRow { label: "<script>".into(), values: vec![Some(0.5)] }]);
        assert!(!svg.contains("<script>") && svg.contains("&lt;script&gt;"));
        let curve = pr_curve(&[], &[Marker { label: "a&b".into(), recall: 0.2, precision: 0.9 }]);
        assert!(curve.contains("a&amp;b") && curve.ends_with("</svg>"));
    }

    #[test]
    fn timelines_mark_spikes_and_escape_labels() {
        let ticks: Vec<String> = (1..=5).map(|d| format!("{d} Nov")).collect();
        let one = Line {
            label: "all".into(),
            counts: vec![0, 1, 0, 9, 1],
            spikes: vec![None, None, None, Some("usual 0.3".into()), None],
        };
        let svg = timeline("Articles per day", &ticks, std::slice::from_ref(&one), false);
        assert_eq!(svg.matches(r#"class="spike""#).count(), 1);
        assert_eq!(svg.matches("<rect").count(), 5);
        assert!(svg.contains("4 Nov: 9 articles — spike: usual 0.3"), "{svg}");
        let other = Line { label: "<fr>".into(), counts: vec![1, 1, 1, 1, 1], spikes: vec![None; 5] };
        let svg = timeline("t", &ticks, &[one, other], false);
        assert!(svg.contains("&lt;fr&gt;") && !svg.contains("<fr>"));
        assert_eq!(svg.matches("<path d=\"M").count(), 3, "two lines and the spike legend");
        assert!(timeline("t", &[], &[], false).contains("No articles"));
    }

    #[test]
    fn steps_are_round() {
        assert_eq!([1, 5, 6, 10, 11, 24, 26, 99, 1234].map(nice_step), [1, 1, 2, 2, 5, 5, 10, 20, 500]);
    }
}
