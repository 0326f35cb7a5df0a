//! Parse throughput (bytes of feed documents per second) on real feeds: Miniflux's large RSS
//! and Atom feeds and all of feed-rs's fixtures from ../shared/data, or the bundled demo feeds
//! on a fresh clone. Each iteration checks it got the expected number of articles.
//!
//! `cargo bench --bench parse`: divan prints bytes/s per set.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::Utc;
use divan::counter::BytesCount;
use tocsin::config::FeedConfig;
use tocsin::parse::{Document, Limits, parse_document};

fn main() {
    divan::main();
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn feed() -> FeedConfig {
    FeedConfig {
        url: "http://127.0.0.1/feed".into(),
        outlet: "Bench".into(),
        language: None,
        country: None,
        full_text: false,
        fetch_url: None,
    }
}

/// Documents with the number of articles each gives.
type Docs = Vec<(Vec<u8>, usize)>;

/// The documents of a set, read once.
fn set(name: &str) -> &'static Docs {
    static SETS: OnceLock<std::collections::HashMap<&'static str, Docs>> = OnceLock::new();
    let sets = SETS.get_or_init(|| {
        let data = repo().join("../shared/data");
        let mut m = std::collections::HashMap::new();
        let miniflux = data.join("miniflux-reader-testdata/internal/reader/parser/testdata");
        let large = [miniflux.join("large_rss.xml"), miniflux.join("large_atom.xml")];
        m.insert("miniflux_large", load(large.iter().filter(|p| p.exists()).cloned().collect()));
        let fixtures = data.join("feed-rs-fixtures/feed-rs/fixture");
        let mut files = Vec::new();
        walk(&fixtures, &mut files);
        if files.is_empty() {
            eprintln!("../shared/data is absent: benchmarking on the bundled demo feeds");
            walk(&repo().join("pipelines/demo"), &mut files);
        }
        m.insert("feed_rs_fixtures", load(files));
        m
    });
    &sets[name]
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries {
        let p = e.unwrap().path();
        let name = p.to_string_lossy().to_string();
        if p.is_dir() {
            walk(&p, out);
        } else if (name.ends_with(".xml") || name.ends_with(".json")) && !name.ends_with(".serde.json") {
            out.push(p);
        }
    }
}

/// Keep the documents that parse, with their article counts (the check inside the loop).
fn load(paths: Vec<PathBuf>) -> Docs {
    paths
        .into_iter()
        .filter_map(|p| {
            let body = std::fs::read(&p).ok()?;
            let n = parse(&body).ok()?;
            Some((body, n))
        })
        .collect()
}

fn parse(body: &[u8]) -> Result<usize, tocsin::parse::ParseError> {
    let doc = Document { body, ..Document::default() };
    parse_document(&doc, &feed(), Utc::now(), Limits::default()).map(|p| p.articles.len())
}

fn run(bencher: divan::Bencher, name: &str) {
    let docs = set(name);
    let bytes: usize = docs.iter().map(|(b, _)| b.len()).sum();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        for (body, n) in docs {
            assert_eq!(parse(divan::black_box(body)).unwrap(), *n);
        }
    });
}

#[divan::bench(sample_count = 20)]
fn miniflux_large(bencher: divan::Bencher) {
    run(bencher, "miniflux_large");
}

#[divan::bench(sample_count = 20)]
fn feed_rs_fixtures(bencher: divan::Bencher) {
    run(bencher, "feed_rs_fixtures");
}
