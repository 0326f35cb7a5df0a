//! `tocsin export`: every matching article, oldest first, as JSON lines or CSV, for analysts.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use super::search::{FilterArgs, IndexArgs};
use crate::query::export::ExportFormat;
use crate::query::{SearchRequest, SortOrder};

/// `tocsin export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Query in tantivy syntax (as for search); empty exports every article.
    #[arg(default_value = "")]
    pub query: String,
    /// Output format: jsonl (the full stored record with evidence) or csv (one flat row).
    #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
    pub format: ExportFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Order of the articles.
    #[arg(long, value_enum, default_value_t = SortOrder::Oldest)]
    pub sort: SortOrder,
    /// Which index.
    #[command(flatten)]
    pub source: IndexArgs,
    /// Which articles.
    #[command(flatten)]
    pub filters: FilterArgs,
}

pub(super) fn export(args: ExportArgs) -> Result<()> {
    let index = args.source.open()?;
    let req = SearchRequest {
        query: args.query,
        sort: args.sort,
        filters: args.filters.filters()?,
        ..SearchRequest::default()
    };
    let out: Box<dyn Write> = match &args.output {
        Some(path) => {
            Box::new(std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?)
        }
        None => Box::new(std::io::stdout().lock()),
    };
    let n = crate::query::export::export(&index, &req, args.format, out)?;
    if let Some(path) = &args.output {
        eprintln!("Exported {n} articles to {}.", path.display());
    }
    Ok(())
}
