//! One pass over a pipeline: fetch every feed, parse, decide languages, classify, index.
//!
//! fetch (tokio, concurrent, bounded) → parse → language → classify (rayon) → index (one
//! writer, one commit) → state (SQLite, after the commit). The CPU and disk part runs on a
//! blocking thread so the runtime stays free. A feed that fails is named in the report with
//! its reason and never stops the others.
//!
//! Order matters for crash safety: the index is committed before the state records the new
//! validators (ETag, Last-Modified) and the seen articles, so a kill in between makes the next
//! run fetch and upsert the same articles again — no loss, no duplicate.

use std::collections::HashSet;

use chrono::Utc;
use futures_util::future::join_all;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use tracing::{info, info_span, warn};

use crate::config::{FeedConfig, Pipeline};
use crate::fetch::{FetchOutcome, FetchRequest, Fetched, Fetcher};
use crate::index::ArticleIndex;
use crate::model::{AssessedArticle, Level};
use crate::parse::parse_feed;
use crate::store::{FeedState, Store};

/// What happened to one feed in a run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum FeedOutcome {
    /// Fetched and parsed.
    Fetched {
        /// Items in the document.
        items: usize,
        /// Articles indexed for the first time.
        new: usize,
        /// Articles whose content changed and were re-indexed.
        updated: usize,
        /// Articles already indexed with the same content.
        unchanged: usize,
    },
    /// The server said nothing changed (HTTP 304).
    NotModified,
    /// Fetching or parsing failed.
    Failed {
        /// Why, in plain words.
        reason: String,
    },
}

/// One feed's line in the run summary.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FeedReport {
    /// Feed URL.
    pub url: String,
    /// Outlet name.
    pub outlet: String,
    /// What happened.
    pub outcome: FeedOutcome,
}

/// The result of a run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunReport {
    /// Pipeline name.
    pub pipeline: String,
    /// One entry per feed, in configuration order.
    pub feeds: Vec<FeedReport>,
    /// Articles indexed in this run (new or changed), with their assessments.
    pub indexed: Vec<AssessedArticle>,
    /// Documents in the index after the run.
    pub index_total: u64,
    /// Documents per level in the index after the run.
    pub levels: Vec<(Level, usize)>,
}

impl RunReport {
    /// Feeds that failed.
    pub fn failed(&self) -> impl Iterator<Item = &FeedReport> {
        self.feeds.iter().filter(|f| matches!(f.outcome, FeedOutcome::Failed { .. }))
    }
}

/// Errors that stop a whole run (a single feed's failure never does).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The data directory cannot be created.
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The state file failed.
    #[error("state database: {0}")]
    Store(#[from] crate::store::StoreError),
    /// The index failed.
    #[error("index: {0}")]
    Index(#[from] crate::index::IndexError),
    /// The HTTP client could not be built.
    #[error("HTTP client: {0}")]
    Fetch(#[from] crate::fetch::FetchError),
    /// The blocking stage panicked or was cancelled.
    #[error("processing stage failed: {0}")]
    Join(String),
}

/// Run one pass of `pipeline` and return what happened.
pub async fn run_once(pipeline: &Pipeline) -> Result<RunReport, RunError> {
    let data_dir = &pipeline.config.pipeline.data_dir;
    std::fs::create_dir_all(data_dir)
        .map_err(|source| RunError::DataDir { path: data_dir.display().to_string(), source })?;
    let feeds = pipeline.config.feed.clone();
    let states: Vec<FeedState> = {
        let store = Store::open(&pipeline.state_path())?;
        feeds.iter().map(|f| store.feed_state(&f.url)).collect::<Result<_, _>>()?
    };
    let fetcher = Fetcher::new(&pipeline.config.fetch)?;
    let fetches = feeds.iter().zip(&states).map(|(feed, state)| {
        let fetcher = fetcher.clone();
        let req = FetchRequest {
            url: feed.fetch_url().to_string(),
            etag: state.etag.clone(),
            last_modified: state.last_modified.clone(),
        };
        async move {
            let _span = info_span!("fetch", feed = %req.url).entered();
            fetcher.fetch(&req).await
        }
    });
    let results = join_all(fetches).await;
    let pipeline = pipeline.clone();
    tokio::task::spawn_blocking(move || process(&pipeline, feeds, states, results))
        .await
        .map_err(|e| RunError::Join(e.to_string()))?
}

type FetchResult = Result<FetchOutcome, crate::fetch::FetchError>;

/// Parse, classify, index and record: the blocking half of a run.
fn process(
    pipeline: &Pipeline,
    feeds: Vec<FeedConfig>,
    mut states: Vec<FeedState>,
    results: Vec<FetchResult>,
) -> Result<RunReport, RunError> {
    let now = Utc::now();
    let mut store = Store::open(&pipeline.state_path())?;
    let mut reports = Vec::with_capacity(feeds.len());
    let mut pending: Vec<(usize, crate::model::Article, String)> = Vec::new();
    let mut seen_ids = HashSet::new();
    for (i, (feed, result)) in feeds.iter().zip(results).enumerate() {
        let state = &mut states[i];
        state.last_attempt = Some(now);
        let outcome = match result {
            Ok(FetchOutcome::NotModified) => {
                record_success(state, None);
                FeedOutcome::NotModified
            }
            Ok(FetchOutcome::Fetched(doc)) => match parse_feed(&doc.body, feed, now, pipeline.config.fetch.max_items) {
                Ok(parsed) => {
                    let mut counts = (0, 0, 0);
                    for mut article in parsed.articles.into_iter() {
                        if !seen_ids.insert(article.id.clone()) {
                            continue;
                        }
                        let decision =
                            crate::lang::decide(&article, parsed.language.as_deref(), feed.language.as_deref());
                        article.lang = decision.lang;
                        article.lang_confidence = decision.confidence;
                        let hash = content_hash(&article);
                        match store.seen_hash(&article.id)? {
                            Some(h) if h == hash => counts.2 += 1,
                            Some(_) => {
                                counts.1 += 1;
                                pending.push((i, article, hash));
                            }
                            None => {
                                counts.0 += 1;
                                pending.push((i, article, hash));
                            }
                        }
                    }
                    record_success(state, Some(&doc));
                    let items = counts.0 + counts.1 + counts.2;
                    FeedOutcome::Fetched { items, new: counts.0, updated: counts.1, unchanged: counts.2 }
                }
                Err(e) => record_failure(state, format!("{e}")),
            },
            Err(e) => record_failure(state, e.to_string()),
        };
        if let FeedOutcome::Failed { reason } = &outcome {
            warn!(feed = %feed.url, outlet = %feed.outlet, "Feed failed: {reason}");
        }
        reports.push(FeedReport { url: feed.url.clone(), outlet: feed.outlet.clone(), outcome });
    }
    let classifier = &pipeline.classifier;
    let indexed: Vec<AssessedArticle> = pending
        .par_iter()
        .map(|(_, article, _)| AssessedArticle {
            assessment: classifier.classify(&article.classified_text(), Some(&article.lang)),
            article: article.clone(),
        })
        .collect();
    let index = ArticleIndex::open(&pipeline.index_dir())?;
    if !indexed.is_empty() {
        let mut writer = index.writer()?;
        for a in &indexed {
            writer.upsert(a)?;
        }
        writer.commit()?;
    }
    // Only now, with the index committed, remember what it holds.
    store.mark_seen(
        pending
            .iter()
            .zip(&indexed)
            .map(|((i, a, h), asm)| (a.id.as_str(), feeds[*i].url.as_str(), h.as_str(), asm.assessment.level.as_str())),
        now,
    )?;
    for state in &states {
        store.save_feed_state(state)?;
    }
    let levels = crate::query::level_counts(&index)?.to_vec();
    let index_total = index.num_docs()?;
    info!(pipeline = %pipeline.config.pipeline.name, indexed = indexed.len(), index_total, "Run finished.");
    Ok(RunReport { pipeline: pipeline.config.pipeline.name.clone(), feeds: reports, indexed, index_total, levels })
}

fn record_success(state: &mut FeedState, doc: Option<&Fetched>) {
    if let Some(doc) = doc {
        state.etag = doc.etag.clone();
        state.last_modified = doc.last_modified.clone();
    }
    state.last_success = state.last_attempt;
    state.last_error = None;
    state.consecutive_failures = 0;
}

fn record_failure(state: &mut FeedState, reason: String) -> FeedOutcome {
    state.last_error = Some(reason.clone());
    state.consecutive_failures += 1;
    FeedOutcome::Failed { reason }
}

/// Hash of what the classifier and the index see, to skip unchanged articles.
fn content_hash(a: &crate::model::Article) -> String {
    let mut h = Sha256::new();
    for part in [&a.title, &a.text, &a.lang, &a.outlet, &a.canonical_url] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    if !a.published_is_fetch_time {
        h.update(a.published.timestamp().to_le_bytes());
    }
    h.finalize()[..16].iter().map(|b| format!("{b:02x}")).collect()
}
