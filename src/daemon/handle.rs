//! One pipeline as the daemon holds it: the current built [`Pipeline`] (swapped by a reload),
//! its index opened once for the API and the watches, its health, and the signals between
//! its cycle loop, its delivery loop and the reloader.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::sync::{Notify, watch};

use crate::alert::Links;
use crate::config::Pipeline;
use crate::index::ArticleIndex;

/// What `/healthz` says about a pipeline.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Health {
    /// Pipeline name.
    pub name: String,
    /// The pipeline file.
    pub file: String,
    /// Cycles run since the start.
    pub cycles: u64,
    /// When the last cycle ended.
    pub last_cycle: Option<DateTime<Utc>>,
    /// Why the last cycle failed, if it did (a feed's failure never fails a cycle).
    pub last_cycle_error: Option<String>,
    /// When the next cycle is planned.
    pub next_cycle: Option<DateTime<Utc>>,
    /// When the pipeline or its lexicons were last reloaded successfully.
    pub last_reload: Option<DateTime<Utc>>,
    /// Why the last reload failed: the previous pipeline and lexicons keep running.
    pub reload_error: Option<String>,
    /// The highest alert sequence raised.
    pub last_alert_seq: u64,
    /// The last error of each push output that failed its last round.
    pub delivery_errors: BTreeMap<String, String>,
}

/// A running pipeline.
#[derive(Debug)]
pub struct PipelineHandle {
    /// Pipeline name (fixed for the daemon's life).
    pub name: String,
    /// The pipeline file, watched for changes.
    pub path: PathBuf,
    /// The article index, for searches, trends and watches.
    pub index: ArticleIndex,
    links: Links,
    current: RwLock<Arc<Pipeline>>,
    health: Mutex<Health>,
    alerts: watch::Sender<u64>,
    wake: Notify,
    generation: AtomicU64,
}

impl PipelineHandle {
    /// A handle for a built pipeline whose index is open.
    pub fn new(path: PathBuf, pipeline: Pipeline, index: ArticleIndex, public_url: &str, last_seq: u64) -> Self {
        let name = pipeline.config.pipeline.name.clone();
        let health = Health {
            name: name.clone(),
            file: path.display().to_string(),
            last_alert_seq: last_seq,
            ..Health::default()
        };
        PipelineHandle {
            links: Links::new(public_url, &name),
            name,
            path,
            index,
            current: RwLock::new(Arc::new(pipeline)),
            health: Mutex::new(health),
            alerts: watch::channel(last_seq).0,
            wake: Notify::new(),
            generation: AtomicU64::new(0),
        }
    }

    /// The pipeline as built now.
    pub fn current(&self) -> Arc<Pipeline> {
        self.current.read().expect("pipeline lock").clone()
    }

    /// Replace the pipeline (after a reload) and start a cycle soon.
    pub fn replace(&self, pipeline: Pipeline) {
        *self.current.write().expect("pipeline lock") = Arc::new(pipeline);
        self.wake.notify_one();
    }

    /// Links to this pipeline's API pages and feeds.
    pub fn links(&self) -> &Links {
        &self.links
    }

    /// A copy of the health.
    pub fn health(&self) -> Health {
        self.health.lock().expect("health lock").clone()
    }

    /// Change the health.
    pub fn update_health(&self, f: impl FnOnce(&mut Health)) {
        f(&mut self.health.lock().expect("health lock"));
    }

    /// Tell the delivery loop that alerts up to `seq` exist.
    pub fn alerts_raised(&self, seq: u64) {
        self.update_health(|h| h.last_alert_seq = h.last_alert_seq.max(seq));
        self.alerts.send_if_modified(|s| {
            let newer = seq > *s;
            *s = (*s).max(seq);
            newer
        });
    }

    /// Changes of the highest alert sequence.
    pub fn subscribe_alerts(&self) -> watch::Receiver<u64> {
        self.alerts.subscribe()
    }

    /// A number that changes after each cycle that committed articles to the index (cached
    /// API answers are valid for one generation).
    pub fn index_generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Note that the index changed.
    pub fn index_changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Resolves when a reload asks for a cycle now.
    pub async fn woken(&self) {
        self.wake.notified().await
    }
}
