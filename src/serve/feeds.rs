//! `/feeds/{pipeline}.atom`, `.json` and `.cap.xml`: the recent alerts of a pipeline as Atom
//! 1.0, JSON Feed 1.1 and an Atom index of CAP 1.2 documents.
//!
//! The lowest level and the number of alerts listed come from the pipeline's `[[output]]` of
//! that kind (`min_level`, `limit`); without one, warning and above, 50 alerts. Each answer
//! carries an `ETag` of the newest sequence, so a poller that sends `If-None-Match` gets 304.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{ApiError, ApiState, blocking};
use crate::config::OutputKind;
use crate::model::Level;
use crate::store::Store;

/// Feed file name → (pipeline name, kind, content type).
fn parse(file: &str) -> Option<(&str, OutputKind, &'static str)> {
    if let Some(p) = file.strip_suffix(".cap.xml") {
        return Some((p, OutputKind::Cap, "application/atom+xml; charset=utf-8"));
    }
    if let Some(p) = file.strip_suffix(".atom") {
        return Some((p, OutputKind::Atom, "application/atom+xml; charset=utf-8"));
    }
    file.strip_suffix(".json").map(|p| (p, OutputKind::Jsonfeed, "application/feed+json; charset=utf-8"))
}

/// `GET /feeds/{file}`.
pub(super) async fn feed(
    State(state): State<Arc<ApiState>>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (name, kind, content_type) = parse(&file)
        .ok_or_else(|| ApiError::not_found(format!("no feed {file:?}: use NAME.atom, NAME.json or NAME.cap.xml")))?;
    let h = state.pipeline(Some(name))?;
    let pipeline = h.current();
    let output = pipeline.config.output.iter().find(|o| o.kind == kind);
    let (min_level, limit) = output.map_or((Level::Warning, 50), |o| (o.min_level, o.limit));
    let etag = format!("\"{}-{}-{}\"", kind.as_str(), h.health().last_alert_seq, min_level.as_str());
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    let (path, links) = (pipeline.state_path(), h.links().clone());
    let body = blocking(move || {
        let s = Store::open(&path).map_err(ApiError::internal)?;
        crate::daemon::deliver::render_feed(&s, kind, min_level, limit, &links).map_err(ApiError::internal)
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, content_type.to_string()), (header::ETAG, etag)], body).into_response())
}
