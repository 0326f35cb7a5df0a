//! Elements of the XML the feed writers produce (Atom and CAP), escaped with
//! [`crate::markup::escape`] so a title with `<`, `&` or a control character never breaks a
//! subscriber's parser.

pub(super) use crate::markup::escape;

/// `<name>text</name>` with the text escaped.
pub(super) fn element(name: &str, text: &str) -> String {
    format!("<{name}>{}</{name}>", escape(text))
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_and_controls_are_escaped() {
        assert_eq!(super::escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;\u{FFFD}");
    }
}
