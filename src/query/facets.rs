//! The values present in the index, for the filter menus of the web page: languages, outlets,
//! countries and categories, each with its number of articles, most articles first.
//!
//! One pass of tantivy `terms` aggregations over the fast fields; no stored document is read.

use serde::Serialize;
use serde_json::{Value, json};
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::{AggContextParams, AggregationCollector, AggregationLimitsGuard};
use tantivy::query::AllQuery;

use super::QueryError;
use crate::index::ArticleIndex;

/// Most values listed per field.
const MAX_VALUES: usize = 500;

/// The values of each filterable field, with article counts, most articles first.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facets {
    /// Languages.
    pub langs: Vec<(String, u64)>,
    /// Outlets.
    pub outlets: Vec<(String, u64)>,
    /// Country codes.
    pub countries: Vec<(String, u64)>,
    /// Categories with evidence.
    pub categories: Vec<(String, u64)>,
    /// Articles in the index.
    pub total: u64,
}

/// Count the values of every filterable field over the whole index.
pub fn facets(index: &ArticleIndex) -> Result<Facets, QueryError> {
    let terms = |field: &str| json!({"terms": {"field": field, "size": MAX_VALUES, "segment_size": MAX_VALUES * 2}});
    let aggs = json!({
        "langs": terms("lang"),
        "outlets": terms("outlet"),
        "countries": terms("country"),
        "categories": terms("category"),
    });
    let aggs: Aggregations = serde_json::from_value(aggs).map_err(|e| QueryError::Invalid(e.to_string()))?;
    let searcher = index.searcher()?;
    let collector = AggregationCollector::from_aggs(
        aggs,
        AggContextParams::new(AggregationLimitsGuard::default(), index.index().tokenizers().clone()),
    );
    let result = serde_json::to_value(searcher.search(&AllQuery, &collector)?)
        .map_err(|e| QueryError::Invalid(e.to_string()))?;
    let values = |name: &str| -> Vec<(String, u64)> {
        let buckets = result[name]["buckets"].as_array().map(Vec::as_slice).unwrap_or_default();
        buckets
            .iter()
            .filter_map(|b: &Value| Some((b["key"].as_str()?.to_string(), b["doc_count"].as_u64()?)))
            .filter(|(k, _)| !k.is_empty())
            .collect()
    };
    Ok(Facets {
        langs: values("langs"),
        outlets: values("outlets"),
        countries: values("countries"),
        categories: values("categories"),
        total: searcher.num_docs(),
    })
}
