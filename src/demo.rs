//! `tocsin demo`: the bundled demo outlets served on loopback, and the real pipeline run
//! against them.
//!
//! `pipelines/demo.toml` lists the outlets with URLs on the placeholder host `demo.invalid`;
//! [`FeedServer`] serves `pipelines/demo/` on 127.0.0.1 at a free port, and the demo rewrites
//! the placeholder to that address before building the pipeline. Everything after that —
//! fetch, parse, language, classify, index — is the same code `tocsin run` uses.
//!
//! [`FeedServer`] answers with `ETag` and honours `If-None-Match`, so a second demo run gets
//! 304s and adds nothing; tests use it to serve fixture feeds too.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;

use crate::config::PipelineConfig;

/// The placeholder host of `pipelines/demo.toml`, replaced by the loopback server's address.
pub const DEMO_HOST: &str = "demo.invalid";

/// A static feed server on 127.0.0.1, stopped when dropped.
#[derive(Debug)]
pub struct FeedServer {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl FeedServer {
    /// Serve the files of `root` at `http://127.0.0.1:PORT/<file name>` on a free port.
    ///
    /// Content types follow the extension (`.json` → JSON Feed, `.xml` → XML, `.html` → HTML),
    /// and every answer carries an `ETag`.
    pub async fn start(root: &Path) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let app = Router::new().route("/{*path}", get(serve_file)).with_state(Arc::new(root.to_path_buf()));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(FeedServer { addr, task })
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for FeedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve_file(State(root): State<Arc<PathBuf>>, UrlPath(path): UrlPath<String>, headers: HeaderMap) -> Response {
    if path.split('/').any(|part| part == ".." || part.is_empty()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let file = root.join(&path);
    let Ok(body) = tokio::fs::read(&file).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = format!("\"{}\"", Sha256::digest(&body)[..8].iter().map(|b| format!("{b:02x}")).collect::<String>());
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let content_type = match file.extension().and_then(|e| e.to_str()) {
        Some("json") => "application/feed+json; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        Some("atom") => "application/atom+xml; charset=utf-8",
        _ => "application/xml; charset=utf-8",
    };
    (StatusCode::OK, [(header::CONTENT_TYPE, content_type.to_string()), (header::ETAG, etag)], body).into_response()
}

/// Point every feed on [`DEMO_HOST`] at `base_url` (such as `http://127.0.0.1:41234`).
pub fn rewrite_demo_urls(config: &mut PipelineConfig, base_url: &str) {
    let prefix = format!("http://{DEMO_HOST}");
    for feed in &mut config.feed {
        if let Some(rest) = feed.url.strip_prefix(&prefix) {
            feed.fetch_url = Some(format!("{base_url}{rest}"));
        }
    }
}

/// The folder served for a demo pipeline file: `pipelines/demo.toml` → `pipelines/demo/`.
pub fn feeds_dir(pipeline_file: &Path) -> PathBuf {
    pipeline_file.with_extension("")
}
