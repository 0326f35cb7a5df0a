//! `tocsin trends QUERY`: matches per hour, day or week, as a bar table on the terminal or as
//! JSON/CSV, with spikes marked.

use std::io::Write;

use anyhow::Result;
use clap::Args;

use super::search::{FilterArgs, IndexArgs};
use crate::query::spike::{SpikeConfig, SpikeMethod};
use crate::query::trends::{Bucket, GroupBy, Interval, Series, Trend, TrendRequest};

/// Widest bar, in characters.
const BAR_WIDTH: usize = 40;

/// `tocsin trends`.
#[derive(Debug, Args)]
pub struct TrendsArgs {
    /// Query in tantivy syntax (as for search); empty counts every article.
    #[arg(default_value = "")]
    pub query: String,
    /// Bucket width.
    #[arg(long, value_enum, default_value_t = Interval::Day)]
    pub interval: Interval,
    /// One series per language, outlet, category or level.
    #[arg(long, value_enum)]
    pub by: Option<GroupBy>,
    /// Most series with --by (the largest).
    #[arg(long, default_value_t = 6)]
    pub top: usize,
    /// Which index.
    #[command(flatten)]
    pub source: IndexArgs,
    /// Which articles; --since and --until also bound the table (defaults: first match, now).
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Spike test: poisson (upper tail below --alpha) or zscore (at least --z).
    #[arg(long, default_value = "poisson", value_parser = ["poisson", "zscore"])]
    pub spike_method: String,
    /// Trailing buckets that make the baseline.
    #[arg(long, default_value_t = 14)]
    pub window: usize,
    /// Significance level of the Poisson test.
    #[arg(long, default_value_t = 0.001)]
    pub alpha: f64,
    /// Threshold of the z-score test.
    #[arg(long, default_value_t = 3.0)]
    pub z: f64,
    /// Fewest articles in a bucket for it to be a spike.
    #[arg(long, default_value_t = 3)]
    pub min_count: u64,
    /// Print the trend as JSON.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print one CSV row per bucket and series.
    #[arg(long)]
    pub csv: bool,
}

pub(super) fn trends(args: TrendsArgs) -> Result<()> {
    let index = args.source.open()?;
    let method = match args.spike_method.as_str() {
        "zscore" => SpikeMethod::Zscore { threshold: args.z },
        _ => SpikeMethod::Poisson { alpha: args.alpha },
    };
    let req = TrendRequest {
        query: args.query.clone(),
        filters: args.filters.filters()?,
        interval: args.interval,
        by: args.by,
        top: args.top,
        spikes: SpikeConfig { method, window: args.window, min_count: args.min_count, ..SpikeConfig::default() },
    };
    let trend = crate::query::trends::trend(&index, &req)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        serde_json::to_writer_pretty(&mut out, &trend)?;
        writeln!(out)?;
    } else if args.csv {
        write_csv(&trend, &mut out)?;
    } else {
        print_table(&trend, &mut out)?;
    }
    out.flush()?;
    Ok(())
}

fn write_csv(trend: &Trend, out: &mut impl Write) -> Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(["series", "start", "count", "baseline", "p_value", "z_score", "spike"])?;
    for s in std::iter::once(&trend.all).chain(&trend.groups) {
        for b in &s.buckets {
            let (baseline, p, z) = b.mark.map_or((String::new(), String::new(), String::new()), |m| {
                (format!("{:.3}", m.baseline), format!("{:.3e}", m.p_value), format!("{:.2}", m.z_score))
            });
            csv.write_record([
                &s.key,
                &b.start.to_rfc3339(),
                &b.count.to_string(),
                &baseline,
                &p,
                &z,
                &b.is_spike().to_string(),
            ])?;
        }
    }
    csv.flush()?;
    Ok(())
}

fn label(interval: Interval, b: &Bucket) -> String {
    match interval {
        Interval::Hour => b.start.format("%Y-%m-%d %H:00").to_string(),
        Interval::Day => b.start.format("%Y-%m-%d %a").to_string(),
        Interval::Week => b.start.format("%G-W%V %m-%d").to_string(),
    }
}

fn bar(count: u64, max: u64) -> String {
    if max == 0 || count == 0 {
        return String::new();
    }
    let eighths = (count as f64 / max as f64 * (BAR_WIDTH * 8) as f64).round().max(1.0) as usize;
    let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8];
    format!("{}{partial}", "█".repeat(eighths / 8))
}

fn print_table(trend: &Trend, out: &mut impl Write) -> Result<()> {
    let unit = format!("{:?}", trend.interval).to_lowercase();
    let method = match trend.spikes.method {
        SpikeMethod::Poisson { alpha } => format!("Poisson tail p < {alpha}"),
        SpikeMethod::Zscore { threshold } => format!("z ≥ {threshold}"),
    };
    let query = if trend.query.is_empty() { "every article".to_string() } else { format!("{:?}", trend.query) };
    writeln!(
        out,
        "{query} per {unit}, {} → {} UTC: {} articles. Spikes (▲): {method} against the previous {} {unit}s.",
        trend.since.format("%Y-%m-%d %H:%M"),
        trend.until.format("%Y-%m-%d %H:%M"),
        trend.all.total,
        trend.spikes.window
    )?;
    let groups: &[Series] = &trend.groups;
    if !groups.is_empty() {
        let names: Vec<String> = groups.iter().map(|g| format!("{:>10}", truncate(&g.key, 10))).collect();
        writeln!(out, "{:<16} {:>7} {}", "", "all", names.join(" "))?;
    }
    let max = trend.all.buckets.iter().map(|b| b.count).max().unwrap_or(0);
    for (i, b) in trend.all.buckets.iter().enumerate() {
        let cells: Vec<String> = groups
            .iter()
            .map(|g| {
                let gb = &g.buckets[i];
                format!("{:>9}{}", gb.count, if gb.is_spike() { "▲" } else { " " })
            })
            .collect();
        let spike = b.mark.filter(|m| m.spike).map(|m| format!("  ▲ baseline {:.1}, p {:.1e}", m.baseline, m.p_value));
        let cells = if cells.is_empty() { String::new() } else { format!(" {}", cells.join(" ")) };
        writeln!(
            out,
            "{:<16} {:>7}{cells}  {}{}",
            label(trend.interval, b),
            b.count,
            bar(b.count, max),
            spike.unwrap_or_default()
        )?;
    }
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { s.chars().take(n - 1).chain(['…']).collect() }
}
