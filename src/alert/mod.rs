//! Alerts: when an article or a trend raises one ([`rules`]), and how it leaves tocsin — Atom
//! 1.0 ([`atom`]), JSON Feed 1.1 ([`jsonfeed`]), CAP 1.2 ([`cap`]), signed webhooks
//! ([`webhook`]) and a JSON-lines file ([`jsonl`]).
//!
//! In: assessed articles and `[[watch]]` trends. Out: [`crate::model::Alert`]s, stored once per
//! subject and level in the state's alert log ([`crate::store::alerts`]), then rendered or
//! pushed by the outputs of `[[output]]`. The renderers are pure functions of the alerts and
//! [`Links`], so the HTTP API, static feed files and the tests share them.

pub mod atom;
pub mod cap;
pub mod jsonfeed;
pub mod jsonl;
pub mod rules;
pub mod webhook;
mod xml;

use crate::model::{Alert, AlertKind};

/// Where a pipeline's alerts, articles and feeds live on the HTTP API, for links in feeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    /// Public base URL of the API, without a trailing slash (`http://127.0.0.1:8080`).
    pub base: String,
    /// Pipeline name.
    pub pipeline: String,
}

impl Links {
    /// Links for `pipeline` under `base`.
    pub fn new(base: &str, pipeline: &str) -> Self {
        Links { base: base.trim_end_matches('/').to_string(), pipeline: pipeline.to_string() }
    }

    /// The API page of an article, with its evidence.
    pub fn article(&self, id: &str) -> String {
        format!("{}/api/articles/{}?pipeline={}", self.base, id, encode(&self.pipeline))
    }

    /// The API page of an alert (JSON).
    pub fn alert(&self, seq: u64) -> String {
        format!("{}/api/alerts/{}?pipeline={}", self.base, seq, encode(&self.pipeline))
    }

    /// The CAP document of an alert.
    pub fn alert_cap(&self, seq: u64) -> String {
        format!("{}/api/alerts/{}.cap.xml?pipeline={}", self.base, seq, encode(&self.pipeline))
    }

    /// A feed of the pipeline: `atom`, `json` or `cap.xml`.
    pub fn feed(&self, extension: &str) -> String {
        format!("{}/feeds/{}.{}", self.base, encode(&self.pipeline), extension)
    }

    /// The page an alert points readers to: the article's API page, or the watch's trend.
    pub fn api_page(&self, alert: &Alert) -> String {
        match (&alert.article_id, &alert.spike) {
            (Some(id), _) => self.article(id),
            (None, Some(s)) => format!(
                "{}/api/trends?pipeline={}&q={}&interval={}",
                self.base,
                encode(&self.pipeline),
                encode(&s.query),
                match s.interval_seconds {
                    3_600 => "hour",
                    604_800 => "week",
                    _ => "day",
                }
            ),
            (None, None) => self.alert(alert.seq),
        }
    }

    /// Where a reader goes for the story: the article, or the API page of a spike.
    pub fn story(&self, alert: &Alert) -> String {
        match &alert.article {
            Some(a) if !a.url.is_empty() => a.url.clone(),
            _ => self.api_page(alert),
        }
    }
}

/// Percent-encode a query or path component.
fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A one-line title for feeds: `[ALERT] title (outlet)` or `[WARNING] Spike: watch`.
pub fn headline(alert: &Alert) -> String {
    let level = alert.level.as_str().to_uppercase();
    let update = if alert.updates.is_some() { " (escalated)" } else { "" };
    match (alert.kind, &alert.article, &alert.spike) {
        (AlertKind::Article, Some(a), _) => format!("[{level}]{update} {} — {}", a.title, a.outlet),
        (_, _, Some(s)) => format!("[{level}]{update} Spike in “{}”: {} articles", s.watch, s.count),
        _ => format!("[{level}]{update} {}", alert.reason),
    }
}

/// Category names of an alert, strongest first.
pub fn categories(alert: &Alert) -> Vec<String> {
    let Some(a) = &alert.article else { return Vec::new() };
    let mut v: Vec<(&String, &f64)> = a.categories.iter().filter(|(_, s)| **s > 0.0).collect();
    v.sort_by(|x, y| y.1.total_cmp(x.1));
    v.into_iter().map(|(k, _)| k.clone()).collect()
}
