//! Operations routes: `/healthz` for liveness and reload errors, `/metrics` for Prometheus,
//! and the placeholder at `/` where the web page of issue 9 will go.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::json;

use super::ApiState;

/// `{status: "ok" | "degraded", version, pipelines: [Health]}`: degraded when a reload failed
/// (the previous pipeline keeps running), the last cycle failed, or an output is failing.
pub(super) async fn healthz(State(state): State<Arc<ApiState>>) -> impl IntoResponse {
    let pipelines: Vec<_> = state.pipelines.iter().map(|h| h.health()).collect();
    let degraded = pipelines
        .iter()
        .any(|h| h.reload_error.is_some() || h.last_cycle_error.is_some() || !h.delivery_errors.is_empty());
    Json(json!({
        "status": if degraded { "degraded" } else { "ok" },
        "version": env!("CARGO_PKG_VERSION"),
        "pipelines": pipelines,
    }))
}

/// Prometheus text exposition.
pub(super) async fn metrics(State(state): State<Arc<ApiState>>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render())
}

/// ISSUE 9: the web page replaces this plain list of routes.
pub(super) async fn root(State(state): State<Arc<ApiState>>) -> impl IntoResponse {
    let mut text = String::from("tocsin API\n\n");
    for h in &state.pipelines {
        text.push_str(&format!("pipeline {}: /feeds/{0}.atom  /feeds/{0}.json  /feeds/{0}.cap.xml\n", h.name));
    }
    text.push_str(
        "\n/api/search?q=  /api/trends?q=&interval=day  /api/articles/{id}  /api/feeds  /api/alerts?since=0\n",
    );
    text.push_str("/healthz  /metrics\n");
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text)
}
