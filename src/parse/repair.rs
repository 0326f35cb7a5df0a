//! A second chance for ill-formed XML, the way lenient feed readers (feedparser's "bozo"
//! feeds) give one: HTML named entities (`&eacute;`, `&nbsp;`) that XML does not define become
//! numeric references, and a bare `&` becomes `&amp;`.
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
}
