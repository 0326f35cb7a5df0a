//! Feed health for `tocsin feeds status` (and later the HTTP API): for each feed the last
//! success, the last error in plain words, items in the last 7 days, the next poll, and a
//! "silent" mark for a feed that used to publish and stopped — so a monitor can tell "no
//! alert" from "no data".

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{RunError, all_feeds};
use crate::config::PipelineConfig;
use crate::fetch::FailureClass;
use crate::store::Store;

/// The one-word health of a feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedHealth {
    /// Polled successfully and publishing.
    Ok,
    /// The last poll failed.
    Failing,
    /// Polls succeed but nothing new for much longer than usual.
    Silent,
    /// Never polled yet.
    NeverPolled,
}

impl FeedHealth {
    /// The name shown in tables and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FeedHealth::Ok => "ok",
            FeedHealth::Failing => "failing",
            FeedHealth::Silent => "silent",
            FeedHealth::NeverPolled => "never polled",
        }
    }
}

/// The health of one feed.
#[derive(Debug, Clone, Serialize)]
pub struct FeedStatus {
    /// Feed URL (its identity).
    pub url: String,
    /// The URL fetched now (differs after a permanent redirect).
    pub current_url: String,
    /// Outlet name.
    pub outlet: String,
    /// The feed's own title, from its last document.
    pub title: Option<String>,
    /// One-word health.
    pub health: FeedHealth,
    /// Used to publish and stopped (independent of whether polls succeed).
    pub silent: bool,
    /// Last poll attempt.
    pub last_attempt: Option<DateTime<Utc>>,
    /// Last successful poll.
    pub last_success: Option<DateTime<Utc>>,
    /// Last error in plain words; none after a success.
    pub last_error: Option<String>,
    /// How serious the last failure was.
    pub failure_class: Option<FailureClass>,
    /// Failures in a row.
    pub consecutive_failures: u32,
    /// HTTP status of the last answer.
    pub last_status: Option<u16>,
    /// Articles published in the last 7 days.
    pub items_7d: u64,
    /// Articles ever recorded.
    pub items_total: u64,
    /// Publication date of the newest article.
    pub newest_item: Option<DateTime<Utc>>,
    /// When the feed is due next.
    pub next_poll: Option<DateTime<Utc>>,
    /// Recent rate, items per day.
    pub items_per_day: f64,
}

/// The health of every feed of a pipeline, as of `now`, in feed-list order.
pub fn feed_status(config: &PipelineConfig, now: DateTime<Utc>) -> Result<Vec<FeedStatus>, RunError> {
    let path = config.pipeline.data_dir.join("state.sqlite");
    let store = open_existing(&path)?;
    let feeds = match &store {
        Some(s) => all_feeds(config, s)?,
        None => config.feed.clone(),
    };
    feeds
        .iter()
        .map(|f| {
            let state = store.as_ref().map(|s| s.feed_state(&f.url)).transpose()?.unwrap_or_default();
            let stats = store.as_ref().map(|s| s.feed_stats(&f.url, now)).transpose()?.unwrap_or_default();
            let silent = stats.is_silent(now);
            let health = if state.last_attempt.is_none() {
                FeedHealth::NeverPolled
            } else if state.last_error.is_some() {
                FeedHealth::Failing
            } else if silent {
                FeedHealth::Silent
            } else {
                FeedHealth::Ok
            };
            Ok(FeedStatus {
                url: f.url.clone(),
                current_url: state.effective_url(&f.url).to_string(),
                outlet: f.outlet.clone(),
                title: state.title.clone(),
                health,
                silent,
                last_attempt: state.last_attempt,
                last_success: state.last_success,
                last_error: state.last_error.clone(),
                failure_class: state.failure_class,
                consecutive_failures: state.consecutive_failures,
                last_status: state.last_status,
                items_7d: stats.last_7_days,
                items_total: stats.total,
                newest_item: stats.newest,
                next_poll: state.next_due,
                items_per_day: state.items_per_day,
            })
        })
        .collect()
}

/// The state store when the pipeline has run before; `None` (not an empty new file) otherwise.
fn open_existing(path: &Path) -> Result<Option<Store>, RunError> {
    if path.exists() { Ok(Some(Store::open(path)?)) } else { Ok(None) }
}
