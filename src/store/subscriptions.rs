//! Feeds imported with `tocsin feeds import FILE.opml`, kept in the pipeline's state so a
//! monitor can add hundreds of outlets without editing TOML. They are polled together with the
//! pipeline file's `[[feed]]` tables and its `[feeds] opml` file.

use chrono::Utc;
use rusqlite::{TransactionBehavior, params};

use super::{Store, StoreError};
use crate::config::FeedConfig;

impl Store {
    /// Every imported feed, in the order they were added.
    pub fn subscriptions(&self) -> Result<Vec<FeedConfig>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT url, outlet, language, country, full_text FROM subscription ORDER BY added, rowid")?;
        let rows = stmt.query_map([], |r| {
            Ok(FeedConfig {
                url: r.get(0)?,
                outlet: r.get(1)?,
                language: r.get(2)?,
                country: r.get(3)?,
                full_text: r.get(4)?,
                fetch_url: None,
            })
        })?;
        rows.collect()
    }

    /// Add feeds not imported before (by URL); returns how many were new.
    pub fn add_subscriptions(&mut self, feeds: &[FeedConfig]) -> Result<usize, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut added = 0;
        {
            let mut stmt = tx.prepare(
                "INSERT OR IGNORE INTO subscription (url, outlet, language, country, full_text, added)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let now = Utc::now();
            for f in feeds {
                added += stmt.execute(params![f.url, f.outlet, f.language, f.country, f.full_text, now])?;
            }
        }
        tx.commit()?;
        Ok(added)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_are_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("state.sqlite")).unwrap();
        let f = FeedConfig {
            url: "https://a.example/rss".into(),
            outlet: "A".into(),
            language: Some("fr".into()),
            country: None,
            full_text: false,
            fetch_url: None,
        };
        assert_eq!(s.add_subscriptions(std::slice::from_ref(&f)).unwrap(), 1);
        assert_eq!(s.add_subscriptions(std::slice::from_ref(&f)).unwrap(), 0);
        assert_eq!(s.subscriptions().unwrap(), vec![f]);
    }
}
