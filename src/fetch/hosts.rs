//! Politeness per host: at most `per_host` requests at once to one host, and at least
//! `host_gap` between the starts of two requests to it.
//!
//! A feed reader polling thousands of feeds on a few big outlets must not hammer any of them;
//! the global concurrency limit alone would let all slots pile onto one host. The key is the
//! host name without the port: two ports of one machine are one publisher.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Per-host slots and spacing, shared by every fetch of a [`super::Fetcher`].
#[derive(Debug)]
pub struct HostLimits {
    per_host: usize,
    gap: Duration,
    hosts: Mutex<HashMap<String, Host>>,
}

#[derive(Debug)]
struct Host {
    slots: Arc<Semaphore>,
    next_start: Instant,
}

/// Held while a request to a host is in flight; dropping it frees the host's slot.
#[derive(Debug)]
pub struct HostPermit {
    _permit: OwnedSemaphorePermit,
}

impl HostLimits {
    /// `per_host` requests at once per host, `gap` between request starts.
    pub fn new(per_host: usize, gap: Duration) -> Self {
        HostLimits { per_host: per_host.max(1), gap, hosts: Mutex::default() }
    }

    /// Wait for a slot on `host` and for its gap to pass.
    pub async fn acquire(&self, host: &str) -> HostPermit {
        let slots = {
            let mut hosts = self.hosts.lock().expect("host map poisoned");
            let entry = hosts
                .entry(host.to_ascii_lowercase())
                .or_insert_with(|| Host { slots: Arc::new(Semaphore::new(self.per_host)), next_start: Instant::now() });
            entry.slots.clone()
        };
        let permit = slots.acquire_owned().await.expect("host semaphore closed");
        let start = {
            let mut hosts = self.hosts.lock().expect("host map poisoned");
            let now = Instant::now();
            let host = hosts.get_mut(&host.to_ascii_lowercase()).expect("host entry exists");
            let start = host.next_start.max(now);
            host.next_start = start + self.gap;
            start
        };
        tokio::time::sleep_until(start).await;
        HostPermit { _permit: permit }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn requests_to_one_host_are_spaced() {
        let limits = HostLimits::new(2, Duration::from_millis(400));
        let t0 = Instant::now();
        let _a = limits.acquire("news.example").await;
        let _b = limits.acquire("NEWS.example").await;
        assert!(t0.elapsed() >= Duration::from_millis(400), "the second start waits one gap");
        let t1 = Instant::now();
        let _c = limits.acquire("other.example").await;
        assert!(t1.elapsed() < Duration::from_millis(400), "another host does not wait");
    }

    #[tokio::test]
    async fn slots_bound_concurrency() {
        let limits = Arc::new(HostLimits::new(1, Duration::ZERO));
        let first = limits.acquire("h").await;
        let l2 = limits.clone();
        let second = tokio::spawn(async move { l2.acquire("h").await });
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(!second.is_finished(), "one slot per host");
        drop(first);
        second.await.unwrap();
    }
}
