//! `tocsin lexicon lint`: the mistakes lexicons collect, found without running a single
//! example, so analysts see all of them at once and before a pipeline refuses to start.
//!
//! Loading ([`super::LexiconSet::load_paths`]) stops at the first kind of mistake and says
//! nothing about terms that load but cannot work. Lint reads leniently — a file that does not
//! parse is reported and skipped, a bad entry is reported and left out — and then checks the
//! rest as a whole: duplicates within and across files, literals that normalisation empties,
//! regexes the normalised text can never contain, rules that reference nothing, terms that a
//! longer term always hides, and missing notes, examples, sources and licences.
//!
//! Data enters as lexicon paths ([`lint_paths`]) or an already loaded set ([`lint_set`], pure)
//! and leaves as a [`LintReport`] of [`Diagnostic`]s, each with file, line, a stable [`Code`]
//! and a [`Severity`]. Errors are what the loader or the classifier would refuse, or entries
//! that can never fire; warnings are what works but is probably not what the analyst meant.
//!
//! # Shadowed terms
//!
//! The classifier keeps every match that passes its language and word-boundary checks, and
//! then drops the *evidence* of a term lying inside a longer match of the same category (rules
//! still see both). Term A is *shadowed* by term B when both are literals of the same category
//! and of overlapping languages, and A's normalised pattern lies inside B's starting at a word
//! start and ending at a word end (for a stem `A*`, ending anywhere; in scripts written
//! without spaces, anywhere at all), B being longer. Then wherever B's words occur, only B is
//! evidence: A's weight is not counted there. [`Code::Shadowed`] reports it, so that a longer
//! phrase with its own weight is deliberate. [`Code::ShadowedByOtherLanguage`] is no longer
//! reported: a term of another language never hides one of the text's language.

mod references;
mod shadowing;
mod terms;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Serialize, Serializer};

use super::{
    Categories, EntryError, Lexicon, LexiconSet, Origin, ParsedLexicon, RegexError, Rule, Term, check_rule, check_term,
    discover, parse_file,
};
use crate::classify::normalize::{is_unspaced_script, normalize};
use crate::config::FileError;

pub use terms::unnormalised_regex_parts;

/// How bad a finding is: errors make `lexicon lint` exit non-zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The loader or classifier refuses it, or it can never fire.
    Error,
    /// It works, but probably not as meant.
    Warning,
}

impl Severity {
    /// `error` or `warning`, as printed and serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Declares [`Code`] from one table: variant, stable name, severity and meaning.
macro_rules! codes {
    ($($(#[doc = $doc:literal])+ $variant:ident = $name:literal, $severity:ident;)+) => {
        /// What kind of finding a [`Diagnostic`] is. The kebab-case names are stable: they
        /// appear in the text output and the JSON.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $($(#[doc = $doc])+ $variant,)+
        }

        impl Code {
            /// Every code, errors first.
            pub const ALL: &[Code] = &[$(Code::$variant),+];

            /// The stable kebab-case name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)+
                }
            }

            /// Errors stop `lexicon lint` (the loader or classifier would refuse the entry, or
            /// it can never fire); warnings do not.
            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)+
                }
            }
        }
    };
}

codes! {
    /// The file cannot be read, is not TOML, or has unknown or missing fields.
    Parse = "parse", Error;
    /// `[lexicon]` without an id or language.
    BadLexicon = "bad-lexicon", Error;
    /// A category not in `categories.toml`.
    UnknownCategory = "unknown-category", Error;
    /// A weight outside 0..1.
    BadWeight = "bad-weight", Error;
    /// A term with both `match` and `regex`, or neither.
    BadTerm = "bad-term", Error;
    /// A rule with neither `all` nor `any`.
    BadRule = "bad-rule", Error;
    /// A lexicon, term or rule id used twice, or a term id that is also a category name.
    DuplicateId = "duplicate-id", Error;
    /// Two terms of one language and category that fire on the same words: the same
    /// normalised pattern or regex, or a regex that matches all of a literal's words.
    DuplicateTerm = "duplicate-term", Error;
    /// A literal that normalises to nothing.
    NeverMatches = "never-matches", Error;
    /// A regex that does not compile.
    RegexInvalid = "regex-invalid", Error;
    /// A regex that matches the empty string.
    RegexMatchesEmpty = "regex-matches-empty", Error;
    /// A rule names something that is neither a category nor a term id.
    UnknownReference = "unknown-reference", Error;
    /// A rule part that no term of the rule's language can satisfy.
    RuleReferencesNothing = "rule-references-nothing", Error;
    /// `unless` names a category that is not a context cue.
    UnlessNotCue = "unless-not-cue", Error;
    /// Two terms that fire on the same words, as for `duplicate-term`, in different categories.
    DuplicatePattern = "duplicate-pattern", Warning;
    /// A `*` that is not at the end of a literal (it becomes a word separator).
    WildcardNotAtEnd = "wildcard-not-at-end", Warning;
    /// A literal with regex operators, which normalisation turns into spaces.
    RegexSyntaxInMatch = "regex-syntax-in-match", Warning;
    /// A literal with symbols (emoji, currency signs …) that normalisation removes, so the
    /// term matches the remaining words without them.
    RemovedCharacters = "removed-characters", Warning;
    /// A regex that spells characters the normalised text never contains (capitals, curly
    /// apostrophes, Arabic vowel marks, decomposed accents, tabs).
    RegexUnnormalised = "regex-unnormalised", Warning;
    /// A literal whose evidence always gives way to a longer literal of its category and
    /// language (module docs).
    Shadowed = "shadowed", Warning;
    /// No longer reported (a literal of another language hides nothing since matches are
    /// checked before the longest is chosen); kept so tools that read codes still know it.
    ShadowedByOtherLanguage = "shadowed-by-other-language", Warning;
    /// One part of a rule's `any` that no term can satisfy, while other parts can.
    AnyPartReferencesNothing = "any-part-references-nothing", Warning;
    /// `unless` names a cue category that has no terms in the rule's language.
    UnlessWithoutCues = "unless-without-cues", Warning;
    /// A regex of a spaced script that is searched in every text of its language: it is no
    /// finite list of phrases and does not start with words to look it up by (a leading
    /// `\d`, `\w+` or optional part). One such regex can cost as much as all the literals.
    RegexOnEveryText = "regex-on-every-text", Warning;
    /// A term or rule without a `note`.
    MissingNote = "missing-note", Warning;
    /// A term or rule without `examples`.
    MissingExamples = "missing-examples", Warning;
    /// A lexicon without `sources`.
    MissingSources = "missing-sources", Warning;
    /// A lexicon without `licence`.
    MissingLicence = "missing-licence", Warning;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One finding: where, what kind, how bad, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The lexicon file (or folder, for problems finding files).
    pub file: PathBuf,
    /// 1-based line of the entry, when the finding is about one entry.
    pub line: Option<usize>,
    /// The kind of finding.
    pub code: Code,
    /// Error or warning (follows from `code`).
    pub severity: Severity,
    /// What is wrong, in a sentence, naming the other entry when there is one.
    pub message: String,
}

impl Diagnostic {
    /// A finding about an entry.
    pub fn at(origin: &Origin, code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            file: origin.path.clone(),
            line: Some(origin.line),
            code,
            severity: code.severity(),
            message: message.into(),
        }
    }

    /// A finding about a whole file.
    pub fn file(path: &Path, code: Code, message: impl Into<String>) -> Self {
        Diagnostic { file: path.to_path_buf(), line: None, code, severity: code.severity(), message: message.into() }
    }

    fn from_file_error(code: Code, e: FileError) -> Self {
        Diagnostic { file: e.path, line: e.line, code, severity: code.severity(), message: e.message }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {} [{}] {}", self.severity.as_str(), self.code, self.message)
    }
}

/// What lint found in a set of lexicon paths.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LintReport {
    /// Lexicon files read (parsed or not).
    pub files: usize,
    /// Findings, sorted by file, line and code.
    pub diagnostics: Vec<Diagnostic>,
}

impl LintReport {
    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Error)
    }

    /// The warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Warning)
    }

    /// Whether anything is an error.
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// How many findings of each code.
    pub fn counts(&self) -> BTreeMap<Code, usize> {
        let mut counts = BTreeMap::new();
        for d in &self.diagnostics {
            *counts.entry(d.code).or_default() += 1;
        }
        counts
    }
}

/// Lint lexicon folders and files (as for [`LexiconSet::load_paths`]).
pub fn lint_paths(paths: &[PathBuf]) -> LintReport {
    let (categories_path, files) = match discover(paths) {
        Ok(found) => found,
        Err(errors) => return report(0, errors.into_iter().map(|e| Diagnostic::from_file_error(Code::Parse, e))),
    };
    let categories = match Categories::load(&categories_path) {
        Ok(c) => c,
        Err(e) => return report(files.len(), [Diagnostic::from_file_error(Code::Parse, e)]),
    };
    let mut diagnostics = Vec::new();
    let mut parsed = Vec::new();
    for file in &files {
        match parse_file(file) {
            Ok(p) => parsed.push(p),
            Err(e) => diagnostics.push(Diagnostic::from_file_error(Code::Parse, e)),
        }
    }
    let (set, entry_findings) = check_entries(categories, parsed);
    diagnostics.extend(entry_findings);
    diagnostics.extend(lint_set(&set));
    report(files.len(), diagnostics)
}

fn report(files: usize, diagnostics: impl IntoIterator<Item = Diagnostic>) -> LintReport {
    let mut diagnostics: Vec<Diagnostic> = diagnostics.into_iter().collect();
    diagnostics.sort_by(|a, b| (&a.file, a.line, a.code).cmp(&(&b.file, b.line, b.code)));
    diagnostics.dedup();
    LintReport { files, diagnostics }
}

/// Check each parsed entry on its own, as the loader does, and keep the valid ones in a set.
pub fn check_entries(categories: Categories, parsed: Vec<ParsedLexicon>) -> (LexiconSet, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut lexicons = Vec::new();
    for p in parsed {
        if p.meta.id.trim().is_empty() || p.meta.language.trim().is_empty() {
            diagnostics.push(Diagnostic::file(
                &p.path,
                Code::BadLexicon,
                "[lexicon] id and language must not be empty",
            ));
            continue;
        }
        let mut terms = Vec::new();
        for (spec, origin) in p.terms {
            match check_term(&spec, &categories) {
                Ok(weight) => terms.push(Term { spec, weight, origin }),
                Err(e) => diagnostics.push(Diagnostic::at(&origin, entry_code(&e), e.to_string())),
            }
        }
        let mut rules = Vec::new();
        for (spec, origin) in p.rules {
            match check_rule(&spec, &categories) {
                Ok(weight) => rules.push(Rule { spec, weight, origin }),
                Err(e) => diagnostics.push(Diagnostic::at(&origin, entry_code(&e), e.to_string())),
            }
        }
        lexicons.push(Lexicon { meta: p.meta, path: p.path, terms, rules });
    }
    let mut errors = Vec::new();
    let dictionaries = crate::lexicon::load_dictionaries(&lexicons, &mut errors);
    let common_words = crate::lexicon::load_common_words(&lexicons, &mut errors);
    diagnostics.extend(errors.iter().map(|e| Diagnostic::file(&e.path, Code::BadLexicon, e.message.clone())));
    (LexiconSet { categories, lexicons, dictionaries, common_words }, diagnostics)
}

fn entry_code(e: &EntryError) -> Code {
    match e {
        EntryError::UnknownCategory(_) => Code::UnknownCategory,
        EntryError::MatchAndRegex | EntryError::NoPattern | EntryError::NegatesOutsideNegation(_) => Code::BadTerm,
        EntryError::EmptyMatch => Code::NeverMatches,
        EntryError::Regex(RegexError::Invalid { .. }) => Code::RegexInvalid,
        EntryError::Regex(RegexError::MatchesEmpty(_)) => Code::RegexMatchesEmpty,
        EntryError::Weight(_) => Code::BadWeight,
        EntryError::RuleWithoutParts(_) => Code::BadRule,
    }
}

/// Every whole-set check over a loaded set: pure, no I/O.
pub fn lint_set(set: &LexiconSet) -> Vec<Diagnostic> {
    let entries = Entries::new(set);
    let mut out = Vec::new();
    references::check_metadata(set, &mut out);
    references::check_ids(set, &mut out);
    terms::check_patterns(&entries, &mut out);
    terms::check_duplicates(&entries, &mut out);
    terms::check_regex_covers_literal(&entries, &mut out);
    shadowing::check_shadowing(&entries, &mut out);
    references::check_rules(set, &entries, &mut out);
    references::check_documentation(set, &mut out);
    out
}

/// The texts a lexicon's entries apply to.
#[derive(Debug, Clone, Copy)]
struct Scope<'a> {
    language: &'a str,
    universal: bool,
}

impl Scope<'_> {
    fn of(lex: &Lexicon) -> Scope<'_> {
        Scope { language: &lex.meta.language, universal: lex.meta.universal }
    }

    /// Whether some text language sees entries of both scopes.
    fn overlaps(self, other: Scope) -> bool {
        self.universal || other.universal || self.language == other.language
    }
}

/// One term with what the classifier compiles from it.
struct Entry<'a> {
    term: &'a Term,
    scope: Scope<'a>,
    /// The normalised literal pattern (None for regexes).
    pattern: Option<String>,
    /// A trailing `*`.
    stem: bool,
    /// Word boundaries apply (false in scripts written without spaces).
    boundaries: bool,
    /// Category is a context cue.
    cue: bool,
}

struct Entries<'a> {
    list: Vec<Entry<'a>>,
}

impl<'a> Entries<'a> {
    fn new(set: &'a LexiconSet) -> Self {
        let mut list = Vec::new();
        for lex in &set.lexicons {
            for term in &lex.terms {
                let (pattern, stem) = match &term.spec.literal {
                    Some(literal) => {
                        let (p, s) = literal_pattern(literal);
                        (Some(p), s)
                    }
                    None => (None, false),
                };
                let boundaries = !pattern.as_deref().unwrap_or("").chars().any(is_unspaced_script);
                let cue = set.categories.get(&term.spec.category).is_some_and(|c| c.cue);
                list.push(Entry { term, scope: Scope::of(lex), pattern, stem, boundaries, cue });
            }
        }
        Entries { list }
    }
}

/// The literal pattern and stem flag of a `match`, exactly as the classifier compiles it.
pub fn literal_pattern(literal: &str) -> (String, bool) {
    let stem = literal.trim_end().ends_with('*');
    let pattern = normalize(literal.trim_end().trim_end_matches('*'), false).text.trim().to_string();
    (pattern, stem)
}

/// `file:line` of an entry, for messages that point at another entry.
fn at(origin: &Origin) -> String {
    format!("{}:{}", origin.path.display(), origin.line)
}
