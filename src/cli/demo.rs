//! `tocsin demo`: the bundled outlets on loopback, the real pipeline, what was flagged and why.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use super::run::print_report;
use super::{badge, build, load_pipeline, print_evidence_lines, runtime, show_paths};
use crate::index::ArticleIndex;
use crate::model::Level;
use crate::query::{SearchRequest, SortOrder};

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

pub(super) fn demo(args: DemoArgs) -> Result<()> {
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
