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

/// Patterns by hash: each hash maps to a range of `ids`.
#[derive(Debug, Default)]
struct Table {
    ranges: HashMap<u64, (u32, u32), BuildHasherDefault<Prehashed>>,
    ids: Vec<u32>,
}

impl Table {
    /// Build from (hash, pattern) pairs.
    fn new(mut pairs: Vec<(u64, u32)>) -> Self {
        pairs.sort_unstable();
        let mut table = Table { ranges: HashMap::default(), ids: Vec::with_capacity(pairs.len()) };
        table.ranges.reserve(pairs.len());
        for chunk in pairs.chunk_by(|a, b| a.0 == b.0) {
            let start = table.ids.len() as u32;
            table.ids.extend(chunk.iter().map(|&(_, id)| id));
            table.ranges.insert(chunk[0].0, (start, table.ids.len() as u32));
        }
        table
    }

    fn get(&self, h: u64) -> &[u32] {
        self.ranges.get(&h).map_or(&[], |&(s, e)| &self.ids[s as usize..e as usize])
    }
}

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
    /// Hashes of the first [`STEM_KEY`] bytes of stem patterns: a word that starts otherwise
    /// is probed for no stem (most words), instead of once per byte.
    stem_starts: Filter,
    /// Whether some stem pattern's first word is shorter than [`STEM_KEY`]: then every word
    /// is probed.
    short_stems: bool,
    /// Filters over the first words of patterns (small and hot: most words of a text stop
    /// there), over `whole`, over `stems`, and over the hashes of the beginnings of patterns
    /// of several words, each up to and including a space. Each is sized to its keys, so
    /// the ones looked up for every word stay in the cache.
    first_filter: Filter,
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
        let (mut whole, mut stems, mut firsts, mut prefixes) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut stem_lengths = 0u64;
        let (mut stem_keys, mut short_stems) = (Vec::new(), false);
        for (i, p) in patterns.iter().enumerate() {
            // The hash of each prefix that ends in a space goes to the prefix filter.
            let mut h = SEED;
            let mut first_word = None;
            for &b in p.as_bytes() {
                if b == b' ' {
                    first_word.get_or_insert(h);
                    prefixes.push(step(h, b));
                }
                h = step(h, b);
            }
            firsts.push(first_word.unwrap_or(h));
            whole.push((h, i as u32));
            if is_stem[i] && p.len() < 64 {
                stems.push((h, i as u32));
                stem_lengths |= 1 << p.len();
                match p.split(' ').next() {
                    Some(w) if w.len() >= STEM_KEY => stem_keys.push(hash(&p.as_bytes()[..STEM_KEY])),
                    _ => short_stems = true,
                }
            }
        }
        // Sized by distinct keys: many patterns share a first word or a beginning.
        for keys in [&mut firsts, &mut prefixes, &mut stem_keys] {
            keys.sort_unstable();
            keys.dedup();
        }
        let mut index = WordIndex {
            first_filter: Filter::of(&firsts),
            whole_filter: Filter::of(&whole.iter().map(|w| w.0).collect::<Vec<_>>()),
            stem_filter: Filter::of(&stems.iter().map(|s| s.0).collect::<Vec<_>>()),
            stem_starts: Filter::of(&stem_keys),
            short_stems,
            prefix_filter: Filter::of(&prefixes),
            stem_lengths,
            ..Default::default()
        };
        index.whole = Table::new(whole);
        index.stems = Table::new(stems);
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
            start = self.walk(bytes, start, &mut found) + 1;
        }
    }

    /// Every pattern starting at `start` (a word start); returns where that first word ends.
    fn walk(&self, bytes: &[u8], start: usize, found: &mut impl FnMut(usize, usize, usize)) -> usize {
        let mut h = SEED;
        let mut at = start;
        let mut first_end = None;
        let mut probe_stems = self.short_stems;
        loop {
            // Hash the word up to its end; a stem may end at any byte that the word goes on past.
            while at < bytes.len() && bytes[at] != b' ' {
                h = step(h, bytes[at]);
                at += 1;
                let len = at - start;
                if len == STEM_KEY {
                    probe_stems = self.short_stems || self.stem_starts.contains(h);
                }
                if probe_stems
                    && len < 64
                    && self.stem_lengths & (1 << len) != 0
                    && bytes.get(at).is_some_and(|&b| b != b' ')
                    && self.stem_filter.contains(h)
                {
                    self.report(&self.stems, h, bytes, start, found);
                }
            }
            let word_end = *first_end.get_or_insert(at);
            if word_end == at && !self.first_filter.contains(h) {
                return word_end;
            }
            if self.whole_filter.contains(h) {
                self.report(&self.whole, h, bytes, start, found);
            }
            if at == bytes.len() {
                return word_end;
            }
            h = step(h, b' ');
            if !self.prefix_filter.contains(h) {
                return word_end;
            }
            at += 1;
        }
    }

    /// Report the patterns filed under `h` that the text spells from `start`.
    fn report(&self, table: &Table, h: u64, bytes: &[u8], start: usize, found: &mut impl FnMut(usize, usize, usize)) {
        for &pi in table.get(h) {
            let p = self.patterns[pi as usize].as_bytes();
            if bytes[start..].starts_with(p) {
                found(pi as usize, start, start + p.len());
            }
        }
    }
}

const SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// Bytes of a stem pattern's start that [`WordIndex::stem_starts`] holds.
const STEM_KEY: usize = 3;

/// One byte of an FNV-1a hash, extended byte by byte so that every prefix has its hash.
fn step(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
}

fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(SEED, |h, &b| step(h, b))
}

/// A blocked Bloom filter: two bits of one 64-bit word per key, about 16 bits per key, so
/// about 1.5% of look-ups of absent keys pass by chance.
#[derive(Debug, Default)]
struct Filter {
    words: Vec<u64>,
    /// log2 of `words.len()`.
    log2: u32,
}

impl Filter {
    fn of(keys: &[u64]) -> Self {
        let len = (keys.len() / 4).max(64).next_power_of_two();
        let mut filter = Filter { words: vec![0; len], log2: len.trailing_zeros() };
        for &k in keys {
            let (word, bits) = filter.place(k);
            filter.words[word] |= bits;
        }
        filter
    }

    /// The word and its two bits. FNV's low bits mix poorly, so a multiply spreads them first.
    fn place(&self, h: u64) -> (usize, u64) {
        let m = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let word = (m >> (64 - self.log2)) as usize;
        (word, (1 << (m & 63)) | (1 << ((m >> 6) & 63)))
    }

    fn contains(&self, h: u64) -> bool {
        if self.words.is_empty() {
            return false;
        }
        let (word, bits) = self.place(h);
        self.words[word] & bits == bits
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
