//! Two lexicon sets on the same data: which examples change verdict, and how every metric
//! moves — what an analyst checks before merging a lexicon change.
//!
//! Both runs are ordinary [`Report`]s; this module lines up their slices and their
//! per-example verdicts. A change is one of four kinds: a positive newly `caught`, a positive
//! `lost`, a `new_false_alarm` or a `cleared_false_alarm`.

use std::collections::BTreeSet;

use serde::Serialize;

use super::load::Dataset;
use super::metrics::{CurvePoint, Scores};
use super::report::{Breakdown, Case, DatasetInfo, Decision, Judged, Report, Slice, case};
use super::spec::DatasetSpec;
use super::{LexiconsInfo, Outcome};
use crate::model::Level;

/// The comparison of two runs over one dataset.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The dataset.
    pub dataset: DatasetInfo,
    /// The decision rule (the same for both).
    pub decision: Decision,
    /// The old lexicons' results.
    pub old: Side,
    /// The new lexicons' results.
    pub new: Side,
    /// `new − old` for the overall scores.
    pub delta: Delta,
    /// Per language.
    pub by_language: Vec<SliceDelta>,
    /// Per gold category.
    pub by_category: Vec<SliceDelta>,
    /// Per value of each group column.
    pub groups: Vec<BreakdownDelta>,
    /// How many examples changed verdict, by kind.
    pub summary: ChangeSummary,
    /// Every example whose verdict changed, in data order.
    pub changes: Vec<Change>,
}

/// One side of a comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// The lexicons.
    pub lexicons: LexiconsInfo,
    /// Overall scores.
    pub overall: Scores,
    /// Average precision.
    pub average_precision: Option<f64>,
    /// Best-F1 threshold.
    pub best_threshold: Option<CurvePoint>,
}

/// Differences `new − old`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Delta {
    /// Change in precision (null when either side has none).
    pub precision: Option<f64>,
    /// Change in recall.
    pub recall: Option<f64>,
    /// Change in F1.
    pub f1: Option<f64>,
    /// Change in accuracy.
    pub accuracy: Option<f64>,
    /// Change in flagged examples.
    pub flagged: i64,
    /// Change in true positives.
    pub tp: i64,
    /// Change in false positives.
    pub fp: i64,
    /// Change in false negatives.
    #[serde(rename = "fn")]
    pub fn_: i64,
    /// Change in true negatives.
    pub tn: i64,
}

impl Delta {
    /// `new − old`.
    pub fn between(old: &Scores, new: &Scores) -> Self {
        let d = |a: Option<f64>, b: Option<f64>| Some(b? - a?);
        let i = |a: usize, b: usize| b as i64 - a as i64;
        let (o, n) = (&old.confusion, &new.confusion);
        Delta {
            precision: d(old.precision, new.precision),
            recall: d(old.recall, new.recall),
            f1: d(old.f1, new.f1),
            accuracy: d(old.accuracy, new.accuracy),
            flagged: i(old.flagged, new.flagged),
            tp: i(o.tp, n.tp),
            fp: i(o.fp, n.fp),
            fn_: i(o.fn_, n.fn_),
            tn: i(o.tn, n.tn),
        }
    }
}

/// One slice on both sides.
#[derive(Debug, Clone, Serialize)]
pub struct SliceDelta {
    /// The slice's value.
    pub value: String,
    /// Old scores.
    pub old: Scores,
    /// New scores.
    pub new: Scores,
    /// `new − old`.
    pub delta: Delta,
}

/// One group column on both sides.
#[derive(Debug, Clone, Serialize)]
pub struct BreakdownDelta {
    /// The column.
    pub column: String,
    /// Its slices.
    pub slices: Vec<SliceDelta>,
}

/// What happened to one example.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A positive the old lexicons missed and the new ones flag.
    Caught,
    /// A positive the old lexicons flagged and the new ones miss.
    Lost,
    /// A negative the new lexicons flag and the old ones did not.
    NewFalseAlarm,
    /// A negative the old lexicons flagged and the new ones do not.
    ClearedFalseAlarm,
}

impl ChangeKind {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Caught => "caught",
            ChangeKind::Lost => "lost",
            ChangeKind::NewFalseAlarm => "new_false_alarm",
            ChangeKind::ClearedFalseAlarm => "cleared_false_alarm",
        }
    }

    /// Whether the change is an improvement.
    pub fn is_better(self) -> bool {
        matches!(self, ChangeKind::Caught | ChangeKind::ClearedFalseAlarm)
    }
}

/// Counts of changes by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ChangeSummary {
    /// Positives newly flagged.
    pub caught: usize,
    /// Positives no longer flagged.
    pub lost: usize,
    /// Negatives newly flagged.
    pub new_false_alarms: usize,
    /// Negatives no longer flagged.
    pub cleared_false_alarms: usize,
    /// Examples whose score changed, verdict or not.
    pub score_changed: usize,
}

/// One example whose verdict changed.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// What happened.
    pub change: ChangeKind,
    /// Whether the example is a gold positive.
    pub gold: bool,
    /// The level with the old lexicons.
    pub old_level: Level,
    /// The score with the old lexicons.
    pub old_score: f64,
    /// Terms and rules that fire only with the new lexicons.
    pub added: Vec<String>,
    /// Terms and rules that fire only with the old lexicons.
    pub removed: Vec<String>,
    /// The example with the new lexicons' verdict and evidence (`level`, `score`, `evidence`).
    #[serde(flatten)]
    pub case: Case,
}

/// Line up two runs over the same examples.
pub fn compare(
    spec: &DatasetSpec,
    data: &Dataset,
    old: (&Report, &[Outcome]),
    new: (&Report, &[Outcome]),
) -> Comparison {
    let min_level = old.0.decision.min_level;
    let mut summary = ChangeSummary::default();
    let mut changes = Vec::new();
    for ((example, o), n) in data.examples.iter().zip(old.1).zip(new.1) {
        summary.score_changed += usize::from(o.assessment.score != n.assessment.score);
        let (was, is) = (o.assessment.level >= min_level, n.assessment.level >= min_level);
        if was == is {
            continue;
        }
        let kind = match (example.gold, is) {
            (true, true) => ChangeKind::Caught,
            (true, false) => ChangeKind::Lost,
            (false, true) => ChangeKind::NewFalseAlarm,
            (false, false) => ChangeKind::ClearedFalseAlarm,
        };
        match kind {
            ChangeKind::Caught => summary.caught += 1,
            ChangeKind::Lost => summary.lost += 1,
            ChangeKind::NewFalseAlarm => summary.new_false_alarms += 1,
            ChangeKind::ClearedFalseAlarm => summary.cleared_false_alarms += 1,
        }
        let fired = |out: &Outcome| -> BTreeSet<String> {
            out.assessment.evidence.iter().map(|e| e.term_or_rule.clone()).collect()
        };
        let (before, after) = (fired(o), fired(n));
        changes.push(Change {
            change: kind,
            gold: example.gold,
            old_level: o.assessment.level,
            old_score: o.assessment.score,
            added: after.difference(&before).cloned().collect(),
            removed: before.difference(&after).cloned().collect(),
            case: case(spec, data, &Judged { example, outcome: n, flagged: is }),
        });
    }
    Comparison {
        dataset: new.0.dataset.clone(),
        decision: new.0.decision,
        old: side(old.0),
        new: side(new.0),
        delta: Delta::between(&old.0.overall, &new.0.overall),
        by_language: slice_deltas(&old.0.by_language, &new.0.by_language),
        by_category: slice_deltas(&old.0.by_category, &new.0.by_category),
        groups: old
            .0
            .groups
            .iter()
            .zip(&new.0.groups)
            .map(|(o, n): (&Breakdown, &Breakdown)| BreakdownDelta {
                column: o.column.clone(),
                slices: slice_deltas(&o.slices, &n.slices),
            })
            .collect(),
        summary,
        changes,
    }
}

fn side(r: &Report) -> Side {
    Side {
        lexicons: r.lexicons.clone(),
        overall: r.overall,
        average_precision: r.average_precision,
        best_threshold: r.best_threshold,
    }
}

/// Pair slices by value (both runs see the same examples, so the same values, except that a
/// detected language may differ; those are paired with an empty side).
fn slice_deltas(old: &[Slice], new: &[Slice]) -> Vec<SliceDelta> {
    let empty = Scores::from(super::metrics::Confusion::default());
    let mut values: Vec<&str> = old.iter().map(|s| s.value.as_str()).collect();
    values.extend(new.iter().map(|s| s.value.as_str()).filter(|v| !old.iter().any(|s| s.value == *v)));
    values
        .into_iter()
        .map(|v| {
            let find = |list: &[Slice]| list.iter().find(|s| s.value == v).map_or(empty, |s| s.scores);
            let (o, n) = (find(old), find(new));
            SliceDelta { value: v.to_string(), old: o, new: n, delta: Delta::between(&o, &n) }
        })
        .collect()
}
