//! Counting and scoring: confusion matrices, precision/recall/F1, the threshold sweep and the
//! precision-recall curve.
//!
//! Everything here works on plain `(score, gold)` pairs or `(gold, predicted)` decisions, so it
//! is checked against confusion matrices computed by hand. A ratio with a zero denominator is
//! `None` (printed as `–`, `null` in JSON), never a made-up 0 or 1.

use serde::Serialize;

/// Counts of the four outcomes of a binary decision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Confusion {
    /// Positive and flagged.
    pub tp: usize,
    /// Negative but flagged: a false alarm.
    pub fp: usize,
    /// Positive but not flagged: a miss.
    #[serde(rename = "fn")]
    pub fn_: usize,
    /// Negative and not flagged.
    pub tn: usize,
}

impl Confusion {
    /// Count one decision.
    pub fn add(&mut self, gold: bool, predicted: bool) {
        match (gold, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }

    /// Count many decisions.
    pub fn of(decisions: impl IntoIterator<Item = (bool, bool)>) -> Self {
        let mut c = Confusion::default();
        for (g, p) in decisions {
            c.add(g, p);
        }
        c
    }

    /// All examples.
    pub fn total(&self) -> usize {
        self.tp + self.fp + self.fn_ + self.tn
    }

    /// Gold positives.
    pub fn positives(&self) -> usize {
        self.tp + self.fn_
    }

    /// Examples flagged.
    pub fn flagged(&self) -> usize {
        self.tp + self.fp
    }

    /// `tp / (tp + fp)`: of what was flagged, how much was right.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fp)
    }

    /// `tp / (tp + fn)`: of the positives, how many were flagged.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// `2tp / (2tp + fp + fn)`, the harmonic mean of precision and recall.
    pub fn f1(&self) -> Option<f64> {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }

    /// `(tp + tn) / total`: for slices with one gold label (a HateCheck functionality) the
    /// share of cases the classifier gets right.
    pub fn accuracy(&self) -> Option<f64> {
        ratio(self.tp + self.tn, self.total())
    }
}

fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// A confusion matrix with its derived scores: one row of every results table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scores {
    /// Examples counted.
    pub examples: usize,
    /// Gold positives among them.
    pub positives: usize,
    /// Examples flagged (predicted positive).
    pub flagged: usize,
    /// The confusion matrix.
    #[serde(flatten)]
    pub confusion: Confusion,
    /// `tp / (tp + fp)`, null when nothing was flagged.
    pub precision: Option<f64>,
    /// `tp / (tp + fn)`, null when there are no positives.
    pub recall: Option<f64>,
    /// F1, null when there is neither a positive nor a flag.
    pub f1: Option<f64>,
    /// `(tp + tn) / examples`.
    pub accuracy: Option<f64>,
}

impl From<Confusion> for Scores {
    fn from(c: Confusion) -> Self {
        Scores {
            examples: c.total(),
            positives: c.positives(),
            flagged: c.flagged(),
            confusion: c,
            precision: c.precision(),
            recall: c.recall(),
            f1: c.f1(),
            accuracy: c.accuracy(),
        }
    }
}

/// One point of the precision-recall curve or the sweep: flag everything scoring at least
/// `threshold`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CurvePoint {
    /// Score threshold (`score >= threshold` is flagged).
    pub threshold: f64,
    /// Examples flagged at this threshold.
    pub flagged: usize,
    /// True positives at this threshold.
    pub tp: usize,
    /// Precision at this threshold.
    pub precision: Option<f64>,
    /// Recall at this threshold.
    pub recall: Option<f64>,
    /// F1 at this threshold.
    pub f1: Option<f64>,
}

impl CurvePoint {
    fn new(threshold: f64, c: Confusion) -> Self {
        CurvePoint {
            threshold,
            flagged: c.flagged(),
            tp: c.tp,
            precision: c.precision(),
            recall: c.recall(),
            f1: c.f1(),
        }
    }
}

/// Scores sorted high to low with cumulative counts: the basis of the curve and the sweep.
#[derive(Debug, Clone)]
pub struct Ranking {
    /// `(score, gold)` sorted by score, highest first.
    sorted: Vec<(f64, bool)>,
    positives: usize,
}

impl Ranking {
    /// Rank `(score, gold)` pairs.
    pub fn new(mut pairs: Vec<(f64, bool)>) -> Self {
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
        let positives = pairs.iter().filter(|p| p.1).count();
        Ranking { sorted: pairs, positives }
    }

    /// The confusion matrix when flagging `score >= threshold`.
    pub fn at(&self, threshold: f64) -> Confusion {
        let flagged = self.sorted.partition_point(|p| p.0 >= threshold);
        let tp = self.sorted[..flagged].iter().filter(|p| p.1).count();
        let total = self.sorted.len();
        Confusion { tp, fp: flagged - tp, fn_: self.positives - tp, tn: total - flagged - (self.positives - tp) }
    }

    /// The precision-recall curve: one point per distinct score, from the highest threshold
    /// (fewest flags) to the lowest (everything flagged).
    pub fn pr_curve(&self) -> Vec<CurvePoint> {
        let total = self.sorted.len();
        let mut points = Vec::new();
        let (mut tp, mut i) = (0, 0);
        while i < total {
            let score = self.sorted[i].0;
            while i < total && self.sorted[i].0 == score {
                tp += usize::from(self.sorted[i].1);
                i += 1;
            }
            let c = Confusion { tp, fp: i - tp, fn_: self.positives - tp, tn: total - i - (self.positives - tp) };
            points.push(CurvePoint::new(score, c));
        }
        points
    }

    /// Points at fixed thresholds (`step`, `2·step`, … up to 1).
    pub fn sweep(&self, step: f64) -> Vec<CurvePoint> {
        let n = (1.0 / step).round() as usize;
        // Rounded so that 6 × 0.05 is 0.3, not 0.30000000000000004, which would miss scores of 0.3.
        (1..=n).map(|k| (k as f64 * step * 1e6).round() / 1e6).map(|t| CurvePoint::new(t, self.at(t))).collect()
    }

    /// The threshold with the highest F1 on the curve (the highest such threshold on ties),
    /// `None` when nothing has a defined F1 above zero.
    pub fn best_f1(&self) -> Option<CurvePoint> {
        let curve = self.pr_curve();
        let mut best: Option<CurvePoint> = None;
        for p in curve.into_iter().filter(|p| p.threshold > 0.0) {
            if p.f1.unwrap_or(0.0) > best.and_then(|b| b.f1).unwrap_or(0.0) {
                best = Some(p);
            }
        }
        best
    }

    /// Average precision: `Σ (Rₙ − Rₙ₋₁) Pₙ` over the curve's thresholds above 0 (the area
    /// under the step curve), `None` without positives.
    ///
    /// Unlike scikit-learn's, the point at threshold 0 (flag everything) is left out: for a
    /// lexicon most texts score exactly 0 and no threshold flags them, so that point would add
    /// recall nobody can get and make a weak lexicon look good.
    pub fn average_precision(&self) -> Option<f64> {
        if self.positives == 0 {
            return None;
        }
        let mut ap = 0.0;
        let mut last_recall = 0.0;
        for p in self.pr_curve().into_iter().filter(|p| p.threshold > 0.0) {
            let r = p.recall.unwrap_or(0.0);
            ap += (r - last_recall) * p.precision.unwrap_or(0.0);
            last_recall = r;
        }
        Some(ap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    /// Ten examples, worked out on paper:
    ///
    /// | score | 0.9 | 0.8 | 0.7 | 0.7 | 0.5 | 0.4 | 0.3 | 0.2 | 0 | 0 |
    /// | gold  |  +  |  −  |  +  |  +  |  −  |  +  |  −  |  −  | + | − |
    fn pairs() -> Vec<(f64, bool)> {
        vec![
            (0.9, true),
            (0.8, false),
            (0.7, true),
            (0.7, true),
            (0.5, false),
            (0.4, true),
            (0.3, false),
            (0.2, false),
            (0.0, true),
            (0.0, false),
        ]
    }

    #[test]
    fn confusion_by_hand() {
        // Flag score >= 0.3: flagged 0.9+ 0.8− 0.7+ 0.7+ 0.5− 0.4+ 0.3− → tp 4, fp 3;
        // not flagged 0.2− 0+ 0− → fn 1, tn 2.
        let c = Confusion::of(pairs().into_iter().map(|(s, g)| (g, s >= 0.3)));
        assert_eq!(c, Confusion { tp: 4, fp: 3, fn_: 1, tn: 2 });
        assert!(close(c.precision(), 4.0 / 7.0));
        assert!(close(c.recall(), 4.0 / 5.0));
        // 2·4 / (2·4 + 3 + 1) = 8/12
        assert!(close(c.f1(), 2.0 / 3.0));
        assert!(close(c.accuracy(), 0.6));
        assert_eq!(Ranking::new(pairs()).at(0.3), c);
    }

    #[test]
    fn undefined_ratios_are_none() {
        let nothing_flagged = Confusion { tp: 0, fp: 0, fn_: 3, tn: 5 };
        assert_eq!(nothing_flagged.precision(), None);
        assert!(close(nothing_flagged.recall(), 0.0));
        assert!(close(nothing_flagged.f1(), 0.0));
        let all_negative = Confusion { tp: 0, fp: 0, fn_: 0, tn: 4 };
        assert_eq!((all_negative.recall(), all_negative.f1()), (None, None));
        assert!(close(all_negative.accuracy(), 1.0));
        let s = Scores::from(Confusion { tp: 2, fp: 1, fn_: 1, tn: 0 });
        assert_eq!((s.examples, s.positives, s.flagged), (4, 3, 3));
    }

    #[test]
    fn curve_by_hand() {
        let r = Ranking::new(pairs());
        let curve = r.pr_curve();
        let got: Vec<(f64, usize, usize)> = curve.iter().map(|p| (p.threshold, p.flagged, p.tp)).collect();
        // Ties at 0.7 and at 0 form one point each.
        assert_eq!(
            got,
            [(0.9, 1, 1), (0.8, 2, 1), (0.7, 4, 3), (0.5, 5, 3), (0.4, 6, 4), (0.3, 7, 4), (0.2, 8, 4), (0.0, 10, 5)]
        );
        assert!(close(curve[2].precision, 0.75) && close(curve[2].recall, 0.6));
        // F1 per point: 1/3, 2/7, 6/9, 6/10, 8/11, 8/12, 8/13, 10/15 → best 8/11 at 0.4.
        let best = r.best_f1().unwrap();
        assert_eq!(best.threshold, 0.4);
        assert!(close(best.f1, 8.0 / 11.0));
        // AP over thresholds above 0 = 0.2·1 + 0.4·0.75 + 0.2·(4/6); the 0 point is left out.
        assert!(close(r.average_precision(), 0.2 + 0.3 + 0.8 / 6.0));
    }

    #[test]
    fn sweep_at_fixed_steps() {
        let r = Ranking::new(pairs());
        let s = r.sweep(0.25);
        let got: Vec<(f64, usize, usize)> = s.iter().map(|p| (p.threshold, p.flagged, p.tp)).collect();
        assert_eq!(got, [(0.25, 7, 4), (0.5, 5, 3), (0.75, 2, 1), (1.0, 0, 0)]);
        assert_eq!(s[3].precision, None);
    }

    #[test]
    fn no_positives() {
        let r = Ranking::new(vec![(0.5, false), (0.0, false)]);
        assert_eq!(r.best_f1(), None);
        assert_eq!(r.average_precision(), None);
    }
}
