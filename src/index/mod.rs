//! The article index: a tantivy index on disk, one document per article id.
//!
//! In: [`AssessedArticle`]s. Out: a committed index that [`crate::query`] searches. Each
//! document holds searchable text (title, text), filter fields (language, outlet, country,
//! dates, level, score, categories, evidence terms, speech kinds) and one stored JSON record
//! from which the article and its evidence are rebuilt for display.
//!
//! Writes are upserts: the old document with the same id is deleted in the same commit, so
//! fetching an article twice never duplicates it. Tantivy commits are atomic: an index left
//! by a kill mid-write opens at its last commit.

use std::path::Path;

use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions,
};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};
use tantivy::{DateTime, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::model::AssessedArticle;

/// Errors of the index.
pub type IndexError = tantivy::TantivyError;

/// Name of the analyser used for title and text.
pub const TEXT_ANALYZER: &str = "tocsin_text";

/// Memory the single writer may use before it flushes a segment.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

/// The fields of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Article id (exact).
    pub id: Field,
    /// Canonical URL (exact).
    pub url: Field,
    /// Outlet name (exact, fast).
    pub outlet: Field,
    /// Feed id (exact).
    pub feed_id: Field,
    /// Title (analysed, positions).
    pub title: Field,
    /// Body text (analysed, positions).
    pub text: Field,
    /// Language code (exact, fast).
    pub lang: Field,
    /// Country code (exact, fast).
    pub country: Field,
    /// Publication date (fast).
    pub published: Field,
    /// Fetch date (fast).
    pub fetched: Field,
    /// Level rank 0..3 (fast).
    pub level: Field,
    /// Score 0..1 (fast).
    pub score: Field,
    /// Categories with evidence (multi-valued, exact).
    pub category: Field,
    /// Evidence terms and rule ids (multi-valued, exact).
    pub term: Field,
    /// Speech kinds of the evidence (multi-valued, exact).
    pub speech: Field,
    /// The whole [`AssessedArticle`] as JSON (stored only).
    pub record: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let exact_fast = STRING | STORED | FAST;
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TEXT_ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let date = DateOptions::from(INDEXED).set_stored().set_fast().set_precision(DateTimePrecision::Seconds);
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        url: b.add_text_field("url", STRING | STORED),
        outlet: b.add_text_field("outlet", exact_fast.clone()),
        feed_id: b.add_text_field("feed_id", STRING | STORED),
        title: b.add_text_field("title", text.clone()),
        text: b.add_text_field("text", text),
        lang: b.add_text_field("lang", exact_fast.clone()),
        country: b.add_text_field("country", exact_fast.clone()),
        published: b.add_date_field("published", date.clone()),
        fetched: b.add_date_field("fetched", date),
        level: b.add_u64_field("level", INDEXED | STORED | FAST),
        score: b.add_f64_field("score", INDEXED | STORED | FAST),
        category: b.add_text_field("category", exact_fast.clone()),
        term: b.add_text_field("term", STRING),
        speech: b.add_text_field("speech", STRING),
        record: b.add_text_field("record", STORED),
    };
    (b.build(), fields)
}

/// An opened article index.
#[derive(Clone)]
pub struct ArticleIndex {
    index: Index,
    fields: Fields,
    reader: IndexReader,
}

impl std::fmt::Debug for ArticleIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArticleIndex").finish_non_exhaustive()
    }
}

impl ArticleIndex {
    /// Open the index in `dir`, creating it when absent.
    pub fn open(dir: &Path) -> Result<Self, IndexError> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema();
        let directory = tantivy::directory::MmapDirectory::open(dir)?;
        let index = Index::open_or_create(directory, schema)?;
        let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build();
        index.tokenizers().register(TEXT_ANALYZER, analyzer);
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(ArticleIndex { index, fields, reader })
    }

    /// The tantivy index.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The schema's fields.
    pub fn fields(&self) -> Fields {
        self.fields
    }

    /// A searcher on the latest commit.
    pub fn searcher(&self) -> Result<tantivy::Searcher, IndexError> {
        self.reader.reload()?;
        Ok(self.reader.searcher())
    }

    /// The single writer. Tantivy allows one per index; a second one fails with a lock error.
    pub fn writer(&self) -> Result<ArticleWriter, IndexError> {
        let writer = self.index.writer_with_num_threads(1, WRITER_MEMORY)?;
        Ok(ArticleWriter { writer, fields: self.fields })
    }

    /// Number of documents in the latest commit.
    pub fn num_docs(&self) -> Result<u64, IndexError> {
        Ok(self.searcher()?.num_docs())
    }
}

/// The index's single writer: upserts, then commits.
pub struct ArticleWriter {
    writer: IndexWriter,
    fields: Fields,
}

impl ArticleWriter {
    /// Replace (or add) the document of this article.
    pub fn upsert(&mut self, a: &AssessedArticle) -> Result<(), IndexError> {
        let f = &self.fields;
        self.writer.delete_term(Term::from_field_text(f.id, &a.article.id));
        self.writer.add_document(document(f, a))?;
        Ok(())
    }

    /// Make every upsert so far durable and visible, atomically.
    pub fn commit(&mut self) -> Result<(), IndexError> {
        self.writer.commit()?;
        Ok(())
    }
}

fn date(d: chrono::DateTime<chrono::Utc>) -> DateTime {
    DateTime::from_timestamp_secs(d.timestamp())
}

fn document(f: &Fields, a: &AssessedArticle) -> TantivyDocument {
    let (art, asm) = (&a.article, &a.assessment);
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, &art.id);
    doc.add_text(f.url, &art.canonical_url);
    doc.add_text(f.outlet, &art.outlet);
    doc.add_text(f.feed_id, &art.feed_id);
    doc.add_text(f.title, &art.title);
    doc.add_text(f.text, &art.text);
    doc.add_text(f.lang, &art.lang);
    if let Some(c) = &art.country {
        doc.add_text(f.country, c);
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
