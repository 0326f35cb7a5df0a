//! Lexicons: the analyst-edited data the classifier is compiled from.
//!
//! Data enters as TOML files (`lexicons/categories.toml`, `lexicons/<lang>/<name>.toml`, format
//! in `lexicons/README.md` and DESIGN §4) and leaves as a checked [`LexiconSet`]: every term
//! and rule with its file and line, every category resolved. Compiling into automata happens
//! in [`crate::classify`]; this module only reads and checks, so `lexicon lint` and the
//! classifier see the same errors.

pub mod categories;
pub mod common;
pub mod dictionary;
pub mod hurtlex;
pub mod lint;
pub mod stats;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

pub use categories::{Categories, CategoryDef};
pub use common::CommonWords;
pub use dictionary::{Dictionary, WordKey};

use crate::config::FileError;

/// `[lexicon]`: what a lexicon file is.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LexiconMeta {
    /// Unique id, such as `en-violence`.
    pub id: String,
    /// ISO 639-1 code (639-3 where none) of the text the terms apply to.
    pub language: String,
    /// Version, such as `2026.11.0`.
    #[serde(default)]
    pub version: String,
    /// What the file holds.
    #[serde(default)]
    pub description: String,
    /// Where the terms come from.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Licence of the file.
    #[serde(default)]
    pub licence: String,
    /// Terms apply to text in every language (for names, emoji, codes), not only `language`.
    #[serde(default)]
    pub universal: bool,
    /// Match terms without their diacritics, in text with or without them: "etrangers" and
    /// "étrangers", "mujer" and "mújer", "zydzi" and "żydzi" meet. For languages whose
    /// writers often drop accents online; off where a mark tells words apart.
    #[serde(default)]
    pub fold_diacritics: bool,
    /// Also find each single-word term misspelt once: two neighbouring letters swapped (words
    /// of 5+ letters) or one inner letter dropped (6+ letters), the first and last letters
    /// kept — "thraet", "murdr". A misspelling that is itself a word of some lexicon is not
    /// added. For languages with settled spelling where evasion by typo is common.
    #[serde(default)]
    pub typos: bool,
    /// Correctly spelt words of the language, one per line, relative to this file: a word in
    /// it is never taken for a misspelling ("three" is not a typo of "there"). Without one,
    /// `typos` corrects only swapped neighbours in words of six letters or more (few real
    /// words lie one swap away from them), no dropped letters, and never splits run-together
    /// words.
    #[serde(default)]
    pub dictionary: Option<PathBuf>,
    /// The most frequent words of the language, one per line, most frequent first, relative
    /// to this file (lines starting with `#` are comments): a sentence in an article of
    /// another language with several of these words and few of the article language's own is
    /// asked about, and read in this language when the detector agrees (see
    /// [`crate::lang::runs`]). Big dictionaries hold other languages' commonest words too, so
    /// they alone cannot find an English sentence in a French article.
    #[serde(default)]
    pub common_words: Option<PathBuf>,
}

/// `[[term]]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermSpec {
    /// Literal; a trailing `*` matches any word ending, spaces any run of spaces or punctuation.
    #[serde(rename = "match")]
    pub literal: Option<String>,
    /// Regular expression over the normalised text, for what literals cannot say.
    pub regex: Option<String>,
    /// Id, so rules can name the term.
    pub id: Option<String>,
    /// Category name from `categories.toml`.
    pub category: String,
    /// Weight in 0..1; the category's default when absent.
    pub weight: Option<f64>,
    /// A harmless phrase ("kill time", "tuer dans l'œuf"): matches of its category inside it
    /// are no evidence and no rule sees them, and it is neither itself. Its weight is unused.
    #[serde(default)]
    pub silence: bool,
    /// For a term of the `negation` cue category: which words it negates (default
    /// `following`). Verb-final and predicate-final languages put the negation after what it
    /// negates: Turkish "hayvan değil" (not animals), Amharic "እንስሳ አይደሉም", Bengali "মারব না"
    /// (will not kill).
    pub negates: Option<Negates>,
    /// Why the term matters, and its ambiguities.
    #[serde(default)]
    pub note: String,
    /// Texts the term must match.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Texts the term must not match.
    #[serde(default)]
    pub counter_examples: Vec<String>,
}

/// Which words a negation cue governs: those on the side it names, in the same clause, at
/// most [`crate::classify::NEGATION_REACH`] tokens after it or
/// [`crate::classify::NEGATION_REACH_AFTER`] tokens before it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Negates {
    /// The words after it: "not kill", "nie zabijać", "ne … pas".
    #[default]
    Following,
    /// The words before it: Turkish "değil", Amharic "አይደለም", Bengali "না".
    Preceding,
    /// Either side: Hindi and Urdu "नहीं"/"نہیں" stand before a verb ("नहीं मारेंगे") and after
    /// a predicate ("कीड़े नहीं हैं").
    Both,
}

impl Negates {
    /// Whether it negates words that follow it.
    pub fn following(self) -> bool {
        self != Negates::Preceding
    }

    /// Whether it negates words that precede it.
    pub fn preceding(self) -> bool {
        self != Negates::Following
    }
}

/// `[[rule]]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Unique id.
    pub id: String,
    /// Categories or term ids that must all occur.
    #[serde(default)]
    pub all: Vec<String>,
    /// Categories or term ids of which at least one must occur.
    #[serde(default)]
    pub any: Vec<String>,
    /// Largest distance in tokens between the parts (same sentence in any case).
    pub within: Option<usize>,
    /// Cue categories that void the rule in the sentence.
    #[serde(default)]
    pub unless: Vec<String>,
    /// Category the rule's evidence counts for.
    pub category: String,
    /// Weight in 0..1; the category's default when absent.
    pub weight: Option<f64>,
    /// Why the rule exists.
    #[serde(default)]
    pub note: String,
    /// Texts the rule must fire on.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Texts the rule must not fire on.
    #[serde(default)]
    pub counter_examples: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    lexicon: LexiconMeta,
    #[serde(default)]
    term: Vec<Spanned<TermSpec>>,
    #[serde(default)]
    rule: Vec<Spanned<RuleSpec>>,
}

/// Where an entry was written: file and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The lexicon file.
    pub path: PathBuf,
    /// 1-based line of the `[[term]]` or `[[rule]]` entry.
    pub line: usize,
}

impl Origin {
    /// An error about this entry.
    pub fn error(&self, message: impl Into<String>) -> FileError {
        FileError { path: self.path.clone(), line: Some(self.line), column: None, message: message.into() }
    }
}

/// A term with its origin and resolved weight.
#[derive(Debug, Clone)]
pub struct Term {
    /// As written.
    pub spec: TermSpec,
    /// Weight after the category default was applied.
    pub weight: f64,
    /// File and line.
    pub origin: Origin,
}

impl Term {
    /// The string shown as evidence: the `match` or the `regex`.
    pub fn label(&self) -> &str {
        self.spec.literal.as_deref().or(self.spec.regex.as_deref()).unwrap_or("")
    }
}

/// A rule with its origin and resolved weight.
#[derive(Debug, Clone)]
pub struct Rule {
    /// As written.
    pub spec: RuleSpec,
    /// Weight after the category default was applied.
    pub weight: f64,
    /// File and line.
    pub origin: Origin,
}

/// One loaded lexicon file.
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// The `[lexicon]` table.
    pub meta: LexiconMeta,
    /// The file it came from.
    pub path: PathBuf,
    /// Its terms.
    pub terms: Vec<Term>,
    /// Its rules.
    pub rules: Vec<Rule>,
}

/// Every lexicon of a pipeline, with the categories they use: checked, not yet compiled.
#[derive(Debug, Clone)]
pub struct LexiconSet {
    /// The category definitions.
    pub categories: Categories,
    /// The lexicons, in load order (sorted paths).
    pub lexicons: Vec<Lexicon>,
    /// Correctly spelt words per language, from the lexicons' `dictionary` files (shared, not
    /// copied, by every classifier built from the set).
    pub dictionaries: HashMap<String, std::sync::Arc<Dictionary>>,
    /// The most frequent words of each language, from the lexicons' `common_words` files.
    pub common_words: std::sync::Arc<CommonWords>,
}

impl LexiconSet {
    /// Load lexicon folders and files. A folder is searched recursively for `*.toml`; its
    /// `categories.toml` (or the nearest one above a given file) defines the categories.
    ///
    /// All errors are collected, so an analyst sees every mistake at once.
    pub fn load_paths(paths: &[PathBuf]) -> Result<Self, Vec<FileError>> {
        let (categories_path, files) = discover(paths)?;
        let categories = Categories::load(&categories_path).map_err(|e| vec![e])?;
        let mut errors = Vec::new();
        let mut lexicons = Vec::new();
        for file in files {
            match load_file(&file, &categories) {
                Ok(lex) => lexicons.push(lex),
                Err(mut e) => errors.append(&mut e),
            }
        }
        let dictionaries = load_dictionaries(&lexicons, &mut errors);
        let common_words = load_common_words(&lexicons, &mut errors);
        let set = LexiconSet { categories, lexicons, dictionaries, common_words };
        errors.extend(set.check_references());
        if errors.is_empty() { Ok(set) } else { Err(errors) }
    }

    /// Rules must name known categories or term ids; ids must be unique.
    fn check_references(&self) -> Vec<FileError> {
        let mut errors = Vec::new();
        let mut term_ids = HashSet::new();
        let mut lexicon_ids: HashMap<&str, &Path> = HashMap::new();
        for lex in &self.lexicons {
            if let Some(first) = lexicon_ids.insert(&lex.meta.id, &lex.path) {
                errors.push(FileError::whole(
                    &lex.path,
                    format!("lexicon id {:?} is already used by {}", lex.meta.id, first.display()),
                ));
            }
            for t in &lex.terms {
                if let Some(id) = &t.spec.id
                    && !term_ids.insert(id.as_str())
                {
                    errors.push(t.origin.error(format!("term id {id:?} is used twice")));
                }
            }
        }
        for lex in &self.lexicons {
            for r in &lex.rules {
                for name in r.spec.all.iter().chain(&r.spec.any) {
                    if self.categories.get(name).is_none() && !term_ids.contains(name.as_str()) {
                        errors.push(
                            r.origin
                                .error(format!("rule {:?}: {name:?} is neither a category nor a term id", r.spec.id)),
                        );
                    }
                }
                for name in &r.spec.unless {
                    if !self.categories.get(name).is_some_and(|c| c.cue) {
                        errors.push(r.origin.error(format!(
                            "rule {:?}: unless {name:?} must be a cue category ({})",
                            r.spec.id,
                            self.categories.cue_names().join(", ")
                        )));
                    }
                }
            }
        }
        errors
    }

    /// Number of terms and rules in all lexicons.
    pub fn counts(&self) -> (usize, usize) {
        self.lexicons.iter().fold((0, 0), |(t, r), l| (t + l.terms.len(), r + l.rules.len()))
    }
}

/// Join errors one per line, for messages.
pub fn format_errors(errors: &[FileError]) -> String {
    errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")
}

/// Find `categories.toml` and the lexicon files under the given paths: a folder is searched
/// recursively for `*.toml`; the first folder's `categories.toml` (or the nearest one above a
/// given file) defines the categories. Files come back sorted.
pub fn discover(paths: &[PathBuf]) -> Result<(PathBuf, Vec<PathBuf>), Vec<FileError>> {
    let mut files = Vec::new();
    let mut categories = None;
    for path in paths {
        if path.is_dir() {
            // The folder's own categories.toml, or the nearest one above (`lexicons/fr`).
            if categories.is_none() {
                categories = path.ancestors().map(|d| d.join("categories.toml")).find(|c| c.is_file());
            }
            collect_toml(path, &mut files)
                .map_err(|e| vec![FileError::whole(path, format!("cannot read folder: {e}"))])?;
        } else if path.is_file() {
            if categories.is_none() {
                categories = path.ancestors().skip(1).map(|d| d.join("categories.toml")).find(|c| c.is_file());
            }
            files.push(path.clone());
        } else {
            return Err(vec![FileError::whole(path, "no such lexicon file or folder")]);
        }
    }
    files.retain(|f| f.file_name().is_some_and(|n| n != "categories.toml"));
    files.sort();
    files.dedup();
    let categories = categories.ok_or_else(|| {
        let shown = paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
        vec![FileError::whole(Path::new(&shown), "no categories.toml in these lexicon paths or the folders above them")]
    })?;
    Ok((categories, files))
}

fn collect_toml(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_toml(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}

/// A lexicon file as written: parsed, each entry with its origin, nothing checked yet.
///
/// [`load_file`] checks it into a [`Lexicon`]; `lexicon lint` checks it entry by entry so
/// that one bad term does not hide the problems of the others.
#[derive(Debug, Clone)]
pub struct ParsedLexicon {
    /// The `[lexicon]` table.
    pub meta: LexiconMeta,
    /// The file it came from.
    pub path: PathBuf,
    /// Its `[[term]]` entries, in file order.
    pub terms: Vec<(TermSpec, Origin)>,
    /// Its `[[rule]]` entries, in file order.
    pub rules: Vec<(RuleSpec, Origin)>,
}

/// Read and parse one lexicon file: TOML syntax and field names only.
pub fn parse_file(path: &Path) -> Result<ParsedLexicon, FileError> {
    let source =
        std::fs::read_to_string(path).map_err(|e| FileError::whole(path, format!("cannot read lexicon: {e}")))?;
    let file: LexiconFile = toml::from_str(&source).map_err(|e| FileError::from_toml(path, &source, &e))?;
    // Line starts once, not a scan from the top per entry: imported lexicons have thousands.
    let newlines: Vec<usize> = source.match_indices('\n').map(|(i, _)| i).collect();
    let with_origin =
        |start: usize| Origin { path: path.to_path_buf(), line: newlines.partition_point(|&n| n < start) + 1 };
    Ok(ParsedLexicon {
        meta: file.lexicon,
        path: path.to_path_buf(),
        terms: file
            .term
            .into_iter()
            .map(|s| (with_origin(s.span().start), s))
            .map(|(o, s)| (s.into_inner(), o))
            .collect(),
        rules: file
            .rule
            .into_iter()
            .map(|s| (with_origin(s.span().start), s))
            .map(|(o, s)| (s.into_inner(), o))
            .collect(),
    })
}

/// Read one lexicon file and check each entry on its own.
pub fn load_file(path: &Path, categories: &Categories) -> Result<Lexicon, Vec<FileError>> {
    let parsed = parse_file(path).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let mut terms = Vec::new();
    for (spec, origin) in parsed.terms {
        match check_term(&spec, categories) {
            Ok(weight) => terms.push(Term { spec, weight, origin }),
            Err(e) => errors.push(origin.error(e.to_string())),
        }
    }
    let mut rules = Vec::new();
    for (spec, origin) in parsed.rules {
        match check_rule(&spec, categories) {
            Ok(weight) => rules.push(Rule { spec, weight, origin }),
            Err(e) => errors.push(origin.error(e.to_string())),
        }
    }
    if parsed.meta.id.trim().is_empty() || parsed.meta.language.trim().is_empty() {
        errors.push(FileError::whole(path, "[lexicon] id and language must not be empty"));
    }
    if errors.is_empty() { Ok(Lexicon { meta: parsed.meta, path: parsed.path, terms, rules }) } else { Err(errors) }
}

/// A set of words, looked up for every word of every text by the speller: hashed with the
/// fast non-cryptographic FxHash (the keys come from lexicon files, not attackers).
pub type WordSet = rustc_hash::FxHashSet<String>;

/// Read each language's `dictionary` files once.
pub(crate) fn load_dictionaries(
    lexicons: &[Lexicon],
    errors: &mut Vec<FileError>,
) -> HashMap<String, std::sync::Arc<Dictionary>> {
    let mut out: HashMap<String, Dictionary> = HashMap::new();
    each_listed_file(
        lexicons,
        |m| m.dictionary.as_ref(),
        "dictionary",
        errors,
        |lex, _, text, _| match out.entry(lex.meta.language.clone()) {
            std::collections::hash_map::Entry::Occupied(mut d) => d.get_mut().add_lines(&text),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(Dictionary::from_lines(&text));
            }
        },
    );
    out.into_iter().map(|(lang, words)| (lang, std::sync::Arc::new(words))).collect()
}

/// Read each language's `common_words` files once.
pub(crate) fn load_common_words(lexicons: &[Lexicon], errors: &mut Vec<FileError>) -> std::sync::Arc<CommonWords> {
    let mut out = CommonWords::default();
    each_listed_file(
        lexicons,
        |m| m.common_words.as_ref(),
        "common_words",
        errors,
        |lex, path, text, errors| {
            if !out.add_lines(&lex.meta.language, &text) {
                let problem = format!("more than {} languages have common words", common::MAX_LANGUAGES);
                errors.push(FileError::whole(&lex.path, format!("common_words {}: {problem}", path.display())));
            }
        },
    );
    std::sync::Arc::new(out)
}

/// Hand `each` the files that lexicons name under `key` (such as `dictionary`), each read
/// once, one at a time (word lists are megabytes): with the first lexicon naming it, its path
/// (relative to that lexicon's folder), its text and `errors`. A file that cannot be read is
/// an error of that lexicon's, under `key_name`.
fn each_listed_file(
    lexicons: &[Lexicon],
    key: impl Fn(&LexiconMeta) -> Option<&PathBuf>,
    key_name: &str,
    errors: &mut Vec<FileError>,
    mut each: impl FnMut(&Lexicon, &Path, String, &mut Vec<FileError>),
) {
    let mut read: HashSet<PathBuf> = HashSet::new();
    for lex in lexicons {
        let Some(file) = key(&lex.meta) else { continue };
        let path = lex.path.parent().unwrap_or(Path::new(".")).join(file);
        if !read.insert(path.clone()) {
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(text) => each(lex, &path, text, errors),
            Err(e) => {
                errors.push(FileError::whole(&lex.path, format!("{key_name} {}: cannot read it: {e}", path.display())))
            }
        }
    }
}

/// Why one term or rule is not valid on its own (its references are checked with the set).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EntryError {
    /// The category is not in `categories.toml`.
    #[error("{0}")]
    UnknownCategory(String),
    /// A term with both `match` and `regex`.
    #[error("a term has either `match` or `regex`, not both")]
    MatchAndRegex,
    /// A term with neither `match` nor `regex`.
    #[error("a term needs `match = \"…\"` or `regex = \"…\"`")]
    NoPattern,
    /// `match` is empty or only `*`.
    #[error("`match` is empty")]
    EmptyMatch,
    /// A regex term that does not compile or matches the empty string.
    #[error(transparent)]
    Regex(#[from] RegexError),
    /// A weight outside 0..1.
    #[error("weight {0} is outside 0..1")]
    Weight(f64),
    /// `negates` on a term of another category than `negation`.
    #[error("`negates` is for terms of the \"negation\" category, not {0:?}")]
    NegatesOutsideNegation(String),
    /// A rule with neither `all` nor `any`.
    #[error("rule {0:?} needs `all` or `any`")]
    RuleWithoutParts(String),
}

/// Why a regex term is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RegexError {
    /// It does not compile (or exceeds [`REGEX_SIZE_LIMIT`]).
    #[error("regex {pattern:?} does not compile: {message}")]
    Invalid {
        /// The regex as written.
        pattern: String,
        /// The regex crate's explanation.
        message: String,
    },
    /// It matches the empty string, so it would match everywhere.
    #[error("regex {0:?} matches the empty string")]
    MatchesEmpty(String),
}

fn check_weight(weight: Option<f64>, category: &CategoryDef) -> Result<f64, EntryError> {
    let w = weight.unwrap_or(category.weight);
    if (0.0..=1.0).contains(&w) { Ok(w) } else { Err(EntryError::Weight(w)) }
}

/// Check one term on its own and return its weight (the category default when absent).
pub fn check_term(spec: &TermSpec, categories: &Categories) -> Result<f64, EntryError> {
    let category = categories.resolve(&spec.category).map_err(EntryError::UnknownCategory)?;
    match (&spec.literal, &spec.regex) {
        (Some(_), Some(_)) => return Err(EntryError::MatchAndRegex),
        (None, None) => return Err(EntryError::NoPattern),
        (Some(m), None) if m.trim_end_matches('*').trim().is_empty() => return Err(EntryError::EmptyMatch),
        (None, Some(source)) => {
            compile_regex(source)?;
        }
        _ => {}
    }
    if spec.negates.is_some() && category.name != categories::CUE_NEGATION {
        return Err(EntryError::NegatesOutsideNegation(category.name.clone()));
    }
    check_weight(spec.weight, category)
}

/// Largest compiled size of one regex term, so a pathological pattern fails at load time.
pub const REGEX_SIZE_LIMIT: usize = 2 * 1024 * 1024;

/// A regex term must compile within the size limit and never match the empty string (it would
/// match everywhere).
pub fn check_regex(source: &str) -> Result<regex::Regex, String> {
    compile_regex(source).map_err(|e| e.to_string())
}

/// [`check_regex`] with a typed error.
pub fn compile_regex(source: &str) -> Result<regex::Regex, RegexError> {
    let re = regex::RegexBuilder::new(source)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| RegexError::Invalid { pattern: source.to_string(), message: e.to_string() })?;
    if re.is_match("") {
        return Err(RegexError::MatchesEmpty(source.to_string()));
    }
    Ok(re)
}

/// Check one rule on its own (not its references) and return its weight.
pub fn check_rule(spec: &RuleSpec, categories: &Categories) -> Result<f64, EntryError> {
    let category = categories.resolve(&spec.category).map_err(EntryError::UnknownCategory)?;
    if spec.all.is_empty() && spec.any.is_empty() {
        return Err(EntryError::RuleWithoutParts(spec.id.clone()));
    }
    check_weight(spec.weight, category)
}
