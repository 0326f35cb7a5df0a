//! When an alert is raised: an article whose level reaches `[alerts] min_level`, or a
//! `[[watch]]` whose latest trend bucket is a spike (judged by [`crate::query::spike`]).
//!
//! Each rule turns its input into a [`NewAlert`] with a subject — the article id, or
//! `watch:NAME:BUCKET_START` — so the alert log raises it once per subject and level: an
//! article raised again at the same level (re-fetched after a crash, or edited) is ignored,
//! and one raised from warning to alert becomes an update of its first alert.

use chrono::{DateTime, Utc};

use crate::config::WatchConfig;
use crate::index::ArticleIndex;
use crate::model::{Alert, AlertArticle, AlertKind, AlertSpike, AssessedArticle, Evidence, Level};
use crate::query::QueryError;
use crate::query::filter::Filters;
use crate::query::spike::SpikeConfig;
use crate::query::trends::{Interval, TrendRequest, trend};
use crate::store::NewAlert;

/// Pieces of evidence carried by an alert.
const EVIDENCE_IN_ALERT: usize = 5;

/// The alert an assessed article raises, if its level reaches `min_level`.
pub fn article_alert(pipeline: &str, a: &AssessedArticle, min_level: Level) -> Option<NewAlert> {
    let (art, asm) = (&a.article, &a.assessment);
    if asm.level < min_level || asm.level == Level::None {
        return None;
    }
    let mut evidence: Vec<&Evidence> = asm.evidence.iter().filter(|e| e.weight > 0.0).collect();
    evidence.sort_by(|x, y| y.weight.total_cmp(&x.weight));
    let snippet = evidence.first().map(|e| e.sentence.trim().to_string()).unwrap_or_default();
    let cats: Vec<&str> = asm.top_categories().into_iter().map(|(c, _)| c).take(3).collect();
    let words = evidence.first().map(|e| format!(": “{}”", e.text)).unwrap_or_default();
    let reason = format!(
        "{} at {} (score {:.2}), {}{words}",
        art.outlet,
        asm.level,
        asm.score,
        if cats.is_empty() { "no category".to_string() } else { cats.join(", ") }
    );
    let alert = Alert {
        seq: 0,
        article_id: Some(art.id.clone()),
        level: asm.level,
        reason,
        created: Utc::now(),
        pipeline: pipeline.to_string(),
        kind: AlertKind::Article,
        updates: None,
        previous_level: None,
        article: Some(AlertArticle {
            title: art.title.clone(),
            outlet: art.outlet.clone(),
            url: if art.canonical_url.is_empty() { art.url.clone() } else { art.canonical_url.clone() },
            lang: art.lang.clone(),
            country: art.country.clone(),
            published: art.published,
            score: asm.score,
            categories: asm.categories.clone(),
            snippet,
            evidence: evidence.into_iter().take(EVIDENCE_IN_ALERT).cloned().collect(),
        }),
        spike: None,
    };
    Some(NewAlert { subject: art.id.clone(), alert })
}

/// The trend bucket width of a watch (validated to 1h, 1d or 7d when the pipeline loads).
pub fn watch_interval(w: &WatchConfig) -> Interval {
    match w.interval.as_secs() {
        s if s <= 3_600 => Interval::Hour,
        s if s <= 86_400 => Interval::Day,
        _ => Interval::Week,
    }
}

/// The alert a watch raises at `now`: when the bucket holding `now` is a spike against the
/// watch's baseline.
pub fn watch_alert(
    index: &ArticleIndex,
    pipeline: &str,
    w: &WatchConfig,
    now: DateTime<Utc>,
) -> Result<Option<NewAlert>, QueryError> {
    let interval = watch_interval(w);
    let bucket = interval.floor(now);
    let req = TrendRequest {
        query: w.query.clone(),
        filters: Filters { since: Some(bucket), ..Filters::default() },
        interval,
        by: None,
        top: 1,
        spikes: SpikeConfig::with_baseline(w.interval, w.baseline),
    };
    let t = trend(index, &req)?;
    let Some(b) = t.all.buckets.iter().find(|b| b.start == bucket) else { return Ok(None) };
    let Some(mark) = b.mark.filter(|m| m.spike) else { return Ok(None) };
    let spike = AlertSpike {
        watch: w.name.clone(),
        query: w.query.clone(),
        interval_seconds: interval.seconds() as u64,
        bucket_start: bucket,
        count: b.count,
        baseline: mark.baseline,
        p_value: mark.p_value,
        z_score: mark.z_score,
    };
    let reason = format!(
        "Spike in “{}” ({}): {} articles since {}, against a baseline of {:.1} per bucket (p = {:.1e})",
        w.name,
        w.query,
        b.count,
        bucket.format("%Y-%m-%d %H:%M UTC"),
        mark.baseline,
        mark.p_value
    );
    let alert = Alert {
        seq: 0,
        article_id: None,
        level: w.level,
        reason,
        created: now,
        pipeline: pipeline.to_string(),
        kind: AlertKind::Spike,
        updates: None,
        previous_level: None,
        article: None,
        spike: Some(spike),
    };
    Ok(Some(NewAlert { subject: format!("watch:{}:{}", w.name, bucket.to_rfc3339()), alert }))
}
