//! The HTTP API (axum) and the web page, served by the daemon for all its pipelines.
//!
//! | route | answer |
//! |---|---|
//! | `GET /` | the web page: search with filters ([`web`]) |
//! | `GET /articles/{id}` | the web page of one article: its evidence highlighted, why it was flagged |
//! | `GET /trends` | the web page of a trend: an SVG chart over time with spikes marked |
//! | `GET /alerts` | the web page of the latest alerts, feed health and subscribe links |
//! | `GET /login`, `POST /login` | the token form of the web page (only when a token is set) |
//! | `GET /assets/{file}` | the page's stylesheet, script and icon, embedded in the binary |
//! | `GET /api/search` | search results (the JSON of `tocsin search --json`) |
//! | `GET /api/trends` | a trend (the JSON of `tocsin trends --json`) |
//! | `GET /api/articles/{id}` | the stored article, its assessment with evidence, its alerts |
//! | `GET /api/feeds` | feed health (the JSON of `tocsin feeds status --json`) |
//! | `GET /api/alerts?since=SEQ` | alerts after a sequence, oldest first |
//! | `GET /api/alerts/{seq}`, `/api/alerts/{seq}.cap.xml` | one alert, as JSON or CAP 1.2 |
//! | `GET /feeds/{pipeline}.atom`, `.json`, `.cap.xml` | recent alerts: Atom 1.0, JSON Feed 1.1, CAP index |
//! | `GET /healthz` | liveness and per-pipeline health (no token needed) |
//! | `GET /metrics` | Prometheus text |
//!
//! Every `/api` route and page takes `pipeline=NAME` (default: the first pipeline). API errors
//! are `{"error": "…"}` with a 4xx or 5xx status; page errors are HTML pages. With a token,
//! every route but `/healthz`, `/login` and `/assets` needs `Authorization: Bearer TOKEN` or
//! the session cookie that `POST /login` sets after checking the token (browsers cannot send
//! a bearer header); a page asked for without either answers 401 with the token form. Index
//! and state work runs on the blocking pool.

mod api;
mod cache;
mod feeds;
mod ops;
pub mod web;

pub use cache::AnswerCache;

use std::sync::Arc;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::daemon::{Metrics, PipelineHandle};

/// What the handlers share.
#[derive(Debug)]
pub struct ApiState {
    /// The pipelines served, the first being the default.
    pub pipelines: Vec<Arc<PipelineHandle>>,
    /// The daemon's metrics.
    pub metrics: Arc<Metrics>,
    /// Bearer token required on every route but `/healthz`.
    pub token: Option<String>,
    /// Recent search answers.
    pub searches: cache::AnswerCache,
    /// What the web pages keep between requests.
    pub pages: web::PageCache,
}

impl ApiState {
    /// The pipeline named `name`, or the first one.
    fn pipeline(&self, name: Option<&str>) -> Result<Arc<PipelineHandle>, ApiError> {
        match name {
            None | Some("") => self.pipelines.first().cloned().ok_or_else(|| ApiError::not_found("no pipeline")),
            Some(n) => self.pipelines.iter().find(|h| h.name == n).cloned().ok_or_else(|| {
                let names: Vec<&str> = self.pipelines.iter().map(|h| h.name.as_str()).collect();
                ApiError::not_found(format!("no pipeline named {n:?}; pipelines: {}", names.join(", ")))
            }),
        }
    }
}

/// The router of every route.
pub fn router(state: Arc<ApiState>) -> Router {
    let protected = Router::new()
        .merge(web::pages())
        .route("/metrics", get(ops::metrics))
        .route("/api/search", get(api::search))
        .route("/api/trends", get(api::trends))
        .route("/api/articles/{id}", get(api::article))
        .route("/api/feeds", get(api::feeds))
        .route("/api/alerts", get(api::alerts))
        .route("/api/alerts/{seq}", get(api::alert))
        .route("/feeds/{file}", get(feeds::feed))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), require_token));
    Router::new()
        .route("/healthz", get(ops::healthz))
        .merge(web::public())
        .merge(protected)
        .layer(axum::middleware::from_fn_with_state(state.clone(), count_requests))
        .with_state(state)
}

/// Refuse requests without the bearer token (or the web page's session cookie), when one is
/// set: the API answers 401 JSON, a page answers 401 with the token form.
async fn require_token(State(state): State<Arc<ApiState>>, req: Request, next: Next) -> Response {
    let Some(token) = &state.token else { return next.run(req).await };
    let headers = req.headers();
    let bearer =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    let session = web::session_cookie(headers);
    let ok = bearer.is_some_and(|g| constant_time_eq(g.as_bytes(), token.as_bytes()))
        || session.is_some_and(|s| constant_time_eq(s.as_bytes(), web::session_value(token).as_bytes()));
    if ok {
        return next.run(req).await;
    }
    let path = req.uri().path();
    let mut resp = if web::is_page(path) {
        let next = req.uri().path_and_query().map_or("/", |p| p.as_str());
        web::login_page(next, None, StatusCode::UNAUTHORIZED)
    } else {
        ApiError { status: StatusCode::UNAUTHORIZED, message: "a bearer token is required".into() }.into_response()
    };
    resp.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
    resp
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Count requests by route and status.
async fn count_requests(State(state): State<Arc<ApiState>>, req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map_or("unmatched".to_string(), |m| m.as_str().to_string());
    let resp = next.run(req).await;
    let status = resp.status().as_u16().to_string();
    state.metrics.add("tocsin_http_requests_total", &[("route", &route), ("status", &status)], 1.0);
    resp
}

/// An error answer: `{"error": message}`.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn bad_request(message: impl Into<String>) -> Self {
        ApiError { status: StatusCode::BAD_REQUEST, message: message.into() }
    }
    fn not_found(message: impl Into<String>) -> Self {
        ApiError { status: StatusCode::NOT_FOUND, message: message.into() }
    }
    fn internal(message: impl std::fmt::Display) -> Self {
        ApiError { status: StatusCode::INTERNAL_SERVER_ERROR, message: message.to_string() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(serde_json::json!({ "error": self.message }))).into_response()
    }
}

impl From<crate::query::QueryError> for ApiError {
    fn from(e: crate::query::QueryError) -> Self {
        match e {
            crate::query::QueryError::Syntax { .. } | crate::query::QueryError::Invalid(_) => {
                ApiError::bad_request(e.to_string())
            }
            other => ApiError::internal(other),
        }
    }
}

/// Run index or state work on the blocking pool.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, ApiError> + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(ApiError::internal)?
}
