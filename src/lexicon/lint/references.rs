//! Checks over the set as a whole: metadata, ids, what rules reference, documentation.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::{Code, Diagnostic, Entries, Entry, LexiconSet, Origin, Rule, Scope, at};

/// Every lexicon says where its terms come from and under which licence.
pub(super) fn check_metadata(set: &LexiconSet, out: &mut Vec<Diagnostic>) {
    for lex in &set.lexicons {
        if lex.meta.sources.iter().all(|s| s.trim().is_empty()) {
            out.push(Diagnostic::file(
                &lex.path,
                Code::MissingSources,
                format!("lexicon {:?} names no `sources`: say where its terms come from", lex.meta.id),
            ));
        }
        if lex.meta.licence.trim().is_empty() {
            out.push(Diagnostic::file(
                &lex.path,
                Code::MissingLicence,
                format!("lexicon {:?} has no `licence`", lex.meta.id),
            ));
        }
    }
}

/// Lexicon, term and rule ids are unique; a term id that is a category name is unreachable.
pub(super) fn check_ids(set: &LexiconSet, out: &mut Vec<Diagnostic>) {
    let mut lexicon_ids: HashMap<&str, &Path> = HashMap::new();
    let mut term_ids: HashMap<&str, &Origin> = HashMap::new();
    let mut rule_ids: HashMap<&str, &Origin> = HashMap::new();
    for lex in &set.lexicons {
        if let Some(first) = lexicon_ids.insert(&lex.meta.id, &lex.path) {
            out.push(Diagnostic::file(
                &lex.path,
                Code::DuplicateId,
                format!("lexicon id {:?} is already used by {}", lex.meta.id, first.display()),
            ));
        }
        for t in &lex.terms {
            let Some(id) = t.spec.id.as_deref() else { continue };
            if let Some(first) = term_ids.get(id) {
                out.push(Diagnostic::at(
                    &t.origin,
                    Code::DuplicateId,
                    format!("term id {id:?} is used twice (first at {})", at(first)),
                ));
            } else {
                term_ids.insert(id, &t.origin);
            }
            if set.categories.get(id).is_some() {
                out.push(Diagnostic::at(
                    &t.origin,
                    Code::DuplicateId,
                    format!("term id {id:?} is also a category name: rules naming it mean the category"),
                ));
            }
        }
        for r in &lex.rules {
            if let Some(first) = rule_ids.get(r.spec.id.as_str()) {
                out.push(Diagnostic::at(
                    &r.origin,
                    Code::DuplicateId,
                    format!(
                        "rule id {:?} is used twice (first at {}): evidence of both counts once",
                        r.spec.id,
                        at(first)
                    ),
                ));
            } else {
                rule_ids.insert(&r.spec.id, &r.origin);
            }
        }
    }
}

/// Rules whose parts no term of their language can satisfy, and `unless` cues that do not
/// exist there. Rules fire on term evidence only, never on cues or on other rules.
pub(super) fn check_rules(set: &LexiconSet, entries: &Entries, out: &mut Vec<Diagnostic>) {
    let term_ids: HashMap<&str, &Entry> =
        entries.list.iter().filter_map(|e| e.term.spec.id.as_deref().map(|id| (id, e))).collect();
    for lex in &set.lexicons {
        let scope = Scope::of(lex);
        let categories_here: HashSet<&str> =
            entries.list.iter().filter(|e| e.scope.overlaps(scope)).map(|e| e.term.spec.category.as_str()).collect();
        for rule in &lex.rules {
            let dead =
                |name: &str| -> Option<(Code, String)> { dead_part(set, &term_ids, &categories_here, scope, name) };
            for name in &rule.spec.all {
                if let Some((code, why)) = dead(name) {
                    out.push(Diagnostic::at(
                        &rule.origin,
                        code,
                        format!("rule {:?} never fires: `all` {why}", rule.spec.id),
                    ));
                }
            }
            let any_dead: Vec<(Code, String)> = rule.spec.any.iter().filter_map(|n| dead(n)).collect();
            let all_any_dead = any_dead.len() == rule.spec.any.len();
            for (code, why) in any_dead {
                let message = if all_any_dead {
                    format!("rule {:?} never fires: no part of `any` can match; it {why}", rule.spec.id)
                } else {
                    format!("rule {:?}: `any` {why}", rule.spec.id)
                };
                let code =
                    if all_any_dead || code == Code::UnknownReference { code } else { Code::AnyPartReferencesNothing };
                out.push(Diagnostic::at(&rule.origin, code, message));
            }
            for name in &rule.spec.unless {
                check_unless(set, entries, scope, rule, name, out);
            }
        }
    }
}

fn dead_part(
    set: &LexiconSet,
    term_ids: &HashMap<&str, &Entry>,
    categories_here: &HashSet<&str>,
    scope: Scope,
    name: &str,
) -> Option<(Code, String)> {
    if let Some(category) = set.categories.get(name) {
        if category.cue {
            return Some((
                Code::RuleReferencesNothing,
                format!("names the cue category {name:?}: rules combine signals, cues only void them (`unless`)"),
            ));
        }
        if !categories_here.contains(name) {
            return Some((
                Code::RuleReferencesNothing,
                format!("names {name:?}, but no term in {} has that category", scope_text(scope)),
            ));
        }
        return None;
    }
    let Some(term) = term_ids.get(name) else {
        return Some((Code::UnknownReference, format!("names {name:?}, which is neither a category nor a term id")));
    };
    if !term.scope.overlaps(scope) {
        return Some((
            Code::RuleReferencesNothing,
            format!(
                "names term {name:?} of language {}, which never applies to {}",
                term.scope.language,
                scope_text(scope)
            ),
        ));
    }
    if term.cue {
        return Some((
            Code::RuleReferencesNothing,
            format!("names term {name:?}, a context cue: rules combine signals only"),
        ));
    }
    None
}

fn scope_text(scope: Scope) -> String {
    if scope.universal { "any language".into() } else { format!("language {:?}", scope.language) }
}

fn check_unless(set: &LexiconSet, entries: &Entries, scope: Scope, rule: &Rule, name: &str, out: &mut Vec<Diagnostic>) {
    match set.categories.get(name) {
        Some(c) if c.cue => {
            if !entries.list.iter().any(|e| e.scope.overlaps(scope) && e.term.spec.category == name) {
                out.push(Diagnostic::at(
                    &rule.origin,
                    Code::UnlessWithoutCues,
                    format!(
                        "rule {:?}: `unless` {name:?} has no cue terms in {}, so nothing voids the rule",
                        rule.spec.id,
                        scope_text(scope)
                    ),
                ));
            }
        }
        _ => out.push(Diagnostic::at(
            &rule.origin,
            Code::UnlessNotCue,
            format!(
                "rule {:?}: unless {name:?} must be a cue category ({})",
                rule.spec.id,
                set.categories.cue_names().join(", ")
            ),
        )),
    }
}

/// Every term and rule says why it matters and carries examples `lexicon test` can check.
pub(super) fn check_documentation(set: &LexiconSet, out: &mut Vec<Diagnostic>) {
    for lex in &set.lexicons {
        let terms = lex.terms.iter().map(|t| ("term", t.label(), &t.spec.note, &t.spec.examples, &t.origin));
        let rules = lex.rules.iter().map(|r| ("rule", r.spec.id.as_str(), &r.spec.note, &r.spec.examples, &r.origin));
        for (kind, label, note, examples, origin) in terms.chain(rules) {
            if note.trim().is_empty() {
                out.push(Diagnostic::at(
                    origin,
                    Code::MissingNote,
                    format!("{kind} {label:?} has no `note`: say why it matters and when it misleads"),
                ));
            }
            if examples.is_empty() {
                out.push(Diagnostic::at(
                    origin,
                    Code::MissingExamples,
                    format!("{kind} {label:?} has no `examples`, so `lexicon test` cannot check it"),
                ));
            }
        }
    }
}
