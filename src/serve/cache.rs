//! Answers of `/api/search` kept for a few seconds, so a room of monitors refreshing the same
//! searches costs one search per index commit instead of one per request.
//!
//! An answer is keyed by pipeline and query string and stamped with the pipeline's index
//! generation ([`crate::daemon::PipelineHandle::index_generation`], bumped after each cycle
//! that indexed something) and the time: it is served only while both still hold, so a new
//! article is searchable at once and a relative window (`since=7d`) drifts by at most
//! [`TTL`].
//!
//! One search per key is in flight at a time: when an answer expires under 200 clients
//! asking for it, the first computes it and the others wait for that answer instead of
//! running the same search 200 times (which queued every request behind them: p99 70–115 ms
//! instead of about 30 ms).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use tokio::sync::OnceCell;

/// How long an answer is served.
pub const TTL: Duration = Duration::from_secs(10);
/// Answers kept at most.
const CAPACITY: usize = 2_000;

/// One answer, computed once by whoever asks first.
#[derive(Debug)]
struct Slot {
    generation: u64,
    at: Instant,
    body: OnceCell<Bytes>,
}

impl Slot {
    fn fresh(&self, generation: u64) -> bool {
        self.generation == generation && self.at.elapsed() < TTL
    }
}

/// The cache.
#[derive(Debug, Default)]
pub struct AnswerCache {
    entries: Mutex<HashMap<String, Arc<Slot>>>,
}

impl AnswerCache {
    /// The answer for `key` computed at this `generation` less than [`TTL`] ago, if any.
    pub fn get(&self, key: &str, generation: u64) -> Option<Bytes> {
        let entries = self.entries.lock().expect("cache lock");
        let slot = entries.get(key).filter(|s| s.fresh(generation))?;
        slot.body.get().cloned()
    }

    /// Keep an answer computed at `generation`.
    pub fn put(&self, key: String, generation: u64, body: Bytes) {
        let slot = Slot { generation, at: Instant::now(), body: OnceCell::new_with(Some(body)) };
        let mut entries = self.entries.lock().expect("cache lock");
        make_room(&mut entries, generation);
        entries.insert(key, Arc::new(slot));
    }

    /// The answer for `key` at `generation`: the cached one, the one another request is
    /// computing (waited for), or `compute`'s, kept. An error is not kept: the next request
    /// for the key computes again.
    pub async fn get_or_compute<E, Fut>(
        &self,
        key: &str,
        generation: u64,
        compute: impl FnOnce() -> Fut,
    ) -> Result<Bytes, E>
    where
        Fut: Future<Output = Result<Bytes, E>>,
    {
        let slot = self.slot(key, generation);
        slot.body.get_or_try_init(compute).await.cloned()
    }

    /// The fresh slot of `key`, or a new empty one put in its place.
    fn slot(&self, key: &str, generation: u64) -> Arc<Slot> {
        let mut entries = self.entries.lock().expect("cache lock");
        if let Some(slot) = entries.get(key).filter(|s| s.fresh(generation)) {
            return slot.clone();
        }
        make_room(&mut entries, generation);
        let slot = Arc::new(Slot { generation, at: Instant::now(), body: OnceCell::new() });
        entries.insert(key.to_string(), slot.clone());
        slot
    }
}

/// Drop stale answers when the cache is full, and everything if that is not enough.
fn make_room(entries: &mut HashMap<String, Arc<Slot>>, generation: u64) {
    if entries.len() >= CAPACITY {
        entries.retain(|_, s| s.fresh(generation));
        if entries.len() >= CAPACITY {
            entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn a_new_generation_misses() {
        let c = AnswerCache::default();
        c.put("q".into(), 1, Bytes::from_static(b"x"));
        assert_eq!(c.get("q", 1).as_deref(), Some(&b"x"[..]));
        assert!(c.get("q", 2).is_none());
        assert!(c.get("other", 1).is_none());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_misses_compute_once_and_errors_are_not_kept() {
        let c = Arc::new(AnswerCache::default());
        let runs = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let (c, runs) = (c.clone(), runs.clone());
                tokio::spawn(async move {
                    c.get_or_compute("q", 7, || async {
                        runs.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        Ok::<_, ()>(Bytes::from_static(b"answer"))
                    })
                    .await
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), Bytes::from_static(b"answer"));
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1, "one search for 50 concurrent requests");
        assert_eq!(c.get("q", 7).as_deref(), Some(&b"answer"[..]));
        let failed = c.get_or_compute("bad", 7, || async { Err::<Bytes, _>("no") }).await;
        assert_eq!(failed, Err("no"));
        let retried = c.get_or_compute("bad", 7, || async { Ok::<_, &str>(Bytes::from_static(b"ok")) }).await;
        assert_eq!(retried.unwrap(), Bytes::from_static(b"ok"));
        // A new generation computes again.
        let next = c.get_or_compute("q", 8, || async { Ok::<_, ()>(Bytes::from_static(b"new")) }).await;
        assert_eq!(next.unwrap(), Bytes::from_static(b"new"));
    }
}
