//! Correctly spelt words of one language, from the lexicons' `dictionary` files.
//!
//! A word list holds tens or hundreds of thousands of words (the shipped lists 26,000 to
//! 200,000 each, 1.2 million in all), asked only whether a word the speller suspects is in.
//! Nothing ever reads a word back, so only a 64-bit hash of each word is kept, in one
//! open-addressed table about four fifths full: 10 bytes a word, where the words themselves
//! and a table of where each starts took 27 (32 MB for the shipped lists, then 12). Two
//! words of a language share a hash about once in 10^13 look-ups: the cost would be one
//! misspelling left uncorrected.

use std::hash::Hasher;

use crate::lang::script::{Script, script_of};

/// A set of words, built once and then only asked.
#[derive(Debug, Clone, Default)]
pub struct Dictionary {
    /// The hashes of the words ([`hash`], never 0), or [`EMPTY`]; each at the slot its hash
    /// maps to ([`Dictionary::home`]) or the first free one after it, round the end.
    slots: Vec<u64>,
    /// One bit per hash, about eight per slot (a power of two of bits): a look-up that may
    /// answer yes for a word not in (some 5%) but reads one word of 64 KB or so, where the
    /// slots are megabytes and a look-up there is a trip to memory (see
    /// [`Dictionary::may_contain`]).
    bits: Vec<u64>,
    /// How many words are in.
    len: usize,
    /// How many of the words added by [`Dictionary::add_lines`] begin with a letter of each
    /// [`Script`] (by its place in the enum): which script the language is written in.
    first_letters: [usize; Script::ALL.len()],
}

/// A word as every dictionary looks it up: made once to ask several dictionaries about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordKey(pub(crate) u64);

impl WordKey {
    /// The key of `word` (as it is: lowercase it first).
    pub fn of(word: &str) -> Self {
        WordKey(hash(word))
    }
}

/// An empty slot: [`hash`] never gives 0.
const EMPTY: u64 = 0;

impl Dictionary {
    /// An empty dictionary sized for about `words` words.
    pub fn with_capacity(words: usize) -> Self {
        let mut d = Dictionary::default();
        d.resize(Self::slots_for(words));
        d
    }

    /// Slots for `words` words: at most four fifths full, so that a probe that misses (most
    /// of them: the speller asks about words it suspects) stops after a few slots.
    fn slots_for(words: usize) -> usize {
        (words * 5 / 4 + 1).max(16)
    }

    /// The words of a word list, one per line (trimmed, lowercased; empty lines skipped).
    pub fn from_lines(list: &str) -> Self {
        let mut d = Dictionary::with_capacity(list.lines().count());
        d.add_lines(list);
        d
    }

    /// Add the words of a word list, one per line (trimmed, lowercased; empty lines skipped).
    pub fn add_lines(&mut self, list: &str) {
        self.reserve(list.lines().count());
        for line in list.lines().map(str::trim).filter(|w| !w.is_empty()) {
            if let Some(c) = line.chars().next() {
                self.first_letters[script_of(c) as usize] += 1;
            }
            // Most lines are lowercase already: no copy for them.
            if line.chars().any(char::is_uppercase) {
                self.insert(&line.to_lowercase());
            } else {
                self.insert(line);
            }
        }
        // Duplicates and empty lines leave room that a table made to measure has not.
        if self.slots.len() > Self::slots_for(self.len) + Self::slots_for(self.len) / 8 {
            self.resize(Self::slots_for(self.len));
        }
    }

    /// Add `word` (as it is) unless it is in.
    pub fn insert(&mut self, word: &str) {
        self.reserve(self.len + 1);
        let h = hash(word);
        if let Err(i) = self.find(h) {
            self.slots[i] = h;
            self.set_bit(h);
            self.len += 1;
        }
    }

    /// The script most words of its lists begin with (`None` for a dictionary of no list):
    /// the script of its language.
    pub fn script(&self) -> Option<Script> {
        let letters = &self.first_letters[..Script::Other as usize];
        let (i, &n) = letters.iter().enumerate().max_by_key(|&(i, n)| (n, std::cmp::Reverse(i)))?;
        (n > 0).then(|| Script::ALL[i])
    }

    /// Whether `word` is in.
    pub fn contains(&self, word: &str) -> bool {
        self.contains_key(WordKey::of(word))
    }

    /// Whether the word of `key` is in.
    pub fn contains_key(&self, key: WordKey) -> bool {
        !self.slots.is_empty() && self.find(key.0).is_ok()
    }

    /// Whether `word` may be in: always yes for a word that is, and for some 5% of others.
    /// Several times faster than [`Dictionary::contains`] on a big list, for a share of known
    /// words in a sentence (see [`crate::lang::runs`]).
    pub fn may_contain(&self, word: &str) -> bool {
        self.may_contain_key(WordKey::of(word))
    }

    /// Whether the word of `key` may be in (see [`Dictionary::may_contain`]).
    pub fn may_contain_key(&self, key: WordKey) -> bool {
        if self.bits.is_empty() {
            return false;
        }
        let bit = self.bit(key.0);
        self.bits.get(bit / 64).is_some_and(|w| w & (1 << (bit % 64)) != 0)
    }

    /// How many words are in.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no word is in.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The slot holding `h` (`Ok`), or the empty slot where it would go (`Err`).
    fn find(&self, h: u64) -> Result<usize, usize> {
        let mut i = self.home(h);
        loop {
            match self.slots[i] {
                EMPTY => return Err(i),
                s if s == h => return Ok(i),
                _ => i = if i + 1 == self.slots.len() { 0 } else { i + 1 },
            }
        }
    }

    /// The first slot `h` may sit in: its place in the table, scaled from its high bits
    /// (the table is any size, not a power of two).
    fn home(&self, h: u64) -> usize {
        ((u128::from(h) * self.slots.len() as u128) >> 64) as usize
    }

    /// Room for `words` words in all, growing by doubling at least.
    fn reserve(&mut self, words: usize) {
        let need = Self::slots_for(words);
        if need > self.slots.len() {
            self.resize(need.max(self.slots.len() * 2));
        }
    }

    /// Move every word to a table of `size` slots.
    fn resize(&mut self, size: usize) {
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; size]);
        self.bits = vec![0; (size * 8).next_power_of_two().div_ceil(64)];
        for h in old.into_iter().filter(|&h| h != EMPTY) {
            let Err(i) = self.find(h) else { unreachable!("a word is in once") };
            self.slots[i] = h;
            self.set_bit(h);
        }
    }

    /// The bit of `h` in `bits`: its low bits (the slots take the high ones).
    fn bit(&self, h: u64) -> usize {
        h as usize & (self.bits.len() * 64 - 1)
    }

    fn set_bit(&mut self, h: u64) {
        let bit = self.bit(h);
        self.bits[bit / 64] |= 1 << (bit % 64);
    }
}

impl<'a> FromIterator<&'a str> for Dictionary {
    fn from_iter<I: IntoIterator<Item = &'a str>>(words: I) -> Self {
        let mut d = Dictionary::default();
        for w in words {
            d.insert(w);
        }
        d
    }
}

/// A 64-bit hash of a word's bytes (FxHash), never [`EMPTY`].
fn hash(word: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    h.write(word.as_bytes());
    h.finish().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_word_it_was_given_and_no_other() {
        let list = "Hond\nhonden\n  kat  \n\nhond\nÉcole\nstraße\n";
        let d = Dictionary::from_lines(list);
        for w in ["hond", "honden", "kat", "école", "straße"] {
            assert!(d.contains(w), "{w}");
        }
        for w in ["Hond", "hon", "hondenn", "", " kat", "ecole", "dog"] {
            assert!(!d.contains(w), "{w:?}");
        }
        assert_eq!(d.len(), 5, "duplicates and empty lines are not words");
    }

    #[test]
    fn grows_past_its_first_size_and_keeps_every_word() {
        // Started small, so the table doubles many times and every word is filed again.
        let words: Vec<String> = (0..20_000).map(|i| format!("w{i}x")).collect();
        let mut d = Dictionary::with_capacity(1);
        for w in &words {
            d.insert(w);
        }
        assert_eq!(d.len(), words.len());
        assert!(words.iter().all(|w| d.contains(w)));
        assert!((20_000..40_000).all(|i| !d.contains(&format!("w{i}x"))));
        assert!(Dictionary::default().is_empty() && !Dictionary::default().contains("a"));
        assert!(!Dictionary::default().may_contain("a"));
    }

    #[test]
    fn no_two_words_of_the_shipped_lists_share_a_hash() {
        // Only hashes are kept: a shared one would count two words as one.
        let lists = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/lexicons")).unwrap();
        let mut checked = 0;
        for dir in lists.map(|e| e.unwrap().path()) {
            let Ok(list) = std::fs::read_to_string(dir.join("words.txt")) else { continue };
            let d = Dictionary::from_lines(&list);
            let words: std::collections::HashSet<String> =
                list.lines().map(|l| l.trim().to_lowercase()).filter(|w| !w.is_empty()).collect();
            assert_eq!(d.len(), words.len(), "{}", dir.display());
            assert!(words.iter().all(|w| d.contains(w) && d.may_contain(w)), "{}", dir.display());
            let absent = (0..10_000).filter(|i| d.may_contain(&format!("zq{i}x"))).count();
            assert!(absent < 1_000, "{}: {absent} of 10,000 absent words may be in", dir.display());
            assert!(d.slots.len() <= Dictionary::slots_for(d.len) * 9 / 8, "{}: made to measure", dir.display());
            checked += d.len();
        }
        assert!(checked > 1_000_000, "the shipped lists hold over a million words: {checked}");
    }
}
