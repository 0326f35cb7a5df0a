//! Atom 1.0 (RFC 4287) feed of recent alerts: `/feeds/{pipeline}.atom`.
//!
//! One entry per alert, newest first. Each entry links to the article (`alternate`) and to
//! its API page with evidence (`related`), carries the level and the categories as
//! `<category>` elements (schemes `urn:tocsin:level` and `urn:tocsin:category`), the outlet as
//! author, the reason as summary and the evidence sentence in the content. An escalation has
//! its own entry, linked to the entry it updates (`rel="via"`).

use chrono::{DateTime, Utc};

use super::xml::{element, escape};
use super::{Links, categories, headline};
use crate::model::Alert;

/// The Atom document for `alerts` (newest first).
pub fn render(alerts: &[Alert], links: &Links) -> String {
    let updated = alerts.iter().map(|a| a.created).max().unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    out.push_str(&format!("  <id>{}</id>\n", escape(&links.feed("atom"))));
    out.push_str(&format!("  {}\n", element("title", &format!("tocsin alerts: {}", links.pipeline))));
    out.push_str(&format!("  <updated>{}</updated>\n", updated.to_rfc3339()));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&links.feed("atom"))
    ));
    out.push_str("  <author><name>tocsin</name></author>\n");
    out.push_str("  <generator>tocsin</generator>\n");
    for a in alerts {
        out.push_str(&entry(a, links));
    }
    out.push_str("</feed>\n");
    out
}

fn entry(a: &Alert, links: &Links) -> String {
    let mut e = String::from("  <entry>\n");
    e.push_str(&format!("    <id>{}</id>\n", escape(&links.alert(a.seq))));
    e.push_str(&format!("    {}\n", element("title", &headline(a))));
    e.push_str(&format!("    <updated>{0}</updated>\n    <published>{0}</published>\n", a.created.to_rfc3339()));
    e.push_str(&format!("    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", escape(&links.story(a))));
    let api = links.api_page(a);
    e.push_str(&format!("    <link rel=\"related\" type=\"application/json\" href=\"{}\"/>\n", escape(&api)));
    if let Some(seq) = a.updates {
        e.push_str(&format!("    <link rel=\"via\" href=\"{}\"/>\n", escape(&links.alert(seq))));
    }
    let author = a.article.as_ref().map_or("tocsin", |x| x.outlet.as_str());
    e.push_str(&format!("    <author>{}</author>\n", element("name", author)));
    e.push_str(&format!("    <category scheme=\"urn:tocsin:level\" term=\"{}\"/>\n", a.level.as_str()));
    for c in categories(a) {
        e.push_str(&format!("    <category scheme=\"urn:tocsin:category\" term=\"{}\"/>\n", escape(&c)));
    }
    e.push_str(&format!("    {}\n", element("summary", &a.reason)));
    if let Some(snippet) = a.article.as_ref().map(|x| x.snippet.as_str()).filter(|s| !s.is_empty()) {
        e.push_str(&format!("    <content type=\"text\">{}</content>\n", escape(snippet)));
    }
    e.push_str("  </entry>\n");
    e
}
