//! HTTP fetching of feed documents: one shared client, bounded concurrency overall and per
//! host, conditional GET, timeouts and a body cap enforced while streaming.
//!
//! In: a [`FetchRequest`] (URL plus the validators remembered from last time). Out: a
//! [`Fetched`] document, `NotModified`, or a [`FetchError`] in plain words. Nothing here parses
//! feeds; a failure of one feed never affects another.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use tokio::sync::Semaphore;

use crate::config::FetchConfig;

/// What to fetch, with the validators of the last successful fetch.
#[derive(Debug, Clone, Default)]
pub struct FetchRequest {
    /// Feed URL.
    pub url: String,
    /// `ETag` seen last time.
    pub etag: Option<String>,
    /// `Last-Modified` seen last time.
    pub last_modified: Option<String>,
}

/// A fetched document.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// URL after redirects.
    pub final_url: String,
    /// HTTP status.
    pub status: u16,
    /// `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// New `ETag`.
    pub etag: Option<String>,
    /// New `Last-Modified`.
    pub last_modified: Option<String>,
    /// The body, at most the configured cap.
    pub body: Vec<u8>,
}

/// The result of one fetch that reached the server and got an acceptable answer.
#[derive(Debug, Clone)]
pub enum FetchOutcome {
    /// 200 with a body.
    Fetched(Fetched),
    /// 304: nothing changed since the validators.
    NotModified,
}

/// Why a fetch failed, in words a monitor understands.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum FetchError {
    /// The URL cannot be fetched at all.
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    /// TCP/TLS connection failed (refused, unreachable, DNS).
    #[error("could not connect: {0}")]
    Connect(String),
    /// The server took too long.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    /// The server answered with an error status.
    #[error("server answered HTTP {0}")]
    Status(u16),
    /// The body exceeded the cap.
    #[error("body larger than the {0}-byte cap")]
    TooLarge(u64),
    /// Anything else on the wire.
    #[error("transfer failed: {0}")]
    Transfer(String),
}

/// A shared HTTP client with concurrency limits. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    config: FetchConfig,
    global: Arc<Semaphore>,
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
}

static CRYPTO: Once = Once::new();

/// The User-Agent tocsin sends: its name, version and the operator's contact when configured.
pub fn user_agent(contact: Option<&str>) -> String {
    let base = format!("tocsin/{} (news early-warning monitor", env!("CARGO_PKG_VERSION"));
    match contact {
        Some(c) => format!("{base}; +{c})"),
        None => format!("{base})"),
    }
}

impl Fetcher {
    /// Build the client from a pipeline's `[fetch]` settings.
    pub fn new(config: &FetchConfig) -> Result<Self, FetchError> {
        CRYPTO.call_once(|| {
            // Ignore the error: another part of the process may have installed one already.
            let _ = rustls::crypto::ring::default_provider().install_default();
        });
        let client = reqwest::Client::builder()
            .user_agent(user_agent(config.contact.as_deref()))
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()
            .map_err(|e| FetchError::Transfer(e.to_string()))?;
        Ok(Fetcher {
            client,
            config: config.clone(),
            global: Arc::new(Semaphore::new(config.concurrency)),
            hosts: Arc::default(),
        })
    }

    fn host_permits(&self, host: &str) -> Arc<Semaphore> {
        let mut hosts = self.hosts.lock().expect("host map poisoned");
        hosts.entry(host.to_string()).or_insert_with(|| Arc::new(Semaphore::new(self.config.per_host))).clone()
    }

    /// Fetch one document, waiting for a global and a per-host slot first.
    pub async fn fetch(&self, req: &FetchRequest) -> Result<FetchOutcome, FetchError> {
        let url = url::Url::parse(&req.url).map_err(|e| FetchError::InvalidUrl(format!("{}: {e}", req.url)))?;
        let host = url.host_str().unwrap_or_default().to_string();
        let _global = self.global.acquire().await.expect("semaphore closed");
        let host_sem = self.host_permits(&host);
        let _host = host_sem.acquire().await.expect("semaphore closed");
        let mut builder = self.client.get(url);
        if let Some(etag) = &req.etag {
            builder = builder.header(IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &req.last_modified {
            builder = builder.header(IF_MODIFIED_SINCE, lm);
        }
        let response = builder.send().await.map_err(|e| self.classify_error(e))?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(FetchOutcome::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16()));
        }
        let final_url = response.url().to_string();
        let headers = response.headers().clone();
        let body = self.read_capped(response).await?;
        Ok(FetchOutcome::Fetched(Fetched {
            final_url,
            status: status.as_u16(),
            content_type: header(&headers, CONTENT_TYPE.as_str()),
            etag: header(&headers, ETAG.as_str()),
            last_modified: header(&headers, LAST_MODIFIED.as_str()),
            body,
        }))
    }

    /// Read the body chunk by chunk and stop as soon as it passes the cap.
    async fn read_capped(&self, mut response: reqwest::Response) -> Result<Vec<u8>, FetchError> {
        let cap = self.config.max_body_bytes;
        if response.content_length().is_some_and(|n| n > cap) {
            return Err(FetchError::TooLarge(cap));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.classify_error(e))? {
            if (body.len() + chunk.len()) as u64 > cap {
                return Err(FetchError::TooLarge(cap));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn classify_error(&self, e: reqwest::Error) -> FetchError {
        if e.is_timeout() {
            FetchError::Timeout(self.config.timeout)
        } else if e.is_connect() {
            FetchError::Connect(root_cause(&e))
        } else {
            FetchError::Transfer(root_cause(&e))
        }
    }
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// The innermost error message, which is the one that says what happened ("Connection refused").
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}
