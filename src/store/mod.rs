//! Pipeline state in SQLite (`state.sqlite` under the data directory, WAL mode): per-feed
//! fetch state and the articles already indexed with a hash of their content.
//!
//! The index is committed before the state records what it holds, so a kill between the two
//! only makes the next run re-index (an upsert by id: no duplicate), never lose, an article.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

/// Errors of the state store.
pub type StoreError = rusqlite::Error;

/// What tocsin remembers about one feed between runs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedState {
    /// Feed id (its configured URL).
    pub feed_id: String,
    /// `ETag` of the last successful fetch.
    pub etag: Option<String>,
    /// `Last-Modified` of the last successful fetch.
    pub last_modified: Option<String>,
    /// When the last attempt happened.
    pub last_attempt: Option<DateTime<Utc>>,
    /// When the last attempt succeeded (200 or 304).
    pub last_success: Option<DateTime<Utc>>,
    /// The last error, in plain words; `None` after a success.
    pub last_error: Option<String>,
    /// Failures in a row.
    pub consecutive_failures: u32,
}

/// The SQLite state of one pipeline.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS feed_state (
    feed_id TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    last_attempt TEXT,
    last_success TEXT,
    last_error TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS article_seen (
    id TEXT PRIMARY KEY,
    feed_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    level TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
";

impl Store {
    /// Open (or create) the state file.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store { conn })
    }

    /// The remembered state of a feed (default when never fetched).
    pub fn feed_state(&self, feed_id: &str) -> Result<FeedState, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT etag, last_modified, last_attempt, last_success, last_error, consecutive_failures
                 FROM feed_state WHERE feed_id = ?1",
                [feed_id],
                |r| {
                    Ok(FeedState {
                        feed_id: feed_id.to_string(),
                        etag: r.get(0)?,
                        last_modified: r.get(1)?,
                        last_attempt: r.get(2)?,
                        last_success: r.get(3)?,
                        last_error: r.get(4)?,
                        consecutive_failures: r.get(5)?,
                    })
                },
            )
            .optional()?;
        Ok(row.unwrap_or_else(|| FeedState { feed_id: feed_id.to_string(), ..FeedState::default() }))
    }

    /// Save a feed's state.
    pub fn save_feed_state(&self, s: &FeedState) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO feed_state (feed_id, etag, last_modified, last_attempt, last_success, last_error, consecutive_failures)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT(feed_id) DO UPDATE SET etag = ?2, last_modified = ?3, last_attempt = ?4,
                last_success = ?5, last_error = ?6, consecutive_failures = ?7",
            params![s.feed_id, s.etag, s.last_modified, s.last_attempt, s.last_success, s.last_error, s.consecutive_failures],
        )?;
        Ok(())
    }

    /// The content hash recorded for an article, if it was indexed before.
    pub fn seen_hash(&self, id: &str) -> Result<Option<String>, StoreError> {
        self.conn.query_row("SELECT content_hash FROM article_seen WHERE id = ?1", [id], |r| r.get(0)).optional()
    }

    /// Record articles as indexed, in one transaction. Call after the index commit.
    pub fn mark_seen<'a>(
        &mut self,
        rows: impl IntoIterator<Item = (&'a str, &'a str, &'a str, &'a str)>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare(
                "INSERT INTO article_seen (id, feed_id, content_hash, level, first_seen, last_seen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)
                 ON CONFLICT(id) DO UPDATE SET content_hash = ?3, level = ?4, last_seen = ?5",
            )?;
            for (id, feed, hash, level) in rows {
                stmt.execute(params![id, feed, hash, level, now])?;
            }
        }
        tx.commit()
    }

    /// Number of articles recorded.
    pub fn seen_count(&self) -> Result<u64, StoreError> {
        self.conn.query_row("SELECT COUNT(*) FROM article_seen", [], |r| r.get(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_state_round_trips_and_seen_upserts() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("state.sqlite")).unwrap();
        let mut st = s.feed_state("http://x/rss").unwrap();
        assert_eq!(st.consecutive_failures, 0);
        st.etag = Some("\"abc\"".into());
        st.consecutive_failures = 2;
        st.last_success = Some(Utc::now());
        s.save_feed_state(&st).unwrap();
        assert_eq!(s.feed_state("http://x/rss").unwrap().etag.as_deref(), Some("\"abc\""));
        s.mark_seen([("a", "f", "h1", "none"), ("b", "f", "h2", "watch")], Utc::now()).unwrap();
        s.mark_seen([("a", "f", "h3", "alert")], Utc::now()).unwrap();
        assert_eq!(s.seen_count().unwrap(), 2);
        assert_eq!(s.seen_hash("a").unwrap().as_deref(), Some("h3"));
        drop(s);
        let s = Store::open(&dir.path().join("state.sqlite")).unwrap();
        assert_eq!(s.seen_count().unwrap(), 2, "state persists across opens");
    }
}
