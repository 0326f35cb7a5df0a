//! Where a match sits in the original text: its sentence, and whether it is inside quotation
//! marks. The speech decision itself (direct, reported, condemned, negated) is made in
//! [`super::Classifier`] from these facts and the lexicons' cue terms.

use std::ops::Range;

/// Sentence spans and quoted spans of one text, in original byte offsets.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// Start offsets of the sentences, increasing; sentence `i` ends where `i + 1` starts.
    sentence_starts: Vec<usize>,
    /// Byte length of the text.
    len: usize,
    /// Quoted spans (inside the marks), increasing and disjoint.
    quotes: Vec<Range<usize>>,
    /// Offsets of clause punctuation (, ; : — – and brackets), increasing.
    clause_marks: Vec<usize>,
}

/// Opening and closing quotation marks of many scripts. `"` (and its look-alikes) toggle.
const PAIRS: &[(char, char)] =
    &[('“', '”'), ('«', '»'), ('„', '“'), ('‚', '‘'), ('「', '」'), ('『', '』'), ('‹', '›'), ('《', '》')];

impl Layout {
    /// Analyse a text in one pass: sentences (see [`SentenceSplitter`]), clause punctuation,
    /// and quotes by pairs of marks within a paragraph.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        // Sized for news text (a sentence every hundred bytes or so, a few clause marks each),
        // so that the vectors rarely grow: growing them cost as much as filling them.
        let mut splitter = SentenceSplitter::default();
        splitter.starts.reserve(text.len() / 64);
        let mut quotes = Quotes::default();
        let mut clause_marks = Vec::with_capacity(text.len() / 32);
        let mark_blocks = &*MARK_BLOCKS;
        let mut i = 0;
        while i < bytes.len() {
            // Inside a sentence only punctuation, quotes and line breaks change anything:
            // letters, digits and spaces (most of a text) are passed over eight at a time,
            // then byte by byte.
            if splitter.state == Split::Text {
                while let Some(chunk) = bytes.get(i..i + 8) {
                    let plain = leading_letters_digits_spaces(chunk);
                    i += plain;
                    if plain < 8 {
                        break;
                    }
                }
                if i >= bytes.len() {
                    break;
                }
            }
            let b = bytes[i];
            let c = if b < 0x80 {
                if splitter.state == Split::Text && !ASCII_MARKS[b as usize] {
                    i += 1;
                    continue;
                }
                b as char
            } else {
                // Most characters beyond ASCII are letters of blocks without marks (a whole
                // Amharic or Arabic text): passed over on their first two bytes, undecoded.
                if splitter.state == Split::Text {
                    let block = match b {
                        0xC2..=0xDF => Some((usize::from(b & 0x1F), 2)),
                        0xE0..=0xEF => Some(((usize::from(b & 0x0F) << 6) | usize::from(bytes[i + 1] & 0x3F), 3)),
                        _ => None,
                    };
                    if let Some((block, len)) = block
                        && !mark_blocks[block]
                    {
                        i += len;
                        continue;
                    }
                }
                let c = text[i..].chars().next().expect("on a character boundary");
                if splitter.state == Split::Text && !may_mark(c) {
                    i += c.len_utf8();
                    continue;
                }
                c
            };
            splitter.feed(i, c);
            quotes.feed(bytes, i, c);
            if matches!(c, ',' | ';' | ':' | '—' | '–' | '(' | ')' | '،' | '؛' | '、' | '，' | '；' | '：') {
                clause_marks.push(i);
            }
            i += c.len_utf8();
        }
        Layout { sentence_starts: splitter.starts, len: text.len(), quotes: quotes.spans, clause_marks }
    }

    /// Index of the sentence holding byte `pos`.
    pub fn sentence_of(&self, pos: usize) -> usize {
        self.sentence_starts.partition_point(|&s| s <= pos).saturating_sub(1)
    }

    /// Byte range of sentence `i`.
    pub fn sentence_range(&self, i: usize) -> Range<usize> {
        let start = self.sentence_starts[i];
        let end = self.sentence_starts.get(i + 1).copied().unwrap_or(self.len);
        start..end
    }

    /// Whether clause punctuation stands between two original offsets (`from <= to`).
    pub fn clause_break_between(&self, from: usize, to: usize) -> bool {
        let i = self.clause_marks.partition_point(|&m| m < from);
        self.clause_marks.get(i).is_some_and(|&m| m < to)
    }

    /// Whether the original range lies inside quotation marks.
    pub fn is_quoted(&self, range: &Range<usize>) -> bool {
        let i = self.quotes.partition_point(|q| q.end < range.end);
        self.quotes.get(i).is_some_and(|q| q.start <= range.start && range.end <= q.end)
    }
}

/// Sentence boundaries after the rules of Unicode's sentence segmentation (UAX #29) that
/// matter in news, in one cheap pass (the full rules cost as much as the whole matching):
/// - a line break ends a sentence;
/// - `!`, `?` and the full stops of other scripts (。！？؟۔।॥።፧) end one, after any closing
///   quotes or brackets and spaces that follow;
/// - `.` ends one only before a space and a word that does not start in lowercase, so "U.S.
///   troops", "3.5", "e.g. this" and "example.com" stay whole.
#[derive(Debug)]
struct SentenceSplitter {
    starts: Vec<usize>,
    state: Split,
}

/// Where the splitter stands after the characters seen so far.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Split {
    /// Inside a sentence.
    Text,
    /// After a full stop (`.`), and whether spaces followed it.
    AfterStop { spaced: bool },
    /// After a terminator that always ends a sentence.
    AfterTerminator,
    /// Right after `!` or `?`: a letter next ends nothing ("k!ll", "musl!ms" are leet).
    AfterBang,
}

impl Default for SentenceSplitter {
    fn default() -> Self {
        SentenceSplitter { starts: vec![0], state: Split::Text }
    }
}

impl SentenceSplitter {
    fn feed(&mut self, i: usize, c: char) {
        if matches!(c, '\n' | '\r' | '\u{2029}' | '\u{0085}') {
            // The next sentence starts after the line break.
            self.state = Split::Text;
            self.start_at(i + c.len_utf8());
            return;
        }
        let terminator = matches!(c, '!' | '?' | '。' | '！' | '？' | '؟' | '۔' | '।' | '॥' | '።' | '፧');
        let closing = matches!(c, '"' | '\'' | '”' | '’' | '»' | '›' | ')' | ']' | '}' | '」' | '』');
        self.state = match self.state {
            _ if c == '!' || c == '?' => Split::AfterBang,
            _ if terminator => Split::AfterTerminator,
            Split::AfterBang if c.is_ascii_alphabetic() => Split::Text,
            Split::Text if c == '.' => Split::AfterStop { spaced: false },
            Split::Text => Split::Text,
            Split::AfterStop { .. } if c == ' ' || c == '\t' => Split::AfterStop { spaced: true },
            Split::AfterStop { spaced: false } if c == '.' || closing => Split::AfterStop { spaced: false },
            Split::AfterStop { spaced: true } => {
                if !c.is_lowercase() {
                    self.start_at(i);
                }
                Split::Text
            }
            Split::AfterStop { spaced: false } => Split::Text,
            Split::AfterTerminator | Split::AfterBang if c == ' ' || c == '\t' || c == '.' || closing => {
                Split::AfterTerminator
            }
            Split::AfterTerminator | Split::AfterBang => {
                self.start_at(i);
                Split::Text
            }
        };
    }

    fn start_at(&mut self, i: usize) {
        if self.starts.last() != Some(&i) {
            self.starts.push(i);
        }
    }
}

/// The ASCII characters that can end a sentence, mark a clause or a quote: the others need
/// no look inside a sentence.
const ASCII_MARKS: [bool; 128] = {
    let mut t = [false; 128];
    let marks = b"\n\r.!?,;:()\"";
    let mut k = 0;
    while k < marks.len() {
        t[marks[k] as usize] = true;
        k += 1;
    }
    t
};

/// How many of the eight bytes of `chunk` are, from its start, ASCII letters, digits or
/// spaces. With the bytes' high bits cleared, adding a constant to a byte sets its high bit
/// exactly when it reaches a bound, with no carry into its neighbour: `x + (0x80 - lo)` has
/// the bit from `lo` on, `x + (0x7f - hi)` from `hi + 1` on.
fn leading_letters_digits_spaces(chunk: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let v = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
    let high = 0x80 * ONES;
    let x = v & !high;
    let in_range = |x: u64, lo: u64, hi: u64| (x + (0x80 - lo) * ONES) & !(x + (0x7f - hi) * ONES) & high;
    let letter = in_range(x | (0x20 * ONES), 0x61, 0x7a);
    let digit = in_range(x, 0x30, 0x39);
    let space = in_range(x, 0x20, 0x20);
    let plain = (letter | digit | space) & !v & high;
    ((!plain & high).trailing_zeros() / 8) as usize
}

/// For each block of 64 code points below U+10000 (the code point shifted right by six),
/// whether a character of it may be a mark (see [`may_mark`]).
static MARK_BLOCKS: std::sync::LazyLock<[bool; 1024]> = std::sync::LazyLock::new(|| {
    let mut blocks = [false; 1024];
    for c in (0x80..0x1_0000).filter_map(char::from_u32).filter(|&c| may_mark(c)) {
        blocks[c as usize >> 6] = true;
    }
    blocks
});

/// Whether a character outside ASCII may be a terminator, clause mark, quotation mark or
/// line break (the blocks of punctuation they live in; letters of every script are not).
fn may_mark(c: char) -> bool {
    matches!(c,
        '\u{0085}' | '«' | '»' | '\u{060C}'..='\u{061F}' | '۔' | '।' | '॥' | '\u{1361}'..='\u{1368}'
        | '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FF1F}'
    )
}

/// Quoted spans: paired marks, and straight double quotes toggling; a paragraph break closes
/// any open quote so one stray mark cannot mark the rest of an article as quoted.
#[derive(Default)]
struct Quotes {
    spans: Vec<Range<usize>>,
    open: Option<(usize, char)>,
    /// Offset of the last line break seen.
    last_newline: Option<usize>,
}

impl Quotes {
    /// Take in character `c` at byte `i` of `bytes` (every quotation mark and line break is
    /// fed; other characters may be skipped).
    fn feed(&mut self, bytes: &[u8], i: usize, c: char) {
        if c == '\n' {
            // A blank line: two breaks with nothing but a carriage return between.
            let blank = self.last_newline.is_some_and(|n| n + 1 == i || (n + 2 == i && bytes[i - 1] == b'\r'));
            if blank {
                self.open = None;
            }
            self.last_newline = Some(i);
            return;
        }
        match self.open {
            Some((start, close)) if c == close => {
                self.spans.push(start..i);
                self.open = None;
            }
            Some(_) => {}
            None => {
                if c == '"' {
                    self.open = Some((i + 1, '"'));
                } else if let Some(&(_, close)) = PAIRS.iter().find(|(o, _)| *o == c) {
                    self.open = Some((i + c.len_utf8(), close));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn eight_plain_bytes_are_told_from_any_other() {
        use super::leading_letters_digits_spaces as plain;
        assert_eq!(plain(b"abcXYZ09"), 8);
        assert_eq!(plain(b"the cat "), 8);
        assert_eq!(plain(b"don't go"), 3);
        for b in 0..=255u8 {
            let mut chunk = *b"abcdefgh";
            for at in [0, 3, 7] {
                chunk[at] = b;
                let want = if b.is_ascii_alphanumeric() || b == b' ' { 8 } else { at };
                assert_eq!(plain(&chunk), want, "byte {b:#x} at {at}");
                chunk[at] = b'a';
            }
        }
    }

    use super::*;

    #[test]
    fn sentences_split_on_punctuation_and_blank_lines() {
        let t = "Title here\n\nFirst one. Second one? Third.";
        let l = Layout::new(t);
        let s = l.sentence_of(t.find("Second").unwrap());
        assert_eq!(t[l.sentence_range(s)].trim(), "Second one?");
        assert_ne!(l.sentence_of(0), l.sentence_of(t.find("First").unwrap()));
    }

    #[test]
    fn a_bang_inside_a_word_ends_no_sentence() {
        // Leet: "!" for "i" between letters. "Wow!Great" is a typo that stays one sentence.
        let t = "Kill all musl!ms now! Then go.";
        let l = Layout::new(t);
        assert_eq!(l.sentence_of(0), l.sentence_of(t.find("ms now").unwrap()));
        assert_ne!(l.sentence_of(0), l.sentence_of(t.find("Then").unwrap()));
    }

    #[test]
    fn stops_in_abbreviations_and_numbers_do_not_split() {
        let starts = |t: &str| Layout::new(t).sentence_starts;
        assert_eq!(starts("U.S. troops left. Then 3.5 million fled."), vec![0, 18]);
        assert_eq!(starts("See example.com now. e.g. this one"), vec![0]);
        assert_eq!(starts("Why? “They lied!” He left."), vec![0, 5, 22]);
        assert_eq!(starts("他们是害虫。杀了他们！好"), vec![0, 18, 33]);
        assert_eq!(starts("line one\nline two"), vec![0, 9]);
        // Scripts whose letters are passed over undecoded still have their stops seen.
        let am = "ሰላም ነው። ዛሬ ደግሞ፧ አዎ";
        assert_eq!(starts(am), vec![0, am.find("ዛሬ").unwrap(), am.find("አዎ").unwrap()]);
        let ar = "هل هذا صحيح؟ نعم، هذا صحيح.";
        assert_eq!(starts(ar), vec![0, ar.find("نعم").unwrap()]);
        assert!(Layout::new(ar).clause_break_between(ar.find("نعم").unwrap(), ar.rfind("هذا").unwrap()));
        assert_eq!(starts(""), vec![0]);
    }

    #[test]
    fn quotes_of_many_scripts() {
        for t in [
            "He said “kill them all” yesterday.",
            "Il a dit « kill them all » hier.",
            "Er sagte „kill them all“ gestern.",
            "He said \"kill them all\" yesterday.",
            "彼は「kill them all」と言った。",
        ] {
            let l = Layout::new(t);
            let s = t.find("kill").unwrap();
            assert!(l.is_quoted(&(s..s + 13)), "{t}");
            let y = t.len() - 3;
            assert!(!l.is_quoted(&(y..y + 1)), "{t}");
        }
    }

    #[test]
    fn clause_breaks_are_found_between_offsets() {
        let t = "Ce ne sont pas des voisins : ce sont des cafards";
        let l = Layout::new(t);
        assert!(l.clause_break_between(t.find("pas").unwrap(), t.find("cafards").unwrap()));
        assert!(!l.clause_break_between(t.find("ne").unwrap(), t.find("voisins").unwrap()));
    }

    #[test]
    fn an_unclosed_quote_stops_at_the_paragraph() {
        let t = "He said \"kill\n\nThey must kill them.";
        let l = Layout::new(t);
        let s = t.rfind("kill").unwrap();
        assert!(!l.is_quoted(&(s..s + 4)));
    }
}
