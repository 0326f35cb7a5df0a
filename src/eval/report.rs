//! The evaluation report: examples and their assessments → every number an analyst looks at.
//!
//! [`Report`] is plain serde data and its JSON form is a documented contract (README,
//! "Evaluating lexicons"); the terminal and HTML renderers read nothing else. Breakdowns keep
//! the order in which their values first appear in the data (HateCheck's functionalities stay
//! in the paper's order).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::load::{Dataset, Example, Skipped};
use super::metrics::{Confusion, CurvePoint, Ranking, Scores};
use super::spec::DatasetSpec;
use super::terms::{CategoryStats, TermStats, term_tables};
use super::{LexiconsInfo, Options, Outcome};
use crate::config::Levels;
use crate::model::{Evidence, Level};

/// How many skipped rows a report lists (it always counts them all).
const SKIPPED_SHOWN: usize = 20;

/// Everything `tocsin eval` reports about one dataset and one lexicon set.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// What was evaluated.
    pub dataset: DatasetInfo,
    /// With which lexicons.
    pub lexicons: LexiconsInfo,
    /// The decision rule.
    pub decision: Decision,
    /// Scores over all examples.
    pub overall: Scores,
    /// Area under the precision-recall step curve; null without positives.
    pub average_precision: Option<f64>,
    /// The score threshold with the best F1, had one flagged by score alone.
    pub best_threshold: Option<CurvePoint>,
    /// Scores per language, in order of first appearance.
    pub by_language: Vec<Slice>,
    /// Scores per gold category (e.g. `threat`, `offensive`, `not hate`).
    pub by_category: Vec<Slice>,
    /// Scores per value of each group column (HateCheck: functionality, target).
    pub groups: Vec<Breakdown>,
    /// Precision, recall and F1 at thresholds 0.05, 0.10, … 1.00.
    pub sweep: Vec<CurvePoint>,
    /// The precision-recall curve, one point per distinct score, highest threshold first.
    pub pr_curve: Vec<CurvePoint>,
    /// Every term and rule that fired, most false alarms first.
    pub terms: Vec<TermStats>,
    /// The same per evidence category.
    pub evidence_categories: Vec<CategoryStats>,
    /// Negatives flagged, highest score first.
    pub false_positives: Vec<Case>,
    /// Positives missed, highest score (nearest miss) first.
    pub false_negatives: Vec<Case>,
    /// The first rows that could not be read (`dataset.skipped` counts them all).
    pub skipped: Vec<Skipped>,
    /// Languages of the data with no lexicon (their examples can only be caught by universal
    /// lexicons).
    pub languages_without_lexicon: Vec<String>,
}

/// What was evaluated.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetInfo {
    /// Preset or file name.
    pub name: String,
    /// Files read.
    pub files: Vec<String>,
    /// Examples evaluated.
    pub examples: usize,
    /// Gold positives.
    pub positives: usize,
    /// Gold negatives.
    pub negatives: usize,
    /// Rows left out by `exclude` conditions.
    pub excluded: usize,
    /// Rows that could not be read.
    pub skipped: usize,
    /// The positive conditions (any may hold).
    pub positive: Vec<String>,
    /// The exclude conditions.
    pub exclude: Vec<String>,
}

/// The decision rule and the level thresholds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Decision {
    /// Predicted positive means `level >= min_level`.
    pub min_level: Level,
    /// The score at which `min_level` starts.
    pub threshold: f64,
    /// Level thresholds in use.
    pub watch: f64,
    /// Level thresholds in use.
    pub warning: f64,
    /// Level thresholds in use.
    pub alert: f64,
}

impl Decision {
    /// The rule for `min_level` under `levels`.
    pub fn new(min_level: Level, levels: Levels) -> Self {
        let threshold = match min_level {
            Level::None => 0.0,
            Level::Watch => levels.watch,
            Level::Warning => levels.warning,
            Level::Alert => levels.alert,
        };
        Decision { min_level, threshold, watch: levels.watch, warning: levels.warning, alert: levels.alert }
    }
}

/// Scores of the examples sharing one value (a language, a category, a functionality).
#[derive(Debug, Clone, Serialize)]
pub struct Slice {
    /// The value (empty cells show as `(none)`).
    pub value: String,
    /// Scores for these examples.
    #[serde(flatten)]
    pub scores: Scores,
}

/// One group column's slices.
#[derive(Debug, Clone, Serialize)]
pub struct Breakdown {
    /// The column.
    pub column: String,
    /// One slice per value, in order of first appearance.
    pub slices: Vec<Slice>,
}

/// One misclassified example, with what fired.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    /// The file it came from.
    pub file: String,
    /// Its line there.
    pub line: u64,
    /// The text.
    pub text: String,
    /// The language it was classified in.
    pub lang: String,
    /// Its gold category.
    pub category: String,
    /// Its group values, by column.
    pub groups: BTreeMap<String, String>,
    /// The score.
    pub score: f64,
    /// The level.
    pub level: Level,
    /// Everything that fired (empty for most misses).
    pub evidence: Vec<Evidence>,
}

/// An example with its verdict, as the builders below see it.
pub(crate) struct Judged<'a> {
    pub example: &'a Example,
    pub outcome: &'a Outcome,
    pub flagged: bool,
}

/// Build the report.
pub fn build(
    spec: &DatasetSpec,
    data: &Dataset,
    outcomes: &[Outcome],
    lexicons: &LexiconsInfo,
    levels: Levels,
    options: Options,
) -> Report {
    let judged: Vec<Judged> = data
        .examples
        .iter()
        .zip(outcomes)
        .map(|(example, outcome)| Judged { example, outcome, flagged: outcome.assessment.level >= options.min_level })
        .collect();
    let overall = Scores::from(Confusion::of(judged.iter().map(|j| (j.example.gold, j.flagged))));
    let ranking = Ranking::new(judged.iter().map(|j| (j.outcome.assessment.score, j.example.gold)).collect());
    let groups = spec
        .groups
        .iter()
        .enumerate()
        .map(|(i, column)| Breakdown {
            column: column.clone(),
            slices: slices(&judged, |j| j.example.groups[i].as_str()),
        })
        .collect();
    let (terms, evidence_categories) = term_tables(&judged);
    let mut languages_without_lexicon: Vec<String> = Vec::new();
    for j in &judged {
        let l = &j.outcome.lang;
        if !lexicons.languages.contains(l) && !languages_without_lexicon.contains(l) {
            languages_without_lexicon.push(l.clone());
        }
    }
    Report {
        dataset: dataset_info(spec, data, &overall),
        lexicons: lexicons.clone(),
        decision: Decision::new(options.min_level, levels),
        overall,
        average_precision: ranking.average_precision(),
        best_threshold: ranking.best_f1(),
        by_language: slices(&judged, |j| j.outcome.lang.as_str()),
        by_category: slices(&judged, |j| j.example.category.as_str()),
        groups,
        sweep: ranking.sweep(0.05),
        pr_curve: ranking.pr_curve(),
        terms,
        evidence_categories,
        false_positives: worst(spec, data, &judged, false, options.top),
        false_negatives: worst(spec, data, &judged, true, options.top),
        skipped: data.skipped.iter().take(SKIPPED_SHOWN).cloned().collect(),
        languages_without_lexicon,
    }
}

fn dataset_info(spec: &DatasetSpec, data: &Dataset, overall: &Scores) -> DatasetInfo {
    DatasetInfo {
        name: spec.name.clone(),
        files: data.files.iter().map(|f| f.display().to_string()).collect(),
        examples: overall.examples,
        positives: overall.positives,
        negatives: overall.examples - overall.positives,
        excluded: data.excluded,
        skipped: data.skipped.len(),
        positive: spec.positive.iter().map(|c| c.to_string()).collect(),
        exclude: spec.exclude.iter().map(|c| c.to_string()).collect(),
    }
}

/// Scores per value of `key`, in order of first appearance.
pub(crate) fn slices<'a>(judged: &'a [Judged], key: impl Fn(&'a Judged) -> &'a str) -> Vec<Slice> {
    let mut order: Vec<&str> = Vec::new();
    let mut counts: HashMap<&str, Confusion> = HashMap::new();
    for j in judged {
        let k = key(j);
        counts.entry(k).or_insert_with(|| {
            order.push(k);
            Confusion::default()
        });
        counts.get_mut(k).expect("inserted").add(j.example.gold, j.flagged);
    }
    order
        .into_iter()
        .map(|k| Slice { value: if k.is_empty() { "(none)".into() } else { k.to_string() }, scores: counts[k].into() })
        .collect()
}

/// The top false negatives (`gold`) or false positives (`!gold`), highest score first.
fn worst(spec: &DatasetSpec, data: &Dataset, judged: &[Judged], gold: bool, top: usize) -> Vec<Case> {
    let mut wrong: Vec<&Judged> = judged.iter().filter(|j| j.example.gold == gold && j.flagged != gold).collect();
    wrong.sort_by(|a, b| b.outcome.assessment.score.total_cmp(&a.outcome.assessment.score));
    wrong.into_iter().take(top).map(|j| case(spec, data, j)).collect()
}

pub(crate) fn case(spec: &DatasetSpec, data: &Dataset, j: &Judged) -> Case {
    let e = j.example;
    Case {
        file: data.files[e.file].display().to_string(),
        line: e.line,
        text: e.text.clone(),
        lang: j.outcome.lang.clone(),
        category: e.category.clone(),
        groups: spec.groups.iter().cloned().zip(e.groups.iter().cloned()).collect(),
        score: j.outcome.assessment.score,
        level: j.outcome.assessment.level,
        evidence: j.outcome.assessment.evidence.clone(),
    }
}
