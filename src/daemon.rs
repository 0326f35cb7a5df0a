//! `tocsin daemon`: the stages on a schedule, for several pipelines at once, with alerts,
//! early-warning outputs and the HTTP API.
//!
//! Per pipeline, three tasks share a [`PipelineHandle`]: the cycle loop ([`cycle`]) runs the
//! due feeds through fetch → classify → index → state and raises alerts; the delivery loop
//! ([`deliver`]) pushes new alerts to the `[[output]]`s; the reloader ([`reload`]) swaps in a
//! rebuilt pipeline when its files change or on SIGHUP. One axum server ([`crate::serve`])
//! answers for all pipelines.
//!
//! Crash safety rests on ordering, not on shutdown: a cycle commits the index, then raises
//! its alerts, then records the articles as seen, each step idempotent, so a SIGKILL at any
//! point loses and repeats nothing. A graceful shutdown (SIGTERM, SIGINT) still lets the
//! cycles in flight finish and the HTTP requests in flight complete.

pub mod cycle;
pub mod deliver;
pub mod handle;
pub mod metrics;
pub mod reload;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tracing::info;

pub use handle::{Health, PipelineHandle};
pub use metrics::Metrics;

use crate::config::PipelineConfig;
use crate::index::ArticleIndex;
use crate::store::Store;

/// Default address of the HTTP API.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// How to run the daemon.
#[derive(Debug, Clone)]
pub struct DaemonOptions {
    /// Pipeline files.
    pub pipelines: Vec<PathBuf>,
    /// Bearer token required on every route but `/healthz`; mandatory off loopback.
    pub token: Option<String>,
    /// Base URL of the API as subscribers reach it (links in feeds); `http://BIND` by default.
    pub public_url: Option<String>,
    /// How often the pipeline and lexicon files are checked for changes.
    pub reload_every: Duration,
}

/// Why the daemon could not start.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// A pipeline file is wrong.
    #[error(transparent)]
    Config(#[from] crate::config::FileError),
    /// A pipeline's lexicons are wrong.
    #[error(transparent)]
    Build(#[from] crate::config::BuildError),
    /// Two pipelines share a name.
    #[error("two pipelines are named {0:?}: names must differ (they name the feeds and API pages)")]
    DuplicateName(String),
    /// The data directory, index or state cannot be opened.
    #[error("{0}")]
    Data(String),
    /// Listening off loopback without a token.
    #[error("refusing to listen on {0} without a bearer token: pass --token or set TOCSIN_API_TOKEN")]
    NoToken(SocketAddr),
    /// The HTTP server failed.
    #[error("HTTP server: {0}")]
    Io(#[from] std::io::Error),
}

/// The loaded pipelines, ready to run.
#[derive(Debug)]
pub struct Daemon {
    handles: Vec<Arc<PipelineHandle>>,
    metrics: Arc<Metrics>,
    options: DaemonOptions,
}

impl Daemon {
    /// Load and build every pipeline and open its index and state (blocking: call it before
    /// the runtime or in `spawn_blocking`). `public_url` is the API's base for links.
    pub fn load(options: DaemonOptions, public_url: &str) -> Result<Self, DaemonError> {
        let mut handles: Vec<Arc<PipelineHandle>> = Vec::new();
        for path in &options.pipelines {
            let pipeline = PipelineConfig::load(path)?.build()?;
            let name = pipeline.config.pipeline.name.clone();
            if handles.iter().any(|h| h.name == name) {
                return Err(DaemonError::DuplicateName(name));
            }
            let data = |e: String| DaemonError::Data(format!("pipeline {name:?}: {e}"));
            std::fs::create_dir_all(&pipeline.config.pipeline.data_dir).map_err(|e| data(e.to_string()))?;
            let index = ArticleIndex::open(&pipeline.index_dir()).map_err(|e| data(format!("index: {e}")))?;
            let mut store = Store::open(&pipeline.state_path()).map_err(|e| data(format!("state: {e}")))?;
            let last = store.last_alert_seq().map_err(|e| data(format!("state: {e}")))?;
            deliver::start_webhooks(&mut store, &pipeline.config).map_err(|e| data(format!("state: {e}")))?;
            handles.push(Arc::new(PipelineHandle::new(path.clone(), pipeline, index, public_url, last)));
        }
        Ok(Daemon { handles, metrics: Arc::new(Metrics::default()), options })
    }

    /// The running pipelines.
    pub fn pipelines(&self) -> &[Arc<PipelineHandle>] {
        &self.handles
    }

    /// Serve on `listener` and run every pipeline until `shutdown` resolves; then finish the
    /// cycles and requests in flight and return.
    pub async fn run(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), DaemonError> {
        let addr = listener.local_addr()?;
        if !addr.ip().is_loopback() && self.options.token.is_none() {
            return Err(DaemonError::NoToken(addr));
        }
        let (stop_tx, stop) = watch::channel(false);
        let mut tasks = Vec::new();
        for h in &self.handles {
            tasks.push(tokio::spawn(cycle::pipeline_loop(h.clone(), self.metrics.clone(), stop.clone())));
            tasks.push(tokio::spawn(deliver::delivery_loop(h.clone(), self.metrics.clone(), stop.clone())));
        }
        tasks.push(tokio::spawn(reload::reload_loop(self.handles.clone(), self.options.reload_every, stop.clone())));
        let state = Arc::new(crate::serve::ApiState {
            pipelines: self.handles.clone(),
            metrics: self.metrics.clone(),
            token: self.options.token.clone(),
            searches: crate::serve::AnswerCache::default(),
            pages: crate::serve::web::PageCache::default(),
        });
        let names: Vec<&str> = self.handles.iter().map(|h| h.name.as_str()).collect();
        info!(address = %addr, pipelines = ?names, "Listening on http://{addr}");
        let mut server_stop = stop.clone();
        let server = axum::serve(listener, crate::serve::router(state)).with_graceful_shutdown(async move {
            let _ = server_stop.wait_for(|s| *s).await;
        });
        let server = tokio::spawn(async move { server.await });
        shutdown.await;
        info!("Shutting down: finishing the cycles in flight.");
        let _ = stop_tx.send(true);
        for t in tasks {
            let _ = t.await;
        }
        server.await.map_err(|e| DaemonError::Data(e.to_string()))??;
        info!("Shut down cleanly: index committed, state saved.");
        Ok(())
    }
}
