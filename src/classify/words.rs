//! Word-by-word lookup of the literal patterns of spaced scripts.
//!
//! The literal view of a text is words separated by single spaces (see [`super::normalize`]),
//! and a pattern of a spaced script counts only where it starts at a word and ends at one (or,
//! for a stem, inside the last word). So instead of running an Aho-Corasick automaton of some
//! 200,000 strings over every byte — a cache miss per byte, and most of the classifier's time —
//! the text is walked word by word, like a trie of words: each word is hashed eight bytes at a
//! time while its end is found (`hash_word`), the hash of a run of words extends the hash of
//! the run before it, and a run is followed only for as long as some pattern begins with it.
//! Three small bit filters (the first words of patterns, whole patterns, the beginnings of
//! longer ones) keep almost every word to one bit test; the few candidates are then compared
//! byte by byte.
//!
//! Stems (`kill*` matching "killers") end inside a word, where no word hash is at hand: they
//! are hashed byte by byte, but only from the words that begin like some stem (their first
//! three bytes, in a `ShortKeys` set) — a few words in ten.
//!
//! Patterns of scripts written without spaces (Han, Thai …) match inside words and stay in an
//! automaton of their own.

use std::sync::Arc;

/// Patterns by hash, grouped by bucket: a look-up reads where its bucket's entries start,
/// then those entries (about one), which carry 32 bits of their hash and what the comparison
/// with the text needs first. About a fifth of the words of English news text pass the filters and
/// reach this table (cues, trigger words), so it is laid out for few cache lines per look-up;
/// and it holds hundreds of thousands of patterns, so it has no empty slots: 4 bytes a
/// bucket and 16 an entry.
#[derive(Debug, Default)]
struct Table {
    /// Where the entries of each bucket start in `entries`, and after the last, where they
    /// end. A power of two of buckets, about one per hash.
    buckets: Vec<u32>,
    /// 64 minus log2 of the number of buckets.
    shift: u32,
    /// The patterns, bucket by bucket.
    entries: Vec<Entry>,
}

/// One pattern filed under a hash, in 16 bytes (hundreds of thousands of them): the pattern's
/// first eight bytes ([`load`]), 32 bits of the hash ([`tag`]), and the pattern's id and
/// length. The bucket and the tag together tell hashes apart all but once in billions of
/// look-ups, and [`WordIndex::spelled_at`] compares the text anyway.
#[derive(Debug, Clone, Copy)]
struct Entry {
    head: u64,
    tag: u32,
    /// The pattern's id in the top 24 bits, its length (up to [`LONG`]) in the low 8.
    id_len: u32,
}

/// The length an [`Entry`] gives a pattern of this many bytes or more: its true length is
/// then read from the pattern list.
const LONG: u32 = 0xFF;

impl Entry {
    fn pattern(&self) -> u32 {
        self.id_len >> 8
    }

    /// The pattern's length, or [`LONG`].
    fn len(&self) -> u32 {
        self.id_len & LONG
    }
}

/// The bits of a hash an [`Entry`] keeps: both halves folded, so that hashes apart in either
/// half keep apart.
fn tag(h: u64) -> u32 {
    (h ^ (h >> 32)) as u32
}

impl Table {
    /// Build from (hash, pattern) pairs; `patterns` gives their text.
    fn new(mut pairs: Vec<(u64, u32)>, patterns: &PatternList) -> Self {
        let keys = {
            let mut hashes: Vec<u64> = pairs.iter().map(|p| p.0).collect();
            hashes.sort_unstable();
            hashes.dedup();
            hashes.len()
        };
        let len = keys.max(8).next_power_of_two();
        let mut table = Table { buckets: Vec::new(), shift: 64 - len.trailing_zeros(), entries: Vec::new() };
        pairs.sort_unstable_by_key(|&(hash, id)| (table.bucket(hash), hash, id));
        table.buckets = Vec::with_capacity(len + 1);
        let mut next = pairs.iter().peekable();
        table.buckets.push(0);
        for b in 0..len {
            while next.next_if(|p| table.bucket(p.0) == b).is_some() {}
            table.buckets.push((pairs.len() - next.len()) as u32);
        }
        table.entries = pairs
            .into_iter()
            .map(|(hash, id)| {
                assert!(id < 1 << 24, "at most 16 million patterns in a word index");
                let p = patterns.get(id as usize).as_bytes();
                let len = u32::try_from(p.len()).map_or(LONG, |l| l.min(LONG));
                Entry { head: load(p, 0), tag: tag(hash), id_len: id << 8 | len }
            })
            .collect();
        table
    }

    /// The bucket of `h`.
    #[inline]
    fn bucket(&self, h: u64) -> usize {
        // Not the filters' multiplier: the table's buckets and the filters' words stay apart.
        (h.wrapping_mul(0xD6E8_FEB8_6659_FD93) >> self.shift) as usize
    }

    /// The patterns filed under `h`: the entries of its bucket with that hash.
    #[inline]
    fn get(&self, h: u64) -> impl Iterator<Item = &Entry> {
        let range = if self.buckets.is_empty() {
            0..0
        } else {
            let b = self.bucket(h);
            self.buckets[b] as usize..self.buckets[b + 1] as usize
        };
        let tag = tag(h);
        self.entries[range].iter().filter(move |e| e.tag == tag)
    }
}

/// Patterns end to end in one buffer. An index holds hundreds of thousands of patterns of a
/// dozen bytes: as a `String` each they cost an allocation and 24 bytes of header apiece,
/// several times the bytes of the patterns themselves.
#[derive(Debug, Clone, Default)]
pub struct PatternList {
    text: String,
    /// Where each pattern ends in `text` (it starts where the one before ends).
    ends: Vec<u32>,
}

impl PatternList {
    /// Add `pattern` after the others.
    pub fn push(&mut self, pattern: &str) {
        self.text.push_str(pattern);
        self.ends.push(u32::try_from(self.text.len()).expect("patterns under 4 GB"));
    }

    /// Pattern `i`.
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there is no pattern.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Free the room reserved for more patterns.
    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

impl<S: AsRef<str>> FromIterator<S> for PatternList {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        let mut list = PatternList::default();
        for p in iter {
            list.push(p.as_ref());
        }
        list
    }
}

/// The patterns of spaced scripts, indexed by the hashes of their words.
#[derive(Debug, Default)]
pub struct WordIndex {
    /// Word hash ([`hash_words`]) of a whole pattern → patterns.
    whole: Table,
    /// Byte hash ([`step`]) of a pattern that some stem term uses → patterns; looked up
    /// inside words.
    stems: Table,
    /// Byte lengths of stem patterns shorter than 64 bytes, as bits (longer stems are found
    /// only as whole words).
    stem_lengths: u64,
    /// The first [`STEM_KEY`] bytes of stem patterns: a word that starts otherwise is walked
    /// for no stem (most words).
    stem_starts: ShortKeys,
    /// Whether some stem pattern's first word is shorter than [`STEM_KEY`]: then every word
    /// is walked.
    short_stems: bool,
    /// Byte hashes of the beginnings of stem patterns of several words, each up to and
    /// including a space: the stem walk goes on past a word only where one of them does.
    stem_prefix_filter: Filter,
    /// Filters over the first words of patterns (small and hot: most words of a text stop
    /// there), over `whole`, over `stems`, and over the word hashes of the beginnings of
    /// patterns of several words (their first word, their first two …). Each is sized to its
    /// keys, so the ones looked up for every word stay in the cache.
    first_filter: Filter,
    whole_filter: Filter,
    stem_filter: Filter,
    prefix_filter: Filter,
    /// The patterns, as given to [`WordIndex::new`]: shared by the indexes of one view.
    patterns: Arc<PatternList>,
    /// How many of them are indexed here.
    members: usize,
}

impl WordIndex {
    /// Index the patterns `members` of `patterns` (normalised: words joined by single
    /// spaces); [`WordIndex::find`] reports them by their place in `patterns`, which several
    /// indexes may share. `is_stem[i]` says whether pattern `i` must also be found where the
    /// text's word goes on past its end.
    pub fn new(patterns: Arc<PatternList>, is_stem: &[bool], members: impl IntoIterator<Item = u32>) -> Self {
        let (mut whole, mut stems, mut firsts, mut prefixes) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut stem_lengths = 0u64;
        let (mut stem_starts, mut stem_prefixes, mut short_stems) = (ShortKeys::default(), Vec::new(), false);
        for i in members {
            let p = patterns.get(i as usize);
            let bytes = p.as_bytes();
            // The word hash after each word but the last goes to the prefix filter.
            let (mut h, mut at) = (SEED, 0);
            loop {
                let end;
                (h, end) = hash_word(h, bytes, at);
                if at == 0 {
                    firsts.push(h);
                }
                if end == bytes.len() {
                    break;
                }
                prefixes.push(h);
                at = end + 1;
            }
            whole.push((h, i));
            if is_stem[i as usize] && p.len() < 64 {
                let mut h = SEED;
                for &b in bytes {
                    h = step(h, b);
                    if b == b' ' {
                        stem_prefixes.push(h);
                    }
                }
                stems.push((h, i));
                stem_lengths |= 1 << p.len();
                match p.split(' ').next() {
                    Some(w) if w.len() >= STEM_KEY => stem_starts.insert(&bytes[..STEM_KEY]),
                    _ => short_stems = true,
                }
            }
        }
        // Sized by distinct keys: many patterns share a first word or a beginning.
        for keys in [&mut firsts, &mut prefixes, &mut stem_prefixes] {
            keys.sort_unstable();
            keys.dedup();
        }
        let mut index = WordIndex {
            first_filter: Filter::of(&firsts),
            whole_filter: Filter::of(&whole.iter().map(|w| w.0).collect::<Vec<_>>()),
            stem_filter: Filter::of(&stems.iter().map(|s| s.0).collect::<Vec<_>>()),
            stem_starts,
            stem_prefix_filter: Filter::of(&stem_prefixes),
            short_stems,
            prefix_filter: Filter::of(&prefixes),
            stem_lengths,
            ..Default::default()
        };
        index.members = whole.len();
        index.whole = Table::new(whole, &patterns);
        index.stems = Table::new(stems, &patterns);
        index.patterns = patterns;
        index
    }

    /// Number of patterns indexed.
    pub fn len(&self) -> usize {
        self.members
    }

    /// Whether no pattern is indexed.
    pub fn is_empty(&self) -> bool {
        self.members == 0
    }

    /// Call `found(pattern, start, end)` for every pattern that starts at a word of `text`
    /// (a literal view) and ends at a word end, or inside a word for stems. The caller checks
    /// how the pattern ends against each of its terms. `each_word(hash, start, end)` sees
    /// every word of the text with its hash (as `word_at` makes it), so that other look-ups
    /// of words need not hash them again.
    pub fn find(
        &self,
        text: &str,
        mut found: impl FnMut(usize, usize, usize),
        mut each_word: impl FnMut(u64, usize, usize),
    ) {
        let bytes = text.as_bytes();
        let mut start = 0;
        while start < bytes.len() {
            start = self.walk(bytes, start, &mut found, &mut each_word) + 1;
        }
    }

    /// Every pattern starting at `start` (a word start); returns where that first word ends.
    fn walk(
        &self,
        bytes: &[u8],
        start: usize,
        found: &mut impl FnMut(usize, usize, usize),
        each_word: &mut impl FnMut(u64, usize, usize),
    ) -> usize {
        let (mut h, word_end) = hash_word(SEED, bytes, start);
        each_word(h, start, word_end);
        let first_len = word_end - start;
        let may_start_stem =
            self.short_stems || (first_len >= STEM_KEY && self.stem_starts.contains(&bytes[start..start + STEM_KEY]));
        if self.stem_lengths != 0 && may_start_stem {
            self.walk_stems(bytes, start, found);
        }
        if !self.first_filter.contains(h) {
            return word_end;
        }
        let mut at = word_end;
        loop {
            if self.whole_filter.contains(h) {
                self.report(&self.whole, h, bytes, start, found);
            }
            if at == bytes.len() || !self.prefix_filter.contains(h) {
                return word_end;
            }
            (h, at) = hash_word(h, bytes, at + 1);
        }
    }

    /// Every stem pattern starting at `start` and ending inside a word, byte by byte.
    fn walk_stems(&self, bytes: &[u8], start: usize, found: &mut impl FnMut(usize, usize, usize)) {
        let mut h = SEED;
        // Stem patterns are shorter than 64 bytes.
        let last = bytes.len().min(start + 63);
        for at in start..last {
            let b = bytes[at];
            h = step(h, b);
            if b == b' ' {
                if !self.stem_prefix_filter.contains(h) {
                    return;
                }
                continue;
            }
            let len = at + 1 - start;
            if self.stem_lengths & (1 << len) != 0
                && bytes.get(at + 1).is_some_and(|&b| b != b' ')
                && self.stem_filter.contains(h)
            {
                self.report(&self.stems, h, bytes, start, found);
            }
            if self.stem_lengths >> len == 0 {
                return;
            }
        }
    }

    /// Report the patterns filed under `h` that the text spells from `start`.
    fn report(&self, table: &Table, h: u64, bytes: &[u8], start: usize, found: &mut impl FnMut(usize, usize, usize)) {
        for e in table.get(h) {
            if self.spelled_at(bytes, start, e) {
                let len = match e.len() {
                    LONG => self.patterns.get(e.pattern() as usize).len(),
                    len => len as usize,
                };
                found(e.pattern() as usize, start, start + len);
            }
        }
    }

    /// Whether `bytes` spells the pattern of `e` from `start`. A pattern of up to eight bytes
    /// (most are) is compared with its head as one masked word, without reading the pattern
    /// or calling `memcmp`.
    #[inline]
    fn spelled_at(&self, bytes: &[u8], start: usize, e: &Entry) -> bool {
        let len = e.len() as usize;
        if (1..=8).contains(&len) && start + 8 <= bytes.len() {
            let mask = u64::MAX >> (64 - 8 * len);
            return (load(bytes, start) ^ e.head) & mask == 0;
        }
        bytes[start..].starts_with(self.patterns.get(e.pattern() as usize).as_bytes())
    }
}

/// Starting value of both hashes.
const SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// Multiplier of the word hash (the golden ratio's bits, odd).
const MIX: u64 = 0x9E37_79B9_7F4A_7C15;

/// Bytes of a stem pattern's start that [`WordIndex::stem_starts`] holds.
const STEM_KEY: usize = 3;

/// The hash of a run of words `h` extended by the word at `at` of `bytes` (up to the next
/// space or the end), and where that word ends. Eight bytes at a time: each whole chunk is
/// mixed in, then the rest of the word (zero to seven bytes, zero-padded, with its length in
/// the top byte), so a word hashes the same wherever it stands and whatever follows it.
fn hash_word(mut h: u64, bytes: &[u8], mut at: usize) -> (u64, usize) {
    loop {
        let chunk = load(bytes, at);
        let left = bytes.len() - at;
        let n = (spaces(chunk).trailing_zeros() / 8).min(left.min(8) as u32) as usize;
        if n == 8 {
            h = mix(h ^ chunk);
            at += 8;
            continue;
        }
        let rest = chunk & ((1u64 << (8 * n)) - 1);
        return (mix(h ^ rest ^ ((n as u64) << 56)), at + n);
    }
}

/// The hash of the word at `at` of `bytes` (up to the next space or the end) on its own, and
/// where it ends: the key of a one-word pattern, also for other look-ups of words.
pub(super) fn word_at(bytes: &[u8], at: usize) -> (u64, usize) {
    hash_word(SEED, bytes, at)
}

/// The word hash of every word of `text` (words joined by single spaces), as [`hash_word`]
/// extends it.
#[cfg(test)]
fn hash_words(text: &[u8]) -> u64 {
    let (mut h, mut at) = (SEED, 0);
    loop {
        let end;
        (h, end) = hash_word(h, text, at);
        if end >= text.len() {
            return h;
        }
        at = end + 1;
    }
}

/// Eight bytes of `bytes` from `at`, little-endian, zero past the end.
fn load(bytes: &[u8], at: usize) -> u64 {
    match bytes.get(at..at + 8) {
        Some(chunk) => u64::from_le_bytes(chunk.try_into().expect("eight bytes")),
        None => {
            let mut chunk = [0u8; 8];
            let rest = &bytes[at.min(bytes.len())..];
            chunk[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(chunk)
        }
    }
}

/// The high bit of each byte of `chunk` that is a space, and maybe of bytes above the first
/// one (a borrow carries past it): only the lowest set bit is exact.
fn spaces(chunk: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let x = chunk ^ (u64::from(b' ') * ONES);
    x.wrapping_sub(ONES) & !x & (0x80 * ONES)
}

/// A folded multiply: the high and low halves of the 128-bit product, xored.
fn mix(x: u64) -> u64 {
    let product = u128::from(x) * u128::from(MIX);
    (product as u64) ^ ((product >> 64) as u64)
}

/// One byte of an FNV-1a hash, extended byte by byte so that every prefix has its hash.
fn step(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
}

/// Every word of a list of patterns, and the stems among them, as filters of word hashes
/// ([`word_at`]): whether a word of a text is a word some pattern has, for the spellings of
/// obfuscated words (see [`super::normalize::unelongate`]). Rarely wrong, never for a word
/// that is one.
#[derive(Debug, Default)]
pub(super) struct Vocabulary {
    words: Filter,
    stems: Filter,
}

impl Vocabulary {
    /// The words of the patterns at `members` (indexes in `patterns`), and of those that
    /// `is_stem` also as stems.
    pub(super) fn new(patterns: &PatternList, members: &[usize], is_stem: impl Fn(usize) -> bool) -> Self {
        let mut keys: Vec<u64> = Vec::new();
        for &i in members {
            let bytes = patterns.get(i).as_bytes();
            let mut at = 0;
            while at < bytes.len() {
                let (h, end) = word_at(bytes, at);
                keys.push(h);
                at = end + 1;
            }
        }
        keys.sort_unstable();
        keys.dedup();
        // A stem pattern of several words stems its last word.
        let stems: Vec<u64> = members
            .iter()
            .filter(|&&i| is_stem(i))
            .map(|&i| patterns.get(i))
            .map(|p| word_at(p.rsplit(' ').next().unwrap_or(p).as_bytes(), 0).0)
            .collect();
        Vocabulary { words: Filter::of(&keys), stems: Filter::of(&stems) }
    }

    /// Whether `word` is a word of some pattern, or begins with a stem of three letters or more.
    pub(super) fn knows(&self, word: &str) -> bool {
        let bytes = word.as_bytes();
        self.words.contains(word_at(bytes, 0).0)
            || (3..bytes.len()).any(|n| word.is_char_boundary(n) && self.stems.contains(word_at(&bytes[..n], 0).0))
    }
}

/// A set of strings of up to four bytes as 65,536 bits (8 KB, in the cache), keyed by a
/// hash: a member is always found; about one absent key in a hundred is found too, and then
/// the real look-up decides. Longer strings are keyed by their first four bytes.
#[derive(Debug)]
pub(super) struct ShortKeys(Vec<u64>);

impl Default for ShortKeys {
    fn default() -> Self {
        ShortKeys(vec![0; 1024])
    }
}

impl ShortKeys {
    fn bit(key: &[u8]) -> usize {
        let mut word = [0u8; 4];
        let n = key.len().min(4);
        word[..n].copy_from_slice(&key[..n]);
        (u32::from_le_bytes(word).wrapping_mul(0x9E37_79B1) >> 16) as usize
    }

    /// Add `key`.
    pub(super) fn insert(&mut self, key: &[u8]) {
        let bit = Self::bit(key);
        self.0[bit / 64] |= 1 << (bit % 64);
    }

    /// Whether `key` may be in the set.
    pub(super) fn contains(&self, key: &[u8]) -> bool {
        let bit = Self::bit(key);
        self.0[bit / 64] & (1 << (bit % 64)) != 0
    }
}

/// A blocked Bloom filter: two bits of one 64-bit word per key, about 16 bits per key, so
/// about 1.5% of look-ups of absent keys pass by chance.
#[derive(Debug, Default)]
pub(super) struct Filter {
    words: Vec<u64>,
    /// log2 of `words.len()`.
    log2: u32,
}

impl Filter {
    /// A filter holding `keys`.
    pub(super) fn of(keys: &[u64]) -> Self {
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

    /// Whether `h` may be a key: always for a key, rarely for another hash.
    pub(super) fn contains(&self, h: u64) -> bool {
        if self.words.is_empty() {
            return false;
        }
        let (word, bits) = self.place(h);
        self.words[word] & bits == bits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(index: &WordIndex, text: &str) -> Vec<(String, usize, usize)> {
        let mut out = Vec::new();
        index.find(text, |p, s, e| out.push((index.patterns.get(p).to_string(), s, e)), |_, _, _| {});
        out.sort_by_key(|o| (o.1, o.2));
        out
    }

    /// An index of all of `patterns`.
    fn new_index(patterns: &[&str], stems: &[bool]) -> WordIndex {
        WordIndex::new(Arc::new(patterns.iter().collect()), stems, 0..patterns.len() as u32)
    }

    /// The (pattern, text) pairs found in `text`, in text order, with `patterns` indexed and
    /// the ones marked in `stems` as stems.
    fn found_in(patterns: &[&str], stems: &[bool], text: &str) -> Vec<(String, String)> {
        let index = new_index(patterns, stems);
        find(&index, text).into_iter().map(|(p, s, e)| (p, text[s..e].to_string())).collect()
    }

    fn pairs(want: &[(&str, &str)]) -> Vec<(String, String)> {
        want.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect()
    }

    #[test]
    fn words_phrases_and_stems_are_found_at_word_starts() {
        let patterns = ["burn", "burn them", "rats", "urn", "wipe out"];
        let text = "sunburn burn themselves burners are rats wipe outs wipe out";
        let stems = [true, true, false, false, false];
        let got = found_in(&patterns, &stems, text);
        // Nothing inside "sunburn"; the stems inside "themselves" and "burners"; "wipe out"
        // only where its last word ends.
        let want = [
            ("burn", "burn"),
            ("burn them", "burn them"),
            ("burn", "burn"),
            ("rats", "rats"),
            ("wipe out", "wipe out"),
        ];
        assert_eq!(got, pairs(&want));
        // The last "wipe out", not the one in "wipe outs".
        let index = new_index(&patterns, &stems);
        assert_eq!(find(&index, text)[4].1, 51);
    }

    #[test]
    fn a_word_hashes_the_same_wherever_it_stands() {
        // Lengths around the eight-byte chunks, at the end of the text and before a space.
        for word in ["a", "seven77", "eightchr", "ninechars", "sixteen_bytes_xx", "seventeen_bytes_x"] {
            let alone = hash_word(SEED, word.as_bytes(), 0);
            assert_eq!(alone.1, word.len());
            let text = format!("x {word} y");
            assert_eq!(hash_word(SEED, text.as_bytes(), 2), (alone.0, 2 + word.len()), "{word}");
            assert_eq!(
                hash_words(format!("x {word}").as_bytes()),
                hash_word(hash_word(SEED, b"x", 0).0, word.as_bytes(), 0).0
            );
        }
        // A word and the same word with more after it, in the same chunk or the next, differ.
        let h = |w: &str| hash_word(SEED, w.as_bytes(), 0).0;
        assert_ne!(h("kill"), h("kille"));
        assert_ne!(h("eightchr"), h("eightchrs"));
        assert_ne!(hash_words(b"ab c"), hash_words(b"a bc"));
    }

    #[test]
    fn long_words_phrases_and_stems_across_chunks_are_found() {
        let patterns = ["exterminate", "exterminate the vermin", "war crim", "extermin"];
        let text = "exterminate the vermin now war crimes exterminated";
        let want = [
            ("extermin", "extermin"),
            ("exterminate", "exterminate"),
            ("exterminate the vermin", "exterminate the vermin"),
            ("war crim", "war crim"),
            ("extermin", "extermin"),
        ];
        assert_eq!(found_in(&patterns, &[false, false, true, true], text), pairs(&want));
    }

    #[test]
    fn the_table_finds_every_hash_and_only_those() {
        // Hashes far apart and close together, so that some share a bucket, and several
        // patterns under one hash (the shift drops the high bits of `i / 2`).
        let patterns: PatternList = (0..200).map(|i| format!("w{i}")).collect();
        let mut pairs: Vec<(u64, u32)> = (0..200u32).map(|i| (u64::from(i / 2) << 58, i)).collect();
        pairs.extend((0..50u32).map(|i| (u64::from(i) * 7919 + 1, i)));
        let table = Table::new(pairs.clone(), &patterns);
        for h in pairs.iter().map(|p| p.0) {
            let mut want: Vec<u32> = pairs.iter().filter(|p| p.0 == h).map(|p| p.1).collect();
            let mut got: Vec<u32> = table.get(h).map(Entry::pattern).collect();
            want.sort_unstable();
            got.sort_unstable();
            assert_eq!(got, want, "hash {h:#x}");
            assert!(table.get(h).all(|e| e.len() as usize == patterns.get(e.pattern() as usize).len()));
        }
        for absent in [2u64, 3 << 58 | 5, u64::MAX] {
            assert!(table.get(absent).next().is_none());
        }
        let shared = (0..table.buckets.len() - 1).filter(|&b| table.buckets[b + 1] - table.buckets[b] > 1).count();
        assert!(shared > 0, "some bucket holds several entries");
        assert!(Table::default().get(1).next().is_none());
    }

    #[test]
    fn patterns_of_any_length_end_where_they_end() {
        // An entry keeps lengths below 255 bytes; longer ones are read from the pattern list.
        let long: Vec<String> = (0..60).map(|i| format!("word{i}")).collect();
        let long = long.join(" ");
        assert!(long.len() > 300);
        let text = format!("a {long} b exactly eight and more");
        let patterns = [long.as_str(), "exactly", "exactly eight", "exactly eight and more"];
        let want = [
            (long.as_str(), long.as_str()),
            ("exactly", "exactly"),
            ("exactly eight", "exactly eight"),
            ("exactly eight and more", "exactly eight and more"),
        ];
        assert_eq!(found_in(&patterns, &[false; 4], &text), pairs(&want));
    }

    #[test]
    fn nothing_is_found_in_empty_or_unrelated_text() {
        let index = new_index(&["wipe out"], &[false]);
        assert!(find(&index, "").is_empty());
        assert!(find(&index, "wipeout wipe").is_empty());
        assert!(find(&index, "wipe").is_empty());
    }
}
