//! Filters shared by search, trends and export: language, outlet, country, category, speech,
//! level and a publication-time window.
//!
//! Values of one filter are alternatives (`--lang fr --lang sw` = French or Swahili); different
//! filters all apply. Each becomes a `Must` clause next to the text query, so tantivy skips
//! non-matching documents through the posting lists instead of post-filtering hits.

use std::ops::Bound;

use chrono::{DateTime, NaiveDate, Utc};
use tantivy::Term;
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use crate::index::Fields;
use crate::model::{Level, Speech};

/// Which articles a search, trend or export considers, besides the text query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Languages (ISO 639-1 codes, case-insensitive); empty = all.
    pub langs: Vec<String>,
    /// Outlet names, exact; empty = all.
    pub outlets: Vec<String>,
    /// Country codes (case-insensitive); empty = all.
    pub countries: Vec<String>,
    /// Categories with evidence (`incitement`, `dehumanisation` …); empty = all.
    pub categories: Vec<String>,
    /// Speech kinds of the evidence (an article matches if any of its evidence has one).
    pub speech: Vec<Speech>,
    /// Only articles at this level or above.
    pub min_level: Option<Level>,
    /// Published at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Published before this time.
    pub until: Option<DateTime<Utc>>,
}

impl Filters {
    /// The filter clauses, each to be combined with `Must`.
    pub fn clauses(&self, f: &Fields) -> Vec<Box<dyn Query>> {
        let lower = |v: &String| v.to_ascii_lowercase();
        let upper = |v: &String| v.to_ascii_uppercase();
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        out.extend(any_of(f.lang, self.langs.iter().map(lower)));
        out.extend(any_of(f.outlet, self.outlets.iter().cloned()));
        out.extend(any_of(f.country, self.countries.iter().map(upper)));
        out.extend(any_of(f.category, self.categories.iter().cloned()));
        out.extend(any_of(f.speech, self.speech.iter().map(|s| s.as_str().to_string())));
        if let Some(level) = self.min_level.filter(|l| *l > Level::None) {
            // The few levels at or above as terms: their posting lists are short for the
            // rare high levels, so they lead the intersection instead of scanning a column.
            let ranks = Level::ALL.into_iter().filter(|l| *l >= level).map(|l| Term::from_field_u64(f.level, l.rank()));
            out.extend(any_term(ranks));
        }
        if self.since.is_some() || self.until.is_some() {
            let term = |d: DateTime<Utc>| {
                Term::from_field_date_for_search(f.published, tantivy::DateTime::from_timestamp_secs(d.timestamp()))
            };
            let lower = self.since.map_or(Bound::Unbounded, |d| Bound::Included(term(d)));
            let upper = self.until.map_or(Bound::Unbounded, |d| Bound::Excluded(term(d)));
            out.push(Box::new(RangeQuery::new(lower, upper)));
        }
        out
    }
}

/// A clause matching any of `values` in an exact field; none when `values` is empty.
fn any_of(field: Field, values: impl Iterator<Item = String>) -> Option<Box<dyn Query>> {
    any_term(values.map(|v| Term::from_field_text(field, &v)))
}

/// A clause matching any of `terms`; none when there are none.
fn any_term(terms: impl Iterator<Item = Term>) -> Option<Box<dyn Query>> {
    let terms: Vec<(Occur, Box<dyn Query>)> = terms
        .map(|t| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(t, IndexRecordOption::Basic));
            (Occur::Should, q)
        })
        .collect();
    match terms.len() {
        0 => None,
        1 => terms.into_iter().next().map(|(_, q)| q),
        _ => Some(Box::new(BooleanQuery::new(terms))),
    }
}

/// Which end of a time window a date names: a bare date means the start of that day for
/// `since` and the end of that day for `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowEnd {
    /// `--since`.
    Start,
    /// `--until`.
    End,
}

/// Read a time for `--since`/`--until`: RFC 3339 (`2026-11-20T08:00:00Z`), a date
/// (`2026-11-20`, UTC), or a duration before `now` (`90m`, `36h`, `7d`, `2w`).
pub fn parse_time(s: &str, end: WindowEnd, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let d = if end == WindowEnd::End { d.succ_opt().unwrap_or(d) } else { d };
        return Ok(d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc());
    }
    let ago = match s.strip_suffix('w').and_then(|n| n.parse::<u64>().ok()) {
        Some(weeks) => std::time::Duration::from_secs(weeks * 7 * 86_400),
        None => crate::config::parse_duration(s).map_err(|_| {
            format!("cannot read the time {s:?}: expected 2026-11-20, 2026-11-20T08:00:00Z or a span ago such as 7d")
        })?,
    };
    let ago = chrono::Duration::from_std(ago).map_err(|e| e.to_string())?;
    Ok(now - ago)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_dates_spans_and_instants() {
        let now = DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z").unwrap().with_timezone(&Utc);
        let at = |s, e| parse_time(s, e, now).unwrap().to_rfc3339();
        assert_eq!(at("2026-11-01", WindowEnd::Start), "2026-11-01T00:00:00+00:00");
        assert_eq!(at("2026-11-01", WindowEnd::End), "2026-11-02T00:00:00+00:00");
        assert_eq!(at("7d", WindowEnd::Start), "2026-11-13T12:00:00+00:00");
        assert_eq!(at("2w", WindowEnd::Start), "2026-11-06T12:00:00+00:00");
        assert_eq!(at("36h", WindowEnd::Start), "2026-11-19T00:00:00+00:00");
        assert_eq!(at("2026-11-20T08:00:00+02:00", WindowEnd::Start), "2026-11-20T06:00:00+00:00");
        assert!(parse_time("yesterday", WindowEnd::Start, now).is_err());
    }
}
