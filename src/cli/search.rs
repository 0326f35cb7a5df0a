//! `tocsin search QUERY`: the article index from the command line.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;

use super::{badge, load_pipeline, print_evidence_lines};
use crate::index::ArticleIndex;
use crate::model::Level;
use crate::query::{SearchRequest, SortOrder};

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

pub(super) fn search(args: SearchArgs) -> Result<()> {
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

pub(super) fn mark_snippet(snippet: &str, highlights: &[(usize, usize)]) -> String {
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
