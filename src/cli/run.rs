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
}

pub(super) fn run_pipeline(args: RunArgs) -> Result<()> {
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

pub(super) fn print_report(out: &mut impl Write, report: &RunReport) -> Result<()> {
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
