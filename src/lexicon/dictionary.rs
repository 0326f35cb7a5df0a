//! Correctly spelt words of one language, from the lexicons' `dictionary` files.
//!
//! A word list holds tens or hundreds of thousands of words (the shipped lists 26,000 to
//! 200,000 each, 1.2 million in all), asked only for the few words of a text the speller
//! suspects. As a hash set of `String`s each word cost an allocation of its own, some 60 bytes
//! a word. Here the words sit end to end in one buffer, each ended by a line break, and an
//! open-addressed table holds where each starts: 10 to 20 bytes a word, and no allocation per
//! word.

use std::hash::Hasher;

/// A set of words, built once and then only asked.
#[derive(Debug, Clone, Default)]
pub struct Dictionary {
    /// The words, each followed by a line break.
    text: String,
    /// A power of two of slots, at most three quarters full: where a word starts in `text`,
    /// or [`EMPTY`].
    slots: Vec<u32>,
    /// How many words are in.
    len: usize,
}

/// An empty slot (`text` stays under 4 GB).
const EMPTY: u32 = u32::MAX;

impl Dictionary {
    /// An empty dictionary sized for about `words` words.
    pub fn with_capacity(words: usize) -> Self {
        let slots = (words * 4 / 3 + 1).max(16).next_power_of_two();
        Dictionary { text: String::new(), slots: vec![EMPTY; slots], len: 0 }
    }

    /// The words of a word list, one per line (trimmed, lowercased; empty lines skipped).
    pub fn from_lines(list: &str) -> Self {
        let mut d = Dictionary::with_capacity(list.lines().count());
        d.add_lines(list);
        d
    }

    /// Add the words of a word list, one per line (trimmed, lowercased; empty lines skipped).
    pub fn add_lines(&mut self, list: &str) {
        // The words take at most the bytes of the list; grown by doubling, the buffer would
        // keep up to as much again unused.
        self.text.reserve(list.len());
        for line in list.lines().map(str::trim).filter(|w| !w.is_empty()) {
            // Most lines are lowercase already: no copy for them.
            if line.chars().any(char::is_uppercase) {
                self.insert(&line.to_lowercase());
            } else {
                self.insert(line);
            }
        }
        self.text.shrink_to_fit();
    }

    /// Add `word` (as it is) unless it is in. A word holds no line break: the list is read
    /// line by line.
    pub fn insert(&mut self, word: &str) {
        debug_assert!(!word.contains('\n'), "a word of a word list is one line");
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let Some(i) = self.probe(word) else { return };
        let start = u32::try_from(self.text.len()).ok().filter(|&s| s != EMPTY).expect("word lists under 4 GB");
        self.text.push_str(word);
        self.text.push('\n');
        self.slots[i] = start;
        self.len += 1;
    }

    /// Whether `word` is in.
    pub fn contains(&self, word: &str) -> bool {
        !self.slots.is_empty() && self.probe(word).is_none()
    }

    /// How many words are in.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no word is in.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The slot of `word`: `None` when it is in, else the empty slot where it would go.
    fn probe(&self, word: &str) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut i = hash(word) as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot == EMPTY {
                return Some(i);
            }
            let rest = &self.text.as_bytes()[slot as usize..];
            if rest.starts_with(word.as_bytes()) && rest.get(word.len()) == Some(&b'\n') {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// The word a full slot points at.
    fn word(&self, slot: u32) -> &str {
        let rest = &self.text[slot as usize..];
        &rest[..memchr::memchr(b'\n', rest.as_bytes()).expect("every word ends with a line break")]
    }

    /// Double the slots and file every word again.
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(16);
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; size]);
        let mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|&s| s != EMPTY) {
            let mut i = hash(self.word(slot)) as usize & mask;
            while self.slots[i] != EMPTY {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
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

/// FxHash of a word's bytes, its high bits folded down (the table takes the low ones).
fn hash(word: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    h.write(word.as_bytes());
    let h = h.finish();
    h ^ (h >> 29) ^ (h >> 47)
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
    }
}
