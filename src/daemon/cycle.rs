//! A pipeline's cycle loop: run the due feeds ([`crate::run::run_with_hook`]), raise article
//! alerts between the index commit and the state update, check the `[[watch]]` trends, tell
//! the delivery loop, then sleep until the next feed is due.
//!
//! A cycle is never interrupted: on shutdown the loop finishes the cycle in flight (bounded by
//! the fetch timeouts) and stops, so the index is committed and the state written.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::watch;
use tracing::{Instrument, info, warn};

use super::handle::PipelineHandle;
use super::metrics::Metrics;
use crate::alert::rules::{article_alert, watch_alert};
use crate::config::Pipeline;
use crate::model::{Alert, AlertKind};
use crate::run::{FeedOutcome, IndexedHook, RunOptions, RunReport, run_with_hook};
use crate::store::{NewAlert, Store};

/// Shortest sleep between two cycles.
const MIN_SLEEP: Duration = Duration::from_secs(1);

/// Run cycles until `stop` turns true.
pub(super) async fn pipeline_loop(handle: Arc<PipelineHandle>, metrics: Arc<Metrics>, mut stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        let pipeline = handle.current();
        let started = Instant::now();
        let span = tracing::info_span!("cycle", pipeline = %handle.name);
        let result = cycle(&handle, &pipeline, &metrics).instrument(span).await;
        let seconds = started.elapsed().as_secs_f64();
        let outcome = if result.is_ok() { "ok" } else { "error" };
        metrics.add("tocsin_cycles_total", &[("pipeline", &handle.name), ("result", outcome)], 1.0);
        metrics.observe("tocsin_cycle_seconds", &[("pipeline", &handle.name)], seconds);
        if let Err(e) = &result {
            warn!(pipeline = %handle.name, "The cycle failed: {e}");
        }
        let wait = next_wake(&pipeline).await;
        handle.update_health(|h| {
            h.cycles += 1;
            h.last_cycle = Some(Utc::now());
            h.last_cycle_error = result.err();
            h.next_cycle = chrono::Duration::from_std(wait).ok().map(|d| Utc::now() + d);
        });
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = handle.woken() => {}
            _ = stop.wait_for(|s| *s) => {}
        }
    }
    info!(pipeline = %handle.name, "Cycle loop stopped.");
}

/// One cycle; the error is a sentence for the log and `/healthz`.
async fn cycle(handle: &PipelineHandle, pipeline: &Pipeline, metrics: &Metrics) -> Result<(), String> {
    let raised = Arc::new(Mutex::new(Vec::new()));
    let report = run_with_hook(pipeline, RunOptions { due_only: true }, Some(alert_hook(pipeline, raised.clone())))
        .await
        .map_err(|e| e.to_string())?;
    record_run(metrics, &report);
    if !report.indexed.is_empty() {
        handle.index_changed();
    }
    let mut raised = std::mem::take(&mut *raised.lock().expect("alerts lock"));
    raised.extend(check_watches(handle, pipeline).await?);
    for a in &raised {
        let kind = if a.kind == AlertKind::Spike { "spike" } else { "article" };
        metrics.add(
            "tocsin_alerts_total",
            &[("pipeline", &handle.name), ("level", a.level.as_str()), ("kind", kind)],
            1.0,
        );
        info!(pipeline = %handle.name, seq = a.seq, level = %a.level, "Alert raised: {}", a.reason);
    }
    if let Some(last) = raised.iter().map(|a| a.seq).max() {
        handle.alerts_raised(last);
    }
    let new: usize = report.feeds.iter().map(|f| matches!(f.outcome, FeedOutcome::Fetched { .. }) as usize).sum();
    info!(
        pipeline = %handle.name,
        feeds_fetched = new,
        indexed = report.indexed.len(),
        alerts = raised.len(),
        index_total = report.index_total,
        "Cycle finished."
    );
    Ok(())
}

/// The hook that raises article alerts after the index commit, in the state's transaction
/// order (before the articles are recorded as seen).
fn alert_hook(pipeline: &Pipeline, raised: Arc<Mutex<Vec<Alert>>>) -> IndexedHook {
    let name = pipeline.config.pipeline.name.clone();
    let min_level = pipeline.config.alerts.min_level;
    Arc::new(move |store, indexed| {
        let new: Vec<NewAlert> = indexed.iter().filter_map(|a| article_alert(&name, a, min_level)).collect();
        if new.is_empty() {
            return Ok(());
        }
        let alerts = store.raise_alerts(&new, Utc::now())?;
        raised.lock().expect("alerts lock").extend(alerts);
        Ok(())
    })
}

/// Check every `[[watch]]` on the latest commit and raise the spikes.
async fn check_watches(handle: &PipelineHandle, pipeline: &Pipeline) -> Result<Vec<Alert>, String> {
    if pipeline.config.watch.is_empty() {
        return Ok(Vec::new());
    }
    let (index, config, path) = (handle.index.clone(), pipeline.config.clone(), pipeline.state_path());
    tokio::task::spawn_blocking(move || {
        let now = Utc::now();
        let mut new = Vec::new();
        for w in &config.watch {
            match watch_alert(&index, &config.pipeline.name, w, now) {
                Ok(found) => new.extend(found),
                Err(e) => warn!(pipeline = %config.pipeline.name, watch = %w.name, "The watch failed: {e}"),
            }
        }
        if new.is_empty() {
            return Ok(Vec::new());
        }
        Store::open(&path).and_then(|mut s| s.raise_alerts(&new, now)).map_err(|e| format!("alert log: {e}"))
    })
    .await
    .map_err(|e| format!("watch task failed: {e}"))?
}

fn record_run(metrics: &Metrics, report: &RunReport) {
    let p = report.pipeline.as_str();
    for f in &report.feeds {
        let status = match f.outcome {
            FeedOutcome::Fetched { .. } => "fetched",
            FeedOutcome::NotModified => "not_modified",
            FeedOutcome::Unchanged => "unchanged",
            FeedOutcome::Failed { .. } => "failed",
            // Not due: no request was made.
            FeedOutcome::Deferred { .. } => continue,
        };
        metrics.add("tocsin_fetches_total", &[("pipeline", p), ("status", status)], 1.0);
    }
    metrics.add("tocsin_articles_indexed_total", &[("pipeline", p)], report.indexed.len() as f64);
    for a in &report.indexed {
        metrics.add("tocsin_flags_total", &[("pipeline", p), ("level", a.assessment.level.as_str())], 1.0);
    }
    metrics.set("tocsin_index_documents", &[("pipeline", p)], report.index_total as f64);
    if !report.indexed.is_empty() {
        metrics.observe("tocsin_classify_seconds", &[("pipeline", p)], report.classify_seconds);
        metrics.observe("tocsin_index_seconds", &[("pipeline", p)], report.index_seconds);
    }
}

/// How long until the next planned poll (the earliest `next_due` in the state's index),
/// between [`MIN_SLEEP`] and the pipeline's `poll`. A cycle polls every due feed, so what is
/// left is planned after it; a feed imported while the daemon runs waits at most `poll`.
async fn next_wake(pipeline: &Pipeline) -> Duration {
    let p = pipeline.clone();
    let due =
        tokio::task::spawn_blocking(move || Store::open(&p.state_path()).ok()?.next_planned_poll(Utc::now()).ok()?)
            .await
            .ok()
            .flatten();
    let poll = pipeline.config.pipeline.poll;
    match due {
        Some(t) => (t - Utc::now()).to_std().unwrap_or(Duration::ZERO).clamp(MIN_SLEEP, poll.max(MIN_SLEEP)),
        None => poll.max(MIN_SLEEP),
    }
}
