//! Pipeline state in SQLite (`state.sqlite` under the data directory, WAL mode): per-feed
//! fetch state ([`FeedState`]), the articles already indexed with a hash of their content and
//! a title key for dedup ([`articles`]), feeds imported from OPML ([`subscriptions`]), and the
//! daemon's alert log with its delivery log and output cursors ([`alerts`]).
//!
//! The index is committed before the state records what it holds, so a kill between the two
//! only makes the next run re-index (an upsert by id: no duplicate), never lose, an article.
//! The schema is versioned with `PRAGMA user_version`; older files are upgraded on open.

pub mod alerts;
pub mod articles;
pub mod subscriptions;

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

pub use alerts::{Delivery, NewAlert};
pub use articles::{FeedStats, SeenArticle};

use crate::fetch::FailureClass;

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
    /// The fetch URL that was permanently redirected (see `moved_to`).
    pub moved_from: Option<String>,
    /// Where `moved_from` permanently redirects: fetched instead while the feed's fetch URL is
    /// still `moved_from`.
    pub moved_to: Option<String>,
    /// SHA-256 prefix of the last body, to skip a document that did not change even though
    /// the server ignored the validators.
    pub body_hash: Option<String>,
    /// HTTP status of the last answer (none when the server was not reached).
    pub last_status: Option<u16>,
    /// Class of the last failure, which set the backoff.
    pub failure_class: Option<FailureClass>,
    /// When the feed should be polled next.
    pub next_due: Option<DateTime<Utc>>,
    /// The server asked us not to come back before this (`Retry-After`).
    pub retry_until: Option<DateTime<Utc>>,
    /// Recent publishing rate, items per day, from the dates of the last 7 days' items.
    pub items_per_day: f64,
    /// The feed's own title, from its last document.
    pub title: Option<String>,
}

impl FeedState {
    /// The URL to request for a feed whose configured fetch URL is `fetch_url`.
    pub fn effective_url<'a>(&'a self, fetch_url: &'a str) -> &'a str {
        match (&self.moved_from, &self.moved_to) {
            (Some(from), Some(to)) if from == fetch_url => to,
            _ => fetch_url,
        }
    }
}

/// The SQLite state of one pipeline.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
}

const SCHEMA_V1: &str = "
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

const SCHEMA_V2: &str = "
ALTER TABLE feed_state ADD COLUMN moved_from TEXT;
ALTER TABLE feed_state ADD COLUMN moved_to TEXT;
ALTER TABLE feed_state ADD COLUMN body_hash TEXT;
ALTER TABLE feed_state ADD COLUMN last_status INTEGER;
ALTER TABLE feed_state ADD COLUMN failure_class TEXT;
ALTER TABLE feed_state ADD COLUMN next_due TEXT;
ALTER TABLE feed_state ADD COLUMN retry_until TEXT;
ALTER TABLE feed_state ADD COLUMN items_per_day REAL NOT NULL DEFAULT 0;
ALTER TABLE feed_state ADD COLUMN title TEXT;
ALTER TABLE article_seen ADD COLUMN title_key TEXT;
ALTER TABLE article_seen ADD COLUMN published TEXT;
CREATE INDEX IF NOT EXISTS article_seen_feed ON article_seen (feed_id, published);
CREATE INDEX IF NOT EXISTS article_seen_title ON article_seen (title_key);
CREATE TABLE IF NOT EXISTS subscription (
    url TEXT PRIMARY KEY,
    outlet TEXT NOT NULL,
    language TEXT,
    country TEXT,
    full_text INTEGER NOT NULL DEFAULT 0,
    added TEXT NOT NULL
);
";

/// Version 4: the daemon's cycle finds due feeds through an index on `next_due` (covering
/// the id, so the feeds not due are never read), and a push output remembers the
/// `replay_from` it last applied.
const SCHEMA_V4: &str = "
CREATE INDEX IF NOT EXISTS feed_state_next_due ON feed_state (next_due, feed_id);
ALTER TABLE output_cursor ADD COLUMN replay_from INTEGER;
";

const FEED_COLUMNS: &str = "feed_id, etag, last_modified, last_attempt, last_success, last_error, consecutive_failures, \
     moved_from, moved_to, body_hash, last_status, failure_class, next_due, retry_until, items_per_day, title";

impl Store {
    /// Open (or create, or upgrade) the state file.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        // Several connections (run, daemon cycles, deliveries, API) share the file: wait for a
        // lock rather than fail. Every write transaction is IMMEDIATE, for the same reason: a
        // deferred one that reads first cannot wait when it turns to writing (SQLite answers
        // "database is locked" at once rather than risk a deadlock).
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let mut store = Store { conn };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let version: i64 = self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if version < 1 {
            tx.execute_batch(SCHEMA_V1)?;
        }
        if version < 2 {
            tx.execute_batch(SCHEMA_V2)?;
        }
        if version < 3 {
            tx.execute_batch(alerts::SCHEMA_V3)?;
        }
        if version < 4 {
            tx.execute_batch(SCHEMA_V4)?;
        }
        tx.pragma_update(None, "user_version", 4)?;
        tx.commit()
    }

    /// The remembered state of a feed (default when never fetched).
    pub fn feed_state(&self, feed_id: &str) -> Result<FeedState, StoreError> {
        let sql = format!("SELECT {FEED_COLUMNS} FROM feed_state WHERE feed_id = ?1");
        let row = self.conn.query_row(&sql, [feed_id], feed_state_row).optional()?;
        Ok(row.unwrap_or_else(|| FeedState { feed_id: feed_id.to_string(), ..FeedState::default() }))
    }

    /// Every remembered feed state, by feed id, in one query.
    pub fn feed_states(&self) -> Result<HashMap<String, FeedState>, StoreError> {
        self.feed_state_map(&format!("SELECT {FEED_COLUMNS} FROM feed_state"), [])
    }

    /// The states of the feeds due at `now` (or never planned), by feed id: a range of the
    /// `next_due` index, so a cycle reads the few feeds it polls, not the whole list.
    pub fn due_feed_states(&self, now: DateTime<Utc>) -> Result<HashMap<String, FeedState>, StoreError> {
        let sql = format!("SELECT {FEED_COLUMNS} FROM feed_state WHERE next_due IS NULL OR next_due <= ?1");
        self.feed_state_map(&sql, params![now])
    }

    /// The feeds planned after `now` and when, by feed id, read from the `next_due` index
    /// alone (a cycle defers them without reading their state).
    pub fn waiting_feeds(&self, now: DateTime<Utc>) -> Result<HashMap<String, DateTime<Utc>>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT feed_id, next_due FROM feed_state WHERE next_due > ?1")?;
        let rows = stmt.query_map(params![now], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    }

    /// The earliest poll planned after `now`: when the daemon's next cycle has work.
    pub fn next_planned_poll(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.conn.query_row("SELECT MIN(next_due) FROM feed_state WHERE next_due > ?1", params![now], |r| r.get(0))
    }

    fn feed_state_map(&self, sql: &str, args: impl rusqlite::Params) -> Result<HashMap<String, FeedState>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(args, feed_state_row)?;
        rows.map(|r| r.map(|s| (s.feed_id.clone(), s))).collect()
    }

    /// Save feeds' states in one transaction.
    pub fn save_feed_states<'a>(&mut self, states: impl IntoIterator<Item = &'a FeedState>) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut stmt = tx.prepare(&format!(
                "INSERT OR REPLACE INTO feed_state ({FEED_COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
            ))?;
            for s in states {
                stmt.execute(params![
                    s.feed_id,
                    s.etag,
                    s.last_modified,
                    s.last_attempt,
                    s.last_success,
                    s.last_error,
                    s.consecutive_failures,
                    s.moved_from,
                    s.moved_to,
                    s.body_hash,
                    s.last_status,
                    s.failure_class.map(FailureClass::as_str),
                    s.next_due,
                    s.retry_until,
                    s.items_per_day,
                    s.title,
                ])?;
            }
        }
        tx.commit()
    }

    /// Save one feed's state.
    pub fn save_feed_state(&mut self, s: &FeedState) -> Result<(), StoreError> {
        self.save_feed_states([s])
    }
}

fn feed_state_row(r: &Row<'_>) -> rusqlite::Result<FeedState> {
    let class: Option<String> = r.get(11)?;
    Ok(FeedState {
        feed_id: r.get(0)?,
        etag: r.get(1)?,
        last_modified: r.get(2)?,
        last_attempt: r.get(3)?,
        last_success: r.get(4)?,
        last_error: r.get(5)?,
        consecutive_failures: r.get(6)?,
        moved_from: r.get(7)?,
        moved_to: r.get(8)?,
        body_hash: r.get(9)?,
        last_status: r.get(10)?,
        failure_class: class.as_deref().and_then(FailureClass::from_name),
        next_due: r.get(12)?,
        retry_until: r.get(13)?,
        items_per_day: r.get(14)?,
        title: r.get(15)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_state_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("state.sqlite")).unwrap();
        let mut st = s.feed_state("http://x/rss").unwrap();
        assert_eq!(st.consecutive_failures, 0);
        st.etag = Some("\"abc\"".into());
        st.consecutive_failures = 2;
        st.failure_class = Some(FailureClass::Temporary);
        st.last_success = Some(Utc::now());
        st.items_per_day = 3.5;
        s.save_feed_state(&st).unwrap();
        drop(s);
        let s = Store::open(&dir.path().join("state.sqlite")).unwrap();
        assert_eq!(s.feed_state("http://x/rss").unwrap(), st, "state persists across opens");
    }

    #[test]
    fn a_version_1_file_is_upgraded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite");
        let old = Connection::open(&path).unwrap();
        old.execute_batch(SCHEMA_V1).unwrap();
        old.execute("INSERT INTO feed_state (feed_id, etag) VALUES ('f', 'e')", []).unwrap();
        drop(old);
        let s = Store::open(&path).unwrap();
        assert_eq!(s.feed_state("f").unwrap().etag.as_deref(), Some("e"));
    }

    #[test]
    fn due_feeds_come_from_the_next_due_index_and_waiting_ones_only_by_id() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("state.sqlite")).unwrap();
        let now = Utc::now();
        let state = |id: &str, due: Option<DateTime<Utc>>| FeedState {
            feed_id: id.into(),
            next_due: due,
            etag: Some(format!("e-{id}")),
            ..FeedState::default()
        };
        let (past, soon, later) =
            (now - chrono::Duration::seconds(5), now + chrono::Duration::seconds(30), now + chrono::Duration::hours(1));
        s.save_feed_states(&[
            state("due", Some(past)),
            state("unplanned", None),
            state("soon", Some(soon)),
            state("later", Some(later)),
        ])
        .unwrap();
        let due = s.due_feed_states(now).unwrap();
        let mut ids: Vec<&str> = due.keys().map(String::as_str).collect();
        ids.sort();
        assert_eq!(ids, ["due", "unplanned"]);
        assert_eq!(due["due"].etag.as_deref(), Some("e-due"), "due feeds come with their whole state");
        let waiting = s.waiting_feeds(now).unwrap();
        assert_eq!(waiting.len(), 2);
        assert_eq!(waiting["soon"], soon);
        assert_eq!(s.next_planned_poll(now).unwrap(), Some(soon));
        assert_eq!(s.next_planned_poll(later).unwrap(), None);
        assert_eq!(s.feed_states().unwrap().len(), 4);
        let plan: String = s
            .conn
            .query_row("EXPLAIN QUERY PLAN SELECT feed_id, next_due FROM feed_state WHERE next_due > '2020'", [], |r| {
                r.get(3)
            })
            .unwrap();
        assert!(plan.contains("COVERING INDEX feed_state_next_due"), "{plan}");
    }

    #[test]
    fn a_moved_feed_is_fetched_at_its_new_url_until_the_config_changes() {
        let st = FeedState {
            moved_from: Some("http://a/rss".into()),
            moved_to: Some("http://b/rss".into()),
            ..FeedState::default()
        };
        assert_eq!(st.effective_url("http://a/rss"), "http://b/rss");
        assert_eq!(st.effective_url("http://c/rss"), "http://c/rss");
    }
}
