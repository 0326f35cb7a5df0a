//! Index and query speed on a year of generated news: `cargo bench --bench index`.
//!
//! Generates `TOCSIN_BENCH_ARTICLES` articles (default 1,000,000) in 11 languages (en, fr, es,
//! de, sw, ar, zh, ru, pt, ha, am) over the year to 2026-11-26, from real text: sentences of
//! MasakhaNEWS (BBC and other news in en, fr, sw, ha, am), 10kGNAD (German news) and the
//! lingua test sentences (the other languages), all from `../shared/data`; a few built-in
//! sentences stand in when that folder is absent (then the numbers say little). Lengths mix
//! feed summaries (30 %: 1–4 sentences) and full articles (70 %: 8–40 sentences). About 3 %
//! carry an incitement sentence with a level, categories and evidence, with a burst of them in
//! one week of June, so filters and trends have realistic selectivity.
//!
//! Prints: indexing throughput (articles/s, through the real upsert path with the default
//! commit policy's batch size raised to 100,000), p50/p99 of 20 typical searches (one page of
//! 10 hits with snippets, as `tocsin search` shows them), trend latencies (a day histogram over
//! every document, and others), and the index size on disk. Each measured search checks its
//! own result (the number of hits it expects to be non-zero).
//!
//! `TOCSIN_BENCH_DIR=/path` keeps the index there and reuses it on the next run when it
//! already holds the requested number of articles (to re-measure queries only).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;
use tocsin::index::{ArticleIndex, CommitPolicy, WriterOptions};
use tocsin::model::{AssessedArticle, Evidence, Level};
use tocsin::query::filter::{WindowEnd, parse_time};
use tocsin::query::trends::{GroupBy, Interval, TrendRequest, trend};
use tocsin::query::{Filters, SearchRequest, SortOrder, search};

/// A language of the generated corpus.
struct Lang {
    code: &'static str,
    /// Share of the articles, in percent.
    share: u32,
    sentences: Vec<String>,
    /// An incitement sentence, injected into flagged articles.
    flagged: &'static str,
    countries: &'static [&'static str],
}

/// Where a language's text comes from, and what it looks like when flagged.
struct Source {
    code: &'static str,
    /// Share of the articles, in percent.
    share: u32,
    /// MasakhaNEWS folder, if it has the language.
    masakhane: Option<&'static str>,
    flagged: &'static str,
    countries: &'static [&'static str],
}

const SOURCES: [Source; 11] = [
    Source {
        code: "en",
        share: 30,
        masakhane: Some("eng"),
        flagged: "They told supporters to pick up machetes and kill the newcomers.",
        countries: &["KE", "NG", "SS", "GB"],
    },
    Source {
        code: "fr",
        share: 15,
        masakhane: Some("fra"),
        flagged: "Il a appelé à exterminer ces cafards à la machette.",
        countries: &["CD", "RW", "BI", "CI"],
    },
    Source {
        code: "es",
        share: 10,
        masakhane: None,
        flagged: "Amenazaron con matar a los migrantes con machetes.",
        countries: &["CO", "MX", "VE"],
    },
    Source {
        code: "de",
        share: 8,
        masakhane: None,
        flagged: "Sie riefen dazu auf, die Flüchtlinge mit Macheten zu vertreiben.",
        countries: &["DE", "AT"],
    },
    Source {
        code: "sw",
        share: 8,
        masakhane: Some("swa"),
        flagged: "Kiongozi alisema wageni wote wauawe kwa mapanga, machete.",
        countries: &["KE", "TZ", "CD"],
    },
    Source {
        code: "ar",
        share: 8,
        masakhane: None,
        flagged: "دعا إلى طرد المهاجرين بالسواطير ووصفهم بالحشرات.",
        countries: &["SD", "LY", "EG"],
    },
    Source {
        code: "zh",
        share: 5,
        masakhane: None,
        flagged: "有人在网上呼吁用砍刀屠杀外来移民。",
        countries: &["CN", "TW"],
    },
    Source {
        code: "ru",
        share: 5,
        masakhane: None,
        flagged: "Он призвал убивать беженцев мачете.",
        countries: &["RU", "UA"],
    },
    Source {
        code: "pt",
        share: 5,
        masakhane: None,
        flagged: "Ameaçaram matar os migrantes com facões.",
        countries: &["BR", "MZ", "AO"],
    },
    Source {
        code: "ha",
        share: 3,
        masakhane: Some("hau"),
        flagged: "Ya ce a kashe baƙin da adda, machete.",
        countries: &["NG", "NE"],
    },
    Source {
        code: "am", share: 3, masakhane: Some("amh"), flagged: "ስደተኞችን በገጀራ ግደሉ ብሎ ጠራ።", countries: &["ET"]
    },
];

fn main() {
    let n: usize = std::env::var("TOCSIN_BENCH_ARTICLES").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let langs = load_languages(&data);
    let temp = tempfile::tempdir_in(std::env::temp_dir()).expect("a temp dir");
    let dir = std::env::var_os("TOCSIN_BENCH_DIR").map(PathBuf::from).unwrap_or_else(|| temp.path().join("index"));
    let index = ArticleIndex::open(&dir).expect("the index opens");
    let have = index.num_docs().unwrap() as usize;
    if have == n {
        println!("Reusing the {n} articles indexed in {}.", dir.display());
    } else {
        assert_eq!(have, 0, "{} holds {have} articles, not {n}: remove it", dir.display());
        index_articles(&index, &langs, n);
    }
    println!("index size on disk: {}", human_bytes(dir_size(&dir)));
    measure_searches(&index);
    measure_trends(&index);
}

fn load_languages(data: &Path) -> Vec<Lang> {
    let present = data.join("lingua-testdata-sentences").exists();
    if !present {
        println!("WARNING: {} is absent; generating from a few built-in sentences.", data.display());
    }
    SOURCES
        .iter()
        .map(|&Source { code, share, masakhane, flagged, countries }| {
            let mut sentences = Vec::new();
            if let Some(folder) = masakhane {
                for file in ["test.tsv", "dev.tsv"] {
                    let path = data.join("masakhane-news/data").join(folder).join(file);
                    let text = std::fs::read_to_string(path).unwrap_or_default();
                    for line in text.lines().skip(1) {
                        let body = line.split('\t').nth(2).unwrap_or(line);
                        sentences.extend(split_sentences(body.trim_matches('"')));
                    }
                }
            }
            if code == "de" {
                let text = std::fs::read_to_string(data.join("10kGNAD/test.csv")).unwrap_or_default();
                for line in text.lines() {
                    sentences.extend(split_sentences(line.split_once(';').map_or(line, |(_, t)| t).trim_matches('\'')));
                }
            }
            let lingua = data.join("lingua-testdata-sentences/language-testdata/sentences").join(format!("{code}.txt"));
            sentences.extend(std::fs::read_to_string(lingua).unwrap_or_default().lines().map(str::to_string));
            if sentences.is_empty() {
                sentences = vec![flagged.to_string(), format!("{code} news of the day."), format!("{code} weather.")];
            }
            Lang { code, share, sentences, flagged, countries }
        })
        .collect()
}

fn split_sentences(text: &str) -> Vec<String> {
    text.split_inclusive(['.', '!', '?', '。', '！', '？', '።'])
        .map(str::trim)
        .filter(|s| (20..600).contains(&s.len()))
        .map(str::to_string)
        .collect()
}

/// xorshift64*: fast, deterministic, good enough to pick sentences.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 1000 < percent * 10
    }
}

/// Builds articles from a template (so fields added to the model later keep their defaults).
struct Generator<'a> {
    langs: &'a [Lang],
    template: AssessedArticle,
    evidence: Evidence,
    start: DateTime<Utc>,
    burst: (i64, i64),
    rng: Rng,
}

impl<'a> Generator<'a> {
    fn new(langs: &'a [Lang]) -> Self {
        let template = serde_json::from_value(json!({
            "article": {"id": "", "url": "", "canonical_url": "", "feed_id": "", "outlet": "", "country": null,
                "title": "", "text": "", "published": "2026-01-01T00:00:00Z", "published_is_fetch_time": false,
                "fetched": "2026-01-01T00:00:00Z", "lang": "", "lang_confidence": 1.0, "authors": [], "tags": []},
            "assessment": {"score": 0.0, "level": "none", "categories": {}, "evidence": []}
        }))
        .expect("template article");
        let evidence = serde_json::from_value(json!({"start": 0, "end": 7, "text": "machete", "sentence": "",
            "term_or_rule": "machete*", "kind": "term", "lexicon": "bench", "category": "violence", "language": "en",
            "speech": "direct", "weight": 0.6}))
        .expect("template evidence");
        let start = Utc.with_ymd_and_hms(2025, 11, 26, 0, 0, 0).unwrap();
        let burst_start = Utc.with_ymd_and_hms(2026, 6, 10, 0, 0, 0).unwrap().timestamp();
        Generator {
            langs,
            template,
            evidence,
            start,
            burst: (burst_start, burst_start + 7 * 86_400),
            rng: Rng(0x9E37_79B9_7F4A_7C15),
        }
    }

    fn pick_lang(&mut self) -> &'a Lang {
        let mut roll = self.rng.below(100) as u32;
        for l in self.langs {
            if roll < l.share {
                return l;
            }
            roll -= l.share;
        }
        &self.langs[0]
    }

    fn article(&mut self, i: usize) -> AssessedArticle {
        let lang = self.pick_lang();
        let mut a = self.template.clone();
        let outlet_no = self.rng.below(20);
        let outlet = format!("{} Outlet {outlet_no}", lang.code.to_uppercase());
        let published = self.start + chrono::Duration::seconds(self.rng.below(365 * 86_400) as i64);
        let sentences = if self.rng.chance(30) { 1 + self.rng.below(4) } else { 8 + self.rng.below(33) };
        let mut text = String::with_capacity(sentences * 120);
        for _ in 0..sentences {
            text.push_str(&lang.sentences[self.rng.below(lang.sentences.len())]);
            text.push(' ');
        }
        let in_burst = (self.burst.0..self.burst.1).contains(&published.timestamp());
        let flagged = self.rng.chance(if in_burst { 15 } else { 3 });
        if flagged {
            text.push_str(lang.flagged);
            self.flag(&mut a, lang);
        }
        let title_words: Vec<&str> = lang.sentences[self.rng.below(lang.sentences.len())].split(' ').take(10).collect();
        let art = &mut a.article;
        art.id = format!("{:016x}", (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        art.canonical_url = format!("https://{}.example/{}", outlet.to_lowercase().replace(' ', "-"), art.id);
        art.url = art.canonical_url.clone();
        art.feed_id = format!("https://{}.example/feed", outlet.to_lowercase().replace(' ', "-"));
        art.outlet = outlet;
        art.country = Some(lang.countries[outlet_no % lang.countries.len()].to_string());
        art.title = title_words.join(" ");
        art.text = text;
        art.published = published;
        art.fetched = published + chrono::Duration::minutes(5);
        art.lang = lang.code.to_string();
        a
    }

    fn flag(&mut self, a: &mut AssessedArticle, lang: &Lang) {
        let speech = ["direct", "direct", "reported", "condemned"][self.rng.below(4)];
        let level = if self.rng.chance(40) { Level::Alert } else { Level::Warning };
        let asm = &mut a.assessment;
        asm.level = level;
        asm.score = if level == Level::Alert { 0.9 } else { 0.7 };
        asm.categories.insert("violence".into(), 0.6);
        asm.categories.insert("incitement".into(), 0.8);
        let mut e = self.evidence.clone();
        e.sentence = lang.flagged.to_string();
        e.language = lang.code.to_string();
        e.speech = serde_json::from_value(json!(speech)).expect("a speech kind");
        asm.evidence.push(e.clone());
        e.category = "incitement".into();
        e.term_or_rule = "call-to-violence".into();
        asm.evidence.push(e);
    }
}

fn index_articles(index: &ArticleIndex, langs: &[Lang], n: usize) {
    // Generation alone, to tell it apart from indexing.
    let mut g = Generator::new(langs);
    let sample = n.min(50_000);
    let t = Instant::now();
    let bytes: usize = (0..sample).map(|i| g.article(i).article.text.len()).sum();
    let gen_rate = sample as f64 / t.elapsed().as_secs_f64();
    println!(
        "generation alone: {gen_rate:.0} articles/s; mean text {} bytes over {sample} articles",
        bytes / sample.max(1)
    );

    let options = WriterOptions {
        threads: 2,
        memory_bytes: 512 * 1024 * 1024,
        policy: CommitPolicy { max_docs: 100_000, max_interval: Duration::from_secs(3600) },
    };
    let mut writer = index.writer_with(options).expect("the writer");
    let mut g = Generator::new(langs);
    let t = Instant::now();
    for i in 0..n {
        writer.upsert(&g.article(i)).expect("upsert");
        if (i + 1) % 100_000 == 0 {
            println!("  {} articles, {:.0}/s", i + 1, (i + 1) as f64 / t.elapsed().as_secs_f64());
        }
    }
    let commits = writer.commits() + 1;
    writer.finish().expect("final commit and merges");
    let secs = t.elapsed().as_secs_f64();
    let docs = index.num_docs().unwrap();
    assert_eq!(docs as usize, n, "every article indexed once");
    println!(
        "indexed {n} articles in {secs:.1} s: {:.0} articles/s including generation ({commits} commits, merges waited for)",
        n as f64 / secs
    );
}

/// One typical search: what a monitor types.
struct Typical {
    label: &'static str,
    req: SearchRequest,
}

fn typical_searches() -> Vec<Typical> {
    let now = Utc.with_ymd_and_hms(2026, 11, 26, 0, 0, 0).unwrap();
    let ago = |s: &str| Some(parse_time(s, WindowEnd::Start, now).unwrap());
    let q = |query: &str| SearchRequest { query: query.into(), limit: 10, ..SearchRequest::default() };
    let f = |query: &str, filters: Filters| SearchRequest { filters, ..q(query) };
    let langs = |l: &str| l.split(',').map(String::from).collect::<Vec<_>>();
    vec![
        Typical { label: "machete", req: q("machete") },
        Typical {
            label: "machete --flagged --sort newest",
            req: SearchRequest { sort: SortOrder::Newest, min_level: Some(Level::Watch), ..q("machete") },
        },
        Typical { label: "government", req: q("government") },
        Typical { label: "police OR army", req: q("police OR army") },
        Typical { label: "\"prime minister\"", req: q("\"prime minister\"") },
        Typical { label: "title:election", req: q("title:election") },
        Typical { label: "attack -police", req: q("attack -police") },
        Typical {
            label: "gouvernement --lang fr",
            req: f("gouvernement", Filters { langs: langs("fr"), ..Filters::default() }),
        },
        Typical {
            label: "exterminer --lang fr --level warning",
            req: f("exterminer", Filters { langs: langs("fr"), min_level: Some(Level::Warning), ..Filters::default() }),
        },
        Typical { label: "gobierno", req: q("gobierno") },
        Typical { label: "Flüchtling (stemmed)", req: q("Flüchtling") },
        Typical {
            label: "serikali --lang sw",
            req: f("serikali", Filters { langs: langs("sw"), ..Filters::default() }),
        },
        Typical { label: "屠杀", req: q("屠杀") },
        Typical { label: "政府 --lang zh", req: f("政府", Filters { langs: langs("zh"), ..Filters::default() }) },
        Typical { label: "المهاجرين", req: q("المهاجرين") },
        Typical { label: "правительство", req: q("правительство") },
        Typical {
            label: "--flagged --since 7d (empty query)",
            req: f("", Filters { min_level: Some(Level::Watch), since: ago("7d"), ..Filters::default() }),
        },
        Typical {
            label: "category:incitement --speech direct --since 30d",
            req: f(
                "category:incitement",
                Filters { speech: vec![tocsin::model::Speech::Direct], since: ago("30d"), ..Filters::default() },
            ),
        },
        Typical {
            label: "kill --country KE,NG --sort score",
            req: SearchRequest {
                sort: SortOrder::Score,
                ..f("kill", Filters { countries: langs("KE,NG"), ..Filters::default() })
            },
        },
        Typical {
            label: "police --outlet \"EN Outlet 3\" --lang en,fr",
            req: f(
                "police",
                Filters { outlets: vec!["EN Outlet 3".into()], langs: langs("en,fr"), ..Filters::default() },
            ),
        },
    ]
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn measure_searches(index: &ArticleIndex) {
    const ROUNDS: usize = 10;
    let searches = typical_searches();
    let mut all = Vec::new();
    println!("\n{:<50} {:>9} {:>9} {:>9}", "search (10 hits with snippets)", "matches", "median", "max");
    for s in &searches {
        let first = search(index, &s.req).expect("the search runs"); // warm-up, and the check
        assert!(first.total > 0 && !first.hits.is_empty(), "{} found nothing", s.label);
        let mut times: Vec<Duration> = (0..ROUNDS)
            .map(|_| {
                let t = Instant::now();
                let r = search(index, &s.req).unwrap();
                let e = t.elapsed();
                assert_eq!(r.total, first.total);
                e
            })
            .collect();
        times.sort();
        println!("{:<50} {:>9} {:>9.2?} {:>9.2?}", s.label, first.total, percentile(&times, 0.5), times[ROUNDS - 1]);
        all.extend(times);
    }
    all.sort();
    println!(
        "20 typical searches × {ROUNDS}: p50 {:.2?}, p99 {:.2?}, max {:.2?}",
        percentile(&all, 0.5),
        percentile(&all, 0.99),
        all[all.len() - 1]
    );
}

fn measure_trends(index: &ArticleIndex) {
    let since = Utc.with_ymd_and_hms(2025, 11, 26, 0, 0, 0).unwrap();
    let until = Utc.with_ymd_and_hms(2026, 11, 26, 0, 0, 0).unwrap();
    let year = Filters { since: Some(since), until: Some(until), ..Filters::default() };
    let cases = [
        (
            "day histogram over every document",
            TrendRequest { interval: Interval::Day, filters: year.clone(), ..TrendRequest::default() },
        ),
        (
            "hour histogram over every document",
            TrendRequest { interval: Interval::Hour, filters: year.clone(), ..TrendRequest::default() },
        ),
        (
            "machete per day --by lang",
            TrendRequest {
                query: "machete".into(),
                by: Some(GroupBy::Lang),
                filters: year.clone(),
                ..TrendRequest::default()
            },
        ),
        (
            "every document per week --by outlet (top 10)",
            TrendRequest {
                interval: Interval::Week,
                by: Some(GroupBy::Outlet),
                filters: year.clone(),
                ..TrendRequest::default()
            },
        ),
        (
            "category:incitement per day --by level",
            TrendRequest {
                query: "category:incitement".into(),
                by: Some(GroupBy::Level),
                filters: year,
                ..TrendRequest::default()
            },
        ),
    ];
    println!("\n{:<50} {:>9} {:>9} {:>9} {:>7}", "trend", "articles", "median", "max", "spikes");
    for (label, req) in cases {
        let first = trend(index, &req).expect("the trend runs");
        let spikes = first.all.buckets.iter().filter(|b| b.is_spike()).count();
        let mut times: Vec<Duration> = (0..5)
            .map(|_| {
                let t = Instant::now();
                let r = trend(index, &req).unwrap();
                assert_eq!(r.all.total, first.all.total);
                t.elapsed()
            })
            .collect();
        times.sort();
        println!("{label:<50} {:>9} {:>9.2?} {:>9.2?} {spikes:>7}", first.all.total, times[2], times[4]);
    }
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| e.metadata().map_or(0, |m| if m.is_dir() { dir_size(&e.path()) } else { m.len() }))
            .sum()
    })
}

fn human_bytes(n: u64) -> String {
    format!("{:.2} GiB ({n} bytes)", n as f64 / (1u64 << 30) as f64)
}
