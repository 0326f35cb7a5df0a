//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use tocsin::config::{Pipeline, PipelineConfig};

/// The repository root (where Cargo.toml is).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/…`.
pub fn fixture(rel: &str) -> PathBuf {
    repo().join("tests/fixtures").join(rel)
}

/// `../shared/data/…` when present; tests that need it skip with a message otherwise.
#[allow(dead_code)]
pub fn shared_data(rel: &str) -> Option<PathBuf> {
    let p = repo().join("../shared/data").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("SKIP: {} is absent (../shared/data is not part of a fresh clone)", p.display());
        None
    }
}

/// One `[[feed]]` of a test pipeline.
pub struct TestFeed<'a> {
    pub url: String,
    pub outlet: &'a str,
    pub language: Option<&'a str>,
}

/// Write a pipeline file in `dir` with the shipped lexicons and the given feeds, and load it.
pub fn write_pipeline(dir: &Path, feeds: &[TestFeed]) -> (PathBuf, PipelineConfig) {
    let mut toml = format!(
        "[pipeline]\nname = \"test\"\ndata_dir = {:?}\nlexicons = [{:?}]\n\n[fetch]\ntimeout = \"10s\"\n",
        dir.join("data").display().to_string(),
        repo().join("lexicons").display().to_string(),
    );
    for f in feeds {
        toml.push_str(&format!("\n[[feed]]\nurl = {:?}\noutlet = {:?}\n", f.url, f.outlet));
        if let Some(l) = f.language {
            toml.push_str(&format!("language = {l:?}\n"));
        }
    }
    let path = dir.join("pipeline.toml");
    std::fs::write(&path, toml).unwrap();
    let config = PipelineConfig::load(&path).unwrap();
    (path, config)
}

/// Build a pipeline, panicking with the lexicon errors if it fails.
pub fn build(config: PipelineConfig) -> Pipeline {
    config.build().unwrap_or_else(|e| panic!("pipeline does not build:\n{e}"))
}

/// A URL on 127.0.0.1 where nothing listens.
pub fn refused_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("http://127.0.0.1:{port}/feed.xml")
}

/// The `tocsin` binary, run from the repository root.
pub fn tocsin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tocsin"));
    c.current_dir(repo());
    c
}

/// A current-thread runtime for async library calls.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap().block_on(f)
}
