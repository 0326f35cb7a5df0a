//! Searching the article index: tantivy query syntax plus filters, newest or most relevant
//! first, with highlighted snippets and the stored evidence; trends over time and spike
//! detection; export of every match.
//!
//! In: a [`SearchRequest`] (or a [`trends::TrendRequest`]). Out: [`SearchResults`], whose serde
//! form is the `--json` output of `tocsin search` (a contract: fields are added, never
//! renamed), or every match with no cap ([`all_matches`]).

pub mod export;
pub mod facets;
pub mod filter;
pub mod spike;
pub mod text;
pub mod trends;

use std::collections::HashMap;

use serde::Serialize;
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};

pub use filter::Filters;

use crate::index::{ArticleIndex, IndexError};
use crate::model::{AssessedArticle, Evidence, Level};

/// What to look for.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// Query in tantivy syntax (`machete AND "wipe out"`, `title:attack`); empty = everything.
    pub query: String,
    /// Only articles at this level or above (merged with `filters.min_level`: the higher wins).
    pub min_level: Option<Level>,
    /// Only articles in this language (added to `filters.langs`).
    pub lang: Option<String>,
    /// Results to return.
    pub limit: usize,
    /// Results to skip (pagination).
    pub offset: usize,
    /// Order of the results.
    pub sort: SortOrder,
    /// Outlet, country, category, speech, time and further language filters.
    pub filters: Filters,
}

impl SearchRequest {
    /// `filters` with `lang` and `min_level` folded in.
    pub fn effective_filters(&self) -> Filters {
        let mut f = self.filters.clone();
        if let Some(lang) = &self.lang
            && !f.langs.iter().any(|l| l.eq_ignore_ascii_case(lang))
        {
            f.langs.push(lang.clone());
        }
        f.min_level = f.min_level.max(self.min_level);
        f
    }
}

/// Order of search results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum SortOrder {
    /// Best match first (newest first for an empty query).
    #[default]
    Relevance,
    /// Newest first.
    Newest,
    /// Oldest first.
    Oldest,
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
    /// Country of the outlet, when known.
    pub country: Option<String>,
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
    /// A trend or filter asked for something impossible.
    #[error("{0}")]
    Invalid(String),
    /// The index failed.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// Writing streamed results failed.
    #[error("cannot write the results: {0}")]
    Output(#[from] std::io::Error),
}

/// A text query with its filters, ready to run on one searcher.
pub struct Plan {
    searcher: Searcher,
    /// The text part alone (for snippets).
    text: Box<dyn Query>,
    /// Text and filters.
    query: BooleanQuery,
    fields: crate::index::Fields,
}

impl Plan {
    /// Parse the query and build the filter clauses on the latest commit.
    pub fn new(index: &ArticleIndex, query: &str, filters: &Filters) -> Result<Plan, QueryError> {
        let f = index.fields();
        let text = text::parse(index, query, &text::analyzers_for(&filters.langs))?;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text.box_clone())];
        clauses.extend(filters.clauses(&f).into_iter().map(|q| (Occur::Must, q)));
        Ok(Plan { searcher: index.searcher()?, text, query: BooleanQuery::new(clauses), fields: f })
    }

    /// The searcher the plan runs on.
    pub fn searcher(&self) -> &Searcher {
        &self.searcher
    }

    /// Text and filters as one query.
    pub fn query(&self) -> &dyn Query {
        &self.query
    }

    /// Number of matching articles.
    pub fn count(&self) -> Result<usize, QueryError> {
        Ok(self.searcher.search(&self.query, &Count)?)
    }

    /// The number of matches, and the addresses of matches `offset..offset + limit` in `sort`
    /// order, in one pass.
    fn ranked(&self, sort: SortOrder, limit: usize, offset: usize) -> Result<(usize, Vec<DocAddress>), QueryError> {
        let top = TopDocs::with_limit(limit.max(1)).and_offset(offset);
        match sort {
            SortOrder::Newest => self.counted(top.order_by_fast_field::<tantivy::DateTime>("published", Order::Desc)),
            SortOrder::Oldest => self.counted(top.order_by_fast_field::<tantivy::DateTime>("published", Order::Asc)),
            SortOrder::Score => self.counted(top.order_by_fast_field::<f64>("score", Order::Desc)),
            SortOrder::Relevance => self.counted(top.order_by_score()),
        }
    }

    fn counted<K, C>(&self, top: C) -> Result<(usize, Vec<DocAddress>), QueryError>
    where
        C: Collector<Fruit = Vec<(K, DocAddress)>>,
    {
        let (total, ranked) = self.searcher.search(&self.query, &(Count, top))?;
        Ok((total, ranked.into_iter().map(|(_, a)| a).collect()))
    }

    /// The stored record of a document.
    fn record(&self, address: DocAddress) -> Result<String, QueryError> {
        let doc: TantivyDocument = self.searcher.doc(address)?;
        Ok(doc.get_first(self.fields.record).and_then(|v| v.as_str()).unwrap_or_default().to_string())
    }
}

/// An empty query sorted by relevance is sorted newest first.
fn effective_sort(query: &str, sort: SortOrder) -> SortOrder {
    match sort {
        SortOrder::Relevance if query.trim().is_empty() => SortOrder::Newest,
        other => other,
    }
}

/// Run a search: one page of hits and the total.
pub fn search(index: &ArticleIndex, req: &SearchRequest) -> Result<SearchResults, QueryError> {
    let plan = Plan::new(index, &req.query, &req.effective_filters())?;
    let (total, addresses) = plan.ranked(effective_sort(&req.query, req.sort), req.limit, req.offset)?;
    let mut snippets = Snippets::default();
    let mut hits = Vec::with_capacity(addresses.len());
    for address in addresses {
        let Ok(a) = serde_json::from_str::<AssessedArticle>(&plan.record(address)?) else { continue };
        hits.push(snippets.hit(&plan, a)?);
    }
    Ok(SearchResults { query: req.query.clone(), total, hits })
}

/// Every match of `req` in its sort order, with no cap (`limit` and `offset` are ignored).
///
/// The matching addresses are ranked first (about 24 bytes each, so a million matches take
/// tens of megabytes); documents are then read one at a time as the iterators advance.
pub fn all_matches(index: &ArticleIndex, req: &SearchRequest) -> Result<Matches, QueryError> {
    let plan = Plan::new(index, &req.query, &req.effective_filters())?;
    let total = plan.count()?;
    let addresses =
        if total == 0 { Vec::new() } else { plan.ranked(effective_sort(&req.query, req.sort), total, 0)?.1 };
    Ok(Matches { plan, total, addresses: addresses.into_iter() })
}

/// The ranked matches of [`all_matches`], read as stored records or as hits.
pub struct Matches {
    plan: Plan,
    total: usize,
    addresses: std::vec::IntoIter<DocAddress>,
}

impl Matches {
    /// Number of matches.
    pub fn total(&self) -> usize {
        self.total
    }

    /// The stored records (JSON of an [`AssessedArticle`]), in order.
    pub fn records(self) -> impl Iterator<Item = Result<String, QueryError>> {
        let Matches { plan, addresses, .. } = self;
        addresses.map(move |a| plan.record(a))
    }

    /// The hits, snippets included, in order (unreadable records are skipped).
    pub fn hits(self) -> impl Iterator<Item = Result<SearchHit, QueryError>> {
        let Matches { plan, addresses, .. } = self;
        let mut snippets = Snippets::default();
        addresses.filter_map(move |address| {
            let record = match plan.record(address) {
                Ok(r) => r,
                Err(e) => return Some(Err(e)),
            };
            let a = serde_json::from_str::<AssessedArticle>(&record).ok()?;
            Some(snippets.hit(&plan, a))
        })
    }
}

/// Snippet generators, one per text field, made when a hit in that field's language first
/// needs one.
#[derive(Default)]
struct Snippets {
    by_field: HashMap<Field, SnippetGenerator>,
}

impl Snippets {
    fn hit(&mut self, plan: &Plan, a: AssessedArticle) -> Result<SearchHit, QueryError> {
        let (_, field) = plan.fields.for_lang(&a.article.lang);
        let generator = match self.by_field.entry(field) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let mut g = SnippetGenerator::create(&plan.searcher, &*plan.text, field)?;
                g.set_max_num_chars(240);
                e.insert(g)
            }
        };
        Ok(to_hit(a, generator))
    }
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
        country: art.country,
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
