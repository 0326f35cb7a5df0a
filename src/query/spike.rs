//! Spike detection over a series of bucket counts: is this bucket unlikely given the trailing
//! baseline? Pure arithmetic, used by `tocsin trends` and by the daemon's `[[watch]]` rules.
//!
//! # Method
//! For bucket `i`, the **baseline** is the mean `m` of the previous `window` buckets (fewer at
//! the start of the series; no verdict with fewer than `min_history`). The bucket's count `c`
//! is then judged by one of:
//!
//! - **Poisson tail** (default): under "nothing changed", `c` is Poisson with rate
//!   `λ = max(m, 1/window)` (the floor stands for one article in the whole window, so a
//!   silent baseline still gives a finite rate). The p-value is `P(X ≥ c | λ)`; the bucket is a
//!   spike when `p < alpha` (default 0.001). Good for sparse counts (a query's hourly or daily
//!   matches); it assumes no overdispersion, so strongly cyclical series (weekday/weekend) are
//!   better judged with the z-score.
//! - **z-score**: `z = (c − m) / s` with `s` the standard deviation of the window, floored at
//!   `√max(m, 1)` (never more confident than Poisson); a spike when `z ≥ threshold`
//!   (default 3).
//!
//! Either way a bucket needs `c ≥ min_count` (default 3) to be a spike, so one or two stray
//! articles after silence never ring the bell. Both `p_value` and `z_score` are reported for
//! every judged bucket whatever the method, so a reader sees how far from normal each one is.

use serde::{Deserialize, Serialize};

/// How a bucket is judged against its baseline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "method")]
pub enum SpikeMethod {
    /// Poisson upper tail below `alpha`.
    Poisson {
        /// Significance level.
        alpha: f64,
    },
    /// z-score at or above `threshold`.
    Zscore {
        /// Standard deviations above the mean.
        threshold: f64,
    },
}

/// Settings of the detector.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SpikeConfig {
    /// The test.
    pub method: SpikeMethod,
    /// Trailing buckets that make the baseline.
    pub window: usize,
    /// Fewest trailing buckets needed for a verdict.
    pub min_history: usize,
    /// Fewest articles in a bucket for it to be a spike.
    pub min_count: u64,
}

impl SpikeConfig {
    /// The default test with a baseline of `baseline` (a `[[watch]]` rule's "14d") in buckets
    /// of `interval` ("1h"): 336 trailing buckets.
    pub fn with_baseline(interval: std::time::Duration, baseline: std::time::Duration) -> Self {
        let window = (baseline.as_secs() / interval.as_secs().max(1)).max(1) as usize;
        SpikeConfig { window, ..SpikeConfig::default() }
    }
}

impl Default for SpikeConfig {
    fn default() -> Self {
        SpikeConfig { method: SpikeMethod::Poisson { alpha: 0.001 }, window: 14, min_history: 3, min_count: 3 }
    }
}

/// The verdict on one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SpikeMark {
    /// Mean count of the trailing window.
    pub baseline: f64,
    /// `P(X ≥ count)` under a Poisson law with the baseline rate.
    pub p_value: f64,
    /// Standard deviations above the baseline.
    pub z_score: f64,
    /// Whether the bucket is a spike under the configured method.
    pub spike: bool,
}

/// Judge every bucket of `counts` against its trailing window; `None` where the history is
/// shorter than `min_history`.
pub fn detect_spikes(counts: &[u64], config: &SpikeConfig) -> Vec<Option<SpikeMark>> {
    let window = config.window.max(1);
    (0..counts.len())
        .map(|i| {
            let history = &counts[i.saturating_sub(window)..i];
            (history.len() >= config.min_history.max(1)).then(|| judge(counts[i], history, window, config))
        })
        .collect()
}

fn judge(count: u64, history: &[u64], window: usize, config: &SpikeConfig) -> SpikeMark {
    let n = history.len() as f64;
    let mean = history.iter().sum::<u64>() as f64 / n;
    let variance = history.iter().map(|&c| (c as f64 - mean).powi(2)).sum::<f64>() / n;
    let sd = variance.max(mean).max(1.0).sqrt();
    let z_score = (count as f64 - mean) / sd;
    let p_value = poisson_upper_tail(count, mean.max(1.0 / window as f64));
    let unlikely = match config.method {
        SpikeMethod::Poisson { alpha } => p_value < alpha,
        SpikeMethod::Zscore { threshold } => z_score >= threshold,
    };
    SpikeMark { baseline: mean, p_value, z_score, spike: unlikely && count >= config.min_count }
}

/// `P(X ≥ k)` for `X ~ Poisson(lambda)`, summed in log space so large counts neither
/// overflow nor underflow.
pub fn poisson_upper_tail(k: u64, lambda: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    let ln_term = |j: u64| -lambda + j as f64 * lambda.ln() - ln_factorial(j);
    if (k as f64) > lambda {
        // Terms decrease from k upwards: sum until they stop mattering.
        let first = ln_term(k);
        let (mut sum, mut term, mut j) = (1.0, 1.0, k);
        while term > 1e-17 * sum {
            j += 1;
            term *= lambda / j as f64;
            sum += term;
        }
        (first.exp() * sum).min(1.0)
    } else {
        // Terms decrease from k − 1 downwards: 1 − P(X ≤ k − 1).
        let first = ln_term(k - 1);
        let (mut sum, mut term, mut j) = (1.0, 1.0, k - 1);
        while j > 0 && term > 1e-17 * sum {
            term *= j as f64 / lambda;
            j -= 1;
            sum += term;
        }
        (1.0 - first.exp() * sum).clamp(0.0, 1.0)
    }
}

/// `ln(n!)`: exact sum below 256, Stirling's series above (error < 1e-12).
fn ln_factorial(n: u64) -> f64 {
    if n < 256 {
        return (2..=n).map(|i| (i as f64).ln()).sum();
    }
    let x = n as f64;
    x * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI * x).ln() + 1.0 / (12.0 * x) - 1.0 / (360.0 * x.powi(3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_tail_matches_closed_forms() {
        // P(X ≥ 1) = 1 − e^−λ
        assert!((poisson_upper_tail(1, 2.0) - (1.0 - (-2.0f64).exp())).abs() < 1e-12);
        // P(X ≥ 3 | λ = 1) = 1 − e^−1 (1 + 1 + 1/2)
        let want = 1.0 - (-1.0f64).exp() * 2.5;
        assert!((poisson_upper_tail(3, 1.0) - want).abs() < 1e-12);
        assert!(poisson_upper_tail(1000, 100.0) < 1e-200);
        assert!((poisson_upper_tail(100, 100.0) - 0.513).abs() < 0.001);
        assert!((ln_factorial(300) - (1..=300u64).map(|i| (i as f64).ln()).sum::<f64>()).abs() < 1e-9);
    }

    #[test]
    fn burst_fires_and_flat_does_not() {
        let flat = vec![20u64; 60];
        assert!(detect_spikes(&flat, &SpikeConfig::default()).iter().flatten().all(|m| !m.spike));
        let mut burst = flat.clone();
        burst[40] = 60;
        let marks = detect_spikes(&burst, &SpikeConfig::default());
        let fired: Vec<usize> =
            marks.iter().enumerate().filter(|(_, m)| m.is_some_and(|m| m.spike)).map(|(i, _)| i).collect();
        assert_eq!(fired, [40]);
        let z = SpikeConfig { method: SpikeMethod::Zscore { threshold: 3.0 }, ..SpikeConfig::default() };
        let fired = detect_spikes(&burst, &z).iter().filter(|m| m.is_some_and(|m| m.spike)).count();
        assert_eq!(fired, 1);
    }

    #[test]
    fn a_watch_baseline_becomes_a_window() {
        let hour = std::time::Duration::from_secs(3600);
        assert_eq!(SpikeConfig::with_baseline(hour, hour * 24 * 14).window, 336);
    }

    #[test]
    fn silence_then_a_stray_article_is_not_a_spike() {
        let mut counts = vec![0u64; 20];
        counts[15] = 1;
        counts[18] = 2;
        assert!(detect_spikes(&counts, &SpikeConfig::default()).iter().flatten().all(|m| !m.spike));
        counts[19] = 5;
        assert!(detect_spikes(&counts, &SpikeConfig::default())[19].unwrap().spike);
        assert!(detect_spikes(&counts, &SpikeConfig::default())[..3].iter().all(Option::is_none));
    }
}
