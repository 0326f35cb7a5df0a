//! Shadowed literals: a shorter literal whose evidence always gives way to a longer one of the
//! same category and language (what that means precisely is in the parent module's docs).

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
    // Shadowed term → the longer terms that hide it.
    let mut found: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (bi, longer) in list.iter().enumerate() {
        // A silencer hides the words inside it on purpose.
        let Some(b) = longer.pattern.as_deref().filter(|_| !longer.term.spec.silence) else { continue };
        for (s, e) in inner_spans(b) {
            let Some(shorter) = by_pattern.get(&b[s..e]) else { continue };
            let (word_start, word_end) = (starts_word(b, s), ends_word(b, e));
            for &ai in shorter {
                let a = &list[ai];
                // The classifier keeps every match that passes its own checks and drops a term's
                // evidence only inside a longer match of the same category in the text's
                // language: a longer term of another category or language hides nothing.
                let hides = a.term.spec.category == longer.term.spec.category && a.scope.overlaps(longer.scope);
                if hides && (!a.boundaries || (word_start && (word_end || a.stem))) {
                    found.entry(ai).or_default().push(bi);
                }
            }
        }
    }
    for (ai, longer) in found {
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
        let message = format!(
            "{label:?} ({}) is shadowed by {}{more}: where the longer words occur, only the longer term is evidence ({label:?}'s weight does not count there; rules still see it)",
            a.term.spec.category,
            shown.join(", "),
        );
        out.push(Diagnostic::at(&a.term.origin, Code::Shadowed, message));
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
