//! The HTTP API of a daemon running in this process against a loopback feed server: search,
//! trends, articles with evidence and alerts, feed health, the alert log, the three feeds read
//! back with feed-rs, CAP, metrics, webhooks with signatures, escalation, hot reload of a
//! broken lexicon, and the bearer token.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use tocsin::alert::webhook::verify;
use tocsin::daemon::{Daemon, DaemonOptions};
use tocsin::demo::FeedServer;

use crate::alerts::receiver;
use crate::daemon::{ALERT_TEXT, CALM_TEXT, Item, WARNING_TEXT, daemon_pipeline, http, rss, wait_for};
use crate::util::block_on;

/// A daemon in this process, stopped when `stop` is sent.
pub struct Running {
    pub base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), tocsin::daemon::DaemonError>>,
}

pub async fn start(pipeline: &Path, token: Option<&str>) -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let options = DaemonOptions {
        pipelines: vec![pipeline.to_path_buf()],
        token: token.map(str::to_string),
        public_url: None,
        reload_every: Duration::from_millis(200),
    };
    let public = base.clone();
    let daemon = tokio::task::spawn_blocking(move || Daemon::load(options, &public)).await.unwrap().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(daemon.run(listener, async move {
        let _ = rx.await;
    }));
    Running { base, stop: Some(tx), task }
}

impl Running {
    pub async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        tokio::time::timeout(Duration::from_secs(60), self.task).await.expect("graceful stop").unwrap().unwrap();
    }
}

async fn get(url: &str) -> (u16, String) {
    let resp = http().get(url).send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

async fn json(url: &str) -> Value {
    let (status, body) = get(url).await;
    assert_eq!(status, 200, "{url}: {body}");
    serde_json::from_str(&body).unwrap()
}

async fn alert_count(base: &str) -> usize {
    json(&format!("{base}/api/alerts?since=0")).await["alerts"].as_array().unwrap().len()
}

#[test]
fn the_api_answers_every_route_and_the_feeds_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let feeds = tmp.path().join("feeds");
    std::fs::create_dir_all(&feeds).unwrap();
    let items = |warning: &str| {
        vec![
            Item { slug: "leaflet".into(), title: "Leaflet found in the market".into(), text: ALERT_TEXT.into() },
            Item { slug: "radio".into(), title: "Radio host speaks".into(), text: warning.into() },
            Item { slug: "market".into(), title: "Market reopens".into(), text: CALM_TEXT.into() },
        ]
    };
    std::fs::write(feeds.join("a.xml"), rss("Lakeside Herald", &items(WARNING_TEXT))).unwrap();
    block_on(async {
        let server = FeedServer::start(&feeds).await.unwrap();
        let hook = receiver(vec![503]).await;
        let extra = format!(
            "[[output]]\nkind = \"webhook\"\ntarget = \"http://{}/hook\"\nsecret_env = \"TOCSIN_TEST_SECRET\"\n\n\
             [[output]]\nkind = \"atom\"\nmin_level = \"warning\"\n\n[[output]]\nkind = \"cap\"\ntarget = {:?}\n\n\
             [[watch]]\nname = \"machetes\"\nquery = \"machetes\"\ninterval = \"1h\"\nbaseline = \"1d\"\n",
            hook.addr,
            tmp.path().join("cap.xml").display().to_string()
        );
        // SAFETY: set before any thread of this test reads the environment for it.
        unsafe { std::env::set_var("TOCSIN_TEST_SECRET", "hush") };
        let pipeline = daemon_pipeline(tmp.path(), &server.base_url(), &["a.xml"], &extra);
        let d = start(&pipeline, None).await;
        let base = d.base.clone();
        wait_for("two alerts", Duration::from_secs(90), || async { alert_count(&base).await >= 2 }).await;

        // Search, with filters; a bad query is a 400 that says why.
        let hits = json(&format!("{base}/api/search?q=machetes&level=warning")).await;
        assert_eq!(hits["total"], 1, "{hits}");
        let id = hits["hits"][0]["id"].as_str().unwrap().to_string();
        assert!(!hits["hits"][0]["evidence"].as_array().unwrap().is_empty());
        assert_eq!(json(&format!("{base}/api/search?flagged=true&limit=1")).await["hits"].as_array().unwrap().len(), 1);
        let (status, body) = get(&format!("{base}/api/search?q=%22unclosed")).await;
        assert_eq!(status, 400, "{body}");
        assert!(serde_json::from_str::<Value>(&body).unwrap()["error"].as_str().unwrap().contains("query"));
        let (status, _) = get(&format!("{base}/api/search?sort=sideways")).await;
        assert_eq!(status, 400);
        let (status, _) = get(&format!("{base}/api/search?pipeline=nope")).await;
        assert_eq!(status, 404);

        // Trends, the article with evidence and alerts, feed health.
        let trend = json(&format!("{base}/api/trends?q=machetes&interval=hour&since=2h")).await;
        assert_eq!(trend["all"]["total"], 1, "{trend}");
        let article = json(&format!("{base}/api/articles/{id}")).await;
        assert_eq!(article["article"]["outlet"], "Outlet a.xml");
        assert!(!article["assessment"]["evidence"].as_array().unwrap().is_empty());
        assert_eq!(article["alerts"][0]["article_id"], id.as_str());
        assert_eq!(get(&format!("{base}/api/articles/nope")).await.0, 404);
        let health = json(&format!("{base}/api/feeds")).await;
        assert_eq!(health[0]["health"], "ok", "{health}");
        assert_eq!(health[0]["items_total"], 3);

        // The alert log.
        let log = json(&format!("{base}/api/alerts?since=0")).await;
        let alerts = log["alerts"].as_array().unwrap().clone();
        assert_eq!(alerts.len(), 2, "{log}");
        assert_eq!(log["last_seq"], 2);
        assert_eq!(json(&format!("{base}/api/alerts?since=1")).await["alerts"].as_array().unwrap().len(), 1);
        assert_eq!(json(&format!("{base}/api/alerts/1")).await["seq"], 1);

        // The feeds, read back with feed-rs.
        let (status, atom) = get(&format!("{base}/feeds/test.atom")).await;
        assert_eq!(status, 200);
        let feed = feed_rs::parser::parse(atom.as_bytes()).unwrap();
        assert_eq!(feed.entries.len(), 2);
        let links: Vec<String> = feed.entries.iter().flat_map(|e| e.links.iter().map(|l| l.href.clone())).collect();
        assert!(links.iter().any(|l| l == "https://lakeside.example/leaflet"), "{links:?}");
        assert!(links.iter().any(|l| l.starts_with(&format!("{base}/api/articles/"))), "{links:?}");
        let (_, jf) = get(&format!("{base}/feeds/test.json")).await;
        let feed = feed_rs::parser::parse(jf.as_bytes()).unwrap();
        assert_eq!(feed.entries.len(), 2);
        let (_, cap) = get(&format!("{base}/feeds/test.cap.xml")).await;
        assert_eq!(cap.matches("<msgType>Alert</msgType>").count(), 2, "{cap}");
        assert_eq!(get(&format!("{base}/feeds/other.atom")).await.0, 404);

        // Escalation: the radio piece is edited into a call to kill.
        std::fs::write(feeds.join("a.xml"), rss("Lakeside Herald", &items(ALERT_TEXT))).unwrap();
        wait_for("the escalation", Duration::from_secs(60), || async { alert_count(&base).await >= 3 }).await;
        let third = json(&format!("{base}/api/alerts/3")).await;
        assert_eq!(third["level"], "alert");
        let first_radio =
            alerts.iter().find(|a| a["article_id"] == third["article_id"]).expect("the radio piece's first alert");
        assert_eq!(third["updates"], first_radio["seq"]);
        assert_eq!(third["previous_level"], "warning");
        let (_, update) = get(&format!("{base}/api/alerts/3.cap.xml")).await;
        assert!(update.contains("<msgType>Update</msgType>") && update.contains("<references>"), "{update}");
        assert_eq!(alert_count(&base).await, 3, "no duplicate after the edit");

        // Webhooks: every alert, in order, signed, the first after one 503.
        wait_for("three webhook deliveries", Duration::from_secs(60), || async {
            hook.seen.lock().unwrap().iter().filter(|(h, _)| h["idempotency-key"] == "3").count() == 1
        })
        .await;
        let seen = hook.seen.lock().unwrap().clone();
        let keys: Vec<String> = seen.iter().map(|(h, _)| h["idempotency-key"].to_str().unwrap().to_string()).collect();
        assert_eq!(keys, ["1", "1", "2", "3"]);
        for (h, body) in &seen {
            assert!(verify("hush", body, h["x-tocsin-signature"].to_str().unwrap()));
        }

        // Static CAP file, JSONL, health and metrics.
        wait_for("the CAP file", Duration::from_secs(30), || async {
            std::fs::read_to_string(tmp.path().join("cap.xml")).is_ok_and(|s| s.contains("tocsin-test-3"))
        })
        .await;
        let lines = std::fs::read_to_string(tmp.path().join("alerts.jsonl")).unwrap();
        assert_eq!(lines.lines().count(), 3);
        let health = json(&format!("{base}/healthz")).await;
        assert_eq!(health["status"], "ok", "{health}");
        let (_, metrics) = get(&format!("{base}/metrics")).await;
        for want in [
            "tocsin_fetches_total{pipeline=\"test\",status=\"fetched\"}",
            "tocsin_articles_indexed_total{pipeline=\"test\"} ",
            "tocsin_index_documents{pipeline=\"test\"} 3",
            "tocsin_flags_total{pipeline=\"test\",level=\"alert\"}",
            "tocsin_alerts_total{pipeline=\"test\",level=\"alert\",kind=\"article\"}",
            "tocsin_alert_deliveries_total{pipeline=\"test\",output=",
            "tocsin_classify_seconds_count{pipeline=\"test\"}",
            "tocsin_index_seconds_bucket{pipeline=\"test\",le=\"+Inf\"}",
        ] {
            assert!(metrics.contains(want), "missing {want} in\n{metrics}");
        }
        d.stop().await;
    });
}

#[test]
fn a_broken_lexicon_keeps_the_old_one_running_and_shows_on_healthz() {
    let tmp = tempfile::tempdir().unwrap();
    let feeds = tmp.path().join("feeds");
    std::fs::create_dir_all(&feeds).unwrap();
    let item = Item { slug: "leaflet".into(), title: "Leaflet".into(), text: ALERT_TEXT.into() };
    std::fs::write(feeds.join("a.xml"), rss("Lakeside Herald", &[item])).unwrap();
    let lexicons = tmp.path().join("lexicons");
    copy_dir(&crate::util::repo().join("lexicons"), &lexicons);
    block_on(async {
        let server = FeedServer::start(&feeds).await.unwrap();
        let pipeline = daemon_pipeline(tmp.path(), &server.base_url(), &["a.xml"], "");
        let text = std::fs::read_to_string(&pipeline).unwrap();
        let repo_lexicons = format!("{:?}", crate::util::repo().join("lexicons").display().to_string());
        std::fs::write(&pipeline, text.replace(&repo_lexicons, &format!("{:?}", lexicons.display().to_string())))
            .unwrap();
        let d = start(&pipeline, None).await;
        let base = d.base.clone();
        wait_for("the first alert", Duration::from_secs(90), || async { alert_count(&base).await >= 1 }).await;

        let broken = lexicons.join("en/broken.toml");
        std::fs::write(&broken, "[lexicon]\nid = \"broken\"\nlanguage = \"en\"\n\n[[term]]\nmatch = \"x\"\ncategory = \"no_such_category\"\n").unwrap();
        // Wait for the reload error itself: on a loaded machine a cycle can fail for a moment
        // too (also "degraded"), which is not what this test is about.
        wait_for("the reload error", Duration::from_secs(120), || async {
            json(&format!("{base}/healthz")).await["pipelines"][0]["reload_error"].is_string()
        })
        .await;
        let health = json(&format!("{base}/healthz")).await;
        assert_eq!(health["status"], "degraded", "{health}");
        let error = health["pipelines"][0]["reload_error"].as_str().unwrap();
        assert!(error.contains("broken.toml"), "{error}");
        assert_eq!(json(&format!("{base}/api/search?q=machetes")).await["total"], 1, "still serving");

        std::fs::remove_file(&broken).unwrap();
        wait_for("a good reload", Duration::from_secs(120), || async {
            json(&format!("{base}/healthz")).await["pipelines"][0]["reload_error"].is_null()
        })
        .await;
        assert!(json(&format!("{base}/healthz")).await["pipelines"][0]["last_reload"].is_string());
        d.stop().await;
    });
}

#[test]
fn a_token_guards_every_route_but_healthz() {
    let tmp = tempfile::tempdir().unwrap();
    let feeds = tmp.path().join("feeds");
    std::fs::create_dir_all(&feeds).unwrap();
    std::fs::write(feeds.join("a.xml"), rss("Lakeside Herald", &[])).unwrap();
    block_on(async {
        let server = FeedServer::start(&feeds).await.unwrap();
        let pipeline = daemon_pipeline(tmp.path(), &server.base_url(), &["a.xml"], "");
        let d = start(&pipeline, Some("s3cret")).await;
        let client = http();
        let status = |path: &str, token: Option<&str>| {
            let mut req = client.get(format!("{}{path}", d.base));
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            async move { req.send().await.unwrap().status().as_u16() }
        };
        assert_eq!(status("/api/search", None).await, 401);
        assert_eq!(status("/api/search", Some("wrong")).await, 401);
        assert_eq!(status("/metrics", None).await, 401);
        assert_eq!(status("/feeds/test.atom", None).await, 401);
        assert_eq!(status("/api/search", Some("s3cret")).await, 200);
        assert_eq!(status("/healthz", None).await, 200);
        d.stop().await;
    });
    // Off loopback without a token, the command refuses before listening.
    let out = crate::util::tocsin()
        .args(["daemon", "pipelines/demo.toml", "--bind", "0.0.0.0:0"])
        .env_remove("TOCSIN_API_TOKEN")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("bearer token"), "{}", String::from_utf8_lossy(&out.stderr));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn two_pipelines_run_side_by_side_and_names_must_differ() {
    let tmp = tempfile::tempdir().unwrap();
    let feeds = tmp.path().join("feeds");
    std::fs::create_dir_all(&feeds).unwrap();
    let item = |slug: &str| Item { slug: slug.into(), title: format!("Leaflet {slug}"), text: ALERT_TEXT.into() };
    std::fs::write(feeds.join("a.xml"), rss("A", &[item("one")])).unwrap();
    std::fs::write(feeds.join("b.xml"), rss("B", &[item("two"), item("three")])).unwrap();
    block_on(async {
        let server = FeedServer::start(&feeds).await.unwrap();
        let first = daemon_pipeline(&tmp.path().join("one"), &server.base_url(), &["a.xml"], "");
        let second_dir = tmp.path().join("two");
        let second = daemon_pipeline(&second_dir, &server.base_url(), &["b.xml"], "");
        let text = std::fs::read_to_string(&second).unwrap().replace("name = \"test\"", "name = \"second\"");
        std::fs::write(&second, text).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let options = |pipelines: Vec<std::path::PathBuf>| DaemonOptions {
            pipelines,
            token: None,
            public_url: None,
            reload_every: Duration::from_secs(60),
        };
        let same = options(vec![first.clone(), first.clone()]);
        let err = tokio::task::spawn_blocking(move || Daemon::load(same, "http://x")).await.unwrap().unwrap_err();
        assert!(err.to_string().contains("two pipelines are named \"test\""), "{err}");
        let both = options(vec![first, second]);
        let public = base.clone();
        let daemon = tokio::task::spawn_blocking(move || Daemon::load(both, &public)).await.unwrap().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(daemon.run(listener, async move {
            let _ = rx.await;
        }));
        wait_for("alerts in both pipelines", Duration::from_secs(90), || async {
            alert_count(&base).await == 1
                && json(&format!("{base}/api/alerts?pipeline=second")).await["alerts"].as_array().unwrap().len() == 2
        })
        .await;
        assert_eq!(json(&format!("{base}/api/search?pipeline=second&q=leaflet")).await["total"], 2);
        assert_eq!(
            json(&format!("{base}/api/search?q=leaflet")).await["total"],
            1,
            "the first pipeline is the default"
        );
        let (status, atom) = get(&format!("{base}/feeds/second.atom")).await;
        assert_eq!(status, 200);
        assert_eq!(feed_rs::parser::parse(atom.as_bytes()).unwrap().entries.len(), 2);
        assert_eq!(json(&format!("{base}/healthz")).await["pipelines"].as_array().unwrap().len(), 2);

        // The web page: a pipeline menu, each page showing the chosen pipeline's articles.
        let (status, page) = get(&format!("{base}/?pipeline=second&q=leaflet")).await;
        assert_eq!(status, 200);
        assert!(page.contains("<select id=\"pipeline-menu\" name=\"pipeline\" data-autosubmit>"), "{page}");
        assert!(page.contains("<option value=\"second\" selected>second</option>"), "{page}");
        assert!(page.contains("2 articles match.") && page.contains("href=\"/feeds/second.atom\""), "{page}");
        assert!(page.contains("href=\"/articles/") && page.contains("?pipeline=second\""), "links keep the pipeline");
        assert!(get(&format!("{base}/?q=leaflet")).await.1.contains("1 article matches."), "the first by default");
        let _ = tx.send(());
        task.await.unwrap().unwrap();
    });
}

#[test]
fn a_webhook_added_to_a_running_desk_starts_at_the_newest_alert_unless_replay_from_says() {
    let tmp = tempfile::tempdir().unwrap();
    let feeds = tmp.path().join("feeds");
    std::fs::create_dir_all(&feeds).unwrap();
    let item =
        |n: usize| Item { slug: format!("leaflet-{n}"), title: format!("Leaflet number {n}"), text: ALERT_TEXT.into() };
    std::fs::write(feeds.join("a.xml"), rss("Lakeside Herald", &[item(1)])).unwrap();
    block_on(async {
        let server = FeedServer::start(&feeds).await.unwrap();
        let pipeline = daemon_pipeline(tmp.path(), &server.base_url(), &["a.xml"], "");
        let d = start(&pipeline, None).await;
        let base = d.base.clone();
        wait_for("the first alert", Duration::from_secs(90), || async { alert_count(&base).await >= 1 }).await;

        // Two subscribers join: one for what happens from now on, one replaying the log.
        let (fresh, replay) = (receiver(vec![]).await, receiver(vec![]).await);
        let mut text = std::fs::read_to_string(&pipeline).unwrap();
        text.push_str(&format!(
            "[[output]]\nkind = \"webhook\"\ntarget = \"http://{}/hook\"\n\n\
             [[output]]\nkind = \"webhook\"\ntarget = \"http://{}/hook\"\nreplay_from = 1\n",
            fresh.addr, replay.addr
        ));
        std::fs::write(&pipeline, text).unwrap();
        wait_for("the reload", Duration::from_secs(120), || async {
            let health = json(&format!("{base}/healthz")).await;
            if let Some(e) = health["pipelines"][0]["reload_error"].as_str() {
                eprintln!("reload error (retried at the next check): {e}");
            }
            health["pipelines"][0]["last_reload"].is_string()
        })
        .await;
        std::fs::write(feeds.join("a.xml"), rss("Lakeside Herald", &[item(1), item(2)])).unwrap();
        let seqs = |r: &crate::alerts::Receiver| -> Vec<u64> {
            let seen = r.seen.lock().unwrap();
            seen.iter().map(|(h, _)| h["x-tocsin-seq"].to_str().unwrap().parse().unwrap()).collect()
        };
        wait_for("both webhooks to get the new alert", Duration::from_secs(120), || async {
            seqs(&fresh).contains(&2) && seqs(&replay).contains(&2)
        })
        .await;
        // Alerts go out in order, so what came before the new alert is all there will be.
        assert_eq!(seqs(&fresh), [2], "a new webhook does not receive the history");
        assert_eq!(seqs(&replay), [1, 2], "replay_from = 1 delivers the whole log");
        d.stop().await;
    });
}
