//! The scheduling step of a daemon cycle with a large feed list: which feeds are due, and
//! their state. Builds a pipeline with `TOCSIN_FEEDS` feeds (default 10,000; half in its OPML
//! file, half imported into its state),
//! each planned at a random time in the next hour except `TOCSIN_DUE` of them (default 20),
//! then times, median of 21 runs each:
//!
//! - the feed list alone (`all_feeds`: pipeline file, OPML, imported feeds);
//! - reading each feed's state with its own query (what a cycle did before state version 4);
//! - [`tocsin::run::feed_states`] for a due-only cycle (the `next_due` index);
//! - the next wake-up: every feed's state vs `Store::next_planned_poll`.
//!
//! ```sh
//! cargo run --release --example cycle_schedule
//! TOCSIN_FEEDS=100000 cargo run --release --example cycle_schedule
//! ```

use std::time::Instant;

use chrono::{Duration, Utc};
use tocsin::config::{FeedConfig, PipelineConfig};
use tocsin::run::{RunOptions, all_feeds, feed_states};
use tocsin::store::{FeedState, Store};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Median wall time of `f` over 21 runs, in milliseconds; `f` returns a count checked
/// against `expect` every time.
fn time(what: &str, expect: usize, mut f: impl FnMut() -> usize) {
    let mut ms: Vec<f64> = (0..21)
        .map(|_| {
            let t = Instant::now();
            let n = f();
            let elapsed = t.elapsed().as_secs_f64() * 1000.0;
            assert_eq!(n, expect, "{what}: wrong result");
            elapsed
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    println!("{what:<52} median {:>8.2} ms   max {:>8.2} ms", ms[10], ms[20]);
}

fn main() {
    let n = env("TOCSIN_FEEDS", 10_000);
    let due = env("TOCSIN_DUE", 20).min(n);
    let dir = tempfile::tempdir().expect("temp dir");
    let pipeline = dir.path().join("p.toml");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let feeds: Vec<FeedConfig> = (0..n)
        .map(|i| FeedConfig {
            url: format!("https://outlet-{i}.example/feed.xml"),
            outlet: format!("Outlet {i}"),
            language: Some("en".into()),
            country: None,
            full_text: false,
            fetch_url: None,
        })
        .collect();
    // Half the feeds in the pipeline's OPML file, half imported into its state.
    let (listed, imported) = feeds.split_at(n / 2);
    let mut opml =
        String::from("<?xml version=\"1.0\"?><opml version=\"2.0\"><head><title>scale</title></head><body>\n");
    for f in listed {
        opml.push_str(&format!("<outline type=\"rss\" text=\"{}\" xmlUrl=\"{}\"/>\n", f.outlet, f.url));
    }
    opml.push_str("</body></opml>\n");
    std::fs::write(dir.path().join("feeds.opml"), opml).unwrap();
    std::fs::write(
        &pipeline,
        format!(
            "[pipeline]\nname = \"scale\"\ndata_dir = {:?}\npoll = \"15m\"\nlexicons = [{:?}]\n\n[feeds]\nopml = {:?}\n",
            data.display().to_string(),
            concat!(env!("CARGO_MANIFEST_DIR"), "/lexicons"),
            dir.path().join("feeds.opml").display().to_string()
        ),
    )
    .unwrap();
    let config = PipelineConfig::load(&pipeline).expect("pipeline");
    let mut store = Store::open(&data.join("state.sqlite")).expect("state");
    store.add_subscriptions(imported).unwrap();
    let now = Utc::now();
    // A cheap deterministic spread over the next hour.
    let states: Vec<FeedState> = feeds
        .iter()
        .enumerate()
        .map(|(i, f)| FeedState {
            feed_id: f.url.clone(),
            etag: Some(format!("\"{i}\"")),
            last_attempt: Some(now - Duration::minutes(10)),
            last_success: Some(now - Duration::minutes(10)),
            next_due: Some(if i < due {
                now - Duration::seconds(1 + i as i64)
            } else {
                now + Duration::seconds(60 + (i as i64 * 7919) % 3540)
            }),
            items_per_day: 12.0,
            ..FeedState::default()
        })
        .collect();
    store.save_feed_states(&states).unwrap();
    println!("{n} feeds ({} in the OPML file, {} imported), {due} due", listed.len(), imported.len());

    time("feed list (all_feeds)", n, || all_feeds(&config, &store).unwrap().len());
    let list = all_feeds(&config, &store).unwrap();
    let is_due = |s: &FeedState| s.next_due.is_none_or(|t| t <= now);
    time("states, one query per feed (before)", due, || {
        list.iter().filter(|f| is_due(&store.feed_state(&f.url).unwrap())).count()
    });
    let options = RunOptions { due_only: true };
    time("states, due-only through the next_due index (now)", due, || {
        feed_states(&store, &list, options, now).unwrap().iter().filter(|s| is_due(s)).count()
    });
    let first = states.iter().filter_map(|s| s.next_due).filter(|t| *t > now).min();
    time("next wake, every feed's state (before)", 1, || {
        let min = list.iter().filter_map(|f| store.feed_state(&f.url).unwrap().next_due).filter(|t| *t > now).min();
        usize::from(min == first)
    });
    time("next wake, Store::next_planned_poll (now)", 1, || {
        usize::from(store.next_planned_poll(now).unwrap() == first)
    });
}
