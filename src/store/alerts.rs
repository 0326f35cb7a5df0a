//! The daemon's alert log: every alert with its monotonic sequence, once per subject (an
//! article id, or a watch bucket) and level; the webhook delivery log; and each push output's
//! cursor (the last sequence it delivered).
//!
//! `seq` is an `AUTOINCREMENT` key, so it only grows, even across deleted rows and restarts.
//! `UNIQUE (subject, level)` makes raising idempotent: the daemon raises alerts after the
//! index commit and before the articles are recorded as seen, so a kill in between makes the
//! next cycle raise the same alerts again, which the log ignores — no loss, no duplicate.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::{Store, StoreError};
use crate::model::{Alert, Level};

/// Tables added in state version 3.
pub(super) const SCHEMA_V3: &str = "
CREATE TABLE IF NOT EXISTS alert (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    subject TEXT NOT NULL,
    level INTEGER NOT NULL,
    created TEXT NOT NULL,
    record TEXT NOT NULL,
    UNIQUE (subject, level)
);
CREATE TABLE IF NOT EXISTS alert_delivery (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    output TEXT NOT NULL,
    seq INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    at TEXT NOT NULL,
    status INTEGER,
    error TEXT,
    delivered INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS alert_delivery_output ON alert_delivery (output, seq);
CREATE TABLE IF NOT EXISTS output_cursor (
    output TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
);
";

/// An alert to raise: what it is about (`subject`: an article id or `watch:NAME:BUCKET`) and
/// its content; `seq`, `created`, `updates` and `previous_level` are filled in when raised.
#[derive(Debug, Clone)]
pub struct NewAlert {
    /// What the alert is about; one alert per subject and level.
    pub subject: String,
    /// The alert.
    pub alert: Alert,
}

/// One attempt to deliver an alert to a push output.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// Output name (`webhook:URL`).
    pub output: String,
    /// Alert sequence.
    pub seq: u64,
    /// Attempt number in its round, from 1.
    pub attempt: u32,
    /// When.
    pub at: DateTime<Utc>,
    /// HTTP status, when the server answered.
    pub status: Option<u16>,
    /// What went wrong.
    pub error: Option<String>,
    /// Whether the output accepted it.
    pub delivered: bool,
}

impl Store {
    /// Raise alerts in one transaction: each new (subject, level) gets the next sequence, an
    /// escalation records the alert it updates, and a level at or below one already raised
    /// for the subject is ignored. Returns the alerts raised, in sequence order.
    pub fn raise_alerts(&mut self, new: &[NewAlert], now: DateTime<Utc>) -> Result<Vec<Alert>, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut raised = Vec::new();
        for n in new {
            let top: Option<(u64, u64)> = tx
                .query_row(
                    "SELECT seq, level FROM alert WHERE subject = ?1 ORDER BY level DESC LIMIT 1",
                    [&n.subject],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if top.is_some_and(|(_, level)| level >= n.alert.level.rank()) {
                continue;
            }
            tx.execute(
                "INSERT INTO alert (subject, level, created, record) VALUES (?1, ?2, ?3, '')",
                params![n.subject, n.alert.level.rank(), now],
            )?;
            let mut alert = n.alert.clone();
            alert.seq = tx.last_insert_rowid() as u64;
            alert.created = now;
            alert.updates = top.map(|(seq, _)| seq);
            alert.previous_level = top.and_then(|(_, level)| Level::ALL.get(level as usize).copied());
            let record = serde_json::to_string(&alert).expect("alerts serialise");
            tx.execute("UPDATE alert SET record = ?1 WHERE seq = ?2", params![record, alert.seq])?;
            raised.push(alert);
        }
        tx.commit()?;
        Ok(raised)
    }

    /// Alerts after `seq` at `min_level` or above, oldest first, at most `limit`.
    pub fn alerts_since(&self, seq: u64, min_level: Level, limit: usize) -> Result<Vec<Alert>, StoreError> {
        self.alert_rows(
            "SELECT record FROM alert WHERE seq > ?1 AND level >= ?2 ORDER BY seq LIMIT ?3",
            params![seq, min_level.rank(), limit as i64],
        )
    }

    /// The `limit` most recent alerts at `min_level` or above, newest first.
    pub fn recent_alerts(&self, min_level: Level, limit: usize) -> Result<Vec<Alert>, StoreError> {
        self.alert_rows(
            "SELECT record FROM alert WHERE level >= ?1 ORDER BY seq DESC LIMIT ?2",
            params![min_level.rank(), limit as i64],
        )
    }

    /// Every alert raised for an article, oldest first.
    pub fn alerts_for(&self, subject: &str) -> Result<Vec<Alert>, StoreError> {
        self.alert_rows("SELECT record FROM alert WHERE subject = ?1 ORDER BY seq", params![subject])
    }

    /// One alert by sequence.
    pub fn alert(&self, seq: u64) -> Result<Option<Alert>, StoreError> {
        Ok(self.alert_rows("SELECT record FROM alert WHERE seq = ?1", params![seq])?.pop())
    }

    /// The highest sequence raised so far (0 when none).
    pub fn last_alert_seq(&self) -> Result<u64, StoreError> {
        self.conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM alert", [], |r| r.get(0))
    }

    fn alert_rows(&self, sql: &str, args: impl rusqlite::Params) -> Result<Vec<Alert>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(args, |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for row in rows {
            let json = row?;
            match serde_json::from_str(&json) {
                Ok(a) => out.push(a),
                Err(e) => tracing::warn!("Skipped an unreadable alert record: {e}"),
            }
        }
        Ok(out)
    }

    /// The last sequence a push output delivered (0 when none).
    pub fn output_cursor(&self, output: &str) -> Result<u64, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT seq FROM output_cursor WHERE output = ?1")?;
        Ok(stmt.query_row([output], |r| r.get(0)).optional()?.unwrap_or(0))
    }

    /// Start a push output, or note a replay: the cursor of an output seen for the first time
    /// is the newest alert's sequence (a new subscriber gets what is raised from now on),
    /// or `replay_from - 1` when `replay_from` is set; a `replay_from` different from the one
    /// last applied moves an existing cursor back (or forward) once. An output from before
    /// cursors were created on sight, which logged attempts but never delivered, resumes at
    /// its first attempted alert. Returns the cursor.
    pub fn start_output(&mut self, output: &str, replay_from: Option<u64>) -> Result<u64, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row: Option<(u64, Option<u64>)> = tx
            .query_row("SELECT seq, replay_from FROM output_cursor WHERE output = ?1", [output], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let replay = replay_from.map(|r| r.saturating_sub(1));
        let cursor = match row {
            Some((seq, applied)) if replay_from.is_none() || applied == replay_from => seq,
            Some(_) => replay.unwrap_or_default(),
            None => match replay {
                Some(seq) => seq,
                None => tx.query_row(
                    "SELECT COALESCE((SELECT MIN(seq) - 1 FROM alert_delivery WHERE output = ?1),
                                     (SELECT MAX(seq) FROM alert), 0)",
                    [output],
                    |r| r.get(0),
                )?,
            },
        };
        tx.execute(
            "INSERT INTO output_cursor (output, seq, replay_from) VALUES (?1, ?2, ?3)
             ON CONFLICT(output) DO UPDATE SET seq = ?2, replay_from = ?3",
            params![output, cursor, replay_from],
        )?;
        tx.commit()?;
        Ok(cursor)
    }

    /// Record a delivery attempt, and move the output's cursor past `seq` when `advance`.
    pub fn log_delivery(&mut self, d: &Delivery, advance: bool) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO alert_delivery (output, seq, attempt, at, status, error, delivered)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![d.output, d.seq, d.attempt, d.at, d.status, d.error, d.delivered],
        )?;
        if advance {
            tx.execute(
                "INSERT INTO output_cursor (output, seq) VALUES (?1, ?2)
                 ON CONFLICT(output) DO UPDATE SET seq = MAX(seq, ?2)",
                params![d.output, d.seq],
            )?;
        }
        tx.commit()
    }

    /// The delivery log of an output, oldest first.
    pub fn deliveries(&self, output: &str) -> Result<Vec<Delivery>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT output, seq, attempt, at, status, error, delivered FROM alert_delivery WHERE output = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([output], |r| {
            Ok(Delivery {
                output: r.get(0)?,
                seq: r.get(1)?,
                attempt: r.get(2)?,
                at: r.get(3)?,
                status: r.get(4)?,
                error: r.get(5)?,
                delivered: r.get(6)?,
            })
        })?;
        rows.collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AlertKind;

    fn new(subject: &str, level: Level) -> NewAlert {
        let alert = Alert {
            seq: 0,
            article_id: Some(subject.into()),
            level,
            reason: "test".into(),
            created: Utc::now(),
            pipeline: "p".into(),
            kind: AlertKind::Article,
            updates: None,
            previous_level: None,
            article: None,
            spike: None,
        };
        NewAlert { subject: subject.into(), alert }
    }

    #[test]
    fn alerts_are_raised_once_per_subject_and_level_and_escalate() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("state.sqlite")).unwrap();
        let now = Utc::now();
        let first = s.raise_alerts(&[new("a", Level::Warning), new("b", Level::Alert)], now).unwrap();
        assert_eq!(first.iter().map(|a| a.seq).collect::<Vec<_>>(), [1, 2]);
        assert!(s.raise_alerts(&[new("a", Level::Warning), new("b", Level::Warning)], now).unwrap().is_empty());
        let up = s.raise_alerts(&[new("a", Level::Alert)], now).unwrap();
        assert_eq!((up[0].seq, up[0].updates, up[0].previous_level), (3, Some(1), Some(Level::Warning)));
        assert_eq!(s.alerts_since(1, Level::Warning, 10).unwrap().len(), 2);
        assert_eq!(s.recent_alerts(Level::Alert, 10).unwrap().iter().map(|a| a.seq).collect::<Vec<_>>(), [3, 2]);
        assert_eq!(s.alerts_for("a").unwrap().len(), 2);
        assert_eq!(s.last_alert_seq().unwrap(), 3);
    }

    #[test]
    fn the_cursor_only_moves_forward() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("state.sqlite")).unwrap();
        let d = |seq, delivered| Delivery {
            output: "w".into(),
            seq,
            attempt: 1,
            at: Utc::now(),
            status: Some(200),
            error: None,
            delivered,
        };
        s.log_delivery(&d(5, true), true).unwrap();
        s.log_delivery(&d(3, true), true).unwrap();
        s.log_delivery(&d(6, false), false).unwrap();
        assert_eq!(s.output_cursor("w").unwrap(), 5);
        assert_eq!(s.deliveries("w").unwrap().len(), 3);
    }

    #[test]
    fn a_new_output_starts_at_the_newest_alert_unless_told_to_replay() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("state.sqlite")).unwrap();
        s.raise_alerts(&[new("a", Level::Warning), new("b", Level::Alert), new("c", Level::Alert)], Utc::now())
            .unwrap();
        assert_eq!(s.start_output("late", None).unwrap(), 3, "a new subscriber skips the history");
        assert_eq!(s.start_output("late", None).unwrap(), 3);
        assert_eq!(s.start_output("archive", Some(1)).unwrap(), 0, "replay_from = 1 is the whole log");
        assert_eq!(s.start_output("from-2", Some(2)).unwrap(), 1);
        // The cursor advances; the same replay_from is not applied twice.
        let delivered = Delivery {
            output: "from-2".into(),
            seq: 3,
            attempt: 1,
            at: Utc::now(),
            status: Some(200),
            error: None,
            delivered: true,
        };
        s.log_delivery(&delivered, true).unwrap();
        assert_eq!(s.start_output("from-2", Some(2)).unwrap(), 3);
        // A changed replay_from moves the cursor once.
        assert_eq!(s.start_output("from-2", Some(3)).unwrap(), 2);
        assert_eq!(s.start_output("from-2", Some(3)).unwrap(), 2);
        // An output that only ever failed, from before cursors were made on sight, resumes
        // at its first attempt.
        s.log_delivery(
            &Delivery { output: "old".into(), seq: 2, delivered: false, status: Some(503), ..delivered },
            false,
        )
        .unwrap();
        assert_eq!(s.start_output("old", None).unwrap(), 1);
    }
}
