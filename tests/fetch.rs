//! Fetching against misbehaving servers on 127.0.0.1, through the real pipeline run: 304s,
//! lying ETags, redirects, 429 with Retry-After, slow drips, endless bodies, gzip bombs, HTML
//! instead of a feed, empty bodies, wrong charsets, duplicate GUIDs, and a thousand feeds of
//! which one is broken. The servers are raw tokio listeners so they can misbehave on purpose.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tocsin::config::PipelineConfig;
use tocsin::run::{FeedOutcome, RunReport, run_once};
use tocsin::store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::util::{block_on, build, repo};

/// What the test server sends back.
enum Reply {
    /// A complete response.
    Full { status: u16, headers: Vec<(String, String)>, body: Vec<u8> },
    /// Headers, then one byte every `every`, forever.
    Drip { every: Duration },
    /// Headers, then zeros forever.
    Endless,
}

fn ok(body: impl Into<Vec<u8>>, headers: &[(&str, &str)]) -> Reply {
    let headers = headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Reply::Full { status: 200, headers, body: body.into() }
}

fn status(code: u16, headers: &[(&str, &str)]) -> Reply {
    let headers = headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Reply::Full { status: code, headers, body: Vec::new() }
}

/// One request as the handler sees it: path and lower-case headers.
struct Request {
    path: String,
    headers: HashMap<String, String>,
}

type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

/// A raw HTTP/1.1 server on 127.0.0.1 that counts requests per path.
struct Server {
    base: String,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    async fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(Mutex::new(HashMap::new()));
        let (h, handler): (_, Handler) = (hits.clone(), Arc::new(handler));
        let task = tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let (h, handler) = (h.clone(), handler.clone());
                tokio::spawn(async move {
                    let _ = serve(sock, &h, &handler).await;
                });
            }
        });
        Server { base, hits, task }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut sock: TcpStream, hits: &Mutex<HashMap<String, usize>>, handler: &Handler) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf);
    let mut lines = head.lines();
    let path = lines.next().unwrap_or("").split(' ').nth(1).unwrap_or("/").to_string();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    *hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    match handler(&Request { path, headers }) {
        Reply::Full { status, headers, body } => {
            let mut out = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
            for (k, v) in headers {
                out.push_str(&format!("{k}: {v}\r\n"));
            }
            out.push_str("\r\n");
            sock.write_all(out.as_bytes()).await?;
            sock.write_all(&body).await?;
        }
        Reply::Drip { every } => {
            sock.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n\r\n<rss")
                .await?;
            loop {
                tokio::time::sleep(every).await;
                sock.write_all(b" ").await?;
            }
        }
        Reply::Endless => {
            sock.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n\r\n")
                .await?;
            let zeros = vec![b' '; 64 * 1024];
            loop {
                sock.write_all(&zeros).await?;
            }
        }
    }
    sock.shutdown().await
}

fn rss(items: &[(&str, &str, &str)]) -> String {
    let mut s =
        String::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><language>en</language>");
    for (guid, title, link) in items {
        s.push_str(&format!(
            "<item><guid>{guid}</guid><title>{title}</title><link>{link}</link>\
             <description>Fish prices at the landing site.</description>\
             <pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate></item>"
        ));
    }
    s.push_str("</channel></rss>");
    s
}

/// A pipeline in `dir` over `feeds` (url, outlet), with extra `[fetch]` lines.
fn pipeline(dir: &std::path::Path, feeds: &[(String, &str)], fetch: &str) -> tocsin::config::Pipeline {
    let mut toml = format!(
        "[pipeline]\nname = \"fetch-test\"\ndata_dir = {:?}\nlexicons = [{:?}]\n\n[fetch]\ntimeout = \"5s\"\nhost_gap = \"0\"\n{fetch}\n",
        dir.join("data").display().to_string(),
        repo().join("lexicons").display().to_string(),
    );
    if !fetch.contains("per_host") {
        toml.push_str("per_host = 8\n");
    }
    for (url, outlet) in feeds {
        toml.push_str(&format!("\n[[feed]]\nurl = {url:?}\noutlet = {outlet:?}\n"));
    }
    let path = dir.join("pipeline.toml");
    std::fs::write(&path, toml).unwrap();
    build(PipelineConfig::load(&path).unwrap())
}

fn outcome(report: &RunReport, outlet: &str) -> FeedOutcome {
    report.feeds.iter().find(|f| f.outlet == outlet).unwrap().outcome.clone()
}

fn reason(report: &RunReport, outlet: &str) -> String {
    match outcome(report, outlet) {
        FeedOutcome::Failed { reason } => reason,
        other => panic!("{outlet} should fail, got {other:?}"),
    }
}

#[test]
fn not_modified_means_no_work_and_a_lying_etag_is_caught_by_the_body_hash() {
    let tmp = tempfile::tempdir().unwrap();
    block_on(async {
        let version = Arc::new(AtomicUsize::new(1));
        let v = version.clone();
        let server = Server::start(move |req| match req.path.as_str() {
            "/honest.xml" if req.headers.get("if-none-match").map(String::as_str) == Some("\"v1\"") => {
                status(304, &[("ETag", "\"v1\"")])
            }
            "/honest.xml" => ok(rss(&[("h1", "Honest one", "https://h.example/1")]), &[("ETag", "\"v1\"")]),
            _ => {
                // Always the same ETag, always 200, and the content changes between runs.
                let n = v.load(Ordering::SeqCst);
                let items: Vec<(String, String, String)> = (1..=n)
                    .map(|i| (format!("l{i}"), format!("Story {i}"), format!("https://l.example/{i}")))
                    .collect();
                let items: Vec<(&str, &str, &str)> =
                    items.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
                ok(rss(&items), &[("ETag", "\"always-the-same\"")])
            }
        })
        .await;
        let p = pipeline(tmp.path(), &[(server.url("/honest.xml"), "Honest"), (server.url("/liar.xml"), "Liar")], "");
        let first = run_once(&p).await.unwrap();
        assert!(matches!(outcome(&first, "Honest"), FeedOutcome::Fetched { new: 1, .. }));
        assert!(matches!(outcome(&first, "Liar"), FeedOutcome::Fetched { new: 1, .. }));
        let second = run_once(&p).await.unwrap();
        assert_eq!(outcome(&second, "Honest"), FeedOutcome::NotModified);
        assert_eq!(outcome(&second, "Liar"), FeedOutcome::Unchanged, "same body: skipped by its hash");
        assert_eq!(second.indexed.len(), 0);
        version.store(2, Ordering::SeqCst);
        let third = run_once(&p).await.unwrap();
        assert_eq!(outcome(&third, "Liar"), FeedOutcome::Fetched { items: 2, new: 1, updated: 0, unchanged: 1 });
        assert_eq!(third.index_total, 3);
    });
}

#[test]
fn a_permanent_redirect_updates_the_feed_url() {
    let tmp = tempfile::tempdir().unwrap();
    block_on(async {
        let server = Server::start(|req| match req.path.as_str() {
            "/old.xml" => status(301, &[("Location", "/new.xml")]),
            "/temp.xml" => status(302, &[("Location", "/new.xml")]),
            _ => ok(rss(&[("n1", "Moved", "https://m.example/1")]), &[]),
        })
        .await;
        let old = server.url("/old.xml");
        let p = pipeline(tmp.path(), &[(old.clone(), "Moved"), (server.url("/temp.xml"), "Temp")], "");
        let first = run_once(&p).await.unwrap();
        let moved = first.feeds.iter().find(|f| f.outlet == "Moved").unwrap();
        assert_eq!(moved.moved_to.as_deref(), Some(server.url("/new.xml").as_str()));
        assert_eq!(first.feeds.iter().find(|f| f.outlet == "Temp").unwrap().moved_to, None, "302 is not a move");
        run_once(&p).await.unwrap();
        assert_eq!(server.hits("/old.xml"), 1, "the second run goes straight to the new URL");
        let health = tocsin::run::feed_status(&p.config, chrono::Utc::now()).unwrap();
        assert_eq!(health[0].current_url, server.url("/new.xml"));
        // Too many redirects are a named failure.
        drop(server);
        let looping = Server::start(|req| {
            let n: u32 = req.path.trim_start_matches("/r").parse().unwrap_or(0);
            status(301, &[("Location", &format!("/r{}", n + 1))])
        })
        .await;
        let tmp2 = tempfile::tempdir().unwrap();
        let p = pipeline(tmp2.path(), &[(looping.url("/r0"), "Loop")], "");
        let r = run_once(&p).await.unwrap();
        assert!(reason(&r, "Loop").contains("more than 5 redirects"), "{}", reason(&r, "Loop"));
    });
}

#[test]
fn retry_after_is_honoured() {
    let tmp = tempfile::tempdir().unwrap();
    block_on(async {
        let server = Server::start(|_| status(429, &[("Retry-After", "120")])).await;
        let p = pipeline(tmp.path(), &[(server.url("/busy.xml"), "Busy")], "");
        let before = chrono::Utc::now();
        let first = run_once(&p).await.unwrap();
        assert!(reason(&first, "Busy").contains("retry later (HTTP 429), after 120 s"), "{}", reason(&first, "Busy"));
        let store = Store::open(&p.state_path()).unwrap();
        let state = store.feed_state(&server.url("/busy.xml")).unwrap();
        let until = state.retry_until.unwrap();
        assert!(until >= before + chrono::Duration::seconds(119), "{until}");
        assert_eq!(state.failure_class, Some(tocsin::fetch::FailureClass::Temporary));
        drop(store);
        let second = run_once(&p).await.unwrap();
        assert!(matches!(outcome(&second, "Busy"), FeedOutcome::Deferred { .. }), "{:?}", outcome(&second, "Busy"));
        assert_eq!(server.hits("/busy.xml"), 1, "not asked again before Retry-After");
    });
}

#[test]
fn slow_endless_and_bomb_bodies_stay_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let bomb = {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&vec![b' '; 64 * 1024 * 1024]).unwrap();
        gz.finish().unwrap()
    };
    assert!(bomb.len() < 200 * 1024, "64 MB compress to {} bytes", bomb.len());
    block_on(async {
        let server = Server::start(move |req| match req.path.as_str() {
            "/drip.xml" => Reply::Drip { every: Duration::from_millis(200) },
            "/endless.xml" => Reply::Endless,
            _ => ok(bomb.clone(), &[("Content-Encoding", "gzip"), ("Content-Type", "application/rss+xml")]),
        })
        .await;
        let feeds = [
            (server.url("/drip.xml"), "Drip"),
            (server.url("/endless.xml"), "Endless"),
            (server.url("/bomb.xml"), "Bomb"),
        ];
        let p = pipeline(tmp.path(), &feeds, "max_body_bytes = 1000000\n");
        let r = run_once(&p).await.unwrap();
        assert!(reason(&r, "Drip").contains("timed out"), "{}", reason(&r, "Drip"));
        assert!(reason(&r, "Endless").contains("larger than the 1000000-byte cap"), "{}", reason(&r, "Endless"));
        assert!(reason(&r, "Bomb").contains("larger than the 1000000-byte cap"), "{}", reason(&r, "Bomb"));
    });
}

#[test]
fn html_empty_wrong_charset_and_duplicates() {
    let tmp = tempfile::tempdir().unwrap();
    block_on(async {
        let server = Server::start(|req| match req.path.as_str() {
            "/page.xml" => ok(
                "<!DOCTYPE html><html><head><link rel=alternate type=application/rss+xml href=/real.xml></head></html>",
                &[("Content-Type", "text/html")],
            ),
            "/empty.xml" => ok("", &[]),
            "/latin1.xml" => {
                // Latin-1 bytes, labelled UTF-8 by the server and not declared in the document.
                let mut body =
                    b"<rss version=\"2.0\"><channel><title>T</title><item><title>Caf\xe9 cr\xe8me</title>".to_vec();
                body.extend_from_slice(b"<link>https://c.example/1</link></item></channel></rss>");
                ok(body, &[("Content-Type", "application/rss+xml; charset=utf-8")])
            }
            _ => ok(
                rss(&[
                    ("same-guid", "First", ""),
                    ("same-guid", "First again", ""),
                    ("g2", "Market reopens", "https://d.example/a"),
                    ("g3", "Market reopens", "https://d.example/a-copy"),
                ]),
                &[],
            ),
        })
        .await;
        let feeds = [
            (server.url("/page.xml"), "Page"),
            (server.url("/empty.xml"), "Empty"),
            (server.url("/latin1.xml"), "Latin"),
            (server.url("/dups.xml"), "Dups"),
        ];
        let p = pipeline(tmp.path(), &feeds, "");
        let r = run_once(&p).await.unwrap();
        let page = reason(&r, "Page");
        assert!(page.contains("HTML page") && page.ends_with("/real.xml"), "{page}");
        assert_eq!(reason(&r, "Empty"), "empty document");
        let latin = r.indexed.iter().find(|a| a.article.outlet == "Latin").unwrap();
        assert_eq!(latin.article.title, "Café crème");
        assert_eq!(outcome(&r, "Dups"), FeedOutcome::Fetched { items: 2, new: 2, updated: 0, unchanged: 0 });
        let dups = r.feeds.iter().find(|f| f.outlet == "Dups").unwrap();
        assert_eq!(dups.duplicates, 1, "same title from the same outlet within 7 days");
        let health = tocsin::run::feed_status(&p.config, chrono::Utc::now()).unwrap();
        let empty = health.iter().find(|s| s.outlet == "Empty").unwrap();
        assert_eq!(empty.health, tocsin::run::FeedHealth::Failing);
        assert_eq!(empty.failure_class, Some(tocsin::fetch::FailureClass::Soft));
        assert!(empty.next_poll.unwrap() > chrono::Utc::now(), "backoff set");
    });
}

#[test]
fn a_thousand_feeds_and_one_is_broken() {
    let tmp = tempfile::tempdir().unwrap();
    block_on(async {
        let server = Server::start(|req| {
            if req.path == "/feed/500.xml" {
                return status(500, &[]);
            }
            let n = req.path.trim_start_matches("/feed/").trim_end_matches(".xml").to_string();
            ok(rss(&[(&n, &format!("Item {n}"), &format!("https://f{n}.example/1"))]), &[])
        })
        .await;
        let feeds: Vec<(String, String)> =
            (0..1000).map(|i| (server.url(&format!("/feed/{i}.xml")), format!("Outlet {i}"))).collect();
        let feeds: Vec<(String, &str)> = feeds.iter().map(|(u, o)| (u.clone(), o.as_str())).collect();
        let p = pipeline(tmp.path(), &feeds, "concurrency = 64\nper_host = 32\n");
        let r = run_once(&p).await.unwrap();
        let failed: Vec<_> = r.failed().collect();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].outlet, "Outlet 500");
        assert!(reason(&r, "Outlet 500").contains("HTTP 500"));
        assert_eq!(failed[0].failure_class, Some(tocsin::fetch::FailureClass::Temporary));
        assert_eq!(r.index_total, 999);
    });
}
