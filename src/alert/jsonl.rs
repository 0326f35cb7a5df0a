//! The JSON-lines sink: each alert appended as one line (the JSON of `/api/alerts`) to the
//! output's target file.
//!
//! The file is its own cursor: before appending, the sink reads the `seq` of the last complete
//! line and appends only later alerts, so every alert is written exactly once even when the
//! daemon is killed mid-write — a torn last line (no newline) is cut off and written again.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::model::Alert;

/// Bytes read from the end of the file to find its last line.
const TAIL: u64 = 1 << 20;

/// The `seq` of the file's last complete line (0 for a missing or empty file), after cutting
/// off a torn last line.
pub fn last_seq(path: &Path) -> std::io::Result<u64> {
    let mut file = match OpenOptions::new().read(true).write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let len = file.metadata()?.len();
    let start = len.saturating_sub(TAIL);
    file.seek(SeekFrom::Start(start))?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail)?;
    let complete = tail.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    if complete < tail.len() {
        file.set_len(start + complete as u64)?;
        file.sync_all()?;
    }
    let mut lines = tail[..complete].split(|&b| b == b'\n').filter(|l| !l.is_empty());
    let last = lines.next_back().and_then(|l| serde_json::from_slice::<serde_json::Value>(l).ok());
    Ok(last.and_then(|v| v["seq"].as_u64()).unwrap_or(0))
}

/// Append `alerts` (in sequence order, all after [`last_seq`]) and flush them to disk.
pub fn append(path: &Path, alerts: &[Alert]) -> std::io::Result<()> {
    if alerts.is_empty() {
        return Ok(());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut buf = Vec::new();
    for a in alerts {
        serde_json::to_writer(&mut buf, a).map_err(std::io::Error::other)?;
        buf.push(b'\n');
    }
    let mut file: File = OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(&buf)?;
    file.sync_data()
}
