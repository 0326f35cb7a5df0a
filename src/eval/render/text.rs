//! The terminal report: the same sections as the JSON, as aligned tables, with long lists cut
//! to their most useful rows (`--json` has everything).

use std::fmt::Write;

use super::table::Table;
use super::{
    CATEGORY_COLUMNS, OVERALL_COLUMNS, SLICE_COLUMNS, SWEEP_COLUMNS, TERM_COLUMNS, category_cells, delta_cells,
    one_line, overall_cells, ratio, signed, slice_cells, sweep_cells, term_cells,
};
use crate::eval::compare::{ChangeKind, Comparison, SliceDelta};
use crate::eval::metrics::Scores;
use crate::eval::report::{Case, Report, Slice};

/// How many terms the terminal table shows.
pub const TERMS_SHOWN: usize = 25;

/// The whole report as text.
pub fn report(r: &Report) -> String {
    let mut out = String::new();
    header(&mut out, r);
    confusion(&mut out, &r.overall);
    let _ = writeln!(
        out,
        "\nOverall: precision {}  recall {}  F1 {}  accuracy {}  average precision {}",
        ratio(r.overall.precision),
        ratio(r.overall.recall),
        ratio(r.overall.f1),
        ratio(r.overall.accuracy),
        ratio(r.average_precision)
    );
    if let Some(b) = r.best_threshold {
        let _ = writeln!(
            out,
            "Best F1 by score threshold: {:.3} at score >= {:.4} (precision {}, recall {}, {} flagged)",
            b.f1.unwrap_or(0.0),
            b.threshold,
            ratio(b.precision),
            ratio(b.recall),
            b.flagged
        );
    }
    slices(&mut out, "By language", "language", &r.by_language);
    slices(&mut out, "By gold category", "category", &r.by_category);
    for g in &r.groups {
        slices(&mut out, &format!("By {}", g.column), &g.column, &g.slices);
    }
    sweep(&mut out, r);
    terms(&mut out, r);
    cases(&mut out, "False positives (negatives flagged), highest score first", &r.false_positives);
    cases(&mut out, "False negatives (positives missed), nearest miss first", &r.false_negatives);
    if !r.skipped.is_empty() {
        let _ = writeln!(out, "\nSkipped rows ({} in all):", r.dataset.skipped);
        for s in &r.skipped {
            let _ = writeln!(out, "  {}:{}: {}", s.file.display(), s.line, s.reason);
        }
    }
    out
}

fn header(out: &mut String, r: &Report) {
    let d = &r.dataset;
    let _ = writeln!(
        out,
        "{}: {} examples ({} positive, {} negative) from {}",
        d.name,
        d.examples,
        d.positives,
        d.negatives,
        d.files.join(", ")
    );
    let _ = writeln!(out, "Positive when: {}", d.positive.join("  or  "));
    if d.excluded > 0 || d.skipped > 0 {
        let _ = writeln!(out, "Left out: {} excluded, {} unreadable", d.excluded, d.skipped);
    }
    let l = &r.lexicons;
    let _ = writeln!(
        out,
        "Lexicons: {} ({} terms, {} rules; languages {})",
        l.paths.join(", "),
        l.terms,
        l.rules,
        l.languages.join(", ")
    );
    let _ = writeln!(out, "Flagged means: level >= {} (score >= {})", r.decision.min_level, r.decision.threshold);
    if !r.languages_without_lexicon.is_empty() {
        let _ = writeln!(
            out,
            "No lexicon for: {} (only universal lexicons can flag these examples)",
            r.languages_without_lexicon.join(", ")
        );
    }
}

fn confusion(out: &mut String, s: &Scores) {
    let c = &s.confusion;
    let mut t = Table::new(&["", "flagged", "not flagged"]);
    t.row(vec![format!("positive ({})", c.tp + c.fn_), format!("TP {}", c.tp), format!("FN {}", c.fn_)]);
    t.row(vec![format!("negative ({})", c.fp + c.tn), format!("FP {}", c.fp), format!("TN {}", c.tn)]);
    let _ = write!(out, "\nConfusion matrix\n{}", t.render(2));
}

fn slices(out: &mut String, title: &str, column: &str, list: &[Slice]) {
    let mut t = Table::new(&[&[column][..], &SLICE_COLUMNS[..]].concat());
    for s in list {
        t.row(slice_cells(&s.value, &s.scores));
    }
    let _ = write!(out, "\n{title}\n{}", t.render(2));
}

fn sweep(out: &mut String, r: &Report) {
    let mut t = Table::new(&SWEEP_COLUMNS);
    for p in &r.sweep {
        t.row(sweep_cells(p));
    }
    let points = r.pr_curve.len();
    let _ = write!(out, "\nThreshold sweep ({points} points on the PR curve in --json/--html)\n{}", t.render(2));
}

fn terms(out: &mut String, r: &Report) {
    let mut t = Table::new(&TERM_COLUMNS);
    for s in r.terms.iter().take(TERMS_SHOWN) {
        t.row(term_cells(s, 60));
    }
    let shown = r.terms.len().min(TERMS_SHOWN);
    let _ = write!(out, "\nTerms and rules, most false alarms first ({shown} of {})\n{}", r.terms.len(), t.render(2));
    let mut c = Table::new(&CATEGORY_COLUMNS);
    for s in &r.evidence_categories {
        c.row(category_cells(s));
    }
    let _ = write!(out, "\nEvidence categories\n{}", c.render(2));
}

/// One misclassified example: where it is, its verdict, the text, what fired.
pub fn case(out: &mut String, c: &Case) {
    let groups: Vec<String> = c.groups.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={v}")).collect();
    let _ = writeln!(
        out,
        "  {} score {:.3}  {}:{}  [{}, {}{}]",
        c.level.as_str().to_uppercase(),
        c.score,
        c.file,
        c.line,
        c.lang,
        c.category,
        if groups.is_empty() { String::new() } else { format!(", {}", groups.join(", ")) }
    );
    let _ = writeln!(out, "      {}", one_line(&c.text, 160));
    for e in &c.evidence {
        let _ = writeln!(
            out,
            "        {:<20} {:<9} {:.2}  {:?} ← {}",
            e.category,
            e.speech.as_str(),
            e.weight,
            one_line(&e.text, 40),
            one_line(&e.term_or_rule, 60)
        );
    }
}

fn cases(out: &mut String, title: &str, list: &[Case]) {
    let _ = writeln!(out, "\n{title}");
    if list.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for c in list {
        case(out, c);
    }
}

/// The comparison as text: metric deltas, slices that moved, then the changed examples.
pub fn comparison(c: &Comparison, top: usize) -> String {
    let mut out = String::new();
    let d = &c.dataset;
    let _ = writeln!(
        out,
        "{}: {} examples ({} positive), flagged means level >= {}",
        d.name, d.examples, d.positives, c.decision.min_level
    );
    for (name, l) in [("OLD", &c.old.lexicons), ("NEW", &c.new.lexicons)] {
        let _ = writeln!(out, "{name} lexicons: {} ({} terms, {} rules)", l.paths.join(", "), l.terms, l.rules);
    }
    let mut t = Table::new(&[&[""][..], &OVERALL_COLUMNS[..]].concat());
    t.row(overall_cells("old", &c.old.overall));
    t.row(overall_cells("new", &c.new.overall));
    t.row(delta_cells(&c.delta));
    let _ = write!(out, "\nOverall\n{}", t.render(2));
    let s = &c.summary;
    let _ = writeln!(
        out,
        "\nVerdict changes: {} caught, {} lost, {} new false alarms, {} cleared false alarms ({} scores changed)",
        s.caught, s.lost, s.new_false_alarms, s.cleared_false_alarms, s.score_changed
    );
    moved(&mut out, "By language", &c.by_language);
    moved(&mut out, "By gold category", &c.by_category);
    for g in &c.groups {
        moved(&mut out, &format!("By {}", g.column), &g.slices);
    }
    for kind in [ChangeKind::Lost, ChangeKind::NewFalseAlarm, ChangeKind::Caught, ChangeKind::ClearedFalseAlarm] {
        let list: Vec<_> = c.changes.iter().filter(|ch| ch.change == kind).collect();
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n{} ({}{})",
            kind.as_str(),
            list.len(),
            if list.len() > top { format!(", first {top}") } else { String::new() }
        );
        for ch in list.into_iter().take(top) {
            let _ = writeln!(out, "  was {} {:.3}; now:", ch.old_level.as_str().to_uppercase(), ch.old_score);
            case(&mut out, &ch.case);
            if !ch.added.is_empty() {
                let _ = writeln!(out, "      + {}", ch.added.join(", "));
            }
            if !ch.removed.is_empty() {
                let _ = writeln!(out, "      - {}", ch.removed.join(", "));
            }
        }
    }
    out
}

/// Slices whose scores moved.
fn moved(out: &mut String, title: &str, list: &[SliceDelta]) {
    let changed: Vec<&SliceDelta> = list.iter().filter(|s| s.old.confusion != s.new.confusion).collect();
    if changed.is_empty() {
        return;
    }
    let mut t = Table::new(&[
        "value",
        "examples",
        "old F1",
        "new F1",
        "F1 change",
        "accuracy change",
        "TP change",
        "FP change",
    ]);
    for s in changed {
        t.row(vec![
            s.value.clone(),
            s.new.examples.to_string(),
            ratio(s.old.f1),
            ratio(s.new.f1),
            signed(s.delta.f1),
            signed(s.delta.accuracy),
            format!("{:+}", s.delta.tp),
            format!("{:+}", s.delta.fp),
        ]);
    }
    let _ = write!(out, "\n{title} (slices that moved)\n{}", t.render(2));
}
