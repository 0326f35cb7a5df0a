//! `tocsin feeds import FILE.opml | export | status [--json]`: the feed list and its health.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};

use super::load_pipeline;
use crate::run::FeedHealth;
use crate::store::Store;

/// `tocsin feeds …`.
#[derive(Debug, Subcommand)]
pub enum FeedsCommand {
    /// Add the feeds of an OPML file to the pipeline (kept in its state; polled with the
    /// pipeline file's own feeds). Feeds already present are skipped.
    Import {
        /// OPML file.
        file: PathBuf,
        #[command(flatten)]
        pipeline: PipelineArg,
    },
    /// Print every feed of the pipeline as OPML, with its current URL (after permanent
    /// redirects), outlet, language and country.
    Export {
        #[command(flatten)]
        pipeline: PipelineArg,
    },
    /// For each feed: health, last success, last error in plain words, items in the last
    /// 7 days, next poll, and SILENT for a feed that used to publish and stopped.
    Status {
        #[command(flatten)]
        pipeline: PipelineArg,
        /// Print `[{url, current_url, outlet, health, silent, last_success, last_error,
        /// failure_class, items_7d, next_poll, …}]` as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// The pipeline a `feeds` command works on.
#[derive(Debug, Args)]
pub struct PipelineArg {
    /// Pipeline file.
    #[arg(long, default_value = "pipelines/demo.toml")]
    pub pipeline: PathBuf,
}

/// Run one `feeds` subcommand.
pub(super) fn run(command: FeedsCommand) -> Result<()> {
    match command {
        FeedsCommand::Import { file, pipeline } => import(&file, &pipeline.pipeline),
        FeedsCommand::Export { pipeline } => export(&pipeline.pipeline),
        FeedsCommand::Status { pipeline, json } => status(&pipeline.pipeline, json),
    }
}

fn import(file: &Path, pipeline: &Path) -> Result<()> {
    let config = load_pipeline(pipeline)?;
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let feeds = crate::parse::opml::read_opml(&text).with_context(|| file.display().to_string())?;
    let mut bad = Vec::new();
    let good: Vec<_> = feeds
        .into_iter()
        .filter(|f| match url::Url::parse(&f.url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => true,
            _ => {
                bad.push(f.url.clone());
                false
            }
        })
        .collect();
    std::fs::create_dir_all(&config.pipeline.data_dir)
        .with_context(|| format!("cannot create {}", config.pipeline.data_dir.display()))?;
    let mut store = Store::open(&config.pipeline.data_dir.join("state.sqlite"))?;
    // Feeds of the pipeline file (or its OPML) are present too, by their URL or the URL a
    // permanent redirect moved them to; storing them again would list them twice on export.
    let mut present = std::collections::HashSet::new();
    for f in crate::run::all_feeds(&config, &store)? {
        present.insert(store.feed_state(&f.url)?.effective_url(&f.url).to_string());
        present.insert(f.url);
    }
    let new: Vec<_> = good.iter().filter(|f| !present.contains(&f.url)).cloned().collect();
    let added = store.add_subscriptions(&new)?;
    println!("{added} feeds added, {} already present, from {}.", good.len() - added, file.display());
    for url in bad {
        println!("skipped {url}: not an http or https URL");
    }
    Ok(())
}

fn export(pipeline: &Path) -> Result<()> {
    let config = load_pipeline(pipeline)?;
    let path = config.pipeline.data_dir.join("state.sqlite");
    let mut feeds = config.feed.clone();
    if path.exists() {
        let store = Store::open(&path)?;
        feeds = crate::run::all_feeds(&config, &store)?;
        for f in &mut feeds {
            f.url = store.feed_state(&f.url)?.effective_url(&f.url).to_string();
        }
    }
    println!("{}", crate::parse::opml::write_opml(&config.pipeline.name, &feeds)?);
    Ok(())
}

fn status(pipeline: &Path, json: bool) -> Result<()> {
    let config = load_pipeline(pipeline)?;
    let now = Utc::now();
    let statuses = crate::run::feed_status(&config, now)?;
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &statuses)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<28} {:<13} {:>8} {:<16} {:<16} problem",
        "outlet", "health", "items 7d", "last success", "next poll"
    )?;
    for s in &statuses {
        let health = if s.health == FeedHealth::Silent { "SILENT".to_string() } else { s.health.as_str().to_string() };
        let health = if s.silent && s.health == FeedHealth::Failing { format!("{health}+SILENT") } else { health };
        let problem = match (&s.last_error, s.silent) {
            (Some(e), _) => e.clone(),
            (None, true) => format!("nothing new since {}", when(s.newest_item, now)),
            (None, false) => String::new(),
        };
        writeln!(
            out,
            "{:<28} {:<13} {:>8} {:<16} {:<16} {problem}",
            truncate(&s.outlet, 28),
            health,
            s.items_7d,
            when(s.last_success, now),
            when(s.next_poll, now),
        )?;
    }
    let failing = statuses.iter().filter(|s| s.health == FeedHealth::Failing).count();
    let silent = statuses.iter().filter(|s| s.silent).count();
    writeln!(out, "\n{} feeds: {failing} failing, {silent} silent.", statuses.len())?;
    Ok(())
}

/// "3h ago", "in 12m", "never".
fn when(t: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    let Some(t) = t else { return "never".into() };
    let secs = (t - now).num_seconds();
    let span = |s: i64| match s {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    };
    if secs >= 0 { format!("in {}", span(secs)) } else { format!("{} ago", span(-secs)) }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { s.chars().take(n - 1).collect::<String>() + "…" }
}
