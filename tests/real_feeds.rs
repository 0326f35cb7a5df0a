//! Every real feed document of four feed readers' test suites (../shared/data) through the
//! parse stage: none may panic; the counts of parsed and rejected documents and the reasons
//! are printed (run with `--nocapture`). Skipped when ../shared/data is absent.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::Utc;
use tocsin::config::FeedConfig;
use tocsin::parse::{Document, Limits, parse_document};

use crate::util::shared_data;

const SETS: [&str; 4] = ["feed-rs-fixtures", "gofeed-testdata", "feedparser-tests", "miniflux-reader-testdata"];

/// Feed documents of a test-suite folder: expected-output JSON, licences and code are left out.
fn documents(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if is_document(&path) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn is_document(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    if name.ends_with(".serde.json") || name.ends_with("_expected.json") {
        return false;
    }
    match ext.as_str() {
        "xml" | "rss" | "atom" | "rdf" => true,
        // A gofeed `x.json` beside `x.xml` is the expected output of parsing `x.xml`.
        "json" => !path.with_extension("xml").exists(),
        _ => false,
    }
}

/// feedparser's tests put the HTTP headers to simulate in their leading comment.
fn simulated_content_type(body: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&body[..body.len().min(2048)]);
    head.lines()
        .find_map(|l| {
            l.trim().strip_prefix("Header: Content-type:").or_else(|| l.trim().strip_prefix("Header: Content-Type:"))
        })
        .map(|v| v.trim().to_string())
}

fn feed() -> FeedConfig {
    FeedConfig {
        url: "http://127.0.0.1/feed".into(),
        outlet: "Test".into(),
        language: None,
        country: None,
        full_text: false,
        fetch_url: None,
    }
}

#[test]
fn every_real_feed_document_parses_or_is_rejected_without_panic() {
    let mut panics = Vec::new();
    for set in SETS {
        let Some(root) = shared_data(set) else { continue };
        let (mut parsed, mut articles) = (0, 0);
        let mut rejected: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for path in documents(&root) {
            let body = std::fs::read(&path).unwrap();
            let ct = simulated_content_type(&body);
            let result = std::panic::catch_unwind(|| {
                let doc = Document { body: &body, content_type: ct.as_deref(), url: None, content_language: None };
                parse_document(&doc, &feed(), Utc::now(), Limits::default())
            });
            let rel = path.strip_prefix(&root).unwrap().display().to_string();
            match result {
                Ok(Ok(p)) => {
                    parsed += 1;
                    articles += p.articles.len();
                }
                Ok(Err(e)) => {
                    let kind = e.to_string().split(':').take(2).collect::<Vec<_>>().join(":");
                    rejected.entry(kind).or_default().push(rel);
                }
                Err(_) => panics.push(format!("{set}/{rel}")),
            }
        }
        let total_rejected: usize = rejected.values().map(Vec::len).sum();
        eprintln!("{set}: {parsed} parsed ({articles} articles), {total_rejected} rejected");
        for (kind, files) in &rejected {
            let sample: Vec<&str> = files.iter().take(3).map(String::as_str).collect();
            eprintln!("  {:>4} × {kind}  e.g. {}", files.len(), sample.join(", "));
        }
    }
    assert!(panics.is_empty(), "the parser panicked on: {panics:#?}");
}

#[test]
fn feed_rs_fixtures_agree_with_feed_rs_expected_titles() {
    let Some(root) = shared_data("feed-rs-fixtures") else { return };
    let mut checked = 0;
    for path in documents(&root) {
        let expected = path
            .with_extension("")
            .with_extension(format!("{}.serde.json", path.extension().unwrap().to_string_lossy()));
        let expected = [expected, path.with_extension("serde.json")].into_iter().find(|p| p.exists());
        let Some(expected) = expected else { continue };
        let want: serde_json::Value = serde_json::from_slice(&std::fs::read(&expected).unwrap()).unwrap();
        let body = std::fs::read(&path).unwrap();
        let got = tocsin::parse::parse_feed(&body, &feed(), Utc::now(), 10_000)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let entries = want["entries"].as_array().map_or(0, Vec::len);
        assert_eq!(got.articles.len(), entries, "{}", path.display());
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} fixtures had expected outputs");
}
