//! Turning a [`Report`](super::Report) or [`Comparison`](super::compare::Comparison) into
//! something people read: aligned terminal tables ([`text`]) or one self-contained HTML page
//! with inline SVG charts ([`html`], [`crate::markup::svg`]). The JSON form is serde's and
//! needs no code here.

pub mod html;
pub mod table;
pub mod text;

pub use crate::markup::{one_line, svg};

use crate::eval::compare::Delta;
use crate::eval::metrics::{CurvePoint, Scores};
use crate::eval::terms::{CategoryStats, Hits, TermStats};
use crate::model::EvidenceKind;

/// Columns of every per-slice table after the slice's value (terminal and HTML alike).
pub const SLICE_COLUMNS: [&str; 11] =
    ["examples", "positives", "flagged", "TP", "FP", "FN", "TN", "precision", "recall", "F1", "accuracy"];

/// One slice row: its value, then [`SLICE_COLUMNS`].
pub fn slice_cells(value: &str, s: &Scores) -> Vec<String> {
    let c = &s.confusion;
    let counts = [s.examples, s.positives, s.flagged, c.tp, c.fp, c.fn_, c.tn].map(|n| n.to_string());
    let ratios = [s.precision, s.recall, s.f1, s.accuracy].map(ratio);
    std::iter::once(value.to_string()).chain(counts).chain(ratios).collect()
}

/// Columns of the overall rows of a comparison, after the row's name.
pub const OVERALL_COLUMNS: [&str; 8] = ["flagged", "TP", "FP", "FN", "TN", "precision", "recall", "F1"];

/// One overall row of a comparison: its name, then [`OVERALL_COLUMNS`].
pub fn overall_cells(name: &str, s: &Scores) -> Vec<String> {
    let c = &s.confusion;
    let counts = [s.flagged, c.tp, c.fp, c.fn_, c.tn].map(|n| n.to_string());
    let ratios = [s.precision, s.recall, s.f1].map(ratio);
    std::iter::once(name.to_string()).chain(counts).chain(ratios).collect()
}

/// The change row of a comparison, in [`OVERALL_COLUMNS`].
pub fn delta_cells(d: &Delta) -> Vec<String> {
    let counts = [d.flagged, d.tp, d.fp, d.fn_, d.tn].map(|n| format!("{n:+}"));
    let ratios = [d.precision, d.recall, d.f1].map(signed);
    std::iter::once("change".to_string()).chain(counts).chain(ratios).collect()
}

/// Columns of the threshold sweep.
pub const SWEEP_COLUMNS: [&str; 6] = ["score ≥", "flagged", "TP", "precision", "recall", "F1"];

/// One sweep row, in [`SWEEP_COLUMNS`].
pub fn sweep_cells(p: &CurvePoint) -> Vec<String> {
    let counts = [p.flagged, p.tp].map(|n| n.to_string());
    let ratios = [p.precision, p.recall, p.f1].map(ratio);
    std::iter::once(format!("{:.2}", p.threshold)).chain(counts).chain(ratios).collect()
}

/// Columns of the term table.
pub const TERM_COLUMNS: [&str; 7] =
    ["false alarms", "on negatives", "on positives", "precision", "category", "lexicon", "term or rule"];

/// One term row, in [`TERM_COLUMNS`]; a rule's id is prefixed with `rule `, long patterns cut
/// to `max` characters.
pub fn term_cells(t: &TermStats, max: usize) -> Vec<String> {
    let kind = if t.kind == EvidenceKind::Rule { "rule " } else { "" };
    let mut cells = hit_cells(&t.hits);
    cells.extend([t.category.clone(), t.lexicon.clone(), format!("{kind}{}", one_line(&t.term_or_rule, max))]);
    cells
}

/// Columns of the evidence-category table.
pub const CATEGORY_COLUMNS: [&str; 5] =
    ["false alarms", "on negatives", "on positives", "precision", "evidence category"];

/// One evidence-category row, in [`CATEGORY_COLUMNS`].
pub fn category_cells(c: &CategoryStats) -> Vec<String> {
    let mut cells = hit_cells(&c.hits);
    cells.push(c.category.clone());
    cells
}

fn hit_cells(h: &Hits) -> Vec<String> {
    vec![h.false_alarms.to_string(), h.on_negatives.to_string(), h.on_positives.to_string(), ratio(h.precision)]
}

/// A ratio with three decimals, or `–` when undefined.
pub fn ratio(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |x| format!("{x:.3}"))
}

/// A signed change with three decimals, or `–` when undefined.
pub fn signed(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |x| format!("{x:+.3}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(ratio(Some(2.0 / 3.0)), "0.667");
        assert_eq!(ratio(None), "–");
        assert_eq!(signed(Some(0.05)), "+0.050");
        assert_eq!(signed(Some(-0.1)), "-0.100");
        assert_eq!(one_line("a\n b   c", 10), "a b c");
        assert_eq!(one_line("abcdefghijkl", 5), "abcd…");
    }
}
