//! The HTML report: one self-contained page (inline CSS and SVG, no JavaScript, no external
//! assets) that an analyst can attach to a lexicon change or open offline.
//!
//! Every piece of text from the data or the lexicons goes through [`escape`]; the page is
//! well-formed XML (void elements self-closed) so that tests can parse it strictly.

use std::fmt::Write;

use super::svg::{BarRow, Marker, bars, pr_curve};
use super::{
    CATEGORY_COLUMNS, OVERALL_COLUMNS, SLICE_COLUMNS, SWEEP_COLUMNS, TERM_COLUMNS, category_cells, delta_cells,
    overall_cells, ratio, slice_cells, sweep_cells, term_cells,
};
use crate::eval::compare::{ChangeKind, Comparison};
use crate::eval::metrics::Scores;
use crate::eval::report::{Case, Report, Slice};
use crate::markup::escape;
use crate::model::Evidence;

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}\
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}\
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}mark{background:#ffd54f}\
.case{border-left:4px solid #ccc;padding:.3rem .8rem;margin:.8rem 0}.case p{margin:.2rem 0}.meta{color:#555;font-size:.9em}\
.better{border-color:#009E73}.worse{border-color:#D55E00}code{font-size:.9em}";

/// The report as one HTML page.
pub fn report(r: &Report) -> String {
    let mut h = String::new();
    open(&mut h, &format!("tocsin eval: {}", r.dataset.name));
    summary(&mut h, r);
    let _ = write!(h, "<h2>Confusion matrix</h2>{}", confusion(&r.overall));
    h.push_str("<h2>Precision–recall curve</h2>");
    let mut markers = Vec::new();
    if let (Some(p), Some(rc)) = (r.overall.precision, r.overall.recall) {
        markers.push(Marker { label: format!("level >= {}", r.decision.min_level), recall: rc, precision: p });
    }
    if let Some(b) = r.best_threshold
        && let (Some(p), Some(rc)) = (b.precision, b.recall)
    {
        markers.push(Marker { label: format!("best F1, score >= {:.3}", b.threshold), recall: rc, precision: p });
    }
    h.push_str(&pr_curve(&r.pr_curve, &markers));
    let _ = write!(h, "<p class=\"meta\">Average precision {}.</p>", ratio(r.average_precision));
    h.push_str("<h2>By language</h2>");
    h.push_str(&bars(
        "Precision, recall and F1 by language",
        &["precision", "recall", "F1"],
        &prf_rows(&r.by_language),
    ));
    slice_table(&mut h, "language", &r.by_language);
    h.push_str("<h2>By gold category</h2>");
    h.push_str(&bars("Share flagged by gold category", &["flagged"], &flag_rows(&r.by_category)));
    slice_table(&mut h, "category", &r.by_category);
    for g in &r.groups {
        let _ = write!(h, "<h2>By {}</h2>", escape(&g.column));
        let title = format!("Accuracy by {}", g.column);
        h.push_str(&bars(&title, &["accuracy"], &accuracy_rows(&g.slices)));
        slice_table(&mut h, &g.column, &g.slices);
    }
    sweep(&mut h, r);
    terms(&mut h, r);
    h.push_str("<h2>False positives</h2>");
    cases(&mut h, &r.false_positives, "worse");
    h.push_str("<h2>False negatives</h2>");
    cases(&mut h, &r.false_negatives, "worse");
    if !r.skipped.is_empty() {
        let _ = write!(h, "<h2>Skipped rows ({})</h2><ul>", r.dataset.skipped);
        for s in &r.skipped {
            let _ = write!(h, "<li>{}:{}: {}</li>", escape(&s.file.display().to_string()), s.line, escape(&s.reason));
        }
        h.push_str("</ul>");
    }
    h.push_str("</body></html>\n");
    h
}

fn open(h: &mut String, title: &str) {
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>{t}</title><style>{STYLE}</style></head><body><h1>{t}</h1>",
        t = escape(title)
    );
}

fn summary(h: &mut String, r: &Report) {
    let d = &r.dataset;
    let l = &r.lexicons;
    let _ = write!(
        h,
        "<p>{} examples ({} positive, {} negative) from <code>{}</code>. Positive when <code>{}</code>.</p>",
        d.examples,
        d.positives,
        d.negatives,
        escape(&d.files.join(", ")),
        escape(&d.positive.join(" or "))
    );
    let _ = write!(
        h,
        "<p>Lexicons <code>{}</code>: {} terms, {} rules; languages {}. Flagged means level ≥ {} (score ≥ {}).</p>",
        escape(&l.paths.join(", ")),
        l.terms,
        l.rules,
        escape(&l.languages.join(", ")),
        r.decision.min_level,
        r.decision.threshold
    );
    if !r.languages_without_lexicon.is_empty() {
        let _ = write!(
            h,
            "<p><strong>No lexicon for {}</strong>: only universal lexicons can flag those examples.</p>",
            escape(&r.languages_without_lexicon.join(", "))
        );
    }
    let o = &r.overall;
    let _ = write!(
        h,
        "<p><strong>Precision {} · recall {} · F1 {}</strong> · accuracy {}.</p>",
        ratio(o.precision),
        ratio(o.recall),
        ratio(o.f1),
        ratio(o.accuracy)
    );
}

fn confusion(s: &Scores) -> String {
    let c = &s.confusion;
    format!(
        "<table><tr><th></th><th>flagged</th><th>not flagged</th></tr>\
         <tr><th>positive ({})</th><td class=\"n\">TP {}</td><td class=\"n\">FN {}</td></tr>\
         <tr><th>negative ({})</th><td class=\"n\">FP {}</td><td class=\"n\">TN {}</td></tr></table>",
        c.tp + c.fn_,
        c.tp,
        c.fn_,
        c.fp + c.tn,
        c.fp,
        c.tn
    )
}

fn prf_rows(list: &[Slice]) -> Vec<BarRow> {
    list.iter()
        .map(|s| BarRow { label: s.value.clone(), values: vec![s.scores.precision, s.scores.recall, s.scores.f1] })
        .collect()
}

fn flag_rows(list: &[Slice]) -> Vec<BarRow> {
    list.iter()
        .map(|s| BarRow {
            label: s.value.clone(),
            values: vec![Some(s.scores.flagged as f64 / s.scores.examples.max(1) as f64)],
        })
        .collect()
}

fn accuracy_rows(list: &[Slice]) -> Vec<BarRow> {
    list.iter().map(|s| BarRow { label: s.value.clone(), values: vec![s.scores.accuracy] }).collect()
}

fn row(h: &mut String, cells: &[String], numeric_from: usize) {
    h.push_str("<tr>");
    for (i, c) in cells.iter().enumerate() {
        if i >= numeric_from && super::table::looks_numeric(c) {
            let _ = write!(h, "<td class=\"n\">{}</td>", escape(c));
        } else {
            let _ = write!(h, "<td>{}</td>", escape(c));
        }
    }
    h.push_str("</tr>");
}

fn head(h: &mut String, names: &[&str]) {
    h.push_str("<table><tr>");
    for n in names {
        let _ = write!(h, "<th>{}</th>", escape(n));
    }
    h.push_str("</tr>");
}

fn slice_table(h: &mut String, column: &str, list: &[Slice]) {
    head(h, &[&[column][..], &SLICE_COLUMNS[..]].concat());
    for s in list {
        row(h, &slice_cells(&s.value, &s.scores), 1);
    }
    h.push_str("</table>");
}

fn sweep(h: &mut String, r: &Report) {
    h.push_str("<h2>Threshold sweep</h2>");
    head(h, &SWEEP_COLUMNS);
    for p in &r.sweep {
        row(h, &sweep_cells(p), 0);
    }
    h.push_str("</table>");
}

fn terms(h: &mut String, r: &Report) {
    h.push_str("<h2>Terms and rules, most false alarms first</h2>");
    head(h, &TERM_COLUMNS);
    for t in &r.terms {
        row(h, &term_cells(t, usize::MAX), 0);
    }
    h.push_str("</table><h3>Evidence categories</h3>");
    head(h, &CATEGORY_COLUMNS);
    for c in &r.evidence_categories {
        row(h, &category_cells(c), 0);
    }
    h.push_str("</table>");
}

fn cases(h: &mut String, list: &[Case], class: &str) {
    if list.is_empty() {
        h.push_str("<p>None.</p>");
    }
    for c in list {
        case(h, c, class, "");
    }
}

fn case(h: &mut String, c: &Case, class: &str, note: &str) {
    let groups: Vec<String> = c.groups.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={v}")).collect();
    let _ = write!(
        h,
        "<div class=\"case {class}\"><p class=\"meta\">{}{} · score {:.3} · {}:{} · {} · {}{}</p><p>{}</p>",
        escape(note),
        c.level.as_str().to_uppercase(),
        c.score,
        escape(&c.file),
        c.line,
        escape(&c.lang),
        escape(&c.category),
        escape(&if groups.is_empty() { String::new() } else { format!(" · {}", groups.join(", ")) }),
        highlight(&c.text, &c.evidence)
    );
    if !c.evidence.is_empty() {
        h.push_str("<ul class=\"meta\">");
        for e in &c.evidence {
            let _ = write!(
                h,
                "<li>{} · {} · {:.2} · “{}” ← <code>{}</code> ({})</li>",
                escape(&e.category),
                e.speech.as_str(),
                e.weight,
                escape(&e.text),
                escape(&e.term_or_rule),
                escape(&e.lexicon)
            );
        }
        h.push_str("</ul>");
    }
    h.push_str("</div>");
}

/// The text, escaped, with each evidence span in `<mark>` (overlapping spans merged).
pub fn highlight(text: &str, evidence: &[Evidence]) -> String {
    let mut spans: Vec<(usize, usize)> = evidence
        .iter()
        .filter(|e| {
            e.start < e.end && e.end <= text.len() && text.is_char_boundary(e.start) && text.is_char_boundary(e.end)
        })
        .map(|e| (e.start, e.end))
        .collect();
    spans.sort();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = String::new();
    let mut at = 0;
    for (s, e) in merged {
        out.push_str(&escape(&text[at..s]));
        let _ = write!(out, "<mark>{}</mark>", escape(&text[s..e]));
        at = e;
    }
    out.push_str(&escape(&text[at..]));
    out
}

/// The comparison as one HTML page: metric deltas, slices that moved, changed examples.
pub fn comparison(c: &Comparison) -> String {
    let mut h = String::new();
    open(&mut h, &format!("tocsin eval --compare: {}", c.dataset.name));
    let _ = write!(
        h,
        "<p>{} examples ({} positive). Flagged means level ≥ {}. OLD <code>{}</code> ({} terms, {} rules), NEW <code>{}</code> ({} terms, {} rules).</p>",
        c.dataset.examples,
        c.dataset.positives,
        c.decision.min_level,
        escape(&c.old.lexicons.paths.join(", ")),
        c.old.lexicons.terms,
        c.old.lexicons.rules,
        escape(&c.new.lexicons.paths.join(", ")),
        c.new.lexicons.terms,
        c.new.lexicons.rules
    );
    head(&mut h, &[&[""][..], &OVERALL_COLUMNS[..]].concat());
    row(&mut h, &overall_cells("old", &c.old.overall), 1);
    row(&mut h, &overall_cells("new", &c.new.overall), 1);
    row(&mut h, &delta_cells(&c.delta), 1);
    h.push_str("</table>");
    let s = &c.summary;
    let _ = write!(
        h,
        "<p>{} caught, {} lost, {} new false alarms, {} cleared false alarms; {} scores changed.</p>",
        s.caught, s.lost, s.new_false_alarms, s.cleared_false_alarms, s.score_changed
    );
    for kind in [ChangeKind::Lost, ChangeKind::NewFalseAlarm, ChangeKind::Caught, ChangeKind::ClearedFalseAlarm] {
        let list: Vec<_> = c.changes.iter().filter(|ch| ch.change == kind).collect();
        if list.is_empty() {
            continue;
        }
        let _ = write!(h, "<h2>{} ({})</h2>", kind.as_str().replace('_', " "), list.len());
        let class = if kind.is_better() { "better" } else { "worse" };
        for ch in list {
            let note = format!("was {} {:.3}, now ", ch.old_level.as_str().to_uppercase(), ch.old_score);
            case(&mut h, &ch.case, class, &note);
            if !ch.added.is_empty() || !ch.removed.is_empty() {
                let _ = write!(
                    h,
                    "<p class=\"meta\">added: {} · removed: {}</p>",
                    escape(&ch.added.join(", ")),
                    escape(&ch.removed.join(", "))
                );
            }
        }
    }
    h.push_str("</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EvidenceKind, Speech};

    fn ev(start: usize, end: usize, text: &str) -> Evidence {
        Evidence {
            start,
            end,
            text: text.into(),
            sentence: String::new(),
            term_or_rule: "t".into(),
            kind: EvidenceKind::Term,
            lexicon: "l".into(),
            category: "c".into(),
            language: "en".into(),
            speech: Speech::Direct,
            weight: 0.5,
        }
    }

    #[test]
    fn highlight_escapes_and_merges() {
        let text = "<b> kill them & burn";
        let out = highlight(text, &[ev(4, 8, "kill"), ev(4, 13, "kill them"), ev(16, 20, "burn"), ev(3, 99, "bad")]);
        assert_eq!(out, "&lt;b&gt; <mark>kill them</mark> &amp; <mark>burn</mark>");
    }
}
