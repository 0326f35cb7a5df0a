//! Feed documents → [`Article`]s.
//!
//! feed-rs reads RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.0/1.1 into one model; this
//! stage first decodes the bytes to UTF-8 whatever the headers claim ([`charset`]), sniffs
//! the format from the content rather than the `Content-Type` (servers lie), names an HTML
//! page for what it is (and the feed it links to), retries ill-formed XML once after fixing
//! entities ([`repair`]), then turns entries into articles: plain text from HTML ([`html`]),
//! canonical URLs, stable ids and dedup keys ([`canonical`]), lenient dates ([`dates`]; a
//! missing or bad date falls back to the fetch time and the article says so), and caps on
//! items and URL length. Language is decided later, in [`crate::lang`]; what the feed and the
//! server declare travels along in [`ParsedFeed`].

pub mod canonical;
pub mod charset;
pub mod dates;
pub mod html;
pub mod opml;
pub mod readable;
pub mod repair;

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::FeedConfig;
use crate::model::Article;

/// A fetched document and what the server said about it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Document<'a> {
    /// The body as received (decompressed).
    pub body: &'a [u8],
    /// `Content-Type` header.
    pub content_type: Option<&'a str>,
    /// The URL it was fetched from, after redirects: the base for relative links.
    pub url: Option<&'a str>,
    /// `Content-Language` header.
    pub content_language: Option<&'a str>,
}

/// Caps applied while parsing.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Items taken from one document at most.
    pub max_items: usize,
    /// Longest article link kept, in bytes; a longer one is dropped (the article stays).
    pub max_url_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_items: 1000, max_url_bytes: 2048 }
    }
}

/// The articles of one feed document and what the feed says about itself.
#[derive(Debug, Clone)]
pub struct ParsedFeed {
    /// The feed's own title.
    pub title: Option<String>,
    /// Language the feed declares (`<language>`, `xml:lang`, JSON Feed `language`), else the
    /// server's `Content-Language`.
    pub language: Option<String>,
    /// Parsed articles, in document order, at most `max_items`.
    pub articles: Vec<Article>,
    /// Items dropped because the document had more than `max_items`.
    pub dropped: usize,
    /// The character encoding the body was decoded from.
    pub encoding: &'static str,
    /// True when the document was ill-formed and parsed only after repair.
    pub repaired: bool,
    /// How often the feed says it changes (RSS `ttl`, `sy:updatePeriod`).
    pub poll_hint: Option<Duration>,
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
    /// An HTML page that links to a feed: the URL probably changed.
    #[error("an HTML page, not a feed; the page links to a feed at {0}")]
    HtmlWithFeed(String),
    /// feed-rs could not read it.
    #[error("not a readable RSS, Atom or JSON feed: {0}")]
    Invalid(String),
}

/// Parse a feed document from its bytes alone (no headers, no base URL).
pub fn parse_feed(
    body: &[u8],
    feed: &FeedConfig,
    fetched: DateTime<Utc>,
    max_items: usize,
) -> Result<ParsedFeed, ParseError> {
    let limits = Limits { max_items, ..Limits::default() };
    parse_document(&Document { body, ..Document::default() }, feed, fetched, limits)
}

/// Parse one fetched feed document for `feed`.
pub fn parse_document(
    doc: &Document<'_>,
    feed: &FeedConfig,
    fetched: DateTime<Utc>,
    limits: Limits,
) -> Result<ParsedFeed, ParseError> {
    let decoded = charset::decode(doc.body, doc.content_type);
    let text = strip_control_chars(decoded.text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']));
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    if looks_like_html(&text) {
        return Err(html_error(&text, doc.url));
    }
    let text = match repair::legacy_format(&text) {
        Some(upgraded) => std::borrow::Cow::Owned(upgraded),
        None => text,
    };
    let (parsed, repaired) = match read_feed(&text, doc.url) {
        Ok(f) => (f, false),
        Err(first) => {
            let fixed = if text.starts_with('{') {
                repair::json_feed_version(&text)
            } else {
                let fixed = repair::repair_entities(&text);
                repair::add_rss_version(fixed.as_deref().unwrap_or(&text)).or(fixed)
            };
            match fixed.map(|fixed| read_feed(&fixed, doc.url)) {
                Some(Ok(f)) => (f, true),
                _ => return Err(first),
            }
        }
    };
    let language = parsed.language.clone().or_else(|| doc.content_language.map(str::to_string));
    let total = parsed.entries.len();
    let articles =
        parsed.entries.into_iter().take(limits.max_items).map(|e| entry_to_article(e, feed, fetched, limits)).collect();
    Ok(ParsedFeed {
        title: parsed.title.map(|t| html::to_text(&t.content)),
        language,
        articles,
        dropped: total.saturating_sub(limits.max_items),
        encoding: decoded.encoding,
        repaired,
        poll_hint: poll_hint(parsed.ttl, &text),
    })
}

fn read_feed(text: &str, base: Option<&str>) -> Result<feed_rs::model::Feed, ParseError> {
    feed_rs::parser::Builder::new()
        .base_uri(base)
        .timestamp_parser(dates::parse_lenient)
        .build()
        .parse(text.as_bytes())
        .map_err(|e| match e {
            feed_rs::parser::ParseFeedError::ParseError(feed_rs::parser::ParseErrorKind::NoFeedRoot) => {
                ParseError::Invalid(missing_root(text))
            }
            e => ParseError::Invalid(e.to_string()),
        })
}

/// What is wrong when feed-rs finds no feed root. It says "no root element" alike for a
/// document that has a root it does not know, an `<rss>` without its `<channel>`, and one
/// that is neither XML nor JSON — and a monitor reading the feed's status needs to know
/// which, so say what the document actually holds.
fn missing_root(text: &str) -> String {
    let mut rest = text.trim_start();
    // Skip the XML declaration, comments, processing instructions and the doctype.
    while let Some(after) = rest.strip_prefix("<?").or_else(|| rest.strip_prefix("<!")) {
        let end =
            if after.starts_with("--") { after.find("-->").map(|e| e + 3) } else { after.find('>').map(|e| e + 1) };
        let Some(end) = end else { break };
        rest = after[end..].trim_start();
    }
    let Some(tag) = rest.strip_prefix('<') else {
        return if rest.starts_with('{') {
            "a JSON document that is not a JSON Feed".into()
        } else {
            "neither XML nor JSON".into()
        };
    };
    let name: String = tag.chars().take_while(|c| !c.is_whitespace() && !matches!(c, '>' | '/')).take(64).collect();
    let local = name.rsplit(':').next().unwrap_or_default();
    if local == "rss" && !text.contains("<channel") {
        return "an <rss> document without a <channel> element".into();
    }
    if name.is_empty() {
        return "no root element".into();
    }
    format!("the root element is <{name}>, not <rss>, <feed> or <rdf:RDF>")
}

/// XML 1.0 forbids C0 control characters other than tab, newline and return; some feeds
/// carry them anyway (pasted from word processors) and strict parsers stop there.
fn strip_control_chars(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r');
    if s.contains(bad) { s.replace(bad, "").into() } else { s.into() }
}

/// An HTML page rather than a feed: it starts as HTML, or has `<html` before any feed root.
fn looks_like_html(text: &str) -> bool {
    let head: String = text.chars().take(2048).collect::<String>().to_ascii_lowercase();
    if head.starts_with("<!doctype html") || head.starts_with("<html") {
        return true;
    }
    let first = |needle: &str| head.find(needle).unwrap_or(usize::MAX);
    let html = first("<html");
    html != usize::MAX && [first("<rss"), first("<feed"), first("<rdf:rdf"), first("{")].iter().all(|f| html < *f)
}

fn html_error(text: &str, base: Option<&str>) -> ParseError {
    match html::feed_links(text).into_iter().next() {
        Some(href) => {
            let abs = base.and_then(|b| url::Url::parse(b).ok()).and_then(|b| b.join(&href).ok());
            ParseError::HtmlWithFeed(abs.map_or(href, |u| u.to_string()))
        }
        None => ParseError::Html,
    }
}

/// RSS `<ttl>` or the syndication module's `updatePeriod` × `updateFrequency`.
fn poll_hint(ttl: Option<u32>, text: &str) -> Option<Duration> {
    let end = (0..=text.len().min(16 * 1024)).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
    let head = &text[..end];
    let element = |name: &str| {
        let open = head.find(&format!("{name}>"))? + name.len() + 1;
        let close = head[open..].find('<')?;
        Some(head[open..open + close].trim().to_string())
    };
    let period = element("updatePeriod");
    let frequency = element("updateFrequency").and_then(|f| f.parse().ok());
    crate::fetch::schedule::feed_hint(ttl, period.as_deref(), frequency)
}

/// The entry's link to its page: `alternate` (or no `rel`) first, never `self` or enclosures;
/// with no link at all, an id that is an http(s) URL — an RSS `<guid>` is a permalink unless
/// it says otherwise (RSS 2.0 spec), and Atom ids are often the page's URL (feedparser does
/// the same).
fn entry_link(e: &feed_rs::model::Entry) -> Option<&str> {
    let page = |l: &&feed_rs::model::Link| l.rel.as_deref().is_none_or(|r| r == "alternate");
    let not_meta =
        |l: &&feed_rs::model::Link| !matches!(l.rel.as_deref(), Some("self" | "enclosure" | "replies" | "edit"));
    let id_url = || Some(e.id.trim()).filter(|id| id.starts_with("http://") || id.starts_with("https://"));
    e.links.iter().find(page).or_else(|| e.links.iter().find(not_meta)).map(|l| l.href.trim()).or_else(id_url)
}

fn entry_to_article(e: feed_rs::model::Entry, feed: &FeedConfig, fetched: DateTime<Utc>, limits: Limits) -> Article {
    let url = entry_link(&e).filter(|u| u.len() <= limits.max_url_bytes).unwrap_or_default().to_string();
    let canonical_url = if url.is_empty() { String::new() } else { canonical::canonical_url(&url) };
    let id_key = if canonical_url.is_empty() { format!("{}\u{0}{}", feed.url, e.id) } else { canonical_url.clone() };
    let body_html =
        e.content.as_ref().and_then(|c| c.body.clone()).or_else(|| e.summary.as_ref().map(|s| s.content.clone()));
    // A date more than a day in the future is a broken clock or a typo, not news from tomorrow.
    let date = e.published.or(e.updated).filter(|d| *d <= fetched + chrono::Duration::days(1));
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

    const RSS: &str = r#"<?xml version="1.0"?><rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel><title>T</title><language>sw</language>
<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>
<item><title>A &amp; B</title><link>https://t.example/a?utm_source=rss</link><description>&lt;p&gt;Hello &lt;b&gt;there&lt;/b&gt;&lt;/p&gt;</description><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate></item>
<item><title>No date</title><link>https://t.example/b</link><pubDate>not a date</pubDate></item>
</channel></rss>"#;

    #[test]
    fn rss_items_become_articles() {
        let now = "2026-11-03T00:00:00Z".parse().unwrap();
        let p = parse_feed(RSS.as_bytes(), &feed(), now, 100).unwrap();
        assert_eq!(p.language.as_deref(), Some("sw"));
        assert_eq!(p.poll_hint, Some(Duration::from_secs(1800)));
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
        let e = parse_feed(b"<?xml version=\"1.0\"?><!-- x --><foo/>", &feed(), now, 10).unwrap_err();
        assert_eq!(
            e.to_string(),
            "not a readable RSS, Atom or JSON feed: the root element is <foo>, not <rss>, <feed> or <rdf:RDF>"
        );
        let e = parse_feed(b"<rss version=\"2.0\"><item><title>t</title></item></rss>", &feed(), now, 10).unwrap_err();
        assert!(e.to_string().ends_with("an <rss> document without a <channel> element"), "{e}");
        let page = br#"<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head></html>"#;
        let doc = Document { body: page, url: Some("https://n.example/news/"), ..Document::default() };
        let e = parse_document(&doc, &feed(), now, Limits::default()).unwrap_err();
        assert_eq!(e, ParseError::HtmlWithFeed("https://n.example/feed.xml".into()));
        assert!(e.to_string().contains("HTML page"));
    }

    #[test]
    fn items_are_capped() {
        let p = parse_feed(RSS.as_bytes(), &feed(), Utc::now(), 1).unwrap();
        assert_eq!(p.articles.len(), 1);
        assert_eq!(p.dropped, 1);
    }

    #[test]
    fn a_lying_content_type_and_charset_do_not_matter() {
        let body = "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss version=\"2.0\"><channel><title>T</title><item><title>Caf\u{e9} \u{2014} na\u{ef}ve</title><link>https://t.example/c</link></item></channel></rss>";
        let doc = Document {
            body: body.as_bytes(),
            content_type: Some("text/html; charset=iso-8859-1"),
            ..Document::default()
        };
        let p = parse_document(&doc, &feed(), Utc::now(), Limits::default()).unwrap();
        assert_eq!(p.articles[0].title, "Café — naïve");
        assert_eq!(p.encoding, "UTF-8");
    }

    #[test]
    fn ill_formed_entities_are_repaired_and_long_links_dropped() {
        let body = "<rss version=\"2.0\"><channel><title>T</title><item><title>Caf&eacute; &amp; Fish & chips</title><guid>g1</guid><link>https://t.example/LONG</link></item></channel></rss>";
        let p = parse_document(
            &Document { body: body.as_bytes(), ..Document::default() },
            &feed(),
            Utc::now(),
            Limits { max_items: 10, max_url_bytes: 10 },
        )
        .unwrap();
        assert!(p.repaired);
        assert_eq!(p.articles[0].title, "Café & Fish & chips");
        assert_eq!(p.articles[0].url, "", "a link over the cap is dropped");
        assert_eq!(p.articles[0].id, canonical::stable_id("http://127.0.0.1/rss\u{0}g1"));
    }
}
