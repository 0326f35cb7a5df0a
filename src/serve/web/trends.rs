//! `/trends`: how many articles match a query per hour, day or week, as one series or split
//! by language, outlet, kind of evidence or level; an SVG chart ([`crate::markup::svg::timeline`])
//! with every spike marked ([`crate::query::spike`]), a table of the spikes linking to their
//! articles, and the counts as a table for readers who cannot see the chart.
//!
//! The parameters are those of `/api/trends` (`q`, filters, `interval`, `by`, `since`,
//! `until`). Without dates the page shows the last 30 days (48 hours by the hour, 26 weeks by
//! the week).

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Datelike, Utc};
use maud::{Markup, PreEscaped, html};

use super::{
    ApiState, Ctx, Nav, blocking, category_name, filter_fields, filter_pairs, lang_name, menu, query_box, when,
};
use crate::markup::svg::{Line, timeline};
use crate::query::facets::Facets;
use crate::query::trends::{GroupBy, Interval, Series, Trend, TrendRequest};
use crate::serve::ApiError;
use crate::serve::api::{Params, choice};

/// Most series drawn when split.
const TOP: usize = 6;
/// Most rows of the counts table.
const MAX_ROWS: usize = 500;

/// `GET /trends`.
pub(super) async fn page(State(state): State<Arc<ApiState>>, Query(p): Query<Params>) -> Response {
    let mut p = p.without_blanks();
    let ctx = match Ctx::new(&state, &p) {
        Ok(c) => c,
        Err(resp) => return *resp,
    };
    let facets = match ctx.facets() {
        Ok(f) => f,
        Err(e) => return ctx.error(e.status, "The index could not be read", &e.message, Nav::Trends),
    };
    let interval = choice::<Interval>(&p.interval, "interval");
    let by = choice::<GroupBy>(&p.by, "by");
    let default_window = p.since.is_none() && p.until.is_none();
    let outcome = match (interval, by) {
        (Ok(interval), Ok(by)) => {
            let interval = interval.unwrap_or(Interval::Day);
            let mut filters_params = p.clone();
            if default_window {
                filters_params.since = Some(default_since(interval).into());
            }
            match filters_params.filters() {
                Ok(filters) => {
                    let req = TrendRequest {
                        query: p.q.clone().unwrap_or_default(),
                        filters,
                        interval,
                        by,
                        top: TOP,
                        ..TrendRequest::default()
                    };
                    let h = ctx.handle.clone();
                    blocking(move || Ok(crate::query::trends::trend(&h.index, &req)?)).await
                }
                Err(e) => Err(e),
            }
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    if p.interval.is_none() {
        p.interval = Some("day".into());
    }
    let status = outcome.as_ref().map_or_else(|e: &ApiError| e.status, |_| StatusCode::OK);
    let title = match p.q.as_deref() {
        Some(q) => format!("Trend: {q}"),
        None => "Trend of all articles".to_string(),
    };
    let body = html! {
        h1 { "Trends" }
        p.lead { "How many articles match, over time. A spike is a period with far more matches than the periods before it." }
        (form(&ctx, &p, &facets))
        @match &outcome {
            Ok(trend) => (chart_section(&ctx, &p, trend, default_window)),
            Err(e) => div.notice.notice-bad role="alert" { strong { "This trend cannot be drawn. " } (e.message) },
        }
    };
    ctx.page(status, &title, Nav::Trends, body)
}

fn default_since(interval: Interval) -> &'static str {
    match interval {
        Interval::Hour => "48h",
        Interval::Day => "30d",
        Interval::Week => "26w",
    }
}

fn form(ctx: &Ctx, p: &Params, facets: &Facets) -> Markup {
    let intervals = [("day", "Day"), ("hour", "Hour"), ("week", "Week")];
    let splits = [
        ("", "Nothing"),
        ("lang", "Language"),
        ("outlet", "Outlet"),
        ("category", "Kind of evidence"),
        ("level", "Level"),
    ];
    html! {
        form.search method="get" action="/trends" {
            @if ctx.several() { input type="hidden" name="pipeline" value=(ctx.handle.name); }
            (query_box(p, "Words to chart", "for example: machetes", "Draw",
                "Leave empty to chart every article. The same words as on the search page."))
            fieldset.filters {
                legend { "Chart" }
                (menu("interval", "Count per", &intervals, p.interval.as_deref()))
                (menu("by", "Split by", &splits, p.by.as_deref()))
            }
            fieldset.filters {
                legend { "Narrow the articles" }
                (filter_fields(p, facets))
            }
            div.actions {
                button type="submit" { "Draw" }
                a href=(ctx.href("/trends", &[])) { "Clear everything" }
            }
        }
    }
}

/// A group's name for people.
fn group_label(by: Option<GroupBy>, key: &str) -> String {
    match by {
        Some(GroupBy::Lang) => lang_name(key),
        Some(GroupBy::Category) => category_name(key),
        Some(GroupBy::Level) => key.parse().map_or_else(|_| key.to_string(), |l| super::level_name(l).to_string()),
        _ => key.to_string(),
    }
}

/// A bucket's name: "20 Nov", "20 Nov 14:00", "week of 16 Nov" (with the year when the
/// chart spans several).
fn bucket_label(t: DateTime<Utc>, interval: Interval, with_year: bool) -> String {
    let day = if with_year { t.format("%-d %b %Y") } else { t.format("%-d %b") }.to_string();
    match interval {
        Interval::Hour => format!("{day} {}", t.format("%H:00")),
        Interval::Day => day,
        Interval::Week => format!("week of {day}"),
    }
}

fn interval_word(interval: Interval) -> &'static str {
    match interval {
        Interval::Hour => "hour",
        Interval::Day => "day",
        Interval::Week => "week",
    }
}

fn chart_section(ctx: &Ctx, p: &Params, trend: &Trend, default_window: bool) -> Markup {
    let series: Vec<&Series> = if trend.by.is_some() { trend.groups.iter().collect() } else { vec![&trend.all] };
    let with_year = trend.since.year() != (trend.until - chrono::Duration::seconds(1)).year();
    let starts: Vec<DateTime<Utc>> = trend.all.buckets.iter().map(|b| b.start).collect();
    let ticks: Vec<String> = starts.iter().map(|t| bucket_label(*t, trend.interval, with_year)).collect();
    let per = interval_word(trend.interval);
    let lines: Vec<Line> = series
        .iter()
        .map(|s| Line {
            label: group_label(trend.by, &s.key),
            counts: s.buckets.iter().map(|b| b.count).collect(),
            spikes: s
                .buckets
                .iter()
                .map(|b| b.mark.filter(|m| m.spike).map(|m| format!("usually about {:.1} a {per}", m.baseline)))
                .collect(),
        })
        .collect();
    let what = match p.q.as_deref() {
        Some(q) => format!("Articles matching “{q}” per {per}"),
        None => format!("Articles per {per}"),
    };
    let svg = timeline(&what, &ticks, &lines, trend.by.is_some());
    let spikes: Vec<(&Series, &crate::query::trends::Bucket)> =
        series.iter().flat_map(|s| s.buckets.iter().filter(|b| b.is_spike()).map(move |b| (*s, b))).collect();
    let step = chrono::Duration::seconds(trend.interval.seconds());
    let base: Vec<(&str, String)> = filter_pairs(p);
    let show_href = |s: &Series, start: DateTime<Utc>| {
        let mut pairs: Vec<(&str, String)> =
            base.iter().filter(|(k, _)| *k != "since" && *k != "until").cloned().collect();
        pairs.push(("since", start.to_rfc3339()));
        pairs.push(("until", (start + step).to_rfc3339()));
        match trend.by {
            Some(GroupBy::Lang) => pairs.retain(|(k, _)| *k != "lang"),
            Some(GroupBy::Outlet) => pairs.retain(|(k, _)| *k != "outlet"),
            Some(GroupBy::Category) => pairs.retain(|(k, _)| *k != "category"),
            _ => {}
        }
        match trend.by {
            Some(GroupBy::Lang) => pairs.push(("lang", s.key.clone())),
            Some(GroupBy::Outlet) => pairs.push(("outlet", s.key.clone())),
            Some(GroupBy::Category) => pairs.push(("category", s.key.clone())),
            _ => {}
        }
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        ctx.href("/", &pairs)
    };
    html! {
        section.chart aria-labelledby="chart-h" {
            h2 #chart-h { (what) }
            p.small {
                "From " (when(trend.since)) " to " (when(trend.until))
                @if default_window { " (the default period: choose dates above for another)" }
                ". " (trend.all.total) " matching article" (if trend.all.total == 1 { "" } else { "s" }) " in all."
                @if trend.by.is_some() && trend.groups.len() >= TOP { " The " (TOP) " largest groups are drawn." }
            }
            figure {
                (PreEscaped(svg))
                figcaption.small {
                    "Each " (per) " is counted in UTC. A spike (red) has far more matches than the "
                    (trend.spikes.window) " " (per) "s before it " (spike_chance(trend)) "."
                }
            }
            h3 { "Spikes" }
            @if spikes.is_empty() {
                p { "No spike in this period." }
            } @else {
                table.spikes {
                    thead { tr {
                        th scope="col" { "When" }
                        @if trend.by.is_some() { th scope="col" { "Group" } }
                        th scope="col" { "Articles" } th scope="col" { "Usually" } th scope="col" { "" }
                    } }
                    tbody {
                        @for (s, b) in &spikes {
                            tr {
                                td { (bucket_label(b.start, trend.interval, true)) }
                                @if trend.by.is_some() { td { (group_label(trend.by, &s.key)) } }
                                td.num { (b.count) }
                                td.num { (b.mark.map_or(String::new(), |m| format!("{:.1}", m.baseline))) }
                                td { a href=(show_href(s, b.start)) { "Show these articles" } }
                            }
                        }
                    }
                }
            }
            details.counts {
                summary { "The counts as a table" }
                table {
                    thead { tr {
                        th scope="col" { "Period" }
                        @for l in &lines { th scope="col" { (l.label) } }
                    } }
                    tbody {
                        @for (i, t) in ticks.iter().enumerate().take(MAX_ROWS) {
                            tr {
                                th scope="row" { (t) }
                                @for l in &lines {
                                    td.num {
                                        (l.counts.get(i).copied().unwrap_or(0))
                                        @if l.spikes.get(i).is_some_and(Option::is_some) { " " span.spike-word { "spike" } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn spike_chance(trend: &Trend) -> String {
    match trend.spikes.method {
        crate::query::spike::SpikeMethod::Poisson { alpha } => {
            format!("(less than a 1 in {:.0} chance if nothing had changed)", 1.0 / alpha.max(1e-12))
        }
        crate::query::spike::SpikeMethod::Zscore { threshold } => {
            format!("(at least {threshold} standard deviations above them)")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names() {
        let t = DateTime::parse_from_rfc3339("2026-11-20T14:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(bucket_label(t, Interval::Day, false), "20 Nov");
        assert_eq!(bucket_label(t, Interval::Hour, false), "20 Nov 14:00");
        assert_eq!(bucket_label(t, Interval::Week, true), "week of 20 Nov 2026");
        assert_eq!(group_label(Some(GroupBy::Lang), "fr"), "French");
        assert_eq!(group_label(Some(GroupBy::Level), "warning"), "Warning");
    }
}
