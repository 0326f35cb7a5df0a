//! The index's single writer: upserts by article id, and commits by a policy.
//!
//! Tantivy allows one writer per index (a lock file held by the process; the OS releases it
//! when the process dies). An upsert deletes the document with the same id and adds the new
//! one; both take effect at the next commit, so a reader never sees the article twice or not
//! at all. A commit is atomic: it writes the new segments, then swaps `meta.json`; a process
//! killed at any point leaves the index at its previous commit, and the next writer removes
//! the orphaned files.

use std::time::{Duration, Instant};

use tantivy::{DateTime, IndexWriter, TantivyDocument, Term};

use super::analysis::Analyzer;
use super::{Fields, IndexError};
use crate::model::AssessedArticle;

/// When the writer commits on its own: after `max_docs` upserts or `max_interval` after the
/// first uncommitted upsert, whichever comes first.
///
/// Time is checked on each upsert and on [`ArticleWriter::maybe_commit`], which a long-lived
/// owner (the daemon) calls from its timer so that a quiet stream is committed too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommitPolicy {
    /// Commit after this many uncommitted upserts.
    pub max_docs: usize,
    /// Commit when the oldest uncommitted upsert is this old.
    pub max_interval: Duration,
}

impl Default for CommitPolicy {
    fn default() -> Self {
        CommitPolicy { max_docs: 10_000, max_interval: Duration::from_secs(10) }
    }
}

/// How to open the writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriterOptions {
    /// Indexing threads.
    pub threads: usize,
    /// Memory for all threads before segments are flushed (tantivy wants ≥ 15 MB per thread).
    pub memory_bytes: usize,
    /// Automatic commits.
    pub policy: CommitPolicy,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions { threads: 1, memory_bytes: 64 * 1024 * 1024, policy: CommitPolicy::default() }
    }
}

/// The index's single writer: upserts, then commits.
pub struct ArticleWriter {
    writer: IndexWriter,
    fields: Fields,
    policy: CommitPolicy,
    pending: usize,
    oldest_pending: Option<Instant>,
    commits: u64,
}

impl ArticleWriter {
    pub(super) fn new(writer: IndexWriter, fields: Fields, policy: CommitPolicy) -> Self {
        ArticleWriter { writer, fields, policy, pending: 0, oldest_pending: None, commits: 0 }
    }

    /// Replace (or add) the document of this article; commits when the policy says so.
    pub fn upsert(&mut self, a: &AssessedArticle) -> Result<(), IndexError> {
        self.writer.delete_term(Term::from_field_text(self.fields.id, &a.article.id));
        self.writer.add_document(document(&self.fields, a))?;
        self.pending += 1;
        self.oldest_pending.get_or_insert_with(Instant::now);
        if self.pending >= self.policy.max_docs {
            self.commit()?;
        } else {
            self.maybe_commit()?;
        }
        Ok(())
    }

    /// Commit if the oldest uncommitted upsert is older than the policy's interval.
    /// Returns whether it committed.
    pub fn maybe_commit(&mut self) -> Result<bool, IndexError> {
        match self.oldest_pending {
            Some(t) if t.elapsed() >= self.policy.max_interval => self.commit().map(|_| true),
            _ => Ok(false),
        }
    }

    /// Make every upsert so far durable and visible, atomically.
    pub fn commit(&mut self) -> Result<(), IndexError> {
        self.writer.commit()?;
        self.pending = 0;
        self.oldest_pending = None;
        self.commits += 1;
        Ok(())
    }

    /// Upserts not yet committed.
    pub fn pending(&self) -> usize {
        self.pending
    }

    /// Commits made by this writer (automatic and explicit).
    pub fn commits(&self) -> u64 {
        self.commits
    }

    /// Commit what is pending, then wait for background merges to finish.
    pub fn finish(mut self) -> Result<(), IndexError> {
        if self.pending > 0 {
            self.commit()?;
        }
        self.writer.wait_merging_threads()?;
        Ok(())
    }
}

fn date(d: chrono::DateTime<chrono::Utc>) -> DateTime {
    DateTime::from_timestamp_secs(d.timestamp())
}

/// The index document of an article: text in its language's fields, filters, the record.
pub(super) fn document(f: &Fields, a: &AssessedArticle) -> TantivyDocument {
    let (art, asm) = (&a.article, &a.assessment);
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, &art.id);
    doc.add_text(f.url, &art.canonical_url);
    doc.add_text(f.outlet, &art.outlet);
    doc.add_text(f.feed_id, &art.feed_id);
    let (title, text) = f.text_fields(Analyzer::for_lang(&art.lang));
    doc.add_text(title, &art.title);
    doc.add_text(text, &art.text);
    doc.add_text(f.lang, art.lang.to_ascii_lowercase());
    if let Some(c) = &art.country {
        doc.add_text(f.country, c.to_ascii_uppercase());
    }
    doc.add_date(f.published, date(art.published));
    doc.add_date(f.fetched, date(art.fetched));
    doc.add_u64(f.level, asm.level.rank());
    doc.add_f64(f.score, asm.score);
    for c in asm.categories.keys() {
        doc.add_text(f.category, c);
    }
    let mut terms: Vec<&str> = asm.evidence.iter().map(|e| e.term_or_rule.as_str()).collect();
    terms.sort_unstable();
    terms.dedup();
    for t in terms {
        doc.add_text(f.term, t);
    }
    let mut speech: Vec<&str> = asm.evidence.iter().map(|e| e.speech.as_str()).collect();
    speech.sort_unstable();
    speech.dedup();
    for s in speech {
        doc.add_text(f.speech, s);
    }
    doc.add_text(f.record, serde_json::to_string(a).expect("articles serialise"));
    doc
}
