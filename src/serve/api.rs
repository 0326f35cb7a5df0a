//! The `/api` routes: search, trends, one article with its evidence and alerts, feed health,
//! and the alert log.
//!
//! Query parameters mirror the command line: `q`, `lang`, `outlet`, `country`, `category`,
//! `speech` (commas for alternatives), `level`, `flagged=true`, `since`, `until` (a date, an
//! RFC 3339 time or a span ago such as `7d`), `sort`, `limit` (at most 100), `offset`; trends
//! add `interval` (hour, day, week), `by` (lang, outlet, category, level) and `top`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use clap::ValueEnum;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiError, ApiState, blocking};
use crate::model::{Level, Speech};
use crate::query::filter::{WindowEnd, parse_time};
use crate::query::trends::{GroupBy, Interval, TrendRequest};
use crate::query::{Filters, SearchRequest, SortOrder};
use crate::store::Store;

/// Most hits per page.
const MAX_LIMIT: usize = 100;
/// Most alerts per `/api/alerts` answer.
const MAX_ALERTS: usize = 1000;

/// Every query parameter of the `/api` routes, as text.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct Params {
    pub(super) pipeline: Option<String>,
    pub(super) q: Option<String>,
    pub(super) lang: Option<String>,
    pub(super) outlet: Option<String>,
    pub(super) country: Option<String>,
    pub(super) category: Option<String>,
    pub(super) speech: Option<String>,
    pub(super) level: Option<String>,
    pub(super) flagged: Option<String>,
    pub(super) since: Option<String>,
    pub(super) until: Option<String>,
    pub(super) sort: Option<String>,
    pub(super) limit: Option<String>,
    pub(super) offset: Option<String>,
    pub(super) interval: Option<String>,
    pub(super) by: Option<String>,
    pub(super) top: Option<String>,
    /// Page number of the web page's results (1 first); the API ignores it.
    pub(super) page: Option<String>,
}

fn list(v: &Option<String>) -> Vec<String> {
    v.as_deref()
        .map(|s| s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

pub(super) fn number(v: &Option<String>, name: &str, default: usize) -> Result<usize, ApiError> {
    v.as_deref().map_or(Ok(default), |s| {
        s.parse().map_err(|_| ApiError::bad_request(format!("{name} must be a number, got {s:?}")))
    })
}

pub(super) fn choice<T: ValueEnum>(v: &Option<String>, name: &str) -> Result<Option<T>, ApiError> {
    v.as_deref()
        .map(|s| T::from_str(s, true).map_err(|_| ApiError::bad_request(format!("unknown {name} {s:?}"))))
        .transpose()
}

impl Params {
    /// The same parameters with blank values (`lang=` from an untouched form menu) removed.
    pub(super) fn without_blanks(self) -> Params {
        let keep = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        Params {
            pipeline: keep(self.pipeline),
            q: keep(self.q),
            lang: keep(self.lang),
            outlet: keep(self.outlet),
            country: keep(self.country),
            category: keep(self.category),
            speech: keep(self.speech),
            level: keep(self.level),
            flagged: keep(self.flagged),
            since: keep(self.since),
            until: keep(self.until),
            sort: keep(self.sort),
            limit: keep(self.limit),
            offset: keep(self.offset),
            interval: keep(self.interval),
            by: keep(self.by),
            top: keep(self.top),
            page: keep(self.page),
        }
    }

    /// The filters these parameters ask for.
    pub(super) fn filters(&self) -> Result<Filters, ApiError> {
        let now = Utc::now();
        let time = |s: &Option<String>, end| {
            s.as_deref().map(|s| parse_time(s, end, now)).transpose().map_err(ApiError::bad_request)
        };
        let speech = list(&self.speech)
            .iter()
            .map(|s| {
                [Speech::Direct, Speech::Reported, Speech::Condemned, Speech::Negated]
                    .into_iter()
                    .find(|k| k.as_str().eq_ignore_ascii_case(s))
                    .ok_or_else(|| {
                        ApiError::bad_request(format!(
                            "unknown speech {s:?}: expected direct, reported, condemned or negated"
                        ))
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let level = self.level.as_deref().map(str::parse::<Level>).transpose().map_err(ApiError::bad_request)?;
        let flagged = matches!(self.flagged.as_deref(), Some("true" | "1" | "yes"));
        Ok(Filters {
            langs: list(&self.lang),
            outlets: list(&self.outlet),
            countries: list(&self.country),
            categories: list(&self.category),
            speech,
            min_level: level.or(flagged.then_some(Level::Watch)),
            since: time(&self.since, WindowEnd::Start)?,
            until: time(&self.until, WindowEnd::End)?,
        })
    }
}

/// `GET /api/search`: `{query, total, hits}` as `tocsin search --json`, from the cache when
/// the same search was answered on the same index generation moments ago.
pub(super) async fn search(
    State(state): State<Arc<ApiState>>,
    RawQuery(raw): RawQuery,
    Query(p): Query<Params>,
) -> Result<Response, ApiError> {
    let h = state.pipeline(p.pipeline.as_deref())?;
    let (key, generation) = (format!("{}?{}", h.name, raw.unwrap_or_default()), h.index_generation());
    let req = SearchRequest {
        query: p.q.clone().unwrap_or_default(),
        limit: number(&p.limit, "limit", 10)?.min(MAX_LIMIT),
        offset: number(&p.offset, "offset", 0)?,
        sort: choice::<SortOrder>(&p.sort, "sort")?.unwrap_or_default(),
        filters: p.filters()?,
        ..SearchRequest::default()
    };
    let body = state
        .searches
        .get_or_compute(&key, generation, || async move {
            let body = blocking(move || {
                let results = crate::query::search(&h.index, &req)?;
                serde_json::to_vec(&results).map_err(ApiError::internal)
            })
            .await?;
            Ok::<_, ApiError>(axum::body::Bytes::from(body))
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// `GET /api/trends`: the JSON of `tocsin trends --json`.
pub(super) async fn trends(State(state): State<Arc<ApiState>>, Query(p): Query<Params>) -> Result<Response, ApiError> {
    let h = state.pipeline(p.pipeline.as_deref())?;
    let req = TrendRequest {
        query: p.q.clone().unwrap_or_default(),
        filters: p.filters()?,
        interval: choice::<Interval>(&p.interval, "interval")?.unwrap_or(Interval::Day),
        by: choice::<GroupBy>(&p.by, "by")?,
        top: number(&p.top, "top", 10)?,
        ..TrendRequest::default()
    };
    let trend = blocking(move || Ok(crate::query::trends::trend(&h.index, &req)?)).await?;
    Ok(Json(trend).into_response())
}

/// `GET /api/articles/{id}`: `{article, assessment, alerts}`.
pub(super) async fn article(
    State(state): State<Arc<ApiState>>,
    Path(id): Path<String>,
    Query(p): Query<Params>,
) -> Result<Response, ApiError> {
    let h = state.pipeline(p.pipeline.as_deref())?;
    let path = h.current().state_path();
    let found = blocking(move || {
        let Some(a) = crate::query::get_article(&h.index, &id).map_err(ApiError::internal)? else {
            return Err(ApiError::not_found(format!("no article {id:?}")));
        };
        let alerts = Store::open(&path).and_then(|s| s.alerts_for(&id)).map_err(ApiError::internal)?;
        Ok(json!({ "article": a.article, "assessment": a.assessment, "alerts": alerts }))
    })
    .await?;
    Ok(Json(found).into_response())
}

/// `GET /api/feeds`: feed health, as `tocsin feeds status --json`.
pub(super) async fn feeds(State(state): State<Arc<ApiState>>, Query(p): Query<Params>) -> Result<Response, ApiError> {
    let h = state.pipeline(p.pipeline.as_deref())?;
    let config = h.current().config.clone();
    let status = blocking(move || crate::run::feed_status(&config, Utc::now()).map_err(ApiError::internal)).await?;
    Ok(Json(status).into_response())
}

/// The parameters of `/api/alerts`.
#[derive(Debug, Default, Deserialize)]
pub(super) struct AlertParams {
    pipeline: Option<String>,
    since: Option<u64>,
    limit: Option<usize>,
    level: Option<String>,
}

/// `GET /api/alerts?since=SEQ&limit=N&level=L`: `{pipeline, last_seq, alerts}`, oldest first;
/// ask again with `since` = the last `seq` received.
pub(super) async fn alerts(
    State(state): State<Arc<ApiState>>,
    Query(p): Query<AlertParams>,
) -> Result<Response, ApiError> {
    let h = state.pipeline(p.pipeline.as_deref())?;
    let level = p.level.as_deref().map(str::parse::<Level>).transpose().map_err(ApiError::bad_request)?;
    let (since, limit) = (p.since.unwrap_or(0), p.limit.unwrap_or(100).min(MAX_ALERTS));
    let path = h.current().state_path();
    let (alerts, last) = blocking(move || {
        let s = Store::open(&path).map_err(ApiError::internal)?;
        let alerts = s.alerts_since(since, level.unwrap_or(Level::None), limit).map_err(ApiError::internal)?;
        Ok((alerts, s.last_alert_seq().map_err(ApiError::internal)?))
    })
    .await?;
    Ok(Json(json!({ "pipeline": h.name, "last_seq": last, "alerts": alerts })).into_response())
}

/// `GET /api/alerts/{seq}` (JSON) or `/api/alerts/{seq}.cap.xml` (CAP 1.2).
pub(super) async fn alert(
    State(state): State<Arc<ApiState>>,
    Path(name): Path<String>,
    Query(p): Query<AlertParams>,
) -> Result<Response, ApiError> {
    let h = state.pipeline(p.pipeline.as_deref())?;
    let (digits, cap) = match name.strip_suffix(".cap.xml") {
        Some(d) => (d, true),
        None => (name.strip_suffix(".json").unwrap_or(&name), false),
    };
    let seq: u64 = digits.parse().map_err(|_| ApiError::bad_request(format!("{digits:?} is not an alert sequence")))?;
    let path = h.current().state_path();
    let (alert, previous) = blocking(move || {
        let s = Store::open(&path).map_err(ApiError::internal)?;
        let alert =
            s.alert(seq).map_err(ApiError::internal)?.ok_or_else(|| ApiError::not_found(format!("no alert {seq}")))?;
        let previous = alert.updates.map(|u| s.alert(u)).transpose().map_err(ApiError::internal)?.flatten();
        Ok((alert, previous))
    })
    .await?;
    if cap {
        let body = crate::alert::cap::render(&alert, previous.as_ref(), h.links());
        return Ok(([(header::CONTENT_TYPE, "application/cap+xml; charset=utf-8")], body).into_response());
    }
    let value: Value = serde_json::to_value(&alert).map_err(ApiError::internal)?;
    Ok(Json(value).into_response())
}
