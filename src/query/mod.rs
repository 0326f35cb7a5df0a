//! Searching the article index: tantivy query syntax plus filters, newest or most relevant
//! first, with highlighted snippets and the stored evidence.
//!
//! In: a [`SearchRequest`]. Out: [`SearchResults`], whose serde form is the `--json` output of
//! `tocsin search` (a contract: fields are added, never renamed).

use std::ops::Bound;

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Order, TantivyDocument, Term};

use crate::index::{ArticleIndex, IndexError};
use crate::model::{AssessedArticle, Evidence, Level};

/// What to look for.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// Query in tantivy syntax (`machete AND "wipe out"`, `title:attack`); empty = everything.
    pub query: String,
    /// Only articles at this level or above.
    pub min_level: Option<Level>,
    /// Only articles in this language.
    pub lang: Option<String>,
    /// Results to return.
    pub limit: usize,
    /// Results to skip (pagination).
    pub offset: usize,
    /// Order of the results.
    pub sort: SortOrder,
}

/// Order of search results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum SortOrder {
    /// Best match first (newest first for an empty query).
    #[default]
    Relevance,
    /// Newest first.
    Newest,
    /// Highest score first.
    Score,
}

/// One search result.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    /// Article id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Outlet.
    pub outlet: String,
    /// Language.
    pub lang: String,
    /// Publication time (RFC 3339).
    pub published: String,
    /// Canonical URL.
    pub url: String,
    /// Level of the assessment.
    pub level: Level,
    /// Score of the assessment.
    pub score: f64,
    /// Categories with their scores.
    pub categories: std::collections::BTreeMap<String, f64>,
    /// A fragment of the text around the query's words.
    pub snippet: String,
    /// Byte ranges of the query's words in `snippet`.
    pub highlights: Vec<(usize, usize)>,
    /// The evidence behind the assessment.
    pub evidence: Vec<Evidence>,
}

/// A page of results.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    /// The query as given.
    pub query: String,
    /// All matching articles (not only this page).
    pub total: usize,
    /// This page.
    pub hits: Vec<SearchHit>,
}

/// Why a search failed.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The query does not parse.
    #[error("cannot read the query {query:?}: {message}")]
    Syntax {
        /// The query.
        query: String,
        /// What tantivy said.
        message: String,
    },
    /// The index failed.
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// Run a search.
pub fn search(index: &ArticleIndex, req: &SearchRequest) -> Result<SearchResults, QueryError> {
    let f = index.fields();
    let searcher = index.searcher()?;
    let text_query: Box<dyn Query> = if req.query.trim().is_empty() {
        Box::new(AllQuery)
    } else {
        let mut parser = QueryParser::for_index(index.index(), vec![f.title, f.text]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(f.title, 2.0);
        parser
            .parse_query(&req.query)
            .map_err(|e| QueryError::Syntax { query: req.query.clone(), message: e.to_string() })?
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query.box_clone())];
    if let Some(level) = req.min_level.filter(|l| *l > Level::None) {
        let lower = Term::from_field_u64(f.level, level.rank());
        clauses.push((Occur::Must, Box::new(RangeQuery::new(Bound::Included(lower), Bound::Unbounded))));
    }
    if let Some(lang) = &req.lang {
        let term = Term::from_field_text(f.lang, lang);
        clauses.push((Occur::Must, Box::new(TermQuery::new(term, IndexRecordOption::Basic))));
    }
    let query = BooleanQuery::new(clauses);
    let limit = req.limit.max(1);
    let total = searcher.search(&query, &Count)?;
    let top = TopDocs::with_limit(limit).and_offset(req.offset);
    let sort = match req.sort {
        SortOrder::Relevance if req.query.trim().is_empty() => SortOrder::Newest,
        other => other,
    };
    let addresses: Vec<DocAddress> = match sort {
        SortOrder::Newest => {
            let top = top.order_by_fast_field::<tantivy::DateTime>("published", Order::Desc);
            searcher.search(&query, &top)?.into_iter().map(|(_, a)| a).collect()
        }
        SortOrder::Score => {
            let top = top.order_by_fast_field::<f64>("score", Order::Desc);
            searcher.search(&query, &top)?.into_iter().map(|(_, a)| a).collect()
        }
        SortOrder::Relevance => searcher.search(&query, &top.order_by_score())?.into_iter().map(|(_, a)| a).collect(),
    };
    let mut snippets = SnippetGenerator::create(&searcher, &*text_query, f.text)?;
    snippets.set_max_num_chars(240);
    let mut hits = Vec::with_capacity(addresses.len());
    for address in addresses {
        let doc: TantivyDocument = searcher.doc(address)?;
        let record = doc.get_first(f.record).and_then(|v| v.as_str()).unwrap_or_default();
        let Ok(a) = serde_json::from_str::<AssessedArticle>(record) else { continue };
        hits.push(to_hit(a, &snippets));
    }
    Ok(SearchResults { query: req.query.clone(), total, hits })
}

fn to_hit(a: AssessedArticle, snippets: &SnippetGenerator) -> SearchHit {
    let snippet = snippets.snippet(&a.article.text);
    let (mut text, mut highlights) =
        (snippet.fragment().to_string(), snippet.highlighted().iter().map(|r| (r.start, r.end)).collect::<Vec<_>>());
    if text.is_empty() {
        text = a.article.text.chars().take(200).collect();
        highlights.clear();
    }
    let (art, asm) = (a.article, a.assessment);
    SearchHit {
        id: art.id,
        title: art.title,
        outlet: art.outlet,
        lang: art.lang,
        published: art.published.to_rfc3339(),
        url: art.canonical_url,
        level: asm.level,
        score: asm.score,
        categories: asm.categories,
        snippet: text,
        highlights,
        evidence: asm.evidence,
    }
}

/// Number of indexed articles at each level, from `none` to `alert`.
pub fn level_counts(index: &ArticleIndex) -> Result<[(Level, usize); 4], IndexError> {
    let f = index.fields();
    let searcher = index.searcher()?;
    let mut out = Level::ALL.map(|l| (l, 0));
    for (level, count) in out.iter_mut() {
        let q = TermQuery::new(Term::from_field_u64(f.level, level.rank()), IndexRecordOption::Basic);
        *count = searcher.search(&q, &Count)?;
    }
    Ok(out)
}

/// The stored article and assessment with this id, if indexed.
pub fn get_article(index: &ArticleIndex, id: &str) -> Result<Option<AssessedArticle>, IndexError> {
    let f = index.fields();
    let searcher = index.searcher()?;
    let q = TermQuery::new(Term::from_field_text(f.id, id), IndexRecordOption::Basic);
    let Some((_, address)) = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?.into_iter().next() else {
        return Ok(None);
    };
    let doc: TantivyDocument = searcher.doc(address)?;
    let record = doc.get_first(f.record).and_then(|v| v.as_str()).unwrap_or_default();
    Ok(serde_json::from_str(record).ok())
}
