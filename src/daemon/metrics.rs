//! The daemon's metrics, kept in one place and rendered as Prometheus text on `/metrics`.
//!
//! Counters, gauges and fixed-bucket histograms keyed by name and labels, behind one mutex
//! (a few updates per cycle and delivery; a scrape renders them all).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

/// Histogram bucket bounds, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 60.0];

/// Names, types and help texts of every metric, in the order they are rendered.
const METRICS: [(&str, &str, &str); 11] = [
    ("tocsin_fetches_total", "counter", "Feed requests by outcome (fetched, not_modified, unchanged, failed)."),
    ("tocsin_articles_indexed_total", "counter", "Articles indexed (new or changed)."),
    ("tocsin_index_documents", "gauge", "Documents in the index after the last cycle."),
    ("tocsin_flags_total", "counter", "Articles indexed, by assessed level."),
    ("tocsin_alerts_total", "counter", "Alerts raised, by level and kind."),
    ("tocsin_alert_deliveries_total", "counter", "Alert delivery attempts by output and result."),
    ("tocsin_cycles_total", "counter", "Pipeline cycles by result (ok, error)."),
    ("tocsin_classify_seconds", "histogram", "Language and classification time per cycle."),
    ("tocsin_index_seconds", "histogram", "Index write and commit time per cycle."),
    ("tocsin_cycle_seconds", "histogram", "Whole cycle time (fetch to state)."),
    ("tocsin_http_requests_total", "counter", "API requests by route and status."),
];

#[derive(Debug, Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

/// Label pairs, rendered in order.
type Labels = Vec<(&'static str, String)>;

/// The registry.
#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Registry>,
}

#[derive(Debug, Default)]
struct Registry {
    values: BTreeMap<(&'static str, Labels), f64>,
    histograms: BTreeMap<(&'static str, Labels), Histogram>,
}

fn labels(pairs: &[(&'static str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

impl Metrics {
    /// Add `by` to a counter.
    pub fn add(&self, name: &'static str, pairs: &[(&'static str, &str)], by: f64) {
        let mut r = self.inner.lock().expect("metrics lock");
        *r.values.entry((name, labels(pairs))).or_default() += by;
    }

    /// Set a gauge.
    pub fn set(&self, name: &'static str, pairs: &[(&'static str, &str)], value: f64) {
        self.inner.lock().expect("metrics lock").values.insert((name, labels(pairs)), value);
    }

    /// Record one observation (seconds) in a histogram.
    pub fn observe(&self, name: &'static str, pairs: &[(&'static str, &str)], seconds: f64) {
        let mut r = self.inner.lock().expect("metrics lock");
        let h = r.histograms.entry((name, labels(pairs))).or_default();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                h.counts[i] += 1;
            }
        }
        h.sum += seconds;
        h.count += 1;
    }

    /// The current value of a counter or gauge (0 when never set), for tests and health.
    pub fn value(&self, name: &'static str, pairs: &[(&'static str, &str)]) -> f64 {
        self.inner.lock().expect("metrics lock").values.get(&(name, labels(pairs))).copied().unwrap_or(0.0)
    }

    /// Prometheus text exposition format 0.0.4.
    pub fn render(&self) -> String {
        let r = self.inner.lock().expect("metrics lock");
        let mut out = String::new();
        for (name, kind, help) in METRICS {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for ((n, l), v) in r.values.range((name, Vec::new())..).take_while(|((n, _), _)| *n == name) {
                let _ = writeln!(out, "{n}{} {v}", render_labels(l, None));
            }
            for ((n, l), h) in r.histograms.range((name, Vec::new())..).take_while(|((n, _), _)| *n == name) {
                for (bound, count) in BUCKETS.iter().zip(h.counts) {
                    let _ = writeln!(out, "{n}_bucket{} {count}", render_labels(l, Some(&bound.to_string())));
                }
                let _ = writeln!(out, "{n}_bucket{} {}", render_labels(l, Some("+Inf")), h.count);
                let _ = writeln!(
                    out,
                    "{n}_sum{} {}\n{n}_count{} {}",
                    render_labels(l, None),
                    h.sum,
                    render_labels(l, None),
                    h.count
                );
            }
        }
        out
    }
}

fn render_labels(l: &Labels, le: Option<&str>) -> String {
    let mut parts: Vec<String> = l
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")))
        .collect();
    if let Some(le) = le {
        parts.push(format!("le=\"{le}\""));
    }
    if parts.is_empty() { String::new() } else { format!("{{{}}}", parts.join(",")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let m = Metrics::default();
        m.add("tocsin_fetches_total", &[("pipeline", "p"), ("status", "fetched")], 2.0);
        m.observe("tocsin_classify_seconds", &[("pipeline", "p")], 0.02);
        let text = m.render();
        assert!(text.contains("tocsin_fetches_total{pipeline=\"p\",status=\"fetched\"} 2"), "{text}");
        assert!(text.contains("tocsin_classify_seconds_bucket{pipeline=\"p\",le=\"0.025\"} 1"), "{text}");
        assert!(text.contains("tocsin_classify_seconds_bucket{pipeline=\"p\",le=\"0.01\"} 0"), "{text}");
        assert!(text.contains("tocsin_classify_seconds_count{pipeline=\"p\"} 1"), "{text}");
    }
}
