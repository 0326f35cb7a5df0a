//! From evidence to an [`Assessment`]: the scoring formula (also in `lexicons/README.md`).
//!
//! 1. Each piece of evidence weighs `weight × speech_factor` (direct 1, reported 0.75,
//!    condemned 0.15, negated 0.1): quoted incitement still raises an article, condemned or
//!    negated words barely do.
//! 2. Repeating a term adds nothing: per category, each distinct term or rule counts once,
//!    with its strongest occurrence.
//! 3. A category's score combines its distinct weights as independent signals (noisy-OR):
//!    `1 − Π(1 − wᵢ)`, capped at the category's `cap`. The article score combines the category
//!    scores the same way.
//! 4. The level comes from the pipeline's thresholds, except that an article reaches `alert`
//!    only if a category that may alert alone (categories.toml `alerts_alone`) has direct or
//!    reported evidence; otherwise it stops at `warning`.

use std::collections::BTreeMap;

use crate::config::Levels;
use crate::model::{Assessment, Evidence, Level, Speech};

/// How much of a term's weight counts in each speech context.
pub fn speech_factor(speech: Speech) -> f64 {
    match speech {
        Speech::Direct => 1.0,
        Speech::Reported => 0.75,
        Speech::Condemned => 0.15,
        Speech::Negated => 0.1,
    }
}

/// Combine independent signals: `1 − Π(1 − wᵢ)`, clamped to 0..1.
pub fn noisy_or(weights: impl IntoIterator<Item = f64>) -> f64 {
    let keep = weights.into_iter().fold(1.0, |acc, w| acc * (1.0 - w.clamp(0.0, 1.0)));
    (1.0 - keep).clamp(0.0, 1.0)
}

/// What scoring needs to know of a category.
#[derive(Debug, Clone, Copy)]
pub struct CategoryPolicy {
    /// Evidence of this category alone may raise an article to `alert`.
    pub alerts_alone: bool,
    /// The category's score never exceeds this.
    pub cap: f64,
}

/// Score evidence (already weighted by speech) into an assessment.
pub fn assess(evidence: Vec<Evidence>, levels: &Levels, policy: impl Fn(&str) -> CategoryPolicy) -> Assessment {
    // Ordered: the product below must multiply in the same order every time, or a score
    // near a rounding edge comes out one way or the other from run to run.
    let mut strongest: BTreeMap<(&str, &str, &str), f64> = BTreeMap::new();
    for e in &evidence {
        let w = strongest.entry((&e.category, &e.lexicon, &e.term_or_rule)).or_insert(0.0);
        *w = w.max(e.weight);
    }
    let mut per_category: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for ((category, _, _), w) in strongest {
        per_category.entry(category.to_string()).or_default().push(w);
    }
    let categories: BTreeMap<String, f64> = per_category
        .into_iter()
        .map(|(c, ws)| {
            let cap = policy(&c).cap;
            (c, round(noisy_or(ws).min(cap)))
        })
        .collect();
    let score = round(noisy_or(categories.values().copied()));
    let mut level = levels.level_for(score);
    let may_alert = evidence.iter().any(|e| {
        e.weight > 0.0 && matches!(e.speech, Speech::Direct | Speech::Reported) && policy(&e.category).alerts_alone
    });
    if level == Level::Alert && !may_alert {
        level = Level::Warning;
    }
    Assessment { score, level, categories, evidence }
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EvidenceKind;

    fn ev(term: &str, category: &str, weight: f64, speech: Speech) -> Evidence {
        Evidence {
            start: 0,
            end: 1,
            text: term.into(),
            sentence: String::new(),
            term_or_rule: term.into(),
            kind: EvidenceKind::Term,
            lexicon: "x".into(),
            category: category.into(),
            language: "en".into(),
            speech,
            weight: weight * speech_factor(speech),
        }
    }

    const ALL: CategoryPolicy = CategoryPolicy { alerts_alone: true, cap: 1.0 };
    const NOT_ALONE: CategoryPolicy = CategoryPolicy { alerts_alone: false, cap: 1.0 };

    #[test]
    fn a_capped_category_stays_under_its_cap() {
        let l = Levels::default();
        let ev = vec![
            ev("mass grave", "atrocity_indicator", 0.3, Speech::Direct),
            ev("massacre", "atrocity_indicator", 0.3, Speech::Direct),
            ev("displaced", "atrocity_indicator", 0.3, Speech::Direct),
        ];
        let a = assess(ev, &l, |_| CategoryPolicy { alerts_alone: false, cap: 0.5 });
        assert_eq!(a.score, 0.5);
        assert_eq!(a.level, Level::Watch);
    }

    #[test]
    fn a_score_does_not_depend_on_the_order_of_its_evidence() {
        // 1 - 0.75 * 0.65 * 0.9 = 0.56125, on a rounding edge: multiplied in another order it
        // rounds to 0.5612 or 0.5613. Each order, many times (a hash map's order changes
        // from map to map), must give one score.
        let weights = [("a", 0.25), ("b", 0.35), ("c", 0.1)];
        let orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
        let mut scores = Vec::new();
        for _ in 0..20 {
            for order in orders {
                let ev = order.iter().map(|&i| ev(weights[i].0, "threat", weights[i].1, Speech::Direct)).collect();
                scores.push(assess(ev, &Levels::default(), |_| ALL).score);
            }
        }
        assert!(scores.iter().all(|&s| s == scores[0]), "{scores:?}");
    }

    #[test]
    fn noisy_or_combines_independent_signals() {
        assert_eq!(noisy_or([]), 0.0);
        assert!((noisy_or([0.5, 0.5]) - 0.75).abs() < 1e-9);
        assert_eq!(noisy_or([1.0, 0.2]), 1.0);
    }

    #[test]
    fn repeating_a_term_adds_nothing() {
        let l = Levels::default();
        let once = assess(vec![ev("cancer", "dehumanisation", 0.3, Speech::Direct)], &l, |_| ALL);
        let thrice = assess(vec![ev("cancer", "dehumanisation", 0.3, Speech::Direct); 3], &l, |_| ALL);
        assert_eq!(once.score, thrice.score);
    }

    #[test]
    fn alert_needs_a_category_that_may_alert_alone() {
        let l = Levels::default();
        let strong = vec![ev("a", "violence", 0.9, Speech::Direct), ev("b", "violence", 0.9, Speech::Direct)];
        let a = assess(strong.clone(), &l, |c| if c == "threat" { ALL } else { NOT_ALONE });
        assert!(a.score >= l.alert);
        assert_eq!(a.level, Level::Warning);
        assert_eq!(assess(strong, &l, |c| if c == "violence" { ALL } else { NOT_ALONE }).level, Level::Alert);
    }

    #[test]
    fn condemned_speech_weighs_far_less() {
        let l = Levels::default();
        let direct = assess(vec![ev("kill them", "violence", 0.8, Speech::Direct)], &l, |_| ALL);
        let condemned = assess(vec![ev("kill them", "violence", 0.8, Speech::Condemned)], &l, |_| ALL);
        assert_eq!(direct.level, Level::Warning);
        assert_eq!(condemned.level, Level::None);
    }
}
