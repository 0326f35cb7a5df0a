//! `tocsin lexicon …`: tools for the analysts who keep the lexicons — test, lint, stats and
//! the HurtLex importer. The checks live in the library (`lexicon::lint`, `lexicon::stats`,
//! `lexicon::hurtlex`, `classify::examples`); this file parses flags and prints text or JSON.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use serde::Serialize;

use crate::classify::Classifier;
use crate::classify::examples::{ExampleFailure, check_examples};
use crate::config::Levels;
use crate::lexicon::hurtlex::{self, ImportOptions, Level};
use crate::lexicon::lint::{Diagnostic, LintReport, lint_paths};
use crate::lexicon::stats::{LanguageStats, Stats, stats};
use crate::lexicon::{LexiconSet, format_errors};
use crate::model::Evidence;

/// `tocsin lexicon …`.
#[derive(Debug, Subcommand)]
pub enum LexiconCommand {
    /// Run every example and counter-example of the lexicons; print each failure with the
    /// evidence that fired, or the term that did not. Exits non-zero on any failure.
    Test {
        /// Lexicon folders or files.
        #[arg(default_value = "lexicons")]
        paths: Vec<PathBuf>,
        /// Print `{lexicons, terms, rules, examples, failed, failures: [...]}` as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check lexicons without running them: parse errors, unknown categories, duplicates,
    /// terms that can never match, bad regexes, rules that reference nothing, shadowed terms,
    /// missing notes, examples, sources and licences. Exits non-zero on any error; warnings
    /// are listed apart.
    Lint {
        /// Lexicon folders or files.
        #[arg(default_value = "lexicons")]
        paths: Vec<PathBuf>,
        /// Print `{files, errors: [...], warnings: [...], counts}` as JSON; each finding has
        /// file, line, code, severity and message.
        #[arg(long)]
        json: bool,
    },
    /// Count terms and rules per language and category.
    Stats {
        /// Lexicon folders or files.
        #[arg(default_value = "lexicons")]
        paths: Vec<PathBuf>,
        /// Print `{languages: {xx: {…, categories: {name: {terms, rules}}}}, total}` as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Turn a HurtLex TSV file into a lexicon file (CC BY-NC-SA 4.0: for your own pipeline,
    /// never for lexicons/).
    ImportHurtlex(ImportHurtlexArgs),
}

/// `tocsin lexicon import-hurtlex`.
#[derive(Debug, Args)]
pub struct ImportHurtlexArgs {
    /// A HurtLex file (`lexica/XX/1.2/hurtlex_XX.tsv`).
    pub file: PathBuf,
    /// ISO 639-1 code of the language the terms apply to.
    #[arg(long)]
    pub lang: String,
    /// `conservative` (offensive senses only) or `inclusive` (every row).
    #[arg(long, default_value = "conservative")]
    pub level: Level,
    /// Where to write the lexicon (standard output when absent).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Run one `lexicon` subcommand.
pub(super) fn run(command: LexiconCommand) -> Result<()> {
    match command {
        LexiconCommand::Test { paths, json } => lexicon_test(&paths, json),
        LexiconCommand::Lint { paths, json } => lexicon_lint(&paths, json),
        LexiconCommand::Stats { paths, json } => lexicon_stats(&paths, json),
        LexiconCommand::ImportHurtlex(args) => import_hurtlex(&args),
    }
}

fn load(paths: &[PathBuf]) -> Result<LexiconSet> {
    LexiconSet::load_paths(paths)
        .map_err(|e| anyhow!("{}\n(`tocsin lexicon lint` lists every problem)", format_errors(&e)))
}

// ---- test ----

/// A term match, as `lexicon test --json` prints it.
#[derive(Debug, Serialize)]
struct MatchOut {
    start: usize,
    end: usize,
    text: String,
    term: String,
    lexicon: String,
    category: String,
}

/// One failure, as `lexicon test --json` prints it.
#[derive(Debug, Serialize)]
struct FailureOut {
    file: PathBuf,
    line: usize,
    lexicon: String,
    language: String,
    kind: &'static str,
    entry: String,
    category: String,
    example: String,
    /// `match` for an example, `no_match` for a counter-example.
    expected: &'static str,
    /// Evidence on the text (for a counter-example, the entry's own).
    fired: Vec<Evidence>,
    /// Every term found in the text, context cues included.
    matches: Vec<MatchOut>,
}

#[derive(Debug, Serialize)]
struct TestOut {
    lexicons: usize,
    terms: usize,
    rules: usize,
    examples: usize,
    failed: usize,
    failures: Vec<FailureOut>,
}

fn lexicon_test(paths: &[PathBuf], json: bool) -> Result<()> {
    let set = load(paths)?;
    let classifier = Classifier::build(&set, Levels::default()).map_err(|e| anyhow!(format_errors(&e)))?;
    let (checked, failures) = check_examples(&classifier, &set);
    let (terms, rules) = set.counts();
    let described: Vec<FailureOut> = failures.iter().map(|f| describe(&set, &classifier, f)).collect();
    let mut out = std::io::stdout().lock();
    if json {
        let report = TestOut {
            lexicons: set.lexicons.len(),
            terms,
            rules,
            examples: checked,
            failed: failures.len(),
            failures: described,
        };
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        for f in &described {
            print_failure(&mut out, f)?;
        }
        writeln!(
            out,
            "{} lexicons, {terms} terms, {rules} rules: {checked} examples, {} failed",
            set.lexicons.len(),
            failures.len()
        )?;
    }
    if !failures.is_empty() {
        bail!("{} of {checked} lexicon examples failed", failures.len());
    }
    Ok(())
}

/// Find the failing entry in the set and gather what fired on its example.
fn describe(set: &LexiconSet, classifier: &Classifier, f: &ExampleFailure) -> FailureOut {
    let lex = set.lexicons.iter().find(|l| l.path == f.origin.path);
    let term = lex.and_then(|l| l.terms.iter().find(|t| t.origin == f.origin));
    let rule = lex.and_then(|l| l.rules.iter().find(|r| r.origin == f.origin));
    let language = lex.map(|l| l.meta.language.clone()).unwrap_or_default();
    let matches = classifier
        .term_matches(&f.example, Some(&language))
        .into_iter()
        .map(|m| MatchOut {
            text: f.example[m.start..m.end].to_string(),
            start: m.start,
            end: m.end,
            term: m.label,
            lexicon: m.lexicon,
            category: m.category,
        })
        .collect();
    FailureOut {
        file: f.origin.path.clone(),
        line: f.origin.line,
        lexicon: lex.map(|l| l.meta.id.clone()).unwrap_or_default(),
        language,
        kind: if rule.is_some() { "rule" } else { "term" },
        entry: f.entry.clone(),
        category: term.map(|t| &t.spec.category).or(rule.map(|r| &r.spec.category)).cloned().unwrap_or_default(),
        example: f.example.clone(),
        expected: if f.counter { "no_match" } else { "match" },
        fired: f.fired.clone(),
        matches,
    }
}

/// `file:line: term "x" (lexicon, category) did not match example "…"`, then what fired.
fn print_failure(out: &mut impl Write, f: &FailureOut) -> Result<()> {
    let verb = match (f.kind, f.expected) {
        ("term", "match") => "did not match example",
        ("term", _) => "matched counter-example",
        (_, "match") => "did not fire on example",
        _ => "fired on counter-example",
    };
    writeln!(
        out,
        "{}:{}: {} {:?} ({}, {}) {verb} {:?}",
        f.file.display(),
        f.line,
        f.kind,
        f.entry,
        f.lexicon,
        f.category,
        f.example
    )?;
    let own = |m: &&MatchOut| m.lexicon == f.lexicon && m.term == f.entry;
    match (f.kind, f.expected) {
        ("term", "match") if f.matches.is_empty() => writeln!(out, "    no term matched the example")?,
        ("term", "match") => {
            for m in &f.matches {
                writeln!(out, "    matched instead: {} {:?} on {:?} ({})", m.category, m.term, m.text, m.lexicon)?;
            }
        }
        ("term", _) => {
            for m in f.matches.iter().filter(own) {
                writeln!(out, "    matched: {} {:?} on {:?} ({})", m.category, m.term, m.text, m.lexicon)?;
            }
        }
        _ => {
            if f.fired.is_empty() {
                writeln!(out, "    no evidence fired")?;
            }
            for e in &f.fired {
                writeln!(
                    out,
                    "    fired: {} {:?} on {:?} ({}, {}, weight {})",
                    e.category, e.term_or_rule, e.text, e.lexicon, e.speech, e.weight
                )?;
            }
            let cues: Vec<String> = f
                .matches
                .iter()
                .filter(|m| !f.fired.iter().any(|e| e.term_or_rule == m.term && e.start == m.start))
                .map(|m| format!("{} {:?}", m.category, m.text))
                .collect();
            if !cues.is_empty() {
                writeln!(out, "    also matched: {}", cues.join(", "))?;
            }
        }
    }
    Ok(())
}

// ---- lint ----

#[derive(Debug, Serialize)]
struct LintOut<'a> {
    files: usize,
    errors: Vec<&'a Diagnostic>,
    warnings: Vec<&'a Diagnostic>,
    counts: std::collections::BTreeMap<String, usize>,
}

fn lexicon_lint(paths: &[PathBuf], json: bool) -> Result<()> {
    let report = lint_paths(paths);
    let mut out = std::io::stdout().lock();
    let counts = report.counts().into_iter().map(|(c, n)| (c.to_string(), n)).collect();
    let (errors, warnings): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
        (report.errors().collect(), report.warnings().collect());
    if json {
        serde_json::to_writer_pretty(&mut out, &LintOut { files: report.files, errors, warnings, counts })?;
        writeln!(out)?;
    } else {
        print_lint(&mut out, &report, &errors, &warnings)?;
    }
    let n = report.errors().count();
    if n > 0 {
        bail!("lexicon lint found {n} error{}", if n == 1 { "" } else { "s" });
    }
    Ok(())
}

fn print_lint(
    out: &mut impl Write,
    report: &LintReport,
    errors: &[&Diagnostic],
    warnings: &[&Diagnostic],
) -> Result<()> {
    for (title, list) in [("errors", errors), ("warnings", warnings)] {
        if list.is_empty() {
            continue;
        }
        writeln!(out, "{} {title}:", list.len())?;
        for d in list {
            writeln!(out, "  {d}")?;
        }
        writeln!(out)?;
    }
    let counts: Vec<String> = report.counts().iter().map(|(c, n)| format!("{c} {n}")).collect();
    let shown = if counts.is_empty() { String::new() } else { format!(" ({})", counts.join(", ")) };
    writeln!(out, "{} files: {} errors, {} warnings{shown}", report.files, errors.len(), warnings.len())?;
    Ok(())
}

// ---- stats ----

fn lexicon_stats(paths: &[PathBuf], json: bool) -> Result<()> {
    let set = load(paths)?;
    let s = stats(&set);
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &s)?;
        writeln!(out)?;
        return Ok(());
    }
    print_stats(&mut out, &s)
}

fn print_stats(out: &mut impl Write, s: &Stats) -> Result<()> {
    writeln!(
        out,
        "{:<8} {:>8} {:>6} {:>6} {:>8} {:>7} {:>5} {:>5} {:>8} {:>9} {:>8}",
        "language",
        "lexicons",
        "terms",
        "rules",
        "literals",
        "regexes",
        "slow",
        "every",
        "spelled",
        "examples",
        "counter"
    )?;
    let rows = s.languages.iter().map(|(l, st)| (l.as_str(), st)).chain([("all", &s.total)]);
    for (lang, st) in rows.clone() {
        writeln!(
            out,
            "{lang:<8} {:>8} {:>6} {:>6} {:>8} {:>7} {:>5} {:>5} {:>8} {:>9} {:>8}",
            st.lexicons,
            st.terms,
            st.rules,
            st.literals,
            st.regexes,
            st.slow_regexes,
            st.every_text_regexes,
            st.spelled,
            st.examples,
            st.counter_examples
        )?;
    }
    writeln!(out, "\n{:<8} {:<22} {:>6} {:>6}", "language", "category", "terms", "rules")?;
    for (lang, st) in rows {
        print_categories(out, lang, st)?;
    }
    Ok(())
}

fn print_categories(out: &mut impl Write, lang: &str, st: &LanguageStats) -> Result<()> {
    let mut missing = Vec::new();
    for (name, c) in &st.categories {
        if c.terms + c.rules == 0 {
            missing.push(name.as_str());
        } else {
            writeln!(out, "{lang:<8} {name:<22} {:>6} {:>6}", c.terms, c.rules)?;
        }
    }
    if !missing.is_empty() {
        writeln!(out, "{lang:<8} {:<22} {}", "(none)", missing.join(", "))?;
    }
    Ok(())
}

// ---- import-hurtlex ----

fn import_hurtlex(args: &ImportHurtlexArgs) -> Result<()> {
    let lang = args.lang.trim();
    if !(2..=3).contains(&lang.len()) || !lang.chars().all(|c| c.is_ascii_lowercase()) {
        bail!("--lang {lang:?}: expected an ISO 639 code such as en, fr or sw");
    }
    let file = &args.file;
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let rows = hurtlex::parse_tsv(&text).map_err(|e| anyhow!("{}: {e}", file.display()))?;
    let options = ImportOptions {
        language: lang.to_string(),
        level: args.level,
        source_name: file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned()),
        version: hurtlex_version(file),
    };
    let import = hurtlex::import(&rows, options);
    let toml = import.to_toml();
    match &args.out {
        Some(path) => std::fs::write(path, &toml).with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout().lock().write_all(toml.as_bytes())?,
    }
    let counts: Vec<String> = import.counts().iter().map(|(c, n)| format!("{c} {n}")).collect();
    eprintln!(
        "{}: {} rows, {} at level {}, {} skipped → {} terms ({}){}",
        file.display(),
        import.rows_read,
        import.rows_used,
        args.level.as_str(),
        import.skipped.len(),
        import.terms.len(),
        counts.join(", "),
        args.out.as_ref().map(|p| format!(", written to {}", p.display())).unwrap_or_default()
    );
    for s in &import.skipped {
        eprintln!("  skipped line {}: {:?} {}", s.line, s.lemma, s.reason);
    }
    eprintln!("HurtLex is CC BY-NC-SA 4.0: keep the file in your own pipeline, never in tocsin's lexicons/.");
    if args.out.as_deref().is_some_and(inside_lexicons) {
        eprintln!("warning: the output is inside a `lexicons` folder; do not commit it.");
    }
    Ok(())
}

/// `lexica/EN/1.2/hurtlex_EN.tsv` → `1.2`.
fn hurtlex_version(file: &Path) -> Option<String> {
    let dir = file.parent()?.file_name()?.to_str()?;
    let looks_like = !dir.is_empty() && dir.chars().all(|c| c.is_ascii_digit() || c == '.') && dir.contains('.');
    looks_like.then(|| dir.to_string())
}

fn inside_lexicons(path: &Path) -> bool {
    path.ancestors().skip(1).any(|a| a.file_name().is_some_and(|n| n == "lexicons"))
}
