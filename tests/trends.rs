//! Trends over a real on-disk index: bucket counts equal counts made by hand (hour, day, week,
//! split by language and level, empty buckets included), and spike detection fires on an
//! injected burst and not on flat or merely noisy data.

use chrono::{DateTime, Duration, Utc};
use tocsin::model::Level;
use tocsin::query::Filters;
use tocsin::query::trends::{GroupBy, Interval, Trend, TrendRequest, trend};

use crate::search::{article, flag, index_of};
use crate::util::tocsin;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Seven articles about machetes and one about the market, 2–10 November 2026 (the 2nd is a
/// Monday).
fn week_of_articles() -> Vec<tocsin::model::AssessedArticle> {
    let m = |id: &str, lang: &str, at: &str| article(id, lang, "Daily", "Report", "A machete attack was reported.", at);
    vec![
        flag(m("d1", "en", "2026-11-02T01:00:00Z"), "KE", Level::Alert, &[]),
        m("d2", "fr", "2026-11-02T23:59:59Z"),
        m("d3", "sw", "2026-11-03T00:00:00Z"),
        flag(m("d4", "en", "2026-11-03T12:30:00Z"), "KE", Level::Warning, &[]),
        m("d5", "en", "2026-11-03T12:45:00Z"),
        m("d6", "fr", "2026-11-05T08:00:00Z"),
        article("d7", "en", "Daily", "Market", "The market reopened.", "2026-11-05T09:00:00Z"),
        m("d8", "en", "2026-11-10T10:00:00Z"),
    ]
}

fn counts(series: &tocsin::query::trends::Series) -> Vec<u64> {
    series.buckets.iter().map(|b| b.count).collect()
}

fn run(
    index: &tocsin::index::ArticleIndex,
    interval: Interval,
    since: &str,
    until: &str,
    by: Option<GroupBy>,
) -> Trend {
    let req = TrendRequest {
        query: "machete".into(),
        filters: Filters { since: Some(t(since)), until: Some(t(until)), ..Filters::default() },
        interval,
        by,
        ..TrendRequest::default()
    };
    trend(index, &req).unwrap()
}

#[test]
fn trend_counts_equal_hand_counted_buckets() {
    let dir = tempfile::tempdir().unwrap();
    let index = index_of(dir.path(), &week_of_articles());

    let days = run(&index, Interval::Day, "2026-11-02T00:00:00Z", "2026-11-11T00:00:00Z", None);
    assert_eq!(counts(&days.all), [2, 3, 0, 1, 0, 0, 0, 0, 1], "empty days are filled with 0");
    assert_eq!(days.all.total, 7);
    assert_eq!(days.all.buckets[0].start, t("2026-11-02T00:00:00Z"));
    assert_eq!((days.since, days.until), (t("2026-11-02T00:00:00Z"), t("2026-11-11T00:00:00Z")));

    let hours = run(&index, Interval::Hour, "2026-11-03T11:00:00Z", "2026-11-03T14:00:00Z", None);
    assert_eq!(counts(&hours.all), [0, 2, 0]);

    // Weeks start on Monday, whatever day `since` is.
    let weeks = run(&index, Interval::Week, "2026-11-04T00:00:00Z", "2026-11-11T00:00:00Z", None);
    assert_eq!(weeks.all.buckets[0].start, t("2026-11-02T00:00:00Z"));
    assert_eq!(counts(&weeks.all), [1, 1], "only what was published since the 4th counts");
    let weeks = run(&index, Interval::Week, "2026-11-02T00:00:00Z", "2026-11-11T00:00:00Z", None);
    assert_eq!(counts(&weeks.all), [6, 1]);

    let by_lang = run(&index, Interval::Day, "2026-11-02T00:00:00Z", "2026-11-11T00:00:00Z", Some(GroupBy::Lang));
    let groups: Vec<(&str, Vec<u64>)> = by_lang.groups.iter().map(|g| (g.key.as_str(), counts(g))).collect();
    assert_eq!(
        groups,
        [
            ("en", vec![1, 2, 0, 0, 0, 0, 0, 0, 1]),
            ("fr", vec![1, 0, 0, 1, 0, 0, 0, 0, 0]),
            ("sw", vec![0, 1, 0, 0, 0, 0, 0, 0, 0]),
        ]
    );
    let by_level = run(&index, Interval::Week, "2026-11-02T00:00:00Z", "2026-11-11T00:00:00Z", Some(GroupBy::Level));
    let mut groups: Vec<(&str, u64)> = by_level.groups.iter().map(|g| (g.key.as_str(), g.total)).collect();
    groups.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    assert_eq!(groups, [("none", 5), ("alert", 1), ("warning", 1)]);

    // Without bounds, the grid starts at the first match and ends now.
    let open = trend(&index, &TrendRequest { query: "machete".into(), ..TrendRequest::default() }).unwrap();
    assert_eq!(open.since, t("2026-11-02T00:00:00Z"));
    assert!(open.until >= Utc::now());
    assert_eq!(open.all.total, 7);
}

/// `per_day[i]` machete articles on day i from 1 October 2026, each at a different hour.
fn daily(per_day: &[u64]) -> Vec<tocsin::model::AssessedArticle> {
    let start = t("2026-10-01T00:00:00Z");
    let mut out = Vec::new();
    for (day, &n) in per_day.iter().enumerate() {
        for k in 0..n {
            let at = start + Duration::days(day as i64) + Duration::minutes(k as i64 * 37 % 1440);
            out.push(article(&format!("s{day}-{k}"), "en", "Daily", "Machete", "machete", &at.to_rfc3339()));
        }
    }
    out
}

fn spikes(per_day: &[u64]) -> Vec<usize> {
    let dir = tempfile::tempdir().unwrap();
    let index = index_of(dir.path(), &daily(per_day));
    let tr = run(&index, Interval::Day, "2026-10-01T00:00:00Z", "2026-10-31T00:00:00Z", None);
    assert_eq!(counts(&tr.all), per_day, "the trend counts what was indexed");
    tr.all.buckets.iter().enumerate().filter(|(_, b)| b.is_spike()).map(|(i, _)| i).collect()
}

#[test]
fn spike_fires_on_an_injected_burst_and_not_on_flat_data() {
    let flat = vec![4u64; 30];
    assert!(spikes(&flat).is_empty(), "flat data never spikes");
    // Noisy but steady (a Poisson-like sequence around 4).
    let noisy = [3, 5, 4, 6, 2, 4, 5, 3, 4, 7, 3, 4, 2, 5, 4, 6, 3, 4, 5, 2, 4, 3, 6, 4, 5, 3, 4, 4, 5, 3];
    assert!(spikes(&noisy).is_empty(), "ordinary noise is not a spike");
    let mut burst = noisy.to_vec();
    burst[24] = 20;
    assert_eq!(spikes(&burst), [24], "the burst and only the burst");
}

#[test]
fn trends_command_prints_bars_json_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let mut per_day = vec![2u64; 20];
    per_day[15] = 15;
    index_of(dir.path(), &daily(&per_day));
    let run = |args: &[&str]| {
        let out = tocsin()
            .args(["trends", "machete", "--since", "2026-10-01", "--until", "2026-10-20", "--index"])
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let table = run(&[]);
    let spike_lines: Vec<&str> = table.lines().filter(|l| l.contains('▲') && l.starts_with("2026")).collect();
    assert_eq!(spike_lines.len(), 1, "{table}");
    assert!(spike_lines[0].starts_with("2026-10-16") && spike_lines[0].contains('█'), "{table}");
    let json: serde_json::Value = serde_json::from_str(&run(&["--json", "--by", "lang"])).unwrap();
    assert_eq!(json["all"]["total"], 53);
    assert_eq!(json["all"]["buckets"].as_array().unwrap().len(), 20);
    assert_eq!(json["all"]["buckets"][15]["spike"], true);
    assert_eq!(json["groups"][0]["key"], "en");
    assert_eq!(json["interval"], "day");
    let csv = run(&["--csv", "--interval", "week"]);
    assert!(csv.starts_with("series,start,count,baseline,p_value,z_score,spike"), "{csv}");
    // Weeks of 28 September, 5, 12 and 19 October.
    assert_eq!(csv.lines().count(), 1 + 4, "{csv}");
}
