//! Evaluation against labelled data: how well do the lexicons find what annotators marked, and
//! which terms cost precision?
//!
//! Data flow:
//! 1. a [`DatasetSpec`] (from a [`presets`] entry and/or command-line flags) says how to read
//!    a CSV, TSV or JSONL file and which rows are positive;
//! 2. [`load`] reads it into [`Example`]s (bad rows are skipped and reported);
//! 3. [`classify_all`] runs the compiled [`Classifier`] over them on the rayon pool;
//! 4. [`report::build`] turns examples and assessments into a [`Report`]: confusion matrix,
//!    scores overall and per language, gold category and group column, a threshold sweep and
//!    PR curve, a per-term table and the worst errors; [`compare::compare`] diffs two runs;
//! 5. [`render`] prints a report as terminal tables or a self-contained HTML page
//!    (serde gives the JSON).
//!
//! Predicted positive means `level >= min_level` (watch by default), the rule a monitor's
//! `--flagged` filter uses, so the numbers describe what monitors would see.

pub mod compare;
pub mod condition;
pub mod load;
pub mod metrics;
pub mod presets;
pub mod render;
pub mod report;
pub mod spec;
pub mod terms;

use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use crate::classify::Classifier;
use crate::config::Levels;
use crate::lexicon::{LexiconSet, format_errors};
use crate::model::{Assessment, Level};

pub use condition::{CategoryRule, Condition};
pub use load::{Dataset, Example, Skipped, load};
pub use report::Report;
pub use spec::{DatasetSpec, Format, LangSource};

/// Why an evaluation could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// A dataset file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// A delimited file is broken beyond one row.
    #[error("{}: {source}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: csv::Error,
    },
    /// The spec reads a column the file does not have.
    #[error("{}: no column {column:?}; the columns are: {}", path.display(), available.join(", "))]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column asked for.
        column: String,
        /// The columns it has.
        available: Vec<String>,
    },
    /// The language was to come from the file name, which has no language code.
    #[error("{}: no language code in the file name; give --lang or --lang-column", .0.display())]
    NoLanguage(PathBuf),
    /// No preset by that name.
    #[error("no preset {0:?}; the presets are: {1}")]
    UnknownPreset(String, String),
    /// The lexicons do not load or compile.
    #[error("lexicons {paths}:\n{message}")]
    Lexicons {
        /// The lexicon paths.
        paths: String,
        /// Every error, one per line.
        message: String,
    },
    /// Nothing to evaluate.
    #[error("no examples in {0}")]
    Empty(String),
}

/// A compiled lexicon set and what the report says about it.
#[derive(Debug)]
pub struct Lexicons {
    /// The classifier.
    pub classifier: Classifier,
    /// Paths, sizes and languages.
    pub info: LexiconsInfo,
}

/// The lexicons an evaluation ran with (part of the JSON report).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LexiconsInfo {
    /// Folders or files given.
    pub paths: Vec<String>,
    /// Terms compiled.
    pub terms: usize,
    /// Rules compiled.
    pub rules: usize,
    /// Languages that have at least one lexicon (`*` for universal ones).
    pub languages: Vec<String>,
}

impl Lexicons {
    /// Load and compile lexicon folders or files.
    pub fn load(paths: &[PathBuf], levels: Levels) -> Result<Self, EvalError> {
        let shown = || paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
        let fail =
            |e: Vec<crate::config::FileError>| EvalError::Lexicons { paths: shown(), message: format_errors(&e) };
        let set = LexiconSet::load_paths(paths).map_err(fail)?;
        let classifier = Classifier::build(&set, levels).map_err(fail)?;
        let (terms, rules) = classifier.size();
        let mut languages: Vec<String> = set
            .lexicons
            .iter()
            .map(|l| if l.meta.universal { "*".to_string() } else { l.meta.language.clone() })
            .collect();
        languages.sort();
        languages.dedup();
        let paths = paths.iter().map(|p| p.display().to_string()).collect();
        Ok(Lexicons { classifier, info: LexiconsInfo { paths, terms, rules, languages } })
    }
}

/// The classifier's verdict on one example.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The language it was classified in (detected when the dataset gave none).
    pub lang: String,
    /// The assessment.
    pub assessment: Assessment,
}

/// Classify every example on the rayon pool, detecting languages the dataset does not give.
/// Results are in example order.
pub fn classify_all(classifier: &Classifier, examples: &[Example]) -> Vec<Outcome> {
    examples
        .par_iter()
        .map(|e| {
            let lang = e.lang.clone().unwrap_or_else(|| crate::lang::detect(&e.text).lang);
            let assessment = classifier.classify_mixed(&e.text, &lang);
            Outcome { lang, assessment }
        })
        .collect()
}

/// How a report decides and how much it shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Predicted positive means `level >= min_level`.
    pub min_level: Level,
    /// How many false positives and false negatives to show.
    pub top: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { min_level: Level::Watch, top: 10 }
    }
}
