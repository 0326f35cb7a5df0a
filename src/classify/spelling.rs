//! One-typo tolerance for lexicons that ask for it (`typos = true`).
//!
//! Writers dodge filters with small misspellings ("I haet them", "make me sikc", "deaht to
//! all") and run words together ("sosickening", "stabthose"). Rather than adding every
//! misspelling of every phrase to the literal patterns, which would multiply their number,
//! the literal view of a text is corrected word by word, for languages whose lexicons name a
//! `dictionary` (without one nothing says a word is spelt right). The walk of the word index
//! hands each word, with its hash, to [`Suspects::word`]; a text with a suspect word is
//! corrected ([`Speller::correct`]) and searched again:
//!
//! - a word that is one neighbour swap or one inner letter drop away from a word of a
//!   typo-tolerant lexicon ([`typo_variants`]) becomes that word, unless it is itself a word
//!   of some lexicon of the language or could be a misspelling of two different words;
//! - a word that no lexicon knows and that splits into two words the lexicons of its
//!   language know, one of them a word of a typo-tolerant lexicon of at least four letters,
//!   is split ("sosickening" → "so sickening");
//! - two neighbouring words that together spell a word of a typo-tolerant lexicon, one of
//!   them no word of the language, are joined ("Mus lims", "pa rásitos", "Ungez iefer").
//!   The part that is no word is what the walk looks for: such parts are rare in real text,
//!   and they share the filter of the misspellings, so looking for them costs no probe per
//!   word beyond that one (which words of three letters get too).
//!
//! Corrections keep the map to the original text, so evidence shows the words as written.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::expand::typo_variants;
use super::normalize::Normalized;
use super::words::{Filter, ShortKeys, word_at};
use crate::lexicon::{Dictionary, WordSet};

/// Vocabulary and corrections of one language.
#[derive(Debug, Default)]
struct Language {
    /// Every word of every pattern of the language's lexicons.
    known: WordSet,
    /// Correctly spelt words of the language (the lexicons' `dictionary`).
    dictionary: Option<Arc<Dictionary>>,
    /// Words of typo-tolerant lexicons: the ones worth correcting towards.
    tolerant: WordSet,
    /// Misspelling, by its word hash ([`word_at`]) → the word it misspells, in `fix_words`.
    /// Keyed by hash, not by the text of the misspelling (hundreds of thousands of them); a
    /// correction checks that the text's word is indeed one typo from its word (see
    /// [`Language::fix`]).
    fixes: FxHashMap<u64, u32>,
    fix_words: Vec<String>,
    /// The word hashes ([`word_at`]) of the misspellings: most words of a text are tested
    /// against this filter only.
    fix_filter: Filter,
    /// The first and the last four bytes of the tolerant words long enough to be the long
    /// part of a split: a word that neither begins nor ends like one is not looked up six
    /// times (most long words of a text).
    long_starts: ShortKeys,
    long_ends: ShortKeys,
    /// The word hashes of the parts of tolerant words cut in two that are no word of the
    /// language (see [`Language::join`]). They are in `fix_filter` too; most words that pass
    /// it are turned away here without hashing their text again, and the few others are
    /// joined only if the join spells a tolerant word.
    parts: rustc_hash::FxHashSet<u64>,
}

impl Language {
    /// Whether `b` (a word of more than [`SPLIT_MIN`] + 2 bytes) has a split point whose long
    /// part begins and ends like a tolerant word that could be the long part of a split (for
    /// words beyond ASCII: begins or ends).
    fn may_split(&self, b: &[u8]) -> bool {
        let n = b.len();
        let (starts_like, ends_like) = (self.long_starts.contains(&b[..4]), self.long_ends.contains(&b[n - 4..]));
        if !b.is_ascii() {
            return starts_like || ends_like;
        }
        // Characters are bytes: the long part is `b[i..]` or `b[..n - i]` for a short part of
        // `i` bytes (see `split_points`).
        let shorts = 2..SPLIT_MIN;
        (ends_like && shorts.clone().any(|i| self.long_starts.contains(&b[i..i + 4])))
            || (starts_like && shorts.into_iter().any(|i| self.long_ends.contains(&b[n - i - 4..n - i])))
    }

    /// Whether `part` (the long part of a split) both begins and ends like such a word.
    fn may_be_long_part(&self, part: &str) -> bool {
        let b = part.as_bytes();
        b.len() >= 4 && self.long_starts.contains(&b[..4]) && self.long_ends.contains(&b[b.len() - 4..])
    }

    /// The tolerant word that `word` (with word hash `h`) misspells, if it is a misspelling.
    fn fix(&self, h: u64, word: &str) -> Option<&str> {
        let target = &self.fix_words[*self.fixes.get(&h)? as usize];
        // Two words may share a hash: the word must be a misspelling of the one found.
        typo_variants(target).iter().any(|v| v == word).then_some(target.as_str())
    }

    /// A word of a lexicon or of the dictionary: correctly spelt.
    fn knows(&self, word: &str) -> bool {
        self.known.contains(word) || self.dictionary.as_ref().is_some_and(|d| d.contains(word))
    }

    /// The tolerant word that `left` and `right` (two neighbouring words) spell together,
    /// when one of them is no word of the language: "pa" + "rásitos" → "parásitos", but
    /// never "get" + "rid" → "getrid", however a lexicon spells the glued form.
    fn join(&self, left: &str, right: &str) -> Option<String> {
        if left.chars().nth(1).is_none() || right.chars().nth(1).is_none() {
            return None;
        }
        let joined = format!("{left}{right}");
        (joined.chars().count() >= JOIN_MIN
            && self.tolerant.contains(&joined)
            && joined.chars().all(super::normalize::is_spelling_char)
            && (!self.knows(left) || !self.knows(right)))
        .then_some(joined)
    }
}

/// Word-level corrections, per lexicon language.
#[derive(Debug, Default)]
pub struct Speller {
    /// Keyed by language code: looked up for every pattern at build and every text after.
    languages: FxHashMap<String, Language>,
}

/// The corrections for text of one language: a first look at each word of the text, from the
/// walk of the word index, which has its hash at hand. Only a text with a suspect word is
/// corrected ([`Speller::correct`] then checks every word against the dictionary).
pub struct Suspects<'s>(Vec<&'s Language>);

impl Suspects<'_> {
    /// Whether the word at `start..end` of `text` (a literal view), with its word hash
    /// `h`, is a known misspelling, or may split into a short word and a word of a tolerant
    /// lexicon, and is no word of a lexicon or of the dictionary; or is a part of a word cut
    /// in two that the word before or after it completes. Called for every word of a
    /// text: the first look (a filter, the shape of a split) is inline and rejects almost every
    /// word; the (big) dictionary is asked only after the exact look-ups.
    #[inline(always)]
    pub fn word(&self, h: u64, text: &str, start: usize, end: usize) -> bool {
        let len = end - start;
        len >= 3
            && self
                .0
                .iter()
                .any(|l| l.fix_filter.contains(h) || (len > 2 + SPLIT_MIN && l.may_split(&text.as_bytes()[start..end])))
            && self.confirm(h, text, start, end)
    }

    /// The exact look-ups behind [`Suspects::word`].
    #[inline(never)]
    fn confirm(&self, h: u64, text: &str, start: usize, end: usize) -> bool {
        if self.join(h, text, start, end, true).is_some() {
            return true;
        }
        let word = &text[start..end];
        // Most words that reach here are words of the language, which one look-up per
        // language tells, before the look-ups of every split point.
        !self.0.iter().any(|l| l.knows(word))
            && self.0.iter().any(|l| {
                (l.fix_filter.contains(h) && l.fix(h, word).is_some())
                    || (word.len() > 2 + SPLIT_MIN
                        && split_points(word).any(|(_, long)| l.may_be_long_part(long) && l.tolerant.contains(long)))
            })
            && word.chars().all(super::normalize::is_spelling_char)
    }

    /// When the word at `start..end` of `text` (a literal view) is a part of a tolerant word
    /// cut in two ([`Language::join`]) and the word before it (if `before` allows) or after
    /// it completes it: the range of both words, and the whole word.
    fn join(&self, h: u64, text: &str, start: usize, end: usize, before: bool) -> Option<(Range<usize>, String)> {
        let word = &text[start..end];
        if !self.0.iter().any(|l| l.parts.contains(&h)) {
            return None;
        }
        // Words are one space apart.
        let before = (before && start > 0).then(|| text[..start - 1].rfind(' ').map_or(0, |i| i + 1));
        let after = (end < text.len()).then(|| text[end + 1..].find(' ').map_or(text.len(), |i| end + 1 + i));
        self.0.iter().find_map(|l| {
            let with_before = before.and_then(|b| Some((b..end, l.join(&text[b..start - 1], word)?)));
            with_before.or_else(|| after.and_then(|a| Some((start..a, l.join(word, &text[end + 1..a])?))))
        })
    }

    /// Whether no language of the text has corrections.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A run-together pair is split only into a short word (fewer letters than this: "so",
/// "many") and a word of a typo-tolerant lexicon longer than this: two long words, or a
/// five-letter one, are far more often a compound or a name ("blackpool", "blackman",
/// "lockdown") than an evasion. Measured on 1,420 English news articles, the splits left are
/// few and harmless ("jobseeker", "countryfile").
const SPLIT_MIN: usize = 5;

/// Two words are joined only into a tolerant word of this many letters or more, each part
/// of two letters or more: shorter joins are too often two real words.
const JOIN_MIN: usize = 5;

impl Speller {
    /// Learn `words` of literal patterns of a lexicon of `language`.
    pub fn add_words<'w>(&mut self, language: &str, words: impl Iterator<Item = &'w str>, tolerant: bool) {
        // Called for every pattern: the language's key is allocated once, not per pattern.
        if !self.languages.contains_key(language) {
            self.languages.insert(language.to_string(), Language::default());
        }
        let lang = self.languages.get_mut(language).expect("inserted above");
        for word in words.filter(|w| !w.is_empty()) {
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
    ///
    /// A language without a dictionary gets no corrections: only a dictionary says that a
    /// word is spelt right, and the lexicons' own words are far too few — French news text
    /// is full of words one swap away from a term ("signes" from *singes*, "partie" from
    /// *patrie*, "exercer" from *exécrer*), which would be read as that term.
    pub fn finish(&mut self, dictionaries: &HashMap<String, Arc<Dictionary>>) {
        self.languages.retain(|code, l| !l.tolerant.is_empty() && dictionaries.contains_key(code));
        // Languages are independent: their misspellings are worked out side by side.
        self.languages.par_iter_mut().for_each(|(code, lang)| {
            lang.dictionary = dictionaries.get(code).cloned();
            // Each misspelling and the one tolerant word it misspells (`None`: several).
            lang.fix_words = lang.tolerant.iter().cloned().collect();
            let mut fixes: HashMap<String, Option<u32>> = HashMap::new();
            for (k, word) in lang.fix_words.iter().enumerate() {
                let k = Some(k as u32);
                for variant in typo_variants(word) {
                    if lang.knows(&variant) {
                        continue;
                    }
                    fixes.entry(variant).and_modify(|w| *w = w.filter(|w| Some(*w) == k)).or_insert(k);
                }
            }
            lang.fixes = fixes.into_iter().filter_map(|(v, w)| Some((word_at(v.as_bytes(), 0).0, w?))).collect();
            let mut keys: Vec<u64> = lang.fixes.keys().copied().collect();
            for word in lang.tolerant.iter().filter(|w| w.chars().count() > SPLIT_MIN) {
                lang.long_starts.insert(&word.as_bytes()[..4]);
                lang.long_ends.insert(&word.as_bytes()[word.len() - 4..]);
            }
            let mut parts = rustc_hash::FxHashSet::default();
            for word in lang.tolerant.iter().filter(|w| w.chars().count() >= JOIN_MIN) {
                let cuts = word.char_indices().map(|(i, _)| i).skip(2);
                for i in cuts.take_while(|&i| word[i..].chars().nth(1).is_some()) {
                    let (left, right) = word.split_at(i);
                    // A part of two letters that is no word ("ll", "ve") is too common a piece of
                    // text ("we'll", "I've"): such a cut joins only by its longer part.
                    let distinct = |p: &str| p.chars().nth(2).is_some() && !lang.knows(p);
                    for part in [left, right].into_iter().filter(|p| distinct(p)) {
                        parts.insert(word_at(part.as_bytes(), 0).0);
                    }
                }
            }
            keys.extend(&parts);
            lang.parts = parts;
            lang.fix_filter = Filter::of(&keys);
        });
    }

    /// Whether any language has corrections.
    pub fn is_empty(&self) -> bool {
        self.languages.is_empty()
    }

    /// What [`Suspects::word`] asks for text in `lang` (every tolerant language when `None`).
    pub fn suspects(&self, lang: Option<&str>) -> Suspects<'_> {
        Suspects(match lang {
            Some(l) => self.languages.get(l).into_iter().collect(),
            None => self.languages.values().collect(),
        })
    }

    /// The literal view with misspelt and run-together words corrected, for text in `lang`
    /// (every tolerant language when `None`), or `None` when nothing needs correcting.
    pub fn correct(&self, norm: &Normalized, lang: Option<&str>) -> Option<Normalized> {
        let suspects = self.suspects(lang);
        if suspects.is_empty() {
            return None;
        }
        let mut edits: Vec<(Range<usize>, String)> = Vec::new();
        let bytes = norm.text.as_bytes();
        let mut start = 0;
        while start < bytes.len() {
            let (h, end) = word_at(bytes, start);
            let range = start..end;
            let word = &norm.text[range.clone()];
            start = end + 1;
            if !suspects.word(h, &norm.text, range.start, range.end) {
                continue;
            }
            // A part of a word cut in two joins the word before it, unless an edit took that
            // one, or the word after it, which the loop then skips.
            let before_free = edits.last().is_none_or(|(e, _)| e.end + 1 < range.start);
            if let Some((both, joined)) = suspects.join(h, &norm.text, range.start, range.end, before_free) {
                start = start.max(both.end + 1);
                edits.push((both, joined));
                continue;
            }
            let fixed = suspects.0.iter().find_map(|l| l.fix(h, word).map(str::to_string));
            if let Some(fixed) = fixed.or_else(|| suspects.0.iter().find_map(|l| split(l, word))) {
                edits.push((range, fixed));
            }
        }
        (!edits.is_empty()).then(|| norm.with_replacements(&edits))
    }
}

/// The places `word` may be split at (byte offset, and the longer part): a short part of two
/// to four characters at either end (see [`SPLIT_MIN`]).
fn split_points(word: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = [0; 2 * (SPLIT_MIN - 2)];
    if word.is_ascii() {
        // Characters are bytes: the same points, without decoding.
        for k in 0..SPLIT_MIN - 2 {
            at[k] = 2 + k;
            at[SPLIT_MIN - 2 + k] = word.len().saturating_sub(2 + k);
        }
    } else {
        let left = word.char_indices().skip(2).take(SPLIT_MIN - 2);
        let right = word.char_indices().rev().skip(1).take(SPLIT_MIN - 2);
        for (slot, (i, _)) in at.iter_mut().zip(left.chain(right)) {
            *slot = i;
        }
    }
    // A word too short for a point leaves it at 0 or its end, an empty part: no split.
    at.into_iter().filter(|&i| i > 0 && i < word.len()).map(move |i| {
        let (l, r) = word.split_at(i);
        (i, if l.len() >= r.len() { l } else { r })
    })
}

/// "sosickening" → "so sickening": a known short word and a longer tolerant word (see
/// [`SPLIT_MIN`]); the split with the longest tolerant word wins.
fn split(lang: &Language, word: &str) -> Option<String> {
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
            s.add_words("en", p.split(' '), true);
        }
        s.add_words("en", "heat wave".split(' '), false);
        let dictionary = ["establishment", "three", "there"].into_iter().collect();
        s.finish(&HashMap::from([("en".to_string(), Arc::new(dictionary))]));
        s
    }

    fn fixed(s: &Speller, text: &str) -> String {
        let norm = normalize(text, false);
        s.correct(&norm, Some("en")).map_or(norm.text, |n| n.text)
    }

    /// What the author wrote where the corrected `text` has `word`.
    fn written<'t>(s: &Speller, text: &'t str, word: &str) -> &'t str {
        let norm = s.correct(&normalize(text, false), Some("en")).unwrap();
        let at = norm.text.find(word).unwrap();
        let (start, end) = norm.original_range(at, at + word.len());
        &text[start..end]
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
    fn words_with_combining_marks_are_corrected_and_joined() {
        // "अश्वेत" (black people) has a virama, a mark that is not alphabetic.
        let mut s = Speller::default();
        s.add_words("hi", ["अश्वेत"].into_iter(), true);
        let dictionary = ["लोग", "हैं"].into_iter().collect();
        s.finish(&HashMap::from([("hi".to_string(), Arc::new(dictionary))]));
        let fixed = |text: &str| {
            let norm = normalize(text, false);
            s.correct(&norm, Some("hi")).map_or(norm.text, |n| n.text)
        };
        assert_eq!(fixed("अश्वते लोग"), "अश्वेत लोग", "two neighbours swapped");
        assert_eq!(fixed("अश् वेत लोग"), "अश्वेत लोग", "cut in two");
    }

    #[test]
    fn a_word_cut_in_two_is_joined_when_one_part_is_no_word() {
        let s = speller();
        assert_eq!(fixed(&s, "Black people are just sick ening."), "black people are just sickening");
        assert_eq!(fixed(&s, "utter con tempt for them"), "utter contempt for them");
        // Both parts words of the language ("three" + "of", "so" + "sick"): left as they are.
        assert_eq!(fixed(&s, "three of them"), "three of them");
        assert_eq!(fixed(&s, "so sick"), "so sick");
        // The offsets of the joined word cover both parts as written.
        assert_eq!(written(&s, "just Sick ening", "sickening"), "Sick ening");
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
    fn splits_are_tried_two_to_four_characters_from_either_end() {
        let points = |w: &str| split_points(w).map(|(i, _)| i).collect::<Vec<_>>();
        assert_eq!(points("sosickening"), [2, 3, 4, 9, 8, 7]);
        // The same characters, one of them two bytes long.
        assert_eq!(points("sösickening"), [3, 4, 5, 10, 9, 8]);
        assert_eq!(split_points("sosickening").next(), Some((2, "sickening")));
        assert_eq!(points("abc"), [2, 1]);
    }

    #[test]
    fn evidence_offsets_point_at_the_word_as_written() {
        let s = speller();
        assert_eq!(written(&s, "They make me SIKC!", "sick"), "SIKC");
    }
}
