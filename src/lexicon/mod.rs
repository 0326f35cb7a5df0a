//! Lexicons: the analyst-edited data the classifier is compiled from.
//!
//! Data enters as TOML files (`lexicons/categories.toml`, `lexicons/<lang>/<name>.toml`, format
//! in `lexicons/README.md` and DESIGN §4) and leaves as a checked [`LexiconSet`]: every term
//! and rule with its file and line, every category resolved. Compiling into automata happens
//! in [`crate::classify`]; this module only reads and checks, so `lexicon lint` and the
//! classifier see the same errors.

pub mod categories;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

pub use categories::{Categories, CategoryDef};

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
        let set = LexiconSet { categories, lexicons };
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

/// Find `categories.toml` and the lexicon files under the given paths.
fn discover(paths: &[PathBuf]) -> Result<(PathBuf, Vec<PathBuf>), Vec<FileError>> {
    let mut files = Vec::new();
    let mut categories = None;
    for path in paths {
        if path.is_dir() {
            let candidate = path.join("categories.toml");
            if categories.is_none() && candidate.is_file() {
                categories = Some(candidate);
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

/// Read one lexicon file and check each entry on its own.
pub fn load_file(path: &Path, categories: &Categories) -> Result<Lexicon, Vec<FileError>> {
    let source =
        std::fs::read_to_string(path).map_err(|e| vec![FileError::whole(path, format!("cannot read lexicon: {e}"))])?;
    let file: LexiconFile = toml::from_str(&source).map_err(|e| vec![FileError::from_toml(path, &source, &e)])?;
    let mut errors = Vec::new();
    let origin_of = |span: std::ops::Range<usize>| Origin {
        path: path.to_path_buf(),
        line: crate::config::diagnostic::line_col(&source, span.start).0,
    };
    let mut terms = Vec::new();
    for spanned in file.term {
        let origin = origin_of(spanned.span());
        let spec = spanned.into_inner();
        match check_term(&spec, categories) {
            Ok(weight) => terms.push(Term { spec, weight, origin }),
            Err(msg) => errors.push(origin.error(msg)),
        }
    }
    let mut rules = Vec::new();
    for spanned in file.rule {
        let origin = origin_of(spanned.span());
        let spec = spanned.into_inner();
        match check_rule(&spec, categories) {
            Ok(weight) => rules.push(Rule { spec, weight, origin }),
            Err(msg) => errors.push(origin.error(msg)),
        }
    }
    if file.lexicon.id.trim().is_empty() || file.lexicon.language.trim().is_empty() {
        errors.push(FileError::whole(path, "[lexicon] id and language must not be empty"));
    }
    if errors.is_empty() {
        Ok(Lexicon { meta: file.lexicon, path: path.to_path_buf(), terms, rules })
    } else {
        Err(errors)
    }
}

fn check_weight(weight: Option<f64>, category: &CategoryDef) -> Result<f64, String> {
    let w = weight.unwrap_or(category.weight);
    if (0.0..=1.0).contains(&w) { Ok(w) } else { Err(format!("weight {w} is outside 0..1")) }
}

fn check_term(spec: &TermSpec, categories: &Categories) -> Result<f64, String> {
    let category = categories.resolve(&spec.category)?;
    match (&spec.literal, &spec.regex) {
        (Some(_), Some(_)) => return Err("a term has either `match` or `regex`, not both".into()),
        (None, None) => return Err("a term needs `match = \"…\"` or `regex = \"…\"`".into()),
        (Some(m), None) if m.trim_end_matches('*').trim().is_empty() => {
            return Err("`match` is empty".into());
        }
        (None, Some(source)) => {
            check_regex(source)?;
        }
        _ => {}
    }
    check_weight(spec.weight, category)
}

/// Largest compiled size of one regex term, so a pathological pattern fails at load time.
pub const REGEX_SIZE_LIMIT: usize = 2 * 1024 * 1024;

/// A regex term must compile within the size limit and never match the empty string (it would
/// match everywhere).
pub fn check_regex(source: &str) -> Result<regex::Regex, String> {
    let re = regex::RegexBuilder::new(source)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| format!("regex {source:?} does not compile: {e}"))?;
    if re.is_match("") {
        return Err(format!("regex {source:?} matches the empty string"));
    }
    Ok(re)
}

fn check_rule(spec: &RuleSpec, categories: &Categories) -> Result<f64, String> {
    let category = categories.resolve(&spec.category)?;
    if spec.all.is_empty() && spec.any.is_empty() {
        return Err(format!("rule {:?} needs `all` or `any`", spec.id));
    }
    check_weight(spec.weight, category)
}
