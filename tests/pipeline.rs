//! The whole pipeline against a loopback feed server: fetch → parse → language → classify →
//! index → search, then again to prove nothing is duplicated.

use tocsin::demo::FeedServer;
use tocsin::model::{Level, Speech};
use tocsin::query::{SearchRequest, get_article, search};
use tocsin::run::{FeedOutcome, run_once};

use crate::util::{TestFeed, block_on, build, fixture, refused_url, write_pipeline};

fn id_of(url: &str) -> String {
    tocsin::parse::canonical::stable_id(&tocsin::parse::canonical::canonical_url(url))
}

#[test]
fn pipeline_flags_indexes_searches_and_never_duplicates() {
    let tmp = tempfile::tempdir().unwrap();
    block_on(async {
        let server = FeedServer::start(&fixture("feeds")).await.unwrap();
        let base = server.base_url();
        let feeds = [
            TestFeed { url: format!("{base}/en-rss.xml"), outlet: "Lakeside Herald", language: None },
            TestFeed { url: format!("{base}/fr-atom.xml"), outlet: "Écho des Collines", language: None },
            TestFeed { url: format!("{base}/sw-feed.json"), outlet: "Habari za Pwani", language: None },
            TestFeed { url: format!("{base}/ar-rss.xml"), outlet: "Sawt al-Wadi", language: Some("ar") },
            TestFeed { url: format!("{base}/not-a-feed.html"), outlet: "Moved Site", language: None },
            TestFeed { url: refused_url(), outlet: "Dead Server", language: None },
            TestFeed { url: format!("{base}/missing.xml"), outlet: "Gone Feed", language: None },
        ];
        let (_, config) = write_pipeline(tmp.path(), &feeds);
        let pipeline = build(config);

        // First run: the good feeds complete, the bad ones are named with their reason.
        let report = run_once(&pipeline).await.unwrap();
        let outcome = |outlet: &str| report.feeds.iter().find(|f| f.outlet == outlet).unwrap().outcome.clone();
        assert_eq!(outcome("Lakeside Herald"), FeedOutcome::Fetched { items: 4, new: 4, updated: 0, unchanged: 0 });
        for outlet in ["Écho des Collines", "Habari za Pwani", "Sawt al-Wadi"] {
            assert!(matches!(outcome(outlet), FeedOutcome::Fetched { new: 3, .. }), "{outlet}: {:?}", outcome(outlet));
        }
        let reason = |outlet: &str| match outcome(outlet) {
            FeedOutcome::Failed { reason } => reason,
            other => panic!("{outlet} should fail, got {other:?}"),
        };
        assert!(reason("Moved Site").contains("HTML page"), "{}", reason("Moved Site"));
        assert!(reason("Dead Server").contains("could not connect"), "{}", reason("Dead Server"));
        assert!(reason("Gone Feed").contains("404"), "{}", reason("Gone Feed"));
        assert_eq!(report.index_total, 13);

        // Direct incitement is flagged in all four languages; condemnation is not raised.
        let index = tocsin::index::ArticleIndex::open(&pipeline.index_dir()).unwrap();
        let level = |url: &str| get_article(&index, &id_of(url)).unwrap().expect(url).assessment.level;
        for url in [
            "https://lakeside-herald.example/2026/11/opinion-rise-up",
            "https://echo-collines.example/2026/11/tract-chasser",
            "https://habari-pwani.example/2026/11/kipeperushi",
            "https://sawt-alwadi.example/2026/11/leaflet",
        ] {
            assert!(level(url) >= Level::Warning, "{url} should be at least warning, is {}", level(url));
        }
        for url in [
            "https://lakeside-herald.example/2026/11/bishop-condemns",
            "https://echo-collines.example/2026/11/gouverneur-denonce",
            "https://habari-pwani.example/2026/11/askofu-alaani",
            "https://sawt-alwadi.example/2026/11/minister",
        ] {
            let a = get_article(&index, &id_of(url)).unwrap().unwrap();
            assert!(a.assessment.level < Level::Warning, "{url} condemns, yet is {}", a.assessment.level);
            assert!(
                a.assessment.evidence.iter().filter(|e| e.weight > 0.0).all(|e| e.speech == Speech::Condemned),
                "{url}: {:#?}",
                a.assessment.evidence
            );
        }
        for url in ["https://lakeside-herald.example/2026/11/fish-prices", "https://sawt-alwadi.example/2026/11/school"]
        {
            assert_eq!(level(url), Level::None, "{url}");
        }

        // Evidence points at the author's words.
        let leaflet =
            get_article(&index, &id_of("https://lakeside-herald.example/2026/11/opinion-rise-up")).unwrap().unwrap();
        let text = leaflet.article.classified_text();
        assert!(!leaflet.assessment.evidence.is_empty());
        for e in &leaflet.assessment.evidence {
            assert_eq!(&text[e.start..e.end], e.text);
            assert!(e.sentence.contains(&e.text));
        }
        assert_eq!(leaflet.article.lang, "en");
        assert_eq!(leaflet.article.canonical_url, "https://lakeside-herald.example/2026/11/opinion-rise-up");

        // A bad date falls back to the fetch time and says so.
        let market =
            get_article(&index, &id_of("https://lakeside-herald.example/2026/11/market-reopens")).unwrap().unwrap();
        assert!(market.article.published_is_fetch_time);

        // Search finds the flagged articles, filtered by language.
        let flagged = |query: &str, lang: Option<&str>| {
            let req = SearchRequest {
                query: query.into(),
                min_level: Some(Level::Watch),
                lang: lang.map(String::from),
                limit: 20,
                ..SearchRequest::default()
            };
            search(&index, &req).unwrap()
        };
        let r = flagged("cockroaches", None);
        assert_eq!(r.total, 1);
        assert_eq!(r.hits[0].outlet, "Lakeside Herald");
        assert!(r.hits[0].snippet.contains("cockroaches"));
        assert_eq!(flagged("cafards", Some("fr")).total, 1);
        assert_eq!(flagged("cafards", Some("en")).total, 0);
        assert!(flagged("", None).total >= 4);

        // Second run: conditional GET, nothing new, nothing duplicated.
        let again = run_once(&pipeline).await.unwrap();
        assert_eq!(again.indexed.len(), 0);
        assert_eq!(again.index_total, 13);
        assert!(
            again
                .feeds
                .iter()
                .filter(|f| f.outlet != "Moved Site" && f.url.starts_with(&base))
                .all(|f| { matches!(f.outcome, FeedOutcome::NotModified | FeedOutcome::Failed { .. }) })
        );

        // Forget the state (ETags, seen ids): the articles are fetched and upserted again,
        // still without a duplicate.
        std::fs::remove_file(pipeline.state_path()).unwrap();
        let _ = std::fs::remove_file(pipeline.state_path().with_extension("sqlite-wal"));
        let _ = std::fs::remove_file(pipeline.state_path().with_extension("sqlite-shm"));
        let third = run_once(&pipeline).await.unwrap();
        assert_eq!(third.indexed.len(), 13);
        assert_eq!(third.index_total, 13);
        drop(server);
    });
}

#[test]
fn a_quote_in_another_script_is_read_in_its_own_language() {
    // An English outlet quoting an Arabic banner: the article is English, the quote is not.
    let tmp = tempfile::tempdir().unwrap();
    let feeds = tmp.path().join("feeds");
    std::fs::create_dir(&feeds).unwrap();
    std::fs::write(
        feeds.join("mixed.xml"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Valley Times</title><link>https://valley-times.example/</link>
<description>News</description><language>en</language>
<item><title>Crowd outside the court</title><link>https://valley-times.example/court</link><guid>vt-1</guid>
<pubDate>Mon, 16 Nov 2026 08:00:00 GMT</pubDate>
<description>Supporters of the militia gathered outside the court on Monday. One banner read "اذبحوهم جميعا، اقتلوهم أينما وجدتموهم" and the crowd cheered.</description></item>
</channel></rss>"#,
    )
    .unwrap();
    block_on(async {
        let server = FeedServer::start(&feeds).await.unwrap();
        let feed = TestFeed { url: format!("{}/mixed.xml", server.base_url()), outlet: "Valley Times", language: None };
        let (_, config) = write_pipeline(tmp.path(), &[feed]);
        let pipeline = build(config);
        run_once(&pipeline).await.unwrap();
        let index = tocsin::index::ArticleIndex::open(&pipeline.index_dir()).unwrap();
        let a = get_article(&index, &id_of("https://valley-times.example/court")).unwrap().unwrap();
        assert_eq!(a.article.lang, "en");
        assert!(a.assessment.level >= Level::Warning, "{:#?}", a.assessment);
        let text = a.article.classified_text();
        for e in &a.assessment.evidence {
            assert_eq!(e.language, "ar");
            assert_eq!(text[e.start..e.end], e.text, "offsets into the whole article");
        }
    });
}
