//! Language of an article: metadata first, then detection on the text.
//!
//! Feeds usually say their language (`<language>`, `xml:lang`, JSON Feed `language`), and
//! pipelines may add a per-feed hint. Statistical detectors are unreliable on short texts and
//! on several African languages (whatlang calls Swahili Shona, see CRATES.md), and the
//! classifier applies a lexicon only to text of its language, so a wrong guess silently
//! disables the right lexicon. Hence the order: the item's or feed's declared language, then
//! the pipeline hint, then whatlang on the text; the confidence of the decision is stored.

use crate::model::Article;

/// Where a language decision came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LangSource {
    /// Declared by the item or the feed document.
    Declared,
    /// The pipeline's per-feed `language` hint.
    Hint,
    /// Detected from the text.
    Detected,
    /// Nothing to go on.
    Unknown,
}

/// A language decision.
#[derive(Debug, Clone, PartialEq)]
pub struct LangDecision {
    /// ISO 639-1 code (639-3 where none), or `und`.
    pub lang: String,
    /// Confidence in 0..1.
    pub confidence: f64,
    /// Where it came from.
    pub source: LangSource,
}

/// Decide the language of an article. `declared` is the item's or feed's declared language,
/// `hint` the pipeline's.
pub fn decide(article: &Article, declared: Option<&str>, hint: Option<&str>) -> LangDecision {
    let item = (!article.lang.is_empty()).then_some(article.lang.as_str());
    if let Some(code) = item.or(declared).and_then(normalize_code) {
        return LangDecision { lang: code, confidence: 1.0, source: LangSource::Declared };
    }
    if let Some(code) = hint.and_then(normalize_code) {
        return LangDecision { lang: code, confidence: 1.0, source: LangSource::Hint };
    }
    detect(&article.classified_text())
}

/// Detect the language of a text with whatlang.
pub fn detect(text: &str) -> LangDecision {
    match whatlang::detect(text) {
        Some(info) => LangDecision {
            lang: iso639_1(info.lang().code()).to_string(),
            confidence: info.confidence(),
            source: LangSource::Detected,
        },
        None => LangDecision { lang: "und".into(), confidence: 0.0, source: LangSource::Unknown },
    }
}

/// `en-US`, `EN`, `fr_FR`, `eng` → `en`, `en`, `fr`, `en`. `None` for an empty or unusable tag.
pub fn normalize_code(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    match primary.len() {
        2 if primary.chars().all(|c| c.is_ascii_lowercase()) => Some(primary),
        3 if primary.chars().all(|c| c.is_ascii_lowercase()) => Some(iso639_1(&primary).to_string()),
        _ => None,
    }
}

/// ISO 639-3 → 639-1 where a two-letter code exists; the input otherwise.
pub fn iso639_1(code: &str) -> &str {
    const TABLE: &[(&str, &str)] = &[
        ("eng", "en"),
        ("fra", "fr"),
        ("spa", "es"),
        ("por", "pt"),
        ("ara", "ar"),
        ("arb", "ar"),
        ("deu", "de"),
        ("nld", "nl"),
        ("ita", "it"),
        ("pol", "pl"),
        ("rus", "ru"),
        ("ukr", "uk"),
        ("tur", "tr"),
        ("hin", "hi"),
        ("urd", "ur"),
        ("ben", "bn"),
        ("cmn", "zh"),
        ("zho", "zh"),
        ("mya", "my"),
        ("swa", "sw"),
        ("swh", "sw"),
        ("amh", "am"),
        ("hau", "ha"),
        ("kin", "rw"),
        ("som", "so"),
        ("yor", "yo"),
        ("jpn", "ja"),
        ("kor", "ko"),
        ("tha", "th"),
        ("khm", "km"),
        ("heb", "he"),
        ("pes", "fa"),
        ("fas", "fa"),
        ("ind", "id"),
        ("vie", "vi"),
        ("ces", "cs"),
        ("slk", "sk"),
        ("hun", "hu"),
        ("ron", "ro"),
        ("bul", "bg"),
        ("ell", "el"),
        ("srp", "sr"),
        ("hrv", "hr"),
        ("swe", "sv"),
        ("dan", "da"),
        ("nob", "nb"),
        ("fin", "fi"),
        ("tam", "ta"),
        ("tel", "te"),
        ("mar", "mr"),
        ("guj", "gu"),
        ("pan", "pa"),
        ("mal", "ml"),
        ("kan", "kn"),
        ("nep", "ne"),
        ("sin", "si"),
        ("zul", "zu"),
        ("sna", "sn"),
        ("afr", "af"),
        ("aka", "ak"),
        ("tgl", "tl"),
        ("cat", "ca"),
        ("kat", "ka"),
        ("hye", "hy"),
        ("bel", "be"),
        ("aze", "az"),
        ("uzb", "uz"),
        ("lit", "lt"),
        ("lav", "lv"),
        ("est", "et"),
        ("slv", "sl"),
        ("mkd", "mk"),
        ("lat", "la"),
        ("epo", "eo"),
        ("yid", "yi"),
        ("jav", "jv"),
        ("ori", "or"),
        ("cym", "cy"),
        ("tuk", "tk"),
    ];
    TABLE.iter().find(|(three, _)| *three == code).map_or(code, |(_, two)| two)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_normalise() {
        assert_eq!(normalize_code("en-US").as_deref(), Some("en"));
        assert_eq!(normalize_code("FR_fr").as_deref(), Some("fr"));
        assert_eq!(normalize_code("swh").as_deref(), Some("sw"));
        assert_eq!(normalize_code("").as_deref(), None);
        assert_eq!(normalize_code("12").as_deref(), None);
    }

    #[test]
    fn detection_on_clear_text() {
        let d = detect(
            "Le gouvernement a annoncé mardi une nouvelle réforme des retraites qui sera débattue au parlement.",
        );
        assert_eq!(d.lang, "fr");
        assert_eq!(d.source, LangSource::Detected);
        let d = detect("أعلنت الحكومة يوم الثلاثاء عن خطة جديدة لإصلاح نظام التقاعد في البلاد");
        assert_eq!(d.lang, "ar");
    }
}
