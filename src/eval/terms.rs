//! Per-term and per-rule accounting: which lexicon entries fire on positives, which on
//! negatives, and which cause the false alarms an analyst should look at first.
//!
//! A term counts once per example however often it matches there. `false_alarms` counts the
//! negatives that were flagged while the term contributed to the score (fired with a weight
//! above 0, so identity terms, which weigh nothing alone, and negated or condemned matches
//! that were cancelled do not count): a term with many false alarms and low precision is the
//! first candidate for a counter-example, a narrower pattern or a lower weight.

use std::collections::HashMap;

use serde::Serialize;

use super::report::Judged;
use crate::model::EvidenceKind;

/// Where a term, rule or category fired.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Hits {
    /// Gold-positive examples it fired on.
    pub on_positives: usize,
    /// Gold-negative examples it fired on.
    pub on_negatives: usize,
    /// Gold-negative examples that were flagged while it fired there with a weight above 0.
    pub false_alarms: usize,
    /// `on_positives / (on_positives + on_negatives)`.
    pub precision: Option<f64>,
}

impl Hits {
    fn add(&mut self, j: &Judged, contributed: bool) {
        if j.example.gold {
            self.on_positives += 1;
        } else {
            self.on_negatives += 1;
            self.false_alarms += usize::from(j.flagged && contributed);
        }
        let n = self.on_positives + self.on_negatives;
        self.precision = Some(self.on_positives as f64 / n as f64);
    }

    /// Most false alarms first, then most hits on negatives.
    fn order(&self) -> (std::cmp::Reverse<usize>, std::cmp::Reverse<usize>) {
        (std::cmp::Reverse(self.false_alarms), std::cmp::Reverse(self.on_negatives))
    }
}

/// How one term or rule did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermStats {
    /// The term's `match`/`regex`, or the rule id.
    pub term_or_rule: String,
    /// Term or rule.
    pub kind: EvidenceKind,
    /// Its lexicon's id.
    pub lexicon: String,
    /// Its category.
    pub category: String,
    /// Where it fired.
    #[serde(flatten)]
    pub hits: Hits,
}

/// How one evidence category did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryStats {
    /// The category.
    pub category: String,
    /// Where its evidence fired.
    #[serde(flatten)]
    pub hits: Hits,
}

/// (term or rule, is a rule, lexicon, category).
type TermKey<'a> = (&'a str, bool, &'a str, &'a str);

/// The per-term and per-category tables, most false alarms first (then most negatives,
/// then name).
pub(crate) fn term_tables(judged: &[Judged]) -> (Vec<TermStats>, Vec<CategoryStats>) {
    let mut terms: HashMap<TermKey, Hits> = HashMap::new();
    let mut categories: HashMap<&str, Hits> = HashMap::new();
    for j in judged {
        // Per example: whether each term (and category) contributed anywhere in it.
        let mut seen_terms: HashMap<TermKey, bool> = HashMap::new();
        let mut seen_categories: HashMap<&str, bool> = HashMap::new();
        for e in &j.outcome.assessment.evidence {
            let key = (e.term_or_rule.as_str(), e.kind == EvidenceKind::Rule, e.lexicon.as_str(), e.category.as_str());
            *seen_terms.entry(key).or_default() |= e.weight > 0.0;
            *seen_categories.entry(&e.category).or_default() |= e.weight > 0.0;
        }
        for (key, contributed) in seen_terms {
            terms.entry(key).or_default().add(j, contributed);
        }
        for (category, contributed) in seen_categories {
            categories.entry(category).or_default().add(j, contributed);
        }
    }
    let mut term_rows: Vec<TermStats> = terms
        .into_iter()
        .map(|((term, rule, lexicon, category), hits)| TermStats {
            term_or_rule: term.to_string(),
            kind: if rule { EvidenceKind::Rule } else { EvidenceKind::Term },
            lexicon: lexicon.to_string(),
            category: category.to_string(),
            hits,
        })
        .collect();
    term_rows.sort_by(|a, b| {
        (a.hits.order(), &a.lexicon, &a.term_or_rule).cmp(&(b.hits.order(), &b.lexicon, &b.term_or_rule))
    });
    let mut category_rows: Vec<CategoryStats> =
        categories.into_iter().map(|(category, hits)| CategoryStats { category: category.to_string(), hits }).collect();
    category_rows.sort_by(|a, b| (a.hits.order(), &a.category).cmp(&(b.hits.order(), &b.category)));
    (term_rows, category_rows)
}
