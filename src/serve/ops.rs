//! Operations routes: `/healthz` for liveness and reload errors, `/metrics` for Prometheus.

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
