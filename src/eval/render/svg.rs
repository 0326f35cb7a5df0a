//! Charts as inline SVG: the precision-recall curve and horizontal bar charts.
//!
//! Plain SVG 1.1 written as text, with every label escaped, so the HTML report stays one file
//! that opens anywhere with no JavaScript and no fetches.

use std::fmt::Write;

use crate::eval::metrics::CurvePoint;

/// Colours of bar series, in order (colour-blind safe: Okabe–Ito).
const SERIES: [&str; 4] = ["#0072B2", "#E69F00", "#009E73", "#CC79A7"];

/// Escape text for HTML and XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0; tweets do carry them.
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

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
            escape(&super::one_line(&row.label, 30))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_controls() {
        assert_eq!(escape(r#"<b>"a" & 'b'</b>"#), "&lt;b&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/b&gt;");
        assert_eq!(escape("a\u{0}b"), "a\u{FFFD}b");
    }

    #[test]
    fn labels_are_escaped_in_charts() {
        let svg = bars("t<", &["P"], &[BarRow { label: "<script>".into(), values: vec![Some(0.5)] }]);
        assert!(!svg.contains("<script>") && svg.contains("&lt;script&gt;"));
        let curve = pr_curve(&[], &[Marker { label: "a&b".into(), recall: 0.2, precision: 0.9 }]);
        assert!(curve.contains("a&amp;b") && curve.ends_with("</svg>"));
    }
}
