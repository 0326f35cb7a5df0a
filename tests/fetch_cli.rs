//! Fetching end to end through the real `tocsin` binary against a loopback site started by the
//! test: full text of article pages (main text indexed and searchable, boilerplate not),
//! `run --due` (a second immediate run polls nothing: the server counts requests), and
//! `feeds import` / `feeds export` / `feeds status --json`.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::{Duration, Utc};
use serde_json::Value;

use crate::util::{repo, tocsin};

/// A page the site serves: status, content type, body.
type Page = (u16, &'static str, Vec<u8>);

/// A blocking HTTP/1.1 server on 127.0.0.1 serving fixed pages and counting requests per path.
struct Site {
    base: String,
    pages: Arc<Mutex<HashMap<String, Page>>>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl Site {
    fn start() -> Site {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let pages: Arc<Mutex<HashMap<String, Page>>> = Arc::default();
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let (p, h) = (pages.clone(), hits.clone());
        std::thread::spawn(move || {
            for sock in listener.incoming().flatten() {
                let (p, h) = (p.clone(), h.clone());
                std::thread::spawn(move || answer(sock, &p, &h));
            }
        });
        Site { base, pages, hits }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn page(&self, path: &str, content_type: &'static str, body: impl Into<Vec<u8>>) {
        self.pages.lock().unwrap().insert(path.to_string(), (200, content_type, body.into()));
    }

    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    fn total_hits(&self) -> usize {
        self.hits.lock().unwrap().values().sum()
    }
}

fn answer(mut sock: TcpStream, pages: &Mutex<HashMap<String, Page>>, hits: &Mutex<HashMap<String, usize>>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match sock.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let head = String::from_utf8_lossy(&buf);
    let path = head.split(' ').nth(1).unwrap_or("/").to_string();
    *hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    let (status, ct, body) = pages.lock().unwrap().get(&path).cloned().unwrap_or((404, "text/plain", b"no".to_vec()));
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = sock.write_all(head.as_bytes()).and_then(|_| sock.write_all(&body));
}

/// An RSS 2.0 document; items are (title, link, description, age).
fn rss(title: &str, items: &[(&str, String, &str, Duration)]) -> String {
    let mut s =
        format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title><language>en</language>");
    for (t, link, desc, age) in items {
        s.push_str(&format!(
            "<item><title>{t}</title><link>{link}</link><description>{desc}</description><pubDate>{}</pubDate></item>",
            (Utc::now() - *age).to_rfc2822()
        ));
    }
    s + "</channel></rss>"
}

/// A pipeline file in `dir`; each feed is a TOML `[[feed]]` body.
fn pipeline(dir: &Path, feeds: &[String]) -> std::path::PathBuf {
    let mut toml = format!(
        "[pipeline]\nname = \"cli\"\ndata_dir = {:?}\nlexicons = [{:?}]\n\n[fetch]\ntimeout = \"10s\"\nhost_gap = \"0\"\n",
        dir.join("data").display().to_string(),
        repo().join("lexicons").display().to_string(),
    );
    for f in feeds {
        toml.push_str(&format!("\n[[feed]]\n{f}\n"));
    }
    let path = dir.join("pipeline.toml");
    std::fs::write(&path, toml).unwrap();
    path
}

/// Run tocsin, assert success, return stdout.
fn ok(args: &[&str], pipeline: &Path) -> String {
    let out = tocsin().args(args).arg(pipeline).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "tocsin {args:?} failed:\n{stdout}\n{stderr}");
    stdout.into_owned()
}

fn json(args: &[&str], pipeline: &Path) -> Value {
    let out = ok(args, pipeline);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("tocsin {args:?}: {e}\n{out}"))
}

fn search_total(query: &str, pipeline: &Path) -> u64 {
    let hits = json(&["search", query, "--json", "--pipeline"], pipeline);
    hits["total"].as_u64().unwrap_or_else(|| panic!("no total in {hits}"))
}

/// An article page: navigation, a cookie banner and a footer around the story.
fn article_page(title: &str, story_word: &str) -> String {
    let paragraph = format!(
        "<p>Residents of the riverside district described how the {story_word} negotiations between the two \
         councils stalled again this week, leaving the ferry crossing closed and traders unable to reach the \
         market on the far bank. Officials said talks would resume after the rains.</p>"
    );
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><title>{title}</title></head><body>\
         <nav><a href=\"/\">Home</a> <a href=\"/world\">World</a> <a href=\"/sport\">Sport</a> navzorbleword</nav>\
         <div class=\"cookie-banner\">We use cookies. Subscribe to our newsletter for footzorbleword offers.</div>\
         <article><h1>{title}</h1>{}</article>\
         <footer>Copyright Example Daily. footzorbleword <a href=\"/about\">About us</a></footer></body></html>",
        paragraph.repeat(6)
    )
}

#[test]
fn full_text_pages_are_fetched_and_their_main_text_is_searchable() {
    let site = Site::start();
    let items = [
        ("Ferry talks stall", site.url("/news/ferry.html"), "Teaser only.", Duration::hours(2)),
        ("Market reopens", site.url("/news/market.html"), "Teaser only.", Duration::hours(3)),
    ];
    site.page("/feed.xml", "application/rss+xml", rss("Example Daily", &items));
    site.page("/news/ferry.html", "text/html; charset=utf-8", article_page("Ferry talks stall", "quokkaferry"));
    site.page("/news/market.html", "text/html; charset=utf-8", article_page("Market reopens", "wombatmarket"));
    let dir = tempfile::tempdir().unwrap();
    let full = format!("url = {:?}\noutlet = \"Example Daily\"\nfull_text = true", site.url("/feed.xml"));
    let path = pipeline(dir.path(), &[full]);

    let report = json(&["run", "--json"], &path);
    assert_eq!(report["indexed"].as_array().map(Vec::len), Some(2), "{report}");
    assert_eq!(site.hits("/news/ferry.html"), 1, "each new article's page is fetched once");
    assert_eq!(site.hits("/news/market.html"), 1);

    assert_eq!(search_total("quokkaferry", &path), 1, "the page's main text is indexed");
    assert_eq!(search_total("wombatmarket", &path), 1);
    assert_eq!(search_total("footzorbleword", &path), 0, "cookie banner and footer are not");
    assert_eq!(search_total("navzorbleword", &path), 0, "navigation is not");

    ok(&["run"], &path);
    assert_eq!(site.hits("/news/ferry.html"), 1, "pages of articles already indexed are not fetched again");
}

#[test]
fn a_second_due_run_polls_nothing() {
    let site = Site::start();
    let mut feeds = Vec::new();
    for i in 0..3 {
        let item = [(&*format!("Story {i}"), site.url(&format!("/s{i}")), "Text.", Duration::hours(1))];
        site.page(&format!("/f{i}.xml"), "application/rss+xml", rss(&format!("Feed {i}"), &item));
        feeds.push(format!("url = {:?}\noutlet = \"Outlet {i}\"", site.url(&format!("/f{i}.xml"))));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = pipeline(dir.path(), &feeds);

    let first = json(&["run", "--due", "--json"], &path);
    assert_eq!(site.total_hits(), 3, "never-polled feeds are due: {first}");
    assert_eq!(first["indexed"].as_array().map(Vec::len), Some(3));

    let second = json(&["run", "--due", "--json"], &path);
    assert_eq!(site.total_hits(), 3, "nothing is due right after a poll: {second}");
    for feed in second["feeds"].as_array().unwrap() {
        assert_eq!(feed["outcome"]["status"], "deferred", "{feed}");
    }

    ok(&["run"], &path);
    assert_eq!(site.total_hits(), 6, "without --due every feed is polled");
}

fn by_url<'a>(statuses: &'a Value, url: &str) -> &'a Value {
    statuses.as_array().unwrap().iter().find(|s| s["url"] == url).unwrap_or_else(|| panic!("{url} not in {statuses}"))
}

#[test]
fn feeds_import_export_and_status() {
    let site = Site::start();
    let fresh: Vec<_> = (0..4)
        .map(|i| (format!("Fresh {i}"), site.url(&format!("/fresh/{i}")), "Text.", Duration::hours(6 + 24 * i)))
        .collect();
    let fresh: Vec<_> = fresh.iter().map(|(t, l, d, a)| (t.as_str(), l.clone(), *d, *a)).collect();
    site.page("/fresh.xml", "application/rss+xml", rss("Fresh News", &fresh));
    // Published daily for three weeks, then stopped twenty days ago.
    let old: Vec<_> =
        (20..41).map(|d| (format!("Old {d}"), site.url(&format!("/old/{d}")), Duration::days(d))).collect();
    let old: Vec<_> = old.iter().map(|(t, l, a)| (t.as_str(), l.clone(), "Text.", *a)).collect();
    site.page("/stopped.xml", "application/rss+xml", rss("Stopped Gazette", &old));
    // "/gone.xml" is not served: 404.

    let dir = tempfile::tempdir().unwrap();
    let path = pipeline(dir.path(), &[format!("url = {:?}\noutlet = \"Fresh News\"", site.url("/fresh.xml"))]);
    let opml = dir.path().join("outlets.opml");
    std::fs::write(
        &opml,
        format!(
            r#"<?xml version="1.0"?><opml version="2.0"><head><title>Desk</title></head><body>
<outline text="Region"><outline type="rss" text="Stopped Gazette" xmlUrl="{}" language="fr" category="/country/CD"/></outline>
<outline type="rss" text="Gone Weekly" xmlUrl="{}"/>
<outline type="rss" text="Fresh again" xmlUrl="{}"/>
</body></opml>"#,
            site.url("/stopped.xml"),
            site.url("/gone.xml"),
            site.url("/fresh.xml")
        ),
    )
    .unwrap();

    let imported = ok(&["feeds", "import", opml.to_str().unwrap(), "--pipeline"], &path);
    assert!(imported.contains("2 feeds added, 1 already present"), "{imported}");
    let again = ok(&["feeds", "import", opml.to_str().unwrap(), "--pipeline"], &path);
    assert!(again.contains("0 feeds added, 3 already present"), "{again}");

    let before = json(&["feeds", "status", "--json", "--pipeline"], &path);
    assert_eq!(before.as_array().unwrap().len(), 3, "{before}");
    assert!(before.as_array().unwrap().iter().all(|s| s["health"] == "never_polled" && s["last_success"].is_null()));

    let started = Utc::now();
    ok(&["run"], &path);
    let status = json(&["feeds", "status", "--json", "--pipeline"], &path);

    let fresh = by_url(&status, &site.url("/fresh.xml"));
    assert_eq!(fresh["health"], "ok", "{fresh}");
    assert_eq!(fresh["silent"], false);
    assert_eq!(fresh["items_7d"], 4, "items published 6 h, 30 h, 54 h and 78 h ago: {fresh}");
    assert!(fresh["last_error"].is_null());
    assert_eq!(fresh["title"], "Fresh News");
    let when = |v: &Value| v.as_str().unwrap().parse::<chrono::DateTime<Utc>>().unwrap();
    assert!(when(&fresh["last_success"]) >= started - Duration::seconds(1), "{fresh}");
    assert!(when(&fresh["next_poll"]) > Utc::now(), "the next poll is ahead: {fresh}");

    let stopped = by_url(&status, &site.url("/stopped.xml"));
    assert_eq!(stopped["silent"], true, "daily for three weeks, nothing for twenty days: {stopped}");
    assert_eq!(stopped["health"], "silent");
    assert_eq!(stopped["items_7d"], 0);
    assert_eq!(stopped["items_total"], 21);
    assert!(stopped["last_error"].is_null() && !stopped["last_success"].is_null(), "polls succeed: {stopped}");

    let gone = by_url(&status, &site.url("/gone.xml"));
    assert_eq!(gone["health"], "failing", "{gone}");
    assert_eq!(gone["last_error"], "server answered HTTP 404 Not Found");
    assert_eq!(gone["failure_class"], "hard");
    assert!(gone["last_success"].is_null());
    assert_eq!(gone["silent"], false, "a feed that never published is failing, not silent");

    let table = ok(&["feeds", "status", "--pipeline"], &path);
    assert!(table.contains("SILENT") && table.contains("404 Not Found"), "{table}");

    // Export, import the export into a fresh pipeline, export again: the same feeds come back.
    let exported = ok(&["feeds", "export", "--pipeline"], &path);
    for (url, outlet) in
        [("/fresh.xml", "Fresh News"), ("/stopped.xml", "Stopped Gazette"), ("/gone.xml", "Gone Weekly")]
    {
        assert!(exported.contains(&site.url(url)) && exported.contains(outlet), "{url} missing:\n{exported}");
    }
    assert!(exported.contains("language=\"fr\"") && exported.contains("/country/CD"), "{exported}");
    let other = tempfile::tempdir().unwrap();
    let other_path = pipeline(other.path(), &[format!("url = {:?}\noutlet = \"Fresh News\"", site.url("/fresh.xml"))]);
    let file = other.path().join("exported.opml");
    std::fs::write(&file, &exported).unwrap();
    let back = ok(&["feeds", "import", file.to_str().unwrap(), "--pipeline"], &other_path);
    assert!(back.contains("2 feeds added, 1 already present"), "{back}");
    let round_trip = ok(&["feeds", "export", "--pipeline"], &other_path);
    let body = |s: &str| s[s.find("<body>").unwrap()..].to_string();
    assert_eq!(body(&round_trip), body(&exported));
}
