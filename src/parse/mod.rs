//! Feed documents → [`Article`]s.
//!
//! feed-rs reads RSS 0.9x/1.0/2.0, Atom and JSON Feed into one model; this stage turns its
//! entries into articles: plain text from HTML ([`html`]), canonical URLs and stable ids
//! ([`canonical`]), lenient dates (a missing or bad date falls back to the fetch time and the
//! article says so), and a cap on items per document. Language is decided later, in
//! [`crate::lang`]; the feed's declared language travels along in [`ParsedFeed`].

pub mod canonical;
pub mod html;

use chrono::{DateTime, Utc};

use crate::config::FeedConfig;
use crate::model::Article;

/// The articles of one feed document and what the feed says about itself.
#[derive(Debug, Clone)]
pub struct ParsedFeed {
    /// The feed's own title.
    pub title: Option<String>,
    /// Language the feed declares (`<language>`, `xml:lang`, JSON Feed `language`).
    pub language: Option<String>,
    /// Parsed articles, in document order, at most `max_items`.
    pub articles: Vec<Article>,
    /// Items dropped because the document had more than `max_items`.
    pub dropped: usize,
}

/// Why a document is not a feed.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    /// The body is empty.
    #[error("empty document")]
    Empty,
    /// The server sent an HTML page where a feed was expected.
    #[error("an HTML page, not a feed (is the feed URL right?)")]
    Html,
    /// feed-rs could not read it.
    #[error("not a readable RSS, Atom or JSON feed: {0}")]
    Invalid(String),
}

/// Parse one feed document fetched at `fetched` for `feed`.
pub fn parse_feed(
    body: &[u8],
    feed: &FeedConfig,
    fetched: DateTime<Utc>,
    max_items: usize,
) -> Result<ParsedFeed, ParseError> {
    let head = String::from_utf8_lossy(&body[..body.len().min(512)])
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_ascii_lowercase();
    if head.is_empty() {
        return Err(ParseError::Empty);
    }
    if head.starts_with("<!doctype html") || head.starts_with("<html") {
        return Err(ParseError::Html);
    }
    let parsed = feed_rs::parser::parse(body).map_err(|e| ParseError::Invalid(e.to_string()))?;
    let total = parsed.entries.len();
    let articles = parsed.entries.into_iter().take(max_items).map(|e| entry_to_article(e, feed, fetched)).collect();
    Ok(ParsedFeed {
        title: parsed.title.map(|t| html::to_text(&t.content)),
        language: parsed.language,
        articles,
        dropped: total.saturating_sub(max_items),
    })
}

fn entry_to_article(e: feed_rs::model::Entry, feed: &FeedConfig, fetched: DateTime<Utc>) -> Article {
    let url = e.links.first().map(|l| l.href.clone()).unwrap_or_default();
    let canonical_url = if url.is_empty() { String::new() } else { canonical::canonical_url(&url) };
    let id_key = if canonical_url.is_empty() { format!("{}\u{0}{}", feed.url, e.id) } else { canonical_url.clone() };
    let body_html =
        e.content.as_ref().and_then(|c| c.body.clone()).or_else(|| e.summary.as_ref().map(|s| s.content.clone()));
    let date = e.published.or(e.updated);
    Article {
        id: canonical::stable_id(&id_key),
        url,
        canonical_url,
        feed_id: feed.url.clone(),
        outlet: feed.outlet.clone(),
        country: feed.country.clone(),
        title: e.title.map(|t| html::to_text(&t.content)).unwrap_or_default(),
        text: body_html.map(|b| html::to_text(&b)).unwrap_or_default(),
        published: date.unwrap_or(fetched),
        published_is_fetch_time: date.is_none(),
        fetched,
        lang: e.language.unwrap_or_default(),
        lang_confidence: 0.0,
        authors: e.authors.into_iter().filter_map(|p| p.name).filter(|n| !n.is_empty()).collect(),
        tags: e.categories.into_iter().map(|c| c.label.unwrap_or(c.term)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed() -> FeedConfig {
        FeedConfig {
            url: "http://127.0.0.1/rss".into(),
            outlet: "T".into(),
            language: None,
            country: Some("KE".into()),
            full_text: false,
            fetch_url: None,
        }
    }

    const RSS: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><language>sw</language>
<item><title>A &amp; B</title><link>https://t.example/a?utm_source=rss</link><description>&lt;p&gt;Hello &lt;b&gt;there&lt;/b&gt;&lt;/p&gt;</description><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate></item>
<item><title>No date</title><link>https://t.example/b</link><pubDate>not a date</pubDate></item>
</channel></rss>"#;

    #[test]
    fn rss_items_become_articles() {
        let now = Utc::now();
        let p = parse_feed(RSS.as_bytes(), &feed(), now, 100).unwrap();
        assert_eq!(p.language.as_deref(), Some("sw"));
        let a = &p.articles[0];
        assert_eq!(a.title, "A & B");
        assert_eq!(a.text, "Hello there");
        assert_eq!(a.canonical_url, "https://t.example/a");
        assert_eq!(a.published.to_rfc3339(), "2026-11-02T10:00:00+00:00");
        assert!(!a.published_is_fetch_time);
        assert_eq!(a.country.as_deref(), Some("KE"));
        let b = &p.articles[1];
        assert!(b.published_is_fetch_time, "a bad date falls back to the fetch time");
        assert_eq!(b.published, now);
    }

    #[test]
    fn html_pages_and_empty_bodies_are_named() {
        let now = Utc::now();
        assert_eq!(parse_feed(b"  ", &feed(), now, 10).unwrap_err(), ParseError::Empty);
        assert_eq!(parse_feed(b"<!DOCTYPE html><html></html>", &feed(), now, 10).unwrap_err(), ParseError::Html);
        assert!(matches!(parse_feed(b"<foo/>", &feed(), now, 10).unwrap_err(), ParseError::Invalid(_)));
    }

    #[test]
    fn items_are_capped() {
        let p = parse_feed(RSS.as_bytes(), &feed(), Utc::now(), 1).unwrap();
        assert_eq!(p.articles.len(), 1);
        assert_eq!(p.dropped, 1);
    }
}
