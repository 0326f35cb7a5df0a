//! `tocsin search QUERY`: the article index from the command line, one page at a time or
//! every match (`--all`), as text, JSON, JSON lines or CSV.
//!
//! Also home of the arguments `search`, `trends` and `export` share: which index
//! ([`IndexArgs`]) and which articles ([`FilterArgs`]).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Result, bail};
use chrono::Utc;
use clap::Args;

use super::{badge, load_pipeline, print_evidence_lines};
use crate::index::ArticleIndex;
use crate::model::{Level, Speech};
use crate::query::filter::{WindowEnd, parse_time};
use crate::query::{Filters, SearchHit, SearchRequest, SearchResults, SortOrder};

/// Which index to read.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Pipeline whose index to read.
    #[arg(long, default_value = "pipelines/demo.toml")]
    pub pipeline: PathBuf,
    /// Read the index in this directory instead of the pipeline's.
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
}

impl IndexArgs {
    /// Open the index, or say how to make one.
    pub(super) fn open(&self) -> Result<ArticleIndex> {
        let dir = match &self.index {
            Some(dir) => dir.clone(),
            None => load_pipeline(&self.pipeline)?.pipeline.data_dir.join("index"),
        };
        if !dir.exists() {
            bail!(
                "no index at {}: run the pipeline first (tocsin run {} or tocsin demo)",
                dir.display(),
                self.pipeline.display()
            );
        }
        Ok(ArticleIndex::open(&dir)?)
    }
}

/// Which articles to consider. Repeat a flag (or separate values by commas) for
/// alternatives; different flags all apply.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only articles in these languages (ISO 639-1).
    #[arg(long, value_delimiter = ',')]
    pub lang: Vec<String>,
    /// Only articles from these outlets (exact name).
    #[arg(long)]
    pub outlet: Vec<String>,
    /// Only articles from outlets in these countries (ISO 3166 code).
    #[arg(long, value_delimiter = ',')]
    pub country: Vec<String>,
    /// Only articles with evidence in these categories (incitement, dehumanisation …).
    #[arg(long, value_delimiter = ',')]
    pub category: Vec<String>,
    /// Only articles with evidence in these voices: direct, reported, condemned, negated.
    #[arg(long, value_delimiter = ',', value_parser = parse_speech)]
    pub speech: Vec<Speech>,
    /// Only articles at this level or above (none, watch, warning, alert).
    #[arg(long)]
    pub level: Option<Level>,
    /// Only flagged articles (level watch or above).
    #[arg(long)]
    pub flagged: bool,
    /// Published at or after: 2026-11-20, 2026-11-20T08:00:00Z, or a span ago (36h, 7d, 2w).
    #[arg(long)]
    pub since: Option<String>,
    /// Published before: a date (its whole day is included), a time, or a span ago.
    #[arg(long)]
    pub until: Option<String>,
}

impl FilterArgs {
    /// The library's filters.
    pub(super) fn filters(&self) -> Result<Filters> {
        let now = Utc::now();
        let time = |s: &Option<String>, end| s.as_deref().map(|s| parse_time(s, end, now)).transpose();
        Ok(Filters {
            langs: self.lang.clone(),
            outlets: self.outlet.clone(),
            countries: self.country.clone(),
            categories: self.category.clone(),
            speech: self.speech.clone(),
            min_level: self.level.or(self.flagged.then_some(Level::Watch)),
            since: time(&self.since, WindowEnd::Start).map_err(anyhow::Error::msg)?,
            until: time(&self.until, WindowEnd::End).map_err(anyhow::Error::msg)?,
        })
    }
}

fn parse_speech(s: &str) -> Result<Speech, String> {
    [Speech::Direct, Speech::Reported, Speech::Condemned, Speech::Negated]
        .into_iter()
        .find(|k| k.as_str().eq_ignore_ascii_case(s))
        .ok_or_else(|| format!("unknown speech {s:?}: expected direct, reported, condemned or negated"))
}

/// `tocsin search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Query in tantivy syntax: words (all must match), "phrases", OR, NOT, -word, title:word,
    /// outlet:"Name", category:incitement. Empty matches everything.
    #[arg(default_value = "")]
    pub query: String,
    /// Which index.
    #[command(flatten)]
    pub source: IndexArgs,
    /// Which articles.
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Results per page.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Results to skip.
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Page number (from 1): skips (PAGE − 1) × limit results; overrides --offset.
    #[arg(long)]
    pub page: Option<usize>,
    /// Order of results.
    #[arg(long, value_enum, default_value_t = SortOrder::Relevance)]
    pub sort: SortOrder,
    /// Every match, streamed, with no cap (--limit, --offset and --page are ignored).
    #[arg(long)]
    pub all: bool,
    /// Print results as JSON: {query, total, hits: […]}.
    #[arg(long, conflicts_with_all = ["csv", "jsonl"])]
    pub json: bool,
    /// Print one JSON hit per line.
    #[arg(long, conflicts_with = "csv")]
    pub jsonl: bool,
    /// Print results as CSV with a header row.
    #[arg(long)]
    pub csv: bool,
}

/// How hits are printed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Json,
    Jsonl,
    Csv,
}

pub(super) fn search(args: SearchArgs) -> Result<()> {
    let index = args.source.open()?;
    let offset = args.page.map_or(args.offset, |p| p.saturating_sub(1) * args.limit);
    let req = SearchRequest {
        query: args.query.clone(),
        limit: args.limit,
        offset,
        sort: args.sort,
        filters: args.filters.filters()?,
        ..SearchRequest::default()
    };
    let format = match (args.json, args.jsonl, args.csv) {
        (true, _, _) => Format::Json,
        (_, true, _) => Format::Jsonl,
        (_, _, true) => Format::Csv,
        _ => Format::Text,
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.all {
        stream_all(&index, &req, format, &mut out)?;
    } else {
        print_page(&crate::query::search(&index, &req)?, offset, format, &mut out)?;
    }
    out.flush()?;
    Ok(())
}

/// Every match, each written as soon as it is read; JSON keeps the shape of a page.
fn stream_all(index: &ArticleIndex, req: &SearchRequest, format: Format, out: &mut impl Write) -> Result<()> {
    let matches = crate::query::all_matches(index, req)?;
    if format == Format::Csv {
        return write_csv(matches.hits().map(|h| h.map_err(anyhow::Error::from)), out);
    }
    match format {
        Format::Json => {
            write!(out, "{{\"query\":{},\"total\":{},\"hits\":[", serde_json::to_string(&req.query)?, matches.total())?
        }
        Format::Text => writeln!(out, "{} articles match", matches.total())?,
        Format::Csv | Format::Jsonl => {}
    }
    for (i, hit) in matches.hits().enumerate() {
        let hit = hit?;
        match format {
            Format::Json => {
                if i > 0 {
                    out.write_all(b",\n")?;
                }
                serde_json::to_writer(&mut *out, &hit)?;
            }
            Format::Jsonl => {
                serde_json::to_writer(&mut *out, &hit)?;
                out.write_all(b"\n")?;
            }
            Format::Csv => unreachable!("CSV is written above"),
            Format::Text => print_hit(out, &hit)?,
        }
    }
    if format == Format::Json {
        writeln!(out, "]}}")?;
    }
    Ok(())
}

fn print_page(results: &SearchResults, offset: usize, format: Format, out: &mut impl Write) -> Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, results)?;
            writeln!(out)?;
        }
        Format::Jsonl => {
            for hit in &results.hits {
                serde_json::to_writer(&mut *out, hit)?;
                writeln!(out)?;
            }
        }
        Format::Csv => {
            write_csv(results.hits.iter().cloned().map(Ok), out)?;
        }
        Format::Text => {
            let shown_to = offset + results.hits.len();
            writeln!(out, "{} articles match; showing {}–{}", results.total, (offset + 1).min(shown_to), shown_to)?;
            for hit in &results.hits {
                print_hit(out, hit)?;
            }
        }
    }
    Ok(())
}

fn print_hit(out: &mut impl Write, hit: &SearchHit) -> Result<()> {
    let day = hit.published.get(..10).unwrap_or(&hit.published);
    writeln!(out, "\n{} {:.2}  [{}] {} · {} · {}", badge(hit.level), hit.score, hit.lang, hit.outlet, day, hit.title)?;
    writeln!(out, "    {}", hit.url)?;
    writeln!(out, "    {}", mark_snippet(&hit.snippet, &hit.highlights))?;
    print_evidence_lines(out, &hit.evidence, 3)
}

/// The columns of `search --csv`.
const HIT_COLUMNS: [&str; 11] =
    ["id", "published", "lang", "country", "outlet", "level", "score", "categories", "title", "url", "snippet"];

/// Write hits as CSV with a header row, each row as soon as its hit arrives.
fn write_csv(hits: impl Iterator<Item = Result<SearchHit>>, out: &mut impl Write) -> Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(HIT_COLUMNS)?;
    for hit in hits {
        let hit = hit?;
        let categories: Vec<String> = hit.categories.iter().map(|(k, v)| format!("{k}:{v:.3}")).collect();
        csv.write_record([
            hit.id,
            hit.published,
            hit.lang,
            hit.country.unwrap_or_default(),
            hit.outlet,
            hit.level.to_string(),
            format!("{:.3}", hit.score),
            categories.join(";"),
            hit.title,
            hit.url,
            hit.snippet.replace('\n', " "),
        ])?;
    }
    csv.flush()?;
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
