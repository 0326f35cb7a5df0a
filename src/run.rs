//! One pass over a pipeline: fetch every feed, parse, dedup, decide languages, classify, index.
//!
//! fetch (tokio, one task per feed, bounded by the fetcher's global and per-host limits) →
//! parse (blocking pool, as each body arrives, so bodies never pile up in memory) → in
//! batches of about [`BATCH_ARTICLES`] articles, as the feeds come in, on one blocking
//! thread: dedup against the state (by id, by content hash, by title from the same outlet
//! within 7 days) → full text for feeds that ask for it → language → classify (rayon) →
//! index (one writer) → at the end, one commit → state (SQLite, after the commit). A feed
//! that fails is named in the report with its reason and never stops the others.
//!
//! Batching keeps memory flat: parsed articles are classified and handed to the index while
//! the fetch goes on, rather than all held until the last feed answers (10,000 feeds of 3
//! items held at once took ~100 MB more).
//!
//! Order matters for crash safety: the index is committed before the state records the new
//! validators (ETag, Last-Modified, body hash) and the seen articles, so a kill in between
//! makes the next run fetch and upsert the same articles again — no loss, no duplicate.

mod feeds;
mod schedule;
pub mod status;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use tracing::{info, warn};

pub use feeds::all_feeds;
pub use status::{FeedHealth, FeedStatus, feed_status};

use crate::config::{FeedConfig, Pipeline};
use crate::fetch::{FailureClass, FetchOutcome, FetchRequest, Fetcher, ResponseMeta};
use crate::index::ArticleIndex;
use crate::model::{Article, AssessedArticle, Level};
use crate::parse::{Document, Limits, ParsedFeed};
use crate::store::{FeedState, SeenArticle, Store, StoreError};

/// Two articles of one outlet with the same title within this window are one story.
pub const TITLE_DEDUP_DAYS: i64 = 7;

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
    /// The server sent the same document as last time (it ignored the validators).
    Unchanged,
    /// Not polled: the server asked us to wait (`Retry-After`), or the feed is not due.
    Deferred {
        /// When it may be polled again.
        until: DateTime<Utc>,
    },
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
    /// New articles skipped because the outlet published the same title within 7 days.
    pub duplicates: usize,
    /// The feed's new URL after a permanent redirect (update the pipeline file).
    pub moved_to: Option<String>,
    /// How serious the failure is, when it failed.
    pub failure_class: Option<FailureClass>,
    /// When the feed is due again.
    pub next_due: Option<DateTime<Utc>>,
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
    /// Time spent deciding languages and classifying, in seconds.
    pub classify_seconds: f64,
    /// Time spent writing and committing the index, in seconds.
    pub index_seconds: f64,
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
    /// The pipeline's OPML file cannot be read.
    #[error("feed list: {0}")]
    Opml(String),
    /// The blocking stage panicked or was cancelled.
    #[error("processing stage failed: {0}")]
    Join(String),
}

/// Which feeds a run polls.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Only feeds whose adaptive schedule says they are due (a cron-driven cycle); otherwise
    /// every feed, except those whose server asked us to wait.
    pub due_only: bool,
}

/// Run one pass of `pipeline` over every feed and return what happened.
pub async fn run_once(pipeline: &Pipeline) -> Result<RunReport, RunError> {
    run(pipeline, RunOptions::default()).await
}

/// Called by a run after its index commit and before the state records the articles as
/// seen, with the state store and the articles indexed (the daemon raises alerts here). An
/// error stops the run before the articles are recorded, so the next run offers them again.
pub type IndexedHook = Arc<dyn Fn(&mut Store, &[AssessedArticle]) -> Result<(), StoreError> + Send + Sync>;

/// Run one pass of `pipeline` with `options`.
pub async fn run(pipeline: &Pipeline, options: RunOptions) -> Result<RunReport, RunError> {
    run_with_hook(pipeline, options, None).await
}

/// Run one pass of `pipeline` with `options`, calling `hook` with what it indexed.
pub async fn run_with_hook(
    pipeline: &Pipeline,
    options: RunOptions,
    hook: Option<IndexedHook>,
) -> Result<RunReport, RunError> {
    let data_dir = &pipeline.config.pipeline.data_dir;
    std::fs::create_dir_all(data_dir)
        .map_err(|source| RunError::DataDir { path: data_dir.display().to_string(), source })?;
    let p = pipeline.clone();
    let now = Utc::now();
    let (feeds, states) = blocking(move || {
        let store = Store::open(&p.state_path())?;
        let feeds = all_feeds(&p.config, &store)?;
        let states = feed_states(&store, &feeds, options, now)?;
        Ok((feeds, states))
    })
    .await?;
    let feeds = Arc::new(feeds);
    let fetcher = Fetcher::new(&pipeline.config.fetch)?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<(usize, Polled)>>(2);
    let (p, f, handle, fetcher2) =
        (pipeline.clone(), feeds.clone(), tokio::runtime::Handle::current(), fetcher.clone());
    let sink_states = states.clone();
    let sink = blocking(move || {
        let mut sink = Sink::new(&p, f, sink_states, now)?;
        while let Some(batch) = rx.blocking_recv() {
            sink.take(batch, &handle, &fetcher2)?;
        }
        sink.finish(hook)
    });
    // When the sink fails it drops the receiver, fetch_all stops sending, and the error is
    // the run's.
    let ((), report) = tokio::join!(fetch_all(&fetcher, &feeds, &states, options, now, tx), sink);
    let report = report?;
    release_freed_memory();
    Ok(report)
}

/// Let glibc's malloc keep at most two arenas, as many as the cores tocsin is sized for. By
/// default each thread that allocates under contention gets an arena of its own (up to eight
/// per core), and the freed memory of each stays with it: a cycle spread over tokio workers,
/// the blocking pool, rayon and the index writer held ~75 MB more than it used. Measured with
/// `cargo run --release --example poll_10k`: peak 346 MB by default, 271 MB with two arenas,
/// cycles as fast. Call it first thing, before any thread starts; the binary's `main` does.
pub fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a parameter of the allocator; it is thread-safe.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Give what the run freed back to the system. glibc keeps freed memory in each thread's
/// arena, and a cycle's allocations are spread over many threads (tokio workers, the
/// blocking pool, rayon, the index writer), so a daemon would otherwise carry its busiest
/// cycle's footprint through every idle period and the next cycle would grow from there:
/// a warm cycle of 10,000 feeds after a cold one peaked at ~310 MB without this.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages to the kernel; it is thread-safe.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The state of each of `feeds`, in order. A run over every feed reads every state at once;
/// a run over the due feeds reads only theirs through the `next_due` index and knows the
/// others by id and time alone (they are deferred, and their state is not rewritten), so a
/// cycle of a daemon with 100,000 feeds costs what its due feeds cost.
pub fn feed_states(
    store: &Store,
    feeds: &[FeedConfig],
    options: RunOptions,
    now: DateTime<Utc>,
) -> Result<Vec<FeedState>, StoreError> {
    let fresh = |url: &str| FeedState { feed_id: url.to_string(), ..FeedState::default() };
    if !options.due_only {
        let mut all = store.feed_states()?;
        return Ok(feeds.iter().map(|f| all.remove(&f.url).unwrap_or_else(|| fresh(&f.url))).collect());
    }
    let mut due = store.due_feed_states(now)?;
    let waiting = store.waiting_feeds(now)?;
    Ok(feeds
        .iter()
        .map(|f| match (due.remove(&f.url), waiting.get(&f.url)) {
            (Some(state), _) => state,
            (None, Some(&at)) => FeedState { next_due: Some(at), ..fresh(&f.url) },
            (None, None) => fresh(&f.url),
        })
        .collect())
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, RunError> + Send + 'static) -> Result<T, RunError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| RunError::Join(e.to_string()))?
}

/// What polling one feed gave.
#[derive(Debug)]
enum Polled {
    Deferred(DateTime<Utc>),
    NotModified(ResponseMeta),
    Unchanged(ResponseMeta, u16),
    Parsed { meta: ResponseMeta, status: u16, body_hash: String, parsed: Box<ParsedFeed> },
    Failed { reason: String, class: FailureClass, status: Option<u16>, retry_after: Option<std::time::Duration> },
}

/// The index writer of a run: one thread and 32 MB before a segment is flushed. A run's
/// articles come in batches over the whole fetch, so the writer's buffer is most of what a
/// cycle holds; the default 64 MB put a 10,000-feed cycle over 300 MB, and 32 MB costs one
/// more segment flush per 30,000 articles.
fn run_writer() -> crate::index::WriterOptions {
    crate::index::WriterOptions { threads: 1, memory_bytes: 32 << 20, ..Default::default() }
}

/// Articles handed to classification and the index at a time, as the feeds come in.
pub const BATCH_ARTICLES: usize = 1_000;

/// Fetch and parse every selected feed concurrently, one task per feed, and send what each
/// gave to `tx` in batches of about [`BATCH_ARTICLES`] parsed articles. Tasks are started
/// lazily, at most twice `concurrency` at once (a spawned fetch holds tens of kilobytes of
/// state: 10,000 spawned at once took ~900 MB; the second `concurrency` keeps every global
/// slot busy while a task waits for its host), in an order that takes one feed from each
/// host in turn, so the tasks in flight are spread over hosts rather than queued behind one
/// host's limit and gap. Stops early when the receiver is gone (the sink failed).
async fn fetch_all(
    fetcher: &Fetcher,
    feeds: &[FeedConfig],
    states: &[FeedState],
    options: RunOptions,
    now: DateTime<Utc>,
    tx: tokio::sync::mpsc::Sender<Vec<(usize, Polled)>>,
) {
    use futures_util::StreamExt;
    let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
    let parse_slots = Arc::new(Semaphore::new(cpus));
    let cfg = fetcher.config();
    let limits = Limits { max_items: cfg.max_items, max_url_bytes: cfg.max_url_bytes };
    let window = cfg.concurrency.saturating_mul(2).max(64);
    let order = round_robin_by_host(feeds, states);
    let mut polls = futures_util::stream::iter(order.into_iter().map(|i| {
        let (feed, state) = (&feeds[i], &states[i]);
        let wait = state.retry_until.filter(|t| *t > now);
        let wait = wait.or_else(|| state.next_due.filter(|t| options.due_only && *t > now));
        let (fetcher, feed, state, slots) = (fetcher.clone(), feed.clone(), state.clone(), parse_slots.clone());
        let task = tokio::spawn(async move {
            match wait {
                Some(until) => Polled::Deferred(until),
                None => poll_one(&fetcher, &feed, &state, limits, &slots).await,
            }
        });
        async move { (i, task.await) }
    }))
    .buffer_unordered(window);
    let (mut batch, mut articles) = (Vec::new(), 0);
    while let Some((i, polled)) = polls.next().await {
        let polled = polled.unwrap_or_else(|e| failed_polled(format!("internal error: {e}"), FailureClass::Temporary));
        if let Polled::Parsed { parsed, .. } = &polled {
            articles += parsed.articles.len();
        }
        batch.push((i, polled));
        if articles >= BATCH_ARTICLES || batch.len() >= BATCH_ARTICLES {
            articles = 0;
            if tx.send(std::mem::take(&mut batch)).await.is_err() {
                return;
            }
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(batch).await;
    }
}

/// Feed indices taking one feed of each host in turn (hosts in order of first appearance).
fn round_robin_by_host(feeds: &[FeedConfig], states: &[FeedState]) -> Vec<usize> {
    let mut queues: Vec<std::collections::VecDeque<usize>> = Vec::new();
    let mut host_queue: HashMap<String, usize> = HashMap::new();
    for (i, (feed, state)) in feeds.iter().zip(states).enumerate() {
        let url = state.effective_url(feed.fetch_url());
        let host =
            url::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_ascii_lowercase)).unwrap_or_default();
        let q = *host_queue.entry(host).or_insert_with(|| {
            queues.push(Default::default());
            queues.len() - 1
        });
        queues[q].push_back(i);
    }
    let mut order = Vec::with_capacity(feeds.len());
    while order.len() < feeds.len() {
        for q in &mut queues {
            order.extend(q.pop_front());
        }
    }
    order
}

fn failed_polled(reason: String, class: FailureClass) -> Polled {
    Polled::Failed { reason, class, status: None, retry_after: None }
}

async fn poll_one(
    fetcher: &Fetcher,
    feed: &FeedConfig,
    state: &FeedState,
    limits: Limits,
    slots: &Semaphore,
) -> Polled {
    let req = FetchRequest {
        url: state.effective_url(feed.fetch_url()).to_string(),
        etag: state.etag.clone(),
        last_modified: state.last_modified.clone(),
    };
    let doc = match fetcher.fetch(&req).await {
        Ok(FetchOutcome::NotModified(meta)) => return Polled::NotModified(meta),
        Ok(FetchOutcome::Fetched(doc)) => doc,
        Err(e) => {
            let status = match &e {
                crate::fetch::FetchError::Status(s) | crate::fetch::FetchError::Throttled { status: s, .. } => Some(*s),
                _ => None,
            };
            return Polled::Failed { reason: e.to_string(), class: e.class(), status, retry_after: e.retry_after() };
        }
    };
    let body_hash = hex16(&Sha256::digest(&doc.body));
    if state.body_hash.as_deref() == Some(body_hash.as_str()) {
        return Polled::Unchanged(doc.meta, doc.status);
    }
    let _slot = slots.acquire().await.expect("parse semaphore closed");
    let feed = feed.clone();
    let parsed = tokio::task::spawn_blocking(move || {
        let meta = &doc.meta;
        let d = Document {
            body: &doc.body,
            content_type: meta.content_type.as_deref(),
            url: Some(&meta.final_url),
            content_language: meta.content_language.as_deref(),
        };
        (crate::parse::parse_document(&d, &feed, Utc::now(), limits), doc.meta, doc.status)
    })
    .await;
    match parsed {
        Ok((Ok(parsed), meta, status)) => Polled::Parsed { meta, status, body_hash, parsed: Box::new(parsed) },
        Ok((Err(e), _, status)) => {
            Polled::Failed { reason: e.to_string(), class: FailureClass::Soft, status: Some(status), retry_after: None }
        }
        Err(e) => failed_polled(format!("parser crashed: {e}"), FailureClass::Soft),
    }
}

/// An article that is new or changed, waiting for classification.
#[derive(Debug)]
struct Candidate {
    feed: usize,
    article: Article,
    hash: String,
    title_key: Option<String>,
    declared: Option<String>,
}

/// What an article indexed in this run leaves for the state, once the index is committed.
#[derive(Debug)]
struct Indexed {
    feed: usize,
    hash: String,
    title_key: Option<String>,
}

/// The blocking end of a run: takes the fetched feeds in batches, compares them with the
/// state, classifies and indexes what is new, and at the end commits the index, then saves
/// the state.
struct Sink<'p> {
    pipeline: &'p Pipeline,
    feeds: Arc<Vec<FeedConfig>>,
    now: DateTime<Utc>,
    store: Store,
    states: Vec<FeedState>,
    reports: Vec<Option<FeedReport>>,
    hints: Vec<schedule::Hints>,
    polled: Vec<bool>,
    /// Article ids seen in this run, and the title keys they claimed.
    ids: HashSet<String>,
    titles: HashMap<String, String>,
    bounds: crate::fetch::schedule::Bounds,
    index: Option<(ArticleIndex, Option<crate::index::ArticleWriter>)>,
    indexed: Vec<AssessedArticle>,
    seen: Vec<Indexed>,
    classify_seconds: f64,
    index_seconds: f64,
}

impl<'p> Sink<'p> {
    fn new(
        pipeline: &'p Pipeline,
        feeds: Arc<Vec<FeedConfig>>,
        states: Vec<FeedState>,
        now: DateTime<Utc>,
    ) -> Result<Self, RunError> {
        let n = feeds.len();
        Ok(Sink {
            store: Store::open(&pipeline.state_path())?,
            bounds: schedule::bounds(&pipeline.config.fetch),
            pipeline,
            feeds,
            now,
            states,
            reports: (0..n).map(|_| None).collect(),
            hints: vec![schedule::Hints::default(); n],
            polled: vec![false; n],
            ids: HashSet::new(),
            titles: HashMap::new(),
            index: None,
            indexed: Vec::new(),
            seen: Vec::new(),
            classify_seconds: 0.0,
            index_seconds: 0.0,
        })
    }

    /// One batch of polled feeds: the state's verdicts, then full text, language,
    /// classification and the index for what is new or changed.
    fn take(
        &mut self,
        batch: Vec<(usize, Polled)>,
        rt: &tokio::runtime::Handle,
        fetcher: &Fetcher,
    ) -> Result<(), RunError> {
        let mut candidates = Vec::new();
        for (i, polled) in batch {
            self.select(i, polled, &mut candidates)?;
        }
        if candidates.is_empty() {
            return Ok(());
        }
        rt.block_on(add_full_text(fetcher, &self.feeds, &mut candidates));
        let started = std::time::Instant::now();
        let feeds = &self.feeds;
        candidates.par_iter_mut().for_each(|c| {
            let d = crate::lang::decide(&c.article, c.declared.as_deref(), feeds[c.feed].language.as_deref());
            c.article.lang = d.lang;
            c.article.lang_confidence = d.confidence;
        });
        let classifier = &self.pipeline.classifier;
        let assessments: Vec<_> = candidates
            .par_iter()
            .map(|c| classifier.classify_mixed(&c.article.classified_text(), &c.article.lang))
            .collect();
        self.classify_seconds += started.elapsed().as_secs_f64();
        let started = std::time::Instant::now();
        if self.index.is_none() {
            self.index = Some((ArticleIndex::open(&self.pipeline.index_dir())?, None));
        }
        let (index, writer) = self.index.as_mut().expect("index opened");
        let writer = match writer {
            Some(w) => w,
            None => writer.insert(index.writer_with(run_writer())?),
        };
        for (c, assessment) in candidates.into_iter().zip(assessments) {
            let a = AssessedArticle { assessment, article: c.article };
            writer.upsert(&a)?;
            self.indexed.push(a);
            self.seen.push(Indexed { feed: c.feed, hash: c.hash, title_key: c.title_key });
        }
        self.index_seconds += started.elapsed().as_secs_f64();
        Ok(())
    }

    /// Compare what polling feed `i` gave with the state: record the outcome, and add its new
    /// and changed articles to `candidates`, without duplicates.
    fn select(&mut self, i: usize, result: Polled, candidates: &mut Vec<Candidate>) -> Result<(), RunError> {
        let (feed, now, store) = (&self.feeds[i], self.now, &self.store);
        let state = &mut self.states[i];
        let mut report = FeedReport {
            url: feed.url.clone(),
            outlet: feed.outlet.clone(),
            outcome: FeedOutcome::NotModified,
            duplicates: 0,
            moved_to: None,
            failure_class: None,
            next_due: None,
        };
        let mut hint = schedule::Hints::default();
        self.polled[i] = !matches!(result, Polled::Deferred(_));
        if self.polled[i] {
            state.last_attempt = Some(now);
        }
        report.outcome = match result {
            Polled::Deferred(until) => {
                report.next_due = Some(until);
                FeedOutcome::Deferred { until }
            }
            Polled::NotModified(meta) => {
                schedule::record_success(state, &meta, None, 304, feed.fetch_url());
                hint.max_age = meta.max_age;
                report.moved_to = meta.moved_to;
                FeedOutcome::NotModified
            }
            Polled::Unchanged(meta, status) => {
                schedule::record_success(state, &meta, None, status, feed.fetch_url());
                hint.max_age = meta.max_age;
                report.moved_to = meta.moved_to;
                FeedOutcome::Unchanged
            }
            Polled::Parsed { meta, status, body_hash, parsed } => {
                let parsed = *parsed;
                schedule::record_success(state, &meta, Some(body_hash), status, feed.fetch_url());
                state.title = parsed.title.clone().filter(|t| !t.is_empty()).or(state.title.take());
                hint = schedule::Hints { feed: parsed.poll_hint, max_age: meta.max_age };
                report.moved_to = meta.moved_to;
                let mut counts = (0, 0, 0);
                for article in parsed.articles {
                    if !self.ids.insert(article.id.clone()) {
                        continue;
                    }
                    let hash = content_hash(&article);
                    let seen = store.seen_hash(&article.id)?;
                    if seen.as_deref() == Some(hash.as_str()) {
                        counts.2 += 1;
                        continue;
                    }
                    let title_key = crate::parse::canonical::title_key(&article.outlet, &article.title);
                    if seen.is_none() && is_duplicate(store, &mut self.titles, &article, title_key.as_deref())? {
                        report.duplicates += 1;
                        continue;
                    }
                    if seen.is_some() {
                        counts.1 += 1
                    } else {
                        counts.0 += 1
                    }
                    let declared = parsed.language.clone();
                    candidates.push(Candidate { feed: i, article, hash, title_key, declared });
                }
                FeedOutcome::Fetched {
                    items: counts.0 + counts.1 + counts.2,
                    new: counts.0,
                    updated: counts.1,
                    unchanged: counts.2,
                }
            }
            Polled::Failed { reason, class, status, retry_after } => {
                schedule::record_failure(state, &reason, class, status, retry_after, self.bounds, now);
                report.failure_class = Some(class);
                warn!(feed = %feed.url, outlet = %feed.outlet, "Feed failed: {reason}");
                FeedOutcome::Failed { reason }
            }
        };
        self.hints[i] = hint;
        self.reports[i] = Some(report);
        Ok(())
    }

    /// Commit the index, then (the hook, and) the state: the articles seen, each feed's
    /// next poll.
    fn finish(self, hook: Option<IndexedHook>) -> Result<RunReport, RunError> {
        let Sink {
            pipeline,
            feeds,
            now,
            mut store,
            mut states,
            reports,
            hints,
            polled,
            bounds,
            index,
            indexed,
            seen,
            ..
        } = self;
        let started = std::time::Instant::now();
        let index = match index {
            Some((index, writer)) => {
                if let Some(mut writer) = writer {
                    writer.commit()?;
                }
                index
            }
            None => ArticleIndex::open(&pipeline.index_dir())?,
        };
        let index_seconds = self.index_seconds + started.elapsed().as_secs_f64();
        let mut reports: Vec<FeedReport> = reports.into_iter().map(|r| r.expect("every feed polled")).collect();
        // Only now, with the index committed, remember what it holds.
        if let Some(hook) = hook {
            hook(&mut store, &indexed)?;
        }
        store.mark_seen(
            seen.iter().zip(&indexed).map(|(s, a)| SeenArticle {
                id: &a.article.id,
                feed_id: &feeds[s.feed].url,
                hash: &s.hash,
                level: a.assessment.level.as_str(),
                title_key: s.title_key.as_deref(),
                published: a.article.published,
            }),
            now,
        )?;
        for (i, state) in states.iter_mut().enumerate().filter(|(i, _)| polled[*i]) {
            if state.last_error.is_none() {
                let stats = store.feed_stats(&feeds[i].url, now)?;
                schedule::plan_next_poll(state, stats.items_per_day(), hints[i], bounds, now);
            }
            reports[i].next_due = state.next_due;
        }
        store.save_feed_states(states.iter().enumerate().filter(|(i, _)| polled[*i]).map(|(_, s)| s))?;
        let levels = crate::query::level_counts(&index)?.to_vec();
        let index_total = index.num_docs()?;
        info!(pipeline = %pipeline.config.pipeline.name, indexed = indexed.len(), index_total, "Run finished.");
        Ok(RunReport {
            pipeline: pipeline.config.pipeline.name.clone(),
            feeds: reports,
            indexed,
            index_total,
            levels,
            classify_seconds: self.classify_seconds,
            index_seconds,
        })
    }
}

/// A new article whose outlet published the same title within [`TITLE_DEDUP_DAYS`], in the
/// state or earlier in this run.
fn is_duplicate(
    store: &Store,
    in_run: &mut HashMap<String, String>,
    article: &Article,
    key: Option<&str>,
) -> Result<bool, RunError> {
    let Some(key) = key else { return Ok(false) };
    if in_run.get(key).is_some_and(|id| *id != article.id) {
        return Ok(true);
    }
    let window = chrono::Duration::days(TITLE_DEDUP_DAYS);
    if store.title_seen(key, &article.id, article.published, window)? {
        return Ok(true);
    }
    in_run.insert(key.to_string(), article.id.clone());
    Ok(false)
}

/// For feeds with `full_text = true`, fetch each new article's page and keep its main text.
async fn add_full_text(fetcher: &Fetcher, feeds: &[FeedConfig], candidates: &mut [Candidate]) {
    let cap = fetcher.config().max_full_text;
    let mut per_feed: HashMap<usize, usize> = HashMap::new();
    let mut jobs = Vec::new();
    for (i, c) in candidates.iter().enumerate() {
        let n = per_feed.entry(c.feed).or_default();
        if !feeds[c.feed].full_text || c.article.url.is_empty() || *n >= cap {
            continue;
        }
        *n += 1;
        let (fetcher, url) = (fetcher.clone(), c.article.url.clone());
        jobs.push((i, tokio::spawn(async move { full_text(&fetcher, &url).await })));
    }
    for (i, job) in jobs {
        match job.await {
            Ok(Ok(page)) => {
                let a = &mut candidates[i].article;
                if page.text.len() > a.text.len() {
                    a.text = page.text;
                }
                if a.lang.is_empty() {
                    a.lang = page.lang.unwrap_or_default();
                }
            }
            Ok(Err(reason)) => warn!(url = %candidates[i].article.url, "Full text not fetched: {reason}"),
            Err(e) => warn!("Full text task failed: {e}"),
        }
    }
}

async fn full_text(fetcher: &Fetcher, url: &str) -> Result<crate::parse::readable::PageText, String> {
    let req = FetchRequest { url: url.to_string(), ..FetchRequest::default() };
    let doc = match fetcher.fetch(&req).await.map_err(|e| e.to_string())? {
        FetchOutcome::Fetched(doc) => doc,
        FetchOutcome::NotModified(_) => return Err("server answered 304 without validators".into()),
    };
    let url = doc.meta.final_url.clone();
    tokio::task::spawn_blocking(move || {
        crate::parse::readable::extract(&doc.body, doc.meta.content_type.as_deref(), &url).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Hash of what the feed says about an article (before full text and language), to skip
/// unchanged articles.
fn content_hash(a: &Article) -> String {
    let mut h = Sha256::new();
    for part in [&a.title, &a.text, &a.lang, &a.outlet, &a.canonical_url] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    if !a.published_is_fetch_time {
        h.update(a.published.timestamp().to_le_bytes());
    }
    hex16(&h.finalize())
}

fn hex16(digest: &[u8]) -> String {
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}
