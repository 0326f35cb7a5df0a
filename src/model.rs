//! The plain data that flows between stages: [`Article`] out of parsing, [`Assessment`] and
//! [`Evidence`] out of classification, [`Level`] and [`Speech`] as closed vocabularies.
//!
//! These types carry no behaviour beyond ordering and display; every stage reads and writes
//! them, and their serde form is the JSON contract of `--json` output and the HTTP API.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One news item, parsed from a feed and normalised.
///
/// `id` is a stable hash of the canonical URL (or of the feed's GUID when an item has no link),
/// so the same article fetched twice is the same document in the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Stable identifier: hex SHA-256 prefix of the canonical URL or GUID.
    pub id: String,
    /// The link as the feed gave it.
    pub url: String,
    /// The link after canonicalisation (lowercase host, no fragment, no tracking parameters).
    pub canonical_url: String,
    /// Identifier of the feed the article came from (its configured URL).
    pub feed_id: String,
    /// Human name of the outlet.
    pub outlet: String,
    /// Country code of the outlet, when the pipeline gives one.
    pub country: Option<String>,
    /// Title as plain text.
    pub title: String,
    /// Body as plain text (HTML removed); the classifier reads `title` and `text`.
    pub text: String,
    /// Publication time; the fetch time when the feed gave none or an unreadable one.
    pub published: DateTime<Utc>,
    /// True when `published` is the fetch time because the feed's date was missing or bad.
    pub published_is_fetch_time: bool,
    /// When tocsin fetched it.
    pub fetched: DateTime<Utc>,
    /// ISO 639-1 code (639-3 where there is none), or `und` when unknown.
    pub lang: String,
    /// Confidence of the language decision in 0..1 (1 for metadata taken as given).
    pub lang_confidence: f64,
    /// Author names.
    pub authors: Vec<String>,
    /// Feed categories / tags.
    pub tags: Vec<String>,
}

impl Article {
    /// The text the classifier reads: title, a blank line, then the body.
    ///
    /// Evidence offsets are byte offsets into this string.
    pub fn classified_text(&self) -> String {
        if self.text.is_empty() {
            return self.title.clone();
        }
        format!("{}\n\n{}", self.title, self.text)
    }
}

/// How worrying an assessment is, from the pipeline's score thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Nothing of note.
    #[default]
    None,
    /// Worth a look: weak or indirect signals.
    Watch,
    /// Likely incitement or dangerous speech.
    Warning,
    /// Strong, direct incitement: the bell rings.
    Alert,
}

impl Level {
    /// All levels in increasing order.
    pub const ALL: [Level; 4] = [Level::None, Level::Watch, Level::Warning, Level::Alert];

    /// The lowercase name used in JSON, the index and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Watch => "watch",
            Level::Warning => "warning",
            Level::Alert => "alert",
        }
    }

    /// Position in [`Level::ALL`], used as the index's numeric level.
    pub fn rank(self) -> u64 {
        self as u64
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Level::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown level {s:?}: expected none, watch, warning or alert"))
    }
}

/// Whose voice the matched words are in.
///
/// Monitors must see quoted incitement (it is how hate spreads through the press), but an
/// article that condemns a call to kill is not itself a call to kill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Speech {
    /// The author's own words.
    Direct,
    /// Quoted or attributed to someone else ("…", said, according to).
    Reported,
    /// In a sentence that condemns it (condemned, denounced, hate speech …).
    Condemned,
    /// Governed by a negation ("not", "never" …).
    Negated,
}

impl Speech {
    /// The lowercase name used in JSON and the index.
    pub fn as_str(self) -> &'static str {
        match self {
            Speech::Direct => "direct",
            Speech::Reported => "reported",
            Speech::Condemned => "condemned",
            Speech::Negated => "negated",
        }
    }
}

impl fmt::Display for Speech {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reason an assessment is what it is: a term or rule that fired, and where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Byte offset of the first matched byte in the classified text.
    pub start: usize,
    /// Byte offset one past the last matched byte in the classified text.
    pub end: usize,
    /// The matched words exactly as the author wrote them.
    pub text: String,
    /// The sentence around the match, as written.
    pub sentence: String,
    /// The term's `match`/`regex`, or the rule id.
    pub term_or_rule: String,
    /// Whether this evidence comes from a term or from a rule.
    pub kind: EvidenceKind,
    /// Id of the lexicon that holds the term or rule.
    pub lexicon: String,
    /// Category name from `lexicons/categories.toml`.
    pub category: String,
    /// Language of the lexicon (`*` for universal lexicons).
    pub language: String,
    /// Whose voice the words are in.
    pub speech: Speech,
    /// Weight after the speech context was applied (what entered the score).
    pub weight: f64,
}

/// Whether a piece of evidence is a single term or a rule combining several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceKind {
    /// A lexicon term (literal, stem, phrase or regex).
    Term,
    /// A rule over co-occurring categories or terms.
    Rule,
}

/// The classifier's verdict on one text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Assessment {
    /// Overall score in 0..1.
    pub score: f64,
    /// Level from the score and the pipeline's thresholds.
    pub level: Level,
    /// Score per category (only categories with evidence).
    pub categories: BTreeMap<String, f64>,
    /// Every term and rule that fired, in text order.
    pub evidence: Vec<Evidence>,
}

impl Assessment {
    /// Categories with a positive score, strongest first.
    pub fn top_categories(&self) -> Vec<(&str, f64)> {
        let mut v: Vec<(&str, f64)> =
            self.categories.iter().filter(|(_, s)| **s > 0.0).map(|(k, s)| (k.as_str(), *s)).collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1));
        v
    }
}

/// An article together with its assessment: what the index stores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessedArticle {
    /// The article.
    pub article: Article,
    /// Its assessment.
    pub assessment: Assessment,
}

/// What raised an [`Alert`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AlertKind {
    /// One article reached the alert level.
    #[default]
    Article,
    /// A `[[watch]]` trend query's latest bucket spiked.
    Spike,
}

/// An early-warning alert, raised once per article (or watch bucket) and level.
///
/// Its serde form is the JSON of `/api/alerts`, webhooks and the JSONL sink (a contract:
/// fields are added, never renamed). `seq` is monotonic per pipeline and never reused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// Position in the pipeline's alert log: strictly increasing, never reused.
    pub seq: u64,
    /// The article that raised it (none for spike alerts).
    pub article_id: Option<String>,
    /// The level reached.
    pub level: Level,
    /// Why, in one sentence.
    pub reason: String,
    /// When it was raised.
    pub created: DateTime<Utc>,
    /// Name of the pipeline that raised it.
    #[serde(default)]
    pub pipeline: String,
    /// Article or spike.
    #[serde(default)]
    pub kind: AlertKind,
    /// The `seq` of the earlier alert on the same article (or watch bucket) that this one
    /// escalates: an update, not a new event.
    #[serde(default)]
    pub updates: Option<u64>,
    /// The level of the alert this one escalates.
    #[serde(default)]
    pub previous_level: Option<Level>,
    /// What the article was, for article alerts.
    #[serde(default)]
    pub article: Option<AlertArticle>,
    /// What spiked, for spike alerts.
    #[serde(default)]
    pub spike: Option<AlertSpike>,
}

/// The article behind an alert, as subscribers need it without a second request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AlertArticle {
    /// Title.
    pub title: String,
    /// Outlet name.
    pub outlet: String,
    /// Link to the article (canonical URL).
    pub url: String,
    /// Language.
    pub lang: String,
    /// Country of the outlet, when known.
    #[serde(default)]
    pub country: Option<String>,
    /// Publication time.
    pub published: DateTime<Utc>,
    /// Score of the assessment.
    pub score: f64,
    /// Categories with their scores.
    pub categories: BTreeMap<String, f64>,
    /// The sentence of the strongest evidence, as written.
    pub snippet: String,
    /// The strongest pieces of evidence (at most five), strongest first.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

/// The trend bucket behind a spike alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertSpike {
    /// Name of the `[[watch]]`.
    pub watch: String,
    /// Its query.
    pub query: String,
    /// Bucket width in seconds.
    pub interval_seconds: u64,
    /// Start of the bucket that spiked.
    pub bucket_start: DateTime<Utc>,
    /// Matching articles in the bucket.
    pub count: u64,
    /// Mean count of the trailing window.
    pub baseline: f64,
    /// `P(X ≥ count)` under the baseline rate.
    pub p_value: f64,
    /// Standard deviations above the baseline.
    pub z_score: f64,
}
