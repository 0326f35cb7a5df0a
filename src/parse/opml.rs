//! OPML feed lists ↔ [`FeedConfig`]s, for `tocsin feeds import|export` and `[feeds] opml`.
//!
//! OPML is how feed readers exchange subscriptions. Outlines with an `xmlUrl` are feeds, at any
//! depth; `text` (or `title`) is the outlet, `language` the language hint. OPML has no country
//! field, so tocsin writes the country as the category `/country/XX` and reads it back, and
//! marks full-text feeds with the category `/tocsin/full_text`.

use crate::config::FeedConfig;

/// Why an OPML file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("not a readable OPML file: {0}")]
pub struct OpmlError(String);

/// The feeds of an OPML document, outlines flattened in document order, duplicates removed.
pub fn read_opml(xml: &str) -> Result<Vec<FeedConfig>, OpmlError> {
    let doc = opml::OPML::from_str(xml.trim_start_matches('\u{feff}')).map_err(|e| OpmlError(e.to_string()))?;
    let mut feeds = Vec::new();
    collect(&doc.body.outlines, &mut feeds);
    let mut seen = std::collections::HashSet::new();
    feeds.retain(|f: &FeedConfig| seen.insert(f.url.clone()));
    Ok(feeds)
}

fn collect(outlines: &[opml::Outline], out: &mut Vec<FeedConfig>) {
    for o in outlines {
        if let Some(url) = o.xml_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            let categories: Vec<&str> = o.category.as_deref().unwrap_or("").split(',').map(str::trim).collect();
            let country = categories.iter().find_map(|c| c.strip_prefix("/country/")).map(str::to_string);
            let name = [Some(o.text.as_str()), o.title.as_deref()].into_iter().flatten().find(|t| !t.trim().is_empty());
            out.push(FeedConfig {
                url: url.to_string(),
                outlet: name.unwrap_or(url).trim().to_string(),
                language: o.language.clone().filter(|l| !l.trim().is_empty()),
                country,
                full_text: categories.contains(&"/tocsin/full_text"),
                fetch_url: None,
            });
        }
        collect(&o.outlines, out);
    }
}

/// An OPML 2.0 document listing `feeds` (each with its current URL), titled `title`.
pub fn write_opml(title: &str, feeds: &[FeedConfig]) -> Result<String, OpmlError> {
    let mut doc = opml::OPML {
        version: "2.0".into(),
        head: Some(opml::Head { title: Some(title.to_string()), ..opml::Head::default() }),
        ..opml::OPML::default()
    };
    for f in feeds {
        let mut categories = Vec::new();
        if let Some(c) = &f.country {
            categories.push(format!("/country/{c}"));
        }
        if f.full_text {
            categories.push("/tocsin/full_text".to_string());
        }
        doc.body.outlines.push(opml::Outline {
            text: f.outlet.clone(),
            title: Some(f.outlet.clone()),
            r#type: Some("rss".into()),
            xml_url: Some(f.url.clone()),
            language: f.language.clone(),
            category: (!categories.is_empty()).then(|| categories.join(",")),
            ..opml::Outline::default()
        });
    }
    doc.to_string().map_err(|e| OpmlError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_outlines_round_trip() {
        let xml = r#"<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
            <outline text="Africa"><outline text="Habari" xmlUrl="https://h.example/rss" language="sw" category="/country/TZ"/>
            <outline title="Echo" text="" xmlUrl="https://e.example/atom"/></outline>
            <outline text="dup" xmlUrl="https://h.example/rss"/></body></opml>"#;
        let feeds = read_opml(xml).unwrap();
        assert_eq!(feeds.len(), 2);
        assert_eq!((feeds[0].outlet.as_str(), feeds[0].language.as_deref()), ("Habari", Some("sw")));
        assert_eq!(feeds[0].country.as_deref(), Some("TZ"));
        assert_eq!(feeds[1].outlet, "Echo");
        let again = read_opml(&write_opml("export", &feeds).unwrap()).unwrap();
        assert_eq!(again, feeds);
        assert!(read_opml("<html/>").is_err());
    }
}
