//! Text normalisation for matching, with a map back to the original bytes.
//!
//! Both lexicon patterns and article text go through [`normalize`], so they meet in one form:
//! - NFKC, applied to each character with its combining marks: "ﬁ" = "fi", full-width =
//!   ASCII, "e" + U+0301 = "é", so a regex class such as `[ée]` sees one character;
//! - lowercase, with the full case folds `ß` → `ss` and final sigma → σ, and Turkish `İ` → `i`;
//! - invisible characters dropped (zero-width space/joiners, soft hyphen, BOM, Arabic
//!   tatweel and Arabic vowel marks, which writers add or omit freely);
//! - every run of characters that are neither letters, digits nor combining marks becomes one
//!   space, so "kill-them!!" and "kill them" are the same and phrase terms need no regex;
//! - obfuscations undone: leet digits and `@ $ !` inside words ("h4te", "k!ll"), letters
//!   spelled out ("k i l l"), and words mixing Latin with Cyrillic or Greek look-alikes
//!   ("kіll" with a Cyrillic і) written in their main script (`fold_mixed_scripts`).
//!
//! Two more need the lexicons' words and are done by the classifier on the literal view:
//! letters written three times or more (`unelongate`: "kiiiill") and letters masked by `*`
//! (`unmask`: "m*slims").
//!
//! Optional diacritic folding (per lexicon) drops the remaining combining marks.
//!
//! Each output byte records the original byte range of the character it came from, so evidence
//! always points at what the author wrote.

use std::ops::Range;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization};

/// Normalised text and a map from each of its bytes back to the original.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// The normalised text: lowercase words separated by single spaces.
    pub text: String,
    /// Where the map back to the original changes, in order of `at`. Most text is copied
    /// byte for byte (ASCII lowercased, or a character whose lowercase has as many bytes), so
    /// the map is a few segments per text, not two offsets per byte: writing those offsets
    /// cost more than the rest of normalisation.
    map: Vec<Segment>,
}

/// From normalised byte `at` on (up to the next segment), where the bytes came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    at: u32,
    orig: u32,
    /// [`LINEAR`]: byte `at + k` came from original byte `orig + k` (as a character, when
    /// asked at character boundaries). Otherwise every byte came from the whole original
    /// span `orig..end` (a character that changed length: "ß" → "ss", a separator run → " ").
    end: u32,
}

const LINEAR: u32 = u32::MAX;

impl Segment {
    /// Original start of the character at normalised byte `pos` (in this segment).
    fn start_of(&self, pos: usize) -> usize {
        if self.end == LINEAR { (self.orig + (pos as u32 - self.at)) as usize } else { self.orig as usize }
    }

    /// Original end of the character whose last byte is normalised byte `pos`.
    fn end_of(&self, pos: usize) -> usize {
        if self.end == LINEAR { (self.orig + (pos as u32 - self.at) + 1) as usize } else { self.end as usize }
    }
}

impl Normalized {
    /// Original byte range of the normalised range `start..end` (`end > start`, both on
    /// character boundaries).
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        self.original_range_from(&mut self.segment_index(start), start, end)
    }

    /// Original byte offset where the character at normalised byte `pos` came from.
    pub fn original_start(&self, pos: usize) -> usize {
        self.map[self.segment_index(pos)].start_of(pos)
    }

    /// Original offsets of the starts of the words, in order: one walk along the map.
    pub fn original_word_starts(&self) -> Vec<usize> {
        let bytes = self.text.as_bytes();
        let mut out = Vec::with_capacity(bytes.len() / 6);
        let mut seg = 0;
        // Words start at 0 and after each space (the view has single spaces, none at the ends).
        let starts = std::iter::once(0).chain(memchr::memchr_iter(b' ', bytes).map(|i| i + 1));
        for i in starts.take_while(|&i| i < bytes.len()).filter(|&i| bytes[i] != b' ') {
            while self.map.get(seg + 1).is_some_and(|s| s.at as usize <= i) {
                seg += 1;
            }
            out.push(self.map[seg].start_of(i));
        }
        out
    }

    /// Index of the segment holding normalised byte `pos`.
    fn segment_index(&self, pos: usize) -> usize {
        self.map.partition_point(|s| s.at as usize <= pos).saturating_sub(1)
    }

    /// As [`Normalized::segment_index`], for a walk along the text: `cursor` (the index found
    /// for an earlier position, or 0) moves forward to the segment of `pos`, so a walk costs
    /// one step per segment instead of a search per position.
    fn segment_from(&self, cursor: &mut usize, pos: usize) -> usize {
        debug_assert!(self.map.get(*cursor).is_none_or(|s| s.at as usize <= pos), "the walk went back");
        while self.map.get(*cursor + 1).is_some_and(|s| s.at as usize <= pos) {
            *cursor += 1;
        }
        *cursor
    }

    /// [`Normalized::original_range`] for a walk along the text (see
    /// [`Normalized::segment_from`]).
    fn original_range_from(&self, cursor: &mut usize, start: usize, end: usize) -> (usize, usize) {
        let first = self.map[self.segment_from(cursor, start)].start_of(start);
        (first, self.map[self.segment_from(cursor, end - 1)].end_of(end - 1))
    }

    /// The text with some ranges rewritten (increasing, disjoint, on character boundaries):
    /// every byte of a replacement maps back to the whole original span of what it replaces,
    /// so evidence found in a corrected word points at the word as the author wrote it.
    pub fn with_replacements(&self, edits: &[(std::ops::Range<usize>, String)]) -> Normalized {
        let mut out = Builder::new(self.text.len() + 16);
        let (mut at, mut cursor) = (0, 0);
        for (range, replacement) in edits {
            out.copy(self, at..range.start, &mut cursor);
            let (start, end) = self.original_range_from(&mut cursor, range.start, range.end);
            out.push_str(replacement, (start as u32, end as u32));
            at = range.end;
        }
        out.copy(self, at..self.text.len(), &mut cursor);
        out.out
    }

    /// The text without the bytes at `drop` (increasing, each the start of a character).
    fn without(&self, drop: &[usize]) -> Normalized {
        let mut out = Builder::new(self.text.len());
        let (mut at, mut cursor) = (0, 0);
        for &d in drop {
            out.copy(self, at..d, &mut cursor);
            at = d + self.text[d..].chars().next().map_or(0, char::len_utf8);
        }
        out.copy(self, at..self.text.len(), &mut cursor);
        out.out
    }
}

/// Writes a [`Normalized`]: its text, and a segment wherever the map stops being linear.
struct Builder {
    out: Normalized,
    /// The original offset the next byte has if the current linear segment goes on.
    next_linear: u32,
}

impl Builder {
    fn new(capacity: usize) -> Self {
        // About one segment per separator run longer than a space (", "): one per 32 bytes
        // of news text.
        let map = Vec::with_capacity(capacity / 32);
        Builder { out: Normalized { text: String::with_capacity(capacity), map }, next_linear: LINEAR }
    }

    /// Note that the next `len` bytes come from `span`, and make them the text's.
    #[inline]
    fn map_next(&mut self, len: usize, span: (u32, u32)) {
        let at = self.out.text.len() as u32;
        if span.1 - span.0 == len as u32 {
            if span.0 != self.next_linear {
                self.out.map.push(Segment { at, orig: span.0, end: LINEAR });
            }
            self.next_linear = span.1;
        } else {
            self.map_block(span);
        }
    }

    /// Note that the next bytes, however many, all come from the whole of `span`.
    #[inline]
    fn map_block(&mut self, span: (u32, u32)) {
        let at = self.out.text.len() as u32;
        let last = self.out.map.last();
        if last.is_none_or(|l| (l.orig, l.end) != span) || self.next_linear != LINEAR {
            self.out.map.push(Segment { at, orig: span.0, end: span.1 });
        }
        self.next_linear = LINEAR;
    }

    fn push(&mut self, c: char, span: (u32, u32)) {
        self.map_next(c.len_utf8(), span);
        self.out.text.push(c);
    }

    fn push_str(&mut self, s: &str, span: (u32, u32)) {
        self.map_next(s.len(), span);
        self.out.text.push_str(s);
    }

    /// Copy `range` of `from`, with its map. `cursor` is as in [`Normalized::segment_from`]:
    /// copies made in text order find their segments without a search.
    fn copy(&mut self, from: &Normalized, range: std::ops::Range<usize>, cursor: &mut usize) {
        let mut at = range.start;
        if at >= range.end {
            return;
        }
        let mut i = from.segment_from(cursor, at);
        while at < range.end {
            let seg = from.map[i];
            let seg_end = from.map.get(i + 1).map_or(from.text.len(), |s| s.at as usize).min(range.end);
            i += 1;
            if seg_end <= at {
                continue;
            }
            if seg.end == LINEAR {
                let orig = seg.start_of(at) as u32;
                self.push_str(&from.text[at..seg_end], (orig, orig + (seg_end - at) as u32));
            } else {
                // Each character of a block maps to the whole block: what pushing them one by
                // one with that span writes, in one go.
                self.map_block((seg.orig, seg.end));
                self.out.text.push_str(&from.text[at..seg_end]);
            }
            at = seg_end;
        }
    }
}

/// Normalise `input` for literal terms: words separated by single spaces, punctuation gone.
/// `fold_diacritics` also removes combining marks.
pub fn normalize(input: &str, fold_diacritics: bool) -> Normalized {
    if is_normal_already(input, fold_diacritics) {
        // Lexicon patterns are mostly like this: spare the builder a pass per spelling.
        return Normalized { text: input.to_string(), map: vec![Segment { at: 0, orig: 0, end: LINEAR }] };
    }
    let views = views(input, fold_diacritics, false);
    if fold_diacritics { views.folded.unwrap_or(views.literal) } else { views.literal }
}

/// Whether `input` is lowercase words joined by single spaces, without digits (leet) or three
/// one-letter words in a row (spaced letters): then it is its own literal view. The letters
/// are ASCII, or (without diacritic folding) letters of the common scripts that are their own
/// lowercase, which the views copy as they are (see [`common_letter`]): Cyrillic, Turkish,
/// Arabic and Devanagari patterns, hundreds of thousands once spelled out, skip the builder.
pub(super) fn is_normal_already(input: &str, fold_diacritics: bool) -> bool {
    if input.is_ascii() { is_normal_ascii(input.as_bytes()) } else { is_normal_general(input, fold_diacritics) }
}

/// [`is_normal_already`] for any text, character by character.
fn is_normal_general(input: &str, fold_diacritics: bool) -> bool {
    let letter = |c: char| {
        c.is_ascii_lowercase()
            || (!fold_diacritics
                && !c.is_ascii()
                && common_letter(c)
                && c != 'İ'
                && c.to_lowercase().eq(std::iter::once(c)))
    };
    let mut single_run = 0;
    // A word mixing ASCII letters with others may mix scripts: the views fold it.
    let mixed =
        !input.is_ascii() && input.split(' ').any(|w| !w.is_ascii() && w.bytes().any(|b| b.is_ascii_alphabetic()));
    !input.is_empty()
        && !mixed
        && input.chars().all(|c| c == ' ' || letter(c))
        && !input.starts_with(' ')
        && !input.ends_with(' ')
        && !input.contains("  ")
        && input.split(' ').all(|w| {
            single_run = if w.chars().nth(1).is_none() { single_run + 1 } else { 0 };
            single_run < 3
        })
}

/// [`is_normal_already`] for ASCII text, in one pass over its bytes (most patterns, hundreds
/// of thousands of them once finite regexes are spelled out).
fn is_normal_ascii(bytes: &[u8]) -> bool {
    let (mut word, mut single_run) = (0usize, 0usize);
    for &b in bytes {
        if b == b' ' {
            if word == 0 {
                return false;
            }
            single_run = if word == 1 { single_run + 1 } else { 0 };
            if single_run >= 3 {
                return false;
            }
            word = 0;
        } else if b.is_ascii_lowercase() {
            word += 1;
        } else {
            return false;
        }
    }
    word > 0 && (word > 1 || single_run < 2)
}

/// Normalise `input` for regex terms: as [`normalize`], but punctuation is kept (apostrophes
/// and hyphens folded to `'` and `-`) and only runs of whitespace become one space, so a regex
/// can say `qu'ils` or `pre-?emptive`.
pub fn normalize_for_regex(input: &str) -> Normalized {
    views(input, false, true).regex.unwrap_or_default()
}

/// The views of one text that the classifier matches against, made in one pass.
#[derive(Debug, Clone, Default)]
pub struct Views {
    /// The literal view ([`normalize`] without folding).
    pub literal: Normalized,
    /// Original offsets where the words of the literal view start (as
    /// [`Normalized::original_word_starts`], noted while writing).
    pub word_starts: Vec<usize>,
    /// The literal view with diacritics folded, when asked for and different from `literal`
    /// (text without combining marks or accented letters needs no second copy); derived from
    /// `literal` (see [`fold_diacritics`]).
    pub folded: Option<Normalized>,
    /// The regex view ([`normalize_for_regex`]), when asked for.
    pub regex: Option<Normalized>,
    /// Whether the text has a character of a script written without spaces (see
    /// [`is_unspaced_script`]): only then can an unspaced pattern match.
    pub unspaced: bool,
}

/// Make the literal view of `input` and, when asked, its regex view, in one pass (each
/// character is decoded, classified and case-folded once), and the diacritic-folded view
/// from the literal one.
pub fn views(input: &str, want_folded: bool, want_regex: bool) -> Views {
    let mut literal = Writer::new(input.len(), false);
    let mut regex = want_regex.then(|| Writer::new(input.len(), true));
    let mut unspaced = false;
    // Whether a Greek or Cyrillic letter was seen: only then may a word mix scripts.
    let mut lookalike_script = false;
    let bytes = input.as_bytes();
    let mut group = String::new();
    let mut i = 0;
    while i < bytes.len() {
        // Plain ASCII (letters and separators), the bulk of most text, when only the literal
        // view is wanted.
        if regex.is_none() {
            i = literal.put_plain(input, i);
            if i == bytes.len() {
                break;
            }
        }
        let b = bytes[i];
        // A run of ASCII letters is written in one go. Its last letter
        // is left to the loop below when a combining mark follows it.
        if b.is_ascii_alphabetic() {
            let mut end = i + 1;
            while end < bytes.len() && bytes[end].is_ascii_alphabetic() {
                end += 1;
            }
            if end < bytes.len() && !bytes[end].is_ascii() && starts_with_mark(&input[end..]) {
                end -= 1;
            }
            if end > i {
                for w in [Some(&mut literal), regex.as_mut()].into_iter().flatten() {
                    w.put_ascii_letters(&input[i..end], i);
                }
                i = end;
                continue;
            }
        }
        // ASCII, unless a combining mark follows it ("e" + U+0301 composes to "é").
        if b.is_ascii() && bytes.get(i + 1).is_none_or(|n| n.is_ascii() || !starts_with_mark(&input[i + 1..])) {
            let span = (i as u32, i as u32 + 1);
            let class = if b.is_ascii_alphanumeric() {
                let unleeted = matches!(b, b'0' | b'1' | b'3' | b'4' | b'5' | b'7')
                    .then(|| {
                        unleet(b as char, literal.letters_before(), letters_after(input, i + 1))
                            .or_else(|| leet_word(input, i).then(|| leet_letter(b as char)).flatten())
                    })
                    .flatten();
                Class::Word(unleeted.unwrap_or(b.to_ascii_lowercase() as char))
            } else if b == b'@' || b == b'$' {
                match unleet(b as char, literal.letters_before(), letters_after(input, i + 1)) {
                    Some(letter) => Class::Word(letter),
                    None => Class::Punct(b as char),
                }
            } else if (b == b'!' || b == b'*')
                && literal.letters_before().is_some_and(|n| n > 0)
                && letters_after(input, i + 1).letters > 0
            {
                // Inside a word: "k!ll" is "kill"; "m*slims" keeps a mask that
                // [`unmask`] fills with the letter a pattern has there.
                Class::Word(if b == b'!' { 'i' } else { MASK })
            } else if b.is_ascii_whitespace() || b.is_ascii_control() {
                Class::Space
            } else {
                Class::Punct(b as char)
            };
            for w in [Some(&mut literal), regex.as_mut()].into_iter().flatten() {
                w.put(class, span);
            }
            i += 1;
            continue;
        }
        let c = input[i..].chars().next().expect("on a character boundary");
        lookalike_script |= is_greek(c) || is_cyrillic(c);
        let mut end = i + c.len_utf8();
        // Letters of the common scripts, unless a combining mark follows: no invisible
        // character, mark or compatibility form to look for. Caseless ones (Ethiopic, Arabic,
        // Devanagari, Han) are copied a run at a time; the others are lowercased.
        if common_letter(c) && c != 'İ' && !starts_with_mark(&input[end..]) {
            if is_caseless(c) {
                let mut last = i;
                let mut han = is_unspaced_script(c);
                for n in input[end..].chars() {
                    if !is_caseless(n) {
                        break;
                    }
                    // Of the caseless letters only Han is written without spaces.
                    han |= n >= '\u{4E00}';
                    last = end;
                    end += n.len_utf8();
                }
                if starts_with_mark(&input[end..]) {
                    // The last letter composes with the mark after it: left to the next round.
                    end = last;
                }
                unspaced |= han;
                for w in [Some(&mut literal), regex.as_mut()].into_iter().flatten() {
                    w.put_verbatim(&input[i..end], i);
                }
            } else {
                let span = (i as u32, end as u32);
                for l in c.to_lowercase() {
                    for w in [Some(&mut literal), regex.as_mut()].into_iter().flatten() {
                        w.put(Class::Word(l), span);
                    }
                }
            }
            i = end;
            continue;
        }
        if is_invisible(c) {
            i = end;
            continue;
        }
        // A starter and its combining marks are normalised together, so "e" + U+0301 and "é"
        // compose to the same character.
        group.clear();
        group.push(c);
        while let Some(n) = input[end..].chars().next().filter(|&n| is_mark(n)) {
            group.push(n);
            end += n.len_utf8();
        }
        let span = (i as u32, end as u32);
        let mut emit = |d: char| {
            for l in fold_case(d) {
                if is_invisible(l) || is_arabic_vowel_mark(l) {
                    continue;
                }
                // Marks first: many (Arabic harakat, Indic vowel signs) are also "alphabetic".
                let class = if is_mark(l) {
                    Class::Mark(l)
                } else if is_word_char(l) {
                    unspaced |= is_unspaced_script(l);
                    Class::Word(l)
                } else if !l.is_whitespace() && !l.is_control() {
                    Class::Punct(l)
                } else {
                    Class::Space
                };
                for w in [Some(&mut literal), regex.as_mut()].into_iter().flatten() {
                    w.put(class, span);
                }
            }
        };
        // Most characters outside ASCII (é, ß, Ethiopic, Arabic letters) are already in NFKC
        // on their own: skip the composition machinery for them.
        if group.len() == c.len_utf8() && is_nfkc_stable(c) {
            emit(c);
        } else {
            group.nfkc().for_each(&mut emit);
        }
        i = end;
    }
    let (mut literal, word_starts) = literal.finish();
    let mut regex = regex.map(|w| w.finish().0);
    if lookalike_script {
        // Letters are replaced where they stand: the words start where they did.
        for view in [Some(&mut literal), regex.as_mut()].into_iter().flatten() {
            if let Some(folded) = fold_mixed_scripts(view) {
                *view = folded;
            }
        }
    }
    Views { folded: if want_folded { fold_diacritics(&literal) } else { None }, literal, word_starts, regex, unspaced }
}

/// `text` with each word that mixes Latin letters with Greek or Cyrillic ones written in the
/// script most of its letters are in, or `None` when no word does: "kіll" with a Cyrillic
/// "і" is "kill", "Muslіms" is "muslims", "мусульмaн" with a Latin "a" is "мусульман". Letters
/// that look alike across scripts are the cheapest evasion there is (one keystroke defeats
/// every term), and no real word mixes scripts. Only look-alikes change (a Cyrillic "ж" in a
/// Latin word stays); a word with as many letters of each script is left as it is.
fn fold_mixed_scripts(text: &Normalized) -> Option<Normalized> {
    let mut edits = Vec::new();
    let mut start = 0;
    for word in text.text.split(' ') {
        let range = start..start + word.len();
        start = range.end + 1;
        if word.is_ascii() {
            continue;
        }
        let latin = word.bytes().filter(u8::is_ascii_alphabetic).count();
        let greek = word.chars().filter(|&c| is_greek(c)).count();
        let cyrillic = word.chars().filter(|&c| is_cyrillic(c)).count();
        if latin == 0 || greek + cyrillic == 0 {
            continue;
        }
        let lookalike = if latin > greek + cyrillic {
            latin_lookalike
        } else if cyrillic > latin + greek {
            cyrillic_lookalike
        } else {
            continue;
        };
        // Letter by letter, so that the others keep their exact place in the original.
        for (i, c) in word.char_indices() {
            if let Some(l) = lookalike(c) {
                let at = range.start + i;
                edits.push((at..at + c.len_utf8(), l.to_string()));
            }
        }
    }
    (!edits.is_empty()).then(|| text.with_replacements(&edits))
}

/// `text` (a view) with each word that has a letter written three times or more in a row
/// ("kiiiill", "raaaats", "scuuuum", "ооочень") spelled with each such run once or twice,
/// whichever spelling `knows` takes for a word of some pattern, the fewest letters first
/// ("kill", not "kiill"; "killll" is "kill", not "kil"). A word no pattern has in any
/// spelling of two letters or more ("www", "zzz") is left as it is. `None` when nothing
/// changes: most texts, which a scan of sixteen bytes at a time passes through.
pub(crate) fn unelongate(text: &Normalized, knows: impl Fn(&str) -> bool) -> Option<Normalized> {
    let bytes = text.text.as_bytes();
    let mut edits = Vec::new();
    let mut from = 0;
    while let Some(at) = next_run(bytes, from) {
        let Range { start, end } = word_around(bytes, at);
        if let Some(spelled) = unelongate_word(&text.text[start..end], &knows) {
            edits.push((start..end, spelled));
        }
        from = end;
    }
    (!edits.is_empty()).then(|| text.with_replacements(&edits))
}

/// A letter masked by `*` inside a word ("m*slims", "k*ll"), kept in the views as this
/// character until [`unmask`] reads it.
pub(crate) const MASK: char = '*';

/// `text` (a view) with each word masked by one or two `*` ("m*slims", "k*ll") spelled
/// with the letters that make it a word of some pattern (`knows`): the first in alphabetical
/// order when several do ("sh*t" is "shit", not "shot"). Latin letters fill a Latin word,
/// Cyrillic ones a Cyrillic word. `None` when nothing changes.
pub(crate) fn unmask(text: &Normalized, knows: impl Fn(&str) -> bool) -> Option<Normalized> {
    let bytes = text.text.as_bytes();
    let mut edits = Vec::new();
    let mut from = 0;
    while let Some(at) = bytes[from..].iter().position(|&b| b == MASK as u8).map(|k| from + k) {
        let Range { start, end } = word_around(bytes, at);
        from = end;
        let word = &text.text[start..end];
        let masks = word.matches(MASK).count();
        if masks > 2 {
            continue;
        }
        let letters: Vec<char> =
            if word.chars().any(is_cyrillic) { ('а'..='я').collect() } else { ('a'..='z').collect() };
        // Censors mask vowels mostly, and several fillings are often one word spelled two
        // ways ("moslims", "muslims"): the first in alphabetical order is taken.
        let found = (0..letters.len().pow(masks as u32)).find_map(|k| {
            let (mut k, mut spelled) = (k, String::with_capacity(word.len() + 2));
            for c in word.chars() {
                if c == MASK {
                    spelled.push(letters[k % letters.len()]);
                    k /= letters.len();
                } else {
                    spelled.push(c);
                }
            }
            knows(&spelled).then_some(spelled)
        });
        if let Some(spelled) = found {
            edits.push((start..end, spelled));
        }
    }
    (!edits.is_empty()).then(|| text.with_replacements(&edits))
}

/// The word of `bytes` (a view: words are one space apart) that byte `at` is in.
fn word_around(bytes: &[u8], at: usize) -> Range<usize> {
    let start = bytes[..at].iter().rposition(|&b| b == b' ').map_or(0, |i| i + 1);
    start..bytes[at..].iter().position(|&b| b == b' ').map_or(bytes.len(), |i| at + i)
}

/// Most runs of one word tried both ways (2^n spellings); past them every run is written once.
const MAX_RUNS: usize = 4;

/// The spelling of `word` that [`unelongate`] picks, or `None` when it has no run of three
/// letters or no spelling is known.
fn unelongate_word(word: &str, knows: &impl Fn(&str) -> bool) -> Option<String> {
    // The word as (character, how many times in a row).
    let mut runs: Vec<(char, usize)> = Vec::new();
    for c in word.chars() {
        match runs.last_mut() {
            Some((last, n)) if *last == c => *n += 1,
            _ => runs.push((c, 1)),
        }
    }
    let long: Vec<usize> = (0..runs.len()).filter(|&i| runs[i].1 >= 3 && is_letter(runs[i].0)).collect();
    if long.is_empty() {
        return None;
    }
    let spell = |twice: usize| {
        let mut out = String::with_capacity(word.len());
        for (i, &(c, n)) in runs.iter().enumerate() {
            let times = match long.iter().position(|&l| l == i) {
                Some(k) => 1 + usize::from(k < MAX_RUNS && twice & (1 << k) != 0),
                None => n,
            };
            out.extend(std::iter::repeat_n(c, times));
        }
        out
    };
    // Fewest letters first: by how many runs are written twice, then in order.
    let mut choices: Vec<usize> = (0..1usize << long.len().min(MAX_RUNS)).collect();
    choices.sort_by_key(|t| t.count_ones());
    // A word of one letter is no reading of a run ("www" is not the Polish "w").
    choices.into_iter().map(spell).find(|w| w.chars().nth(1).is_some() && knows(w))
}

/// Where in `bytes`, from `from` on, a letter is written three times in a row: an ASCII
/// letter, or a character of two bytes (Cyrillic, Greek, Arabic, accented Latin).
fn next_run(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{__m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8};
        // Sixteen places at a time: a byte equal to the next two, or to the bytes two and
        // four on (then the place is checked exactly). News text has a few such places per
        // text ("www", "000"), so this costs under one instruction a byte.
        while i + 20 <= bytes.len() {
            // SAFETY: SSE2 is part of every x86_64 CPU; the unaligned loads read
            // bytes[i..i + 20], which the loop condition keeps in bounds.
            let mask = unsafe {
                let p = bytes.as_ptr().add(i);
                let load = |k: usize| _mm_loadu_si128(p.add(k).cast::<__m128i>());
                let (a, b, c, e) = (load(0), load(1), load(2), load(4));
                let ac = _mm_cmpeq_epi8(a, c);
                let three = _mm_and_si128(_mm_cmpeq_epi8(a, b), ac);
                let two_byte = _mm_and_si128(ac, _mm_cmpeq_epi8(a, e));
                (_mm_movemask_epi8(three) | (_mm_movemask_epi8(two_byte) & _mm_movemask_epi8(a))) as u32
            };
            let mut m = mask;
            while m != 0 {
                let k = i + m.trailing_zeros() as usize;
                if run_at(bytes, k) {
                    return Some(k);
                }
                m &= m - 1;
            }
            i += 16;
        }
    }
    (i..bytes.len()).find(|&k| run_at(bytes, k))
}

/// Whether `bytes` has an ASCII letter three times in a row at `k`, or a character of two
/// bytes three times.
fn run_at(bytes: &[u8], k: usize) -> bool {
    let w = &bytes[k..];
    (w.len() >= 3 && w[0] == w[1] && w[1] == w[2] && w[0].is_ascii_alphabetic())
        || (w.len() >= 6 && w[0] >= 0xC0 && w[0] == w[2] && w[2] == w[4] && w[1] == w[3] && w[3] == w[5])
}

/// Letters of the Greek block.
fn is_greek(c: char) -> bool {
    ('\u{0370}'..='\u{03FF}').contains(&c)
}

/// Letters of the Cyrillic blocks (and its supplement: Komi, Abkhaz …).
fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{052F}').contains(&c)
}

/// The Latin letter a lowercase Cyrillic or Greek letter looks like.
fn latin_lookalike(c: char) -> Option<char> {
    Some(match c {
        'а' | 'α' => 'a',
        'с' => 'c',
        'ԁ' => 'd',
        'е' | 'ε' => 'e',
        'һ' => 'h',
        'і' | 'ι' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'ӏ' => 'l',
        'м' => 'm',
        'о' | 'ο' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' => 'u',
        'ν' => 'v',
        'ԝ' => 'w',
        'х' | 'χ' => 'x',
        'у' => 'y',
        _ => return None,
    })
}

/// The Cyrillic letter a lowercase Latin letter looks like.
fn cyrillic_lookalike(c: char) -> Option<char> {
    Some(match c {
        'a' => 'а',
        'c' => 'с',
        'e' => 'е',
        'k' => 'к',
        'o' => 'о',
        'p' => 'р',
        'x' => 'х',
        'y' => 'у',
        _ => return None,
    })
}

/// The literal view with its combining marks dropped (a decomposable letter decomposed first:
/// "é" → "e"), or `None` when it has none to drop. Made from the literal view, which is
/// already lowercase NFKC, in one pass that skips ASCII (most of any text) eight bytes at a
/// time and answers the two-byte letters of the Latin scripts from a table.
pub(crate) fn fold_diacritics(literal: &Normalized) -> Option<Normalized> {
    let text = &literal.text;
    let bytes = text.as_bytes();
    let mut out: Option<Builder> = None;
    let (mut copied, mut cursor) = (0, 0);
    let mut base = String::new();
    let mut j = 0;
    while let Some(k) = next_non_ascii(bytes, j) {
        let c = text[k..].chars().next().expect("on a character boundary");
        let end = k + c.len_utf8();
        j = end;
        base.clear();
        match two_byte_fold(c) {
            Some(TwoByteFold::Keep) => continue,
            Some(TwoByteFold::Base(b)) => base.push(b as char),
            None => {
                let mut had_mark = is_mark(c);
                if !had_mark {
                    unicode_normalization::char::decompose_canonical(c, |d| {
                        if is_mark(d) {
                            had_mark = true;
                        } else {
                            base.push(d);
                        }
                    });
                }
                if !had_mark {
                    continue;
                }
            }
        }
        let out = out.get_or_insert_with(|| Builder::new(text.len()));
        out.copy(literal, copied..k, &mut cursor);
        if !base.is_empty() {
            let (s, e) = literal.original_range_from(&mut cursor, k, end);
            out.push_str(&base, (s as u32, e as u32));
        }
        copied = end;
    }
    let mut out = out?;
    out.copy(literal, copied..text.len(), &mut cursor);
    Some(out.out)
}

/// Where the next byte outside ASCII is, from `at` on: eight bytes at a time.
#[inline]
fn next_non_ascii(bytes: &[u8], mut at: usize) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let high = u64::from_le_bytes(chunk.try_into().expect("eight bytes")) & HIGH;
        if high != 0 {
            return Some(at + (high.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    bytes[at..].iter().position(|&b| b >= 0x80).map(|i| at + i)
}

/// What diacritic folding does to a character of two bytes in UTF-8 (U+0080..U+07FF).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TwoByteFold {
    /// Left as it is: no combining mark in its canonical decomposition.
    Keep,
    /// Replaced by this ASCII letter ("é" → "e").
    Base(u8),
}

/// How [`fold_diacritics`] folds `c`, from a table made once from the canonical
/// decompositions of U+0080..U+07FF (Latin, Greek, Cyrillic, Hebrew, Arabic …); `None` for
/// other characters, and for the few of these whose fold is not one ASCII letter or nothing.
#[inline]
fn two_byte_fold(c: char) -> Option<TwoByteFold> {
    static TABLE: std::sync::OnceLock<Vec<Option<TwoByteFold>>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0x80..0x800u32)
            .map(|u| {
                let c = char::from_u32(u).expect("no surrogates below U+0800");
                if is_mark(c) {
                    return None;
                }
                let (mut marks, mut bases) = (0, Vec::new());
                unicode_normalization::char::decompose_canonical(c, |d| {
                    if is_mark(d) {
                        marks += 1;
                    } else {
                        bases.push(d);
                    }
                });
                match (marks, bases.as_slice()) {
                    (0, _) => Some(TwoByteFold::Keep),
                    (_, [b]) if b.is_ascii() => Some(TwoByteFold::Base(*b as u8)),
                    _ => None,
                }
            })
            .collect()
    });
    let u = c as usize;
    if (0x80..0x800).contains(&u) { table[u - 0x80] } else { None }
}

/// What one (normalised, case-folded) character is to the views.
#[derive(Debug, Clone, Copy)]
enum Class {
    /// A letter or digit.
    Word(char),
    /// A combining mark, kept with the letter before it (dropped when folding diacritics).
    Mark(char),
    /// Punctuation or a symbol: a separator, except in the regex view.
    Punct(char),
    /// Whitespace or a control character: always a separator.
    Space,
}

/// One view being written: its text, offsets and the separator waiting to be written.
struct Writer {
    out: Builder,
    /// A separator seen since the last character written: written as one space only if a
    /// word follows, and only once per run.
    pending: Option<(u32, u32)>,
    keep_punct: bool,
    /// Word characters written in the current token, and whether the first is a letter.
    token_words: u32,
    token_letter: bool,
    /// Whether the pending separator starts with an apostrophe: a letter before one is an
    /// elision ("l'a", "d'y"), not a letter spaced out.
    pending_apostrophe: bool,
    /// Where the space before the current token was written.
    last_space: usize,
    /// The run of one-letter tokens going on (see [`Writer::end_token`]): its length, how
    /// many of its letters are consonants, and the spaces between them.
    single_run: u32,
    run_consonants: u32,
    run_spaces: Vec<usize>,
    /// Spaces inside spaced-out words, dropped when the view is finished.
    joins: Vec<usize>,
    /// Original offset of each token's first character.
    word_starts: Vec<usize>,
}

impl Writer {
    fn new(capacity: usize, keep_punct: bool) -> Self {
        Writer {
            out: Builder::new(capacity),
            pending: None,
            keep_punct,
            token_words: 0,
            token_letter: false,
            pending_apostrophe: false,
            last_space: 0,
            single_run: 0,
            run_consonants: 0,
            run_spaces: Vec::new(),
            joins: Vec::new(),
            word_starts: Vec::with_capacity(capacity / 6),
        }
    }

    /// Count `n` word characters of the current token, written from original offset `at`.
    #[inline]
    fn note_word(&mut self, first_is_letter: bool, n: u32, at: u32) {
        if self.token_words == 0 {
            self.token_letter = first_is_letter;
            if self.out.out.text.is_empty() || self.out.out.text.ends_with(' ') {
                self.word_starts.push(at as usize);
            }
        }
        self.token_words += n;
    }

    /// The current token is complete. Letters written apart to dodge filters ("k i l l",
    /// "h a t e") are joined into one word: a run of three or more tokens of one letter
    /// (with its marks), one of them at least a consonant, and no letter elided before an
    /// apostrophe — so the one-letter words of French, Spanish or Italian ("il y a à",
    /// "l'a à", "y o"), which are vowels or elisions, stay apart. Two single letters ("a b")
    /// are left alone. In the Indic scripts a consonant with a vowel sign is a syllable, and
    /// the commonest words of Hindi are one syllable ("में हैं वे": in are they): only a bare
    /// consonant counts, as in a word spelled out ("मु स ल मा न").
    #[inline]
    fn end_token(&mut self) {
        if self.token_words == 1 && self.token_letter {
            self.end_single_letter();
        } else if self.single_run > 0 {
            self.close_run();
        }
        self.token_words = 0;
    }

    /// A token of one letter is complete: it goes on the run, unless elided.
    #[inline(never)]
    fn end_single_letter(&mut self) {
        if self.pending.is_some() && self.pending_apostrophe {
            self.close_run();
            return;
        }
        if self.single_run > 0 {
            self.run_spaces.push(self.last_space);
        }
        self.single_run += 1;
        let mut chars = self.out.out.text.chars().rev().peekable();
        let marked = chars.peek().is_some_and(|&c| is_mark(c));
        let letter = chars.find(|&c| !is_mark(c));
        self.run_consonants += u32::from(letter.is_some_and(|c| !(is_vowel(c) || (marked && is_indic(c)))));
    }

    /// The run of one-letter tokens is over: its spaces go if it spells a word.
    fn close_run(&mut self) {
        if self.single_run >= 3 && self.run_consonants > 0 {
            self.joins.append(&mut self.run_spaces);
        }
        self.run_spaces.clear();
        self.single_run = 0;
        self.run_consonants = 0;
    }

    /// The view, with spaced-out words joined, and the original starts of its words.
    fn finish(mut self) -> (Normalized, Vec<usize>) {
        self.end_token();
        self.close_run();
        let mut out = self.out.out;
        let joined = !self.joins.is_empty();
        if joined {
            out = out.without(&self.joins);
        }
        // Joined words, or a token of stray marks, and the starts are counted again.
        let tokens = if out.text.is_empty() { 0 } else { 1 + memchr::memchr_iter(b' ', out.text.as_bytes()).count() };
        if joined || tokens != self.word_starts.len() {
            self.word_starts = out.original_word_starts();
        }
        (out, self.word_starts)
    }

    /// How many letters (up to 3) end the word written so far: 0 at a word start, `None`
    /// right after a digit (inside a number).
    fn letters_before(&self) -> Option<usize> {
        if self.pending.is_some() {
            return Some(0);
        }
        let mut n = 0;
        for c in self.out.out.text.chars().rev().take(3) {
            if is_letter(c) {
                n += 1;
            } else if c.is_alphanumeric() && n == 0 {
                return None;
            } else {
                break;
            }
        }
        Some(n)
    }

    /// Write one character.
    fn put(&mut self, class: Class, span: (u32, u32)) {
        match class {
            Class::Word(c) => {
                self.flush();
                self.note_word(is_letter(c), 1, span.0);
                self.push(c, span);
            }
            Class::Mark(c) => self.push(c, span),
            Class::Punct(c) if self.keep_punct => {
                self.flush();
                self.push(fold_punct(c), span);
            }
            Class::Punct(_) | Class::Space => {
                if !self.out.out.text.is_empty() && self.pending.is_none() {
                    self.pending = Some(span);
                    self.pending_apostrophe = matches!(class, Class::Punct('\'' | '’' | 'ʼ'));
                }
            }
        }
    }

    /// Write `letters` (ASCII letters found at byte `at` of the input), lowercased.
    fn put_ascii_letters(&mut self, letters: &str, at: usize) {
        self.put_piece(letters.as_bytes(), at, true, letters.len(), |out, b| out.extend(b.iter().map(|b| b | 0x20)));
    }

    /// Write the plain text of `input` from byte `at` on and return where it stops: at the
    /// first character the general path must see. Plain is what most text of the spaced
    /// scripts is made of, and what needs neither composition nor the Unicode tables: ASCII
    /// letters (lowercased) and separators, the common typographic separators (quotes,
    /// dashes, no-break space, Ethiopic punctuation), Latin-1 and Latin Extended-A letters,
    /// Ethiopic syllables, and numbers that cannot be leet (see [`Writer::plain_number`]).
    /// Anything a combining mark follows is left to the general path, which composes them.
    /// The literal view only: the regex view keeps punctuation.
    fn put_plain(&mut self, input: &str, mut at: usize) -> usize {
        let bytes = input.as_bytes();
        loop {
            // A run of separators: the first one is the pending space.
            let (separators, mut last) = (at, at);
            while let Some(&b) = bytes.get(at) {
                let len = if b < 0x80 {
                    if !ASCII_SEPARATOR[b as usize] {
                        break;
                    }
                    1
                } else {
                    let Some(len) = plain_separator(bytes, at) else { break };
                    len
                };
                (last, at) = (at, at + len);
            }
            if at > separators && mark_at(input, at) {
                at = last;
            }
            if at > separators && self.pending.is_none() && !self.out.out.text.is_empty() {
                let len = plain_separator(bytes, separators).expect("a separator starts the run");
                self.pending = Some((separators as u32, (separators + len) as u32));
                // "'" or U+2019 (E2 80 99: the only plain separator of three bytes ending so).
                self.pending_apostrophe = bytes[separators] == b'\'' || (len == 3 && bytes[separators + 2] == 0x99);
            }
            // Letters and numbers, a piece at a time.
            let word = at;
            while let Some(&b) = bytes.get(at) {
                let end = match b {
                    b'a'..=b'z' | b'A'..=b'Z' => {
                        let mut end = at + ascii_letters(&bytes[at..]);
                        if mark_at(input, end) {
                            end -= 1;
                        }
                        self.put_piece(&bytes[at..end], at, true, end - at, |out, _| {
                            push_lowercase(out, bytes, at, end)
                        });
                        self.put_clean_blocks(input, end)
                    }
                    b'0'..=b'9' => {
                        let end = at + bytes[at..].iter().take_while(|b| b.is_ascii_digit()).count();
                        if !self.plain_number(input, at, end) {
                            break;
                        }
                        self.put_piece(&bytes[at..end], at, false, end - at, |out, b| out.extend_from_slice(b));
                        end
                    }
                    0xC3..=0xC5 => {
                        let Some((lower, end)) = plain_latin(input, at) else { break };
                        self.put_piece(&bytes[at..end], at, true, 1, |out, _| out.extend_from_slice(&lower));
                        end
                    }
                    0xE1 => {
                        let Some(end) = plain_ethiopic(input, at) else { break };
                        self.put_piece(&bytes[at..end], at, true, (end - at) / 3, |out, b| out.extend_from_slice(b));
                        end
                    }
                    _ => break,
                };
                if end == at {
                    break;
                }
                at = end;
            }
            if at == word {
                return at;
            }
        }
    }

    /// Write the clean eight-byte blocks of `input` from byte `at` on, right after a piece of
    /// ASCII letters, and return where they stop. A clean block is what most of a news text
    /// in a Latin script is made of: ASCII letters and single spaces, ending with a letter,
    /// where every word that starts and ends inside the block has two letters or more (a
    /// one-letter word may be a letter spaced out: see [`Writer::end_token`]), and no
    /// combining mark follows.
    /// Its view is its bytes with the case bit set (which leaves a space a space), its map
    /// goes on linearly, and its spaces start words: one step for eight bytes, where the piece
    /// by piece path takes several per word.
    #[inline]
    fn put_clean_blocks(&mut self, input: &str, mut at: usize) -> usize {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x80 * ONES;
        let bytes = input.as_bytes();
        if self.single_run > 0 {
            return at;
        }
        while let Some(chunk) = bytes.get(at..at + 8) {
            let v = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            // The high bit of each letter and of each space.
            let letters = letter_bits(v);
            let s = v ^ (0x20 * ONES);
            let spaces = !((s & (0x7f * ONES)) + 0x7f * ONES) & !s & HIGH;
            // Spaces one or two bytes apart would end an empty or a one-letter word. The word
            // before a space at the first byte may have one letter ("a"): on its own it starts
            // no run of spaced letters, as the next word here has two or more.
            if letters | spaces != HIGH
                || letters >> 56 == 0
                || spaces & (spaces << 8) != 0
                || spaces & (spaces << 16) != 0
                || mark_at(input, at + 8)
            {
                return at;
            }
            let base = self.out.out.text.len();
            if spaces != 0 {
                // The words that end here need no `end_token`: none has one letter after
                // another that had one, and no run of one-letter words is going on.
                let mut rest = spaces;
                while rest != 0 {
                    let i = (rest.trailing_zeros() / 8) as usize;
                    self.word_starts.push(at + i + 1);
                    rest &= rest - 1;
                }
                let last = (63 - spaces.leading_zeros()) as usize / 8;
                self.last_space = base + last;
                self.token_words = (7 - last).min(2) as u32;
                self.token_letter = true;
            } else {
                self.token_words = 2;
            }
            self.out.map_next(8, (at as u32, at as u32 + 8));
            // SAFETY: ASCII letters and spaces, lowercased.
            unsafe { self.out.out.text.as_mut_vec() }.extend_from_slice(&(v | (0x20 * ONES)).to_le_bytes());
            at += 8;
        }
        at
    }

    /// Write `piece` (`chars` word characters at byte `at` of the input, the first a letter
    /// or not) as `write` makes it: the same number of bytes, so the map stays linear.
    #[inline]
    fn put_piece(
        &mut self,
        piece: &[u8],
        at: usize,
        letter: bool,
        chars: usize,
        write: impl FnOnce(&mut Vec<u8>, &[u8]),
    ) {
        if piece.is_empty() {
            return;
        }
        self.flush();
        // Only "none", "one" or "more" matters to the count of a token's characters.
        self.note_word(letter, chars.min(2) as u32, at as u32);
        self.out.map_next(piece.len(), (at as u32, (at + piece.len()) as u32));
        // SAFETY: `write` puts whole UTF-8 characters (ASCII, or a letter's lowercase).
        let text = unsafe { self.out.out.text.as_mut_vec() };
        let before = text.len();
        write(text, piece);
        debug_assert_eq!(text.len() - before, piece.len());
    }

    /// Whether the ASCII digits `at..end` of `input` are a number the general path would
    /// leave as it is: two digits or more (a leet digit stands alone between letters), or one
    /// that starts a token and has no letter after it. Otherwise [`unleet`] decides.
    fn plain_number(&self, input: &str, at: usize, end: usize) -> bool {
        let bytes = input.as_bytes();
        if mark_at(input, end) {
            return false;
        }
        // A number next to letters may be part of a word written in leet ("jud10s").
        let letter_next =
            |b: Option<&u8>| b.is_some_and(|&b| b.is_ascii_alphabetic() || b >= 0x80 || b == b'@' || b == b'$');
        if (letter_next(at.checked_sub(1).and_then(|i| bytes.get(i))) || letter_next(bytes.get(end)))
            && leet_word(input, at)
        {
            return false;
        }
        end - at >= 2
            || (bytes.get(end).is_none_or(|b| b.is_ascii() && !b.is_ascii_alphanumeric() && *b != b'@' && *b != b'$')
                && (self.pending.is_some() || self.out.out.text.is_empty()))
    }

    /// Write `letters` (found at byte `at` of the input) as they are: caseless letters that
    /// are their own NFKC form and have no diacritics to fold.
    fn put_verbatim(&mut self, letters: &str, at: usize) {
        self.put_piece(letters.as_bytes(), at, true, letters.chars().take(2).count(), |out, b| {
            out.extend_from_slice(b)
        });
    }

    #[inline]
    fn flush(&mut self) {
        if self.pending.is_some() {
            self.end_token();
            let span = self.pending.take().expect("pending");
            self.last_space = self.out.out.text.len();
            self.push(' ', span);
        }
    }

    fn push(&mut self, c: char, span: (u32, u32)) {
        self.out.push(c, span);
    }
}

/// ASCII bytes that are separators wherever they stand: whitespace, controls and punctuation
/// other than `@` and `$` (which may stand for letters: see [`unleet`]).
const ASCII_SEPARATOR: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = !c.is_ascii_alphanumeric() && !matches!(c, b'@' | b'$' | b'!' | b'*');
        b += 1;
    }
    table
};

/// How many ASCII letters `bytes` starts with, eight bytes at a time: a word of news text is
/// mostly one or two such steps instead of a test per byte.
fn ascii_letters(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut n = 0;
    while let Some(chunk) = bytes.get(n..n + 8) {
        let letters = letter_bits(u64::from_le_bytes(chunk.try_into().expect("eight bytes")));
        if letters != 0x80 * ONES {
            return n + ((!letters & (0x80 * ONES)).trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + bytes[n..].iter().take_while(|b| b.is_ascii_alphabetic()).count()
}

/// The high bit of each byte of `v` (eight bytes, little-endian) that is an ASCII letter.
#[inline]
fn letter_bits(v: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // With the case bit set, a byte below 0x80 is a letter when it is in 0x61..=0x7a: the
    // sums below set a byte's high bit at 0x61 and at 0x7b, and carry into no neighbour.
    let x = (v | (0x20 * ONES)) & (0x7f * ONES);
    (x + 0x1f * ONES) & !(x + 0x05 * ONES) & !v & (0x80 * ONES)
}

/// Append `bytes[at..end]` (ASCII letters) to `out`, lowercased, eight at a time: setting
/// the case bit lowercases an ASCII letter. Chunks may read past `end` (not past `bytes`) and
/// write past the new length (into reserved capacity), which the length then leaves out.
#[inline]
fn push_lowercase(out: &mut Vec<u8>, bytes: &[u8], at: usize, end: usize) {
    const CASE: u64 = 0x2020_2020_2020_2020;
    let len = end - at;
    out.reserve(len + 8);
    let old = out.len();
    let spare = out.spare_capacity_mut();
    let mut k = 0;
    while k < len {
        let Some(chunk) = bytes.get(at + k..at + k + 8) else {
            // The text's last few bytes.
            for (d, &b) in spare[k..len].iter_mut().zip(&bytes[at + k..end]) {
                d.write(b | 0x20);
            }
            break;
        };
        let lower = (u64::from_le_bytes(chunk.try_into().expect("eight bytes")) | CASE).to_le_bytes();
        for (d, b) in spare[k..k + 8].iter_mut().zip(lower) {
            d.write(b);
        }
        k += 8;
    }
    // SAFETY: the `len` bytes after `old` were written above (lowercase ASCII letters).
    unsafe { out.set_len(old + len) };
}

/// The length of the separator at byte `at` of `bytes`, if it is one that needs no
/// composition: an ASCII separator, or a common typographic one (no-break space, guillemets,
/// dashes, quotation marks, ellipsis, Ethiopic punctuation), all written as one space.
#[inline]
fn plain_separator(bytes: &[u8], at: usize) -> Option<usize> {
    let b = *bytes.get(at)?;
    if b < 0x80 {
        return ASCII_SEPARATOR[b as usize].then_some(1);
    }
    match (b, bytes.get(at + 1).copied().unwrap_or(0), bytes.get(at + 2).copied().unwrap_or(0)) {
        // U+00A0, U+00AB, U+00BB
        (0xC2, 0xA0 | 0xAB | 0xBB, _) => Some(2),
        // U+2010..=U+2015 dashes, U+2018..=U+201F quotation marks, U+2026, U+2039, U+203A
        (0xE2, 0x80, 0x90..=0x95 | 0x98..=0x9F | 0xA6 | 0xB9 | 0xBA) => Some(3),
        // U+1361..=U+1368 Ethiopic punctuation
        (0xE1, 0x8D, 0xA1..=0xA8) => Some(3),
        _ => None,
    }
}

/// A letter of Latin-1 or Latin Extended-A at byte `at` that the general path would only
/// lowercase (see [`common_letter`]): its lowercase, of the same length, and where it ends.
/// `None` when it is not one, or a combining mark follows it.
#[inline]
fn plain_latin(input: &str, at: usize) -> Option<([u8; 2], usize)> {
    let c = input.get(at..at + 2)?.chars().next()?;
    if !common_letter(c) || c == 'İ' || mark_at(input, at + 2) {
        return None;
    }
    let mut lower = c.to_lowercase();
    let l = lower.next().filter(|l| l.len_utf8() == 2 && lower.next().is_none())?;
    let mut out = [0; 2];
    l.encode_utf8(&mut out);
    Some((out, at + 2))
}

/// Where the run of Ethiopic syllables at byte `at` ends (caseless letters, copied as they
/// are), its last one left out when a combining mark follows it; `None` when none is there.
#[inline]
fn plain_ethiopic(input: &str, at: usize) -> Option<usize> {
    let bytes = input.as_bytes();
    let syllable = |i: usize| {
        bytes.get(i) == Some(&0xE1)
            && matches!(
                (bytes.get(i + 1), bytes.get(i + 2)),
                (Some(0x88..=0x8C), Some(0x80..=0xBF)) | (Some(0x8D), Some(0x80..=0x9A))
            )
    };
    let mut end = at;
    while syllable(end) {
        end += 3;
    }
    if end > at && mark_at(input, end) {
        end -= 3;
    }
    (end > at).then_some(end)
}

/// Whether a combining mark starts at byte `at` of `input` (every mark is U+0300 or above,
/// so a lower first byte answers at once).
#[inline]
fn mark_at(input: &str, at: usize) -> bool {
    input.as_bytes().get(at).is_some_and(|&b| b >= 0xCC) && starts_with_mark(&input[at..])
}

/// Whether `rest` starts with a combining mark.
fn starts_with_mark(rest: &str) -> bool {
    rest.chars().next().is_some_and(is_mark)
}

/// What follows byte `at`: how many letters in a row (up to 3), and whether a digit or letter
/// comes right after.
fn letters_after(input: &str, at: usize) -> After {
    let mut letters = 0;
    let mut chars = input[at..].chars();
    let first = chars.clone().next();
    while letters < 3 && chars.next().is_some_and(is_letter) {
        letters += 1;
    }
    After { letters, word_goes_on: first.is_some_and(|c| c.is_alphanumeric()) }
}

/// The context after a possible leet character (see [`letters_after`]).
struct After {
    letters: usize,
    word_goes_on: bool,
}

/// Letters of the scripts most news is written in, which have neither marks nor compatibility
/// forms: answered without the Unicode tables (the general case asks them).
fn common_letter(c: char) -> bool {
    matches!(c,
        '\u{00C0}'..='\u{00D6}' | '\u{00D8}'..='\u{00DE}' | '\u{00E0}'..='\u{00F6}' | '\u{00F8}'..='\u{00FF}'
        | '\u{0100}'..='\u{0131}' | '\u{0134}'..='\u{013E}' | '\u{0141}'..='\u{0148}' | '\u{014A}'..='\u{017E}'
        | '\u{0410}'..='\u{044F}'      // Cyrillic basic
        | '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' // Arabic letters
        | '\u{0905}'..='\u{0939}'      // Devanagari vowels and consonants
        | '\u{1200}'..='\u{135A}'      // Ethiopic syllables
        | '\u{4E00}'..='\u{9FFF}'      // CJK unified
        | '\u{AC00}'..='\u{D7A3}'      // Hangul syllables
    )
}

/// Letters of [`common_letter`] that have no case and no canonical decomposition (so folding
/// diacritics leaves them too): Arabic without the hamza and madda letters, Devanagari
/// without the nukta letters, Ethiopic, Han. Han is the only script of them written without
/// spaces (see [`is_unspaced_script`]).
fn is_caseless(c: char) -> bool {
    matches!(c,
        '\u{0621}' | '\u{0627}'..='\u{063A}' | '\u{0641}'..='\u{064A}'
        | '\u{0905}'..='\u{0928}' | '\u{092A}'..='\u{0930}' | '\u{0932}'..='\u{0933}' | '\u{0935}'..='\u{0939}'
        | '\u{1200}'..='\u{135A}'
        | '\u{4E00}'..='\u{9FFF}'
    )
}

/// A letter, digit or other word character.
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || common_letter(c) || (!c.is_ascii() && c.is_alphanumeric())
}

/// A letter (the common scripts answered without the Unicode tables).
pub fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || common_letter(c) || (!c.is_ascii() && c.is_alphabetic())
}

/// A character words are spelled with: a letter, or a combining mark that belongs to the
/// letter before it. Devanagari's virama (the `्` of "मुस्लिम") and nukta (`़`) are marks
/// without being alphabetic: a check for letters alone would take every word with a
/// consonant cluster for something other than a word.
pub fn is_spelling_char(c: char) -> bool {
    is_letter(c) || is_mark(c)
}

/// Whether `c` alone is already in NFKC (and so needs no composition with its neighbours).
fn is_nfkc_stable(c: char) -> bool {
    common_letter(c) || unicode_normalization::is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes
}

/// Leetspeak: a digit between two letters ("h4te", "k1ll"), starting a word of three more
/// letters ("4ssholes") or ending one after three letters ("slu7", "crippl3"), or `@`/`$`
/// next to a letter ("@ss", "$lut"), stands for the letter it looks like. Digits elsewhere
/// ("2nd", "mp3", "5g", "covid19", "1994") stay digits. `before` is the letters just written
/// in this word (`None` after a digit).
fn unleet(c: char, before: Option<usize>, after: After) -> Option<char> {
    if c == '@' || c == '$' {
        let next_to_letter = before.is_some_and(|n| n > 0) || after.letters > 0;
        return next_to_letter.then_some(if c == '@' { 'a' } else { 's' });
    }
    let letter = leet_letter(c)?;
    let inner = before.is_some_and(|n| n > 0) && after.letters > 0;
    let starts_word = before == Some(0) && after.letters >= 3;
    let ends_word = before.is_some_and(|n| n >= 3) && !after.word_goes_on;
    (inner || starts_word || ends_word).then_some(letter)
}

/// The letter a leet digit looks like.
fn leet_letter(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' => 'i',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        _ => return None,
    })
}

/// Whether the ASCII digit at byte `at` of `input` stands in a word written in leet as a
/// whole, where [`unleet`], which looks at one digit and its neighbours, finds no letter to
/// lean on: a digit first and another inside ("1nm1gr4nt3s", "4n1m4l3s"), or two digits in a
/// row ("jud10s"). The word around it (letters, digits, `@`, `$`) must have three Latin
/// letters or more, only digits that look like letters (0 1 3 4 5 7), and neither start nor
/// end with two digits, as numbers with a unit and names with a version do ("100mph",
/// "windows10", "ak47", "covid19").
fn leet_word(input: &str, at: usize) -> bool {
    let part = |c: char| c.is_ascii_digit() || c == '@' || c == '$' || is_letter(c);
    let before = input[..at].chars().rev().take_while(|&c| part(c));
    let start = at - before.map(char::len_utf8).sum::<usize>();
    let end = at + input[at..].chars().take_while(|&c| part(c)).map(char::len_utf8).sum::<usize>();
    let word = &input[start..end];
    let (mut latin, mut prev_digit) = (0, false);
    for (i, c) in word.chars().enumerate() {
        if c.is_ascii_digit() {
            if leet_letter(c).is_none() || (prev_digit && i == 1) {
                return false;
            }
        } else if is_letter(c) {
            // Leet stands for Latin letters: a digit in another script's word stays a digit.
            if c > '\u{024F}' {
                return false;
            }
            latin += 1;
        }
        prev_digit = c.is_ascii_digit();
    }
    let mut last_two = word.bytes().rev().take(2);
    latin >= 3 && !last_two.all(|b| b.is_ascii_digit())
}

/// Vowels of the Latin script, which one-letter words mostly are ("a", "à", "y", "o", "e").
/// Letters of the Indic scripts (Devanagari to Sinhala), where a vowel sign after a
/// consonant makes a syllable.
fn is_indic(c: char) -> bool {
    ('\u{0900}'..='\u{0DFF}').contains(&c)
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'à'..='å' | 'è'..='ë' | 'ì'..='ï' | 'ò'..='ö' | 'ù'..='ü' | 'ý' | 'ÿ')
}

/// Lowercase `c` for matching: the full case folds "ß" → "ss" and final sigma → σ, and
/// Turkish dotted capital "İ" → "i" (Unicode lowercases it to "i" and a combining dot, which
/// no term spelled with "i" would match: "İğrenç" must read as "iğrenç").
fn fold_case(c: char) -> impl Iterator<Item = char> {
    let special: Option<&'static [char]> = match c {
        'ß' | 'ẞ' => Some(&['s', 's']),
        'ς' => Some(&['σ']),
        'İ' => Some(&['i']),
        _ => None,
    };
    let (a, b) = match special {
        Some(s) => (Some(s.iter().copied()), None),
        None => (None, Some(c.to_lowercase())),
    };
    a.into_iter().flatten().chain(b.into_iter().flatten())
}

/// A combining mark; ASCII and the common letters have none, so ask the table only outside.
fn is_mark(c: char) -> bool {
    !c.is_ascii() && !common_letter(c) && is_combining_mark(c)
}

/// Typographic apostrophes and hyphens → ASCII, for the regex view.
fn fold_punct(c: char) -> char {
    match c {
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{2032}' => '\'',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2212}' => '-',
        other => other,
    }
}

/// Punctuation (of any script) as opposed to symbols: what separates words. Both are
/// separators in the literal view; only symbols (emoji, currency signs, arrows …) are worth a
/// regex that keeps them.
pub fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || ('\u{2000}'..='\u{206F}').contains(&c)
        || ('\u{3000}'..='\u{303F}').contains(&c)
        || ('\u{FF01}'..='\u{FF0F}').contains(&c)
        || matches!(
            c,
            '«' | '»'
                | '¡'
                | '¿'
                | '·'
                | '\u{00AD}'
                | '\u{FEFF}'
                | 'ʼ'
                | '،'
                | '؛'
                | '؟'
                | '۔'
                | '।'
                | '॥'
                | '።'
                | '፣'
                | '፤'
                | '፧'
                | '！'
                | '？'
                | '：'
                | '；'
                | '，'
                | '．'
        )
}

/// Characters writers insert invisibly, often to dodge filters.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{0640}')
}

/// Arabic harakat, tanwin, shadda, sukun and the superscript alef: optional in writing.
fn is_arabic_vowel_mark(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}')
}

/// True for scripts written without spaces between words, where word boundaries do not apply:
/// Han, Hiragana, Katakana, Thai, Lao, Myanmar, Khmer.
pub fn is_unspaced_script(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}'          // Thai, Lao
        | '\u{1000}'..='\u{109F}'        // Myanmar
        | '\u{1780}'..='\u{17FF}'        // Khmer
        | '\u{3040}'..='\u{30FF}'        // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}'        // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'        // CJK unified
        | '\u{F900}'..='\u{FAFF}'        // CJK compatibility
        | '\u{AA60}'..='\u{AA7F}'        // Myanmar extended-A
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn ascii_patterns_are_told_normal_as_by_the_general_rule() {
        for input in [
            "",
            " ",
            "a",
            "ab",
            "kill them",
            "kill  them",
            " kill",
            "kill ",
            "a b",
            "a b c",
            "a b cd",
            "ab c d",
            "a b c d",
            "x y zz",
            "Kill",
            "k1ll",
            "kill-them",
            "house to house",
            "a",
            "ab cd e f",
            "ab cd e f g",
            "e f",
            "e f gh i j",
        ] {
            assert_eq!(super::is_normal_ascii(input.as_bytes()), super::is_normal_general(input, false), "{input:?}");
        }
    }

    use super::*;

    fn norm(s: &str) -> String {
        normalize(s, false).text
    }

    #[test]
    fn text_that_is_its_own_view_is_taken_as_is() {
        let samples = [
            "kill them",
            "a plague",
            "i h a t e them",
            "k1ll",
            "two  spaces",
            " lead",
            "убить всех мигрантов",
            "Убить",
            "ж и д ы",
            "ёж",
            "suriyeliler defolsun",
            "İğrenç",
            "ığrenç",
            "straße",
            "été",
            "الشيعة خنازير",
            "مسلمانों को मारो",
            "杀光他们",
            "ς",
        ];
        for s in samples {
            for fold in [false, true] {
                let want = views(s, fold, false);
                let want = if fold { want.folded.unwrap_or(want.literal) } else { want.literal };
                assert_eq!(normalize(s, fold).text, want.text, "{s} (fold {fold})");
            }
        }
        let n = normalize("kill them", false);
        assert_eq!(n.original_range(5, 9), (5, 9));
    }

    #[test]
    fn turkish_dotted_capital_i_is_a_plain_i() {
        assert_eq!(norm("İğrenç İnsanlar"), "iğrenç insanlar");
        // Written decomposed (I + combining dot above), the same.
        assert_eq!(norm("I\u{307}ğrenç"), "iğrenç");
        assert_eq!(normalize("İstanbul", false).original_range(0, 8), (0, 9));
    }

    #[test]
    fn case_punctuation_and_spaces_collapse() {
        assert_eq!(norm("  Kill-THEM!!  now "), "kill them now");
        assert_eq!(norm("Straße"), "strasse");
        assert_eq!(norm("ＫＩＬＬ"), "kill");
    }

    #[test]
    fn invisible_characters_and_arabic_marks_vanish() {
        assert_eq!(norm("ki\u{200B}ll"), "kill");
        assert_eq!(norm("ex\u{00AD}terminate"), "exterminate");
        assert_eq!(norm("اُقْتُلُوهُم"), norm("اقتلوهم"));
        assert_eq!(norm("اقتـــلوهم"), norm("اقتلوهم"));
    }

    #[test]
    fn precomposed_and_decomposed_accents_meet() {
        assert_eq!(norm("cafés"), norm("cafe\u{301}s"));
        assert_eq!(norm("CAFÉS"), "cafés");
        assert_eq!(norm("cafe\u{301}s").chars().count(), 5);
        assert_eq!(normalize("cafés", true).text, "cafes");
        let src = "Les « ÉTRANGERS », cafe\u{301}s et żydzi";
        let folded = normalize(src, true);
        assert_eq!(folded.text, "les etrangers cafes et zydzi");
        for word in ["etrangers", "cafes", "zydzi"] {
            let at = folded.text.find(word).unwrap();
            let (s, e) = folded.original_range(at, at + word.len());
            assert_eq!(normalize(&src[s..e], true).text, word);
        }
        assert!(views("plain ascii", true, false).folded.is_none(), "nothing to fold, no copy");
    }

    /// Folding as defined: each character's canonical decomposition without its marks.
    fn fold_by_definition(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            unicode_normalization::char::decompose_canonical(c, |d| {
                if !is_mark(d) {
                    out.push(d);
                }
            });
        }
        out
    }

    #[test]
    fn diacritic_folding_agrees_with_canonical_decomposition() {
        // Every character of two bytes (Latin, Greek, Cyrillic, Hebrew, Arabic, combining
        // marks) and a few longer ones, behind ASCII runs of every length modulo eight, so
        // the eight-byte scan meets them at each position of a chunk.
        let others = ['ḍ', 'ễ', 'ṣ', 'ጀ', 'ọ', 'ở', '中', 'ﬁ'];
        let chars = (0x80..0x800u32).filter_map(char::from_u32).chain(others);
        for (i, c) in chars.enumerate() {
            let text = format!("{}{c}x{c}", "a".repeat(i % 11));
            let literal = views(&text, false, false).literal;
            let folded = fold_diacritics(&literal);
            let expected = fold_by_definition(&literal.text);
            let view = folded.as_ref().unwrap_or(&literal);
            assert_eq!(view.text, expected, "{c:?} U+{:04X}", c as u32);
            assert_eq!(folded.is_some(), expected != literal.text, "a copy only when folding changes something: {c:?}");
            // ("ˣ" is an x in NFKC.)
            if literal.text.matches('x').count() == 1 {
                let x = view.text.find('x').expect("folding keeps ASCII letters");
                assert_eq!(view.original_start(x), text.find('x').unwrap(), "{c:?}: the x maps back to itself");
            }
        }
    }

    #[test]
    fn offsets_point_back_to_the_original() {
        let src = "Les « ÉTRANGERS » sont des cafards.";
        let n = normalize(src, false);
        let word = norm("étrangers");
        let at = n.text.find(&word).unwrap();
        let (s, e) = n.original_range(at, at + word.len());
        assert_eq!(&src[s..e], "ÉTRANGERS");
        let at = n.text.find("cafards").unwrap();
        let (s, e) = n.original_range(at, at + "cafards".len());
        assert_eq!(&src[s..e], "cafards");
    }

    #[test]
    fn every_word_maps_back_to_what_the_author_wrote() {
        let texts = [
            "Die STRAẞE, ﬁnal—Straße!  «Cafe\u{301}s»",
            "İstanbul’da ŞEHİR; Ｋｉｌｌ them\u{200B}all",
            "اقتـــلوهم ياخونة… k i l l-them h4te",
            "Ọmọ Yorùbá: ẹ pa wọ́n. 杀死他们！",
        ];
        for src in texts {
            let n = normalize(src, false);
            let mut at = 0;
            for word in n.text.split(' ') {
                let (s, e) = n.original_range(at, at + word.len());
                assert_eq!(normalize(&src[s..e], false).text, word, "{src:?}: {word:?} from {:?}", &src[s..e]);
                at += word.len() + 1;
            }
        }
    }

    #[test]
    fn word_starts_map_back_in_one_walk() {
        let src = "Die STRAẞE, ﬁnal—Straße!  «Cafe\u{301}s» k i l l";
        let n = normalize(src, false);
        let expected: Vec<usize> = n
            .text
            .match_indices(|c| c != ' ')
            .filter(|(i, _)| *i == 0 || n.text.as_bytes()[i - 1] == b' ')
            .map(|(i, _)| n.original_start(i))
            .collect();
        assert_eq!(n.original_word_starts(), expected);
        assert_eq!(expected.len(), n.text.split(' ').count());
        // Noted while writing, the same starts.
        for text in [src, "\u{301}é a b c d", "Ọmọ Yorùbá: ẹ pa wọ́n. 杀死他们！ ሰላም ነው።", "x 4 y — z!", ""]
        {
            let v = views(text, false, false);
            assert_eq!(v.word_starts, v.literal.original_word_starts(), "{text:?}");
        }
    }

    #[test]
    fn replacements_map_to_the_span_they_replace() {
        let src = "Ces CAFRADS, ces rats";
        let n = normalize(src, false);
        let at = n.text.find("cafrads").unwrap();
        let fixed = n.with_replacements(&[(at..at + 7, "cafards".to_string())]);
        assert_eq!(fixed.text, "ces cafards ces rats");
        assert_eq!(fixed.original_range(at, at + 7), (4, 11));
        let rats = fixed.text.find("rats").unwrap();
        let (s, e) = fixed.original_range(rats, rats + 4);
        assert_eq!(&src[s..e], "rats");
    }

    #[test]
    fn the_regex_view_keeps_punctuation() {
        let src = "N’en  laissez\taucun s'échapper—Pre‑emptive!";
        let n = normalize_for_regex(src);
        assert_eq!(n.text, "n'en laissez aucun s'échapper—pre-emptive!");
        let at = n.text.find("s'échapper").unwrap();
        let (s, e) = n.original_range(at, at + "s'échapper".len());
        assert_eq!(&src[s..e], "s'échapper");
    }

    #[test]
    fn the_plain_path_writes_what_the_general_path_writes() {
        // Hand-picked texts, then the bundled demo feeds.
        let texts = [
            "Plain words, and punctuation!! Over   several    spaces.\n\tTabs too",
            "Cafe\u{301} au lait: e\u{301}te\u{301}, a \u{301}mark after a space",
            "I h4te them, k1ll th3m; @ss and a$$ -- the 2nd of May 1994",
            "k i l l them all, a b testing, x y",
            "ALLCAPSWORDSLONGERTHANEIGHTLETTERS mixedCaseWordsLongerThanEight",
            "ünïcödé ẞtraße İstanbul ΣΊΣΥΦΟΣ, ﬁne ｆｕｌｌ",
            "\u{200b}zero\u{200b}width and soft\u{ad}hyphen",
            "",
            "   ",
            "!?",
            "« L'économie », dit-il — « ÉTÉ À PARIS » : 12 000 soldats, 3 morts; Œuvre ŸVES Ĳssel ı",
            "“Quoted” ‘single’ it’s—dashes… and\u{a0}no-break, 5 people, 1994-2024, mp3 k1ll 7 a7",
            "ኢትዮጵያ፡ የአማራ ክልል። ሰዎች፣ 2015 ዓ.ም ሀ ለ መ",
            "e\u{301}te\u{301} É\u{301}—\u{301}x 1\u{301}2 ሀ\u{135d}",
            "x 4 y, a 12 b, abc 5, abcd 5 efg, 3abc",
        ];
        let corpus = demo_feed_text();
        for text in texts.into_iter().chain(corpus.iter().map(String::as_str)) {
            assert_paths_agree(text, "");
        }
    }

    /// Asking for the regex view sends every byte of `text` through the general path: the
    /// literal view must come out as the plain path writes it, offsets, word starts and
    /// folded view included. `source` names where the text came from.
    fn assert_paths_agree(text: &str, source: &str) {
        let (fast, general) = (views(text, true, false), views(text, true, true));
        assert_eq!(fast.literal.text, general.literal.text, "{source} {text:?}");
        assert_eq!(fast.word_starts, general.word_starts, "{source} {text:?}");
        for pos in (0..fast.literal.text.len()).filter(|&p| fast.literal.text.is_char_boundary(p)) {
            let (f, g) = (fast.literal.original_start(pos), general.literal.original_start(pos));
            assert_eq!(f, g, "{source} {text:?} at {pos}");
        }
        assert_eq!(fast.folded.map(|f| f.text), general.folded.map(|f| f.text), "{source} {text:?}");
    }

    #[test]
    fn the_plain_path_writes_what_the_general_path_writes_on_news_in_many_languages() {
        // Real text in many scripts, when ../shared/data is beside the checkout.
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
        let Ok(dirs) = std::fs::read_dir(data.join("masakhane-news/data")) else {
            eprintln!("skipped: ../shared/data/masakhane-news is absent (the bundled texts above still ran)");
            return;
        };
        let sentences =
            std::fs::read_dir(data.join("lingua-testdata-sentences/language-testdata/sentences")).into_iter().flatten();
        let mut files: Vec<_> = dirs.flatten().map(|d| d.path().join("dev.tsv")).collect();
        files.extend(sentences.flatten().map(|e| e.path()));
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            for line in text.lines().take(300) {
                assert_paths_agree(line, &file.display().to_string());
            }
        }
    }

    #[test]
    fn the_plain_path_writes_what_the_general_path_writes_on_random_mixtures() {
        // Strings drawn from the characters where the two paths part ways: letters the plain
        // path takes and ones it leaves, digits, leet symbols, separators of each kind,
        // combining marks and invisible characters, next to each other in every order.
        let pool: Vec<char> =
            "aZk iI1 04573 @$'’-—“«»\u{a0}…,.éÉÿŸœĲİıß\u{301}\u{308}ሀለመ፣።\u{135d}\u{200b}\u{ad}ﬁΣς中".chars().collect();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            // xorshift64*: a fixed sequence, so a failure can be replayed.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let text: String = (0..len).map(|_| pool[(next() % pool.len() as u64) as usize]).collect();
            assert_paths_agree(&text, "random");
        }
        // Word-shaped text, for the eight-byte blocks of letters and single spaces: words of
        // one to nine letters (one-letter words in runs too: "k i l l"), mostly one space
        // apart, now and then something else between or after them.
        let between = [" ", " ", " ", " ", " ", "  ", ", ", "'", " 3 ", "\u{301} ", "é ", " 12 "];
        for _ in 0..5_000 {
            let mut text = String::new();
            for _ in 0..(next() % 12) {
                // One-letter words half the time, to make runs of them.
                let letters = if next() % 2 == 0 { 1 } else { 1 + next() % 9 };
                for _ in 0..letters {
                    text.push(char::from(if next() % 5 == 0 { b'A' } else { b'a' } + (next() % 26) as u8));
                }
                text.push_str(between[(next() % between.len() as u64) as usize]);
            }
            assert_paths_agree(&text, "word-shaped");
        }
    }

    /// The text of the bundled demo feeds (English, French, Swahili, Arabic), a paragraph
    /// at a time: real news text for the path comparison above.
    fn demo_feed_text() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines/demo");
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).expect("the demo feeds are bundled") {
            let text = std::fs::read_to_string(entry.expect("a directory entry").path()).unwrap_or_default();
            out.extend(text.split("\n\n").map(str::to_string));
        }
        out
    }

    #[test]
    fn words_mixing_scripts_are_written_in_their_main_script() {
        // Cyrillic look-alikes in Latin words, Latin ones in Cyrillic words.
        assert_eq!(norm("Kіll all Muslіms"), "kill all muslims");
        assert_eq!(norm("Кill аll thеm"), "kill all them");
        assert_eq!(norm("мусульмaне и eвреи"), "мусульмане и евреи");
        // Leet becomes Latin letters first, then the word's script takes them.
        assert_eq!(norm("мусульм@не"), "мусульмане");
        // Only look-alikes change; a tie, or a word in one script, stays as it is.
        assert_eq!(norm("жkill дa москва paris"), "жkill дa москва paris");
        // The evidence points at the word as written.
        let src = "we kіll";
        let n = normalize(src, false);
        assert_eq!(n.text, "we kill");
        let (s, e) = n.original_range(3, 7);
        assert_eq!(&src[s..e], "kіll");
        // Patterns fold as text does.
        assert_eq!(normalize("мусульмaн", false).text, "мусульман");
    }

    #[test]
    fn letters_written_three_times_are_written_as_a_known_word_has_them() {
        let known: Vec<u64> = ["kill", "all", "rats", "тараканы"]
            .iter()
            .map(|w| crate::classify::words::word_at(w.as_bytes(), 0).0)
            .collect();
        let fix = |t: &str| {
            let n = normalize(t, false);
            unelongate(&n, |w| known.contains(&crate::classify::words::word_at(w.as_bytes(), 0).0)).map(|f| f.text)
        };
        // Once or twice, whichever spelling is a known word, fewest letters first.
        assert_eq!(fix("we will kiiiill them aaaall").as_deref(), Some("we will kill them all"));
        assert_eq!(fix("killll raaaats").as_deref(), Some("kill rats"));
        assert_eq!(fix("тарааааканы").as_deref(), Some("тараканы"));
        // No known spelling: left as it is.
        assert_eq!(fix("soooo www").as_deref(), None);
        // Doubled letters, numbers and ordinary text are no runs.
        assert_eq!(fix("kill all 1000 balloons committee"), None);
        // At every place of the eight-byte scan, and the evidence points at the word as written.
        for pad in 0..12 {
            let src = format!("{} kiiill", "ab ".repeat(pad));
            let n = normalize(&src, false);
            let fixed = unelongate(&n, |w| known.contains(&crate::classify::words::word_at(w.as_bytes(), 0).0))
                .unwrap_or_else(|| panic!("{src}"));
            assert_eq!(fixed.text.rsplit(' ').next(), Some("kill"), "{src}");
            let at = fixed.text.len() - 4;
            let (s, e) = fixed.original_range(at, at + 4);
            assert_eq!(&src[s..e], "kiiill");
        }
    }

    #[test]
    fn a_masked_letter_is_filled_as_a_known_word_has_it() {
        let known = |w: &str| ["kill", "shit", "shot", "муслимы"].contains(&w);
        let fix = |t: &str| unmask(&normalize(t, false), known).map(|f| f.text);
        // Inside a word only: a `*` elsewhere separates, as other punctuation does.
        assert_eq!(norm("k*ll them *now* 5*3"), "k*ll them now 5 3");
        assert_eq!(fix("k*ll them").as_deref(), Some("kill them"));
        // Several fillings known: the first in alphabetical order.
        assert_eq!(fix("sh*t").as_deref(), Some("shit"));
        // Cyrillic letters fill a Cyrillic word; unknown words stay masked.
        assert_eq!(fix("м*слимы").as_deref(), Some("муслимы"));
        assert_eq!(fix("qu*rk"), None);
        // "!" inside a word is an i; after one it ends the word.
        assert_eq!(norm("k!ll them! now"), "kill them now");
    }

    #[test]
    fn leetspeak_and_spaced_letters_fold() {
        assert_eq!(norm("I h4te them, k1ll th3m"), "i hate them kill them");
        assert_eq!(norm("@ss and a$$"), "ass and ass");
        assert_eq!(norm("the 2nd of may 1994, covid19"), "the 2nd of may 1994 covid19");
        assert_eq!(norm("4ssholes, slu7 and crippl3"), "assholes slut and cripple");
        assert_eq!(norm("mp3 5g ps5 g20 10km 3rd ak47 windows10"), "mp3 5g ps5 g20 10km 3rd ak47 windows10");
        // Words written in leet as a whole: a digit first and others inside, digits in a row.
        assert_eq!(norm("1nm1gr4nt3s, jud10s, 4n1m4l3s; 3br3i"), "inmigrantes judios animales ebrei");
        assert_eq!(
            norm("100mph 15mins covid19 1990s win10 b52 x86 24h"),
            "100mph 15mins covid19 1990s win10 b52 x86 24h"
        );
        assert_eq!(norm("I h a t e them"), "ihate them");
        assert_eq!(norm("k i l l them"), "kill them");
        assert_eq!(norm("a b testing"), "a b testing");
        assert_eq!(norm("h.a.t.e them"), "hate them");
        assert_eq!(norm("d i e"), "die");
        // The one-letter words of French are vowels or elisions: not a word spelled out.
        assert_eq!(norm("il y a à faire"), "il y a à faire");
        assert_eq!(norm("il l'a à nouveau, qu'il n'y a"), "il l a à nouveau qu il n y a");
        let src = "we will k i l l";
        let n = normalize(src, false);
        let (s, e) = n.original_range(8, 12);
        assert_eq!(&src[s..e], "k i l l");
        assert_eq!(normalize_for_regex("I h4te w o m e n!").text, "i hate women!");
        // Hindi words of one syllable stay words; bare consonants spelled out are joined.
        assert_eq!(norm("औरतें घर में हैं। वे बेकार हैं।"), "औरतें घर में हैं वे बेकार हैं");
        assert_eq!(norm("सारे मु स ल मा न गंदे हैं"), "सारे मुसलमान गंदे हैं");
    }

    #[test]
    fn unspaced_scripts_are_known() {
        assert!(is_unspaced_script('杀'));
        assert!(is_unspaced_script('သ'));
        assert!(!is_unspaced_script('a'));
        assert!(!is_unspaced_script('ق'));
    }
}
