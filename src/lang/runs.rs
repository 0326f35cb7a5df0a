//! The languages of the parts of an article that mixes languages.
//!
//! News switches language inside one article: an English report quotes an Amharic slogan, a
//! French one an Arabic chant, a Hindi one an Urdu couplet. The classifier applies a lexicon
//! only to text of its language (a slur in one language is often harmless in another), so a
//! quote in another language would be read with the article's lexicons, which do not know
//! its words. [`runs`] cuts a text into runs of whole words, each with its language.
//!
//! A run leaves the article's language in four cases, each with a high bar, since a wrong
//! switch takes the article's lexicons away from it:
//!
//! - **Another script** than most of the text, which is exact and costs one pass over the
//!   letters: the run's language is the script's, or the detector's among the languages of
//!   that script (Arabic or Urdu, Russian or Ukrainian). Such runs follow the script word by
//!   word: a quote usually sits inside a sentence of the article's language ("The crowd
//!   chanted «…» until police came").
//! - **A sentence of few words of the article's language**, in an article whose language has
//!   a dictionary (the lexicons' `dictionary`, see [`Languages::dictionary`]): a Swahili
//!   sentence in an English report, an Ukrainian one in a Russian report. In MasakhaNEWS, 99%
//!   of the sentences of English articles have more than 60% of their words in the English
//!   dictionary, and 98% of the sentences of Swahili, Hausa or Somali articles half or fewer.
//!   Only a sentence with at most half its first [`LOOKED_AT`] words known is handed to the
//!   detector, several hundred times slower than a look-up (asking it about every sentence
//!   read 0.2–0.4 MB/s), and switches at its confidence [`SWITCH_CONFIDENCE`]. The detector
//!   has no Hausa model: a Hausa sentence stays in the article's language or, one time in
//!   four or five, is taken for Yoruba or Swahili.
//! - **A sentence of many common words of another language** of the article's script and few
//!   of the article language's (the lexicons' `common_words`, see [`CommonWords`]): an
//!   English sentence in a French report. Big dictionaries made from web text hold the
//!   commonest words of other languages ("the", "has", "with" are in the French list), so the
//!   test above never finds English in a French, German or Spanish article. At least
//!   [`MIN_COMMON_WORDS`] of the first words must be common words of one other language, and
//!   [`COMMON_RATIO`] times as many as of the article language's; the detector must then
//!   name one such language. A language the detector has no model of (Hausa) is named by its
//!   common words alone, when the sentence has [`COMMON_RATIO`] times as many of them as of
//!   any other language.
//!
//! - **A sentence of most words of another language's dictionary**, in an article whose
//!   language has none (Swahili, Hausa, Somali, Yoruba): an English or French sentence in a
//!   Swahili report. Only words of [`OTHER_MIN_LETTERS`] or more count, more than
//!   [`MIN_OTHER_KNOWN_SHARE`] of them must be in one dictionary of the article's script, and
//!   the detector must name that dictionary's language.
//!
//! After [`MAX_VAIN_DETECTIONS`] sentences of its script the detector turned down, an article
//! is not asked about again.
//!
//! Every run must be in a language that has lexicons; the run's language is also what the
//! evidence found in it reports.

use std::ops::Range;

use super::detect;
use super::script::{Script, script_of};
use crate::lexicon::{CommonWords, Dictionary, WordKey};

/// A part in another script with fewer letters than this keeps the article's language: so
/// few letters are a name or an abbreviation more often than a quote.
pub const MIN_LETTERS: usize = 8;

/// The same for a part in Latin letters: in an article in another script those are mostly
/// names ("Hoffmann La Roche", "Chess.com"), which the model takes for any Latin language.
pub const MIN_LATIN_LETTERS: usize = 20;

/// A sentence of the article's script is handed to the detector only when at most this share
/// of its words are words of the article's language.
pub const MAX_KNOWN_SHARE: f64 = 0.5;

/// ...and when it has this many words of two letters or more, not capitalised, among the
/// first [`LOOKED_AT`]…
pub const MIN_WORDS: usize = 5;

/// …with this many letters in all.
pub const MIN_SENTENCE_LETTERS: usize = 20;

/// In an article whose language has no dictionary, a sentence is handed to the detector
/// only when more than this share of its words looked at (of [`OTHER_MIN_LETTERS`] or more)
/// are in the dictionary of one other language: in MasakhaNEWS, a French or English
/// sentence put in a Swahili or Hausa article passes nearly always, and one Hausa sentence
/// in 500 (at half, one in 15: Hausa shares many words with Portuguese, Turkish, Italian and
/// French).
pub const MIN_OTHER_KNOWN_SHARE: f64 = 0.85;

/// In an article whose language has no dictionary, only words of this many letters or more
/// are looked up in the dictionaries of other languages.
pub const OTHER_MIN_LETTERS: usize = 4;

/// The detector is asked about no more sentences of an article's script once it has been
/// asked this many times and changed nothing: the article's language shares words with one
/// that has a dictionary (Hausa with Turkish, Italian and French) or common words (Nigerian
/// Pidgin's "di", "dem" with Italian and German), and each question costs a millisecond.
pub const MAX_VAIN_DETECTIONS: usize = 2;

/// The detector's confidence a sentence of the article's script needs to change language.
pub const SWITCH_CONFIDENCE: f64 = 0.6;

/// A sentence most of whose words the article language's dictionary knows is handed to the
/// detector when at least this many of its words looked at are common words of another
/// language of its script…
pub const MIN_COMMON_WORDS: usize = 3;

/// …and this many times as many as are common words of the article's language. On the
/// sentences of lingua's test data, no sentence of its own language (500 each of de en es fr
/// it nl pl pt) passes, and some 80% of English sentences in any of them do.
pub const COMMON_RATIO: usize = 2;

/// Most other languages a sentence's common words are counted for.
const MAX_OTHERS: usize = 16;

/// What [`runs`] needs to know about languages: which have lexicons, and their dictionaries.
pub trait Languages {
    /// Whether some lexicon is of `lang`: only those are worth switching to.
    fn has_lexicons(&self, lang: &str) -> bool;
    /// The dictionary of `lang`, if it has one.
    fn dictionary(&self, lang: &str) -> Option<&Dictionary>;
    /// Every language that has a dictionary, with it.
    fn dictionaries(&self) -> Vec<(&str, &Dictionary)>;
    /// The most frequent words of the languages that list them.
    fn common_words(&self) -> &CommonWords;
}

/// A stretch of text in one language: whole words, in text order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LangRun {
    /// Byte range in the text.
    pub range: Range<usize>,
    /// ISO 639-1 code (639-3 where none).
    pub lang: String,
}

/// The runs of `text`, an article in `lang`, covering the whole text in order: one run in
/// `lang` unless a part of it is in another script or a sentence in another language (see
/// the module's documentation), of a language that has lexicons.
pub fn runs(text: &str, lang: &str, languages: &impl Languages) -> Vec<LangRun> {
    let dictionary = languages.dictionary(lang);
    let one_script = in_one_script(text);
    let parts = if one_script {
        // One script: the part is the article's, whatever its script.
        vec![Part { range: 0..text.len(), script: first_script(text), letters: 0 }]
    } else {
        script_parts(text)
    };
    let letters_in = |s: Script| parts.iter().filter(|p| p.script == Some(s)).map(|p| p.letters).sum::<usize>();
    // The article's own script: the one most letters are in.
    let main = parts.iter().filter_map(|p| p.script).max_by_key(|&s| letters_in(s));
    // Without a dictionary of the article's language, those of the other languages of its
    // script (see `sentence_in_other_language`).
    let others: Vec<(&str, &Dictionary)> = match (dictionary, main) {
        (None, Some(script)) => {
            languages.dictionaries().into_iter().filter(|(l, d)| *l != lang && d.script() == Some(script)).collect()
        }
        _ => Vec::new(),
    };
    let commons = Commons::new(languages.common_words(), lang, main);
    if one_script && dictionary.is_none() && others.is_empty() {
        return vec![LangRun { range: 0..text.len(), lang: lang.to_string() }];
    }
    // Detector questions about sentences of other dictionaries that changed nothing, in the
    // whole article (see [`MAX_VAIN_DETECTIONS`]).
    let mut vain = 0;
    let mut out: Vec<LangRun> = Vec::new();
    let mut push = |range: Range<usize>, run_lang: &str| match out.last_mut() {
        Some(last) if last.lang == run_lang => last.range.end = range.end,
        _ => out.push(LangRun { range, lang: run_lang.to_string() }),
    };
    for part in &parts {
        let foreign = part.script.is_some_and(|s| Some(s) != main && s != Script::Other);
        if foreign {
            let least = if part.script == Some(Script::Latin) { MIN_LATIN_LETTERS } else { MIN_LETTERS };
            // Links and handles are no quote: "https://www.bbc.com/amharic/…" in an Amharic text.
            let words = || prose(&text[part.range.clone()]);
            let own = (part.letters >= least
                && words().map(|w| w.chars().filter(|c| c.is_alphabetic()).count()).sum::<usize>() >= least)
                .then(|| detect(&words().collect::<Vec<_>>().join(" ")).lang)
                .filter(|l| l != "und" && languages.has_lexicons(l));
            push(part.range.clone(), own.as_deref().unwrap_or(lang));
        } else if dictionary.is_some() || !others.is_empty() {
            let mut lower = String::new();
            for sentence in sentences(&text[part.range.clone()]) {
                let range = part.range.start + sentence.start..part.range.start + sentence.end;
                let sentence = &text[range.clone()];
                let own = match dictionary {
                    Some(dictionary) => {
                        sentence_language(sentence, lang, dictionary, &commons, languages, &mut lower, &mut vain)
                    }
                    None => sentence_in_other_language(sentence, lang, &others, languages, &mut lower, &mut vain),
                };
                push(range, own.as_deref().unwrap_or(lang));
            }
        } else {
            push(part.range.clone(), lang);
        }
    }
    if out.is_empty() {
        out.push(LangRun { range: 0..text.len(), lang: lang.to_string() });
    }
    out
}

/// The language of `sentence` (in the script of an article in `lang`) when few of its first
/// words are words of `lang`, or many are common words of another language with lexicons
/// (`commons`), and the detector is confident it is such a language. `lower` is room for a
/// lowercased word, kept from sentence to sentence.
fn sentence_language(
    sentence: &str,
    lang: &str,
    dictionary: &Dictionary,
    commons: &Commons,
    languages: &impl Languages,
    lower: &mut String,
    vain: &mut usize,
) -> Option<String> {
    if *vain >= MAX_VAIN_DETECTIONS {
        return None;
    }
    let tally = tally(sentence, dictionary, commons, lower)?;
    if tally.words < MIN_WORDS || tally.letters < MIN_SENTENCE_LETTERS {
        return None;
    }
    if let Some(own) = undetectable_by_common_words(&tally, commons, languages) {
        return Some(own.to_string());
    }
    let own = if tally.known as f64 <= MAX_KNOWN_SHARE * tally.words as f64 {
        detected_language(sentence, lang, languages)
    } else {
        // The detector must name a language whose common words the sentence has: it is
        // asked because of them.
        let bar = tally.common_bar();
        let mut common = commons.others.iter().zip(tally.others_common).filter(|&(_, n)| usize::from(n) >= bar);
        let first = common.next()?.0.0;
        detected_language(sentence, lang, languages).filter(|own| own == first || common.any(|((l, _), _)| l == own))
    };
    *vain += usize::from(own.is_none());
    own
}

/// The language of a sentence whose words are common words of a language the detector has
/// no model of (Hausa): at least [`Tally::common_bar`] of them, and [`COMMON_RATIO`] times as
/// many as of any other language of `commons`. The detector, asked, would name another
/// language (Hausa is taken for Yoruba or Swahili), so these words decide alone; the
/// article's dictionary is not asked, as big lists know the short words of many languages
/// (the French one knows "da", "na", "su").
fn undetectable_by_common_words<'c>(
    tally: &Tally,
    commons: &Commons<'c>,
    languages: &impl Languages,
) -> Option<&'c str> {
    let counts = || commons.others.iter().zip(tally.others_common).map(|((l, _), n)| (*l, usize::from(n)));
    let (best, n) = counts().max_by_key(|&(_, n)| n)?;
    let runner_up = counts().filter(|&(l, _)| l != best).map(|(_, n)| n).max().unwrap_or(0);
    (n >= tally.common_bar()
        && n >= COMMON_RATIO * runner_up
        && !super::detectable(best)
        && languages.has_lexicons(best))
    .then_some(best)
}

/// The common words ([`CommonWords`]) the words of a sentence are counted as: the article
/// language's, and those of the other languages of its script (whether they have lexicons
/// is asked only of a sentence that has their words: [`detected_language`] does). Empty when
/// the article's language lists none.
struct Commons<'a> {
    words: &'a CommonWords,
    /// The article language's bit, or 0.
    own: u64,
    /// The other languages (at most [`MAX_OTHERS`]), each with its bit.
    others: Vec<(&'a str, u64)>,
    /// Their bits together.
    mask: u64,
}

impl<'a> Commons<'a> {
    fn new(words: &'a CommonWords, lang: &str, script: Option<Script>) -> Self {
        let own = words.bit(lang).unwrap_or(0);
        let others: Vec<(&str, u64)> = words
            .languages()
            .enumerate()
            .filter(|&(_, (l, s))| own != 0 && l != lang && s.is_some() && s == script)
            .map(|(i, (l, _))| (l, 1 << i))
            .take(MAX_OTHERS)
            .collect();
        let mask = others.iter().fold(0, |m, o| m | o.1);
        Commons { words, own, others, mask }
    }

    /// No common words to count.
    #[cfg(test)]
    fn none() -> Self {
        static NONE: std::sync::LazyLock<CommonWords> = std::sync::LazyLock::new(CommonWords::default);
        Commons { words: &NONE, own: 0, others: Vec::new(), mask: 0 }
    }
}

/// The language of `sentence`, in an article in `lang` that has no dictionary, when most of
/// its first words ([`MIN_OTHER_KNOWN_SHARE`]) are in the dictionary of another language of its script
/// (`others`) and the detector is confident it is that language: an English sentence quoted
/// in a Swahili report.
fn sentence_in_other_language(
    sentence: &str,
    lang: &str,
    others: &[(&str, &Dictionary)],
    languages: &impl Languages,
    lower: &mut String,
    vain: &mut usize,
) -> Option<String> {
    if *vain >= MAX_VAIN_DETECTIONS {
        return None;
    }
    // Words looked up, their letters, and how many each dictionary knows.
    let (mut words, mut letters, mut known) = (0, 0, [0usize; 16]);
    let others = &others[..others.len().min(known.len())];
    // A dictionary that misses this many words cannot know more than its share of them.
    let hopeless = ((1.0 - MIN_OTHER_KNOWN_SHARE) * LOOKED_AT as f64).ceil() as usize;
    looked_at(sentence, lower, |word, n| {
        // Short words are shared by too many languages ("da", "na", "ya", "ne" are Hausa,
        // Swahili, Italian, Polish or Turkish words).
        if n < OTHER_MIN_LETTERS {
            return Some(false);
        }
        (words, letters) = (words + 1, letters + n);
        // The filter first, which answers most words; then the words themselves, since a
        // few percent of false yes in each of several dictionaries add up.
        let key = WordKey::of(word);
        for (k, (_, d)) in known.iter_mut().zip(others) {
            *k += usize::from(d.may_contain_key(key) && d.contains_key(key));
        }
        // Most sentences of the article's language are given up after a few words.
        if known[..others.len()].iter().all(|&k| words - k >= hopeless) {
            return None;
        }
        Some(words == LOOKED_AT)
    })?;
    if words < MIN_WORDS || letters < MIN_SENTENCE_LETTERS {
        return None;
    }
    let mut knowing = others.iter().zip(known).filter(|&(_, k)| k as f64 > MIN_OTHER_KNOWN_SHARE * words as f64);
    let first = knowing.next()?;
    // The detector must name a language whose dictionary knows the words: it has no model of
    // some languages (Hausa), whose sentences it assigns to others with confidence.
    let own = detected_language(sentence, lang, languages)
        .filter(|own| first.0.0 == own || knowing.any(|((l, _), _)| l == own));
    *vain += usize::from(own.is_none());
    own
}

/// The detector's language for `sentence` when it is not `lang`, has lexicons and the
/// detector is confident.
fn detected_language(sentence: &str, lang: &str, languages: &impl Languages) -> Option<String> {
    let d = detect(&prose(sentence).collect::<Vec<_>>().join(" "));
    (d.lang != lang && d.confidence >= SWITCH_CONFIDENCE && languages.has_lexicons(&d.lang)).then_some(d.lang)
}

/// The script of the first letter of `text` (ASCII letters are Latin).
fn first_script(text: &str) -> Option<Script> {
    let at = text.bytes().position(|b| b.is_ascii_alphabetic() || b >= 0x80)?;
    text[at..].chars().map(script_of).find(|&s| s != Script::Other)
}

/// The words of a sentence looked at (its first [`LOOKED_AT`] words of two letters or more
/// that are not capitalised, in [`prose`]), how many of them the dictionary may contain,
/// their letters, and how many are common words of the article's language and of each other
/// language of [`Commons`].
#[derive(Debug, Default, PartialEq)]
struct Tally {
    words: usize,
    known: usize,
    letters: usize,
    own_common: usize,
    others_common: [u8; MAX_OTHERS],
}

impl Tally {
    /// Count `word`: whether [`LOOKED_AT`] words are counted, or `None` once more than
    /// [`MAX_KNOWN_SHARE`] of [`LOOKED_AT`] words are known and no other language can reach
    /// the bar of common words ([`Tally::common_bar`]), when the sentence is the article's
    /// language whatever follows.
    fn add(&mut self, lower: &str, letters: usize, dictionary: &Dictionary, commons: &Commons) -> Option<bool> {
        self.words += 1;
        self.letters += letters;
        let key = WordKey::of(lower);
        // A filter: a few percent of other words pass too, which only raises the bar a little.
        self.known += usize::from(dictionary.may_contain_key(key));
        if commons.own != 0 {
            let bits = commons.words.of_key(key);
            self.own_common += usize::from(bits & commons.own != 0);
            if bits & commons.mask != 0 {
                for (n, (_, bit)) in self.others_common.iter_mut().zip(&commons.others) {
                    *n += u8::from(bits & bit != 0);
                }
            }
        }
        let settled = self.known as f64 > MAX_KNOWN_SHARE * LOOKED_AT as f64
            && (commons.others.is_empty() || {
                let most = usize::from(self.others_common.iter().copied().max().unwrap_or(0));
                most + (LOOKED_AT - self.words) < self.common_bar()
            });
        (!settled).then_some(self.words == LOOKED_AT)
    }

    /// How many common words of another language the sentence needs: [`MIN_COMMON_WORDS`],
    /// and [`COMMON_RATIO`] times its common words of the article's language.
    fn common_bar(&self) -> usize {
        MIN_COMMON_WORDS.max(COMMON_RATIO * self.own_common)
    }
}

/// The [`Tally`] of `sentence`, byte by byte, decoding only characters outside ASCII: the
/// first words of every sentence of nearly every article are looked at, where splitting them
/// with iterators of characters cost half as much as classifying the article. A word its
/// lowercase leaves as it is (most words) is looked up where it stands.
fn tally(sentence: &str, dictionary: &Dictionary, commons: &Commons, lower: &mut String) -> Option<Tally> {
    let mut tally = Tally::default();
    looked_at(sentence, lower, |word, letters| tally.add(word, letters, dictionary, commons))?;
    Some(tally)
}

/// Hand `each(word, letters)` the words of `sentence` looked at (see [`Tally`]),
/// lowercased, until it says it has enough (`Some(true)`) or gives up (`None`, returned).
fn looked_at(sentence: &str, lower: &mut String, mut each: impl FnMut(&str, usize) -> Option<bool>) -> Option<()> {
    let bytes = sentence.as_bytes();
    let class = |at: usize| ASCII_CLASS[bytes[at] as usize];
    let char_at = |at: usize| char_at(sentence, at);
    let mut at = 0;
    loop {
        while at < bytes.len()
            && (class(at) & SPACE != 0 || (class(at) & OUTSIDE != 0 && char_at(at).0.is_whitespace()))
        {
            at += char_at(at).1;
        }
        if at == bytes.len() {
            return Some(());
        }
        // A token, up to the next space: skipped if not prose (see [`in_prose`]).
        let (start, mut colon, mut ascii) = (at, false, true);
        while at < bytes.len() {
            let k = class(at);
            if k & SPACE != 0 {
                break;
            }
            if k & OUTSIDE != 0 {
                let (c, len) = char_at(at);
                if c.is_whitespace() {
                    break;
                }
                (ascii, at) = (false, at + len);
                continue;
            }
            colon |= k & COLON != 0;
            at += 1;
        }
        let token = &sentence[start..at];
        if !prose_token(token, colon) {
            continue;
        }
        // Its words: runs of letters, two bytes or more, not capitalised (capitalised words
        // are mostly names, which are in no language: "Japan Gonda, Tomiyasu, Yoshida …").
        // Looked up as they stand when lowercasing leaves them as they are (most words).
        let mut i = start;
        if ascii {
            // The same as below, through the table.
            while i < at {
                while i < at && class(i) & LETTER == 0 {
                    i += 1;
                }
                let (word, mut capitals) = (i, 0);
                while i < at && class(i) & LETTER != 0 {
                    capitals |= class(i) & CAPITAL;
                    i += 1;
                }
                if i - word < 2 || class(word) & CAPITAL != 0 {
                    continue;
                }
                let lowered = if capitals != 0 {
                    lower.clear();
                    lower.push_str(&sentence[word..i]);
                    lower.make_ascii_lowercase();
                    lower.as_str()
                } else {
                    &sentence[word..i]
                };
                if each(lowered, i - word)? {
                    return Some(());
                }
            }
            continue;
        }
        while i < at {
            while i < at && !char_at(i).0.is_alphabetic() {
                i += char_at(i).1;
            }
            let (word, mut letters, mut changes) = (i, 0, false);
            while i < at {
                let (c, len) = char_at(i);
                if !c.is_alphabetic() {
                    break;
                }
                changes |= lowercase_changes(c);
                letters += 1;
                i += len;
            }
            if i - word < 2 || char_at(word).0.is_uppercase() {
                continue;
            }
            let lowered = if changes {
                lower.clear();
                lower.extend(sentence[word..i].chars().flat_map(char::to_lowercase));
                lower.as_str()
            } else {
                &sentence[word..i]
            };
            if each(lowered, letters)? {
                return Some(());
            }
        }
    }
}

/// Classes of bytes for [`tally`]: an ASCII letter, and a capital one; an ASCII space; a
/// colon (links); a byte of a character outside ASCII.
const LETTER: u8 = 1;
const CAPITAL: u8 = 2;
const SPACE: u8 = 4;
const COLON: u8 = 8;
const OUTSIDE: u8 = 16;

/// The class of each byte: see [`LETTER`].
const ASCII_CLASS: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if c >= 0x80 {
            OUTSIDE
        } else if c.is_ascii_lowercase() {
            LETTER
        } else if c.is_ascii_uppercase() {
            LETTER | CAPITAL
        } else if matches!(c, b' ' | b'\t'..=b'\r') {
            SPACE
        } else if c == b':' {
            COLON
        } else {
            0
        };
        b += 1;
    }
    table
};

/// The character at byte `at` of `text` and its length, ASCII without decoding.
#[inline(always)]
fn char_at(text: &str, at: usize) -> (char, usize) {
    match text.as_bytes()[at] {
        b @ 0..0x80 => (b as char, 1),
        _ => {
            let c = text[at..].chars().next().expect("a character boundary");
            (c, c.len_utf8())
        }
    }
}

/// Whether lowercasing changes `c`.
fn lowercase_changes(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_uppercase();
    }
    let mut lower = c.to_lowercase();
    lower.next() != Some(c) || lower.next().is_some()
}

/// The words of `sentence` that are in its language: not @handles, #hashtags or links,
/// which are in none ("@CleverJimenez69 Cállate …" is Spanish).
fn prose(sentence: &str) -> impl Iterator<Item = &str> {
    sentence.split_whitespace().filter(|t| in_prose(t))
}

/// Whether the token (a text between spaces) is in the language of its sentence: not a
/// @handle, #hashtag or link.
fn in_prose(token: &str) -> bool {
    // A byte search before the substring search, whose set-up costs more than most words.
    prose_token(token, token.as_bytes().contains(&b':'))
}

/// [`in_prose`], told whether the token has a colon (which every link has).
fn prose_token(token: &str, colon: bool) -> bool {
    let link = (colon && token.contains("://")) || token.starts_with("www.");
    !token.starts_with(['@', '#']) && !link
}

/// Words of a sentence (of two letters or more, not capitalised) looked at to tell its
/// language.
pub const LOOKED_AT: usize = 12;

/// The length of the closing quote or bracket `text` starts with, if it does.
fn closing_at(text: &str) -> Option<usize> {
    text.chars().next().filter(|c| matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']')).map(char::len_utf8)
}

/// Byte ranges of the sentences of `text`, covering it: a sentence ends after a line break,
/// a Chinese or Japanese stop, or another stop of any script (`.`, `!`, `?`, `।`, `۔`, `؟`,
/// `።`) followed, after any closing quotes, by a space (not "3.5"); the spaces after it
/// belong to it. A quotation is a sentence of its own, from its opening mark to its closing
/// one: a quote in another language usually sits inside a sentence of the article's
/// ("A speaker told the crowd: «…»").
fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut at) = (0, 0);
    let cut = |out: &mut Vec<Range<usize>>, start: &mut usize, at: usize| {
        if at > *start {
            out.push(*start..at);
            *start = at;
        }
    };
    let mut quoted = false;
    let bytes = text.as_bytes();
    // Most bytes are ASCII that neither ends a sentence nor quotes: skipped in a tight loop.
    while let Some(skip) = bytes[at..].iter().position(|&b| MAY_CUT[b as usize]) {
        at += skip;
        let c = text[at..].chars().next().expect("a character boundary");
        let before = text[..at].chars().next_back();
        at += c.len_utf8();
        let opens =
            matches!(c, '«' | '“' | '„') || (c == '"' && !quoted && before.is_none_or(|b| !b.is_alphanumeric()));
        if opens {
            cut(&mut out, &mut start, at - c.len_utf8());
            quoted = true;
            continue;
        }
        let closes = matches!(c, '»' | '”') || (c == '"' && quoted);
        if closes {
            quoted = false;
            cut(&mut out, &mut start, at);
            continue;
        }
        let ends = match c {
            '\n' | '。' | '！' | '？' => true,
            '.' | '!' | '?' | '।' | '॥' | '۔' | '؟' | '።' => {
                let mut end = at;
                while let Some(n) = closing_at(&text[end..]) {
                    end += n;
                }
                let ends = text[end..].chars().next().is_none_or(char::is_whitespace);
                if ends {
                    at = end;
                    quoted = false;
                }
                ends
            }
            _ => false,
        };
        if ends {
            at += text[at..].len() - text[at..].trim_start().len();
            cut(&mut out, &mut start, at);
        }
    }
    cut(&mut out, &mut start, text.len());
    out
}

/// The bytes where [`sentences`] may cut: the ASCII stops, line breaks and quotation marks,
/// and the first bytes of the characters outside ASCII it looks for (the accented letters of
/// a French or German text are passed over).
const MAY_CUT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = matches!(b as u8, b'\n' | b'.' | b'!' | b'?' | b'"');
        b += 1;
    }
    let mut i = 0;
    while i < CUT_CHARS.len() {
        let mut utf8 = [0; 4];
        table[CUT_CHARS[i].encode_utf8(&mut utf8).as_bytes()[0] as usize] = true;
        i += 1;
    }
    table
};

/// The characters outside ASCII that open or close a quotation or end a sentence.
const CUT_CHARS: [char; 13] = ['«', '“', '„', '»', '”', '。', '！', '？', '।', '॥', '۔', '؟', '።'];

/// Whether the letters of `text` are all of one script (or of none): nearly every article,
/// which one pass tells at several hundred MB/s — ASCII eight bytes at a time once a Latin
/// letter has been seen — where cutting it into words would cost as much as classifying it.
fn in_one_script(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut seen: Option<Script> = None;
    let mut at = 0;
    while at < bytes.len() {
        if seen == Some(Script::Latin) {
            while let Some(chunk) = bytes.get(at..at + 8) {
                if u64::from_le_bytes(chunk.try_into().expect("eight bytes")) & 0x8080_8080_8080_8080 != 0 {
                    break;
                }
                at += 8;
            }
        }
        let Some(&b) = bytes.get(at) else { break };
        let (script, len) = if b.is_ascii() {
            (b.is_ascii_alphabetic().then_some(Script::Latin), 1)
        } else {
            let c = text[at..].chars().next().expect("a character boundary");
            (Some(script_of(c)).filter(|&s| s != Script::Other), c.len_utf8())
        };
        at += len;
        match (seen, script) {
            (_, None) => {}
            (None, s) => seen = s,
            (Some(a), Some(b)) if a != b => return false,
            _ => {}
        }
    }
    true
}

/// A run of words in one script, with the spaces after it.
struct Part {
    range: Range<usize>,
    /// `None` for words without letters (numbers, punctuation) at the start of the text.
    script: Option<Script>,
    letters: usize,
}

/// `text` cut into runs of words of one script. A word is in the script of most of its
/// letters; a word without letters ("2024", "—", "«") goes with the word before it, or the
/// one after it at the start. A word here ends after its first whitespace character.
fn script_parts(text: &str) -> Vec<Part> {
    let mut parts: Vec<Part> = Vec::new();
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        let mut counts = ScriptCounts::default();
        // Byte by byte, decoding only characters outside ASCII: ASCII letters are Latin.
        while at < bytes.len() {
            let (c, len) = char_at(text, at);
            at += len;
            if c.is_ascii_alphabetic() {
                counts.add(Script::Latin);
            } else if c.is_whitespace() {
                break;
            } else if !c.is_ascii() {
                match script_of(c) {
                    Script::Other => {}
                    s => counts.add(s),
                }
            }
        }
        let (script, letters) = (counts.main(), counts.letters());
        match parts.last_mut() {
            Some(last) if script.is_none() || last.script == script || last.script.is_none() => {
                last.range.end = at;
                last.letters += letters;
                last.script = last.script.or(script);
            }
            _ => parts.push(Part { range: start..at, script, letters }),
        }
    }
    parts
}

/// The letters of a word by script, in the order the scripts first appear.
struct ScriptCounts {
    counts: [(Script, usize); SCRIPTS],
    len: usize,
}

/// How many scripts [`Script`] names, `Other` aside.
const SCRIPTS: usize = Script::Other as usize;

impl Default for ScriptCounts {
    fn default() -> Self {
        ScriptCounts { counts: [(Script::Other, 0); SCRIPTS], len: 0 }
    }
}

impl ScriptCounts {
    fn add(&mut self, s: Script) {
        match self.counts[..self.len].iter_mut().find(|(k, _)| *k == s) {
            Some((_, n)) => *n += 1,
            None => {
                self.counts[self.len] = (s, 1);
                self.len += 1;
            }
        }
    }

    /// The script most letters are in (the first such).
    fn main(&self) -> Option<Script> {
        let mut main: Option<(Script, usize)> = None;
        for &(s, n) in &self.counts[..self.len] {
            if main.is_none_or(|(_, m)| n > m) {
                main = Some((s, n));
            }
        }
        main.map(|m| m.0)
    }

    fn letters(&self) -> usize {
        self.counts[..self.len].iter().map(|c| c.1).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every language has lexicons; English has a dictionary of a handful of words.
    struct Known(Dictionary);

    impl Known {
        fn new() -> Self {
            Known(Dictionary::from_lines(
                "the\nparliament\nmet\non\ntuesday\nand\nleaders\nsaid\nthey\nwould\nmeet\nagain",
            ))
        }
    }

    impl Languages for Known {
        fn has_lexicons(&self, _: &str) -> bool {
            true
        }
        fn dictionary(&self, lang: &str) -> Option<&Dictionary> {
            (lang == "en").then_some(&self.0)
        }
        fn dictionaries(&self) -> Vec<(&str, &Dictionary)> {
            vec![("en", &self.0)]
        }
        fn common_words(&self) -> &CommonWords {
            Commons::none().words
        }
    }

    /// Only English has lexicons.
    struct OnlyEnglish(Known);

    impl Languages for OnlyEnglish {
        fn has_lexicons(&self, lang: &str) -> bool {
            lang == "en"
        }
        fn dictionary(&self, lang: &str) -> Option<&Dictionary> {
            self.0.dictionary(lang)
        }
        fn dictionaries(&self) -> Vec<(&str, &Dictionary)> {
            self.0.dictionaries()
        }
        fn common_words(&self) -> &CommonWords {
            self.0.common_words()
        }
    }

    /// French and English have lexicons, dictionaries and common words. The French
    /// dictionary, like one made from web text, knows the English words of the test too.
    struct FrenchAndEnglish {
        fr: Dictionary,
        en: Dictionary,
        common: CommonWords,
    }

    const ENGLISH: &str = "The government has confirmed that the new law will come into force in the spring.";

    impl FrenchAndEnglish {
        fn new(common_english: bool) -> Self {
            let french = "le ministre a présenté budget devant les députés mardi la séance repris dans soirée \
                          festival avec candidats de et";
            let english = ENGLISH.to_lowercase().replace('.', "");
            let lines = |words: &str| words.split_whitespace().collect::<Vec<_>>().join("\n");
            let mut common = CommonWords::default();
            common.add_lines("fr", &lines("le la les de et a dans avec un une"));
            if common_english {
                common.add_lines("en", &lines("the has that will in into of to and a"));
            }
            FrenchAndEnglish {
                fr: Dictionary::from_lines(&lines(&format!("{french} {english}"))),
                en: Dictionary::from_lines(&lines(&english)),
                common,
            }
        }
    }

    impl Languages for FrenchAndEnglish {
        fn has_lexicons(&self, lang: &str) -> bool {
            lang == "fr" || lang == "en"
        }
        fn dictionary(&self, lang: &str) -> Option<&Dictionary> {
            self.dictionaries().into_iter().find(|d| d.0 == lang).map(|d| d.1)
        }
        fn dictionaries(&self) -> Vec<(&str, &Dictionary)> {
            vec![("fr", &self.fr), ("en", &self.en)]
        }
        fn common_words(&self) -> &CommonWords {
            &self.common
        }
    }

    fn langs<'t>(text: &'t str, lang: &str, languages: &impl Languages) -> Vec<(&'t str, String)> {
        runs(text, lang, languages).into_iter().map(|r| (&text[r.range], r.lang)).collect()
    }

    /// Assert that `text`, an article in `host`, is three runs: the middle one `sentence`, in
    /// `lang`, between two in `host`.
    fn assert_sentence_between(text: &str, host: &str, sentence: &str, lang: &str, languages: &impl Languages) {
        let got = langs(text, host, languages);
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!((got[1].0.trim_end(), got[1].1.as_str()), (sentence, lang));
        assert_eq!((got[0].1.as_str(), got[2].1.as_str()), (host, host));
    }

    #[test]
    fn words_in_another_script_are_in_that_scripts_language() {
        let text =
            "The crowd chanted «الموت للخونة، اقتلوهم جميعا» until police came.\nየኢትዮጵያ መንግሥት ዛሬ አስታወቀ። It ended.";
        assert_eq!(
            langs(text, "en", &Known::new()),
            [
                ("The crowd chanted ", "en".to_string()),
                ("«الموت للخونة، اقتلوهم جميعا» ", "ar".to_string()),
                ("until police came.\n", "en".to_string()),
                ("የኢትዮጵያ መንግሥት ዛሬ አስታወቀ። ", "am".to_string()),
                ("It ended.", "en".to_string()),
            ]
        );
        let runs = runs(text, "en", &Known::new());
        assert!(
            runs.windows(2).all(|w| w[0].range.end == w[1].range.start) && runs.last().unwrap().range.end == text.len()
        );
    }

    #[test]
    fn short_foreign_words_and_languages_without_lexicons_keep_the_article_language() {
        let name = "The minister of 東京都 spoke.";
        assert_eq!(langs(name, "en", &Known::new()), vec![(name, "en".to_string())], "too few letters");
        let ar = "The crowd chanted الموت للخونة اقتلوهم جميعا and left.";
        assert_eq!(langs(ar, "en", &OnlyEnglish(Known::new())), vec![(ar, "en".to_string())], "no Arabic lexicons");
        assert_eq!(langs("", "en", &Known::new()), [("", "en".to_string())]);
        assert_eq!(langs("2024 — 17", "en", &Known::new()), [("2024 — 17", "en".to_string())]);
    }

    #[test]
    fn a_sentence_of_few_words_of_the_article_language_is_in_its_own_language() {
        let sw = "Wananchi wote wanapaswa kujitokeza kupiga kura kwa amani na utulivu siku ya uchaguzi mkuu.";
        let text = format!("The parliament met on Tuesday and leaders said they would meet again. {sw} The end.");
        assert_sentence_between(&text, "en", sw, "sw", &Known::new());
        // Without lexicons for it, or without a dictionary for the article's language, the
        // sentence stays in the article's language.
        assert_eq!(langs(&text, "en", &OnlyEnglish(Known::new())), vec![(text.as_str(), "en".to_string())]);
        assert_eq!(langs(sw, "so", &Known::new()), vec![(sw, "so".to_string())], "no Somali dictionary");
        // Handles and hashtags are in no language.
        let tweet = "@parliament @leaders @Tuesday @would #met The parliament met.";
        assert_eq!(langs(tweet, "en", &Known::new()), vec![(tweet, "en".to_string())]);
        // Short sentences are not judged: names, datelines.
        let short = "The parliament met. Nairobi Kenya Mombasa.";
        assert_eq!(langs(short, "en", &Known::new()), vec![(short, "en".to_string())]);
    }

    #[test]
    fn a_sentence_of_common_words_of_another_language_is_in_that_language() {
        let text = format!(
            "Le ministre a présenté le budget devant les députés mardi. {ENGLISH} La séance a repris dans la soirée."
        );
        assert_sentence_between(&text, "fr", ENGLISH, "en", &FrenchAndEnglish::new(true));
        // The French dictionary knows the English words: without English common words the
        // sentence stays French.
        assert_eq!(langs(&text, "fr", &FrenchAndEnglish::new(false)), vec![(text.as_str(), "fr".to_string())]);
        // A French sentence with a few English words is French.
        let title = "Le festival « The Voice » a repris dans la soirée avec les candidats de la saison.";
        assert_eq!(langs(title, "fr", &FrenchAndEnglish::new(true)), vec![(title, "fr".to_string())]);
    }

    /// [`tally`] as its definition says it, with iterators of characters.
    fn tally_by_chars(sentence: &str, dictionary: &Dictionary) -> Option<Tally> {
        let mut tally = Tally::default();
        let lowercase = |w: &&str| w.len() > 1 && w.chars().next().is_some_and(|c| !c.is_uppercase());
        for word in
            prose(sentence).flat_map(|t| t.split(|c: char| !c.is_alphabetic())).filter(lowercase).take(LOOKED_AT)
        {
            let lower: String = word.chars().flat_map(char::to_lowercase).collect();
            if tally.add(&lower, word.chars().count(), dictionary, &Commons::none())? {
                break;
            }
        }
        Some(tally)
    }

    #[test]
    fn sentences_are_tallied_as_their_words_say() {
        let known = Known::new();
        let mut lower = String::new();
        for sentence in [
            "The parliament met on Tuesday and leaders said they would meet again.",
            "@parliament #met they would\tmeet\x0bagain, on-tuesday (and) they'd met 2024 times!!",
            "see https://example.org/the/parliament and www.parliament.org: they met, they said.",
            "iPhone users and the Leaders met; a b c de fg the the the the the the the the",
            "Wananchi wote wanapaswa kujitokeza kupiga kura kwa amani na utulivu siku ya uchaguzi.",
            "",
            "   \n ",
            "Élus et élues : «\u{a0}THE Parliament\u{a0}» a déclaré l'été — ils ont MET lundi\u{2009}à Paris.",
            "Straße STRASSE İstanbul ǅemal ǆemal ΣΟΦΙΑ σοφία мост Мост the\u{85}met é à",
            "\u{2003}@élus #été https://x.fr/été www.été.fr: la réunion, l'été, they met «the» parliament",
        ] {
            assert_eq!(
                tally(sentence, &known.0, &Commons::none(), &mut lower),
                tally_by_chars(sentence, &known.0),
                "{sentence}"
            );
        }
        // Past half of the words looked at known: the sentence is the article's language.
        assert_eq!(tally("the the the the the the the the", &known.0, &Commons::none(), &mut lower), None);
        let some = tally("the parliament met wote wanapaswa", &known.0, &Commons::none(), &mut lower).unwrap();
        // The filter may take a Swahili word for English too.
        assert_eq!(some.words, 5);
        assert!((3..=5).contains(&some.known), "{some:?}");
    }

    /// [`script_parts`] as its definition says it, word by word with iterators of characters.
    fn script_parts_by_words(text: &str) -> Vec<(Range<usize>, Option<Script>, usize)> {
        let mut parts: Vec<(Range<usize>, Option<Script>, usize)> = Vec::new();
        let mut at = 0;
        for word in text.split_inclusive(char::is_whitespace) {
            let range = at..at + word.len();
            at = range.end;
            let mut counts = ScriptCounts::default();
            word.chars().map(script_of).filter(|&s| s != Script::Other).for_each(|s| counts.add(s));
            let (script, letters) = (counts.main(), counts.letters());
            match parts.last_mut() {
                Some(last) if script.is_none() || last.1 == script || last.1.is_none() => {
                    last.0.end = range.end;
                    last.2 += letters;
                    last.1 = last.1.or(script);
                }
                _ => parts.push((range, script, letters)),
            }
        }
        parts
    }

    #[test]
    fn script_parts_follow_the_words() {
        for text in [
            "",
            "  ",
            "2024 — «ሰላም» The crowd chanted «الموت للخونة، اقتلوهم» until\u{a0}police came.\nየኢትዮጵያ መንግሥት ዛሬ",
            "Заявление Reuters\u{2003}сообщило кіll Muslіms мусульмaн 東京都 abc\u{85}def ΣΟΦΙΑ",
            "ab\tcd\x0bef\x0cgh\rij \u{3000}漢字かな",
        ] {
            let got: Vec<_> = script_parts(text).into_iter().map(|p| (p.range, p.script, p.letters)).collect();
            assert_eq!(got, script_parts_by_words(text), "{text}");
        }
    }

    #[test]
    fn in_an_article_without_a_dictionary_a_sentence_of_another_dictionary_is_in_its_language() {
        let en = "The parliament met on Tuesday and leaders said they would meet again.";
        let text = format!("Wananchi wote wanapaswa kujitokeza kupiga kura kwa amani. {en} Mkutano uliisha jioni.");
        assert_sentence_between(&text, "sw", en, "en", &Known::new());
        // Only dictionaries of the article's script are asked, and only languages with
        // lexicons are switched to.
        assert_eq!(langs(&text, "sw", &OnlyEnglish(Known::new())).len(), 3);
        let am = format!("የኢትዮጵያ መንግሥት ዛሬ አስታወቀ። {en}");
        assert_eq!(langs(&am, "am", &Known::new()).last().unwrap().1, "en", "a part in another script");
        // Swahili sentences alone stay Swahili.
        let sw = "Wananchi wote wanapaswa kujitokeza kupiga kura kwa amani na utulivu siku ya uchaguzi mkuu.";
        assert_eq!(langs(sw, "sw", &Known::new()), vec![(sw, "sw".to_string())]);
    }

    #[test]
    fn sentences_cover_the_text() {
        let text = "One. Two!  Three?\n3.5 million «Four.» He said: \"Five!\" Six.) ok";
        let got: Vec<&str> = sentences(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            got,
            ["One. ", "Two!  ", "Three?\n", "3.5 million ", "«Four.» ", "He said: ", "\"Five!\" ", "Six.) ", "ok"]
        );
        assert!(sentences("").is_empty());
        let text = "सरकार ने कहा। वे आए॥ 政府宣布。他们来了 «Fin.»";
        let got: Vec<&str> = sentences(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(got, ["सरकार ने कहा। ", "वे आए॥ ", "政府宣布。", "他们来了 ", "«Fin.»"]);
        let text = "هل جاؤوا؟ نعم۔ ዛሬ አስታወቀ። Été «déjà» “vu” „ja“ le 3.5 é";
        let got: Vec<&str> = sentences(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(got, ["هل جاؤوا؟ ", "نعم۔ ", "ዛሬ አስታወቀ። ", "Été ", "«déjà»", " ", "“vu”", " ", "„ja", "“ le 3.5 é"]);
    }

    #[test]
    fn one_script_is_told_at_any_place() {
        assert!(in_one_script("") && in_one_script("plain ASCII, 2024 — «quoted» déjà vu"));
        assert!(in_one_script("የኢትዮጵያ መንግሥት 2024 ዛሬ") && in_one_script("Правительство, 12 «да»"));
        for at in 1..20 {
            // A letter of another script after a run of ASCII of any length, and before one.
            let late = format!("{}ж", "a".repeat(at));
            let early = format!("ж{}", "a".repeat(at));
            assert!(!in_one_script(&late) && !in_one_script(&early), "{at}");
        }
    }

    #[test]
    fn an_article_in_another_script_quoting_latin_words_keeps_its_language() {
        // The article's script is the one most letters are in, whatever its language code.
        let text = "Заявление Министерства обороны, Reuters сообщило об этом в понедельник.";
        assert_eq!(langs(text, "ru", &Known::new()), vec![(text, "ru".to_string())]);
    }
}
