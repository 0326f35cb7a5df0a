//! Alerts and their outputs without the daemon: the alert log (once per article and level,
//! escalation as update, monotonic sequence), Atom and JSON Feed read back with feed-rs, CAP
//! documents, signed webhooks against a loopback receiver (retries, rejection, delivery log),
//! and the JSONL sink cutting a torn line.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::Utc;
use tocsin::alert::webhook::{Outcome, Webhook, verify};
use tocsin::alert::{Links, atom, cap, jsonfeed, jsonl, rules};
use tocsin::config::{OutputConfig, OutputKind};
use tocsin::model::{Alert, Article, AssessedArticle, Assessment, Evidence, EvidenceKind, Level, Speech};
use tocsin::store::{NewAlert, Store};

use crate::util::block_on;

fn assessed(id: &str, level: Level, title: &str) -> AssessedArticle {
    let sentence = "Take up your machetes & kill them all <now>.".to_string();
    let article = Article {
        id: id.into(),
        url: format!("https://news.example/{id}?utm_source=x"),
        canonical_url: format!("https://news.example/{id}"),
        feed_id: "https://news.example/rss".into(),
        outlet: "Lakeside Herald".into(),
        country: Some("CD".into()),
        title: title.into(),
        text: sentence.clone(),
        published: Utc::now(),
        published_is_fetch_time: false,
        fetched: Utc::now(),
        lang: "en".into(),
        lang_confidence: 1.0,
        authors: vec![],
        tags: vec![],
    };
    let evidence = Evidence {
        start: 0,
        end: 8,
        text: "machetes".into(),
        sentence,
        term_or_rule: "call-to-violence".into(),
        kind: EvidenceKind::Rule,
        lexicon: "en-violence".into(),
        category: "incitement".into(),
        language: "en".into(),
        speech: Speech::Direct,
        weight: 0.9,
    };
    let score = if level == Level::Alert { 0.92 } else { 0.7 };
    let categories = BTreeMap::from([("incitement".to_string(), 0.9), ("violence".to_string(), 0.5)]);
    AssessedArticle { article, assessment: Assessment { score, level, categories, evidence: vec![evidence] } }
}

fn raise(store: &mut Store, a: &AssessedArticle) -> Vec<Alert> {
    let new: Vec<NewAlert> = rules::article_alert("lakes", a, Level::Warning).into_iter().collect();
    store.raise_alerts(&new, Utc::now()).unwrap()
}

/// Three alerts: 1 = a at warning, 2 = b at alert, 3 = a escalated to alert.
fn three_alerts(store: &mut Store) -> Vec<Alert> {
    let mut all = raise(store, &assessed("a", Level::Warning, "Leaflets <b>call</b> for attacks"));
    all.extend(raise(store, &assessed("b", Level::Alert, "Radio host: kill them all")));
    assert!(
        raise(store, &assessed("a", Level::Warning, "Leaflets <b>call</b> for attacks")).is_empty(),
        "no duplicate"
    );
    all.extend(raise(store, &assessed("a", Level::Alert, "Leaflets call for attacks")));
    assert!(raise(store, &assessed("a", Level::Warning, "toned down")).is_empty(), "no downgrade alert");
    assert!(rules::article_alert("lakes", &assessed("c", Level::Watch, "x"), Level::Warning).is_none());
    all
}

#[test]
fn the_alert_log_raises_once_per_article_and_level_and_escalates_as_an_update() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("state.sqlite")).unwrap();
    let alerts = three_alerts(&mut store);
    assert_eq!(
        alerts.iter().map(|a| (a.seq, a.level)).collect::<Vec<_>>(),
        [(1, Level::Warning), (2, Level::Alert), (3, Level::Alert)]
    );
    assert_eq!((alerts[2].updates, alerts[2].previous_level), (Some(1), Some(Level::Warning)));
    let article = alerts[1].article.as_ref().unwrap();
    assert_eq!((article.outlet.as_str(), article.url.as_str()), ("Lakeside Herald", "https://news.example/b"));
    assert!(alerts[1].reason.contains("incitement"), "{}", alerts[1].reason);
    // Reopened, the log continues the sequence.
    drop(store);
    let mut store = Store::open(&dir.path().join("state.sqlite")).unwrap();
    let next = raise(&mut store, &assessed("d", Level::Alert, "More"));
    assert_eq!(next[0].seq, 4);
}

#[test]
fn atom_and_json_feed_read_back_with_feed_rs() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("state.sqlite")).unwrap();
    three_alerts(&mut store);
    let recent = store.recent_alerts(Level::Warning, 10).unwrap();
    let links = Links::new("http://127.0.0.1:8080/", "lakes");

    let xml = atom::render(&recent, &links);
    let feed = feed_rs::parser::parse(xml.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert_eq!(feed.entries.len(), 3);
    let newest = &feed.entries[0];
    assert!(newest.title.as_ref().unwrap().content.starts_with("[ALERT] (escalated) Leaflets call"), "{newest:?}");
    let hrefs: Vec<&str> = newest.links.iter().map(|l| l.href.as_str()).collect();
    assert!(hrefs.contains(&"https://news.example/a"), "{hrefs:?}");
    assert!(hrefs.contains(&"http://127.0.0.1:8080/api/articles/a?pipeline=lakes"), "{hrefs:?}");
    let terms: Vec<&str> = newest.categories.iter().map(|c| c.term.as_str()).collect();
    assert_eq!(terms, ["alert", "incitement", "violence"]);
    assert_eq!(newest.authors[0].name.as_deref(), Some("Lakeside Herald"));
    assert!(newest.content.as_ref().unwrap().body.as_ref().unwrap().contains("machetes & kill them all <now>"));
    let older = &feed.entries[2];
    assert!(older.title.as_ref().unwrap().content.contains("<b>call</b>"), "markup in titles is text");

    let json = jsonfeed::render(&recent, &links);
    let feed = feed_rs::parser::parse(json.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{json}"));
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::JSON);
    assert_eq!(feed.entries.len(), 3);
    assert_eq!(feed.entries[1].links[0].href, "https://news.example/b");
    let raw: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(raw["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(raw["items"][0]["_tocsin"]["updates"], 1);
    assert_eq!(raw["items"][0]["_tocsin"]["api_url"], "http://127.0.0.1:8080/api/articles/a?pipeline=lakes");
    assert_eq!(raw["items"][0]["tags"][0], "alert");
}

#[test]
fn cap_documents_grade_the_level_and_reference_the_escalated_alert() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("state.sqlite")).unwrap();
    let alerts = three_alerts(&mut store);
    let links = Links::new("http://127.0.0.1:8080", "lakes");
    let first = cap::render(&alerts[0], None, &links);
    for want in [
        "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">",
        "<identifier>tocsin-lakes-1</identifier>",
        "<sender>tocsin@127.0.0.1</sender>",
        "<msgType>Alert</msgType>",
        "<urgency>Expected</urgency>",
        "<severity>Moderate</severity>",
        "<certainty>Possible</certainty>",
        "<web>https://news.example/a</web>",
        "<valueName>ISO3166-1</valueName><value>CD</value>",
    ] {
        assert!(first.contains(want), "missing {want} in\n{first}");
    }
    assert!(!first.contains("<references>"));
    let update = cap::render(&alerts[2], Some(&alerts[0]), &links);
    let sent = alerts[0].created.format("%Y-%m-%dT%H:%M:%S+00:00").to_string();
    for want in [
        "<msgType>Update</msgType>".to_string(),
        format!("<references>tocsin@127.0.0.1,tocsin-lakes-1,{sent}</references>"),
        "<urgency>Immediate</urgency>".into(),
        "<severity>Severe</severity>".into(),
        "<certainty>Likely</certainty>".into(),
    ] {
        assert!(update.contains(&want), "missing {want} in\n{update}");
    }
    // Element order of the CAP 1.2 schema.
    let order = [
        "<identifier>",
        "<sender>",
        "<sent>",
        "<status>",
        "<msgType>",
        "<source>",
        "<scope>",
        "<references>",
        "<info>",
    ];
    let at: Vec<usize> = order.iter().map(|t| update.find(t).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{update}");
    assert!(update.contains("&amp; kill them all &lt;now&gt;"), "escaped");
}

/// A loopback webhook receiver that answers with the statuses given, then 200.
pub(crate) struct Receiver {
    pub addr: std::net::SocketAddr,
    pub seen: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
}

pub(crate) async fn receiver(statuses: Vec<u16>) -> Receiver {
    type Shared = (Arc<Mutex<Vec<(HeaderMap, Bytes)>>>, Arc<Mutex<Vec<u16>>>);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let statuses = Arc::new(Mutex::new(statuses));
    let app = Router::new()
        .route(
            "/hook",
            post(|State((seen, statuses)): State<Shared>, headers: HeaderMap, body: Bytes| async move {
                seen.lock().unwrap().push((headers, body));
                let mut s = statuses.lock().unwrap();
                let code = if s.is_empty() { 200 } else { s.remove(0) };
                StatusCode::from_u16(code).unwrap()
            }),
        )
        .with_state((seen.clone(), statuses));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Receiver { addr, seen }
}

fn webhook_output(target: String) -> OutputConfig {
    let toml = format!(
        "kind = \"webhook\"\ntarget = {target:?}\nsecret = \"s3cret\"\nmax_attempts = 3\ntimeout = \"5s\"\nmin_level = \"warning\""
    );
    toml::from_str(&toml).unwrap()
}

#[test]
fn webhooks_are_signed_retried_and_logged() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("state.sqlite")).unwrap();
    let alerts = three_alerts(&mut store);
    block_on(async {
        let rx = receiver(vec![503, 500]).await;
        let output = webhook_output(format!("http://{}/hook", rx.addr));
        assert_eq!(output.kind, OutputKind::Webhook);
        let hook = Webhook::new(&output).unwrap();
        let (_stop_tx, mut stop) = tokio::sync::watch::channel(false);
        let mut log = Vec::new();
        let outcome = hook.deliver(&alerts[1], &mut stop, |d| log.push(d)).await;
        assert_eq!(outcome, Outcome::Delivered);
        assert_eq!(
            log.iter().map(|d| (d.attempt, d.status, d.delivered)).collect::<Vec<_>>(),
            [(1, Some(503), false), (2, Some(500), false), (3, Some(200), true)]
        );
        for d in &log {
            store.log_delivery(d, d.delivered).unwrap();
        }
        assert_eq!(store.output_cursor(hook.name()).unwrap(), 2);
        assert_eq!(store.deliveries(hook.name()).unwrap().len(), 3);
        let seen = rx.seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 3);
        for (headers, body) in &seen {
            assert_eq!(headers["idempotency-key"], "2");
            assert_eq!(headers["content-type"], "application/json");
            let sig = headers["x-tocsin-signature"].to_str().unwrap();
            assert!(verify("s3cret", body, sig), "signature {sig} does not verify");
            let alert: Alert = serde_json::from_slice(body).unwrap();
            assert_eq!(alert, alerts[1]);
        }

        // A 4xx other than 408/429 is a rejection: not retried.
        let rx = receiver(vec![422]).await;
        let hook = Webhook::new(&webhook_output(format!("http://{}/hook", rx.addr))).unwrap();
        let outcome = hook.deliver(&alerts[0], &mut stop, |_| {}).await;
        assert_eq!(outcome, Outcome::Rejected);
        assert_eq!(rx.seen.lock().unwrap().len(), 1);

        // Nobody listening: every attempt fails, and the round gives up.
        let hook = Webhook::new(&webhook_output(crate::util::refused_url())).unwrap();
        let mut attempts = 0;
        let outcome = hook.deliver(&alerts[0], &mut stop, |d| {
            assert!(d.error.is_some());
            attempts += 1;
        });
        assert_eq!(outcome.await, Outcome::Failed);
        assert_eq!(attempts, 3);
    });
}

#[test]
fn the_jsonl_sink_writes_each_alert_once_and_cuts_a_torn_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("state.sqlite")).unwrap();
    let alerts = three_alerts(&mut store);
    let path = dir.path().join("out/alerts.jsonl");
    assert_eq!(jsonl::last_seq(&path).unwrap(), 0);
    jsonl::append(&path, &alerts[..2]).unwrap();
    assert_eq!(jsonl::last_seq(&path).unwrap(), 2);
    // A kill in the middle of a write leaves half a line.
    let mut torn = std::fs::read(&path).unwrap();
    torn.extend_from_slice(br#"{"seq":3,"article_id":"a","lev"#);
    std::fs::write(&path, torn).unwrap();
    assert_eq!(jsonl::last_seq(&path).unwrap(), 2);
    let pending = store.alerts_since(2, Level::Warning, 10).unwrap();
    jsonl::append(&path, &pending).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let seqs: Vec<u64> = text.lines().map(|l| serde_json::from_str::<Alert>(l).unwrap().seq).collect();
    assert_eq!(seqs, [1, 2, 3]);
}

#[test]
fn a_watch_raises_one_spike_alert_per_bucket_and_none_without_a_burst() {
    let dir = tempfile::tempdir().unwrap();
    let index = tocsin::index::ArticleIndex::open(&dir.path().join("index")).unwrap();
    let now = Utc::now();
    let write = |ids: std::ops::Range<usize>, at: &dyn Fn(usize) -> chrono::DateTime<Utc>| {
        let mut w = index.writer().unwrap();
        for i in ids {
            let mut a = assessed(&format!("n{i}"), Level::Watch, &format!("Report {i}"));
            a.article.published = at(i);
            w.upsert(&a).unwrap();
        }
        w.commit().unwrap();
    };
    // A quiet baseline: one article mentioning machetes every three hours for two days.
    write(1..17, &|i| now - chrono::Duration::hours(3 * i as i64));
    let watch: tocsin::config::WatchConfig =
        toml::from_str("name = \"machetes\"\nquery = \"machetes\"\ninterval = \"1h\"\nbaseline = \"2d\"").unwrap();
    assert!(rules::watch_alert(&index, "lakes", &watch, now).unwrap().is_none(), "no burst, no alert");

    // A burst in the current hour.
    write(100..108, &|_| now);
    let spike = rules::watch_alert(&index, "lakes", &watch, now).unwrap().expect("the burst is a spike");
    let s = spike.alert.spike.as_ref().unwrap();
    assert_eq!((s.watch.as_str(), s.count), ("machetes", 8));
    assert!(s.baseline < 1.0 && s.p_value < 0.001, "{s:?}");
    assert_eq!(spike.alert.level, Level::Warning);
    let calm: tocsin::config::WatchConfig =
        toml::from_str("name = \"market\"\nquery = \"market\"\ninterval = \"1h\"\nbaseline = \"2d\"").unwrap();
    assert!(rules::watch_alert(&index, "lakes", &calm, now).unwrap().is_none());

    // Raised once per bucket: the next cycle's check of the same burst adds nothing.
    let mut store = Store::open(&dir.path().join("state.sqlite")).unwrap();
    let raised = store.raise_alerts(std::slice::from_ref(&spike), now).unwrap();
    assert_eq!(raised.len(), 1);
    assert_eq!(raised[0].kind, tocsin::model::AlertKind::Spike);
    let again = rules::watch_alert(&index, "lakes", &watch, now).unwrap().unwrap();
    assert!(store.raise_alerts(&[again], now).unwrap().is_empty(), "one alert per watch bucket");
}
