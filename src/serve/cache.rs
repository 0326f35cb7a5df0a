//! Answers of `/api/search` kept for a few seconds, so a room of monitors refreshing the same
//! searches costs one search per index commit instead of one per request.
//!
//! An answer is keyed by pipeline and query string and stamped with the pipeline's index
//! generation ([`crate::daemon::PipelineHandle::index_generation`], bumped after each cycle
//! that indexed something) and the time: it is served only while both still hold, so a new
//! article is searchable at once and a relative window (`since=7d`) drifts by at most
//! [`TTL`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Bytes;

/// How long an answer is served.
pub const TTL: Duration = Duration::from_secs(10);
/// Answers kept at most.
const CAPACITY: usize = 2_000;

#[derive(Debug)]
struct Entry {
    generation: u64,
    at: Instant,
    body: Bytes,
}

/// The cache.
#[derive(Debug, Default)]
pub struct AnswerCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl AnswerCache {
    /// The answer for `key` computed at this `generation` less than [`TTL`] ago.
    pub fn get(&self, key: &str, generation: u64) -> Option<Bytes> {
        let entries = self.entries.lock().expect("cache lock");
        let e = entries.get(key)?;
        (e.generation == generation && e.at.elapsed() < TTL).then(|| e.body.clone())
    }

    /// Keep an answer computed at `generation`.
    pub fn put(&self, key: String, generation: u64, body: Bytes) {
        let mut entries = self.entries.lock().expect("cache lock");
        if entries.len() >= CAPACITY {
            entries.retain(|_, e| e.generation == generation && e.at.elapsed() < TTL);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(key, Entry { generation, at: Instant::now(), body });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_generation_misses() {
        let c = AnswerCache::default();
        c.put("q".into(), 1, Bytes::from_static(b"x"));
        assert_eq!(c.get("q", 1).as_deref(), Some(&b"x"[..]));
        assert!(c.get("q", 2).is_none());
        assert!(c.get("other", 1).is_none());
    }
}
