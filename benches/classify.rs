//! Classifier throughput on real news text (MasakhaNEWS in ../shared/data, or the bundled demo
//! feeds on a fresh clone), with every shipped lexicon loaded.
//!
//! `cargo bench --bench classify` prints bytes/s per benchmark: `full` is one thread, `batch`
//! is `classify_batch` on the rayon pool, `mixed` is `classify_mixed` (what the pipeline
//! calls: parts in another language found first); `build` is compiling all lexicons.
//!
//! On a shared machine wall-clock numbers swing with the load. `TOCSIN_CPU=1 cargo bench
//! --bench classify` instead prints throughput per second of this thread's own CPU time
//! (from /proc/thread-self/schedstat), which other processes barely move. With
//! `TOCSIN_PROFILE=N` it builds once and classifies the corpus N times after a warm-up pass,
//! for `perf record` or for counting instructions, which no load moves:
//! `valgrind --tool=callgrind --toggle-collect=classify::measured_pass` (`TOCSIN_PROFILE_LANG=sw`
//! keeps one language; `TOCSIN_PROFILE_MIXED=1` passes `classify_mixed` instead of `classify`).
//! `TOCSIN_BENCH_LEXICONS=DIR` loads another lexicon folder.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use divan::counter::BytesCount;
use tocsin::classify::Classifier;
use tocsin::config::Levels;
use tocsin::lexicon::LexiconSet;

fn main() {
    if let Some(n) = std::env::var("TOCSIN_PROFILE").ok().and_then(|n| n.parse::<usize>().ok()) {
        let c = classifier();
        let only = std::env::var("TOCSIN_PROFILE_LANG").ok();
        let texts: Vec<_> = corpus().iter().filter(|(_, l)| only.is_none() || *l == only).collect();
        let mixed = std::env::var_os("TOCSIN_PROFILE_MIXED").is_some();
        // A first pass compiles the lazy regexes and warms their DFA caches (and the
        // detector's tables, which `classify_mixed` may ask).
        one_pass(c, &texts, mixed);
        for _ in 0..n {
            measured_pass(c, &texts, mixed);
        }
    } else if std::env::var_os("TOCSIN_CPU").is_some() {
        cpu_report();
    } else {
        divan::main();
    }
}

/// One pass over `texts`, apart from the warm-up pass: `valgrind --tool=callgrind
/// --toggle-collect=classify::measured_pass` counts the instructions of steady-state passes.
#[inline(never)]
fn measured_pass(c: &Classifier, texts: &[&(String, Option<String>)], mixed: bool) {
    one_pass(c, texts, mixed);
}

/// Classify every text of `texts`, with [`Classifier::classify_mixed`] if `mixed`.
fn one_pass(c: &Classifier, texts: &[&(String, Option<String>)], mixed: bool) {
    for (text, lang) in texts {
        if mixed {
            std::hint::black_box(c.classify_mixed(text, lang.as_deref().unwrap_or("und")));
        } else {
            std::hint::black_box(c.classify(text, lang.as_deref()));
        }
    }
}

/// Nanoseconds this thread has run on a CPU.
fn thread_cpu_ns() -> u64 {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").expect("Linux schedstat");
    stat.split_whitespace().next().and_then(|n| n.parse().ok()).expect("schedstat field")
}

/// CPU seconds of the whole process (user + system), from /proc/self/stat (10 ms ticks).
fn process_cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("Linux /proc");
    // Fields after the command name (which may hold spaces) start at state, field 3.
    let fields: Vec<&str> = stat.rsplit_once(')').expect("stat format").1.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

/// Passes over the corpus per measure of CPU time (see [`cpu_report`]).
const PASSES: usize = 5;

/// Build time and single-thread throughput in CPU time, best of three.
fn cpu_report() {
    let set = lexicons();
    // The build runs on the rayon pool: wall time, and CPU time of the whole process.
    let (mut build_wall, mut build_cpu) = (f64::MAX, f64::MAX);
    for _ in 0..3 {
        let (t, cpu) = (std::time::Instant::now(), process_cpu_s());
        std::hint::black_box(Classifier::build(&set, Levels::default()).unwrap());
        build_wall = build_wall.min(t.elapsed().as_secs_f64());
        build_cpu = build_cpu.min(process_cpu_s() - cpu);
    }
    let c = classifier();
    // The kernel counts CPU time in scheduler ticks (4 ms here): each measure spans several
    // passes, so that a tick is a small part of it.
    let mut classify_s = f64::MAX;
    for _ in 0..3 {
        let t = thread_cpu_ns();
        for _ in 0..PASSES {
            for (text, lang) in corpus() {
                std::hint::black_box(c.classify(text, lang.as_deref()));
            }
        }
        classify_s = classify_s.min((thread_cpu_ns() - t) as f64 / 1e9 / PASSES as f64);
    }
    // As the pipeline reads articles: parts in another language found first (lang::runs).
    let mut mixed_s = f64::MAX;
    for _ in 0..3 {
        let t = thread_cpu_ns();
        for _ in 0..PASSES {
            for (text, lang) in corpus() {
                std::hint::black_box(c.classify_mixed(text, lang.as_deref().unwrap_or("und")));
            }
        }
        mixed_s = mixed_s.min((thread_cpu_ns() - t) as f64 / 1e9 / PASSES as f64);
    }
    // Per language: scripts and lexicon sizes differ (Amharic is all 3-byte UTF-8).
    let mut languages: Vec<&str> = corpus().iter().filter_map(|(_, l)| l.as_deref()).collect();
    languages.dedup();
    for lang in languages {
        let texts: Vec<_> = corpus().iter().filter(|(_, l)| l.as_deref() == Some(lang)).collect();
        let bytes: usize = texts.iter().map(|(t, _)| t.len()).sum();
        let mut best = f64::MAX;
        for _ in 0..3 {
            let t = thread_cpu_ns();
            for _ in 0..PASSES * 4 {
                for (text, l) in &texts {
                    std::hint::black_box(c.classify(text, l.as_deref()));
                }
            }
            best = best.min((thread_cpu_ns() - t) as f64 / 1e9 / (PASSES * 4) as f64);
        }
        println!("  {lang}: {:.1} MB, {:.1} MB/s", bytes as f64 / 1e6, bytes as f64 / 1e6 / best);
    }
    let mb = total_bytes() as f64 / 1e6;
    let (literals, regexes) = c.engines();
    println!("corpus {mb:.1} MB in {} texts; {literals} literal patterns, {regexes} regexes", corpus().len());
    println!(
        "build {build_wall:.3} s wall ({build_cpu:.2} s CPU, all threads); classify {classify_s:.3} s CPU = {:.1} MB/s per core",
        mb / classify_s
    );
    println!("classify_mixed (with language runs, as the pipeline) {:.1} MB/s per core", mb / mixed_s);
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// (text, language) pairs of about 2 KB each, cut at line ends.
fn corpus() -> &'static Vec<(String, Option<String>)> {
    static CORPUS: OnceLock<Vec<(String, Option<String>)>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let masakhane = repo().join("../shared/data/masakhane-news/data");
        let mut out = Vec::new();
        if masakhane.exists() {
            for (dir, lang) in
                [("eng", "en"), ("fra", "fr"), ("swa", "sw"), ("amh", "am"), ("hau", "ha"), ("som", "so")]
            {
                chunk(&masakhane.join(dir).join("dev.tsv"), lang, &mut out);
            }
        } else {
            eprintln!("../shared/data is absent: benchmarking on the bundled demo feeds");
            for entry in std::fs::read_dir(repo().join("pipelines/demo")).unwrap() {
                chunk(&entry.unwrap().path(), "und", &mut out);
            }
        }
        out
    })
}

fn chunk(path: &Path, lang: &str, out: &mut Vec<(String, Option<String>)>) {
    let Ok(bytes) = std::fs::read(path) else { return };
    let text = String::from_utf8_lossy(&bytes);
    let mut cur = String::new();
    for line in text.lines() {
        cur.push_str(line);
        cur.push('\n');
        if cur.len() > 2048 {
            out.push((std::mem::take(&mut cur), Some(lang.to_string())));
        }
    }
    if !cur.is_empty() {
        out.push((cur, Some(lang.to_string())));
    }
}

/// The shipped lexicons, or the folder `TOCSIN_BENCH_LEXICONS` names (a frozen copy keeps two
/// binaries comparable while the shipped files are being edited).
fn lexicons() -> LexiconSet {
    let dir = std::env::var_os("TOCSIN_BENCH_LEXICONS").map_or_else(|| repo().join("lexicons"), PathBuf::from);
    LexiconSet::load_paths(&[dir]).expect("lexicons load")
}

fn classifier() -> &'static Classifier {
    static C: OnceLock<Classifier> = OnceLock::new();
    C.get_or_init(|| Classifier::build(&lexicons(), Levels::default()).expect("shipped lexicons compile"))
}

fn total_bytes() -> usize {
    corpus().iter().map(|(t, _)| t.len()).sum()
}

#[divan::bench(sample_count = 10)]
fn full(bencher: divan::Bencher) {
    let c = classifier();
    bencher.counter(BytesCount::new(total_bytes())).bench(|| {
        let mut evidence = 0;
        for (text, lang) in corpus() {
            evidence += c.classify(text, lang.as_deref()).evidence.len();
        }
        // The news text is not empty of signal: atrocity reporting and cues exist in it.
        assert!(evidence > 0);
        evidence
    });
}

/// As the pipeline reads articles: parts in another language found first (`lang::runs`).
#[divan::bench(sample_count = 10)]
fn mixed(bencher: divan::Bencher) {
    let c = classifier();
    bencher.counter(BytesCount::new(total_bytes())).bench(|| {
        corpus()
            .iter()
            .map(|(text, lang)| c.classify_mixed(text, lang.as_deref().unwrap_or("und")).evidence.len())
            .sum::<usize>()
    });
}

#[divan::bench(sample_count = 10)]
fn batch(bencher: divan::Bencher) {
    let c = classifier();
    bencher.counter(BytesCount::new(total_bytes())).bench(|| {
        let out = c.classify_batch(corpus());
        assert_eq!(out.len(), corpus().len());
        out
    });
}

#[divan::bench(sample_count = 5)]
fn build() -> Classifier {
    Classifier::build(&lexicons(), Levels::default()).unwrap()
}
