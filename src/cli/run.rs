//! `tocsin run PIPELINE`: one pass, and the run summary shared with the demo.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::{build, load_pipeline, runtime};
use crate::run::{FeedOutcome, RunReport};

/// `tocsin run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Pipeline file.
    pub pipeline: PathBuf,
    /// Print the run report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Poll only the feeds that are due by their adaptive schedule (for cron); without it every
    /// feed is polled except those whose server asked us to wait.
    #[arg(long)]
    pub due: bool,
}

pub(super) fn run_pipeline(args: RunArgs) -> Result<()> {
    let pipeline = build(load_pipeline(&args.pipeline)?)?;
    let options = crate::run::RunOptions { due_only: args.due };
    let report = runtime()?.block_on(crate::run::run(&pipeline, options))?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        print_report(&mut out, &report)?;
    }
    Ok(())
}

pub(super) fn print_report(out: &mut impl Write, report: &RunReport) -> Result<()> {
    writeln!(out, "Feeds ({}):", report.feeds.len())?;
    for f in &report.feeds {
        let what = match &f.outcome {
            FeedOutcome::Fetched { items, new, updated, unchanged } => {
                format!("ok, {items} items: {new} new, {updated} updated, {unchanged} unchanged")
            }
            FeedOutcome::NotModified => "not modified since last run (HTTP 304)".to_string(),
            FeedOutcome::Unchanged => "same document as last run".to_string(),
            FeedOutcome::Deferred { until } => {
                format!("not polled: due again at {}", until.format("%Y-%m-%d %H:%M UTC"))
            }
            FeedOutcome::Failed { reason } => format!("FAILED: {reason}"),
        };
        let dups =
            if f.duplicates > 0 { format!(", {} duplicate titles skipped", f.duplicates) } else { String::new() };
        writeln!(out, "  {:<28} {what}{dups}", f.outlet)?;
        if let Some(to) = &f.moved_to {
            writeln!(out, "  {:<28} moved permanently to {to} (update the pipeline file)", "")?;
        }
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
