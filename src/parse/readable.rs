//! An article page → its main text, for feeds with `full_text = true`.
//!
//! Many feeds carry only a headline and a teaser; the incitement is in the body. dom_smoothie
//! (a port of Mozilla's Readability) finds the main content of a page and drops navigation,
//! sidebars and footers. The page is decoded with the same rules as feeds ([`super::charset`]).

use dom_smoothie::{Config, Readability, TextMode};

/// The main content of an article page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageText {
    /// The page's title as Readability sees it.
    pub title: String,
    /// The main text, paragraphs separated by line breaks.
    pub text: String,
    /// The page's declared language (`<html lang>`), if any.
    pub lang: Option<String>,
}

/// Why no main text could be extracted.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("no article text found in the page: {0}")]
pub struct ReadableError(String);

/// Extract the main text of the page at `url` from its bytes.
pub fn extract(body: &[u8], content_type: Option<&str>, url: &str) -> Result<PageText, ReadableError> {
    let decoded = super::charset::decode(body, content_type);
    let cfg = Config { text_mode: TextMode::Formatted, max_elements_to_parse: 50_000, ..Config::default() };
    let mut r =
        Readability::new(decoded.text.as_str(), Some(url), Some(cfg)).map_err(|e| ReadableError(e.to_string()))?;
    let article = r.parse().map_err(|e| ReadableError(e.to_string()))?;
    let text = super::html::tidy(&article.text_content);
    if text.trim().is_empty() {
        return Err(ReadableError("the page has no main text".into()));
    }
    let lang = article.lang.or_else(|| super::html::page_language(&decoded.text));
    Ok(PageText { title: article.title, text, lang })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_text_without_navigation() {
        let page = r#"<!doctype html><html lang="sw"><head><title>Habari</title></head><body>
            <nav><a href="/">Nyumbani</a> <a href="/michezo">Michezo</a></nav>
            <article><h1>Mkutano wa amani</h1>
            <p>Viongozi wa jamii walikutana leo mjini kujadili njia za kudumisha amani katika eneo hilo, baada ya wiki kadhaa za mvutano.</p>
            <p>Walikubaliana kuunda kamati ya pamoja itakayokutana kila mwezi na kutoa taarifa kwa wananchi kuhusu hatua zilizochukuliwa.</p>
            <p>Wakazi wengi walisema wanatumaini makubaliano haya yataleta utulivu wa kudumu na kurejesha biashara sokoni.</p>
            </article><footer>Hakimiliki 2026 · Sera ya faragha</footer></body></html>"#;
        let t = extract(page.as_bytes(), Some("text/html"), "https://habari.example/amani").unwrap();
        assert!(t.text.contains("Viongozi wa jamii"), "{}", t.text);
        assert!(t.text.contains("kurejesha biashara"), "{}", t.text);
        assert!(!t.text.contains("Michezo") && !t.text.contains("faragha"), "{}", t.text);
        assert_eq!(t.lang.as_deref(), Some("sw"));
    }
}
