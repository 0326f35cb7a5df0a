//! Text normalisation for matching, with a map back to the original bytes.
//!
//! Both lexicon patterns and article text go through [`normalize`], so they meet in one form:
//! - NFKC, applied to each character with its combining marks: "ﬁ" = "fi", full-width =
//!   ASCII, "e" + U+0301 = "é", so a regex class such as `[ée]` sees one character;
//! - lowercase, with the full case folds `ß` → `ss` and final sigma → σ;
//! - invisible characters dropped (zero-width space/joiners, soft hyphen, BOM, Arabic
//!   tatweel and Arabic vowel marks, which writers add or omit freely);
//! - every run of characters that are neither letters, digits nor combining marks becomes one
//!   space, so "kill-them!!" and "kill them" are the same and phrase terms need no regex.
//!
//! Optional diacritic folding (per lexicon) drops the remaining combining marks.
//!
//! Each output byte records the original byte range of the character it came from, so evidence
//! always points at what the author wrote.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization};

/// Normalised text and, for each of its bytes, where it came from.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// The normalised text: lowercase words separated by single spaces.
    pub text: String,
    /// For each byte of `text`, the start of the original character it came from.
    src_start: Vec<u32>,
    /// For each byte of `text`, the end of the original character it came from.
    src_end: Vec<u32>,
}

impl Normalized {
    /// Original byte range of the normalised range `start..end` (`end > start`).
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        (self.src_start[start] as usize, self.src_end[end - 1] as usize)
    }

    /// Original byte offset where normalised byte `pos` came from.
    pub fn original_start(&self, pos: usize) -> usize {
        self.src_start[pos] as usize
    }

    /// The text with some ranges rewritten (increasing, disjoint, on character boundaries):
    /// every byte of a replacement maps back to the whole original span of what it replaces,
    /// so evidence found in a corrected word points at the word as the author wrote it.
    pub fn with_replacements(&self, edits: &[(std::ops::Range<usize>, String)]) -> Normalized {
        let mut out = Normalized {
            text: String::with_capacity(self.text.len() + 16),
            src_start: Vec::with_capacity(self.src_start.len() + 16),
            src_end: Vec::with_capacity(self.src_end.len() + 16),
        };
        let mut at = 0;
        for (range, replacement) in edits {
            out.text.push_str(&self.text[at..range.start]);
            out.src_start.extend_from_slice(&self.src_start[at..range.start]);
            out.src_end.extend_from_slice(&self.src_end[at..range.start]);
            let (start, end) = self.original_range(range.start, range.end);
            out.text.push_str(replacement);
            out.src_start.extend(std::iter::repeat_n(start as u32, replacement.len()));
            out.src_end.extend(std::iter::repeat_n(end as u32, replacement.len()));
            at = range.end;
        }
        out.text.push_str(&self.text[at..]);
        out.src_start.extend_from_slice(&self.src_start[at..]);
        out.src_end.extend_from_slice(&self.src_end[at..]);
        out
    }
}

/// Normalise `input` for literal terms: words separated by single spaces, punctuation gone.
/// `fold_diacritics` also removes combining marks.
pub fn normalize(input: &str, fold_diacritics: bool) -> Normalized {
    normalize_impl(input, fold_diacritics, false)
}

/// Normalise `input` for regex terms: as [`normalize`], but punctuation is kept (apostrophes
/// and hyphens folded to `'` and `-`) and only runs of whitespace become one space, so a regex
/// can say `qu'ils` or `pre-?emptive`.
pub fn normalize_for_regex(input: &str) -> Normalized {
    normalize_impl(input, false, true)
}

fn normalize_impl(input: &str, fold_diacritics: bool, keep_punct: bool) -> Normalized {
    let mut out = Normalized {
        text: String::with_capacity(input.len()),
        src_start: Vec::with_capacity(input.len()),
        src_end: Vec::with_capacity(input.len()),
    };
    let mut pending_space: Option<(u32, u32)> = None;
    let mut group = String::new();
    let mut chars = input.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let followed_by_mark = chars.peek().is_some_and(|&(_, n)| is_mark(n));
        if c.is_ascii() && !followed_by_mark {
            let span = (start as u32, (start + 1) as u32);
            let leet = matches!(c, '0' | '1' | '3' | '4' | '5' | '7' | '@' | '$');
            let unleeted = leet.then(|| {
                let next_is_letter = chars.peek().is_some_and(|&(_, n)| n.is_alphabetic());
                unleet(c, out.text.chars().next_back().filter(|_| pending_space.is_none()), next_is_letter)
            });
            if let Some(letter) = unleeted.flatten() {
                flush_space(&mut out, &mut pending_space);
                push(&mut out, letter, span);
            } else if c.is_ascii_alphanumeric() || (keep_punct && !c.is_ascii_whitespace() && !c.is_ascii_control()) {
                flush_space(&mut out, &mut pending_space);
                push(&mut out, c.to_ascii_lowercase(), span);
            } else {
                gap(&mut out, &mut pending_space, span);
            }
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        // A starter and its combining marks are normalised together, so "e" + U+0301 and "é"
        // compose to the same character.
        group.clear();
        group.push(c);
        let mut end = start + c.len_utf8();
        while let Some(&(i, n)) = chars.peek() {
            if !is_mark(n) {
                break;
            }
            group.push(n);
            end = i + n.len_utf8();
            chars.next();
        }
        let span = (start as u32, end as u32);
        let mut emit = |d: char| {
            for l in fold_case(d) {
                // Marks first: many (Arabic harakat, Indic vowel signs) are also "alphabetic".
                if is_mark(l) {
                    if !(fold_diacritics || is_arabic_vowel_mark(l) || is_invisible(l)) {
                        push(&mut out, l, span);
                    }
                } else if l.is_alphanumeric() {
                    flush_space(&mut out, &mut pending_space);
                    push(&mut out, l, span);
                } else if keep_punct && !l.is_whitespace() && !l.is_control() {
                    flush_space(&mut out, &mut pending_space);
                    push(&mut out, fold_punct(l), span);
                } else if !is_invisible(l) {
                    gap(&mut out, &mut pending_space, span);
                }
            }
        };
        // Most characters outside ASCII (é, ß, Ethiopic, Arabic letters) are already in NFKC
        // on their own: skip the composition machinery for them.
        let lone_and_stable = group.len() == c.len_utf8()
            && unicode_normalization::is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes;
        if lone_and_stable && !fold_diacritics {
            emit(c);
        } else if fold_diacritics {
            group.nfkd().for_each(&mut emit);
        } else {
            group.nfkc().for_each(&mut emit);
        }
    }
    join_spaced_letters(&mut out);
    out
}

/// Leetspeak inside a word: a digit between two letters ("h4te", "k1ll"), or `@`/`$` next to
/// a letter ("@ss", "$lut"), stands for the letter it looks like. Digits elsewhere ("2nd",
/// "covid19", "1994") stay digits.
fn unleet(c: char, prev: Option<char>, next_is_letter: bool) -> Option<char> {
    let prev_is_letter = prev.is_some_and(|p| p.is_alphabetic());
    let letter = match c {
        '0' => 'o',
        '1' => 'i',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        '@' => return (prev_is_letter || next_is_letter).then_some('a'),
        '$' => return (prev_is_letter || next_is_letter).then_some('s'),
        _ => return None,
    };
    (prev_is_letter && next_is_letter).then_some(letter)
}

/// Letters written apart to dodge filters ("k i l l", "h a t e"): a run of three or more
/// single-letter tokens is joined into one word. Two single letters ("a b") are left alone.
fn join_spaced_letters(out: &mut Normalized) {
    let bytes = out.text.as_bytes();
    // Token boundaries as (start, end) byte ranges.
    let mut tokens: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (b == b' ', start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                tokens.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        tokens.push((s, bytes.len()));
    }
    let single = |&(s, e): &(usize, usize)| {
        let t = &out.text[s..e];
        let mut cs = t.chars();
        // A letter, with its marks; in the regex view the last of a run may carry punctuation.
        cs.next().is_some_and(|c| c.is_alphabetic()) && cs.all(|c| is_combining_mark(c) || !c.is_alphanumeric())
    };
    let mut drop: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let mut j = i;
        while j < tokens.len() && single(&tokens[j]) {
            j += 1;
        }
        if j - i >= 3 {
            // Remove the space after each token of the run but the last.
            drop.extend(tokens[i..j - 1].iter().map(|&(_, e)| e));
        }
        i = j.max(i + 1);
    }
    if drop.is_empty() {
        return;
    }
    let mut text = String::with_capacity(out.text.len());
    let (mut starts, mut ends) = (Vec::with_capacity(out.src_start.len()), Vec::with_capacity(out.src_end.len()));
    let mut d = drop.into_iter().peekable();
    for (i, ch) in out.text.char_indices() {
        if d.peek() == Some(&i) {
            d.next();
            continue;
        }
        text.push(ch);
        for k in i..i + ch.len_utf8() {
            starts.push(out.src_start[k]);
            ends.push(out.src_end[k]);
        }
    }
    *out = Normalized { text, src_start: starts, src_end: ends };
}

fn push(out: &mut Normalized, c: char, span: (u32, u32)) {
    let mut buf = [0u8; 4];
    let s = c.encode_utf8(&mut buf);
    out.text.push_str(s);
    for _ in 0..s.len() {
        out.src_start.push(span.0);
        out.src_end.push(span.1);
    }
}

/// Remember a separator; it is written only if a word follows, and only once per run.
fn gap(out: &mut Normalized, pending: &mut Option<(u32, u32)>, span: (u32, u32)) {
    if !out.text.is_empty() && pending.is_none() {
        *pending = Some(span);
    }
}

fn flush_space(out: &mut Normalized, pending: &mut Option<(u32, u32)>) {
    if let Some(span) = pending.take() {
        push(out, ' ', span);
    }
}

fn fold_case(c: char) -> impl Iterator<Item = char> {
    let special: Option<&'static [char]> = match c {
        'ß' | 'ẞ' => Some(&['s', 's']),
        'ς' => Some(&['σ']),
        _ => None,
    };
    let (a, b) = match special {
        Some(s) => (Some(s.iter().copied()), None),
        None => (None, Some(c.to_lowercase())),
    };
    a.into_iter().flatten().chain(b.into_iter().flatten())
}

/// A combining mark; ASCII has none, and most text is ASCII, so ask the table only outside it.
fn is_mark(c: char) -> bool {
    !c.is_ascii() && is_combining_mark(c)
}

/// Typographic apostrophes and hyphens → ASCII, for the regex view.
fn fold_punct(c: char) -> char {
    match c {
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{2032}' => '\'',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2212}' => '-',
        other => other,
    }
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
    use super::*;

    fn norm(s: &str) -> String {
        normalize(s, false).text
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
    fn the_regex_view_keeps_punctuation() {
        let src = "N’en  laissez\taucun s'échapper—Pre‑emptive!";
        let n = normalize_for_regex(src);
        assert_eq!(n.text, "n'en laissez aucun s'échapper—pre-emptive!");
        let at = n.text.find("s'échapper").unwrap();
        let (s, e) = n.original_range(at, at + "s'échapper".len());
        assert_eq!(&src[s..e], "s'échapper");
    }

    #[test]
    fn leetspeak_and_spaced_letters_fold() {
        assert_eq!(norm("I h4te them, k1ll th3m"), "i hate them kill them");
        assert_eq!(norm("@ss and a$$"), "ass and ass");
        assert_eq!(norm("the 2nd of may 1994, covid19"), "the 2nd of may 1994 covid19");
        assert_eq!(norm("I h a t e them"), "ihate them");
        assert_eq!(norm("k i l l them"), "kill them");
        assert_eq!(norm("a b testing"), "a b testing");
        let src = "we will k i l l";
        let n = normalize(src, false);
        let (s, e) = n.original_range(8, 12);
        assert_eq!(&src[s..e], "k i l l");
        assert_eq!(normalize_for_regex("I h4te w o m e n!").text, "i hate women!");
    }

    #[test]
    fn unspaced_scripts_are_known() {
        assert!(is_unspaced_script('杀'));
        assert!(is_unspaced_script('သ'));
        assert!(!is_unspaced_script('a'));
        assert!(!is_unspaced_script('ق'));
    }
}
