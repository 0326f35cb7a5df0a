//! Text into markup: the one escaping function for everything tocsin writes as HTML, SVG or
//! XML (the web page, the eval report, Atom and CAP), and the inline SVG charts ([`svg`]).
//!
//! Feed text is untrusted: a title may carry `<script>`, quotes that would end an attribute,
//! or control characters that XML 1.0 forbids. [`escape`] makes any text safe both as element
//! content and as a double- or single-quoted attribute value, in HTML and in XML alike.

pub mod svg;

/// Escape text for element content or a quoted attribute value, in HTML, SVG or XML.
///
/// `& < > " '` become references. Control characters other than tab, newline and carriage
/// return (C0, DEL and C1), and the non-characters U+FFFE and U+FFFF, become U+FFFD: XML 1.0
/// forbids most of them (a subscriber's parser would reject the whole feed), HTML calls them
/// parse errors, and a visible replacement tells the reader something was there.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s);
    out
}

/// [`escape`], appended to `out`.
pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// A text on one line, cut to `max` characters with an ellipsis.
pub fn one_line(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_controls() {
        assert_eq!(escape(r#"<b>"a" & 'b'</b>"#), "&lt;b&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/b&gt;");
        assert_eq!(escape("a\u{0}b\u{1}c\u{7f}d\u{85}e\u{FFFF}"), "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{FFFD}");
        assert_eq!(escape("tab\there\nline\r"), "tab\there\nline\r");
        assert_eq!(escape("<script>alert('x')</script>"), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        assert_eq!(escape("é — 中文 🔔"), "é — 中文 🔔");
    }

    #[test]
    fn one_line_flattens_and_cuts() {
        assert_eq!(one_line("a\n  b\tc", 10), "a b c");
        assert_eq!(one_line("abcdefghij", 5), "abcd…");
    }
}
