//! Per-language text analysis: which analyser an article's language gets, and the tokenizer
//! they all share.
//!
//! Design: **one pair of text fields per analyser** (`title`/`text` for the default analyser,
//! `title_fr`/`text_fr` for French, …), not one field with a language-routing tokenizer.
//! At index time the article's language picks the field pair, so its words are stemmed by the
//! right stemmer. At query time the query is analysed once per field by that field's own
//! analyser and the fields are OR-ed: `tuent` is stemmed as French for `text_fr` and as
//! English for `text_en`, so each language's documents are matched the way they were indexed.
//! A routing tokenizer cannot do that: the query carries no language, so it would not know
//! which stemmer to apply. Per-field analysis also gives each language its own term
//! statistics for BM25, and `--lang` narrows the query to that language's fields.
//!
//! Every analyser starts with [`ScriptTokenizer`]: words (letters, digits and combining
//! marks) in scripts written with spaces, and overlapping character **bigrams** in scripts
//! written without spaces (Han, Hiragana, Katakana, Thai, Lao, Myanmar, Khmer: the
//! classifier's own [`crate::classify::normalize::is_unspaced_script`]), the CJK
//! bigram method of Lucene's `CJKBigramFilter`. A query word in those scripts becomes a
//! phrase of bigrams, so `屠杀` finds `屠杀` without a dictionary. Then long tokens (> 40
//! bytes) are dropped, tokens are lowercased, stemmed where tantivy has a Snowball stemmer
//! (18 languages), and folded to ASCII (`élèves` ≡ `eleves`). No stop words are removed:
//! phrases such as "kill them all" must keep every word.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer,
    TokenizerManager,
};

use crate::classify::normalize::is_unspaced_script as is_unspaced;

/// Version of the analysis, part of every tokenizer name: changing how text is analysed
/// changes the schema, and [`crate::index::ArticleIndex::open`] then rebuilds the index.
const ANALYSIS_VERSION: &str = "v1";

/// An analyser: the default one, or one with a Snowball stemmer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Analyzer {
    /// No stemmer: languages tantivy has no stemmer for (sw, ha, am, zh, ja, …) and `und`.
    Default,
    /// A Snowball stemmer, for the ISO 639-1 code `code`.
    Stemmed {
        /// ISO 639-1 code, used as the field suffix.
        code: &'static str,
        /// The stemmer.
        language: Language,
    },
}

/// The stemmed analysers: every stemmer tantivy has, with the ISO 639-1 code that selects it.
const STEMMED: [(&str, Language); 18] = [
    ("ar", Language::Arabic),
    ("da", Language::Danish),
    ("de", Language::German),
    ("el", Language::Greek),
    ("en", Language::English),
    ("es", Language::Spanish),
    ("fi", Language::Finnish),
    ("fr", Language::French),
    ("hu", Language::Hungarian),
    ("it", Language::Italian),
    ("nl", Language::Dutch),
    ("no", Language::Norwegian),
    ("pt", Language::Portuguese),
    ("ro", Language::Romanian),
    ("ru", Language::Russian),
    ("sv", Language::Swedish),
    ("ta", Language::Tamil),
    ("tr", Language::Turkish),
];

/// Number of analysers (the default one and the stemmed ones).
pub const ANALYZER_COUNT: usize = STEMMED.len() + 1;

impl Analyzer {
    /// Every analyser, the default one first; [`Analyzer::slot`] is the position here.
    pub fn all() -> impl Iterator<Item = Analyzer> {
        std::iter::once(Analyzer::Default)
            .chain(STEMMED.iter().map(|&(code, language)| Analyzer::Stemmed { code, language }))
    }

    /// The analyser for an article's language code (`fr`, `fr-CA`, `nb` …); the default one
    /// for languages without a stemmer.
    pub fn for_lang(lang: &str) -> Analyzer {
        let primary = lang.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        let primary = match primary.as_str() {
            "nb" | "nn" => "no",
            "fra" => "fr",
            "eng" => "en",
            "spa" => "es",
            "deu" | "ger" => "de",
            "ara" => "ar",
            "por" => "pt",
            "rus" => "ru",
            other => other,
        };
        STEMMED
            .iter()
            .find(|(code, _)| *code == primary)
            .map(|&(code, language)| Analyzer::Stemmed { code, language })
            .unwrap_or(Analyzer::Default)
    }

    /// Position in [`Analyzer::all`].
    pub fn slot(self) -> usize {
        match self {
            Analyzer::Default => 0,
            Analyzer::Stemmed { code, .. } => 1 + STEMMED.iter().position(|(c, _)| *c == code).unwrap_or(0),
        }
    }

    /// Suffix of this analyser's field names: `""` for the default, `"_fr"` for French.
    pub fn field_suffix(self) -> String {
        match self {
            Analyzer::Default => String::new(),
            Analyzer::Stemmed { code, .. } => format!("_{code}"),
        }
    }

    /// The name under which this analyser is registered with tantivy.
    pub fn tokenizer_name(self) -> String {
        match self {
            Analyzer::Default => format!("tocsin_{ANALYSIS_VERSION}"),
            Analyzer::Stemmed { code, .. } => format!("tocsin_{ANALYSIS_VERSION}_{code}"),
        }
    }

    /// Build the tantivy analyser.
    pub fn build(self) -> TextAnalyzer {
        let base =
            TextAnalyzer::builder(ScriptTokenizer::default()).filter(RemoveLongFilter::limit(40)).filter(LowerCaser);
        match self {
            Analyzer::Default => base.filter(AsciiFoldingFilter).build(),
            Analyzer::Stemmed { language, .. } => {
                base.filter(Stemmer::new(language)).filter(AsciiFoldingFilter).build()
            }
        }
    }
}

/// Register every analyser with an index's tokenizer manager.
pub fn register(tokenizers: &TokenizerManager) {
    for a in Analyzer::all() {
        tokenizers.register(&a.tokenizer_name(), a.build());
    }
}

/// True for characters that belong inside a word: letters, digits, combining marks (Indic
/// vowel signs and viramas, Arabic harakat) and the zero-width (non-)joiners.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c) || matches!(c, '\u{200C}' | '\u{200D}')
}

/// Words in spaced scripts, overlapping bigrams in unspaced ones (see the module docs).
#[derive(Clone, Default)]
pub struct ScriptTokenizer {
    token: Token,
}

/// Token stream of [`ScriptTokenizer`].
pub struct ScriptTokenStream<'a> {
    text: &'a str,
    /// Byte offset of the next character to read.
    pos: usize,
    /// Start of the last character of the bigram run being emitted, if inside one.
    run: Option<usize>,
    token: &'a mut Token,
}

impl Tokenizer for ScriptTokenizer {
    type TokenStream<'a> = ScriptTokenStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> ScriptTokenStream<'a> {
        self.token.reset();
        ScriptTokenStream { text, pos: 0, run: None, token: &mut self.token }
    }
}

impl ScriptTokenStream<'_> {
    fn next_char(&self, at: usize) -> Option<char> {
        self.text[at..].chars().next()
    }

    fn emit(&mut self, from: usize, to: usize) -> bool {
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.text.push_str(&self.text[from..to]);
        true
    }
}

impl TokenStream for ScriptTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        self.token.position = self.token.position.wrapping_add(1);
        if let Some(prev) = self.run.take()
            && let Some(c) = self.next_char(self.pos).filter(|c| is_unspaced(*c))
        {
            let end = self.pos + c.len_utf8();
            self.run = Some(self.pos);
            self.pos = end;
            return self.emit(prev, end);
        }
        while let Some(c) = self.next_char(self.pos) {
            let start = self.pos;
            self.pos += c.len_utf8();
            if is_unspaced(c) {
                return match self.next_char(self.pos).filter(|d| is_unspaced(*d)) {
                    Some(d) => {
                        self.run = Some(self.pos);
                        self.pos += d.len_utf8();
                        self.emit(start, self.pos)
                    }
                    None => self.emit(start, self.pos),
                };
            }
            if is_word_char(c) {
                while let Some(d) = self.next_char(self.pos).filter(|d| is_word_char(*d) && !is_unspaced(*d)) {
                    self.pos += d.len_utf8();
                }
                return self.emit(start, self.pos);
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(analyzer: Analyzer, text: &str) -> Vec<String> {
        let mut a = analyzer.build();
        let mut stream = a.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push(t.text.clone());
        }
        out
    }

    #[test]
    fn words_and_bigrams() {
        assert_eq!(tokens(Analyzer::Default, "Kill them, l'homme 42!"), ["kill", "them", "l", "homme", "42"]);
        assert_eq!(tokens(Analyzer::Default, "他们屠杀了 村民 a"), ["他们", "们屠", "屠杀", "杀了", "村民", "a"]);
        assert_eq!(tokens(Analyzer::Default, "殺すAB"), ["殺す", "ab"]);
        assert_eq!(tokens(Analyzer::Default, "猫"), ["猫"]);
        // A virama does not split a Devanagari word.
        assert_eq!(tokens(Analyzer::Default, "हिन्दी समाचार"), ["हिन्दी", "समाचार"]);
    }

    #[test]
    fn stemmers_fold_inflections() {
        let fr = Analyzer::for_lang("fr");
        assert_eq!(tokens(fr, "tuer tuez"), tokens(fr, "tue tue"));
        assert_eq!(tokens(Analyzer::for_lang("es"), "matar matarán")[0], tokens(Analyzer::for_lang("es"), "matan")[0]);
        assert_eq!(
            tokens(Analyzer::for_lang("de-AT"), "Flüchtlinge")[0],
            tokens(Analyzer::for_lang("de"), "Flüchtling")[0]
        );
        assert_eq!(Analyzer::for_lang("sw"), Analyzer::Default);
        assert_eq!(Analyzer::for_lang("nb").field_suffix(), "_no");
    }

    #[test]
    fn offsets_point_at_the_original() {
        let mut a = Analyzer::Default.build();
        let text = "é 屠杀了";
        let mut stream = a.token_stream(text);
        let mut spans = Vec::new();
        while let Some(t) = stream.next() {
            spans.push(&text[t.offset_from..t.offset_to]);
        }
        assert_eq!(spans, ["é", "屠杀", "杀了"]);
    }
}
