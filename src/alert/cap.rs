//! CAP 1.2 (OASIS Common Alerting Protocol) documents of alerts, for alerting hubs.
//!
//! One `<alert>` per tocsin alert (`/api/alerts/{seq}.cap.xml`): identifier
//! `tocsin-{pipeline}-{seq}`, `msgType` `Alert`, or `Update` with `references` to the alert it
//! escalates; one `<info>` with category `Security`, urgency, severity and certainty from the
//! level ([`grade`]), the headline, the reason and evidence as description, the article as
//! `web`, score, categories and outlet as parameters, and the outlet's country as the area.
//! `/feeds/{pipeline}.cap.xml` is an Atom index of recent alerts with each CAP document
//! inline, the way CAP aggregators read alert feeds.

use chrono::{DateTime, Utc};

use super::xml::{element, escape};
use super::{Links, categories, headline};
use crate::model::{Alert, AlertKind, Level};

/// CAP `urgency`, `severity` and `certainty` for a level.
///
/// | level | urgency | severity | certainty |
/// |---|---|---|---|
/// | alert | Immediate | Severe | Likely |
/// | warning | Expected | Moderate | Possible |
/// | watch | Future | Minor | Possible |
/// | none | Unknown | Unknown | Unknown |
pub fn grade(level: Level) -> (&'static str, &'static str, &'static str) {
    match level {
        Level::Alert => ("Immediate", "Severe", "Likely"),
        Level::Warning => ("Expected", "Moderate", "Possible"),
        Level::Watch => ("Future", "Minor", "Possible"),
        Level::None => ("Unknown", "Unknown", "Unknown"),
    }
}

/// CAP's time format: seconds and a numeric offset, never `Z`.
fn cap_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
}

/// The CAP `sender`: `tocsin@HOST` of the API's base URL.
pub fn sender(links: &Links) -> String {
    let host = url::Url::parse(&links.base).ok().and_then(|u| u.host_str().map(str::to_string));
    format!("tocsin@{}", host.unwrap_or_else(|| "localhost".into()))
}

/// The CAP `identifier` of an alert.
pub fn identifier(links: &Links, seq: u64) -> String {
    let name: String = links.pipeline.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    format!("tocsin-{name}-{seq}")
}

/// One CAP 1.2 document, with its XML declaration; `previous` is the alert it escalates.
pub fn render(a: &Alert, previous: Option<&Alert>, links: &Links) -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}", alert_element(a, previous, links))
}

/// The `<alert>` element alone, for embedding.
pub fn alert_element(a: &Alert, previous: Option<&Alert>, links: &Links) -> String {
    let mut x = String::from("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n");
    x.push_str(&format!("  {}\n", element("identifier", &identifier(links, a.seq))));
    x.push_str(&format!("  {}\n", element("sender", &sender(links))));
    x.push_str(&format!("  <sent>{}</sent>\n", cap_time(a.created)));
    x.push_str("  <status>Actual</status>\n");
    let update = a.updates.is_some();
    x.push_str(&format!("  <msgType>{}</msgType>\n", if update { "Update" } else { "Alert" }));
    x.push_str(&format!("  {}\n", element("source", &format!("tocsin pipeline {}", links.pipeline))));
    x.push_str("  <scope>Public</scope>\n");
    if let Some(seq) = a.updates {
        let sent = previous.map_or_else(|| cap_time(a.created), |p| cap_time(p.created));
        let reference = format!("{},{},{sent}", sender(links), identifier(links, seq));
        x.push_str(&format!("  {}\n", element("references", &reference)));
    }
    x.push_str(&info(a, links));
    x.push_str("</alert>\n");
    x
}

fn info(a: &Alert, links: &Links) -> String {
    let (urgency, severity, certainty) = grade(a.level);
    let lang = a.article.as_ref().map_or("en", |x| x.lang.as_str());
    let event = match a.kind {
        AlertKind::Article => "Incitement to violence in the media".to_string(),
        AlertKind::Spike => format!("Spike in coverage: {}", a.spike.as_ref().map_or("", |s| s.watch.as_str())),
    };
    let mut x = String::from("  <info>\n");
    x.push_str(&format!("    {}\n", element("language", if lang.is_empty() || lang == "und" { "en" } else { lang })));
    x.push_str("    <category>Security</category>\n");
    x.push_str(&format!("    {}\n", element("event", &event)));
    x.push_str(&format!(
        "    <urgency>{urgency}</urgency>\n    <severity>{severity}</severity>\n    <certainty>{certainty}</certainty>\n"
    ));
    x.push_str(&format!("    {}\n", element("senderName", &format!("tocsin ({})", links.pipeline))));
    x.push_str(&format!("    {}\n", element("headline", &headline(a).chars().take(160).collect::<String>())));
    let snippet = a.article.as_ref().map(|x| x.snippet.as_str()).unwrap_or_default();
    let description = if snippet.is_empty() { a.reason.clone() } else { format!("{}\n\n{snippet}", a.reason) };
    x.push_str(&format!("    {}\n", element("description", &description)));
    x.push_str(&format!("    {}\n", element("web", &links.story(a))));
    let mut params = vec![("level", a.level.as_str().to_string()), ("api", links.api_page(a))];
    if let Some(art) = &a.article {
        params.push(("score", format!("{:.3}", art.score)));
        params.push(("categories", categories(a).join(" ")));
        params.push(("outlet", art.outlet.clone()));
    }
    for (name, value) in params {
        x.push_str(&format!("    <parameter>{}{}</parameter>\n", element("valueName", name), element("value", &value)));
    }
    let country = a.article.as_ref().and_then(|x| x.country.clone());
    x.push_str("    <area>\n");
    match country {
        Some(c) => {
            x.push_str(&format!("      {}\n", element("areaDesc", &format!("Country {c}"))));
            x.push_str(&format!(
                "      <geocode>{}{}</geocode>\n",
                element("valueName", "ISO3166-1"),
                element("value", &c)
            ));
        }
        None => x.push_str(&format!("      {}\n", element("areaDesc", "Unspecified"))),
    }
    x.push_str("    </area>\n  </info>\n");
    x
}

/// The Atom index of CAP alerts: each entry links to and embeds one CAP document. `alerts`
/// come newest first, each with the alert it escalates, if any.
pub fn render_index(alerts: &[(Alert, Option<Alert>)], links: &Links) -> String {
    let updated = alerts.iter().map(|(a, _)| a.created).max().unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    out.push_str(&format!("  <id>{}</id>\n", escape(&links.feed("cap.xml"))));
    out.push_str(&format!("  {}\n", element("title", &format!("tocsin CAP alerts: {}", links.pipeline))));
    out.push_str(&format!("  <updated>{}</updated>\n", updated.to_rfc3339()));
    out.push_str(&format!("  <link rel=\"self\" href=\"{}\"/>\n", escape(&links.feed("cap.xml"))));
    out.push_str("  <author><name>tocsin</name></author>\n");
    for (a, previous) in alerts {
        out.push_str("  <entry>\n");
        out.push_str(&format!("    {}\n", element("id", &identifier(links, a.seq))));
        out.push_str(&format!("    {}\n", element("title", &headline(a))));
        out.push_str(&format!("    <updated>{}</updated>\n", a.created.to_rfc3339()));
        let href = escape(&links.alert_cap(a.seq));
        out.push_str(&format!("    <link rel=\"alternate\" type=\"application/cap+xml\" href=\"{href}\"/>\n"));
        out.push_str("    <content type=\"application/cap+xml\">\n");
        out.push_str(&alert_element(a, previous.as_ref(), links));
        out.push_str("    </content>\n  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}
