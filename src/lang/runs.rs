//! The languages of the parts of an article that mixes languages.
//!
//! News switches language inside one article: an English report quotes an Amharic slogan, a
//! French one an Arabic chant, a Hindi one an Urdu couplet. The classifier applies a lexicon
//! only to text of its language (a slur in one language is often harmless in another), so a
//! quote in another language would be read with the article's lexicons, which do not know
//! its words. [`runs`] cuts a text into runs of whole words, each with its language.
//!
//! A run leaves the article's language only when it is written in another script than most
//! of the text, which is exact and costs one pass over the letters; its language is then the
//! script's, or the model's among the languages of that script (Arabic or Urdu, Russian or
//! Ukrainian), and must have lexicons. Runs follow the script word by word, not sentence by
//! sentence: a quote is usually inside a sentence of the article's language ("The crowd
//! chanted «…» until police came"). A switch between two languages of one script (a Swahili
//! sentence in an English article) is not made: measured on MasakhaNEWS, asking the model
//! about every sentence read 0.2 to 0.4 MB/s, several hundred times slower than the
//! classifier, and took most sentences of Hausa articles for Yoruba or Swahili (the model has
//! no Hausa).

use std::ops::Range;

use super::detect;
use super::script::{Script, script_of};

/// A part in another script with fewer letters than this keeps the article's language: so
/// few letters are a name or an abbreviation more often than a quote.
pub const MIN_LETTERS: usize = 8;

/// The same for a part in Latin letters: in an article in another script those are mostly
/// names ("Hoffmann La Roche", "Chess.com"), which the model takes for any Latin language.
pub const MIN_LATIN_LETTERS: usize = 20;

/// A stretch of text in one language: whole words, in text order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LangRun {
    /// Byte range in the text.
    pub range: Range<usize>,
    /// ISO 639-1 code (639-3 where none).
    pub lang: String,
}

/// The runs of `text`, an article in `lang`, covering the whole text in order: one run in
/// `lang` unless a part of it is in another script, of a language that `has_lexicons`
/// accepts.
pub fn runs(text: &str, lang: &str, has_lexicons: impl Fn(&str) -> bool) -> Vec<LangRun> {
    if in_one_script(text) {
        return vec![LangRun { range: 0..text.len(), lang: lang.to_string() }];
    }
    let parts = script_parts(text);
    let letters_in = |s: Script| parts.iter().filter(|p| p.script == Some(s)).map(|p| p.letters).sum::<usize>();
    // The article's own script: the one most letters are in.
    let main = parts.iter().filter_map(|p| p.script).max_by_key(|&s| letters_in(s));
    let mut out: Vec<LangRun> = Vec::new();
    for part in &parts {
        let foreign = part.script.is_some_and(|s| Some(s) != main && s != Script::Other);
        let least = if part.script == Some(Script::Latin) { MIN_LATIN_LETTERS } else { MIN_LETTERS };
        let own = (foreign && part.letters >= least)
            .then(|| detect(&text[part.range.clone()]).lang)
            .filter(|l| l != "und" && has_lexicons(l));
        let lang = own.as_deref().unwrap_or(lang);
        match out.last_mut() {
            Some(last) if last.lang == lang => last.range.end = part.range.end,
            _ => out.push(LangRun { range: part.range.clone(), lang: lang.to_string() }),
        }
    }
    if out.is_empty() {
        out.push(LangRun { range: 0..text.len(), lang: lang.to_string() });
    }
    out
}

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
/// one after it at the start.
fn script_parts(text: &str) -> Vec<Part> {
    let mut parts: Vec<Part> = Vec::new();
    let mut at = 0;
    for word in text.split_inclusive(char::is_whitespace) {
        let range = at..at + word.len();
        at = range.end;
        let (script, letters) = word_script(word);
        match parts.last_mut() {
            Some(last) if script.is_none() || last.script == script || last.script.is_none() => {
                last.range.end = range.end;
                last.letters += letters;
                last.script = last.script.or(script);
            }
            _ => parts.push(Part { range, script, letters }),
        }
    }
    parts
}

/// The script most letters of `word` are in (the first such), and how many letters it has.
fn word_script(word: &str) -> (Option<Script>, usize) {
    let mut counts: Vec<(Script, usize)> = Vec::new();
    for c in word.chars() {
        let s = script_of(c);
        if s == Script::Other {
            continue;
        }
        match counts.iter_mut().find(|(k, _)| *k == s) {
            Some((_, n)) => *n += 1,
            None => counts.push((s, 1)),
        }
    }
    let mut main: Option<(Script, usize)> = None;
    for &(s, n) in &counts {
        if main.is_none_or(|(_, m)| n > m) {
            main = Some((s, n));
        }
    }
    (main.map(|m| m.0), counts.iter().map(|c| c.1).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every language has lexicons.
    fn any(_: &str) -> bool {
        true
    }

    fn langs<'t>(text: &'t str, lang: &str, has_lexicons: impl Fn(&str) -> bool) -> Vec<(&'t str, String)> {
        runs(text, lang, has_lexicons).into_iter().map(|r| (&text[r.range], r.lang)).collect()
    }

    #[test]
    fn words_in_another_script_are_in_that_scripts_language() {
        let text =
            "The crowd chanted «الموت للخونة، اقتلوهم جميعا» until police came.\nየኢትዮጵያ መንግሥት ዛሬ አስታወቀ። It ended.";
        assert_eq!(
            langs(text, "en", any),
            [
                ("The crowd chanted ", "en".to_string()),
                ("«الموت للخونة، اقتلوهم جميعا» ", "ar".to_string()),
                ("until police came.\n", "en".to_string()),
                ("የኢትዮጵያ መንግሥት ዛሬ አስታወቀ። ", "am".to_string()),
                ("It ended.", "en".to_string()),
            ]
        );
        let runs = runs(text, "en", any);
        assert!(
            runs.windows(2).all(|w| w[0].range.end == w[1].range.start) && runs.last().unwrap().range.end == text.len()
        );
    }

    #[test]
    fn short_foreign_words_and_languages_without_lexicons_keep_the_article_language() {
        let name = "The minister of 東京都 spoke.";
        assert_eq!(langs(name, "en", any), vec![(name, "en".to_string())], "too few letters");
        let ar = "The crowd chanted الموت للخونة اقتلوهم جميعا and left.";
        assert_eq!(langs(ar, "en", |l| l == "en"), vec![(ar, "en".to_string())], "no Arabic lexicons");
        let en = "Kenya's parliament met on Tuesday. Wabunge walikutana Jumanne.";
        assert_eq!(langs(en, "en", any), vec![(en, "en".to_string())], "one script: the model is not asked");
        assert_eq!(langs("", "en", any), [("", "en".to_string())]);
        assert_eq!(langs("2024 — 17", "en", any), [("2024 — 17", "en".to_string())]);
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
        assert_eq!(langs(text, "ru", any), vec![(text, "ru".to_string())]);
    }
}
