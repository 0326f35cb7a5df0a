//! The article index: a tantivy index on disk, one document per article id.
//!
//! In: [`AssessedArticle`]s. Out: a committed index that [`crate::query`] searches. Each
//! document holds searchable text (title, text) in the fields of its language's analyser
//! ([`analysis`]), filter fields (language, outlet, country, dates, level, score, categories,
//! evidence terms, speech kinds) and one stored JSON record from which the article and its
//! evidence are rebuilt for display ([`schema`]).
//!
//! Writes are upserts through the single [`ArticleWriter`], which commits every N documents or
//! T seconds ([`CommitPolicy`]). Tantivy commits are atomic: an index left by a kill
//! mid-write opens at its last commit. An index built with an older schema is rebuilt from
//! its stored records when opened, so a schema change never loses articles.

pub mod analysis;
pub mod schema;
mod writer;

use std::path::{Path, PathBuf};

use tantivy::schema::Value;
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument};
use tracing::info;

pub use analysis::Analyzer;
pub use schema::Fields;
pub use writer::{ArticleWriter, CommitPolicy, WriterOptions};

use crate::model::AssessedArticle;

/// Errors of the index.
pub type IndexError = tantivy::TantivyError;

/// Name of the default analyser (title and text of languages without a stemmer).
pub const TEXT_ANALYZER: &str = "tocsin_v1";

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
    /// Open the index in `dir`, creating it when absent and rebuilding it from its stored
    /// records when it was built with another schema.
    pub fn open(dir: &Path) -> Result<Self, IndexError> {
        let staged = staging_dir(dir);
        if !dir.exists() && staged.exists() {
            // A rebuild finished but was killed before its last rename.
            std::fs::rename(&staged, dir)?;
        }
        std::fs::create_dir_all(dir)?;
        let directory = tantivy::directory::MmapDirectory::open(dir)?;
        let (schema, _) = schema::schema();
        if Index::exists(&directory)? && Index::open(directory.clone())?.schema() != schema {
            rebuild(dir)?;
            return Self::open(dir);
        }
        Self::from_index(Index::open_or_create(directory, schema)?)
    }

    fn from_index(index: Index) -> Result<Self, IndexError> {
        let (_, fields) = schema::schema();
        analysis::register(index.tokenizers());
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

    /// The single writer with the default options (one thread, 64 MB, commits every 10,000
    /// documents or 10 s). Tantivy allows one per index; a second one fails with a lock error.
    pub fn writer(&self) -> Result<ArticleWriter, IndexError> {
        self.writer_with(WriterOptions::default())
    }

    /// The single writer with these options.
    pub fn writer_with(&self, options: WriterOptions) -> Result<ArticleWriter, IndexError> {
        let writer = self.index.writer_with_num_threads(options.threads.max(1), options.memory_bytes)?;
        Ok(ArticleWriter::new(writer, self.fields, options.policy))
    }

    /// Number of documents in the latest commit.
    pub fn num_docs(&self) -> Result<u64, IndexError> {
        Ok(self.searcher()?.num_docs())
    }
}

fn staging_dir(dir: &Path) -> PathBuf {
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push(".rebuild");
    dir.with_file_name(name)
}

/// Rebuild the index in `dir` with the current schema from the `record` fields of its
/// documents: build it beside, then swap directories.
fn rebuild(dir: &Path) -> Result<(), IndexError> {
    let old = Index::open_in_dir(dir)?;
    let record = old.schema().get_field("record")?;
    let staged = staging_dir(dir);
    if staged.exists() {
        std::fs::remove_dir_all(&staged)?;
    }
    std::fs::create_dir_all(&staged)?;
    let (schema, _) = schema::schema();
    let new = ArticleIndex::from_index(Index::create_in_dir(&staged, schema)?)?;
    let mut writer = new.writer_with(WriterOptions {
        policy: CommitPolicy { max_docs: usize::MAX, ..Default::default() },
        ..Default::default()
    })?;
    let searcher = old.reader()?.searcher();
    let mut count = 0u64;
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let store = segment.get_store_reader(64)?;
        for doc_id in segment.doc_ids_alive() {
            let doc: TantivyDocument = store.get(doc_id)?;
            let json = doc.get_first(record).and_then(|v| v.as_str()).unwrap_or_default();
            match serde_json::from_str::<AssessedArticle>(json) {
                Ok(a) => {
                    writer.upsert(&a)?;
                    count += 1;
                }
                Err(e) => tracing::warn!(segment = ord, doc_id, "Skipped an unreadable record while rebuilding: {e}"),
            }
        }
    }
    writer.finish()?;
    drop((searcher, old, new));
    let retired = dir.with_extension("old");
    std::fs::rename(dir, &retired)?;
    std::fs::rename(&staged, dir)?;
    std::fs::remove_dir_all(&retired)?;
    info!(dir = %dir.display(), count, "Rebuilt the index with the current schema.");
    Ok(())
}
