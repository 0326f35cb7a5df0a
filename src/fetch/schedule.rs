//! When to poll a feed next: adaptive intervals after a success, backoff with jitter after a
//! failure, and what the server asked for (`Retry-After`, `Cache-Control: max-age`).
//!
//! Busy feeds are polled often and quiet ones rarely, always within `[min_poll, max_poll]`;
//! a publisher's own hints (RSS `<ttl>`, `sy:updatePeriod`, `max-age`) can only lengthen the
//! interval. Failures back off exponentially by class, and every delay carries jitter so ten
//! thousand feeds added at once do not stay synchronised forever.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// How serious a failure is, which decides how long to wait before trying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailureClass {
    /// The feed is gone or forbidden (404, 410, 401, 403, bad URL): retry rarely.
    Hard,
    /// The server answered but not with a usable feed (HTML page, broken XML, too large).
    Soft,
    /// Network trouble or an overloaded server (timeouts, refused, 429, 5xx): retry soon.
    Temporary,
}

impl FailureClass {
    /// The lowercase name stored in SQLite and shown in `feeds status`.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureClass::Hard => "hard",
            FailureClass::Soft => "soft",
            FailureClass::Temporary => "temporary",
        }
    }

    /// The class of a stored name.
    pub fn from_name(s: &str) -> Option<Self> {
        [FailureClass::Hard, FailureClass::Soft, FailureClass::Temporary].into_iter().find(|c| c.as_str() == s)
    }
}

/// What a feed says about how often to poll it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PollHints {
    /// RSS `<ttl>`, or `sy:updatePeriod` / `sy:updateFrequency`.
    pub feed: Option<Duration>,
    /// HTTP `Cache-Control: max-age`.
    pub max_age: Option<Duration>,
}

/// Bounds of the schedule, from the pipeline's `[fetch]` settings.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Shortest poll interval.
    pub min_poll: Duration,
    /// Longest poll interval.
    pub max_poll: Duration,
    /// Longest backoff after failures.
    pub max_backoff: Duration,
}

/// The interval until the next poll of a feed that publishes `items_per_day` on average.
///
/// One new item per poll is the aim: a feed with 48 items a day is polled every 30 minutes,
/// one with an item a week at `max_poll`. Hints lengthen, never shorten, the interval.
pub fn poll_interval(items_per_day: f64, hints: PollHints, bounds: Bounds) -> Duration {
    let from_rate = if items_per_day > 0.0 {
        Duration::from_secs_f64((86_400.0 / items_per_day).min(bounds.max_poll.as_secs_f64()))
    } else {
        bounds.max_poll
    };
    let hinted = [hints.feed, hints.max_age].into_iter().flatten().fold(from_rate, Duration::max);
    jitter(hinted, 0.1).clamp(bounds.min_poll, bounds.max_poll.max(bounds.min_poll))
}

/// The wait after `failures` failures in a row of `class` (`failures` ≥ 1).
///
/// Temporary failures start at `min_poll` and double; soft ones start at six times that;
/// hard ones wait `max_backoff` at once. "Equal jitter": between half and all of the delay.
pub fn backoff(class: FailureClass, failures: u32, bounds: Bounds) -> Duration {
    let base = match class {
        FailureClass::Temporary => bounds.min_poll,
        FailureClass::Soft => bounds.min_poll * 6,
        FailureClass::Hard => return equal_jitter(bounds.max_backoff),
    };
    let factor = 2f64.powi(failures.saturating_sub(1).min(20) as i32);
    let delay = Duration::from_secs_f64((base.as_secs_f64() * factor).min(bounds.max_backoff.as_secs_f64()));
    equal_jitter(delay)
}

fn equal_jitter(d: Duration) -> Duration {
    d / 2 + d.mul_f64(fastrand::f64() / 2.0)
}

/// `d` spread by ± `fraction`.
fn jitter(d: Duration, fraction: f64) -> Duration {
    d.mul_f64(1.0 - fraction + 2.0 * fraction * fastrand::f64())
}

/// `Retry-After`: a number of seconds or an HTTP date. Capped at one week.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    let secs = match value.parse::<u64>() {
        Ok(s) => s,
        Err(_) => {
            let at = DateTime::parse_from_rfc2822(value).ok()?.with_timezone(&Utc);
            (at - now).num_seconds().max(0) as u64
        }
    };
    Some(Duration::from_secs(secs.min(7 * 86_400)))
}

/// `max-age` of a `Cache-Control` header (`no-cache` and `no-store` give none).
pub fn parse_max_age(value: &str) -> Option<Duration> {
    value
        .split(',')
        .find_map(|part| {
            let (k, v) = part.trim().split_once('=')?;
            k.trim().eq_ignore_ascii_case("max-age").then(|| v.trim().trim_matches('"').parse().ok()).flatten()
        })
        .map(Duration::from_secs)
}

/// The poll hint of RSS `<ttl>` (minutes) or syndication `updatePeriod` × `updateFrequency`.
pub fn feed_hint(ttl_minutes: Option<u32>, sy_period: Option<&str>, sy_frequency: Option<u32>) -> Option<Duration> {
    if let Some(ttl) = ttl_minutes.filter(|t| *t > 0) {
        return Some(Duration::from_secs(u64::from(ttl) * 60));
    }
    let period = match sy_period?.trim().to_ascii_lowercase().as_str() {
        "hourly" => 3600,
        "daily" => 86_400,
        "weekly" => 7 * 86_400,
        "monthly" => 30 * 86_400,
        "yearly" => 365 * 86_400,
        _ => return None,
    };
    Some(Duration::from_secs(period / u64::from(sy_frequency.unwrap_or(1).max(1))))
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: Bounds = Bounds {
        min_poll: Duration::from_secs(300),
        max_poll: Duration::from_secs(12 * 3600),
        max_backoff: Duration::from_secs(86_400),
    };

    fn within(d: Duration, lo: u64, hi: u64) -> bool {
        (lo..=hi).contains(&d.as_secs())
    }

    #[test]
    fn busy_feeds_poll_often_and_quiet_ones_rarely() {
        let busy = poll_interval(48.0, PollHints::default(), B);
        assert!(within(busy, 1620, 1980), "{busy:?}");
        assert!(within(poll_interval(10_000.0, PollHints::default(), B), 270, 330), "clamped to min_poll ± jitter");
        assert!(within(poll_interval(0.0, PollHints::default(), B), 38_880, 43_200), "quiet: max_poll");
        let hinted = PollHints { feed: Some(Duration::from_secs(7200)), max_age: None };
        assert!(within(poll_interval(48.0, hinted, B), 6480, 7920), "ttl lengthens");
    }

    #[test]
    fn backoff_grows_by_class_with_jitter() {
        let t1 = backoff(FailureClass::Temporary, 1, B);
        assert!(within(t1, 150, 300), "{t1:?}");
        let t3 = backoff(FailureClass::Temporary, 3, B);
        assert!(within(t3, 600, 1200), "{t3:?}");
        assert!(within(backoff(FailureClass::Temporary, 40, B), 43_200, 86_400), "capped");
        assert!(within(backoff(FailureClass::Soft, 1, B), 900, 1800));
        assert!(within(backoff(FailureClass::Hard, 1, B), 43_200, 86_400));
    }

    #[test]
    fn server_hints_parse() {
        let now = Utc::now();
        assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
        let at = (now + chrono::Duration::seconds(90)).to_rfc2822();
        assert!(within(parse_retry_after(&at, now).unwrap(), 88, 90));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_max_age("public, max-age=600"), Some(Duration::from_secs(600)));
        assert_eq!(parse_max_age("no-cache"), None);
        assert_eq!(feed_hint(Some(60), None, None), Some(Duration::from_secs(3600)));
        assert_eq!(feed_hint(None, Some("hourly"), Some(2)), Some(Duration::from_secs(1800)));
        assert_eq!(feed_hint(None, Some("sometimes"), None), None);
    }
}
