//! Language of an article: metadata first, then detection on the text.
//!
//! Feeds usually say their language (`<language>`, `xml:lang`, JSON Feed `language`), servers
//! send `Content-Language`, article pages carry `<html lang>`; the parse stage passes what it
//! found as `declared`. A declared code is taken as given when it is a real ISO 639 code (the
//! Korea Times feed declares "US"). Otherwise the text decides: first its script when the
//! script settles it ([`script`]: Amharic, Burmese, Bengali, Chinese …), then a statistical
//! model (lingua, with the languages tocsin needs and their confusers compiled in) for Latin,
//! Cyrillic, Arabic and Devanagari text. whatlang was measured first and knows no Swahili,
//! Somali or Yoruba at all — it called them Shona, Javanese and Tagalog with confidence (it
//! is no longer a dependency) — and the classifier applies a lexicon only to text of its
//! language, so a wrong guess silently disables the right lexicon: the pipeline's per-feed `language` hint
//! wins over a guess below [`CONFIDENT`]. The confidence of the decision is stored.

pub mod runs;
pub mod script;

use crate::model::Article;

/// Detector confidence from which a guess beats the pipeline's per-feed hint.
pub const CONFIDENT: f64 = 0.5;

/// Where a language decision came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LangSource {
    /// Declared by the item, the feed document, the server or the page.
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

/// Decide the language of an article. `declared` is the feed's, server's or page's declared
/// language (the item's own `lang` comes first), `hint` the pipeline's.
pub fn decide(article: &Article, declared: Option<&str>, hint: Option<&str>) -> LangDecision {
    let item = (!article.lang.is_empty()).then_some(article.lang.as_str());
    let usable = |tag: &str| normalize_code(tag).filter(|c| is_language_code(c));
    if let Some(code) = item.and_then(usable).or_else(|| declared.and_then(usable)) {
        return LangDecision { lang: code, confidence: 1.0, source: LangSource::Declared };
    }
    let detected = detect(&article.classified_text());
    match hint.and_then(usable) {
        Some(code) if detected.confidence < CONFIDENT || !detectable(&code) => {
            LangDecision { lang: code, confidence: 1.0, source: LangSource::Hint }
        }
        _ => detected,
    }
}

/// Detect the language of a text: its script when that settles it, lingua otherwise.
pub fn detect(text: &str) -> LangDecision {
    if let Some(g) = script::guess(text) {
        return LangDecision { lang: g.lang.to_string(), confidence: g.confidence, source: LangSource::Detected };
    }
    let top = detector().compute_language_confidence_values(text).into_iter().next();
    match top {
        Some((lang, confidence)) if confidence > 0.0 => {
            LangDecision { lang: lang.iso_code_639_1().to_string(), confidence, source: LangSource::Detected }
        }
        _ => LangDecision { lang: "und".into(), confidence: 0.0, source: LangSource::Unknown },
    }
}

/// Whether detection can answer `code` at all. A hint of a language no model knows (Hausa,
/// Kinyarwanda) always wins: a guess among the others is wrong by construction.
fn detectable(code: &str) -> bool {
    script::SCRIPT_LANGUAGES.contains(&code)
        || code == "zh"
        || detector_languages().iter().any(|l| l.iso_code_639_1().to_string() == code)
}

fn detector_languages() -> &'static std::collections::HashSet<lingua::Language> {
    static LANGS: std::sync::OnceLock<std::collections::HashSet<lingua::Language>> = std::sync::OnceLock::new();
    LANGS.get_or_init(lingua::Language::all)
}

/// One lingua detector for the process, over the languages compiled in (Cargo.toml picks
/// them: tocsin's lexicon languages written in shared scripts, plus their usual confusers so
/// that, say, Shona is not forced into Swahili).
fn detector() -> &'static lingua::LanguageDetector {
    static DETECTOR: std::sync::OnceLock<lingua::LanguageDetector> = std::sync::OnceLock::new();
    DETECTOR.get_or_init(|| lingua::LanguageDetectorBuilder::from_all_languages().build())
}

/// Whether `code` (lowercase, as [`normalize_code`] returns it) is an ISO 639-1 code, or a
/// 639-3 code without a two-letter form that tocsin knows.
pub fn is_language_code(code: &str) -> bool {
    const ISO_639_1: &str = "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu \
        cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id \
        ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi \
        mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd \
        se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa \
        wo xh yi yo za zh zu";
    const ISO_639_3_ONLY: &[&str] = &["pcm", "fil", "ceb", "haw", "yue", "nso", "kri", "luo", "kam", "mer", "tir"];
    (code.len() == 2 && ISO_639_1.split_whitespace().any(|c| c == code)) || ISO_639_3_ONLY.contains(&code)
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
        assert!(is_language_code("sw") && is_language_code("pcm"));
        assert!(!is_language_code("us"), "a country is not a language");
    }

    fn article(lang: &str, text: &str) -> Article {
        Article {
            id: String::new(),
            url: String::new(),
            canonical_url: String::new(),
            feed_id: String::new(),
            outlet: String::new(),
            country: None,
            title: String::new(),
            text: text.into(),
            published: chrono::Utc::now(),
            published_is_fetch_time: false,
            fetched: chrono::Utc::now(),
            lang: lang.into(),
            lang_confidence: 0.0,
            authors: vec![],
            tags: vec![],
        }
    }

    #[test]
    fn metadata_first_then_text_then_hint_over_a_weak_guess() {
        let fr = "Le gouvernement a annoncé mardi une nouvelle réforme des retraites qui sera débattue.";
        let d = decide(&article("", fr), Some("fr-FR"), Some("en"));
        assert_eq!((d.lang.as_str(), d.source), ("fr", LangSource::Declared));
        let d = decide(&article("", fr), Some("US"), None);
        assert_eq!((d.lang.as_str(), d.source), ("fr", LangSource::Detected), "a bogus declaration is ignored");
        let d = decide(&article("", fr), None, Some("sw"));
        assert_eq!(d.lang, "fr", "a confident guess beats the hint");
        let d = decide(&article("", "ok"), None, Some("sw"));
        assert_eq!((d.lang.as_str(), d.source), ("sw", LangSource::Hint), "a weak guess loses to the hint");
        assert_eq!(decide(&article("am", fr), None, None).lang, "am", "the item's own language comes first");
        let ha = "Shugaban kasar ya ce gwamnati za ta dauki matakai domin magance matsalar tsaro a yankin arewa.";
        assert_eq!(decide(&article("", ha), None, Some("ha")).lang, "ha", "no model knows Hausa: the hint wins");
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
