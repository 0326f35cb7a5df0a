//! The command line: clap definitions and the code that runs each command and prints.
//!
//! Every command calls the same library functions the demo and the tests use; this module only
//! parses arguments, loads configuration and formats output (human text, or JSON with
//! `--json`, whose fields are a contract for other tools). One file per command.

mod batch;
mod classify;
mod daemon;
mod demo;
mod eval;
mod export;
mod feeds;
mod lexicon;
mod run;
mod search;
mod trends;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use crate::config::{Pipeline, PipelineConfig};
use crate::model::{Evidence, Level};

pub use classify::ClassifyArgs;
pub use daemon::DaemonArgs;
pub use demo::DemoArgs;
pub use eval::EvalArgs;
pub use export::ExportArgs;
pub use feeds::FeedsCommand;
pub use lexicon::LexiconCommand;
pub use run::RunArgs;
pub use search::SearchArgs;
pub use trends::TrendsArgs;

/// tocsin watches news feeds for incitement to violence and early signs of mass atrocities.
#[derive(Debug, Parser)]
#[command(name = "tocsin", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Log level filter (error, warn, info, debug, trace) or a tracing directive (default:
    /// info for the daemon, warn otherwise).
    #[arg(long, global = true)]
    pub log: Option<String>,
    /// Log lines as human text or as JSON objects (one per line, with span fields).
    #[arg(long, global = true, value_enum, default_value = "text")]
    pub log_format: LogFormat,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable text.
    Text,
    /// One JSON object per line.
    Json,
}

impl Cli {
    /// The log filter: `--log`, or the command's default.
    pub fn log_filter(&self) -> &str {
        match (&self.log, &self.command) {
            (Some(l), _) => l,
            (None, Command::Daemon(_)) => "info",
            (None, _) => "warn",
        }
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the bundled demo outlets on 127.0.0.1, run the real pipeline against them, and
    /// show what was flagged and why.
    Demo(DemoArgs),
    /// Run one pass of a pipeline: fetch, parse, classify, index.
    Run(RunArgs),
    /// Run pipelines on their feeds' schedules: raise alerts, publish early-warning feeds and
    /// webhooks, serve the HTTP API (127.0.0.1:8080 by default).
    Daemon(DaemonArgs),
    /// Manage a pipeline's feeds: import and export OPML, show their health.
    #[command(subcommand)]
    Feeds(FeedsCommand),
    /// Search the article index of a pipeline.
    Search(SearchArgs),
    /// Count matches per hour, day or week, split by language, outlet, category or level, and
    /// mark spikes.
    Trends(TrendsArgs),
    /// Write every matching article as JSON lines or CSV.
    Export(ExportArgs),
    /// Classify text from a file or standard input.
    Classify(ClassifyArgs),
    /// Work on lexicons.
    #[command(subcommand)]
    Lexicon(LexiconCommand),
    /// Measure lexicons against labelled data (precision, recall, F1, false alarms per term),
    /// or compare two lexicon sets.
    Eval(EvalArgs),
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Demo(a) => demo::demo(a),
        Command::Run(a) => run::run_pipeline(a),
        Command::Daemon(a) => daemon::daemon(a),
        Command::Feeds(c) => feeds::run(c),
        Command::Search(a) => search::search(a),
        Command::Trends(a) => trends::trends(a),
        Command::Export(a) => export::export(a),
        Command::Classify(a) => classify::classify(a),
        Command::Lexicon(command) => lexicon::run(command),
        Command::Eval(a) => eval::eval(a),
    }
}

pub(super) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the async runtime")
}

pub(super) fn load_pipeline(path: &Path) -> Result<PipelineConfig> {
    Ok(PipelineConfig::load(path)?)
}

pub(super) fn build(config: PipelineConfig) -> Result<Pipeline> {
    Ok(config.build()?)
}

pub(super) fn show_paths(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}

pub(super) fn badge(level: Level) -> String {
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
