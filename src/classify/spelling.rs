//! One-typo tolerance for lexicons that ask for it (`typos = true`).
//!
//! Writers dodge filters with small misspellings ("I haet them", "make me sikc", "deaht to
//! all") and run words together ("sosickening", "stabthose"). Rather than adding every
//! misspelling of every phrase to the literal patterns, which would multiply their number,
//! the literal view of a text is corrected word by word before the search:
//!
//! - a word that is one neighbour swap or one inner letter drop away from a word of a
//!   typo-tolerant lexicon ([`typo_variants`]) becomes that word, unless it is itself a word
//!   of some lexicon of the language or could be a misspelling of two different words;
//! - a word that no lexicon knows and that splits into two words the lexicons of its
//!   language know, one of them a word of a typo-tolerant lexicon of at least four letters,
//!   is split ("sosickening" → "so sickening").
//!
//! Corrections keep the map to the original text, so evidence shows the words as written.

use std::collections::HashMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::expand::typo_variants;
use super::normalize::Normalized;
use crate::lexicon::WordSet;

/// Vocabulary and corrections of one language.
#[derive(Debug, Default)]
struct Language {
    /// Every word of every pattern of the language's lexicons.
    known: WordSet,
    /// Correctly spelt words of the language (the lexicons' `dictionary`).
    dictionary: Option<Arc<WordSet>>,
    /// Words of typo-tolerant lexicons: the ones worth correcting towards.
    tolerant: WordSet,
    /// Misspelling → word.
    fixes: FxHashMap<String, String>,
    /// The first and the last four bytes of the tolerant words long enough to be the long
    /// part of a split: a word that neither begins nor ends like one is not looked up six
    /// times (most long words of a text).
    long_starts: QuadSet,
    long_ends: QuadSet,
}

impl Language {
    /// Whether `word` (at least four bytes) begins or ends like a tolerant word that could be
    /// the long part of a split.
    fn may_split(&self, word: &str) -> bool {
        let b = word.as_bytes();
        self.long_starts.contains(&b[..4]) || self.long_ends.contains(&b[b.len() - 4..])
    }

    /// Whether `part` (the long part of a split) both begins and ends like such a word.
    fn may_be_long_part(&self, part: &str) -> bool {
        let b = part.as_bytes();
        b.len() >= 4 && self.long_starts.contains(&b[..4]) && self.long_ends.contains(&b[b.len() - 4..])
    }

    /// A word of a lexicon or of the dictionary: correctly spelt.
    fn knows(&self, word: &str) -> bool {
        self.known.contains(word) || self.dictionary.as_ref().is_some_and(|d| d.contains(word))
    }
}

/// Word-level corrections, per lexicon language.
#[derive(Debug, Default)]
pub struct Speller {
    languages: HashMap<String, Language>,
}

/// A run-together pair is split only into a short word (fewer letters than this: "so",
/// "many") and a word of a typo-tolerant lexicon longer than this: two long words, or a
/// five-letter one, are far more often a compound or a name ("blackpool", "blackman",
/// "lockdown") than an evasion. Measured on 1,420 English news articles, the splits left are
/// few and harmless ("jobseeker", "countryfile").
const SPLIT_MIN: usize = 5;

/// Without a dictionary, only swaps in words of a typo-tolerant lexicon at least this long
/// are corrected.
const UNCHECKED_MIN: usize = 6;

impl Speller {
    /// Learn the words of one literal pattern of a lexicon of `language`.
    pub fn add_pattern(&mut self, language: &str, pattern: &str, tolerant: bool) {
        let lang = self.languages.entry(language.to_string()).or_default();
        for word in pattern.split(' ').filter(|w| !w.is_empty()) {
            if !lang.known.contains(word) {
                lang.known.insert(word.to_string());
            }
            if tolerant && !lang.tolerant.contains(word) {
                lang.tolerant.insert(word.to_string());
            }
        }
    }

    /// Compute the misspellings once every pattern is in. `dictionaries` holds correctly spelt
    /// words per language: they are never corrected, split, or produced as misspellings.
    pub fn finish(&mut self, dictionaries: &HashMap<String, Arc<WordSet>>) {
        for (code, lang) in self.languages.iter_mut() {
            lang.dictionary = dictionaries.get(code).cloned();
            let mut fixes: HashMap<String, Option<String>> = HashMap::new();
            // Without a dictionary only the lexicons say what is spelt right: correct only
            // swapped letters, and only towards longer words. A dropped letter too often
            // leaves a real word ("strange" is "strangle" without its l).
            let checked = lang.dictionary.is_some();
            for word in lang.tolerant.iter().filter(|w| checked || w.chars().count() >= UNCHECKED_MIN) {
                let variants = typo_variants(word).into_iter();
                for variant in variants.filter(|v| checked || v.len() == word.len()) {
                    if lang.knows(&variant) {
                        continue;
                    }
                    fixes
                        .entry(variant)
                        .and_modify(|w| {
                            if w.as_deref() != Some(word.as_str()) {
                                *w = None;
                            }
                        })
                        .or_insert_with(|| Some(word.clone()));
                }
            }
            lang.fixes = fixes.into_iter().filter_map(|(v, w)| w.map(|w| (v, w))).collect();
            for word in lang.tolerant.iter().filter(|w| w.chars().count() > SPLIT_MIN) {
                lang.long_starts.insert(&word.as_bytes()[..4]);
                lang.long_ends.insert(&word.as_bytes()[word.len() - 4..]);
            }
        }
        self.languages.retain(|_, l| !l.tolerant.is_empty());
    }

    /// Whether any language has corrections.
    pub fn is_empty(&self) -> bool {
        self.languages.is_empty()
    }

    /// The literal view with misspelt and run-together words corrected, for text in `lang`
    /// (every tolerant language when `None`), or `None` when nothing needs correcting.
    pub fn correct(&self, norm: &Normalized, lang: Option<&str>) -> Option<Normalized> {
        let one;
        let all: Vec<&Language>;
        let languages: &[&Language] = match lang {
            Some(l) => {
                one = self.languages.get(l);
                one.as_slice()
            }
            None => {
                all = self.languages.values().collect();
                &all
            }
        };
        if languages.is_empty() {
            return None;
        }
        let mut edits = Vec::new();
        let bytes = norm.text.as_bytes();
        let mut start = 0;
        while start < bytes.len() {
            let end = bytes[start..].iter().position(|&b| b == b' ').map_or(bytes.len(), |i| start + i);
            let range = start..end;
            let word = &norm.text[range.clone()];
            start = end + 1;
            // Cheapest checks first: most words are no known misspelling and have no part
            // that a tolerant lexicon knows, and then the (big) dictionary is not asked.
            if word.len() < 4 {
                continue;
            }
            let fix = languages.iter().find_map(|l| l.fixes.get(word));
            let could_split = fix.is_none()
                && word.len() > 2 + SPLIT_MIN
                && languages.iter().any(|l| {
                    l.dictionary.is_some()
                        && l.may_split(word)
                        && split_points(word).any(|(_, long)| l.may_be_long_part(long) && l.tolerant.contains(long))
                });
            if (fix.is_none() && !could_split)
                || !word.chars().all(super::normalize::is_letter)
                || languages.iter().any(|l| l.knows(word))
            {
                continue;
            }
            let fixed = fix.cloned().or_else(|| languages.iter().find_map(|l| split(l, word)));
            if let Some(fixed) = fixed {
                edits.push((range, fixed));
            }
        }
        (!edits.is_empty()).then(|| norm.with_replacements(&edits))
    }
}

/// A set of four-byte strings as 65,536 bits (8 KB, in the cache), keyed by a hash: a member
/// is always found; about one absent string in a hundred is found too, and then the real look-up
/// decides.
#[derive(Debug)]
struct QuadSet(Vec<u64>);

impl Default for QuadSet {
    fn default() -> Self {
        QuadSet(vec![0; 1024])
    }
}

impl QuadSet {
    fn bit(quad: &[u8]) -> usize {
        let q = u32::from_le_bytes(quad.try_into().expect("four bytes"));
        (q.wrapping_mul(0x9E37_79B1) >> 16) as usize
    }

    fn insert(&mut self, quad: &[u8]) {
        let bit = Self::bit(quad);
        self.0[bit / 64] |= 1 << (bit % 64);
    }

    fn contains(&self, quad: &[u8]) -> bool {
        let bit = Self::bit(quad);
        self.0[bit / 64] & (1 << (bit % 64)) != 0
    }
}

/// The places `word` may be split at (byte offset, and the longer part): a short part of two
/// to four characters at either end (see [`SPLIT_MIN`]).
fn split_points(word: &str) -> impl Iterator<Item = (usize, &str)> {
    let left = word.char_indices().skip(2).take(SPLIT_MIN - 2);
    let right = word.char_indices().rev().skip(1).take(SPLIT_MIN - 2);
    left.chain(right).map(move |(i, _)| {
        let (l, r) = word.split_at(i);
        (i, if l.len() >= r.len() { l } else { r })
    })
}

/// "sosickening" → "so sickening": a known short word and a longer tolerant word (see
/// [`SPLIT_MIN`]); the split with the longest tolerant word wins.
fn split(lang: &Language, word: &str) -> Option<String> {
    // Only a dictionary knows the short words ("so", "les") a split needs.
    lang.dictionary.as_ref()?;
    let mut best: Option<(usize, usize)> = None;
    for (i, _) in split_points(word) {
        let (left, right) = word.split_at(i);
        if !lang.knows(left) || !lang.knows(right) {
            continue;
        }
        let (short, long) = if left.len() <= right.len() { (left, right) } else { (right, left) };
        let longest_tolerant =
            (short.chars().count() < SPLIT_MIN && long.chars().count() > SPLIT_MIN && lang.tolerant.contains(long))
                .then_some(long.len());
        if let Some(len) = longest_tolerant
            && best.is_none_or(|(_, l)| len > l)
        {
            best = Some((i, len));
        }
    }
    best.map(|(i, _)| format!("{} {}", &word[..i], &word[i..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::normalize::normalize;

    fn speller() -> Speller {
        let mut s = Speller::default();
        for p in ["make me sick", "death to all", "hate", "sickening", "so", "the", "contempt for"] {
            s.add_pattern("en", p, true);
        }
        s.add_pattern("en", "heat wave", false);
        let dictionary = ["establishment", "three", "there"].map(String::from).into_iter().collect();
        s.finish(&HashMap::from([("en".to_string(), Arc::new(dictionary))]));
        s
    }

    fn fixed(s: &Speller, text: &str) -> String {
        let norm = normalize(text, false);
        s.correct(&norm, Some("en")).map_or(norm.text, |n| n.text)
    }

    #[test]
    fn misspelt_words_of_tolerant_lexicons_are_corrected() {
        let s = speller();
        assert_eq!(fixed(&s, "They make me SIKC."), "they make me sick");
        assert_eq!(fixed(&s, "Deaht to all of them"), "death to all of them");
        assert_eq!(fixed(&s, "nothing but contmpt for them"), "nothing but contempt for them");
        assert_eq!(fixed(&s, "Black people are just sosickening."), "black people are just so sickening");
    }

    #[test]
    fn known_words_and_other_languages_are_left_alone() {
        let s = speller();
        assert_eq!(fixed(&s, "a heat wave"), "a heat wave", "'heat' is a word of a lexicon");
        assert_eq!(fixed(&s, "the establishment"), "the establishment");
        assert_eq!(fixed(&s, "three of them"), "three of them", "a dictionary word is never a typo");
        let norm = normalize("make me sikc", false);
        assert!(s.correct(&norm, Some("fr")).is_none());
    }

    #[test]
    fn evidence_offsets_point_at_the_word_as_written() {
        let s = speller();
        let text = "They make me SIKC!";
        let norm = s.correct(&normalize(text, false), Some("en")).unwrap();
        let at = norm.text.find("sick").unwrap();
        let (start, end) = norm.original_range(at, at + 4);
        assert_eq!(&text[start..end], "SIKC");
    }
}
