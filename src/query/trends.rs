//! Trends: how many articles match a query per hour, day or week, optionally split by
//! language, outlet, category or level, with every bucket judged for spikes.
//!
//! Counting is done by tantivy aggregations on fast fields (`date_histogram` on `published`,
//! under a `terms` aggregation for `--by`), so a histogram over a million articles never reads
//! a stored document. Tantivy returns only non-empty buckets; [`trend`] lays them on a complete
//! grid from `since` to `until` so empty buckets show as 0 (a silence is data too), then runs
//! [`super::spike::detect_spikes`] over each series.
//!
//! Buckets are UTC: hours and days start at :00 and midnight, weeks on Monday 00:00. Buckets
//! are whole: `since` picks the first bucket (the one containing it), and the `window`
//! buckets before it are counted as the baseline of the first ones, so a trend over the last
//! week is judged against the weeks before it.

use std::collections::HashMap;

use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::{AggContextParams, AggregationCollector, AggregationLimitsGuard};

use super::spike::{SpikeConfig, SpikeMark, detect_spikes};
use super::{Filters, Plan, QueryError};
use crate::index::ArticleIndex;
use crate::model::Level;

/// Most buckets a trend may have, over all its series.
const MAX_BUCKETS: usize = 400_000;

/// Width of a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    /// One hour.
    Hour,
    /// One day (UTC).
    Day,
    /// One week, Monday to Sunday (UTC).
    Week,
}

impl Interval {
    /// Width in seconds.
    pub fn seconds(self) -> i64 {
        match self {
            Interval::Hour => 3_600,
            Interval::Day => 86_400,
            Interval::Week => 7 * 86_400,
        }
    }

    /// Where the grid starts, in seconds after the epoch: 1970-01-05 was a Monday.
    fn offset(self) -> i64 {
        if self == Interval::Week { 4 * 86_400 } else { 0 }
    }

    /// Start of the bucket holding `t`.
    pub fn floor(self, t: DateTime<Utc>) -> DateTime<Utc> {
        let (w, o) = (self.seconds(), self.offset());
        let start = (t.timestamp() - o).div_euclid(w) * w + o;
        Utc.timestamp_opt(start, 0).single().expect("bucket starts are valid times")
    }

    fn histogram(self) -> Value {
        let fixed = match self {
            Interval::Hour => "1h",
            Interval::Day => "1d",
            Interval::Week => "7d",
        };
        let offset = if self == Interval::Week { "4d" } else { "0d" };
        json!({"date_histogram": {"field": "published", "fixed_interval": fixed, "offset": offset, "min_doc_count": 1}})
    }
}

/// What to split a trend by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// Article language.
    Lang,
    /// Outlet name.
    Outlet,
    /// Category with evidence (an article counts once in each of its categories).
    Category,
    /// Assessment level.
    Level,
}

impl GroupBy {
    fn field(self) -> &'static str {
        match self {
            GroupBy::Lang => "lang",
            GroupBy::Outlet => "outlet",
            GroupBy::Category => "category",
            GroupBy::Level => "level",
        }
    }
}

/// A trend to compute.
#[derive(Debug, Clone)]
pub struct TrendRequest {
    /// Query in tantivy syntax; empty = every article.
    pub query: String,
    /// Filters; `since`/`until` also set the grid (defaults: the first match, and now); the
    /// buckets are whole, so `since` counts from the start of its bucket.
    pub filters: Filters,
    /// Bucket width.
    pub interval: Interval,
    /// Split into one series per value of this field.
    pub by: Option<GroupBy>,
    /// Most series when split (the largest).
    pub top: usize,
    /// Spike detection settings.
    pub spikes: SpikeConfig,
}

impl Default for TrendRequest {
    fn default() -> Self {
        TrendRequest {
            query: String::new(),
            filters: Filters::default(),
            interval: Interval::Day,
            by: None,
            top: 10,
            spikes: SpikeConfig::default(),
        }
    }
}

/// One bucket of a series.
#[derive(Debug, Clone, Serialize)]
pub struct Bucket {
    /// Start of the bucket (RFC 3339, UTC).
    pub start: DateTime<Utc>,
    /// Matching articles published in the bucket.
    pub count: u64,
    /// The spike verdict; absent while the history is too short.
    #[serde(flatten)]
    pub mark: Option<SpikeMark>,
}

impl Bucket {
    /// Whether the bucket is a spike.
    pub fn is_spike(&self) -> bool {
        self.mark.is_some_and(|m| m.spike)
    }
}

/// A series of buckets: the whole trend, or one group of it.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    /// The group's value (`fr`, an outlet, a category, a level); `all` for the whole trend.
    pub key: String,
    /// Articles in the series.
    pub total: u64,
    /// Every bucket from `since` to `until`, empty ones included.
    pub buckets: Vec<Bucket>,
}

/// A computed trend: the `--json` output of `tocsin trends` (a contract: fields are added,
/// never renamed).
#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    /// The query as given.
    pub query: String,
    /// Bucket width.
    pub interval: Interval,
    /// Start of the first bucket.
    pub since: DateTime<Utc>,
    /// End of the last bucket (exclusive).
    pub until: DateTime<Utc>,
    /// What the groups split by.
    pub by: Option<GroupBy>,
    /// The spike settings used.
    pub spikes: SpikeConfig,
    /// All matching articles.
    pub all: Series,
    /// One series per group, largest first (empty without `by`).
    pub groups: Vec<Series>,
}

/// Compute a trend.
pub fn trend(index: &ArticleIndex, req: &TrendRequest) -> Result<Trend, QueryError> {
    let lookback = lookback(index, req)?;
    let mut filters = req.filters.clone();
    if let Some(since) = filters.since {
        let step = req.interval.seconds() * lookback as i64;
        filters.since = Some(req.interval.floor(since) - chrono::Duration::seconds(step));
    }
    let plan = Plan::new(index, &req.query, &filters)?;
    let mut aggs = json!({ "over_time": req.interval.histogram() });
    if let Some(by) = req.by {
        let size = req.top.max(1);
        aggs["groups"] = json!({
            "terms": {"field": by.field(), "size": size, "segment_size": (size * 10).max(100)},
            "aggs": { "over_time": req.interval.histogram() },
        });
    }
    let aggs: Aggregations = serde_json::from_value(aggs).map_err(|e| QueryError::Invalid(e.to_string()))?;
    let limits = AggregationLimitsGuard::new(None, Some(MAX_BUCKETS as u32));
    let collector =
        AggregationCollector::from_aggs(aggs, AggContextParams::new(limits, index.index().tokenizers().clone()));
    let result = serde_json::to_value(plan.searcher().search(plan.query(), &collector)?)
        .map_err(|e| QueryError::Invalid(e.to_string()))?;

    let all_counts = histogram_counts(&result["over_time"]);
    let (since, until) = grid_bounds(req, &all_counts);
    let n = ((until - since).num_seconds() / req.interval.seconds()).max(0) as usize;
    let series_count = 1 + result["groups"]["buckets"].as_array().map_or(0, Vec::len);
    if (n + lookback).saturating_mul(series_count) > MAX_BUCKETS {
        return Err(QueryError::Invalid(format!(
            "{n} buckets × {series_count} series is too many: narrow --since/--until or use a wider --interval"
        )));
    }
    let lay = |key: String, counts: &HashMap<i64, u64>| series(key, counts, (since, n, lookback), req);
    let all = lay("all".into(), &all_counts);
    let groups = result["groups"]["buckets"]
        .as_array()
        .map(|buckets| {
            buckets.iter().map(|b| lay(group_key(req.by, &b["key"]), &histogram_counts(&b["over_time"]))).collect()
        })
        .unwrap_or_default();
    Ok(Trend {
        query: req.query.clone(),
        interval: req.interval,
        since,
        until,
        by: req.by,
        spikes: req.spikes,
        all,
        groups,
    })
}

/// With a `since`, how many buckets before it are counted too, as the baseline of the first
/// buckets shown: `window`, but none from before the oldest article in the index (before it
/// there was no index, not silence).
fn lookback(index: &ArticleIndex, req: &TrendRequest) -> Result<usize, QueryError> {
    let Some(since) = req.filters.since else { return Ok(0) };
    let searcher = index.searcher()?;
    let mut oldest: Option<i64> = None;
    for segment in searcher.segment_readers() {
        let column = segment.fast_fields().date("published")?;
        if segment.num_docs() > 0 {
            let t = column.min_value().into_timestamp_secs();
            oldest = Some(oldest.map_or(t, |o| o.min(t)));
        }
    }
    let Some(oldest) = oldest.and_then(|t| Utc.timestamp_opt(t, 0).single()) else { return Ok(0) };
    let iv = req.interval;
    let behind = (iv.floor(since) - iv.floor(oldest)).num_seconds() / iv.seconds();
    Ok(behind.clamp(0, req.spikes.window as i64) as usize)
}

/// Bucket start (seconds) → count, from a `date_histogram` result.
fn histogram_counts(histogram: &Value) -> HashMap<i64, u64> {
    let buckets = histogram["buckets"].as_array().map(Vec::as_slice).unwrap_or_default();
    buckets
        .iter()
        .filter_map(|b| Some(((b["key"].as_f64()? / 1000.0).round() as i64, b["doc_count"].as_u64()?)))
        .collect()
}

/// The grid: from `since` (or the first match, or 30 buckets before `until`) to `until` (or
/// now, or the last match when later), both on bucket boundaries.
fn grid_bounds(req: &TrendRequest, counts: &HashMap<i64, u64>) -> (DateTime<Utc>, DateTime<Utc>) {
    let iv = req.interval;
    let at = |s: i64| Utc.timestamp_opt(s, 0).single().unwrap_or_default();
    let last_match = counts.keys().max().map(|&s| at(s + iv.seconds()));
    let until = match req.filters.until {
        Some(u) => u,
        None => last_match.map_or(Utc::now(), |l| l.max(Utc::now())),
    };
    let end = iv.floor(until - chrono::Duration::seconds(1)) + chrono::Duration::seconds(iv.seconds());
    let first_match = counts.keys().min().map(|&s| at(s));
    let since = req.filters.since.or(first_match).unwrap_or(end - chrono::Duration::seconds(30 * iv.seconds()));
    (iv.floor(since).min(end), end)
}

/// The series of `n` buckets from `since`, judged for spikes with `lookback` buckets before
/// `since` as their first baseline.
fn series(key: String, counts: &HashMap<i64, u64>, grid: (DateTime<Utc>, usize, usize), req: &TrendRequest) -> Series {
    let (since, n, lookback) = grid;
    let step = req.interval.seconds();
    let first = since.timestamp() - lookback as i64 * step;
    let starts: Vec<i64> = (0..(n + lookback) as i64).map(|i| first + i * step).collect();
    let values: Vec<u64> = starts.iter().map(|s| counts.get(s).copied().unwrap_or(0)).collect();
    let marks = detect_spikes(&values, &req.spikes);
    let buckets: Vec<Bucket> = starts
        .iter()
        .zip(&values)
        .zip(marks)
        .skip(lookback)
        .map(|((&s, &count), mark)| Bucket { start: Utc.timestamp_opt(s, 0).single().unwrap_or_default(), count, mark })
        .collect();
    Series { key, total: buckets.iter().map(|b| b.count).sum(), buckets }
}

/// A group's display key: level ranks become level names.
fn group_key(by: Option<GroupBy>, key: &Value) -> String {
    match (by, key.as_f64()) {
        (Some(GroupBy::Level), Some(rank)) => {
            Level::ALL.get(rank as usize).map_or_else(|| rank.to_string(), |l| l.as_str().to_string())
        }
        _ => key.as_str().map_or_else(|| key.to_string(), str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        let t = DateTime::parse_from_rfc3339("2026-11-26T15:00:00Z").unwrap().with_timezone(&Utc); // Thursday
        assert_eq!(Interval::Week.floor(t).to_rfc3339(), "2026-11-23T00:00:00+00:00");
        assert_eq!(Interval::Day.floor(t).to_rfc3339(), "2026-11-26T00:00:00+00:00");
        assert_eq!(Interval::Hour.floor(t).to_rfc3339(), "2026-11-26T15:00:00+00:00");
    }
}
