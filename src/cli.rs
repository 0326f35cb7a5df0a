//! The command line: clap definitions and the code that runs each command and prints.
//!
//! Every command calls the same library functions the demo and the tests use; this module only
//! parses arguments, loads configuration and formats output (human text, or JSON with
//! `--json`, whose fields are a contract for other tools).

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};

use crate::classify::Classifier;
use crate::config::{Levels, Pipeline, PipelineConfig};
use crate::index::ArticleIndex;
use crate::lexicon::{LexiconSet, format_errors};
use crate::model::{Assessment, Evidence, Level};
use crate::query::{SearchRequest, SortOrder};
use crate::run::{FeedOutcome, RunReport};

/// tocsin watches news feeds for incitement to violence and early signs of mass atrocities.
#[derive(Debug, Parser)]
#[command(name = "tocsin", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Log level filter (error, warn, info, debug, trace) or a tracing directive.
    #[arg(long, global = true, default_value = "warn")]
    pub log: String,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the bundled demo outlets on 127.0.0.1, run the real pipeline against them, and
    /// show what was flagged and why.
    Demo(DemoArgs),
    /// Run one pass of a pipeline: fetch, parse, classify, index.
    Run(RunArgs),
    /// Search the article index of a pipeline.
    Search(SearchArgs),
    /// Classify text from a file or standard input.
    Classify(ClassifyArgs),
    /// Work on lexicons.
    #[command(subcommand)]
    Lexicon(LexiconCommand),
}

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

/// `tocsin demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The demo pipeline; its feeds are served from the folder of the same name.
    #[arg(long, default_value = "pipelines/demo.toml")]
    pub pipeline: PathBuf,
    /// How many flagged articles to show.
    #[arg(long, default_value_t = 8)]
    pub top: usize,
    /// Keep the index and state here instead of the pipeline's `data_dir`.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

/// `tocsin run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Pipeline file.
    pub pipeline: PathBuf,
    /// Print the run report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `tocsin search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Query in tantivy syntax: words (all must match), "phrases", OR, NOT, title:word.
    /// Empty matches everything.
    #[arg(default_value = "")]
    pub query: String,
    /// Pipeline whose index to search.
    #[arg(long, default_value = "pipelines/demo.toml")]
    pub pipeline: PathBuf,
    /// Only flagged articles (level watch or above).
    #[arg(long)]
    pub flagged: bool,
    /// Only articles at this level or above (none, watch, warning, alert).
    #[arg(long)]
    pub level: Option<Level>,
    /// Only articles in this language (ISO 639-1).
    #[arg(long)]
    pub lang: Option<String>,
    /// Results per page.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Results to skip.
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Order of results.
    #[arg(long, value_enum, default_value_t = SortOrder::Relevance)]
    pub sort: SortOrder,
    /// Print results as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `tocsin classify`.
#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// File to read, or `-` for standard input.
    #[arg(default_value = "-")]
    pub input: String,
    /// Language of the text (ISO 639-1); detected when absent.
    #[arg(long)]
    pub lang: Option<String>,
    /// Lexicon folders or files.
    #[arg(long = "lexicons", default_value = "lexicons")]
    pub lexicons: Vec<PathBuf>,
    /// Take level thresholds (and lexicons) from this pipeline.
    #[arg(long)]
    pub pipeline: Option<PathBuf>,
    /// Print the assessment as JSON.
    #[arg(long, conflicts_with = "jsonl")]
    pub json: bool,
    /// Batch mode: input is JSON lines {"id", "text", "lang"?}; output one assessment per line.
    #[arg(long)]
    pub jsonl: bool,
    /// Print each piece of evidence with its sentence, the match highlighted, and its weight.
    #[arg(long)]
    pub explain: bool,
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Demo(a) => demo(a),
        Command::Run(a) => run_pipeline(a),
        Command::Search(a) => search(a),
        Command::Classify(a) => classify(a),
        Command::Lexicon(LexiconCommand::Test { paths }) => lexicon_test(&paths),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the async runtime")
}

fn load_pipeline(path: &Path) -> Result<PipelineConfig> {
    Ok(PipelineConfig::load(path)?)
}

fn build(config: PipelineConfig) -> Result<Pipeline> {
    Ok(config.build()?)
}

fn demo(args: DemoArgs) -> Result<()> {
    let mut config = load_pipeline(&args.pipeline).with_context(|| {
        "the demo reads pipelines/demo.toml and lexicons/: run it from the repository root".to_string()
    })?;
    if let Some(d) = args.data_dir {
        config.pipeline.data_dir = d;
    }
    let dir = crate::demo::feeds_dir(&args.pipeline);
    let rt = runtime()?;
    rt.block_on(async {
        let server = crate::demo::FeedServer::start(&dir).await.context("cannot start the demo feed server")?;
        crate::demo::rewrite_demo_urls(&mut config, &server.base_url());
        let pipeline = build(config)?;
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "tocsin demo: serving {} demo outlets from {} at {}",
            pipeline.config.feed.len(),
            dir.display(),
            server.base_url()
        )?;
        let (terms, rules) = pipeline.classifier.size();
        writeln!(
            out,
            "Lexicons: {terms} terms and {rules} rules from {}\n",
            show_paths(&pipeline.config.pipeline.lexicons)
        )?;
        let report = crate::run::run_once(&pipeline).await?;
        print_report(&mut out, &report)?;
        let index = ArticleIndex::open(&pipeline.index_dir())?;
        let top = crate::query::search(
            &index,
            &SearchRequest {
                min_level: Some(Level::Watch),
                limit: args.top,
                sort: SortOrder::Score,
                ..SearchRequest::default()
            },
        )?;
        writeln!(out, "\nTop flagged articles ({} flagged in all):", top.total)?;
        for hit in &top.hits {
            writeln!(out, "\n  {} {:.2}  [{}] {} — {}", badge(hit.level), hit.score, hit.lang, hit.outlet, hit.title)?;
            print_evidence_lines(&mut out, &hit.evidence, 4)?;
        }
        writeln!(out, "\nTry next:")?;
        writeln!(out, "  cargo run --release -- search --flagged machete")?;
        writeln!(out, "  cargo run --release -- search --flagged --lang fr cafards --json")?;
        writeln!(
            out,
            "  echo \"They are cockroaches. Kill them all.\" | cargo run --release -- classify --lang en --explain"
        )?;
        Ok(())
    })
}

fn show_paths(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}

fn print_report(out: &mut impl Write, report: &RunReport) -> Result<()> {
    writeln!(out, "Feeds ({}):", report.feeds.len())?;
    for f in &report.feeds {
        let what = match &f.outcome {
            FeedOutcome::Fetched { items, new, updated, unchanged } => {
                format!("ok, {items} items: {new} new, {updated} updated, {unchanged} unchanged")
            }
            FeedOutcome::NotModified => "not modified since last run (HTTP 304)".to_string(),
            FeedOutcome::Failed { reason } => format!("FAILED: {reason}"),
        };
        writeln!(out, "  {:<28} {what}", f.outlet)?;
    }
    let failed = report.failed().count();
    writeln!(out, "\nArticles indexed this run: {}", report.indexed.len())?;
    let levels: Vec<String> = report.levels.iter().rev().map(|(l, n)| format!("{l} {n}")).collect();
    writeln!(out, "Index now holds {} articles: {}", report.index_total, levels.join(", "))?;
    if failed > 0 {
        writeln!(out, "{failed} feed(s) failed; the others completed.")?;
    }
    Ok(())
}

fn badge(level: Level) -> String {
    format!("{:<7}", level.as_str().to_uppercase())
}

/// The evidence lines of the demo and `search`: category, speech, the words in context.
fn print_evidence_lines(out: &mut impl Write, evidence: &[Evidence], max: usize) -> Result<()> {
    let mut shown: Vec<&Evidence> = evidence.iter().filter(|e| e.weight > 0.0).collect();
    shown.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    for e in shown.iter().take(max) {
        writeln!(out, "      {:<20} {:<9} {}", e.category, e.speech.as_str(), in_context(e, 50))?;
    }
    Ok(())
}

/// The sentence around a piece of evidence, trimmed to `reach` characters each side, with the
/// match marked: bold on a terminal, [[…]] otherwise.
fn in_context(e: &Evidence, reach: usize) -> String {
    let (open, close) = if std::io::stdout().is_terminal() { ("\x1b[1;31m", "\x1b[0m") } else { ("[[", "]]") };
    let Some(at) = e.sentence.find(&e.text) else {
        return format!("{open}{}{close}", e.text);
    };
    let before: String = e.sentence[..at].chars().rev().take(reach).collect::<Vec<_>>().into_iter().rev().collect();
    let after: String = e.sentence[at + e.text.len()..].chars().take(reach).collect();
    let lead = if before.len() < at { "…" } else { "" };
    let tail = if at + e.text.len() + after.len() < e.sentence.len() { "…" } else { "" };
    format!("“{lead}{before}{open}{}{close}{after}{tail}”", e.text)
}

fn run_pipeline(args: RunArgs) -> Result<()> {
    let pipeline = build(load_pipeline(&args.pipeline)?)?;
    let report = runtime()?.block_on(crate::run::run_once(&pipeline))?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        print_report(&mut out, &report)?;
    }
    Ok(())
}

fn search(args: SearchArgs) -> Result<()> {
    let config = load_pipeline(&args.pipeline)?;
    let dir = config.pipeline.data_dir.join("index");
    if !dir.exists() {
        bail!(
            "no index at {}: run the pipeline first (tocsin run {} or tocsin demo)",
            dir.display(),
            args.pipeline.display()
        );
    }
    let index = ArticleIndex::open(&dir)?;
    let min_level = args.level.or(args.flagged.then_some(Level::Watch));
    let req = SearchRequest {
        query: args.query,
        min_level,
        lang: args.lang,
        limit: args.limit,
        offset: args.offset,
        sort: args.sort,
    };
    let results = crate::query::search(&index, &req)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &results)?;
        writeln!(out)?;
        return Ok(());
    }
    let shown_to = args.offset + results.hits.len();
    writeln!(out, "{} articles match; showing {}–{}", results.total, (args.offset + 1).min(shown_to), shown_to)?;
    for hit in &results.hits {
        writeln!(
            out,
            "\n{} {:.2}  [{}] {} · {} · {}",
            badge(hit.level),
            hit.score,
            hit.lang,
            hit.outlet,
            &hit.published[..10],
            hit.title
        )?;
        writeln!(out, "    {}", hit.url)?;
        writeln!(out, "    {}", mark_snippet(&hit.snippet, &hit.highlights))?;
        print_evidence_lines(&mut out, &hit.evidence, 3)?;
    }
    Ok(())
}

fn mark_snippet(snippet: &str, highlights: &[(usize, usize)]) -> String {
    let (open, close) = if std::io::stdout().is_terminal() { ("\x1b[1m", "\x1b[0m") } else { ("**", "**") };
    let mut s = String::with_capacity(snippet.len() + 8 * highlights.len());
    let mut last = 0;
    for &(a, b) in highlights {
        if a < last || b > snippet.len() {
            continue;
        }
        s.push_str(&snippet[last..a]);
        s.push_str(open);
        s.push_str(&snippet[a..b]);
        s.push_str(close);
        last = b;
    }
    s.push_str(&snippet[last..]);
    s.replace('\n', " ")
}

fn classifier_for(args: &ClassifyArgs) -> Result<Classifier> {
    let (paths, levels) = match &args.pipeline {
        Some(p) => {
            let c = load_pipeline(p)?;
            (c.pipeline.lexicons.clone(), c.levels)
        }
        None => (args.lexicons.clone(), Levels::default()),
    };
    let set = LexiconSet::load_paths(&paths).map_err(|e| anyhow::anyhow!(format_errors(&e)))?;
    Classifier::build(&set, levels).map_err(|e| anyhow::anyhow!(format_errors(&e)))
}

fn lexicon_test(paths: &[PathBuf]) -> Result<()> {
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

fn open_input(input: &str) -> Result<Box<dyn BufRead>> {
    if input == "-" {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    let file = std::fs::File::open(input).with_context(|| format!("cannot open {input}"))?;
    Ok(Box::new(std::io::BufReader::new(file)))
}

fn classify(args: ClassifyArgs) -> Result<()> {
    let classifier = classifier_for(&args)?;
    let mut input = open_input(&args.input)?;
    if args.jsonl {
        return crate::cli::batch::classify_jsonl(&classifier, input, args.lang.as_deref(), &args.input);
    }
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes).context("cannot read the input")?;
    let text = String::from_utf8_lossy(&bytes);
    let lang = match &args.lang {
        Some(l) => l.clone(),
        None => crate::lang::detect(&text).lang,
    };
    let assessment = classifier.classify(&text, Some(&lang));
    let mut out = std::io::stdout().lock();
    if args.json {
        let v = serde_json::json!({ "lang": lang, "level": assessment.level, "score": assessment.score,
            "categories": assessment.categories, "evidence": assessment.evidence });
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
        return Ok(());
    }
    print_assessment(&mut out, &assessment, &lang, args.explain)
}

fn print_assessment(out: &mut impl Write, a: &Assessment, lang: &str, explain: bool) -> Result<()> {
    writeln!(out, "{} score {:.2} (language {lang})", badge(a.level).trim_end(), a.score)?;
    for (c, s) in a.top_categories() {
        writeln!(out, "  {c:<22} {s:.2}")?;
    }
    if a.evidence.is_empty() {
        writeln!(out, "No evidence.")?;
        return Ok(());
    }
    writeln!(out, "Evidence:")?;
    for e in &a.evidence {
        if explain {
            writeln!(
                out,
                "  {} {:?} ({}, {}) — {} speech, weight {:.2}",
                match e.kind {
                    crate::model::EvidenceKind::Term => "term",
                    crate::model::EvidenceKind::Rule => "rule",
                },
                e.term_or_rule,
                e.category,
                e.lexicon,
                e.speech,
                e.weight
            )?;
            writeln!(out, "      {}  (bytes {}..{})", in_context(e, 400), e.start, e.end)?;
        } else {
            writeln!(out, "  {:<20} {:<9} {:.2}  {}", e.category, e.speech.as_str(), e.weight, in_context(e, 40))?;
        }
    }
    Ok(())
}

pub mod batch {
    //! `tocsin classify --jsonl`: a corpus classified in one process, in order, in parallel.

    use std::io::{BufRead, Write};

    use anyhow::{Context, Result};
    use rayon::prelude::*;
    use serde::{Deserialize, Serialize};

    use crate::classify::Classifier;
    use crate::model::{Evidence, Level};

    /// One input line.
    #[derive(Debug, Deserialize)]
    pub struct BatchInput {
        /// Caller's id, echoed back (string or number).
        pub id: serde_json::Value,
        /// The text.
        pub text: String,
        /// Language; detected when absent.
        #[serde(default)]
        pub lang: Option<String>,
    }

    /// One output line.
    #[derive(Debug, Serialize)]
    pub struct BatchOutput {
        /// The input's id.
        pub id: serde_json::Value,
        /// Language used.
        pub lang: String,
        /// Level.
        pub level: Level,
        /// Score.
        pub score: f64,
        /// Category scores.
        pub categories: std::collections::BTreeMap<String, f64>,
        /// Evidence.
        pub evidence: Vec<Evidence>,
    }

    const CHUNK: usize = 2048;

    /// Read JSON lines, classify them in chunks on the rayon pool, write results in input order.
    /// A malformed line stops with its line number.
    pub fn classify_jsonl(c: &Classifier, input: Box<dyn BufRead>, lang: Option<&str>, name: &str) -> Result<()> {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let mut chunk: Vec<BatchInput> = Vec::with_capacity(CHUNK);
        for (n, line) in input.lines().enumerate() {
            let line = line.with_context(|| format!("{name}:{}: cannot read", n + 1))?;
            if line.trim().is_empty() {
                continue;
            }
            let item: BatchInput = serde_json::from_str(&line).with_context(|| {
                format!("{name}:{}: expected {{\"id\": …, \"text\": \"…\", \"lang\": \"xx\"}}", n + 1)
            })?;
            chunk.push(item);
            if chunk.len() == CHUNK {
                flush(c, &mut chunk, lang, &mut out)?;
            }
        }
        flush(c, &mut chunk, lang, &mut out)?;
        out.flush()?;
        Ok(())
    }

    fn flush(c: &Classifier, chunk: &mut Vec<BatchInput>, lang: Option<&str>, out: &mut impl Write) -> Result<()> {
        let results: Vec<BatchOutput> = chunk
            .par_drain(..)
            .map(|item| {
                let lang =
                    item.lang.or(lang.map(str::to_string)).unwrap_or_else(|| crate::lang::detect(&item.text).lang);
                let a = c.classify(&item.text, Some(&lang));
                BatchOutput {
                    id: item.id,
                    lang,
                    level: a.level,
                    score: a.score,
                    categories: a.categories,
                    evidence: a.evidence,
                }
            })
            .collect();
        for r in results {
            serde_json::to_writer(&mut *out, &r)?;
            writeln!(out)?;
        }
        Ok(())
    }
}
