//! Pipeline files (`pipelines/*.toml`) → [`PipelineConfig`] → [`PipelineConfig::build`] →
//! [`Pipeline`], the immutable runtime object every command shares.
//!
//! The config structs mirror the TOML of DESIGN §5 one to one, with
//! `deny_unknown_fields` so a typo fails at load time with file, line and field. Building
//! loads the lexicons and compiles the classifier once; a reload builds a new `Pipeline`.
//!
//! Relative paths in a pipeline file (`data_dir`, `lexicons`, `opml`) resolve against the
//! current directory, as in the examples: run tocsin from the repository root.

pub mod diagnostic;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Deserializer};

pub use diagnostic::FileError;

use crate::classify::Classifier;
use crate::lexicon::{self, LexiconSet};
use crate::model::Level;

/// A whole pipeline file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineConfig {
    /// Name, data directory, default poll interval and lexicons.
    pub pipeline: PipelineSection,
    /// The feeds to poll.
    #[serde(default)]
    pub feed: Vec<FeedConfig>,
    /// Feeds listed elsewhere (OPML).
    #[serde(default)]
    pub feeds: Option<FeedsSection>,
    /// Score thresholds for the levels.
    #[serde(default)]
    pub levels: Levels,
    /// How politely and within which bounds to fetch.
    #[serde(default)]
    pub fetch: FetchConfig,
    /// Trend watches that raise spike alerts (read by the daemon).
    #[serde(default)]
    pub watch: Vec<WatchConfig>,
    /// Early-warning outputs (read by the daemon).
    #[serde(default)]
    pub output: Vec<OutputConfig>,
    /// Which articles raise alerts (read by the daemon).
    #[serde(default)]
    pub alerts: AlertsConfig,
}

/// `[alerts]`: when an article raises an alert.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AlertsConfig {
    /// Lowest level that raises an alert ("warning" by default, so an article that crosses
    /// `[levels] warning` is raised and one that later crosses `[levels] alert` is escalated
    /// by an update; "alert" raises only at the alert threshold).
    pub min_level: Level,
}

impl Default for AlertsConfig {
    fn default() -> Self {
        AlertsConfig { min_level: Level::Warning }
    }
}

/// `[pipeline]`: what the pipeline is and where it keeps its data.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineSection {
    /// Short name, used in feed URLs and logs.
    pub name: String,
    /// Directory for `index/` and `state.sqlite`.
    pub data_dir: PathBuf,
    /// Default poll interval ("15m", "1h", "30s", "1d").
    #[serde(default = "default_poll", deserialize_with = "de_duration")]
    pub poll: Duration,
    /// Lexicon folders or files.
    #[serde(default = "default_lexicons")]
    pub lexicons: Vec<PathBuf>,
    /// Free text for humans.
    #[serde(default)]
    pub description: Option<String>,
}

/// `[[feed]]`: one outlet's feed.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    /// Feed URL (RSS, Atom, RDF or JSON Feed).
    pub url: String,
    /// Human name of the outlet.
    pub outlet: String,
    /// Language hint (ISO 639-1); detection still runs.
    #[serde(default)]
    pub language: Option<String>,
    /// ISO 3166 country code of the outlet.
    #[serde(default)]
    pub country: Option<String>,
    /// Fetch each new article's page and extract its main text (Readability), under the same
    /// politeness rules as feeds; at most `[fetch] max_full_text` pages per feed and run.
    #[serde(default)]
    pub full_text: bool,
    /// Where to fetch from when it differs from `url`, which stays the feed's identity (the
    /// demo serves `demo.invalid` feeds from a loopback port that changes every run).
    #[serde(skip)]
    pub fetch_url: Option<String>,
}

impl FeedConfig {
    /// The URL to request.
    pub fn fetch_url(&self) -> &str {
        self.fetch_url.as_deref().unwrap_or(&self.url)
    }
}

/// `[feeds]`: feed lists kept in other files.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedsSection {
    /// An OPML file of feeds.
    #[serde(default)]
    pub opml: Option<PathBuf>,
}

/// `[levels]`: score thresholds, each in 0..1 and increasing.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Levels {
    /// Scores at or above this are `watch`.
    pub watch: f64,
    /// Scores at or above this are `warning`.
    pub warning: f64,
    /// Scores at or above this are `alert`.
    pub alert: f64,
}

impl Default for Levels {
    fn default() -> Self {
        Levels { watch: 0.3, warning: 0.6, alert: 0.85 }
    }
}

impl Levels {
    /// The level a score reaches.
    pub fn level_for(&self, score: f64) -> Level {
        if score >= self.alert {
            Level::Alert
        } else if score >= self.warning {
            Level::Warning
        } else if score >= self.watch {
            Level::Watch
        } else {
            Level::None
        }
    }

    fn validate(&self) -> Result<(), String> {
        let ok = 0.0 < self.watch && self.watch <= self.warning && self.warning <= self.alert && self.alert <= 1.0;
        if ok {
            Ok(())
        } else {
            Err(format!(
                "[levels] must satisfy 0 < watch <= warning <= alert <= 1, got watch = {}, warning = {}, alert = {}",
                self.watch, self.warning, self.alert
            ))
        }
    }
}

/// `[fetch]`: politeness and bounds for HTTP.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FetchConfig {
    /// Feeds fetched at once, over all hosts.
    pub concurrency: usize,
    /// Feeds fetched at once from one host.
    pub per_host: usize,
    /// Connect timeout ("10s").
    #[serde(deserialize_with = "de_duration")]
    pub connect_timeout: Duration,
    /// Total time for one request, body included ("30s").
    #[serde(deserialize_with = "de_duration")]
    pub timeout: Duration,
    /// Largest body read, in bytes; larger bodies are cut off and the feed reported.
    pub max_body_bytes: u64,
    /// Items taken from one feed document at most.
    pub max_items: usize,
    /// Contact URL or address added to the User-Agent so publishers can reach the operator.
    pub contact: Option<String>,
    /// Shortest time between the starts of two requests to one host ("250ms", "1s"; "0" for
    /// none), on top of `per_host`.
    #[serde(deserialize_with = "de_duration_or_zero")]
    pub host_gap: Duration,
    /// Redirects followed at most; a permanent one (301, 308) updates the stored feed URL.
    pub max_redirects: usize,
    /// Longest URL accepted, in bytes, for feeds, redirects and article links.
    pub max_url_bytes: usize,
    /// Shortest interval between polls of one feed, however busy it is ("5m").
    #[serde(deserialize_with = "de_duration")]
    pub min_poll: Duration,
    /// Longest interval between polls of one feed, however quiet it is ("12h").
    #[serde(deserialize_with = "de_duration")]
    pub max_poll: Duration,
    /// Longest wait after repeated failures, before jitter ("1d").
    #[serde(deserialize_with = "de_duration")]
    pub max_backoff: Duration,
    /// Article pages fetched at most per feed and run when the feed has `full_text = true`.
    pub max_full_text: usize,
    /// Host names pinned to addresses, like curl's `--resolve` (split DNS, tests):
    /// `resolve = { "feeds.example.org" = "127.0.0.1:8080" }`.
    pub resolve: std::collections::BTreeMap<String, String>,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            concurrency: 32,
            per_host: 2,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_body_bytes: 15 * 1024 * 1024,
            max_items: 1000,
            contact: None,
            host_gap: Duration::from_millis(250),
            max_redirects: 5,
            max_url_bytes: 2048,
            min_poll: Duration::from_secs(5 * 60),
            max_poll: Duration::from_secs(12 * 3600),
            max_backoff: Duration::from_secs(86_400),
            max_full_text: 50,
            resolve: std::collections::BTreeMap::new(),
        }
    }
}

/// `[[watch]]`: a trend query whose spikes raise alerts (acted on by the daemon).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WatchConfig {
    /// Name shown in alerts.
    pub name: String,
    /// Query in tantivy syntax.
    pub query: String,
    /// Bucket width ("1h").
    #[serde(deserialize_with = "de_duration")]
    pub interval: Duration,
    /// Trailing window that defines normal ("14d").
    #[serde(deserialize_with = "de_duration")]
    pub baseline: Duration,
    /// Level of the alert a spike raises ("warning" by default).
    #[serde(default = "default_output_level")]
    pub level: Level,
}

/// `[[output]]`: an early-warning output (acted on by the daemon).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputConfig {
    /// Output kind.
    pub kind: OutputKind,
    /// Lowest level published.
    #[serde(default = "default_output_level")]
    pub min_level: Level,
    /// Target URL (webhook) or path (jsonl; for atom, jsonfeed and cap an optional file the
    /// feed is also written to after each change, for static hosting).
    #[serde(default)]
    pub target: Option<String>,
    /// Webhook: the HMAC-SHA256 key of the `X-Tocsin-Signature` header. Prefer `secret_env`.
    #[serde(default)]
    pub secret: Option<String>,
    /// Webhook: the environment variable holding the HMAC key (kept out of the file).
    #[serde(default)]
    pub secret_env: Option<String>,
    /// Webhook: attempts per alert in one round before waiting for the next (backoff doubles
    /// from 1 s between attempts).
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
    /// Webhook: time allowed for one POST ("10s").
    #[serde(default = "default_webhook_timeout", deserialize_with = "de_duration")]
    pub timeout: Duration,
    /// Feeds (atom, jsonfeed, cap): the most recent alerts listed.
    #[serde(default = "default_feed_limit")]
    pub limit: usize,
    /// Webhook: deliver the alert log from this sequence on (1: the whole history) instead
    /// of only the alerts raised after the webhook was added. A new subscriber at an
    /// early-warning desk wants what happens from now on, not a flood of old alerts, so that
    /// is the default; setting or changing `replay_from` replays once from that sequence.
    #[serde(default)]
    pub replay_from: Option<u64>,
}

impl OutputConfig {
    /// The webhook's HMAC key: `secret`, or the variable named by `secret_env`.
    pub fn secret(&self) -> Option<String> {
        self.secret.clone().or_else(|| self.secret_env.as_ref().and_then(|v| std::env::var(v).ok()))
    }

    /// A stable name for logs, metrics and the delivery log: `kind:target`.
    pub fn name(&self) -> String {
        format!("{}:{}", self.kind.as_str(), self.target.as_deref().unwrap_or("http"))
    }
}

impl OutputKind {
    /// The name used in pipeline files.
    pub fn as_str(self) -> &'static str {
        match self {
            OutputKind::Atom => "atom",
            OutputKind::Jsonfeed => "jsonfeed",
            OutputKind::Cap => "cap",
            OutputKind::Webhook => "webhook",
            OutputKind::Jsonl => "jsonl",
        }
    }
}

/// Kinds of early-warning outputs.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum OutputKind {
    /// Atom 1.0 feed.
    Atom,
    /// JSON Feed 1.1.
    Jsonfeed,
    /// CAP 1.2 XML.
    Cap,
    /// HTTP POST of JSON.
    Webhook,
    /// Lines of JSON appended to a file.
    Jsonl,
}

fn default_poll() -> Duration {
    Duration::from_secs(15 * 60)
}
fn default_lexicons() -> Vec<PathBuf> {
    vec![PathBuf::from("lexicons")]
}
fn default_output_level() -> Level {
    Level::Warning
}
fn default_attempts() -> u32 {
    6
}
fn default_webhook_timeout() -> Duration {
    Duration::from_secs(10)
}
fn default_feed_limit() -> usize {
    50
}

fn de_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let s = String::deserialize(d)?;
    parse_duration(&s).map_err(serde::de::Error::custom)
}

/// Like `de_duration`, but "0" (no wait at all) is allowed.
fn de_duration_or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let s = String::deserialize(d)?;
    if matches!(s.trim(), "0" | "0s" | "0ms") {
        return Ok(Duration::ZERO);
    }
    parse_duration(&s).map_err(serde::de::Error::custom)
}

/// Parse "90s", "15m", "1h", "14d", "250ms" (or a sum such as "1h30m").
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let expected = || format!("invalid duration {s:?}: expected a number and a unit ms, s, m, h or d, such as \"15m\"");
    let mut total_ms = 0u64;
    let mut digits = String::new();
    let mut chars = s.trim().chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let n: u64 = digits.parse().map_err(|_| expected())?;
        let unit_ms = match c {
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                1
            }
            's' => 1000,
            'm' => 60_000,
            'h' => 3_600_000,
            'd' => 86_400_000,
            _ => return Err(expected()),
        };
        total_ms += n * unit_ms;
        digits.clear();
    }
    if !digits.is_empty() || total_ms == 0 {
        return Err(expected());
    }
    Ok(Duration::from_millis(total_ms))
}

impl PipelineConfig {
    /// Read and check a pipeline file; errors name the file, line and field.
    pub fn load(path: &Path) -> Result<Self, FileError> {
        let source = std::fs::read_to_string(path)
            .map_err(|e| FileError::whole(path, format!("cannot read pipeline file: {e}")))?;
        Self::from_str_at(path, &source)
    }

    /// Parse pipeline TOML already in memory (`path` is used in messages).
    pub fn from_str_at(path: &Path, source: &str) -> Result<Self, FileError> {
        let config: PipelineConfig = toml::from_str(source).map_err(|e| FileError::from_toml(path, source, &e))?;
        config.validate(path, source)?;
        Ok(config)
    }

    fn validate(&self, path: &Path, source: &str) -> Result<(), FileError> {
        let locate = |needle: &str, msg: String| match source.find(needle) {
            Some(at) => FileError::at(path, source, at, msg),
            None => FileError::whole(path, msg),
        };
        self.levels.validate().map_err(|m| locate("[levels]", m))?;
        if self.feed.is_empty() && self.feeds.as_ref().and_then(|f| f.opml.as_ref()).is_none() {
            return Err(FileError::whole(path, "no feeds: add [[feed]] tables or [feeds] opml = \"…\""));
        }
        for feed in &self.feed {
            let parsed = url::Url::parse(&feed.url)
                .map_err(|e| locate(&feed.url, format!("feed url {:?} is not a URL: {e}", feed.url)))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(locate(&feed.url, format!("feed url {:?}: expected http or https", feed.url)));
            }
        }
        if self.fetch.per_host == 0 || self.fetch.concurrency == 0 {
            return Err(locate("[fetch]", "[fetch] concurrency and per_host must be at least 1".into()));
        }
        if self.fetch.min_poll > self.fetch.max_poll {
            return Err(locate("[fetch]", "[fetch] min_poll must not be longer than max_poll".into()));
        }
        self.validate_daemon(path, source)
    }

    /// `[[watch]]` and `[[output]]`, read by the daemon.
    fn validate_daemon(&self, path: &Path, source: &str) -> Result<(), FileError> {
        let locate = |needle: &str, msg: String| match source.find(needle) {
            Some(at) => FileError::at(path, source, at, msg),
            None => FileError::whole(path, msg),
        };
        for w in &self.watch {
            if ![3_600, 86_400, 604_800].contains(&w.interval.as_secs()) {
                let msg = format!("[[watch]] {:?}: interval must be \"1h\", \"1d\" or \"7d\"", w.name);
                return Err(locate(&w.name, msg));
            }
            if w.baseline < w.interval * 3 {
                let msg = format!("[[watch]] {:?}: baseline must span at least 3 intervals", w.name);
                return Err(locate(&w.name, msg));
            }
        }
        for o in &self.output {
            let target = o.target.as_deref().unwrap_or_default();
            let bad = match o.kind {
                OutputKind::Webhook => !(target.starts_with("http://") || target.starts_with("https://")),
                OutputKind::Jsonl => target.is_empty(),
                _ => false,
            };
            if bad {
                let msg = format!(
                    "[[output]] kind = {:?} needs a target (a URL for webhook, a file for jsonl)",
                    o.kind.as_str()
                );
                return Err(locate("[[output]]", msg));
            }
        }
        Ok(())
    }

    /// Load the lexicons and compile the classifier: the runtime [`Pipeline`].
    pub fn build(self) -> Result<Pipeline, BuildError> {
        let lexicons = LexiconSet::load_paths(&self.pipeline.lexicons)?;
        let classifier = Classifier::build(&lexicons, self.levels)?;
        Ok(Pipeline { config: self, classifier: Arc::new(classifier) })
    }
}

/// Why a pipeline could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// One or more lexicon files are wrong.
    #[error("{}", lexicon::format_errors(.0))]
    Lexicon(Vec<FileError>),
}

impl From<Vec<FileError>> for BuildError {
    fn from(v: Vec<FileError>) -> Self {
        BuildError::Lexicon(v)
    }
}

/// A built pipeline: configuration plus the compiled classifier, shared by `Arc`.
#[derive(Debug, Clone)]
pub struct Pipeline {
    /// The configuration it was built from.
    pub config: PipelineConfig,
    /// The compiled classifier.
    pub classifier: Arc<Classifier>,
}

impl Pipeline {
    /// Where the tantivy index lives.
    pub fn index_dir(&self) -> PathBuf {
        self.config.pipeline.data_dir.join("index")
    }
    /// Where the SQLite state lives.
    pub fn state_path(&self) -> PathBuf {
        self.config.pipeline.data_dir.join("state.sqlite")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[pipeline]
name = "t"
data_dir = "data/t"

[[feed]]
url = "http://127.0.0.1:1/rss"
outlet = "T"
"#;

    #[test]
    fn minimal_pipeline_gets_defaults() {
        let c = PipelineConfig::from_str_at(Path::new("t.toml"), MINIMAL).unwrap();
        assert_eq!(c.pipeline.poll, Duration::from_secs(900));
        assert_eq!(c.levels, Levels::default());
        assert_eq!(c.fetch.per_host, 2);
    }

    #[test]
    fn unknown_field_is_named_with_line() {
        let src = MINIMAL.replace("outlet = \"T\"", "outlet = \"T\"\nlangauge = \"fr\"");
        let e = PipelineConfig::from_str_at(Path::new("t.toml"), &src).unwrap_err();
        let s = e.to_string();
        assert!(s.starts_with("t.toml:9:"), "{s}");
        assert!(s.contains("langauge"), "{s}");
    }

    #[test]
    fn bad_levels_and_urls_are_rejected() {
        let src = format!("{MINIMAL}\n[levels]\nwatch = 0.9\nwarning = 0.5\nalert = 0.95\n");
        let e = PipelineConfig::from_str_at(Path::new("t.toml"), &src).unwrap_err();
        assert!(e.to_string().contains("watch <= warning"), "{e}");
        let src = MINIMAL.replace("http://127.0.0.1:1/rss", "ftp://x/rss");
        assert!(PipelineConfig::from_str_at(Path::new("t.toml"), &src).is_err());
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("1m30s").unwrap(), Duration::from_secs(90));
        assert!(parse_duration("15").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("3w").is_err());
    }

    #[test]
    fn levels_map_scores() {
        let l = Levels::default();
        assert_eq!(l.level_for(0.1), Level::None);
        assert_eq!(l.level_for(0.3), Level::Watch);
        assert_eq!(l.level_for(0.7), Level::Warning);
        assert_eq!(l.level_for(0.9), Level::Alert);
    }
}
