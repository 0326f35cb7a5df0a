//! One polling cycle of 10,000 feeds, end to end, on loopback.
//!
//! An axum server serves `TOCSIN_FEEDS` feeds (default 10,000), each answer delayed by
//! 20–200 ms (uniform, seeded), spread over `TOCSIN_HOSTS` host names (default 500, 20 feeds
//! each) that the pipeline's `[fetch] resolve` maps to 127.0.0.1 — so the per-host limits
//! (2 at once, 250 ms gap) apply as they would to real outlets. Each feed has `TOCSIN_ITEMS`
//! items (default 3). The real pipeline run (fetch → parse → language → classify with the
//! shipped lexicons → index → SQLite state), with `concurrency = 200`
//! (`TOCSIN_CONCURRENCY`), polls them all twice:
//!
//! 1. cold: every document is new (30,000 articles to classify and index);
//! 2. warm: the steady state — the server answers 304 to the ETag it gave, except for one
//!    feed in ten, which has published one new item.
//!
//! The server runs in a child process (this example re-executed with the argument `serve`),
//! because in production the feeds are elsewhere: the peak resident memory printed (VmHWM)
//! is tocsin's alone, and the server's is printed beside it. Targets: a cycle under 30 s on
//! 2 cores, tocsin under 300 MB.
//!
//! ```sh
//! cargo run --release --example poll_10k          # from the repository root
//! TOCSIN_FEEDS=2000 TOCSIN_ITEMS=1 cargo run --release --example poll_10k
//! ```

use std::io::{BufRead, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tocsin::run::{FeedOutcome, RunOptions};

const TEXT: &str = "The regional council met on Tuesday to discuss the repair of the northern road, which was \
                    damaged by floods last month. Traders say deliveries now take twice as long, and the \
                    council promised a timetable for the works before the end of the season.";

struct Site {
    items: usize,
    /// The document version: bumped for one feed in ten before the warm cycle.
    version: Vec<AtomicU32>,
    requests: AtomicU32,
    not_modified: AtomicU32,
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A fixed 20–200 ms per feed and version (seeded, so runs compare).
fn latency(feed: usize, version: u32) -> Duration {
    let mut rng = fastrand::Rng::with_seed((feed as u64) << 8 | version as u64);
    Duration::from_millis(rng.u64(20..=200))
}

async fn feed(
    State(site): State<Arc<Site>>,
    Path((host, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    site.requests.fetch_add(1, Ordering::Relaxed);
    let Some(i) = file.strip_suffix(".xml").and_then(|n| n.parse::<usize>().ok()).filter(|i| *i < site.version.len())
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let version = site.version[i].load(Ordering::Relaxed);
    tokio::time::sleep(latency(i, version)).await;
    let etag = format!("\"{i}-{version}\"");
    if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == etag.as_bytes()) {
        site.not_modified.fetch_add(1, Ordering::Relaxed);
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let mut x = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Outlet {i}</title>\
         <link>http://{host}/</link><description>News</description><language>en</language>"
    );
    let newest = site.items + version as usize;
    for n in (0..newest).rev().take(site.items) {
        x.push_str(&format!(
            "<item><title>Council story {i}-{n}</title><link>http://{host}/story/{i}/{n}</link>\
             <guid>http://{host}/story/{i}/{n}</guid><pubDate>{}</pubDate><description>{TEXT} ({i}/{n})</description></item>",
            (chrono::Utc::now() - chrono::Duration::hours(n as i64)).to_rfc2822()
        ));
    }
    x.push_str("</channel></rss>");
    ([(header::CONTENT_TYPE, "application/rss+xml".to_string()), (header::ETAG, etag)], x).into_response()
}

/// The bumped document versions and the request counts since the last call, as
/// "REQUESTS NOT_MODIFIED" (the parent process reads them between cycles).
async fn counts(State(site): State<Arc<Site>>) -> String {
    format!("{} {}", site.requests.swap(0, Ordering::Relaxed), site.not_modified.swap(0, Ordering::Relaxed))
}

/// One feed in ten publishes a new item (before the warm cycle).
async fn bump(State(site): State<Arc<Site>>) -> StatusCode {
    for v in site.version.iter().step_by(10) {
        v.fetch_add(1, Ordering::Relaxed);
    }
    StatusCode::NO_CONTENT
}

/// The child process: serve the feeds, print the address, and exit when the parent closes
/// our standard input (or dies).
fn serve() {
    let site = Arc::new(Site {
        items: env("TOCSIN_ITEMS", 3),
        version: (0..env("TOCSIN_FEEDS", 10_000)).map(|_| AtomicU32::new(0)).collect(),
        requests: AtomicU32::new(0),
        not_modified: AtomicU32::new(0),
    });
    std::thread::spawn(|| {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        std::process::exit(0);
    });
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async move {
        let app = axum::Router::new()
            .route("/control/counts", axum::routing::get(counts))
            .route("/control/bump", axum::routing::post(bump))
            .route("/{host}/{file}", axum::routing::get(feed))
            .with_state(site);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("{}", listener.local_addr().unwrap());
        axum::serve(listener, app).await.unwrap()
    })
}

/// A call to the server's control routes (a plain HTTP/1.0 exchange on loopback).
fn control(addr: std::net::SocketAddr, method: &str, path: &str) -> String {
    use std::io::Write;
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "{method} {path} HTTP/1.0\r\nHost: control\r\nContent-Length: 0\r\n\r\n").unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer.split("\r\n\r\n").nth(1).unwrap_or_default().to_string()
}

fn peak_rss_mb(pid: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn summary(report: &tocsin::run::RunReport) -> String {
    let (mut fetched, mut not_modified, mut failed) = (0, 0, 0);
    for f in &report.feeds {
        match f.outcome {
            FeedOutcome::Fetched { .. } | FeedOutcome::Unchanged => fetched += 1,
            FeedOutcome::NotModified => not_modified += 1,
            FeedOutcome::Failed { .. } => failed += 1,
            _ => {}
        }
    }
    let first_failure = report.failed().next().map(|f| format!("; first failure: {:?}", f.outcome)).unwrap_or_default();
    format!(
        "{fetched} fetched, {not_modified} not modified, {failed} failed; {} articles indexed{first_failure}",
        report.indexed.len()
    )
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("serve") {
        return serve();
    }
    // As the tocsin binary does first thing (see its doc for what it saves).
    tocsin::run::limit_malloc_arenas();
    let mut server = std::process::Command::new(std::env::current_exe().unwrap())
        .arg("serve")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start the feed server");
    let mut line = String::new();
    std::io::BufReader::new(server.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr: std::net::SocketAddr = line.trim().parse().expect("the server's address");
    tokio::runtime::Runtime::new().unwrap().block_on(poll(addr, &server.id().to_string()));
    drop(server.stdin.take());
    let _ = server.wait();
}

async fn poll(addr: std::net::SocketAddr, server_pid: &str) {
    let feeds = env("TOCSIN_FEEDS", 10_000);
    let hosts = env("TOCSIN_HOSTS", 500).max(1);
    let items = env("TOCSIN_ITEMS", 3);
    let dir = tempfile::tempdir().unwrap();
    let repo = env!("CARGO_MANIFEST_DIR");
    let mut toml = format!(
        "[pipeline]\nname = \"poll-10k\"\ndata_dir = {:?}\nlexicons = [\"{repo}/lexicons\"]\n\n[fetch]\n",
        dir.path().join("data").display().to_string()
    );
    // 10,000 feeds at 20–200 ms each need more than the default 32 requests in flight to fit
    // in 30 s (32 / 110 ms ≈ 290 feeds/s); a desk this size raises it in its pipeline file.
    toml.push_str(&format!("concurrency = {}\n", env("TOCSIN_CONCURRENCY", 200)));
    toml.push_str("resolve = { ");
    let names: Vec<String> = (0..hosts).map(|h| format!("h{h}.feeds.test")).collect();
    toml.push_str(&names.iter().map(|n| format!("{n:?} = \"{addr}\"")).collect::<Vec<_>>().join(", "));
    toml.push_str(" }\n");
    // Feeds of one host are listed together, as an OPML of outlets usually is.
    for i in 0..feeds {
        let host = &names[i * hosts / feeds];
        toml.push_str(&format!("\n[[feed]]\nurl = \"http://{host}/{host}/{i}.xml\"\noutlet = \"Outlet {i}\"\n"));
    }
    let path = dir.path().join("pipeline.toml");
    std::fs::write(&path, toml).unwrap();
    let config = tocsin::config::PipelineConfig::load(&path).unwrap();
    eprintln!(
        "{feeds} feeds on {hosts} hosts, {items} items each, concurrency {}, per host {}, host gap {:?}",
        config.fetch.concurrency, config.fetch.per_host, config.fetch.host_gap
    );
    let pipeline = config.build().unwrap_or_else(|e| panic!("{e}"));
    println!("after loading lexicons and models: peak RSS {:.0} MB", peak_rss_mb("self"));

    for cycle in ["cold", "warm"] {
        if cycle == "warm" {
            control(addr, "POST", "/control/bump");
        }
        let started = Instant::now();
        let report = tocsin::run::run(&pipeline, RunOptions::default()).await.unwrap();
        let took = started.elapsed();
        let counts = control(addr, "GET", "/control/counts");
        let (requests, not_modified) = counts.split_once(' ').unwrap_or_default();
        println!(
            "{cycle} cycle: {:.1} s, {requests} requests ({not_modified} answered 304); {}; peak RSS {:.0} MB \
             (the server process: {:.0} MB)",
            took.as_secs_f64(),
            summary(&report),
            peak_rss_mb("self"),
            peak_rss_mb(server_pid)
        );
    }
}
