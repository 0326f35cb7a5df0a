//! Shadowed literals: a shorter literal always hidden inside a longer one by the
//! leftmost-longest automaton (what that means precisely is in the parent module's docs).

use std::collections::{BTreeMap, HashMap};

use super::{Code, Diagnostic, Entries, at};
use crate::classify::normalize::is_unspaced_script;

/// Literals that a longer literal always hides (module docs).
pub(super) fn check_shadowing(entries: &Entries, out: &mut Vec<Diagnostic>) {
    let list = &entries.list;
    let mut by_pattern: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in list.iter().enumerate() {
        if let Some(p) = e.pattern.as_deref().filter(|p| !p.is_empty()) {
            by_pattern.entry(p).or_default().push(i);
        }
    }
    // (shadowed term, same language?) → the longer terms that hide it.
    let mut found: BTreeMap<(usize, bool), Vec<usize>> = BTreeMap::new();
    for (bi, longer) in list.iter().enumerate() {
        let Some(b) = longer.pattern.as_deref() else { continue };
        for (s, e) in inner_spans(b) {
            let Some(shorter) = by_pattern.get(&b[s..e]) else { continue };
            let (word_start, word_end) = (starts_word(b, s), ends_word(b, e));
            for &ai in shorter {
                let a = &list[ai];
                if !a.boundaries || (word_start && (word_end || a.stem)) {
                    found.entry((ai, a.scope.overlaps(longer.scope))).or_default().push(bi);
                }
            }
        }
    }
    for ((ai, same_language), longer) in found {
        let a = &list[ai];
        let shown: Vec<String> = longer
            .iter()
            .take(3)
            .map(|&bi| {
                let b = &list[bi];
                format!("{:?} ({}, {}, {})", b.term.label(), b.term.spec.category, b.scope.language, at(&b.term.origin))
            })
            .collect();
        let more = if longer.len() > 3 { format!(" and {} more", longer.len() - 3) } else { String::new() };
        let label = a.term.label();
        let (code, message) = if same_language {
            (
                Code::Shadowed,
                format!(
                    "{label:?} ({}) is shadowed by {}{more}: where the longer words occur, or the text only begins like them, the automaton takes the longer term and {label:?} does not count",
                    a.term.spec.category,
                    shown.join(", "),
                ),
            )
        } else {
            (
                Code::ShadowedByOtherLanguage,
                format!(
                    "{label:?} is hidden in text of {} wherever a longer term of another language occurs: {}{more} (all languages share one automaton)",
                    a.scope.name(),
                    shown.join(", ")
                ),
            )
        };
        out.push(Diagnostic::at(&a.term.origin, code, message));
    }
}

/// Every proper sub-span `(start, end)` of a pattern at character boundaries; patterns with
/// word boundaries only need spans that start a word.
fn inner_spans(pattern: &str) -> Vec<(usize, usize)> {
    let bounds: Vec<usize> = pattern.char_indices().map(|(i, _)| i).chain([pattern.len()]).collect();
    let unspaced = pattern.chars().any(is_unspaced_script);
    let mut spans = Vec::new();
    for (k, &s) in bounds.iter().enumerate() {
        if !unspaced && !starts_word(pattern, s) {
            continue;
        }
        for &e in &bounds[k + 1..] {
            if (s, e) != (0, pattern.len()) && !pattern[s..e].ends_with(' ') && !pattern[s..e].starts_with(' ') {
                spans.push((s, e));
            }
        }
    }
    spans
}

/// In a normalised pattern (words separated by single spaces), whether byte `at` starts a word.
fn starts_word(pattern: &str, at: usize) -> bool {
    at == 0 || pattern.as_bytes()[at - 1] == b' '
}

/// Whether byte `at` ends a word.
fn ends_word(pattern: &str, at: usize) -> bool {
    at == pattern.len() || pattern.as_bytes()[at] == b' '
}
