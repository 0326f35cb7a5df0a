//! Lexicon examples as tests: every `examples` entry must fire its term or rule, every
//! `counter_examples` entry must not. `tocsin lexicon test` and the test suite run these.

use crate::classify::Classifier;
use crate::lexicon::{LexiconSet, Origin};
use crate::model::Evidence;

/// One example that did not behave as its lexicon says.
#[derive(Debug, Clone)]
pub struct ExampleFailure {
    /// Where the term or rule is written.
    pub origin: Origin,
    /// The term's pattern or the rule's id.
    pub entry: String,
    /// The example text.
    pub example: String,
    /// True for a counter-example that fired, false for an example that did not.
    pub counter: bool,
    /// What fired on the example (for a counter-example, the offending evidence).
    pub fired: Vec<Evidence>,
}

impl std::fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let o = &self.origin;
        if self.counter {
            write!(
                f,
                "{}:{}: {:?} must not match counter-example {:?}",
                o.path.display(),
                o.line,
                self.entry,
                self.example
            )?;
        } else {
            write!(f, "{}:{}: {:?} did not match example {:?}", o.path.display(), o.line, self.entry, self.example)?;
        }
        for e in &self.fired {
            write!(
                f,
                "\n    fired: {} {:?} on {:?} ({}, {})",
                e.category, e.term_or_rule, e.text, e.lexicon, e.speech
            )?;
        }
        Ok(())
    }
}

/// Run every example and counter-example of `set` through `classifier`.
///
/// Examples are classified as text in their lexicon's language.
pub fn check_examples(classifier: &Classifier, set: &LexiconSet) -> (usize, Vec<ExampleFailure>) {
    let mut checked = 0;
    let mut failures = Vec::new();
    for lex in &set.lexicons {
        let lang = Some(lex.meta.language.as_str());
        let terms = lex.terms.iter().map(|t| (false, t.label(), &t.spec.examples, &t.spec.counter_examples, &t.origin));
        let rules =
            lex.rules.iter().map(|r| (true, r.spec.id.as_str(), &r.spec.examples, &r.spec.counter_examples, &r.origin));
        for (is_rule, label, examples, counters, origin) in terms.chain(rules) {
            // A term must match (whatever its speech context, cues included); a rule must fire.
            let fires = |text: &str| -> (bool, Vec<Evidence>) {
                let a = classifier.classify(text, lang);
                let fired = if is_rule {
                    a.evidence.iter().any(|e| e.lexicon == lex.meta.id && e.term_or_rule == label)
                } else {
                    classifier.term_matches(text, lang).iter().any(|m| m.lexicon == lex.meta.id && m.label == label)
                };
                let mine: Vec<Evidence> = a
                    .evidence
                    .iter()
                    .filter(|e| e.lexicon == lex.meta.id && e.term_or_rule == label)
                    .cloned()
                    .collect();
                (fired, if mine.is_empty() { a.evidence } else { mine })
            };
            for (list, counter) in [(examples, false), (counters, true)] {
                for example in list {
                    checked += 1;
                    let (fired, evidence) = fires(example);
                    if fired == counter {
                        failures.push(ExampleFailure {
                            origin: origin.clone(),
                            entry: label.to_string(),
                            example: example.clone(),
                            counter,
                            fired: evidence,
                        });
                    }
                }
            }
        }
    }
    (checked, failures)
}
