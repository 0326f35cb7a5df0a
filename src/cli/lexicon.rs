//! `tocsin lexicon …`: tools for the analysts who keep the lexicons.

use std::io::Write;
use std::path::PathBuf;

use crate::classify::Classifier;
use crate::config::Levels;
use crate::lexicon::{LexiconSet, format_errors};
use anyhow::{Result, bail};
use clap::Subcommand;

/// `tocsin lexicon …`.
#[derive(Debug, Subcommand)]
pub enum LexiconCommand {
    /// Run every example and counter-example of the lexicons; print each failure with the
    /// evidence that fired, or the term that did not. Exits non-zero on any failure.
    Test {
        /// Lexicon folders or files.
        #[arg(default_value = "lexicons")]
        paths: Vec<PathBuf>,
    },
}

pub(super) fn lexicon_test(paths: &[PathBuf]) -> Result<()> {
    let set = LexiconSet::load_paths(paths).map_err(|e| anyhow::anyhow!(format_errors(&e)))?;
    let classifier = Classifier::build(&set, Levels::default()).map_err(|e| anyhow::anyhow!(format_errors(&e)))?;
    let (checked, failures) = crate::classify::examples::check_examples(&classifier, &set);
    let mut out = std::io::stdout().lock();
    for f in &failures {
        writeln!(out, "{f}")?;
    }
    let (terms, rules) = set.counts();
    writeln!(
        out,
        "{} lexicons, {terms} terms, {rules} rules: {checked} examples, {} failed",
        set.lexicons.len(),
        failures.len()
    )?;
    if !failures.is_empty() {
        bail!("{} of {checked} lexicon examples failed", failures.len());
    }
    Ok(())
}
