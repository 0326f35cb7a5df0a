//! How a run updates a feed's [`FeedState`]: validators, redirects and the next poll after a
//! success; the failure class, backoff and `Retry-After` after a failure.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::FetchConfig;
use crate::fetch::schedule::{Bounds, backoff, poll_interval};
use crate::fetch::{FailureClass, ResponseMeta};
use crate::store::FeedState;

pub use crate::fetch::schedule::PollHints as Hints;

/// The schedule bounds of a pipeline's `[fetch]` settings.
pub fn bounds(c: &FetchConfig) -> Bounds {
    Bounds { min_poll: c.min_poll, max_poll: c.max_poll, max_backoff: c.max_backoff }
}

/// A 200 or 304: keep the validators, note a permanent move, clear the failure.
pub fn record_success(
    state: &mut FeedState,
    meta: &ResponseMeta,
    body_hash: Option<String>,
    status: u16,
    fetch_url: &str,
) {
    if status != 304 || meta.etag.is_some() {
        state.etag = meta.etag.clone();
    }
    if status != 304 || meta.last_modified.is_some() {
        state.last_modified = meta.last_modified.clone();
    }
    if let Some(hash) = body_hash {
        state.body_hash = Some(hash);
    }
    if let Some(to) = &meta.moved_to {
        state.moved_from = Some(fetch_url.to_string());
        state.moved_to = Some(to.clone());
    }
    state.last_status = Some(status);
    state.last_success = state.last_attempt;
    state.last_error = None;
    state.failure_class = None;
    state.consecutive_failures = 0;
    state.retry_until = None;
}

/// A failure: its reason and class, the backoff, and the server's `Retry-After` if longer.
pub fn record_failure(
    state: &mut FeedState,
    reason: &str,
    class: FailureClass,
    status: Option<u16>,
    retry_after: Option<Duration>,
    bounds: Bounds,
    now: DateTime<Utc>,
) {
    state.last_error = Some(reason.to_string());
    state.failure_class = Some(class);
    state.last_status = status;
    state.consecutive_failures += 1;
    let wait = backoff(class, state.consecutive_failures, bounds);
    state.retry_until = retry_after.map(|d| now + d);
    state.next_due = Some(now + wait.max(retry_after.unwrap_or_default()));
}

/// After a success: the next poll from the feed's item rate and hints.
pub fn plan_next_poll(state: &mut FeedState, items_per_day: f64, hints: Hints, bounds: Bounds, now: DateTime<Utc>) {
    state.items_per_day = items_per_day;
    state.next_due = Some(now + poll_interval(items_per_day, hints, bounds));
}
