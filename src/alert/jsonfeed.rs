//! JSON Feed 1.1 of recent alerts: `/feeds/{pipeline}.json`.
//!
//! One item per alert, newest first: `url` is the article (where a reader goes), the title is
//! the headline, `summary` the reason, `content_text` the evidence sentence, `tags` the level
//! then the categories, `authors` the outlet. The `_tocsin` extension object carries the
//! whole alert (the JSON of `/api/alerts`) plus `api_url`, the article's API page.

use serde::Serialize;
use serde_json::Value;

use super::{Links, categories, headline};
use crate::model::Alert;

/// The JSON Feed document.
#[derive(Debug, Serialize)]
pub struct JsonFeed {
    version: &'static str,
    title: String,
    home_page_url: String,
    feed_url: String,
    description: String,
    items: Vec<Item>,
}

#[derive(Debug, Serialize)]
struct Item {
    id: String,
    url: String,
    title: String,
    summary: String,
    content_text: String,
    date_published: String,
    tags: Vec<String>,
    authors: Vec<Author>,
    #[serde(rename = "_tocsin")]
    tocsin: Value,
}

#[derive(Debug, Serialize)]
struct Author {
    name: String,
}

/// The JSON Feed for `alerts` (newest first), as a JSON string.
pub fn render(alerts: &[Alert], links: &Links) -> String {
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: format!("tocsin alerts: {}", links.pipeline),
        home_page_url: format!("{}/", links.base),
        feed_url: links.feed("json"),
        description: "Early-warning alerts: incitement to violence and signs of mass atrocities in the news".into(),
        items: alerts.iter().map(|a| item(a, links)).collect(),
    };
    serde_json::to_string_pretty(&feed).expect("feeds serialise")
}

fn item(a: &Alert, links: &Links) -> Item {
    let mut tags = vec![a.level.as_str().to_string()];
    tags.extend(categories(a));
    let mut tocsin = serde_json::to_value(a).expect("alerts serialise");
    tocsin["api_url"] = Value::String(links.api_page(a));
    let snippet = a.article.as_ref().map(|x| x.snippet.clone()).unwrap_or_default();
    Item {
        id: links.alert(a.seq),
        url: links.story(a),
        title: headline(a),
        summary: a.reason.clone(),
        content_text: if snippet.is_empty() { a.reason.clone() } else { snippet },
        date_published: a.created.to_rfc3339(),
        tags,
        authors: vec![Author { name: a.article.as_ref().map_or("tocsin".into(), |x| x.outlet.clone()) }],
        tocsin,
    }
}
