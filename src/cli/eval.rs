//! `tocsin eval DATASET …`: measure lexicons against labelled data, or compare two lexicon
//! sets with `--compare OLD NEW`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Args;

use super::load_pipeline;
use crate::config::Levels;
use crate::eval::compare::compare;
use crate::eval::presets::{self, PRESETS};
use crate::eval::render::{html, text};
use crate::eval::{
    CategoryRule, Condition, Dataset, DatasetSpec, Format, LangSource, Lexicons, Options, Outcome, Report,
    classify_all, load, report,
};
use crate::model::Level;

/// `tocsin eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Dataset files (CSV, TSV or JSONL), or the name of a preset (`hatecheck`, `davidson`, …)
    /// to read its files from the data folder.
    pub dataset: Vec<String>,
    /// Read the files with this preset's columns and labels (see --list-presets).
    #[arg(long)]
    pub preset: Option<String>,
    /// List the presets and exit.
    #[arg(long)]
    pub list_presets: bool,
    /// Folder where presets find their files.
    #[arg(long, default_value = "../shared/data")]
    pub data: PathBuf,
    /// File format (default: from the extension; .txt is TSV).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// CSV field delimiter.
    #[arg(long)]
    pub delimiter: Option<char>,
    /// Whether `"` quotes fields (default: yes for CSV, no for TSV).
    #[arg(long)]
    pub quoting: Option<bool>,
    /// Column names for files without a header row (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub columns: Option<Vec<String>>,
    /// Column holding the text (default `text`).
    #[arg(long)]
    pub text: Option<String>,
    /// A row is positive when this holds (repeat: any may hold), e.g. `label_gold=hateful`,
    /// `label=1|2`, `isHate>=0.5`, `sentiment~hateful`, `HS=1 & AG=1`. Default `label=1`.
    #[arg(long)]
    pub positive: Vec<String>,
    /// Leave out rows for which this holds (repeat).
    #[arg(long)]
    pub exclude: Vec<String>,
    /// Every example is in this language (ISO 639-1).
    #[arg(long, conflicts_with = "lang_column")]
    pub lang: Option<String>,
    /// Column holding each example's language (empty cells are detected).
    #[arg(long)]
    pub lang_column: Option<String>,
    /// Column holding the gold category.
    #[arg(long)]
    pub category: Option<String>,
    /// Gold category by condition, `COND => NAME` (repeat; the first that holds wins).
    #[arg(long)]
    pub category_rule: Vec<String>,
    /// Break results down by this column (repeat).
    #[arg(long)]
    pub group: Vec<String>,
    /// Lexicon folders or files.
    #[arg(long = "lexicons", default_value = "lexicons")]
    pub lexicons: Vec<PathBuf>,
    /// Take level thresholds (and lexicons) from this pipeline.
    #[arg(long)]
    pub pipeline: Option<PathBuf>,
    /// Predicted positive means level >= this.
    #[arg(long, default_value = "watch")]
    pub min_level: Level,
    /// How many false positives and false negatives (or changes per kind) to show.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Evaluate only the first N examples.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also write a self-contained HTML report to this file.
    #[arg(long)]
    pub html: Option<PathBuf>,
    /// Compare two lexicon sets (folders or files) on the dataset.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"])]
    pub compare: Option<Vec<PathBuf>>,
}

pub(super) fn eval(args: EvalArgs) -> Result<()> {
    if args.list_presets {
        return list_presets(&args.data);
    }
    let spec = spec_for(&args)?;
    let mut data = load(&spec)?;
    if let Some(n) = args.limit {
        data.examples.truncate(n);
    }
    if data.examples.is_empty() {
        bail!(crate::eval::EvalError::Empty(
            spec.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", ")
        ));
    }
    let (paths, levels) = match &args.pipeline {
        Some(p) => {
            let c = load_pipeline(p)?;
            (c.pipeline.lexicons.clone(), c.levels)
        }
        None => (args.lexicons.clone(), Levels::default()),
    };
    let options = Options { min_level: args.min_level, top: args.top };
    match &args.compare {
        Some(pair) => run_compare(&args, &spec, &data, pair, levels, options),
        None => run_one(&args, &spec, &data, &paths, levels, options),
    }
}

fn run_one(
    args: &EvalArgs,
    spec: &DatasetSpec,
    data: &Dataset,
    paths: &[PathBuf],
    levels: Levels,
    options: Options,
) -> Result<()> {
    let (report, _) = evaluate(spec, data, paths, levels, options)?;
    if let Some(path) = &args.html {
        write_file(path, &html::report(&report))?;
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        out.write_all(text::report(&report).as_bytes())?;
    }
    Ok(())
}

fn run_compare(
    args: &EvalArgs,
    spec: &DatasetSpec,
    data: &Dataset,
    pair: &[PathBuf],
    levels: Levels,
    options: Options,
) -> Result<()> {
    let (old, old_outcomes) = evaluate(spec, data, &pair[..1], levels, options)?;
    let (new, new_outcomes) = evaluate(spec, data, &pair[1..], levels, options)?;
    let comparison = compare(spec, data, (&old, &old_outcomes), (&new, &new_outcomes));
    if let Some(path) = &args.html {
        write_file(path, &html::comparison(&comparison))?;
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &comparison)?;
        writeln!(out)?;
    } else {
        out.write_all(text::comparison(&comparison, args.top).as_bytes())?;
    }
    Ok(())
}

/// Compile the lexicons, classify every example, build the report; the timing goes to
/// standard error, so `--json` output stays clean.
fn evaluate(
    spec: &DatasetSpec,
    data: &Dataset,
    paths: &[PathBuf],
    levels: Levels,
    options: Options,
) -> Result<(Report, Vec<Outcome>)> {
    let started = Instant::now();
    let lexicons = Lexicons::load(paths, levels)?;
    let compiled = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let outcomes = classify_all(&lexicons.classifier, &data.examples);
    let seconds = started.elapsed().as_secs_f64();
    let n = data.examples.len();
    eprintln!(
        "Compiled {} in {compiled:.2} s; classified {n} examples in {seconds:.2} s ({:.0} per second, {} threads).",
        lexicons.info.paths.join(", "),
        n as f64 / seconds.max(1e-9),
        rayon::current_num_threads()
    );
    let report = report::build(spec, data, &outcomes, &lexicons.info, levels, options);
    Ok((report, outcomes))
}

fn write_file(path: &Path, body: &str) -> Result<()> {
    std::fs::write(path, body).with_context(|| format!("cannot write {}", path.display()))
}

/// The spec: a preset (named by `--preset` or as the only DATASET) or the generic defaults,
/// then every flag given on top.
fn spec_for(args: &EvalArgs) -> Result<DatasetSpec> {
    let preset_name = args.preset.clone().or_else(|| match args.dataset.as_slice() {
        [one] if !Path::new(one).exists() && presets::find(one).is_ok() => Some(one.clone()),
        _ => None,
    });
    let mut spec = match &preset_name {
        Some(name) => {
            let files =
                if args.preset.is_some() { args.dataset.iter().map(PathBuf::from).collect() } else { Vec::new() };
            presets::find(name)?.spec(files, &args.data)
        }
        None if args.dataset.is_empty() => bail!("give a dataset file or a preset name (--list-presets shows them)"),
        None => DatasetSpec::new(args.dataset.iter().map(PathBuf::from).collect()),
    };
    apply_flags(args, &mut spec)?;
    Ok(spec)
}

fn apply_flags(args: &EvalArgs, spec: &mut DatasetSpec) -> Result<()> {
    let parse = |list: &[String]| -> Result<Vec<Condition>> {
        list.iter().map(|s| s.parse::<Condition>().map_err(anyhow::Error::msg)).collect()
    };
    if args.format.is_some() {
        spec.format = args.format;
    }
    if let Some(d) = args.delimiter {
        spec.delimiter = u8::try_from(d).context("--delimiter must be one ASCII character")?;
    }
    if args.quoting.is_some() {
        spec.quoting = args.quoting;
    }
    if let Some(c) = &args.columns {
        spec.columns = Some(c.clone());
    }
    if let Some(t) = &args.text {
        spec.text = t.clone();
    }
    if !args.positive.is_empty() {
        spec.positive = parse(&args.positive)?;
    }
    spec.exclude.extend(parse(&args.exclude)?);
    if let Some(l) = &args.lang {
        spec.lang = LangSource::Fixed(l.clone());
    }
    if let Some(c) = &args.lang_column {
        spec.lang = LangSource::Column(c.clone());
    }
    if let Some(c) = &args.category {
        spec.category_column = Some(c.clone());
        spec.category_rules.clear();
    }
    if !args.category_rule.is_empty() {
        spec.category_rules = args
            .category_rule
            .iter()
            .map(|s| s.parse::<CategoryRule>().map_err(anyhow::Error::msg))
            .collect::<Result<_>>()?;
    }
    if !args.group.is_empty() {
        spec.groups = args.group.clone();
    }
    Ok(())
}

fn list_presets(data: &Path) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for p in PRESETS {
        let spec = p.spec(Vec::new(), data);
        let present = spec.files.iter().all(|f| f.exists());
        writeln!(out, "{:<15} {}", p.name, p.description)?;
        writeln!(
            out,
            "{:<15} licence: {}; positive when {}",
            "",
            p.licence,
            spec.positive.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" or ")
        )?;
        for f in &spec.files {
            writeln!(out, "{:<15} {}{}", "", f.display(), if present { "" } else { "  (absent)" })?;
        }
    }
    Ok(())
}
