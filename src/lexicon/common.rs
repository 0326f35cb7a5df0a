//! The most frequent words of each language, from the lexicons' `common_words` files.
//!
//! A dictionary says whether a word belongs to a language, but the big frequency lists of
//! web text also hold the commonest words of other languages: the French list has "the",
//! "has", "with" and "government", the German, Spanish and Portuguese ones too. So a sentence
//! in English quoted in a French article is "mostly French words" to the French dictionary.
//! The hundred commonest words of a language (its articles, pronouns, prepositions and
//! auxiliaries) tell it apart: an English sentence has several of English's and almost none
//! of French's. [`crate::lang::runs`] counts them per sentence; see [`CommonWords::of_key`].

use rustc_hash::FxHashMap;

use super::WordKey;
use crate::lang::script::{Script, script_of};

/// The common words of several languages, looked up once per word for all of them.
#[derive(Debug, Clone, Default)]
pub struct CommonWords {
    /// The languages, by bit: language `i` is bit `1 << i` of [`CommonWords::of_key`].
    languages: Vec<(String, Option<Script>)>,
    /// For each word, the languages it is common in.
    words: FxHashMap<u64, u64>,
}

/// Most languages one [`CommonWords`] holds (one bit each).
pub const MAX_LANGUAGES: usize = 64;

impl CommonWords {
    /// Add the words of a list to `lang`'s, one per line: trimmed, lowercased; empty lines
    /// and lines starting with `#` (the list's provenance) skipped. Returns `false`, adding
    /// nothing, when [`MAX_LANGUAGES`] other languages are in already.
    pub fn add_lines(&mut self, lang: &str, list: &str) -> bool {
        let i = match self.languages.iter().position(|(l, _)| l == lang) {
            Some(i) => i,
            None if self.languages.len() < MAX_LANGUAGES => {
                self.languages.push((lang.to_string(), None));
                self.languages.len() - 1
            }
            None => return false,
        };
        for line in list.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            if self.languages[i].1.is_none() {
                self.languages[i].1 = line.chars().map(script_of).find(|&s| s != Script::Other);
            }
            *self.words.entry(WordKey::of(&line.to_lowercase()).0).or_default() |= 1 << i;
        }
        true
    }

    /// The languages, in the order of their bits, each with the script of its words.
    pub fn languages(&self) -> impl Iterator<Item = (&str, Option<Script>)> {
        self.languages.iter().map(|(l, s)| (l.as_str(), *s))
    }

    /// The bit of `lang`, if it has common words.
    pub fn bit(&self, lang: &str) -> Option<u64> {
        self.languages.iter().position(|(l, _)| l == lang).map(|i| 1 << i)
    }

    /// The languages the word of `key` is common in, as bits (see [`CommonWords::languages`]).
    pub fn of_key(&self, key: WordKey) -> u64 {
        if self.words.is_empty() { 0 } else { self.words.get(&key.0).copied().unwrap_or(0) }
    }

    /// Whether no language has common words.
    pub fn is_empty(&self) -> bool {
        self.languages.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_is_common_in_each_language_that_lists_it() {
        let mut c = CommonWords::default();
        assert!(c.add_lines("en", "# provenance\nthe\nOn\n\n of \n"));
        assert!(c.add_lines("fr", "de\non\nle\n"));
        let (en, fr) = (c.bit("en").unwrap(), c.bit("fr").unwrap());
        assert_ne!(en, fr);
        assert_eq!(c.of_key(WordKey::of("the")), en);
        assert_eq!(c.of_key(WordKey::of("on")), en | fr, "lowercased, in both lists");
        assert_eq!(c.of_key(WordKey::of("of")), en, "trimmed");
        assert_eq!(c.of_key(WordKey::of("le")), fr);
        assert_eq!(c.of_key(WordKey::of("# provenance")), 0, "comments are no words");
        assert_eq!(c.of_key(WordKey::of("government")), 0);
        assert_eq!(c.bit("de"), None);
        let scripts: Vec<_> = c.languages().collect();
        assert_eq!(scripts, [("en", Some(Script::Latin)), ("fr", Some(Script::Latin))]);
    }

    #[test]
    fn more_languages_than_bits_are_refused_not_mixed_up() {
        let mut c = CommonWords::default();
        for i in 0..MAX_LANGUAGES {
            assert!(c.add_lines(&format!("l{i}"), "word"));
        }
        assert!(!c.add_lines("one-too-many", "other"));
        assert_eq!(c.of_key(WordKey::of("other")), 0);
        assert!(c.add_lines("l3", "more"), "a language already in may add words");
        assert_eq!(c.of_key(WordKey::of("more")), 1 << 3);
    }
}
