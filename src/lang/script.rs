//! Writing systems that settle the language by themselves (Ethiopic → Amharic, Myanmar →
//! Burmese, Bengali, Hangul, Thai …), before any statistical model is asked.
//!
//! Statistical detectors are weakest exactly where tocsin needs them (Amharic and Burmese have
//! no lingua model at all), while counting letters by Unicode block is exact for scripts used
//! by essentially one language. Scripts shared by many languages (Latin, Cyrillic, Arabic,
//! Devanagari) are left to the model.

/// A language read off the script of a text, with its confidence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScriptGuess {
    /// ISO 639-1 code.
    pub lang: &'static str,
    /// Confidence in 0..1 (below 1 where a minority language shares the script).
    pub confidence: f64,
}

/// Scripts that (nearly) identify one language: block range, language, confidence.
const SINGLE_LANGUAGE_SCRIPTS: &[(u32, u32, &str, f64)] = &[
    (0x1200, 0x139F, "am", 0.85), // Ethiopic: also Tigrinya
    (0x2D80, 0x2DDF, "am", 0.85),
    (0x1000, 0x109F, "my", 0.95), // Myanmar: also Shan, Mon
    (0x0980, 0x09FF, "bn", 0.95), // Bengali: also Assamese
    (0xAC00, 0xD7AF, "ko", 0.99),
    (0x1100, 0x11FF, "ko", 0.99),
    (0x3040, 0x30FF, "ja", 0.99), // kana
    (0x0E00, 0x0E7F, "th", 0.99),
    (0x0370, 0x03FF, "el", 0.99),
    (0x0590, 0x05FF, "he", 0.9), // also Yiddish
    (0x10A0, 0x10FF, "ka", 0.99),
    (0x0530, 0x058F, "hy", 0.99),
    (0x1780, 0x17FF, "km", 0.99),
    (0x0E80, 0x0EFF, "lo", 0.99),
    (0x0A80, 0x0AFF, "gu", 0.99),
    (0x0A00, 0x0A7F, "pa", 0.99),
    (0x0B00, 0x0B7F, "or", 0.99),
    (0x0B80, 0x0BFF, "ta", 0.99),
    (0x0C00, 0x0C7F, "te", 0.99),
    (0x0C80, 0x0CFF, "kn", 0.99),
    (0x0D00, 0x0D7F, "ml", 0.99),
    (0x0D80, 0x0DFF, "si", 0.99),
    (0x0F00, 0x0FFF, "bo", 0.99),
];

/// The languages a script alone can give.
pub const SCRIPT_LANGUAGES: &[&str] = &[
    "am", "my", "bn", "ko", "ja", "th", "el", "he", "ka", "hy", "km", "lo", "gu", "pa", "or", "ta", "te", "kn", "ml",
    "si", "bo",
];

const fn is_han(c: u32) -> bool {
    matches!(c, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF)
}

/// The language of `text` when more than half its letters are in a single-language script.
/// Han without kana is Chinese; Han with kana is Japanese.
pub fn guess(text: &str) -> Option<ScriptGuess> {
    let mut letters = 0usize;
    let mut han = 0usize;
    let mut counts = [0usize; SINGLE_LANGUAGE_SCRIPTS.len()];
    for c in text.chars().filter(|c| c.is_alphabetic()).take(2000) {
        letters += 1;
        let cp = c as u32;
        if is_han(cp) {
            han += 1;
        } else if let Some(i) = SINGLE_LANGUAGE_SCRIPTS.iter().position(|(lo, hi, _, _)| (*lo..=*hi).contains(&cp)) {
            counts[i] += 1;
        }
    }
    if letters == 0 {
        return None;
    }
    let kana = SINGLE_LANGUAGE_SCRIPTS
        .iter()
        .zip(&counts)
        .filter(|((_, _, l, _), _)| *l == "ja")
        .map(|(_, n)| n)
        .sum::<usize>();
    if han * 2 > letters && kana * 20 < han {
        return Some(ScriptGuess { lang: "zh", confidence: 0.95 });
    }
    let mut by_lang: Vec<(&'static str, f64, usize)> = Vec::new();
    for ((_, _, lang, conf), n) in SINGLE_LANGUAGE_SCRIPTS.iter().zip(&counts) {
        match by_lang.iter_mut().find(|(l, _, _)| l == lang) {
            Some(e) => e.2 += n,
            None => by_lang.push((lang, *conf, *n)),
        }
    }
    if let Some(ja) = by_lang.iter_mut().find(|(l, _, _)| *l == "ja") {
        ja.2 += if kana > 0 { han } else { 0 };
    }
    by_lang
        .into_iter()
        .max_by_key(|(_, _, n)| *n)
        .filter(|(_, _, n)| n * 2 > letters)
        .map(|(lang, confidence, _)| ScriptGuess { lang, confidence })
}

/// The writing system of a letter, as far as telling an article's languages apart needs: a
/// sentence in another script than the article's is in another language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Latin, with its accented and extended letters.
    Latin,
    /// Greek.
    Greek,
    /// Cyrillic.
    Cyrillic,
    /// Arabic (Arabic, Urdu, Persian …).
    Arabic,
    /// Hebrew.
    Hebrew,
    /// Devanagari (Hindi, Marathi, Nepali …).
    Devanagari,
    /// Bengali.
    Bengali,
    /// Ethiopic (Amharic, Tigrinya).
    Ethiopic,
    /// Myanmar.
    Myanmar,
    /// Han and kana.
    Cjk,
    /// Hangul.
    Hangul,
    /// Thai.
    Thai,
    /// Any other script.
    Other,
}

/// The script of the letter `c`, by Unicode block: a few signs of a block (Ethiopic and
/// Devanagari stops, Arabic commas, the Latin-1 symbols) count as its letters, which is
/// all that telling scripts apart needs, and far cheaper than asking whether each character is
/// alphabetic. Digits, spaces and common punctuation are [`Script::Other`]. One look-up in a
/// table of 16-character blocks for nearly every character (it runs for every character of
/// an article in several scripts); the ranges below for the rest.
#[inline]
pub fn script_of(c: char) -> Script {
    let cp = c as u32;
    if let Some(&block) = BLOCKS.get(cp as usize >> 4)
        && block != MIXED
    {
        return Script::ALL[block as usize];
    }
    script_by_range(cp)
}

/// [`script_of`] by its ranges.
const fn script_by_range(cp: u32) -> Script {
    match cp {
        0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF => Script::Latin,
        0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
        0x400..=0x52F => Script::Cyrillic,
        0x590..=0x5FF => Script::Hebrew,
        0x600..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => Script::Arabic,
        0x900..=0x97F => Script::Devanagari,
        0x980..=0x9FF => Script::Bengali,
        0x1200..=0x139F | 0x2D80..=0x2DDF => Script::Ethiopic,
        0x1000..=0x109F => Script::Myanmar,
        0x3040..=0x30FF => Script::Cjk,
        cp if is_han(cp) => Script::Cjk,
        0x1100..=0x11FF | 0xAC00..=0xD7AF => Script::Hangul,
        0xE00..=0xE7F => Script::Thai,
        _ => Script::Other,
    }
}

impl Script {
    /// Every script, in the order of its declaration: `Script::ALL[s as usize] == s`.
    pub const ALL: [Script; 13] = [
        Script::Latin,
        Script::Greek,
        Script::Cyrillic,
        Script::Arabic,
        Script::Hebrew,
        Script::Devanagari,
        Script::Bengali,
        Script::Ethiopic,
        Script::Myanmar,
        Script::Cjk,
        Script::Hangul,
        Script::Thai,
        Script::Other,
    ];
}

/// A block of [`BLOCKS`] whose characters are not all of one script.
const MIXED: u8 = u8::MAX;

/// For each block of 16 characters of the Basic Multilingual Plane, the script of all its
/// characters (as an index of [`Script::ALL`]), or [`MIXED`]. Made at compile time from
/// [`script_by_range`].
static BLOCKS: [u8; 0x1000] = {
    let mut table = [MIXED; 0x1000];
    let mut block = 0;
    while block < 0x1000 {
        let first = script_by_range(block as u32 * 16) as u8;
        let mut k = 1;
        while k < 16 && script_by_range(block as u32 * 16 + k) as u8 == first {
            k += 1;
        }
        if k == 16 {
            table[block] = first;
        }
        block += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_table_gives_the_script_of_every_character() {
        for (i, s) in Script::ALL.iter().enumerate() {
            assert_eq!(*s as usize, i);
        }
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            assert_eq!(script_of(c), script_by_range(c as u32), "{:X}", c as u32);
        }
        let mixed = BLOCKS.iter().filter(|&&b| b == MIXED).count();
        assert!(mixed < 40, "{mixed} blocks of several scripts");
    }

    #[test]
    fn single_language_scripts() {
        assert_eq!(guess("የኢትዮጵያ መንግሥት ዛሬ አስታወቀ").unwrap().lang, "am");
        assert_eq!(guess("မြန်မာနိုင်ငံ အစိုးရ").unwrap().lang, "my");
        assert_eq!(guess("বাংলাদেশ সরকার আজ ঘোষণা করেছে").unwrap().lang, "bn");
        assert_eq!(guess("政府今天宣布了新的计划").unwrap().lang, "zh");
        assert_eq!(guess("政府は今日、新しい計画を発表しました").unwrap().lang, "ja");
        assert_eq!(guess("The government said today"), None, "Latin is for the model");
        assert_eq!(guess("Правительство объявило"), None);
        assert_eq!(guess("12 345 !!"), None);
    }

    #[test]
    fn letters_have_their_script() {
        assert_eq!(script_of('é'), Script::Latin);
        assert_eq!(script_of('ኢ'), Script::Ethiopic);
        assert_eq!(script_of('政'), Script::Cjk);
        assert_eq!(script_of('ж'), Script::Cyrillic);
        assert_eq!(script_of('ت'), Script::Arabic);
        assert_eq!(script_of('न'), Script::Devanagari);
        assert_eq!(script_of('ক'), Script::Bengali);
    }
}
