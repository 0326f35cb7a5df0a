//! `/alerts`: the latest alerts of the pipeline, the health of every source (failing and
//! silent ones marked, so a monitor can tell "no alert" from "no data"), and the subscribe
//! links to the Atom, JSON Feed and CAP outputs.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use maud::{Markup, html};

use super::{ApiState, Ctx, Nav, badge, blocking, category_name, level_name, original_link, time_el, time_short};
use crate::fetch::FailureClass;
use crate::model::{Alert, AlertKind, Level};
use crate::run::status::{FeedHealth, FeedStatus};
use crate::serve::ApiError;
use crate::serve::api::Params;
use crate::store::Store;

/// Alerts listed.
const LATEST: usize = 30;

/// `GET /alerts`.
pub(super) async fn page(State(state): State<Arc<ApiState>>, Query(p): Query<Params>) -> Response {
    let p = p.without_blanks();
    let ctx = match Ctx::new(&state, &p) {
        Ok(c) => c,
        Err(resp) => return *resp,
    };
    let pipeline = ctx.handle.current();
    let (path, config) = (pipeline.state_path(), pipeline.config.clone());
    let found = blocking(move || {
        let alerts = if path.exists() {
            Store::open(&path).and_then(|s| s.recent_alerts(Level::None, LATEST)).map_err(ApiError::internal)?
        } else {
            Vec::new()
        };
        let feeds = crate::run::feed_status(&config, Utc::now()).map_err(ApiError::internal)?;
        Ok((alerts, feeds))
    })
    .await;
    let (alerts, feeds) = match found {
        Ok(f) => f,
        Err(e) => return ctx.error(e.status, "The alerts could not be read", &e.message, Nav::Alerts),
    };
    let body = html! {
        h1 { "Alerts and sources" }
        (sources_summary(&feeds))
        (alert_section(&ctx, &alerts))
        (sources_section(&feeds))
        (subscribe_section(&ctx))
    };
    ctx.page(StatusCode::OK, "Alerts and sources", Nav::Alerts, body)
}

fn alert_section(ctx: &Ctx, alerts: &[Alert]) -> Markup {
    html! {
        section aria-labelledby="alerts-h" {
            h2 #alerts-h { "Latest alerts" }
            @if alerts.is_empty() {
                p { "No alert has been raised yet. That is good news only if the sources below are working." }
            } @else {
                p.small { "The " (alerts.len()) " most recent, newest first. An alert is raised once per article and level; a later, higher level is marked “raised from”." }
                table.alerts {
                    thead { tr {
                        th scope="col" { "When" } th scope="col" { "Level" } th scope="col" { "What" } th scope="col" { "Why" }
                    } }
                    tbody {
                        @for a in alerts {
                            tr class={ "level-" (a.level.as_str()) } {
                                td { (time_short(a.created)) }
                                td {
                                    (badge(a.level))
                                    @if let Some(prev) = a.previous_level { br; span.small { "raised from " (level_name(prev)) } }
                                }
                                td { (alert_subject(ctx, a)) }
                                td { (alert_why(a)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn alert_subject(ctx: &Ctx, a: &Alert) -> Markup {
    match (a.kind, &a.article, &a.spike) {
        (AlertKind::Spike, _, Some(s)) => {
            let interval = match s.interval_seconds {
                3_600 => "hour",
                604_800 => "week",
                _ => "day",
            };
            html! {
                "Spike in “" (s.query) "”: " (s.count) " articles from " (time_el(s.bucket_start))
                ", usually about " (format!("{:.1}", s.baseline)) ". "
                a href=(ctx.href("/trends", &[("q", &s.query), ("interval", interval)])) { "See the trend" }
            }
        }
        (_, Some(art), _) => {
            let title = if art.title.trim().is_empty() { "(no title)" } else { art.title.as_str() };
            html! {
                @match &a.article_id {
                    Some(id) => a href=(ctx.href(&format!("/articles/{id}"), &[])) dir="auto" { (title) },
                    None => span dir="auto" { (title) },
                }
                br;
                span.small { (art.outlet) @if let Some(c) = &art.country { " · " (c) } " · " (original_link(&art.url, "original")) }
            }
        }
        _ => html! { "Alert #" (a.seq) },
    }
}

/// Why an alert rang, in plain words: the score, the kinds of evidence, the strongest words.
fn alert_why(a: &Alert) -> Markup {
    let Some(art) = &a.article else { return html! { (a.reason) } };
    let mut kinds: Vec<(&String, &f64)> = art.categories.iter().filter(|(_, s)| **s > 0.0).collect();
    kinds.sort_by(|x, y| y.1.total_cmp(x.1));
    let mut words: Vec<&str> = art.evidence.iter().map(|e| e.text.as_str()).collect();
    words.dedup();
    words.truncate(2);
    html! {
        "Score " (format!("{:.2}", art.score)) ": "
        @for (i, (c, _)) in kinds.iter().enumerate() { @if i > 0 { ", " } (category_name(c)) }
        @if !words.is_empty() {
            br;
            span.small {
                @for (i, w) in words.iter().enumerate() { @if i > 0 { " · " } "“" bdi { (w) } "”" }
            }
        }
    }
}

/// A source's health in plain words, the word of its classes, and what it means.
fn health_words(f: &FeedStatus) -> (&'static str, &'static str, &'static str) {
    match f.health {
        FeedHealth::Ok => ("Working", "ok", "fetched and publishing"),
        FeedHealth::Failing => ("Failing", "failing", "the last check failed"),
        FeedHealth::Silent => ("Silent", "silent", "checks succeed, but nothing new for much longer than usual"),
        FeedHealth::NeverPolled => ("Not checked yet", "never", "the first check has not happened"),
    }
}

fn failure_words(c: Option<FailureClass>) -> &'static str {
    match c {
        Some(FailureClass::Hard) => " The feed seems gone or forbidden; it is retried rarely.",
        Some(FailureClass::Soft) => " The server answered, but not with a usable feed.",
        Some(FailureClass::Temporary) => " Network trouble or a busy server; it is retried soon.",
        None => "",
    }
}

/// One line on top of the page: how many sources work, so "no alert" is never read as "all
/// quiet" while sources are failing.
fn sources_summary(feeds: &[FeedStatus]) -> Markup {
    let count = |h: FeedHealth| feeds.iter().filter(|f| f.health == h).count();
    let (ok, failing, silent, never) =
        (count(FeedHealth::Ok), count(FeedHealth::Failing), count(FeedHealth::Silent), count(FeedHealth::NeverPolled));
    html! {
        div class={ "notice " (if failing + silent > 0 { "notice-warn" } else { "notice-ok" }) } role="status" {
            p.summary {
                strong { (feeds.len()) " source" (if feeds.len() == 1 { "" } else { "s" }) ": " }
                span.health.health-ok { (ok) " working" } " "
                span.health.health-failing { (failing) " failing" } " "
                span.health.health-silent { (silent) " silent" }
                @if never > 0 { " " span.health.health-never { (never) " not checked yet" } }
                " — " a href="#sources-h" { "details below" }
            }
            @if failing + silent > 0 {
                p { "Articles from failing or silent sources are missing: no alert from them does not mean nothing happened." }
            }
        }
    }
}

fn sources_section(feeds: &[FeedStatus]) -> Markup {
    html! {
        section aria-labelledby="sources-h" {
            h2 #sources-h { "Sources" }
            p.small { "Failing and silent sources come first." }
            table.sources {
                thead { tr {
                    th scope="col" { "Source" } th scope="col" { "Health" } th scope="col" { "Last good check" }
                    th scope="col" { "Articles in 7 days" } th scope="col" { "Newest article" } th scope="col" { "Next check" }
                } }
                tbody {
                    @for f in sorted(feeds) {
                        @let (word, class, meaning) = health_words(f);
                        tr class={ "source row-" (class) } {
                            th scope="row" {
                                (f.outlet)
                                @if let Some(t) = f.title.as_deref().filter(|t| *t != f.outlet) { br; span.small { (t) } }
                                br; span.small.url { (f.current_url) }
                            }
                            td {
                                span class={ "health health-" (class) } { (word) }
                                br; span.small { (meaning) "." }
                                @if let Some(e) = &f.last_error {
                                    br; span.small.error-text { (e) "." (failure_words(f.failure_class)) }
                                    @if f.consecutive_failures > 1 { " " span.small { (f.consecutive_failures) " failures in a row." } }
                                }
                                @if f.silent && f.health != FeedHealth::Silent { br; span.small { "Also silent: nothing new for much longer than usual." } }
                            }
                            td { @match f.last_success { Some(t) => (time_short(t)), None => "never" } }
                            td.num { (f.items_7d) }
                            td { @match f.newest_item { Some(t) => (time_short(t)), None => "none" } }
                            td { @match f.next_poll { Some(t) => (time_short(t)), None => "soon" } }
                        }
                    }
                }
            }
        }
    }
}

/// Failing first, then silent, never checked, working; by outlet within each.
fn sorted(feeds: &[FeedStatus]) -> Vec<&FeedStatus> {
    let rank = |h: FeedHealth| match h {
        FeedHealth::Failing => 0,
        FeedHealth::Silent => 1,
        FeedHealth::NeverPolled => 2,
        FeedHealth::Ok => 3,
    };
    let mut v: Vec<&FeedStatus> = feeds.iter().collect();
    v.sort_by(|a, b| {
        rank(a.health).cmp(&rank(b.health)).then_with(|| a.outlet.to_lowercase().cmp(&b.outlet.to_lowercase()))
    });
    v
}

fn subscribe_section(ctx: &Ctx) -> Markup {
    html! {
        section #subscribe aria-labelledby="subscribe-h" {
            h2 #subscribe-h { "Subscribe" }
            p { "Get the alerts of " strong { (ctx.handle.name) } " where you already read things:" }
            ul.subscribe {
                li { a href=(ctx.feed("atom")) { "Atom feed" } " — for any feed reader (Thunderbird, Feedly, NetNewsWire, Inoreader …)." }
                li { a href=(ctx.feed("json")) { "JSON Feed" } " — for feed readers and scripts that prefer JSON." }
                li { a href=(ctx.feed("cap.xml")) { "CAP alerts" } " — Common Alerting Protocol 1.2, for early-warning and emergency systems." }
            }
            @if ctx.state.token.is_some() {
                p.small { "This server asks for a token: a feed reader must send it as " code { "Authorization: Bearer TOKEN" } "." }
            }
        }
    }
}
