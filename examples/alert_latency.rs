//! Feed-to-alert latency of the daemon, measured end to end on loopback.
//!
//! Serves a feed from a loopback server, runs a daemon in this process polling it every
//! `TOCSIN_POLL` (default 10s, with `min_poll = max_poll` so the schedule is that interval),
//! then `TOCSIN_SAMPLES` times (default 6) adds an article that the shipped lexicons rate
//! `alert` at a different point of the poll cycle, and times how long until it appears in
//! `/feeds/latency.atom`. The bound to meet is one poll interval + 5 s.
//!
//! ```sh
//! cargo run --release --example alert_latency          # from the repository root
//! TOCSIN_POLL=30s TOCSIN_SAMPLES=4 cargo run --release --example alert_latency
//! ```

use std::time::{Duration, Instant};

use tocsin::daemon::{Daemon, DaemonOptions};
use tocsin::demo::FeedServer;

const ALERT: &str = "The newcomers are cockroaches who eat our land. Take up your machetes and kill them all \
                     before they kill us. Not one of them must escape.";

fn feed(slugs: &[String]) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Latency</title><link>https://latency.example/</link>\
         <description>t</description><language>en</language>",
    );
    for s in slugs {
        x.push_str(&format!(
            "<item><title>Story {s}</title><link>https://latency.example/{s}</link><description>{ALERT}</description></item>"
        ));
    }
    x.push_str("</channel></rss>");
    x
}

#[tokio::main]
async fn main() {
    let poll = std::env::var("TOCSIN_POLL").unwrap_or_else(|_| "10s".into());
    let interval = tocsin::config::parse_duration(&poll).expect("TOCSIN_POLL is a duration such as 10s");
    let samples: u32 = std::env::var("TOCSIN_SAMPLES").ok().and_then(|s| s.parse().ok()).unwrap_or(6);
    let tmp = tempfile::tempdir().unwrap();
    let feeds = tmp.path().join("feeds");
    std::fs::create_dir_all(&feeds).unwrap();
    std::fs::write(feeds.join("f.xml"), feed(&[])).unwrap();
    let server = FeedServer::start(&feeds).await.unwrap();
    let pipeline = tmp.path().join("latency.toml");
    std::fs::write(
        &pipeline,
        format!(
            "[pipeline]\nname = \"latency\"\ndata_dir = {:?}\npoll = \"{poll}\"\nlexicons = [\"lexicons\"]\n\n\
             [fetch]\nmin_poll = \"{poll}\"\nmax_poll = \"{poll}\"\nhost_gap = \"0\"\n\n\
             [[feed]]\nurl = \"{}/f.xml\"\noutlet = \"Latency Daily\"\n\n[[output]]\nkind = \"atom\"\n",
            tmp.path().join("data").display().to_string(),
            server.base_url()
        ),
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let options = DaemonOptions {
        pipelines: vec![pipeline],
        token: None,
        public_url: None,
        reload_every: Duration::from_secs(3600),
    };
    let public = base.clone();
    let daemon = tokio::task::spawn_blocking(move || Daemon::load(options, &public)).await.unwrap().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(daemon.run(listener, async move {
        let _ = stopped.await;
    }));
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let get = |url: String| {
        let client = client.clone();
        async move { client.get(url).send().await.ok()?.text().await.ok() }
    };
    let start = Instant::now();
    while !get(format!("{base}/healthz")).await.is_some_and(|h| h.contains("\"last_cycle\":\"")) {
        assert!(start.elapsed() < Duration::from_secs(60), "the daemon did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!("poll interval {poll}; bound: {:.1} s", (interval + Duration::from_secs(5)).as_secs_f64());
    let mut slugs = Vec::new();
    let mut latencies = Vec::new();
    for i in 0..samples {
        // Add each article at a different phase of the poll cycle.
        tokio::time::sleep(interval.mul_f64(0.37 + f64::from(i) / f64::from(samples))).await;
        let slug = format!("story-{i}");
        slugs.push(slug.clone());
        std::fs::write(feeds.join("f.xml"), feed(&slugs)).unwrap();
        let added = Instant::now();
        let link = format!("https://latency.example/{slug}");
        while !get(format!("{base}/feeds/latency.atom")).await.is_some_and(|b| b.contains(&link)) {
            assert!(added.elapsed() < interval * 3 + Duration::from_secs(30), "alert {i} never appeared");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let took = added.elapsed();
        println!("article {i}: in the Atom feed after {:.2} s", took.as_secs_f64());
        latencies.push(took);
    }
    latencies.sort();
    let max = latencies.last().copied().unwrap_or_default();
    println!(
        "feed-to-alert latency over {samples} articles: median {:.2} s, max {:.2} s (bound {:.1} s: {})",
        latencies[latencies.len() / 2].as_secs_f64(),
        max.as_secs_f64(),
        (interval + Duration::from_secs(5)).as_secs_f64(),
        if max <= interval + Duration::from_secs(5) { "met" } else { "MISSED" }
    );
    let _ = stop.send(());
    running.await.unwrap().unwrap();
}
