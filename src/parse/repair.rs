//! A second chance for ill-formed XML, the way lenient feed readers (feedparser's "bozo"
//! feeds) give one: HTML named entities (`&eacute;`, `&nbsp;`) that XML does not define become
//! numeric references, a bare `&` becomes `&amp;`, an `<rss>` root without a `version` or with
//! one feed-rs does not know (0.93, 0.94, 2.01) is read as RSS 2.0, and a JSON Feed whose
//! `version` is a bare number ("1.1") instead of the spec's URL is read as JSON Feed 1.x.
//!
//! Only tried after the strict parse failed, so well-formed feeds pay nothing. Legacy formats
//! feed-rs reads as *empty* rather than failing (Atom 0.3, RSS 0.90) are rewritten before the
//! first parse instead, by [`legacy_format`], which looks only at the document's head.

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

/// RSS versions feed-rs recognises; any other `<rss version>` is read as 2.0, as feedparser does.
const KNOWN_RSS_VERSIONS: [&str; 3] = ["0.91", "0.92", "2.0"];

/// `text` with `version="2.0"` on an `<rss>` root that has no version or an unknown one
/// (0.93, 0.94, 2.01 …); `None` otherwise.
pub fn add_rss_version(text: &str) -> Option<String> {
    let at = text.find("<rss")?;
    let end = at + text[at..].find('>')?;
    let tag = &text[at..end];
    let next = tag.as_bytes().get(4).copied().unwrap_or(b'>');
    if !(next.is_ascii_whitespace() || tag.len() == 4 || next == b'/') {
        return None;
    }
    let Some(v) = tag.find("version=") else {
        return Some(format!("{} version=\"2.0\"{}", &text[..at + 4], &text[at + 4..]));
    };
    let value_at = at + v + "version=".len() + 1;
    let quote = text[value_at - 1..].chars().next()?;
    let value_end = value_at + text[value_at..end].find(quote)?;
    if KNOWN_RSS_VERSIONS.contains(&&text[value_at..value_end]) {
        return None;
    }
    Some(format!("{}2.0{}", &text[..value_at], &text[value_end..]))
}

/// A JSON Feed whose `version` is not the spec's `https://jsonfeed.org/version/1…` URL (gofeed's
/// and some generators write "1.1"), rewritten to the URL; `None` when it is not such a feed.
pub fn json_feed_version(text: &str) -> Option<String> {
    let mut feed: serde_json::Value = serde_json::from_str(text).ok()?;
    let version = feed.get("version")?.as_str()?.trim().trim_start_matches(['v', 'V']);
    if !(version == "1" || version.starts_with("1.")) || feed.get("items").is_none() {
        return None;
    }
    let url = format!("https://jsonfeed.org/version/{version}");
    feed["version"] = serde_json::Value::String(url);
    serde_json::to_string(&feed).ok()
}

const ATOM_03_NS: &str = "http://purl.org/atom/ns#";
const ATOM_10_NS: &str = "http://www.w3.org/2005/Atom";
const RSS_090_NS: [&str; 2] = ["http://my.netscape.com/rdf/simple/0.9/", "http://channel.netscape.com/rdf/simple/0.9/"];
const RSS_10_NS: &str = "http://purl.org/rss/1.0/";
/// Atom 0.3 element names and their Atom 1.0 equivalents.
const ATOM_03_RENAMES: [(&str, &str); 4] =
    [("issued", "published"), ("modified", "updated"), ("tagline", "subtitle"), ("copyright", "rights")];

/// Atom 0.3 text-construct types and their Atom 1.0 names (`text/html` is read as it is).
const ATOM_03_TYPES: [(&str, &str); 2] = [("text/plain", "text"), ("application/xhtml+xml", "xhtml")];

/// Atom 0.3 and RSS 0.90 rewritten as the Atom 1.0 and RSS 1.0 they nearly are; `None` for
/// anything else. feed-rs ignores elements in namespaces it does not know, so without this
/// such a feed parses as one with no title and no items — "no data" that looks like calm.
pub fn legacy_format(text: &str) -> Option<String> {
    let end = (0..=text.len().min(4096)).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
    let head = &text[..end];
    if let Some(ns) = RSS_090_NS.iter().find(|ns| head.contains(*ns)) {
        return Some(text.replacen(ns, RSS_10_NS, 1));
    }
    let root = head.find("<feed")?;
    let root_tag = &head[root..root + head[root..].find('>')?];
    if !(root_tag.contains(ATOM_03_NS) || root_tag.contains("version=\"0.3\"") || root_tag.contains("version='0.3'")) {
        return None;
    }
    let mut out = text.replacen(ATOM_03_NS, ATOM_10_NS, 1);
    for (old, new) in ATOM_03_RENAMES {
        for (from, to) in [(format!("<{old}>"), format!("<{new}>")), (format!("<{old} "), format!("<{new} "))] {
            out = out.replace(&from, &to);
        }
        out = out.replace(&format!("</{old}>"), &format!("</{new}>"));
    }
    // Atom 0.3 text types are MIME types; Atom 1.0 parsers accept only text, html and xhtml.
    for (old, new) in ATOM_03_TYPES {
        for q in ['"', '\''] {
            out = out.replace(&format!("type={q}{old}{q}"), &format!("type={q}{new}{q}"));
        }
    }
    Some(out)
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
        assert_eq!(add_rss_version("<rss version='2.0'>"), None);
        assert_eq!(add_rss_version("<rss version=\"0.94\"><channel/>").unwrap(), "<rss version=\"2.0\"><channel/>");
        assert_eq!(add_rss_version("<rssfoo>"), None);
    }

    #[test]
    fn json_feed_with_a_bare_version_number() {
        let fixed = json_feed_version(r#"{"version": "1.1", "title": "T", "items": []}"#).unwrap();
        assert!(fixed.contains("\"https://jsonfeed.org/version/1.1\""), "{fixed}");
        assert_eq!(json_feed_version(r#"{"version": "2", "items": []}"#), None);
        assert_eq!(json_feed_version("<rss/>"), None);
    }

    #[test]
    fn atom_03_and_rss_090_become_atom_10_and_rss_10() {
        let atom = "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><tagline>t</tagline><entry><issued>x</issued><modified>y</modified></entry></feed>";
        assert_eq!(
            legacy_format(atom).unwrap(),
            "<feed version=\"0.3\" xmlns=\"http://www.w3.org/2005/Atom\"><subtitle>t</subtitle><entry><published>x</published><updated>y</updated></entry></feed>"
        );
        let rdf = "<rdf:RDF xmlns=\"http://my.netscape.com/rdf/simple/0.9/\"><channel/></rdf:RDF>";
        assert_eq!(legacy_format(rdf).unwrap(), "<rdf:RDF xmlns=\"http://purl.org/rss/1.0/\"><channel/></rdf:RDF>");
        assert_eq!(legacy_format("<feed xmlns=\"http://www.w3.org/2005/Atom\"><issued/></feed>"), None);
        assert_eq!(legacy_format("<rss version=\"2.0\"/>"), None);
    }
}
