//! Hot reload: every few seconds the daemon fingerprints each pipeline's files (the pipeline
//! TOML, its OPML file and every lexicon file: path, size, modification time); on a change,
//! or on SIGHUP, it loads and builds the pipeline anew and swaps it in.
//!
//! A build that fails (a broken lexicon, a typo in the pipeline) leaves the running pipeline
//! as it was and reports the error in the log and on `/healthz` until a later reload
//! succeeds. The name and data directory cannot change under a running daemon.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;
use tracing::{error, info};

use super::handle::PipelineHandle;
use crate::config::{Pipeline, PipelineConfig};
use crate::store::Store;

/// Watch the pipelines' files until `stop` turns true.
pub(super) async fn reload_loop(handles: Vec<Arc<PipelineHandle>>, every: Duration, mut stop: watch::Receiver<bool>) {
    let mut prints: Vec<u64> = handles.iter().map(|h| fingerprint(&h.path, &h.current())).collect();
    let mut hangup = hangup_signal();
    loop {
        let forced = tokio::select! {
            _ = tokio::time::sleep(every) => false,
            _ = hangup.recv() => true,
            _ = stop.wait_for(|s| *s) => return,
        };
        if forced {
            info!("SIGHUP: reloading every pipeline.");
        }
        for (h, print) in handles.iter().zip(prints.iter_mut()) {
            let now = fingerprint(&h.path, &h.current());
            if forced || now != *print {
                // The print taken before reading the files: a file still being written while
                // the reload read it shows as a change at the next check and reloads again
                // (so does a new lexicon folder, once), never as a reload that saw half a file.
                *print = now;
                reload(h).await;
            }
        }
    }
}

/// Reload one pipeline now.
pub async fn reload(h: &PipelineHandle) {
    let (path, name) = (h.path.clone(), h.name.clone());
    let data_dir = h.current().config.pipeline.data_dir.clone();
    let built = tokio::task::spawn_blocking(move || -> Result<Pipeline, String> {
        let config = PipelineConfig::load(&path).map_err(|e| e.to_string())?;
        fixed_identity(&path, &config, &name, &data_dir)?;
        let pipeline = config.build().map_err(|e| e.to_string())?;
        let mut store = Store::open(&pipeline.state_path()).map_err(|e| format!("state database: {e}"))?;
        super::deliver::start_webhooks(&mut store, &pipeline.config).map_err(|e| format!("state database: {e}"))?;
        Ok(pipeline)
    })
    .await
    .unwrap_or_else(|e| Err(format!("reload task failed: {e}")));
    match built {
        Ok(p) => {
            h.replace(p);
            h.update_health(|s| {
                s.last_reload = Some(Utc::now());
                s.reload_error = None;
            });
            info!(pipeline = %h.name, "Reloaded the pipeline and its lexicons.");
        }
        Err(e) => {
            error!(pipeline = %h.name, "Reload failed; the previous pipeline keeps running:\n{e}");
            h.update_health(|s| s.reload_error = Some(e));
        }
    }
}

/// The name and data directory identify a running pipeline (its feeds, API pages, index and
/// state): a reload that changes either is refused, naming the file and both values.
fn fixed_identity(path: &Path, config: &PipelineConfig, name: &str, data_dir: &Path) -> Result<(), String> {
    let new = &config.pipeline;
    let mut changed = Vec::new();
    if new.name != name {
        changed.push(format!("name from {name:?} to {:?}", new.name));
    }
    if new.data_dir != data_dir {
        changed.push(format!(
            "data_dir from {:?} to {:?}",
            data_dir.display().to_string(),
            new.data_dir.display().to_string()
        ));
    }
    if changed.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{}: [pipeline] {} changed; a running daemon cannot rename a pipeline or move its data: \
         restart the daemon to apply it (the pipeline keeps running as it was)",
        path.display(),
        changed.join(" and ")
    ))
}

/// A hash of the sizes and modification times of every file the pipeline is built from.
fn fingerprint(path: &Path, pipeline: &Pipeline) -> u64 {
    let mut hasher = DefaultHasher::new();
    let mut files = vec![path.to_path_buf()];
    files.extend(pipeline.config.feeds.as_ref().and_then(|f| f.opml.clone()));
    for root in &pipeline.config.pipeline.lexicons {
        collect(root, &mut files);
    }
    files.sort();
    for f in files {
        let meta = std::fs::metadata(&f).ok();
        (f, meta.as_ref().map(|m| m.len()), meta.and_then(|m| m.modified().ok())).hash(&mut hasher);
    }
    hasher.finish()
}

fn collect(path: &Path, out: &mut Vec<std::path::PathBuf>) {
    match std::fs::read_dir(path) {
        Ok(entries) => {
            for e in entries.flatten() {
                collect(&e.path(), out);
            }
        }
        Err(_) => out.push(path.to_path_buf()),
    }
}

/// SIGHUP on Unix; a signal that never comes elsewhere.
struct Hangup(#[cfg(unix)] Option<tokio::signal::unix::Signal>);

fn hangup_signal() -> Hangup {
    #[cfg(unix)]
    {
        Hangup(tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok())
    }
    #[cfg(not(unix))]
    {
        Hangup()
    }
}

impl Hangup {
    async fn recv(&mut self) {
        #[cfg(unix)]
        if let Some(s) = &mut self.0 {
            s.recv().await;
            return;
        }
        std::future::pending::<()>().await
    }
}
