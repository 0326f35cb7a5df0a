//! `tocsin daemon PIPELINE…`: run pipelines on their feeds' schedules, raise and deliver
//! alerts, and serve the HTTP API until SIGTERM or SIGINT.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use tokio::net::TcpListener;

use super::runtime;
use crate::daemon::{DEFAULT_BIND, Daemon, DaemonOptions};

/// `tocsin daemon`.
#[derive(Debug, Args)]
pub struct DaemonArgs {
    /// Pipeline files; every one runs at once, each with its own data directory.
    #[arg(required = true)]
    pub pipelines: Vec<PathBuf>,
    /// Address of the HTTP API. Off loopback a bearer token is required.
    #[arg(long, default_value = DEFAULT_BIND)]
    pub bind: SocketAddr,
    /// Bearer token required by every route but /healthz (default: $TOCSIN_API_TOKEN).
    #[arg(long)]
    pub token: Option<String>,
    /// Base URL subscribers reach the API at, used in the links of feeds and alerts
    /// (default: http://BIND).
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    /// How often pipeline and lexicon files are checked for changes (SIGHUP reloads at once).
    #[arg(long, default_value = "2s", value_parser = crate::config::parse_duration)]
    pub reload_every: Duration,
}

pub(super) fn daemon(args: DaemonArgs) -> Result<()> {
    let token = args.token.clone().or_else(|| std::env::var("TOCSIN_API_TOKEN").ok()).filter(|t| !t.is_empty());
    if !args.bind.ip().is_loopback() && token.is_none() {
        bail!("refusing to listen on {} without a bearer token: pass --token or set TOCSIN_API_TOKEN", args.bind);
    }
    runtime()?.block_on(async move {
        // Signals are caught from here on, even while the pipelines are being built.
        let shutdown = shutdown_signal();
        let listener = TcpListener::bind(args.bind).await.with_context(|| format!("cannot listen on {}", args.bind))?;
        let public_url = args.public_url.clone().unwrap_or_else(|| format!("http://{}", args.bind));
        let options = DaemonOptions {
            pipelines: args.pipelines.clone(),
            token,
            public_url: Some(public_url.clone()),
            reload_every: args.reload_every,
        };
        let daemon = tokio::task::spawn_blocking(move || Daemon::load(options, &public_url)).await??;
        daemon.run(listener, shutdown).await?;
        Ok(())
    })
}

/// Resolves on the first SIGTERM or SIGINT, which starts a graceful shutdown; a second one
/// exits at once (still safe: every step of a cycle survives a kill). The handlers are
/// installed when this is called, not when it is first polled.
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    let mut signals = Signals::new();
    async move {
        signals.recv().await;
        tracing::warn!("Shutdown requested; send the signal again to exit at once.");
        tokio::spawn(async move {
            signals.recv().await;
            tracing::warn!("Second signal: exiting now.");
            std::process::exit(130);
        });
    }
}

/// SIGTERM and SIGINT.
struct Signals {
    #[cfg(unix)]
    streams: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Signals {
    fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Signals { streams: signal(SignalKind::terminate()).ok().zip(signal(SignalKind::interrupt()).ok()) }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        match &mut self.streams {
            Some((term, int)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            }
            None => std::future::pending().await,
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}
