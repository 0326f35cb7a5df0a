//! `/`: the search page. Words to look for, filter menus (language, outlet, country, level,
//! kind of evidence, dates), an order, and the results: level badge, title linking to the
//! article page, outlet, date, a snippet with the query's words highlighted (or, with no
//! words, the sentence of the strongest evidence with the evidence marked), and pages of
//! [`PAGE_SIZE`].
//!
//! The parameters are those of `/api/search` (`q`, `lang`, `outlet`, `country`, `level`,
//! `category`, `speech`, `flagged`, `since`, `until`, `sort`) plus `page`.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};

use super::{
    ApiState, Ctx, Nav, badge, blocking, category_name, filter_fields, filter_pairs, lang_name, menu, original_link,
    query_box, time_el,
};
use crate::model::Evidence;
use crate::query::facets::Facets;
use crate::query::{SearchHit, SearchRequest, SearchResults, SortOrder};
use crate::serve::ApiError;
use crate::serve::api::{Params, choice, number};

/// Results per page.
pub(super) const PAGE_SIZE: usize = 20;
/// The last page that can be asked for (deeper pages cost more than anyone reads).
const MAX_PAGE: usize = 500;

/// `GET /`.
pub(super) async fn page(State(state): State<Arc<ApiState>>, Query(p): Query<Params>) -> Response {
    let p = p.without_blanks();
    let ctx = match Ctx::new(&state, &p) {
        Ok(c) => c,
        Err(resp) => return *resp,
    };
    let facets = match ctx.facets() {
        Ok(f) => f,
        Err(e) => return ctx.error(e.status, "The index could not be read", &e.message, Nav::Search),
    };
    let request = (|| -> Result<(SearchRequest, usize), ApiError> {
        let page = number(&p.page, "page", 1)?.clamp(1, MAX_PAGE);
        let req = SearchRequest {
            query: p.q.clone().unwrap_or_default(),
            limit: PAGE_SIZE,
            offset: (page - 1) * PAGE_SIZE,
            sort: choice::<SortOrder>(&p.sort, "sort")?.unwrap_or_default(),
            filters: p.filters()?,
            ..SearchRequest::default()
        };
        Ok((req, page))
    })();
    let outcome = match request {
        Ok((req, page)) => {
            let h = ctx.handle.clone();
            blocking(move || Ok(crate::query::search(&h.index, &req)?)).await.map(|r| (r, page))
        }
        Err(e) => Err(e),
    };
    let status = match &outcome {
        Ok(_) => StatusCode::OK,
        Err(e) => e.status,
    };
    let title = match p.q.as_deref() {
        Some(q) => format!("Search: {q}"),
        None => "Search".to_string(),
    };
    let body = html! {
        h1.visually-hidden { "Search the news" }
        (form(&ctx, &p, &facets))
        @match &outcome {
            Ok((results, page)) => (results_list(&ctx, &p, results, *page, facets.total)),
            Err(e) => div.notice.notice-bad role="alert" {
                strong { "This search cannot run. " } (e.message)
            },
        }
    };
    ctx.page(status, &title, Nav::Search, body)
}

fn form(ctx: &Ctx, p: &Params, facets: &Facets) -> Markup {
    let sorts = [
        ("relevance", "Best match first"),
        ("newest", "Newest first"),
        ("oldest", "Oldest first"),
        ("score", "Most worrying first"),
    ];
    html! {
        form.search method="get" action="/" role="search" {
            @if ctx.several() { input type="hidden" name="pipeline" value=(ctx.handle.name); }
            (query_box(p, "Words to look for", "for example: machetes, \"wipe them out\"", "Search",
                "Leave empty to list the newest articles. Quotes find an exact phrase; OR finds either word; a minus sign excludes a word (-football)."))
            fieldset.filters {
                legend { "Narrow the results" }
                (filter_fields(p, facets))
                (menu("sort", "Order", &sorts, p.sort.as_deref()))
            }
            div.actions {
                button type="submit" { "Search" }
                a href=(ctx.href("/", &[])) { "Clear everything" }
            }
        }
    }
}

fn results_list(ctx: &Ctx, p: &Params, results: &SearchResults, page: usize, indexed: u64) -> Markup {
    let first = (page - 1) * PAGE_SIZE + 1;
    let last = first + results.hits.len().saturating_sub(1);
    let pages = results.total.div_ceil(PAGE_SIZE).clamp(1, MAX_PAGE);
    let mut pairs: Vec<(&str, String)> = filter_pairs(p);
    pairs.push(("sort", p.sort.clone().unwrap_or_default()));
    let page_href = |n: usize| {
        let mut with: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let n = n.to_string();
        if n != "1" {
            with.push(("page", &n));
        }
        ctx.href("/", &with)
    };
    let trend_pairs: Vec<(&str, &str)> =
        pairs.iter().filter(|(k, _)| *k != "sort").map(|(k, v)| (*k, v.as_str())).collect();
    html! {
        section.results aria-labelledby="results-h" {
            h2 #results-h .count {
                @if results.total == 0 {
                    "No article matches."
                } @else if results.total == 1 {
                    "1 article matches."
                } @else {
                    (results.total) " articles match. "
                    span.small { "Showing " (first) "–" (last) "." }
                }
            }
            @if results.total == 0 {
                p {
                    @if indexed == 0 {
                        "The index is still empty: no article has been fetched yet. Check "
                        a href=(ctx.href("/alerts", &[])) { "the sources" } "."
                    } @else {
                        "Try fewer words, another spelling, or fewer filters. " (indexed) " articles are indexed."
                    }
                }
            } @else {
                p.small { a href=(ctx.href("/trends", &trend_pairs)) { "See these results over time" } }
                ol.hits start=(first) {
                    @for hit in &results.hits { (hit_item(ctx, hit)) }
                }
                @if pages > 1 { (pager(page, pages, &page_href)) }
            }
        }
    }
}

fn hit_item(ctx: &Ctx, hit: &SearchHit) -> Markup {
    let published = chrono::DateTime::parse_from_rfc3339(&hit.published).ok().map(|t| t.with_timezone(&chrono::Utc));
    let mut kinds: Vec<(&String, &f64)> = hit.categories.iter().filter(|(_, s)| **s > 0.0).collect();
    kinds.sort_by(|a, b| b.1.total_cmp(a.1));
    let title = if hit.title.trim().is_empty() { "(no title)" } else { hit.title.as_str() };
    html! {
        li class={ "hit level-" (hit.level.as_str()) } {
            div.hit-head {
                (badge(hit.level))
                h3 dir="auto" { a href=(ctx.href(&format!("/articles/{}", hit.id), &[])) { (title) } }
            }
            p.meta {
                strong { (hit.outlet) }
                @if let Some(c) = &hit.country { " · " (c) }
                " · " (lang_name(&hit.lang))
                @if let Some(t) = published { " · " (time_el(t)) }
                @if hit.score > 0.0 { " · score " (format!("{:.2}", hit.score)) }
                " · " (original_link(&hit.url, "original"))
            }
            p.snippet lang=(hit.lang) dir="auto" { (snippet(hit)) }
            @if !kinds.is_empty() {
                p.why {
                    "Evidence: "
                    @for (i, (c, _)) in kinds.iter().enumerate() {
                        @if i > 0 { ", " }
                        (category_name(c))
                    }
                    " (" (hit.evidence.len()) " piece" (if hit.evidence.len() == 1 { "" } else { "s" }) ")"
                }
            }
        }
    }
}

/// The snippet with the query's words highlighted; with none, the sentence of the strongest
/// evidence with its words marked.
fn snippet(hit: &SearchHit) -> Markup {
    let ranges: Vec<(usize, usize)> = hit
        .highlights
        .iter()
        .copied()
        .filter(|&(s, e)| {
            s < e && hit.snippet.is_char_boundary(s) && hit.snippet.is_char_boundary(e) && e <= hit.snippet.len()
        })
        .collect();
    if ranges.is_empty()
        && let Some(e) = strongest(&hit.evidence)
    {
        return evidence_sentence(e);
    }
    highlighted(&hit.snippet, &ranges, "hit")
}

fn strongest(evidence: &[Evidence]) -> Option<&Evidence> {
    evidence.iter().max_by(|a, b| a.weight.total_cmp(&b.weight))
}

/// The sentence of `e` with its words marked (when they are found in it).
fn evidence_sentence(e: &Evidence) -> Markup {
    match e.sentence.find(&e.text) {
        Some(at) => highlighted(&e.sentence, &[(at, at + e.text.len())], &format!("ev ev-term speech-{}", e.speech)),
        None => html! { (e.sentence) },
    }
}

/// `text` with the byte `ranges` (sorted, on character boundaries) in `<mark class=…>`.
fn highlighted(text: &str, ranges: &[(usize, usize)], class: &str) -> Markup {
    let mut pieces: Vec<(&str, bool)> = Vec::new();
    let mut at = 0;
    for &(s, e) in ranges {
        if s < at {
            continue;
        }
        pieces.push((&text[at..s], false));
        pieces.push((&text[s..e], true));
        at = e;
    }
    pieces.push((&text[at..], false));
    html! {
        @for (piece, hot) in pieces {
            @if hot { mark class=(class) { (piece) } } @else { (piece) }
        }
    }
}

fn pager(page: usize, pages: usize, href: &dyn Fn(usize) -> String) -> Markup {
    let mut shown: Vec<usize> = vec![1, pages];
    shown.extend(page.saturating_sub(2).max(1)..=(page + 2).min(pages));
    shown.sort_unstable();
    shown.dedup();
    let gaps: Vec<bool> = shown.iter().enumerate().map(|(i, &n)| i > 0 && n > shown[i - 1] + 1).collect();
    html! {
        nav.pager aria-label="Result pages" {
            @if page > 1 { a rel="prev" href=(href(page - 1)) { "← Previous" } }
            @for (n, gap) in shown.iter().copied().zip(gaps) {
                @if gap { span.gap { "…" } }
                @if n == page {
                    span.current aria-current="page" { (n) }
                } @else {
                    a href=(href(n)) aria-label={ "Page " (n) } { (n) }
                }
            }
            @if page < pages { a rel="next" href=(href(page + 1)) { "Next →" } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_escape_and_skip_overlaps() {
        let m = highlighted("a <b> kill c", &[(6, 10), (7, 9)], "hit").into_string();
        assert_eq!(m, "a &lt;b&gt; <mark class=\"hit\">kill</mark> c");
    }

    #[test]
    fn pager_shows_ends_and_neighbours() {
        let m = pager(7, 20, &|n| format!("/?page={n}")).into_string();
        for want in ["← Previous", ">1<", ">5<", ">6<", "aria-current=\"page\">7<", ">9<", ">20<", "Next →", "…"]
        {
            assert!(m.contains(want), "{want} in {m}");
        }
        assert!(!m.contains(">4<") && !m.contains(">10<"), "{m}");
    }
}
