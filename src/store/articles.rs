//! The articles already indexed: content hashes (skip what did not change), title keys (the
//! same story from the same outlet under a new URL within 7 days is a duplicate), and
//! publication dates per feed (item rate for adaptive polling, "silent" feeds in status).

use chrono::{DateTime, Duration, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::{Store, StoreError};

/// One article to record as indexed.
#[derive(Debug, Clone, Copy)]
pub struct SeenArticle<'a> {
    /// Article id.
    pub id: &'a str,
    /// Feed id.
    pub feed_id: &'a str,
    /// Hash of what the classifier and index saw.
    pub hash: &'a str,
    /// Level it was assessed at.
    pub level: &'a str,
    /// Outlet + title key ([`crate::parse::canonical::title_key`]).
    pub title_key: Option<&'a str>,
    /// Publication date (the fetch time when the feed gave none).
    pub published: DateTime<Utc>,
}

/// What the recorded articles say about one feed.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FeedStats {
    /// Articles ever recorded.
    pub total: u64,
    /// Articles published in the last 7 days.
    pub last_7_days: u64,
    /// The newest publication date.
    pub newest: Option<DateTime<Utc>>,
    /// The oldest publication date.
    pub oldest: Option<DateTime<Utc>>,
}

impl FeedStats {
    /// Items per day over the last week.
    pub fn items_per_day(&self) -> f64 {
        self.last_7_days as f64 / 7.0
    }

    /// A feed that used to publish and stopped: its newest item is older than three times its
    /// usual gap between items, and at least three days old. A feed that never published is
    /// not silent (it is new, or broken, which the status says separately).
    pub fn is_silent(&self, now: DateTime<Utc>) -> bool {
        let (Some(newest), Some(oldest)) = (self.newest, self.oldest) else { return false };
        let usual_gap = if self.total > 1 { (newest - oldest) / (self.total as i32 - 1) } else { Duration::days(1) };
        now - newest > (usual_gap * 3).max(Duration::days(3))
    }
}

impl Store {
    /// The content hash recorded for an article, if it was indexed before.
    pub fn seen_hash(&self, id: &str) -> Result<Option<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT content_hash FROM article_seen WHERE id = ?1")?;
        stmt.query_row([id], |r| r.get(0)).optional()
    }

    /// Whether another article with this title key was published within `window` of `published`.
    pub fn title_seen(
        &self,
        title_key: &str,
        id: &str,
        published: DateTime<Utc>,
        window: Duration,
    ) -> Result<bool, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT 1 FROM article_seen WHERE title_key = ?1 AND id != ?2 AND published BETWEEN ?3 AND ?4 LIMIT 1",
        )?;
        stmt.exists(params![title_key, id, published - window, published + window])
    }

    /// Record articles as indexed, in one transaction. Call after the index commit.
    pub fn mark_seen<'a>(
        &mut self,
        rows: impl IntoIterator<Item = SeenArticle<'a>>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut stmt = tx.prepare(
                "INSERT INTO article_seen (id, feed_id, content_hash, level, first_seen, last_seen, title_key, published)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7)
                 ON CONFLICT(id) DO UPDATE SET content_hash = ?3, level = ?4, last_seen = ?5, title_key = ?6,
                    published = ?7",
            )?;
            for a in rows {
                stmt.execute(params![a.id, a.feed_id, a.hash, a.level, now, a.title_key, a.published])?;
            }
        }
        tx.commit()
    }

    /// Number of articles recorded.
    pub fn seen_count(&self) -> Result<u64, StoreError> {
        self.conn.query_row("SELECT COUNT(*) FROM article_seen", [], |r| r.get(0))
    }

    /// What the recorded articles say about one feed, as of `now`.
    pub fn feed_stats(&self, feed_id: &str, now: DateTime<Utc>) -> Result<FeedStats, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT COUNT(*), COALESCE(SUM(published >= ?2), 0), MAX(published), MIN(published)
             FROM article_seen WHERE feed_id = ?1",
        )?;
        stmt.query_row(params![feed_id, now - Duration::days(7)], |r| {
            Ok(FeedStats { total: r.get(0)?, last_7_days: r.get(1)?, newest: r.get(2)?, oldest: r.get(3)? })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen<'a>(id: &'a str, hash: &'a str, key: Option<&'a str>, published: DateTime<Utc>) -> SeenArticle<'a> {
        SeenArticle { id, feed_id: "f", hash, level: "none", title_key: key, published }
    }

    #[test]
    fn seen_articles_upsert_and_answer_title_and_stats_queries() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("state.sqlite")).unwrap();
        let now = Utc::now();
        s.mark_seen([seen("a", "h1", Some("k1"), now), seen("b", "h2", None, now - Duration::days(10))], now).unwrap();
        s.mark_seen([seen("a", "h3", Some("k1"), now)], now).unwrap();
        assert_eq!(s.seen_count().unwrap(), 2);
        assert_eq!(s.seen_hash("a").unwrap().as_deref(), Some("h3"));
        assert!(s.title_seen("k1", "other", now - Duration::days(6), Duration::days(7)).unwrap());
        assert!(!s.title_seen("k1", "a", now, Duration::days(7)).unwrap(), "an article is not its own duplicate");
        assert!(!s.title_seen("k1", "other", now + Duration::days(8), Duration::days(7)).unwrap());
        let stats = s.feed_stats("f", now).unwrap();
        assert_eq!((stats.total, stats.last_7_days), (2, 1));
        assert!(!stats.is_silent(now));
        assert!(stats.is_silent(now + Duration::days(40)));
        assert!(!FeedStats::default().is_silent(now), "never published is not silent");
    }
}
