//! HTML fragments (feed summaries and content) → clean plain text, and what an HTML page says
//! about itself (the feeds it links to, its language).
//!
//! Feeds put HTML, entities and sometimes scripts in their text fields. We run html5ever's
//! tokenizer (no tree: it is several times faster, and text extraction needs none), keep
//! character tokens, skip script/style/noscript/template content, and turn block elements
//! into line breaks so sentences do not run together.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer};

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "tr",
    "td",
    "th",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "figure",
    "figcaption",
    "pre",
    "hr",
    "dd",
    "dt",
];

const HIDDEN: &[&str] = &["script", "style", "noscript", "template", "head", "title"];

/// Plain text of an HTML fragment (or of plain text, which passes through tidied).
pub fn to_text(input: &str) -> String {
    if !input.contains('<') && !input.contains('&') {
        return tidy(input);
    }
    let sink = tokenize(input, TextSink::default());
    tidy(&sink.out.into_inner())
}

#[derive(Default)]
struct TextSink {
    out: RefCell<String>,
    hidden: RefCell<Vec<String>>,
}

impl TokenSink for TextSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            Token::CharacterTokens(t) if self.hidden.borrow().is_empty() => self.out.borrow_mut().push_str(&t),
            Token::TagToken(tag) => return self.tag(&tag),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

impl TextSink {
    fn tag(&self, tag: &Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        if BLOCKS.contains(&name) {
            self.out.borrow_mut().push('\n');
        }
        if !HIDDEN.contains(&name) {
            return TokenSinkResult::Continue;
        }
        let mut hidden = self.hidden.borrow_mut();
        match tag.kind {
            TagKind::StartTag if !tag.self_closing => {
                hidden.push(name.to_string());
                match name {
                    "script" => return TokenSinkResult::RawData(RawKind::ScriptData),
                    "style" | "noscript" => return TokenSinkResult::RawData(RawKind::Rawtext),
                    "title" => return TokenSinkResult::RawData(RawKind::Rcdata),
                    _ => {}
                }
            }
            TagKind::EndTag => {
                if let Some(at) = hidden.iter().rposition(|h| h == name) {
                    hidden.truncate(at);
                }
            }
            TagKind::StartTag => {}
        }
        TokenSinkResult::Continue
    }
}

fn tokenize<S: TokenSink>(input: &str, sink: S) -> S {
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(input));
    let tok = Tokenizer::new(sink, Default::default());
    let _ = tok.feed(&queue);
    tok.end();
    tok.sink
}

/// Feeds an HTML page announces with `<link rel="alternate" type="application/rss+xml" …>`
/// (also Atom and JSON Feed), as written (possibly relative).
pub fn feed_links(page: &str) -> Vec<String> {
    let sink = tokenize(page, HeadSink::default());
    sink.feeds.into_inner()
}

/// The language an HTML page declares: `<html lang>`, else `<meta http-equiv=content-language>`.
pub fn page_language(page: &str) -> Option<String> {
    let sink = tokenize(page, HeadSink::default());
    sink.lang.into_inner()
}

#[derive(Default)]
struct HeadSink {
    feeds: RefCell<Vec<String>>,
    lang: RefCell<Option<String>>,
}

impl TokenSink for HeadSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else { return TokenSinkResult::Continue };
        if tag.kind != TagKind::StartTag {
            return TokenSinkResult::Continue;
        }
        let attr = |n: &str| tag.attrs.iter().find(|a| &*a.name.local == n).map(|a| a.value.to_string());
        match &*tag.name {
            "link" => {
                let rel = attr("rel").unwrap_or_default().to_ascii_lowercase();
                let ty = attr("type").unwrap_or_default().to_ascii_lowercase();
                let is_feed = ["rss+xml", "atom+xml", "feed+json", "rdf+xml"].iter().any(|t| ty.ends_with(t));
                let href = attr("href").filter(|_| is_feed && rel.split_whitespace().any(|r| r == "alternate"));
                if let Some(href) = href {
                    self.feeds.borrow_mut().push(href.trim().to_string());
                }
            }
            "html" => *self.lang.borrow_mut() = attr("lang").or_else(|| attr("xml:lang")).filter(|l| !l.is_empty()),
            "meta"
                if self.lang.borrow().is_none()
                    && attr("http-equiv").is_some_and(|h| h.eq_ignore_ascii_case("content-language")) =>
            {
                *self.lang.borrow_mut() = attr("content");
            }
            "script" => return TokenSinkResult::RawData(RawKind::ScriptData),
            "style" => return TokenSinkResult::RawData(RawKind::Rawtext),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Collapse runs of spaces within lines and drop empty lines.
pub(crate) fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for line in s.lines() {
        let mut words = line.split_whitespace().peekable();
        if words.peek().is_none() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        for (i, w) in words.enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(w);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_entities_and_scripts() {
        let html = "<p>Hello&nbsp;<b>world</b> &amp; co.</p><script>alert('<p>x</p>')</script><p>Next  para</p>";
        assert_eq!(to_text(html), "Hello world & co.\nNext para");
        assert_eq!(to_text("<style>p { color: red }</style>Caf&eacute; &#8212; ok"), "Café — ok");
    }

    #[test]
    fn plain_text_passes_through() {
        assert_eq!(to_text("  just   text \n\n more "), "just text\nmore");
    }

    #[test]
    fn page_metadata() {
        let page = r#"<!doctype html><html lang="fr-CA"><head>
            <link rel="alternate" type="application/rss+xml" href="/rss.xml">
            <link rel="stylesheet" href="/s.css"></head><body></body></html>"#;
        assert_eq!(feed_links(page), vec!["/rss.xml".to_string()]);
        assert_eq!(page_language(page).as_deref(), Some("fr-CA"));
    }
}
