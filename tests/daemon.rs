//! The `tocsin daemon` binary: crash safety under repeated SIGKILL mid-cycle against a
//! loopback feed server, graceful shutdown on SIGTERM with JSON logs, reload on SIGHUP.
//! Also the helpers the API tests share: feeds, pipelines, waiting.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use tocsin::demo::FeedServer;
use tocsin::index::ArticleIndex;
use tocsin::model::Alert;
use tocsin::query::{SearchRequest, all_matches};

use crate::util::{repo, tocsin};

/// Classified at `alert` by the shipped lexicons.
pub const ALERT_TEXT: &str = "The newcomers are cockroaches who eat our land. Take up your machetes and kill them all \
                              before they kill us. Not one of them must escape.";
/// Classified at `warning`.
pub const WARNING_TEXT: &str = "They are cockroaches and vermin who must be driven out of our land.";
/// Classified at `none`.
pub const CALM_TEXT: &str = "The central market reopened on Thursday after three weeks of roof repairs, traders said.";

/// One item of a test feed.
pub struct Item {
    pub slug: String,
    pub title: String,
    pub text: String,
}

/// An RSS 2.0 document; links are `https://lakeside.example/{slug}`.
pub fn rss(outlet: &str, items: &[Item]) -> String {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;");
    let mut x = format!(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>{}</title><link>https://lakeside.example/</link><description>test</description><language>en</language>\n",
        esc(outlet)
    );
    for i in items {
        x.push_str(&format!(
            "<item><title>{}</title><link>https://lakeside.example/{}</link><description>{}</description><pubDate>{}</pubDate></item>\n",
            esc(&i.title),
            i.slug,
            esc(&i.text),
            chrono::Utc::now().to_rfc2822()
        ));
    }
    x.push_str("</channel></rss>\n");
    x
}

/// A pipeline `test` polling `feeds` of `base` every second, with a JSONL sink at
/// `dir/alerts.jsonl` and `extra` TOML appended.
pub fn daemon_pipeline(dir: &Path, base: &str, feeds: &[&str], extra: &str) -> PathBuf {
    let s = |p: PathBuf| format!("{:?}", p.display().to_string());
    let mut toml = format!(
        "[pipeline]\nname = \"test\"\ndata_dir = {}\npoll = \"1s\"\nlexicons = [{}]\n\n\
         [fetch]\nmin_poll = \"1s\"\nmax_poll = \"1s\"\nhost_gap = \"0\"\ntimeout = \"10s\"\n\n\
         [[output]]\nkind = \"jsonl\"\ntarget = {}\n\n",
        s(dir.join("data")),
        s(repo().join("lexicons")),
        s(dir.join("alerts.jsonl"))
    );
    for f in feeds {
        toml.push_str(&format!(
            "[[feed]]\nurl = \"{base}/{f}\"\noutlet = \"Outlet {f}\"\nlanguage = \"en\"\ncountry = \"CD\"\n\n"
        ));
    }
    toml.push_str(extra);
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("pipeline.toml");
    std::fs::write(&path, toml).unwrap();
    path
}

/// Wait until `check` holds, polling every 100 ms; panic after `limit`.
pub async fn wait_for<F, Fut>(what: &str, limit: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let start = Instant::now();
    while !check().await {
        assert!(start.elapsed() < limit, "timed out after {limit:?} waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// An HTTP client for the tests (the crate builds reqwest without a default TLS provider).
pub fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn spawn_daemon(pipeline: &Path, port: u16, extra: &[&str]) -> Child {
    tocsin()
        .args(["daemon", pipeline.to_str().unwrap(), "--bind", &format!("127.0.0.1:{port}"), "--log", "warn"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn signal(child: &Child, name: &str) {
    let ok = std::process::Command::new("kill").args([&format!("-{name}"), &child.id().to_string()]).status().unwrap();
    assert!(ok.success());
}

/// The feeds of round `r`: every round adds 12 items to each of 3 feeds (an alert, two
/// warnings, nine calm: a quarter flagged); in round 3 the first warning of round 0 of feed 0 becomes an alert.
fn write_round(dir: &Path, r: usize) {
    for f in 0..3 {
        let mut items = Vec::new();
        for round in 0..=r {
            for i in 0..12 {
                let text = match i {
                    0 => ALERT_TEXT,
                    1 if f == 0 && round == 0 && r >= 3 => ALERT_TEXT,
                    1 | 2 => WARNING_TEXT,
                    _ => CALM_TEXT,
                };
                let slug = format!("f{f}/r{round}/i{i}");
                items.push(Item { slug: slug.clone(), title: format!("Story {slug}"), text: text.into() });
            }
        }
        std::fs::write(dir.join(format!("f{f}.xml")), rss(&format!("Outlet {f}"), &items)).unwrap();
    }
}

/// What the data directory holds after a kill, checked for consistency.
#[derive(Debug, Default)]
struct Snapshot {
    seen: BTreeMap<String, String>,
    alerts: BTreeMap<u64, (String, i64)>,
    jsonl: Vec<u64>,
}

fn check_consistency(data: &Path, jsonl: &Path) -> Snapshot {
    // The index opens, and holds each article once.
    let index = ArticleIndex::open(&data.join("index")).expect("the index opens after a kill");
    let mut in_index: HashMap<String, usize> = HashMap::new();
    for record in all_matches(&index, &SearchRequest::default()).unwrap().records() {
        let v: serde_json::Value = serde_json::from_str(&record.unwrap()).unwrap();
        *in_index.entry(v["article"]["id"].as_str().unwrap().to_string()).or_default() += 1;
    }
    assert!(in_index.values().all(|&n| n == 1), "an article is in the index twice");
    let mut snap = Snapshot::default();
    // Never create the file: a daemon killed during start-up may not have made it yet.
    let Ok(db) = Connection::open_with_flags(data.join("state.sqlite"), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        assert!(in_index.is_empty());
        return snap;
    };
    let version: i64 = db.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    if version == 0 {
        return snap;
    }
    let mut stmt = db.prepare("SELECT id, level FROM article_seen").unwrap();
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).unwrap() {
        let (id, level) = row.unwrap();
        snap.seen.insert(id, level);
    }
    // Every acknowledged article is in the index.
    for id in snap.seen.keys() {
        assert!(in_index.contains_key(id), "article {id} is recorded as seen but not in the index");
    }
    let mut stmt = db.prepare("SELECT seq, subject, level FROM alert ORDER BY seq").unwrap();
    for row in stmt.query_map([], |r| Ok((r.get::<_, u64>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))).unwrap() {
        let (seq, subject, level) = row.unwrap();
        snap.alerts.insert(seq, (subject, level));
    }
    // Every acknowledged article at warning or above has its alert, once.
    let mut per_subject: HashSet<(String, i64)> = HashSet::new();
    for (subject, level) in snap.alerts.values() {
        assert!(per_subject.insert((subject.clone(), *level)), "alert for {subject} at {level} raised twice");
    }
    for (id, level) in &snap.seen {
        let rank = match level.as_str() {
            "warning" => 2,
            "alert" => 3,
            _ => continue,
        };
        assert!(per_subject.contains(&(id.clone(), rank)), "article {id} at {level} has no alert");
    }
    // The JSONL sink holds each alert once, in order, and only alerts of the log.
    if let Ok(text) = std::fs::read_to_string(jsonl) {
        for line in text.lines() {
            let a: Alert = serde_json::from_str(line).expect("complete JSON lines");
            let (subject, level) = snap.alerts.get(&a.seq).expect("a JSONL alert is in the log");
            assert_eq!((a.article_id.as_deref(), a.level.rank() as i64), (Some(subject.as_str()), *level));
            snap.jsonl.push(a.seq);
        }
    }
    assert!(snap.jsonl.windows(2).all(|w| w[0] < w[1]), "JSONL sequences repeat or go back: {:?}", snap.jsonl);
    snap
}

#[test]
fn sigkill_mid_cycle_loses_and_repeats_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let feeds = tmp.path().join("feeds");
    std::fs::create_dir_all(&feeds).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(FeedServer::start(&feeds)).unwrap();
    let pipeline = daemon_pipeline(tmp.path(), &server.base_url(), &["f0.xml", "f1.xml", "f2.xml"], "");
    let (data, jsonl) = (tmp.path().join("data"), tmp.path().join("alerts.jsonl"));
    let port = free_port();
    let up = |port: u16| {
        rt.block_on(async move { http().get(format!("http://127.0.0.1:{port}/healthz")).send().await.is_ok() })
    };
    // Each round adds articles, starts the daemon, waits for its API (the first cycle starts
    // then), and SIGKILLs it at an offset into that cycle: fetch, classify, commit, alerts,
    // state, delivery, or the sleep after.
    let offsets = [0u64, 150, 450, 50, 900, 300, 1300, 600, 100, 250, 750, 30];
    let mut before = Snapshot::default();
    let mut interrupted = 0;
    for (r, offset) in offsets.iter().enumerate() {
        write_round(&feeds, r);
        let mut child = spawn_daemon(&pipeline, port, &[]);
        let started = Instant::now();
        while !up(port) {
            assert!(started.elapsed() < Duration::from_secs(120), "the daemon did not start");
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(*offset));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let now = check_consistency(&data, &jsonl);
        // Nothing acknowledged before is lost; no sequence is reused for something else.
        for id in before.seen.keys() {
            assert!(now.seen.contains_key(id), "round {r}: article {id} was lost");
        }
        for (seq, alert) in &before.alerts {
            assert_eq!(now.alerts.get(seq), Some(alert), "round {r}: alert {seq} was lost or changed");
        }
        assert!(now.jsonl.starts_with(&before.jsonl), "round {r}: JSONL lines were lost");
        let mid_cycle = now.seen.len() < 36 * (r + 1) || now.jsonl.len() < now.alerts.len();
        interrupted += usize::from(mid_cycle);
        eprintln!(
            "round {r}: killed {offset} ms after the API came up{}; {} articles seen, {} alerts, {} JSONL lines",
            if mid_cycle { " (mid-cycle)" } else { "" },
            now.seen.len(),
            now.alerts.len(),
            now.jsonl.len()
        );
        before = now;
    }
    assert!(interrupted > 0, "no kill landed mid-cycle: the test proved nothing");
    // Finally a clean run to the end, and a graceful stop.
    let mut child = spawn_daemon(&pipeline, port, &[]);
    while !up(port) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let total_articles = 3 * 12 * offsets.len();
    let escalated = tocsin::parse::canonical::stable_id("https://lakeside.example/f0/r0/i1");
    let start = Instant::now();
    loop {
        let snap = check_consistency(&data, &jsonl);
        let done = snap.seen.len() == total_articles
            && snap.seen.get(&escalated).is_some_and(|l| l == "alert")
            && snap.jsonl.len() == snap.alerts.len();
        if done {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(120), "the daemon did not catch up: {snap:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
    eprintln!("caught up {:?} after the last start", start.elapsed());
    signal(&child, "TERM");
    let status = child.wait().unwrap();
    assert!(status.success(), "graceful stop exits 0, got {status}");
    let last = check_consistency(&data, &jsonl);
    // 3 flagged items per feed and round, and the escalation when the first version of the
    // escalated story was indexed before its edit.
    let warned_first = last.alerts.values().any(|(s, level)| *s == escalated && *level == 2);
    let total_alerts = total_articles / 4 + usize::from(warned_first);
    assert_eq!(last.jsonl, (1..=total_alerts as u64).collect::<Vec<_>>());
    drop(server);
}

#[test]
fn sigterm_stops_gracefully_with_json_logs_and_sighup_reloads() {
    let tmp = tempfile::tempdir().unwrap();
    let feeds = tmp.path().join("feeds");
    std::fs::create_dir_all(&feeds).unwrap();
    let item = Item { slug: "x".into(), title: "Leaflet".into(), text: ALERT_TEXT.into() };
    std::fs::write(feeds.join("a.xml"), rss("Lakeside Herald", &[item])).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(FeedServer::start(&feeds)).unwrap();
    let pipeline = daemon_pipeline(tmp.path(), &server.base_url(), &["a.xml"], "");
    let port = free_port();
    let mut child = tocsin()
        .args(["daemon", pipeline.to_str().unwrap(), "--bind", &format!("127.0.0.1:{port}"), "--log-format", "json"])
        .args(["--reload-every", "1h"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let health = format!("http://127.0.0.1:{port}/healthz");
    let get = |url: &str| {
        rt.block_on(async {
            serde_json::from_str::<serde_json::Value>(&http().get(url).send().await.ok()?.text().await.ok()?).ok()
        })
    };
    let start = Instant::now();
    while get(&health).is_none_or(|h| h["pipelines"][0]["cycles"].as_u64().unwrap_or(0) < 1) {
        assert!(start.elapsed() < Duration::from_secs(90), "the daemon did not start");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(get(&health).unwrap()["pipelines"][0]["last_reload"].is_null());
    signal(&child, "HUP");
    let start = Instant::now();
    while get(&health).unwrap()["pipelines"][0]["last_reload"].is_null() {
        assert!(start.elapsed() < Duration::from_secs(60), "SIGHUP did not reload");
        std::thread::sleep(Duration::from_millis(200));
    }
    // A reload cannot rename the pipeline or move its data: it fails, says so on /healthz
    // and in the log, and the pipeline keeps running under its name.
    let text = std::fs::read_to_string(&pipeline).unwrap();
    std::fs::write(&pipeline, text.replacen("name = \"test\"", "name = \"renamed\"", 1)).unwrap();
    let cycles = get(&health).unwrap()["pipelines"][0]["cycles"].as_u64().unwrap();
    signal(&child, "HUP");
    let start = Instant::now();
    while get(&health).unwrap()["pipelines"][0]["reload_error"].is_null() {
        assert!(start.elapsed() < Duration::from_secs(60), "the rename was not refused");
        std::thread::sleep(Duration::from_millis(200));
    }
    let h = get(&health).unwrap();
    assert_eq!(h["status"], "degraded", "{h}");
    assert_eq!(h["pipelines"][0]["name"], "test");
    let error = h["pipelines"][0]["reload_error"].as_str().unwrap().to_string();
    assert!(error.contains("name from \"test\" to \"renamed\"") && error.contains("pipeline.toml"), "{error}");
    let start = Instant::now();
    while get(&health).unwrap()["pipelines"][0]["cycles"].as_u64().unwrap() < cycles + 2 {
        assert!(start.elapsed() < Duration::from_secs(60), "the pipeline stopped cycling after the refused reload");
        std::thread::sleep(Duration::from_millis(200));
    }
    let atom = rt.block_on(async {
        http().get(format!("http://127.0.0.1:{port}/feeds/test.atom")).send().await.unwrap().status().as_u16()
    });
    assert_eq!(atom, 200, "still served under its name");
    signal(&child, "TERM");
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    let lines: Vec<serde_json::Value> =
        stderr.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}"))).collect();
    let messages: Vec<&str> = lines.iter().filter_map(|l| l["fields"]["message"].as_str()).collect();
    assert!(messages.iter().any(|m| m.starts_with("Alert raised")), "{messages:?}");
    assert!(messages.iter().any(|m| m.starts_with("SIGHUP")), "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("Reload failed; the previous pipeline keeps running") && m.contains(&error)),
        "{messages:?}"
    );
    assert_eq!(messages.last(), Some(&"Shut down cleanly: index committed, state saved."), "{messages:?}");
    assert!(lines.iter().any(|l| l["span"]["pipeline"] == "test"), "cycle spans carry the pipeline");
    drop(server);
}
