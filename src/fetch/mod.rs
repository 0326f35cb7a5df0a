//! HTTP fetching of feed documents and article pages: one shared client, bounded concurrency
//! overall and per host ([`hosts`]), conditional GET, redirects followed by hand so a
//! permanent one can update the stored feed URL, timeouts, and a body cap enforced while
//! streaming (after decompression, so a gzip bomb stays bounded).
//!
//! In: a [`FetchRequest`] (URL plus the validators remembered from last time). Out: a
//! [`Fetched`] document, `NotModified`, or a [`FetchError`] in plain words with a
//! [`FailureClass`] that [`schedule`] turns into a backoff. Nothing here parses feeds; a
//! failure of one feed never affects another.

pub mod hosts;
pub mod schedule;

use std::net::SocketAddr;
use std::sync::{Arc, Once};
use std::time::Duration;

use chrono::Utc;
use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT, CACHE_CONTROL, CONTENT_LANGUAGE, CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH,
    LAST_MODIFIED, LOCATION, RETRY_AFTER,
};
use tokio::sync::Semaphore;

use crate::config::FetchConfig;
pub use schedule::FailureClass;

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

/// What the response said about itself, for a 200 and a 304 alike.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResponseMeta {
    /// URL after redirects.
    pub final_url: String,
    /// Where the feed moved for good: the last URL reached through permanent redirects
    /// (301, 308) only, when it differs from the requested one.
    pub moved_to: Option<String>,
    /// `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// `Content-Language` header, if any.
    pub content_language: Option<String>,
    /// New `ETag`.
    pub etag: Option<String>,
    /// New `Last-Modified`.
    pub last_modified: Option<String>,
    /// `Cache-Control: max-age`.
    pub max_age: Option<Duration>,
}

/// A fetched document.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// Headers and where the document came from.
    pub meta: ResponseMeta,
    /// HTTP status.
    pub status: u16,
    /// The body, decompressed, at most the configured cap.
    pub body: Vec<u8>,
}

/// The result of one fetch that reached the server and got an acceptable answer.
#[derive(Debug, Clone)]
pub enum FetchOutcome {
    /// 200 with a body.
    Fetched(Fetched),
    /// 304: nothing changed since the validators.
    NotModified(ResponseMeta),
}

/// Why a fetch failed, in words a monitor understands.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum FetchError {
    /// The URL cannot be fetched at all.
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    /// The URL is longer than the cap.
    #[error("URL longer than the {0}-byte cap")]
    UrlTooLong(usize),
    /// TCP/TLS connection failed (refused, unreachable, DNS).
    #[error("could not connect: {0}")]
    Connect(String),
    /// The server took too long.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    /// The server answered with an error status ("server answered HTTP 404 Not Found").
    #[error("server answered HTTP {0}{words}", words = status_words(*.0))]
    Status(u16),
    /// The server asked us to slow down (429, or 503 with `Retry-After`).
    #[error("server asked to retry later (HTTP {status}){}", .retry_after.map(|d| format!(", after {} s", d.as_secs())).unwrap_or_default())]
    Throttled {
        /// 429 or 503.
        status: u16,
        /// How long the server asked us to wait.
        retry_after: Option<Duration>,
    },
    /// More redirects than allowed, or a loop.
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    /// A redirect without a usable `Location`.
    #[error("redirect without a usable Location: {0}")]
    BadRedirect(String),
    /// The body exceeded the cap.
    #[error("body larger than the {0}-byte cap")]
    TooLarge(u64),
    /// Anything else on the wire.
    #[error("transfer failed: {0}")]
    Transfer(String),
    /// The `[fetch]` settings cannot build a client.
    #[error("invalid [fetch] settings: {0}")]
    Config(String),
}

/// " Not Found" for 404: the standard reason phrase, so a monitor need not know the codes.
fn status_words(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|r| format!(" {r}"))
        .unwrap_or_default()
}

impl FetchError {
    /// How serious the failure is, for the backoff.
    pub fn class(&self) -> FailureClass {
        match self {
            FetchError::InvalidUrl(_) | FetchError::UrlTooLong(_) | FetchError::Config(_) => FailureClass::Hard,
            FetchError::Status(401 | 403 | 404 | 410 | 451) => FailureClass::Hard,
            FetchError::Status(s) if *s >= 500 => FailureClass::Temporary,
            FetchError::Status(_) | FetchError::TooManyRedirects(_) | FetchError::BadRedirect(_) => FailureClass::Soft,
            FetchError::TooLarge(_) => FailureClass::Soft,
            FetchError::Connect(_) | FetchError::Timeout(_) | FetchError::Throttled { .. } => FailureClass::Temporary,
            FetchError::Transfer(_) => FailureClass::Temporary,
        }
    }

    /// The wait the server asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Throttled { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// A shared HTTP client with concurrency limits. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    config: FetchConfig,
    global: Arc<Semaphore>,
    hosts: Arc<hosts::HostLimits>,
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

const ACCEPT_FEEDS: &str = "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5";

impl Fetcher {
    /// Build the client from a pipeline's `[fetch]` settings.
    pub fn new(config: &FetchConfig) -> Result<Self, FetchError> {
        CRYPTO.call_once(|| {
            // Ignore the error: another part of the process may have installed one already.
            let _ = rustls::crypto::ring::default_provider().install_default();
        });
        let mut builder = reqwest::Client::builder()
            .user_agent(user_agent(config.contact.as_deref()))
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(config.per_host);
        for (host, addr) in &config.resolve {
            let addr: SocketAddr =
                addr.parse().map_err(|e| FetchError::Config(format!("resolve {host:?} = {addr:?}: {e}")))?;
            builder = builder.resolve(host, addr);
        }
        let client = builder.build().map_err(|e| FetchError::Config(e.to_string()))?;
        Ok(Fetcher {
            client,
            config: config.clone(),
            global: Arc::new(Semaphore::new(config.concurrency)),
            hosts: Arc::new(hosts::HostLimits::new(config.per_host, config.host_gap)),
        })
    }

    /// The settings the fetcher was built with.
    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// Fetch one document, waiting, for each hop, for a per-host slot and then a global one.
    /// In that order: a feed queued behind its host's limit and gap must not hold a global slot
    /// that a feed on another host could use (holding it first made 2,000 feeds on 100 hosts
    /// take 122 s instead of a few).
    pub async fn fetch(&self, req: &FetchRequest) -> Result<FetchOutcome, FetchError> {
        let mut url = self.check_url(&req.url)?;
        let mut moved_to = None;
        let mut all_permanent = true;
        for _ in 0..=self.config.max_redirects {
            let host = url.host_str().unwrap_or_default().to_string();
            let _host = self.hosts.acquire(&host).await;
            let _global = self.global.acquire().await.expect("semaphore closed");
            let response = self.request(url.clone(), req).send().await.map_err(|e| self.classify_error(e))?;
            let status = response.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let next = self.redirect_target(&url, response.headers())?;
                all_permanent &= matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT);
                if all_permanent {
                    moved_to = Some(next.to_string());
                }
                url = next;
                continue;
            }
            let meta = response_meta(&response, moved_to);
            if status == StatusCode::NOT_MODIFIED {
                return Ok(FetchOutcome::NotModified(meta));
            }
            if !status.is_success() {
                return Err(status_error(status, response.headers()));
            }
            let body = self.read_capped(response).await?;
            return Ok(FetchOutcome::Fetched(Fetched { meta, status: status.as_u16(), body }));
        }
        Err(FetchError::TooManyRedirects(self.config.max_redirects))
    }

    fn check_url(&self, raw: &str) -> Result<url::Url, FetchError> {
        if raw.len() > self.config.max_url_bytes {
            return Err(FetchError::UrlTooLong(self.config.max_url_bytes));
        }
        let url = url::Url::parse(raw).map_err(|e| FetchError::InvalidUrl(format!("{raw}: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(FetchError::InvalidUrl(format!("{raw}: expected an http or https URL")));
        }
        Ok(url)
    }

    fn request(&self, url: url::Url, req: &FetchRequest) -> reqwest::RequestBuilder {
        let mut builder = self.client.get(url).header(ACCEPT, ACCEPT_FEEDS);
        if let Some(etag) = &req.etag {
            builder = builder.header(IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &req.last_modified {
            builder = builder.header(IF_MODIFIED_SINCE, lm);
        }
        builder
    }

    fn redirect_target(&self, from: &url::Url, headers: &HeaderMap) -> Result<url::Url, FetchError> {
        let location = header(headers, LOCATION.as_str())
            .ok_or_else(|| FetchError::BadRedirect(format!("{from} sent no Location")))?;
        let next = from.join(&location).map_err(|e| FetchError::BadRedirect(format!("{location}: {e}")))?;
        self.check_url(next.as_str()).map_err(|e| FetchError::BadRedirect(e.to_string()))
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

fn response_meta(response: &reqwest::Response, moved_to: Option<String>) -> ResponseMeta {
    let h = response.headers();
    ResponseMeta {
        final_url: response.url().to_string(),
        moved_to,
        content_type: header(h, CONTENT_TYPE.as_str()),
        content_language: header(h, CONTENT_LANGUAGE.as_str()),
        etag: header(h, ETAG.as_str()),
        last_modified: header(h, LAST_MODIFIED.as_str()),
        max_age: header(h, CACHE_CONTROL.as_str()).and_then(|v| schedule::parse_max_age(&v)),
    }
}

fn status_error(status: StatusCode, headers: &HeaderMap) -> FetchError {
    let retry_after = header(headers, RETRY_AFTER.as_str()).and_then(|v| schedule::parse_retry_after(&v, Utc::now()));
    match status {
        StatusCode::TOO_MANY_REQUESTS => FetchError::Throttled { status: 429, retry_after },
        StatusCode::SERVICE_UNAVAILABLE if retry_after.is_some() => FetchError::Throttled { status: 503, retry_after },
        _ => FetchError::Status(status.as_u16()),
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
