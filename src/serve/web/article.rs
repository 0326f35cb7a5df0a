//! `/articles/{id}`: one article as the classifier read it, every piece of evidence marked in
//! the text (`<mark>` elements carrying the category, the speech context and the term or
//! rule), why it was flagged, the alerts it raised, and the link to the original.
//!
//! Evidence offsets are byte offsets into the classified text (title, blank line, body).
//! Spans may nest (a rule covers the terms it combines) or, rarely, cross; crossing spans are
//! merged into one mark carrying both, so the marks stay well nested and each mark's text is
//! exactly the words of its evidence.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};

use super::{
    ApiState, Ctx, Nav, badge, blocking, category_name, host_of, lang_name, level_meaning, level_name, original_link,
    speech_meaning, speech_name, time_el,
};
use crate::markup::one_line;
use crate::model::{AssessedArticle, Evidence, EvidenceKind, Level, Speech};
use crate::serve::ApiError;
use crate::serve::api::Params;
use crate::store::Store;

/// A marked span of the text: the evidence it stands for and the marks inside it.
#[derive(Debug, Clone, PartialEq)]
struct Span {
    start: usize,
    end: usize,
    evidence: Vec<usize>,
    children: Vec<Span>,
}

/// The evidence spans of `text` as a well-nested forest, and the evidence that could not be
/// placed (offsets outside the text or off character boundaries, or words that differ).
fn nest(text: &str, evidence: &[Evidence]) -> (Vec<Span>, Vec<usize>) {
    let mut lost = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    for (i, e) in evidence.iter().enumerate() {
        let placed = e.start < e.end && text.get(e.start..e.end).is_some_and(|t| t == e.text);
        if !placed {
            lost.push(i);
        } else if let Some(s) = spans.iter_mut().find(|s| s.start == e.start && s.end == e.end) {
            s.evidence.push(i);
        } else {
            spans.push(Span { start: e.start, end: e.end, evidence: vec![i], children: Vec::new() });
        }
    }
    spans.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut roots: Vec<Span> = Vec::new();
    let mut open: Vec<Span> = Vec::new();
    let close = |open: &mut Vec<Span>, roots: &mut Vec<Span>| {
        let done = open.pop().expect("an open span");
        match open.last_mut() {
            Some(parent) => parent.children.push(done),
            None => roots.push(done),
        }
    };
    for span in spans {
        while open.last().is_some_and(|top| top.end <= span.start) {
            close(&mut open, &mut roots);
        }
        match open.last_mut() {
            Some(top) if span.end > top.end => {
                // Crossing: one mark for both, then fold any parent the wider mark now crosses.
                top.end = span.end;
                top.evidence.extend(span.evidence);
                top.children.extend(span.children);
                while open.len() >= 2 && open[open.len() - 1].end > open[open.len() - 2].end {
                    let child = open.pop().expect("two open spans");
                    let parent = open.last_mut().expect("two open spans");
                    parent.end = child.end;
                    parent.evidence.extend(child.evidence);
                    parent.children.extend(child.children);
                }
            }
            _ => open.push(span),
        }
    }
    while !open.is_empty() {
        close(&mut open, &mut roots);
    }
    (roots, lost)
}

/// Number every mark in text order (1 first) and note which mark shows each evidence.
fn number(spans: &[Span], next: &mut usize, of_evidence: &mut [usize]) {
    for s in spans {
        *next += 1;
        for &e in &s.evidence {
            of_evidence[e] = *next;
        }
        number(&s.children, next, of_evidence);
    }
}

/// `text[from..to]` with the marks of `spans` (which lie inside it) in place.
fn marked(text: &str, from: usize, to: usize, spans: &[Span], evidence: &[Evidence], ids: &[usize]) -> Markup {
    let mut pieces: Vec<(&str, Option<&Span>)> = Vec::with_capacity(spans.len() + 1);
    let mut at = from;
    for s in spans {
        pieces.push((&text[at..s.start], Some(s)));
        at = s.end;
    }
    pieces.push((&text[at..to], None));
    html! {
        @for (plain, span) in pieces {
            (plain)
            @if let Some(s) = span { (mark(text, s, evidence, ids)) }
        }
    }
}

fn mark(text: &str, s: &Span, evidence: &[Evidence], ids: &[usize]) -> Markup {
    let items: Vec<&Evidence> = s.evidence.iter().map(|&i| &evidence[i]).collect();
    let mut categories: Vec<&str> = items.iter().map(|e| e.category.as_str()).collect();
    categories.dedup();
    let mut speech: Vec<Speech> = items.iter().map(|e| e.speech).collect();
    speech.sort();
    speech.dedup();
    let terms: Vec<&str> = items.iter().map(|e| e.term_or_rule.as_str()).collect();
    let rule_only = items.iter().all(|e| e.kind == EvidenceKind::Rule);
    let strongest = speech.first().copied().unwrap_or(Speech::Direct);
    let hover: Vec<String> = items
        .iter()
        .map(|e| {
            format!(
                "{}: {} “{}” — {}",
                category_name(&e.category),
                if e.kind == EvidenceKind::Rule { "rule" } else { "term" },
                e.term_or_rule,
                speech_meaning(e.speech)
            )
        })
        .collect();
    let evidence_numbers: Vec<String> = s.evidence.iter().map(|i| (i + 1).to_string()).collect();
    let id = ids.get(s.evidence[0]).copied().unwrap_or(0);
    html! {
        mark id={ "m" (id) }
            class={ "ev " (if rule_only { "ev-rule" } else { "ev-term" }) " speech-" (strongest.as_str()) }
            data-evidence=(evidence_numbers.join(" "))
            data-category=(categories.join(" "))
            data-speech=(speech.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" "))
            data-term=(terms.join(" | "))
            title=(hover.join("\n")) {
            (marked(text, s.start, s.end, &s.children, evidence, ids))
        }
    }
}

/// `GET /articles/{id}`.
pub(super) async fn page(
    State(state): State<Arc<ApiState>>,
    Path(id): Path<String>,
    Query(p): Query<Params>,
) -> Response {
    let p = p.without_blanks();
    let ctx = match Ctx::new(&state, &p) {
        Ok(c) => c,
        Err(resp) => return *resp,
    };
    let (h, path, key) = (ctx.handle.clone(), ctx.handle.current().state_path(), id.clone());
    let state = ctx.state.clone();
    let found = blocking(move || {
        let Some(a) = crate::query::get_article(&h.index, &key).map_err(ApiError::internal)? else {
            return Ok(None);
        };
        let alerts = Store::open(&path).and_then(|s| s.alerts_for(&key)).map_err(ApiError::internal)?;
        Ok(Some((a, alerts, state.pages.categories(&h))))
    })
    .await;
    match found {
        Ok(Some((a, alerts, descriptions))) => render(&ctx, &a, &alerts, &descriptions),
        Ok(None) => ctx.error(
            StatusCode::NOT_FOUND,
            "No such article",
            &format!("No article with the id {id:?} is in the index of {}. It may have been removed, or the link is incomplete.", ctx.handle.name),
            Nav::Article,
        ),
        Err(e) => ctx.error(e.status, "The article could not be read", &e.message, Nav::Article),
    }
}

fn render(
    ctx: &Ctx,
    a: &AssessedArticle,
    alerts: &[crate::model::Alert],
    descriptions: &std::collections::HashMap<String, String>,
) -> Response {
    let (art, asm) = (&a.article, &a.assessment);
    let text = art.classified_text();
    let evidence = &asm.evidence;
    let (spans, lost) = nest(&text, evidence);
    let mut ids = vec![0; evidence.len()];
    number(&spans, &mut 0, &mut ids);
    let pipeline = ctx.handle.current();
    let levels = pipeline.classifier.levels();
    let mut categories: Vec<(&String, &f64)> = asm.categories.iter().filter(|(_, s)| **s > 0.0).collect();
    categories.sort_by(|a, b| b.1.total_cmp(a.1));
    let contexts: Vec<Speech> = {
        let mut v: Vec<Speech> = evidence.iter().map(|e| e.speech).collect();
        v.sort();
        v.dedup();
        v
    };
    let title = if art.title.trim().is_empty() { "(no title)" } else { art.title.as_str() };
    let body = html! {
        p.crumbs { a href=(ctx.href("/", &[])) { "Search" } " › Article" }
        article.article {
            header {
                h1 dir="auto" { (title) }
                p.meta {
                    (badge(asm.level)) " "
                    strong { (art.outlet) }
                    @if let Some(c) = &art.country { " · " (c) }
                    " · " (lang_name(&art.lang))
                    " · published " (time_el(art.published))
                    @if art.published_is_fetch_time { " (the feed gave no usable date: this is when tocsin fetched it)" }
                }
                p.original {
                    (original_link(&art.canonical_url, &format!("Read the original at {}", host_of(&art.canonical_url))))
                }
            }

            section.verdict aria-labelledby="why" {
                h2 #why { "Why it was flagged" }
                p.lead {
                    "Level: " (badge(asm.level)) " — " (level_meaning(asm.level)) ". "
                    "Score " strong.score { (format!("{:.2}", asm.score)) } " of 1."
                }
                p.small {
                    "In this pipeline a score from " (format!("{:.2}", levels.watch)) " is " em { (level_name(Level::Watch)) } ", from "
                    (format!("{:.2}", levels.warning)) " " em { (level_name(Level::Warning)) } ", from "
                    (format!("{:.2}", levels.alert)) " " em { (level_name(Level::Alert)) } ". "
                    "Each kind of evidence scores between 0 and 1; together they make the score."
                }
                @if evidence.is_empty() {
                    p { "The classifier found no evidence in this article." }
                } @else {
                    h3 { "What counted" }
                    table.kinds {
                        thead { tr { th scope="col" { "Kind of evidence" } th scope="col" { "What it means" } th scope="col" { "Score" } th scope="col" { "Pieces" } } }
                        tbody {
                            @for (c, s) in &categories {
                                tr {
                                    th scope="row" { (category_name(c)) }
                                    td { (descriptions.get(c.as_str()).map_or("", String::as_str)) }
                                    td.num { meter min="0" max="1" value=(format!("{s:.3}")) {} " " (format!("{s:.2}")) }
                                    td.num { (evidence.iter().filter(|e| &&e.category == c).count()) }
                                }
                            }
                        }
                    }
                    p.small { a href="#evidence-h" { "Every piece of evidence in detail" } " is below the text." }
                }
            }

            section.text aria-labelledby="text-h" {
                h2 #text-h { "The text tocsin read" }
                @if !evidence.is_empty() {
                    div.legend aria-label="What the marks mean" {
                        "Marked words: "
                        @for s in &contexts {
                            span class={ "ev ev-term speech-" (s.as_str()) } { (speech_name(s.to_owned())) }
                            span.small { " — " (speech_meaning(*s)) } " "
                        }
                        @if evidence.iter().any(|e| e.kind == EvidenceKind::Rule) {
                            span.ev.ev-rule { "underlined" } span.small { " — a rule combining nearby words" }
                        }
                        p.small { "Point at a mark to see what it matched." }
                    }
                }
                div.classified lang=(art.lang) dir="auto" { (marked(&text, 0, text.len(), &spans, evidence, &ids)) }
            }

            @if !evidence.is_empty() {
                section aria-labelledby="evidence-h" {
                    h2 #evidence-h { "Evidence in detail" }
                    p.small { "Each row is a word, phrase or rule that fired. Its context says whose voice the words are in: quoted, condemned and negated words count for less than the author's own." }
                    table.evidence {
                        thead {
                            tr {
                                th scope="col" { "#" }
                                th scope="col" { "Words in the text" }
                                th scope="col" { "Kind of evidence" }
                                th scope="col" { "Context" }
                                th scope="col" { "Matched by" }
                                th scope="col" { "Weight" }
                            }
                        }
                        tbody {
                            @for (i, e) in evidence.iter().enumerate() {
                                tr id={ "ev" (i + 1) } {
                                    td.num { (i + 1) }
                                    td {
                                        @if ids[i] > 0 { a href={ "#m" (ids[i]) } { "“" (e.text) "”" } } @else { "“" (e.text) "”" }
                                    }
                                    td { (category_name(&e.category)) }
                                    td { span class={ "ctx speech-" (e.speech.as_str()) } { (speech_name(e.speech)) } }
                                    td.matched {
                                        (if e.kind == EvidenceKind::Rule { "rule " } else { "term " })
                                        code title=(e.term_or_rule) { (one_line(&e.term_or_rule, 48)) }
                                        span.small { " (" (e.lexicon) ")" }
                                    }
                                    td.num { (format!("{:.2}", e.weight)) }
                                }
                            }
                        }
                    }
                    @if !lost.is_empty() {
                        p.small { (lost.len()) " piece(s) of evidence could not be placed in the text as stored." }
                    }
                }
            }

            @if !alerts.is_empty() {
                section aria-labelledby="alerts-h" {
                    h2 #alerts-h { "Alerts raised for this article" }
                    ul.plain {
                        @for al in alerts {
                            li {
                                (badge(al.level)) " #" (al.seq) " — " (time_el(al.created))
                                @if let Some(prev) = al.previous_level { " — raised from " (level_name(prev)) }
                                " — " (al.reason) " "
                                a.small href=(ctx.href(&format!("/api/alerts/{}.cap.xml", al.seq), &[])) { "CAP" }
                            }
                        }
                    }
                }
            }
            p.small {
                "Fetched " (time_el(art.fetched)) ". Language " (lang_name(&art.lang)) " (" (art.lang) ", confidence " (format!("{:.0}%", art.lang_confidence * 100.0)) "). "
                a href=(ctx.href(&format!("/api/articles/{}", art.id), &[])) { "This article as JSON" }
            }
        }
    };
    ctx.page(StatusCode::OK, title, Nav::Article, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EvidenceKind, Speech};

    fn ev(text: &str, word: &str, kind: EvidenceKind) -> Evidence {
        let start = text.find(word).unwrap();
        Evidence {
            start,
            end: start + word.len(),
            text: word.into(),
            sentence: text.into(),
            term_or_rule: word.into(),
            kind,
            lexicon: "t".into(),
            category: "violence".into(),
            language: "en".into(),
            speech: Speech::Direct,
            weight: 0.5,
        }
    }

    #[test]
    fn rules_wrap_their_terms_and_crossings_merge() {
        let text = "kill the cockroaches now or never";
        let kill = ev(text, "kill", EvidenceKind::Term);
        let roach = ev(text, "cockroaches", EvidenceKind::Term);
        let rule = ev(text, "kill the cockroaches", EvidenceKind::Rule);
        let (spans, lost) = nest(text, &[kill.clone(), roach.clone(), rule.clone()]);
        assert!(lost.is_empty());
        assert_eq!(spans.len(), 1);
        assert_eq!((spans[0].start, spans[0].end, spans[0].evidence.clone()), (0, 20, vec![2]));
        assert_eq!(spans[0].children.len(), 2);

        // "the cockroaches now" crosses "kill the cockroaches": one mark for both.
        let cross = ev(text, "cockroaches now", EvidenceKind::Rule);
        let (spans, _) = nest(text, &[rule, cross, roach]);
        assert_eq!(spans.len(), 1);
        assert_eq!((spans[0].start, spans[0].end), (0, 24));
        assert_eq!(spans[0].children.len(), 1);
    }

    #[test]
    fn marks_hold_exactly_their_words_and_escape_the_text() {
        let text = "<script>x</script> kill & burn";
        let kill = ev(text, "kill", EvidenceKind::Term);
        let burn = ev(text, "burn", EvidenceKind::Term);
        let mut bad = ev(text, "burn", EvidenceKind::Term);
        bad.end += 5;
        let evidence = [kill, burn, bad];
        let (spans, lost) = nest(text, &evidence);
        assert_eq!(lost, vec![2]);
        let mut ids = vec![0; 3];
        number(&spans, &mut 0, &mut ids);
        assert_eq!(ids, vec![1, 2, 0]);
        let html = marked(text, 0, text.len(), &spans, &evidence, &ids).into_string();
        assert!(html.starts_with("&lt;script&gt;x&lt;/script&gt; <mark id=\"m1\""), "{html}");
        assert!(html.contains(">kill</mark> &amp; <mark id=\"m2\""), "{html}");
        assert!(html.ends_with(">burn</mark>"), "{html}");
        assert!(html.contains("data-category=\"violence\" data-speech=\"direct\" data-term=\"kill\""), "{html}");
    }
}
