//! Checks of single patterns and of pairs with the same pattern: literals that normalisation
//! empties or bends, regexes that spell what the normalised text never contains, duplicates.

use std::collections::HashMap;

use regex_syntax::hir::{Class, Hir, HirKind};

use super::{Code, Diagnostic, Entries, Entry, at};
use crate::classify::expand;
use crate::classify::normalize::{is_punctuation, is_unspaced_script, normalize, normalize_for_regex};

/// Literal and regex patterns that cannot work as written.
pub(super) fn check_patterns(entries: &Entries, out: &mut Vec<Diagnostic>) {
    for e in &entries.list {
        match (&e.term.spec.literal, &e.pattern, &e.term.spec.regex) {
            (Some(literal), Some(pattern), _) => check_literal(e, literal, pattern, out),
            (None, _, Some(source)) => check_regex_view(e, source, out),
            _ => {}
        }
    }
}

/// Regex operators, which a literal does not have.
const OPERATORS: &str = "()[]{}|\\?+^$";

fn check_literal(e: &Entry, literal: &str, pattern: &str, out: &mut Vec<Diagnostic>) {
    let origin = &e.term.origin;
    if pattern.is_empty() {
        let message = format!(
            "`match = {literal:?}` can never match: nothing is left after normalisation (letters and digits are what match; a regex can match symbols and emoji)"
        );
        out.push(Diagnostic::at(origin, Code::NeverMatches, message));
        return;
    }
    let body = literal.trim_end().trim_end_matches('*');
    if body.contains('*') {
        let message = format!("`*` only works at the end of a literal: {literal:?} matches the words {pattern:?}");
        out.push(Diagnostic::at(origin, Code::WildcardNotAtEnd, message));
    }
    let operators: String = body.chars().filter(|c| OPERATORS.contains(*c)).collect();
    if !operators.is_empty() {
        let message = format!(
            "{operators:?} are not operators in `match`: normalisation makes {literal:?} the words {pattern:?}; use `regex` for alternatives"
        );
        out.push(Diagnostic::at(origin, Code::RegexSyntaxInMatch, message));
    }
    let removed: String = body.chars().filter(|&c| removed_symbol(c)).collect();
    if !removed.is_empty() {
        let message = format!(
            "normalisation removes {removed:?} from a literal (only letters, digits and marks match): {literal:?} matches the words {pattern:?} wherever they stand; a regex keeps symbols"
        );
        out.push(Diagnostic::at(origin, Code::RemovedCharacters, message));
    }
}

/// A symbol (emoji, currency, arrows …) that normalisation drops, unlike the punctuation and
/// spaces that are meant to separate words.
fn removed_symbol(c: char) -> bool {
    !c.is_whitespace() && !is_punctuation(c) && normalize(&c.to_string(), false).text.is_empty()
}

fn check_regex_view(e: &Entry, source: &str, out: &mut Vec<Diagnostic>) {
    if runs_on_every_text(source) {
        let message = format!(
            "regex {source:?} is searched in every text of its language: it is no finite list of phrases and does not start with words to look it up by; start it with a word (not \\d, \\w+ or an optional part), or split it into terms that do"
        );
        out.push(Diagnostic::at(&e.term.origin, Code::RegexOnEveryText, message));
    }
    let unseen = unnormalised_regex_parts(source);
    if !unseen.is_empty() {
        let message = format!(
            "regex {source:?} spells {} which the normalised text never contains (it is lowercase, NFKC, without invisible characters or Arabic vowel marks, with ’ as ' and single spaces)",
            unseen.join(", ")
        );
        out.push(Diagnostic::at(&e.term.origin, Code::RegexUnnormalised, message));
    }
}

/// Whether regex `source` is searched in every text of its language and could be written
/// otherwise ([`expand::searched_in_every_text`]): scripts written without spaces have no
/// words to start at, so their regexes always are, and are not reported.
pub(super) fn runs_on_every_text(source: &str) -> bool {
    !source.chars().any(is_unspaced_script) && expand::searched_in_every_text(source)
}

/// Parts of a regex that cannot occur in the regex view of a text: literal characters that
/// [`normalize_for_regex`] changes, and small classes made only of such characters.
pub fn unnormalised_regex_parts(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    if let Ok(hir) = regex_syntax::Parser::new().parse(source) {
        walk_hir(&hir, &mut found);
    }
    found.dedup();
    found
}

fn walk_hir(hir: &Hir, found: &mut Vec<String>) {
    match hir.kind() {
        HirKind::Literal(lit) => {
            if let Ok(text) = std::str::from_utf8(&lit.0) {
                unnormalised_chars(text, found);
            }
        }
        HirKind::Class(Class::Unicode(class)) => {
            let chars: Vec<char> = class.iter().flat_map(|r| r.start()..=r.end()).take(65).collect();
            if chars.len() <= 64 && chars.iter().all(|&c| changed_by_normalisation(&c.to_string())) {
                found.push(format!("the class {}", hir));
            }
        }
        HirKind::Repetition(r) => walk_hir(&r.sub, found),
        HirKind::Capture(c) => walk_hir(&c.sub, found),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => parts.iter().for_each(|h| walk_hir(h, found)),
        _ => {}
    }
}

/// Each character (with its combining marks) that the regex view would write differently.
fn unnormalised_chars(text: &str, found: &mut Vec<String>) {
    if text.contains("  ") {
        found.push("two spaces in a row".into());
    }
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let mut group = c.to_string();
        while let Some(&m) = chars.peek().filter(|m| unicode_normalization::char::is_combining_mark(**m)) {
            group.push(m);
            chars.next();
        }
        if group != " " && changed_by_normalisation(&group) {
            let shown = normalize_for_regex(&group).text;
            found.push(format!("{group:?} (the text has {shown:?})"));
        }
    }
}

fn changed_by_normalisation(group: &str) -> bool {
    normalize_for_regex(group).text != group
}

/// Two terms that apply to the same texts with the same pattern both fire on every match.
pub(super) fn check_duplicates(entries: &Entries, out: &mut Vec<Diagnostic>) {
    let mut groups: HashMap<(bool, &str), Vec<&Entry>> = HashMap::new();
    for e in &entries.list {
        let key = match (&e.pattern, &e.term.spec.regex) {
            (Some(p), _) if !p.is_empty() => (false, p.as_str()),
            (None, Some(r)) => (true, r.as_str()),
            _ => continue,
        };
        groups.entry(key).or_default().push(e);
    }
    for ((is_regex, pattern), group) in groups {
        for (j, later) in group.iter().enumerate() {
            let Some(first) = group[..j].iter().find(|e| e.scope.overlaps(later.scope)) else { continue };
            let what = if is_regex { "regex" } else { "normalised pattern" };
            let language = if later.scope.universal { "*" } else { later.scope.language };
            let mut why = format!("same {what} {pattern:?}, language {language}");
            if later.stem != first.stem {
                why += &format!("; a trailing `*` only widens one of them, both fire on {pattern:?}");
            }
            push_pair(out, later, first, &why);
        }
    }
}

/// A regex that matches the whole of a literal's words fires wherever the literal does.
pub(super) fn check_regex_covers_literal(entries: &Entries, out: &mut Vec<Diagnostic>) {
    let literals: Vec<&Entry> =
        entries.list.iter().filter(|e| e.pattern.as_ref().is_some_and(|p| !p.is_empty())).collect();
    for r in entries.list.iter().filter(|e| e.term.spec.regex.is_some()) {
        let covered: Vec<&&Entry> = literals.iter().filter(|l| l.scope.overlaps(r.scope)).collect();
        let source = r.term.spec.regex.as_deref().unwrap_or_default();
        let Ok(whole) = regex::Regex::new(&format!("^(?:{source})$")) else { continue };
        for l in covered {
            let pattern = l.pattern.as_deref().unwrap_or_default();
            if whole.is_match(pattern) {
                push_pair(out, r, l, &format!("the regex matches all of the words {pattern:?}, so both fire on them"));
            }
        }
    }
}

/// Report `later` as firing together with `first`: an error in one category (the words weigh
/// twice), a warning across categories (they count in both).
fn push_pair(out: &mut Vec<Diagnostic>, later: &Entry, first: &Entry, why: &str) {
    let (t, f) = (later.term, first.term);
    let (code, message) = if t.spec.category == f.spec.category {
        (
            Code::DuplicateTerm,
            format!(
                "{:?} duplicates {:?} at {} ({why}; category {}): both count, so the words weigh twice",
                t.label(),
                f.label(),
                at(&f.origin),
                t.spec.category
            ),
        )
    } else {
        (
            Code::DuplicatePattern,
            format!(
                "{:?} ({}) fires with {:?} ({}) at {} ({why}): the words count in both categories",
                t.label(),
                t.spec.category,
                f.label(),
                f.spec.category,
                at(&f.origin)
            ),
        )
    };
    out.push(Diagnostic::at(&t.origin, code, message));
}
