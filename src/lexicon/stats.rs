//! `tocsin lexicon stats`: how much each language has, per category, so gaps show at a glance
//! (a language without cues, a category without terms, rules without examples).
//!
//! Data enters as a loaded [`LexiconSet`] and leaves as [`Stats`], serialisable as the JSON of
//! `lexicon stats --json`; the CLI renders the table.

use std::collections::BTreeMap;

use serde::Serialize;

use super::LexiconSet;
use crate::classify::expand;

/// Terms and rules of one category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CategoryCount {
    /// Terms of the category.
    pub terms: usize,
    /// Rules whose evidence counts for the category.
    pub rules: usize,
}

/// Counts for one language (or all of them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LanguageStats {
    /// Lexicon files.
    pub lexicons: usize,
    /// Terms.
    pub terms: usize,
    /// Rules.
    pub rules: usize,
    /// Terms written as `match`.
    pub literals: usize,
    /// Terms written as `regex`.
    pub regexes: usize,
    /// Of those, the ones that stay regexes in the classifier because they are not a small
    /// finite word list (unbounded `+`/`*`, big classes, punctuation): each costs a regex
    /// search on every text that passes its prefilter, so fewer is faster.
    pub slow_regexes: usize,
    /// Of those, the ones that no known first word starts (see
    /// [`crate::classify::expand::trigger_words`]): they run on every text of the language,
    /// through its `RegexSet`, where the others run only where their first words stand.
    pub every_text_regexes: usize,
    /// Literal patterns the classifier is built with: one per `match` term, and every string
    /// a finite regex is spelled out into (see [`crate::classify::expand::literal_expansions`]),
    /// before the diacritic-folded and typo spellings the build adds. The build's time grows
    /// with it: a regex of three word lists of ten is a thousand patterns.
    pub spelled: usize,
    /// Terms and rules with at least one example.
    pub with_examples: usize,
    /// Examples over all terms and rules.
    pub examples: usize,
    /// Counter-examples over all terms and rules.
    pub counter_examples: usize,
    /// Per category, every category of `categories.toml` included (zeros show gaps).
    pub categories: BTreeMap<String, CategoryCount>,
}

/// Counts per language and in total.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// By the lexicons' `language`; universal lexicons are counted under `*`.
    pub languages: BTreeMap<String, LanguageStats>,
    /// Every language together.
    pub total: LanguageStats,
}

/// Count terms and rules per language and category.
pub fn stats(set: &LexiconSet) -> Stats {
    let empty = LanguageStats {
        categories: set.categories.iter().map(|c| (c.name.clone(), CategoryCount::default())).collect(),
        ..LanguageStats::default()
    };
    let mut languages: BTreeMap<String, LanguageStats> = BTreeMap::new();
    let mut total = empty.clone();
    for lex in &set.lexicons {
        let key = if lex.meta.universal { "*".to_string() } else { lex.meta.language.clone() };
        let lang = languages.entry(key).or_insert_with(|| empty.clone());
        for s in [&mut *lang, &mut total] {
            s.lexicons += 1;
            for t in &lex.terms {
                s.terms += 1;
                if t.spec.literal.is_some() {
                    s.literals += 1;
                    s.spelled += 1;
                } else {
                    s.regexes += 1;
                    let source = t.spec.regex.as_deref().unwrap_or_default();
                    match expand::literal_expansions(source) {
                        Some(spellings) => s.spelled += spellings.len(),
                        None => s.slow_regexes += 1,
                    }
                    s.every_text_regexes += usize::from(expand::searched_in_every_text(source));
                }
                s.categories.entry(t.spec.category.clone()).or_default().terms += 1;
                s.count_examples(&t.spec.examples, &t.spec.counter_examples);
            }
            for r in &lex.rules {
                s.rules += 1;
                s.categories.entry(r.spec.category.clone()).or_default().rules += 1;
                s.count_examples(&r.spec.examples, &r.spec.counter_examples);
            }
        }
    }
    Stats { languages, total }
}

impl LanguageStats {
    fn count_examples(&mut self, examples: &[String], counter: &[String]) {
        self.with_examples += usize::from(!examples.is_empty());
        self.examples += examples.len();
        self.counter_examples += counter.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Categories;

    #[test]
    fn counts_follow_language_and_category() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(root.join("lexicons/categories.toml"), dir.path().join("categories.toml")).unwrap();
        std::fs::write(
            dir.path().join("a.toml"),
            "[lexicon]\nid = \"xx-a\"\nlanguage = \"xx\"\n\n[[term]]\nmatch = \"zap\"\ncategory = \"violence\"\nexamples = [\"zap\", \"zap it\"]\n\n[[term]]\nregex = \"zo+p\"\ncategory = \"violence\"\n\n[[term]]\nregex = \"(zip|zup) (it|all)\"\ncategory = \"violence\"\n\n[[rule]]\nid = \"r\"\nall = [\"violence\"]\ncategory = \"threat\"\n",
        )
        .unwrap();
        let set = LexiconSet::load_paths(&[dir.path().to_path_buf()]).unwrap();
        let s = stats(&set);
        let xx = &s.languages["xx"];
        assert_eq!((xx.terms, xx.rules, xx.literals, xx.regexes), (3, 1, 1, 2));
        // `zo+p` stays a regex, and no word starts it; the other is spelled out in four.
        assert_eq!((xx.slow_regexes, xx.every_text_regexes), (1, 1));
        assert_eq!(xx.spelled, 1 + 4);
        assert_eq!((xx.with_examples, xx.examples), (1, 2));
        assert_eq!(xx.categories["violence"], CategoryCount { terms: 3, rules: 0 });
        assert_eq!(xx.categories["threat"], CategoryCount { terms: 0, rules: 1 });
        assert_eq!(xx.categories.len(), Categories::load(&dir.path().join("categories.toml")).unwrap().iter().count());
        assert_eq!(s.total, *xx);
    }
}
