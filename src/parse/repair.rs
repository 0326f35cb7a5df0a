//! A second chance for ill-formed XML, the way lenient feed readers (feedparser's "bozo"
//! feeds) give one: HTML named entities (`&eacute;`, `&nbsp;`) that XML does not define become
//! numeric references, a bare `&` becomes `&amp;`, and an `<rss>` root without a `version`
//! (which feed-rs does not recognise) is read as RSS 2.0.
//!
//! Only tried after the strict parse failed, so well-formed feeds pay nothing.

use html5ever::data::NAMED_ENTITIES;

const XML_ENTITIES: [&str; 5] = ["amp", "lt", "gt", "quot", "apos"];

/// `text` with undefined entities and bare ampersands fixed; `None` when there was nothing to fix.
pub fn repair_entities(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 64);
    let mut changed = false;
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let name_len = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '#')).unwrap_or(after.len());
        let name = &after[..name_len];
        let terminated = after[name_len..].starts_with(';');
        if terminated && (name.starts_with('#') || XML_ENTITIES.contains(&name)) && name.len() > 1 {
            out.push('&');
        } else if let Some((cp, _)) = terminated.then(|| NAMED_ENTITIES.get(&after[..=name_len])).flatten() {
            out.push_str(&format!("&#{cp};"));
            rest = &after[name_len + 1..];
            changed = true;
            continue;
        } else {
            out.push_str("&amp;");
            changed = true;
        }
        rest = after;
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// `text` with `version="2.0"` added to an `<rss>` root that has no version; `None` otherwise.
pub fn add_rss_version(text: &str) -> Option<String> {
    let at = text.find("<rss")?;
    let end = at + text[at..].find('>')?;
    let tag = &text[at..end];
    let next = tag.as_bytes().get(4).copied().unwrap_or(b'>');
    if tag.contains("version=") || !(next.is_ascii_whitespace() || tag.len() == 4 || next == b'/') {
        return None;
    }
    Some(format!("{} version=\"2.0\"{}", &text[..at + 4], &text[at + 4..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_entities_and_bare_ampersands() {
        assert_eq!(repair_entities("Caf&eacute; &amp; bar").unwrap(), "Caf&#233; &amp; bar");
        assert_eq!(repair_entities("Fish & chips &nbsp;").unwrap(), "Fish &amp; chips &#160;");
        assert_eq!(repair_entities("a &#233; &lt; b"), None);
        assert_eq!(repair_entities("AT&T &unknown;").unwrap(), "AT&amp;T &amp;unknown;");
    }

    #[test]
    fn rss_without_version() {
        assert_eq!(
            add_rss_version("<?xml?><rss><channel/></rss>").unwrap(),
            "<?xml?><rss version=\"2.0\"><channel/></rss>"
        );
        assert_eq!(add_rss_version("<rss xmlns:x=\"y\">").unwrap(), "<rss version=\"2.0\" xmlns:x=\"y\">");
        assert_eq!(add_rss_version("<rss version=\"0.91\">"), None);
        assert_eq!(add_rss_version("<rssfoo>"), None);
    }
}
