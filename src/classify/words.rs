//! Word-by-word lookup of the literal patterns of spaced scripts.
//!
//! The literal view of a text is words separated by single spaces (see [`super::normalize`]),
//! and a pattern of a spaced script counts only where it starts at a word and ends at one (or,
//! for a stem, inside the last word). So instead of running an Aho-Corasick automaton of some
//! 200,000 strings over every byte — a cache miss per byte, and most of the classifier's time —
//! the text is walked word by word, like a trie of words: from each word the hash is extended
//! byte by byte and word by word for as long as some pattern begins that way, and a pattern
//! is looked up only where its hash says one may end. Three small bit filters (one per kind of
//! place: a whole pattern, the start of a longer one, a stem) keep almost every look-up to one
//! bit test; the few candidates are then compared byte by byte. Stems (`kill*` matching
//! "killers") are found where a word goes on past a stem's length.
//!
//! Patterns of scripts written without spaces (Han, Thai …) match inside words and stay in an
//! automaton of their own.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

type Table = HashMap<u64, Vec<u32>, BuildHasherDefault<Prehashed>>;

/// The patterns of spaced scripts, indexed by the hashes of their words.
#[derive(Debug, Default)]
pub struct WordIndex {
    /// Hash of a whole pattern → patterns.
    whole: Table,
    /// Hash of a pattern that some stem term uses → patterns; looked up inside words.
    stems: Table,
    /// Byte lengths of stem patterns shorter than 64 bytes, as bits (longer stems are found
    /// only as whole words).
    stem_lengths: u64,
    /// Filters over `whole`, over `stems`, and over the hashes of the beginnings of patterns
    /// of several words, each up to and including a space.
    whole_filter: Filter,
    stem_filter: Filter,
    prefix_filter: Filter,
    /// The patterns, as given to [`WordIndex::new`].
    patterns: Vec<String>,
}

impl WordIndex {
    /// Index `patterns` (normalised: words joined by single spaces). `is_stem[i]` says whether
    /// pattern `i` must also be found where the text's word goes on past its end.
    pub fn new(patterns: Vec<String>, is_stem: &[bool]) -> Self {
        let mut index = WordIndex {
            whole_filter: Filter::new(),
            stem_filter: Filter::new(),
            prefix_filter: Filter::new(),
            ..Default::default()
        };
        for (i, p) in patterns.iter().enumerate() {
            let h = hash(p.as_bytes());
            index.whole.entry(h).or_default().push(i as u32);
            index.whole_filter.insert(h);
            if is_stem[i] && p.len() < 64 {
                index.stems.entry(h).or_default().push(i as u32);
                index.stem_filter.insert(h);
                index.stem_lengths |= 1 << p.len();
            }
            for (at, _) in p.match_indices(' ') {
                index.prefix_filter.insert(hash(&p.as_bytes()[..=at]));
            }
        }
        index.patterns = patterns;
        index
    }

    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    /// Whether no pattern is indexed.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Call `found(pattern, start, end)` for every pattern that starts at a word of `text`
    /// (a literal view) and ends at a word end, or inside a word for stems. The caller checks
    /// how the pattern ends against each of its terms.
    pub fn find(&self, text: &str, mut found: impl FnMut(usize, usize, usize)) {
        let bytes = text.as_bytes();
        let mut start = 0;
        while start < bytes.len() {
            let word_end = next_space(bytes, start);
            self.walk(bytes, start, word_end, &mut found);
            start = word_end + 1;
        }
    }

    /// Every pattern starting at `start`, whose first word ends at `word_end`.
    fn walk(&self, bytes: &[u8], start: usize, mut word_end: usize, found: &mut impl FnMut(usize, usize, usize)) {
        let mut h = SEED;
        let mut at = start;
        loop {
            for &b in &bytes[at..word_end] {
                h = step(h, b);
                at += 1;
                let len = at - start;
                if at < word_end && len < 64 && self.stem_lengths & (1 << len) != 0 && self.stem_filter.contains(h) {
                    self.report(&self.stems, h, bytes, start, found);
                }
            }
            if self.whole_filter.contains(h) {
                self.report(&self.whole, h, bytes, start, found);
            }
            if word_end == bytes.len() {
                return;
            }
            h = step(h, b' ');
            if !self.prefix_filter.contains(h) {
                return;
            }
            at = word_end + 1;
            word_end = next_space(bytes, at);
        }
    }

    /// Report the patterns filed under `h` that the text spells from `start`.
    fn report(&self, table: &Table, h: u64, bytes: &[u8], start: usize, found: &mut impl FnMut(usize, usize, usize)) {
        if let Some(candidates) = table.get(&h) {
            for &pi in candidates {
                let p = self.patterns[pi as usize].as_bytes();
                if bytes[start..].starts_with(p) {
                    found(pi as usize, start, start + p.len());
                }
            }
        }
    }
}

/// End of the word starting at `start`: the next space or the end of the text.
fn next_space(bytes: &[u8], start: usize) -> usize {
    bytes[start..].iter().position(|&b| b == b' ').map_or(bytes.len(), |i| start + i)
}

const SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// One byte of an FNV-1a hash, extended byte by byte so that every prefix has its hash.
fn step(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
}

fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(SEED, |h, &b| step(h, b))
}

/// A blocked Bloom filter: two bits of one 64-bit word per hash, 2^22 bits (512 KB). With
/// the ~300,000 patterns of the shipped lexicons about 1.5% of look-ups pass by chance.
#[derive(Debug, Default)]
struct Filter(Vec<u64>);

const FILTER_WORDS_LOG2: u32 = 16;

impl Filter {
    fn new() -> Self {
        Filter(vec![0; 1 << FILTER_WORDS_LOG2])
    }

    /// The word and its two bits. FNV's low bits mix poorly, so a multiply spreads them first.
    fn place(h: u64) -> (usize, u64) {
        let m = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let word = (m >> (64 - FILTER_WORDS_LOG2)) as usize;
        (word, (1 << (m & 63)) | (1 << ((m >> 6) & 63)))
    }

    fn insert(&mut self, h: u64) {
        let (word, bits) = Self::place(h);
        self.0[word] |= bits;
    }

    fn contains(&self, h: u64) -> bool {
        let (word, bits) = Self::place(h);
        self.0[word] & bits == bits
    }
}

/// The keys are hashes already: pass them through, mixed so the table's buckets spread.
#[derive(Debug, Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 32)
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = hash(bytes);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(index: &WordIndex, text: &str) -> Vec<(String, usize, usize)> {
        let mut out = Vec::new();
        index.find(text, |p, s, e| out.push((index.patterns[p].clone(), s, e)));
        out.sort_by_key(|o| (o.1, o.2));
        out
    }

    #[test]
    fn words_phrases_and_stems_are_found_at_word_starts() {
        let patterns: Vec<String> =
            ["burn", "burn them", "rats", "urn", "wipe out"].iter().map(|p| p.to_string()).collect();
        let index = WordIndex::new(patterns, &[true, true, false, false, false]);
        let text = "sunburn burn themselves burners are rats wipe outs wipe out";
        let got: Vec<_> = find(&index, text).into_iter().map(|(p, s, e)| (p, &text[s..e])).collect();
        // Nothing inside "sunburn"; the stems inside "themselves" and "burners"; "wipe out"
        // only where its last word ends.
        let want = [
            ("burn", "burn"),
            ("burn them", "burn them"),
            ("burn", "burn"),
            ("rats", "rats"),
            ("wipe out", "wipe out"),
        ];
        assert_eq!(got.iter().map(|(p, t)| (p.as_str(), *t)).collect::<Vec<_>>(), want);
        assert_eq!(find(&index, text)[4].1, 51);
    }

    #[test]
    fn nothing_is_found_in_empty_or_unrelated_text() {
        let index = WordIndex::new(vec!["wipe out".to_string()], &[false]);
        assert!(find(&index, "").is_empty());
        assert!(find(&index, "wipeout wipe").is_empty());
        assert!(find(&index, "wipe").is_empty());
    }
}
