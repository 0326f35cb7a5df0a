//! Export every matching article for analysts: JSON lines (the stored record, complete with
//! evidence) or CSV (one flat row per article, for spreadsheets).
//!
//! Streams: documents are read and written one at a time, oldest first by default, so an
//! export of the whole index needs memory for the ranking only (24 bytes per match).

use std::collections::BTreeSet;
use std::io::Write;

use super::{QueryError, SearchRequest, all_matches};
use crate::index::ArticleIndex;
use crate::model::AssessedArticle;

/// Output format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// One JSON object per line: `{"article": {…}, "assessment": {…}}`.
    Jsonl,
    /// A header, then one row per article (see [`CSV_COLUMNS`]).
    Csv,
}

/// The columns of the CSV export. `categories` is `name:score` pairs joined by `;`; `speech`
/// and `terms` are the distinct values of the evidence joined by `;`.
pub const CSV_COLUMNS: [&str; 15] = [
    "id",
    "published",
    "fetched",
    "lang",
    "country",
    "outlet",
    "feed_id",
    "url",
    "title",
    "level",
    "score",
    "categories",
    "speech",
    "terms",
    "text",
];

/// Write every article matching `req` (its `limit` and `offset` ignored) to `out`; returns
/// how many were written.
pub fn export(
    index: &ArticleIndex,
    req: &SearchRequest,
    format: ExportFormat,
    out: impl Write,
) -> Result<usize, QueryError> {
    let matches = all_matches(index, req)?;
    let total = matches.total();
    match format {
        ExportFormat::Jsonl => {
            let mut out = std::io::BufWriter::new(out);
            for record in matches.records() {
                writeln!(out, "{}", record?)?;
            }
            out.flush()?;
        }
        ExportFormat::Csv => {
            let mut csv = csv::Writer::from_writer(out);
            csv.write_record(CSV_COLUMNS).map_err(csv_error)?;
            for record in matches.records() {
                if let Ok(a) = serde_json::from_str::<AssessedArticle>(&record?) {
                    csv.write_record(csv_row(&a)).map_err(csv_error)?;
                }
            }
            csv.flush()?;
        }
    }
    Ok(total)
}

/// The CSV row of an article, in [`CSV_COLUMNS`] order.
pub fn csv_row(a: &AssessedArticle) -> [String; 15] {
    let (art, asm) = (&a.article, &a.assessment);
    let categories: Vec<String> = asm.categories.iter().map(|(k, v)| format!("{k}:{v:.3}")).collect();
    let distinct = |values: BTreeSet<&str>| values.into_iter().collect::<Vec<_>>().join(";");
    [
        art.id.clone(),
        art.published.to_rfc3339(),
        art.fetched.to_rfc3339(),
        art.lang.clone(),
        art.country.clone().unwrap_or_default(),
        art.outlet.clone(),
        art.feed_id.clone(),
        art.canonical_url.clone(),
        art.title.clone(),
        asm.level.to_string(),
        format!("{:.3}", asm.score),
        categories.join(";"),
        distinct(asm.evidence.iter().map(|e| e.speech.as_str()).collect()),
        distinct(asm.evidence.iter().map(|e| e.term_or_rule.as_str()).collect()),
        art.text.clone(),
    ]
}

fn csv_error(e: csv::Error) -> QueryError {
    QueryError::Output(std::io::Error::other(e))
}
