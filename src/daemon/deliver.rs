//! A pipeline's delivery loop: after each change of the alert log (and every 30 s), every
//! `[[output]]` catches up — webhooks POST the alerts after their cursor, the JSONL sink
//! appends the alerts after its last line, and feeds with a `target` file are rewritten.
//!
//! Outputs run concurrently within a round, each in sequence order; a failing webhook holds
//! only its own cursor. On shutdown a round stops between attempts: what was not delivered is
//! delivered after the restart (webhooks are at least once, with the sequence as idempotency
//! key).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tracing::{debug, warn};

use super::handle::PipelineHandle;
use super::metrics::Metrics;
use crate::alert::webhook::{Outcome, Webhook};
use crate::alert::{Links, atom, cap, jsonfeed, jsonl};
use crate::config::{OutputConfig, OutputKind, PipelineConfig};
use crate::model::Alert;
use crate::store::{Delivery, Store};

/// Longest pause between two rounds without new alerts (a failed webhook retries then).
const ROUND_EVERY: Duration = Duration::from_secs(30);
/// Alerts read from the log at once.
const BATCH: usize = 200;

/// Deliver until `stop` turns true.
pub(super) async fn delivery_loop(handle: Arc<PipelineHandle>, metrics: Arc<Metrics>, mut stop: watch::Receiver<bool>) {
    let mut alerts = handle.subscribe_alerts();
    let mut written: HashMap<String, u64> = HashMap::new();
    while !*stop.borrow() {
        round(&handle, &metrics, &mut written, &stop).await;
        tokio::select! {
            _ = alerts.changed() => {}
            _ = tokio::time::sleep(ROUND_EVERY) => {}
            _ = stop.wait_for(|s| *s) => {}
        }
    }
}

async fn round(
    handle: &PipelineHandle,
    metrics: &Metrics,
    written: &mut HashMap<String, u64>,
    stop: &watch::Receiver<bool>,
) {
    let pipeline = handle.current();
    let state = pipeline.state_path();
    let last = handle.health().last_alert_seq;
    let mut jobs = Vec::new();
    for output in pipeline.config.output.clone() {
        let (state, links, name) = (state.clone(), handle.links().clone(), output.name());
        let mut stop = stop.clone();
        let fresh = written.get(&name) != Some(&last);
        jobs.push(async move {
            let result = match output.kind {
                OutputKind::Webhook => webhook(&output, &state, &mut stop, metrics, &links.pipeline).await,
                OutputKind::Jsonl => blocking(move || append_jsonl(&output, &state)).await,
                _ if output.target.is_some() && fresh => blocking(move || write_feed(&output, &state, &links)).await,
                _ => Ok(()),
            };
            (name, result)
        });
    }
    for (name, result) in futures_util::future::join_all(jobs).await {
        match result {
            Ok(()) => {
                written.insert(name.clone(), last);
                handle.update_health(|h| {
                    h.delivery_errors.remove(&name);
                });
            }
            Err(e) => {
                warn!(pipeline = %handle.name, output = %name, "Delivery failed: {e}");
                handle.update_health(|h| {
                    h.delivery_errors.insert(name, e);
                });
            }
        }
    }
}

async fn blocking(f: impl FnOnce() -> Result<(), String> + Send + 'static) -> Result<(), String> {
    tokio::task::spawn_blocking(f).await.map_err(|e| format!("delivery task failed: {e}"))?
}

fn store(path: &std::path::Path) -> Result<Store, String> {
    Store::open(path).map_err(|e| format!("state database: {e}"))
}

/// POST every alert after the webhook's cursor, in order, until one fails.
async fn webhook(
    output: &OutputConfig,
    state: &std::path::Path,
    stop: &mut watch::Receiver<bool>,
    metrics: &Metrics,
    pipeline: &str,
) -> Result<(), String> {
    let hook = Webhook::new(output).map_err(|e| format!("HTTP client: {e}"))?;
    let (path, name, min_level) = (state.to_path_buf(), hook.name().to_string(), output.min_level);
    let replay_from = output.replay_from;
    loop {
        let (p, n) = (path.clone(), name.clone());
        let pending: Vec<Alert> = tokio::task::spawn_blocking(move || {
            let mut s = store(&p)?;
            let cursor = s.start_output(&n, replay_from).map_err(|e| e.to_string())?;
            s.alerts_since(cursor, min_level, BATCH).map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| e.to_string())??;
        if pending.is_empty() {
            return Ok(());
        }
        for alert in pending {
            let mut attempts = Vec::new();
            let outcome = hook.deliver(&alert, stop, |d| attempts.push(d)).await;
            for d in &attempts {
                let result = if d.delivered { "delivered" } else { "failed" };
                metrics.add(
                    "tocsin_alert_deliveries_total",
                    &[("pipeline", pipeline), ("output", &name), ("result", result)],
                    1.0,
                );
            }
            let last_error = attempts.last().and_then(|d| d.error.clone());
            let p = path.clone();
            blocking(move || log_attempts(&p, &attempts, outcome.advances())).await?;
            match outcome {
                Outcome::Delivered => debug!(output = %name, seq = alert.seq, "Alert delivered."),
                Outcome::Rejected => warn!(output = %name, seq = alert.seq, "The webhook rejected the alert; skipped."),
                Outcome::Interrupted => return Ok(()),
                Outcome::Failed => {
                    return Err(format!("alert {} not delivered: {}", alert.seq, last_error.unwrap_or_default()));
                }
            }
        }
    }
}

/// Give every webhook of `config` its cursor before the first cycle raises anything: a
/// webhook added to a running desk starts at the newest alert (or at its `replay_from`).
pub(super) fn start_webhooks(store: &mut Store, config: &PipelineConfig) -> Result<(), crate::store::StoreError> {
    for output in config.output.iter().filter(|o| o.kind == OutputKind::Webhook) {
        store.start_output(&output.name(), output.replay_from)?;
    }
    Ok(())
}

fn log_attempts(path: &std::path::Path, attempts: &[Delivery], advance: bool) -> Result<(), String> {
    let mut s = store(path)?;
    for (i, d) in attempts.iter().enumerate() {
        s.log_delivery(d, advance && i + 1 == attempts.len()).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Append the alerts after the file's last line.
fn append_jsonl(output: &OutputConfig, state: &std::path::Path) -> Result<(), String> {
    let path = PathBuf::from(output.target.as_deref().unwrap_or_default());
    let io = |e: std::io::Error| format!("{}: {e}", path.display());
    let s = store(state)?;
    loop {
        let last = jsonl::last_seq(&path).map_err(io)?;
        let pending = s.alerts_since(last, output.min_level, BATCH).map_err(|e| e.to_string())?;
        if pending.is_empty() {
            return Ok(());
        }
        jsonl::append(&path, &pending).map_err(io)?;
    }
}

/// Render a feed output and replace its target file atomically.
fn write_feed(output: &OutputConfig, state: &std::path::Path, links: &Links) -> Result<(), String> {
    let s = store(state)?;
    let body = render_feed(&s, output.kind, output.min_level, output.limit, links).map_err(|e| e.to_string())?;
    let path = PathBuf::from(output.target.as_deref().unwrap_or_default());
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, body)
        .and_then(|_| std::fs::rename(&tmp, &path))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The body of a feed output (atom, jsonfeed or cap) from the alert log.
pub fn render_feed(
    s: &Store,
    kind: OutputKind,
    min_level: crate::model::Level,
    limit: usize,
    links: &Links,
) -> Result<String, crate::store::StoreError> {
    let alerts = s.recent_alerts(min_level, limit)?;
    Ok(match kind {
        OutputKind::Jsonfeed => jsonfeed::render(&alerts, links),
        OutputKind::Cap => {
            let mut with_previous = Vec::with_capacity(alerts.len());
            for a in alerts {
                let previous = a.updates.map(|seq| s.alert(seq)).transpose()?.flatten();
                with_previous.push((a, previous));
            }
            cap::render_index(&with_previous, links)
        }
        _ => atom::render(&alerts, links),
    })
}
