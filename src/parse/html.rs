//! HTML fragments (feed summaries and content) → clean plain text.
//!
//! Feeds put HTML, entities and sometimes scripts in their text fields. We parse with
//! html5ever (through `scraper`), keep text nodes, drop script/style, and turn block
//! elements into line breaks so sentences do not run together.

use scraper::{Html, Node};

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
    "table",
    "section",
    "article",
    "header",
    "footer",
    "figure",
    "figcaption",
    "pre",
    "hr",
];

/// Plain text of an HTML fragment (or of plain text, which passes through tidied).
pub fn to_text(input: &str) -> String {
    if !input.contains('<') && !input.contains('&') {
        return tidy(input);
    }
    let doc = Html::parse_fragment(input);
    let mut out = String::with_capacity(input.len());
    for node in doc.tree.root().descendants() {
        match node.value() {
            Node::Text(t) => {
                let hidden = node.ancestors().any(|a| {
                    a.value().as_element().is_some_and(|e| matches!(e.name(), "script" | "style" | "noscript"))
                });
                if !hidden {
                    out.push_str(t);
                }
            }
            Node::Element(e) if BLOCKS.contains(&e.name()) => out.push('\n'),
            _ => {}
        }
    }
    tidy(&out)
}

/// Collapse runs of spaces within lines and drop empty lines.
fn tidy(s: &str) -> String {
    s.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_entities_and_scripts() {
        let html = "<p>Hello&nbsp;<b>world</b> &amp; co.</p><script>alert(1)</script><p>Next  para</p>";
        assert_eq!(to_text(html), "Hello world & co.\nNext para");
    }

    #[test]
    fn plain_text_passes_through() {
        assert_eq!(to_text("  just   text \n\n more "), "just text\nmore");
    }
}
