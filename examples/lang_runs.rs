//! How well `lang::runs` finds a sentence of another language inside an article, and how
//! often it switches where it should not, on MasakhaNEWS (`../shared/data`; nothing to
//! measure without it).
//!
//! ```sh
//! cargo run --release --example lang_runs
//! ```
//!
//! 1. Whole articles of one language, read as that language: every run in another language
//!    is a wrong switch (Nigerian Pidgin is read as English, as an outlet would declare it).
//!    German articles come from 10kGNAD.
//! 2. The first sentence of an article of one language put after the first sentence of an
//!    English, French, Swahili or Hausa article: how often that sentence's run has its
//!    language (Swahili and Hausa have no dictionary: their articles are searched for
//!    sentences of another dictionary's language).
//! 3. The same with sentences of lingua's test data (the second half of each file, not the
//!    half the tuning of `common_words` looked at) put in English, French and German
//!    articles: languages whose big dictionaries know each other's commonest words.
//!
//! Speeds are of a second pass over each set: the detector loads a language's model the first
//! time it names it.

use std::collections::BTreeMap;
use std::time::Instant;

use tocsin::classify::Classifier;
use tocsin::lang::runs::runs;
use tocsin::lexicon::LexiconSet;

/// The text column of a MasakhaNEWS dev set, one article per line; `deu` is 10kGNAD's test
/// set.
fn texts(dir: &str) -> Option<Vec<String>> {
    if dir == "deu" {
        let data = std::fs::read_to_string("../shared/data/10kGNAD/test.csv").ok()?;
        let text = |l: &str| l.split_once(';').map(|(_, t)| t.trim_matches('\'').replace("''", "'"));
        return Some(data.lines().filter_map(text).collect());
    }
    let data = std::fs::read_to_string(format!("../shared/data/masakhane-news/data/{dir}/dev.tsv")).ok()?;
    Some(data.lines().skip(1).filter_map(|l| l.split('\t').nth(2).map(|t| t.replace("  ", " "))).collect())
}

/// The second half of lingua's test sentences of `lang`.
fn lingua_sentences(lang: &str) -> Vec<String> {
    let path = format!("../shared/data/lingua-testdata-sentences/language-testdata/sentences/{lang}.txt");
    let data = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = data.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len() / 2..].iter().map(|l| l.to_string()).collect()
}

/// `sentence` put after the first sentence of `host`, and a byte in its middle.
fn inserted(host: &str, sentence: &str) -> (String, usize) {
    let first = host.find(". ").map_or(host.len(), |c| c + 1);
    (format!("{} {sentence} {}", &host[..first], &host[first..]), first + 1 + sentence.len() / 2)
}

/// How often the run at the middle of each guest sentence, put in the hosts in turn, is in
/// `lang`, and which other languages than `host_lang` it is in otherwise.
fn read_as(c: &Classifier, hosts: &[String], host_lang: &str, guests: &[String], lang: &str) -> String {
    let (mut right, mut wrong) = (0, BTreeMap::<String, usize>::new());
    for (i, sentence) in guests.iter().enumerate() {
        let (text, middle) = inserted(&hosts[i % hosts.len()], sentence);
        let runs = runs(&text, host_lang, c);
        let got = &runs.iter().find(|r| r.range.contains(&middle)).expect("runs cover the text").lang;
        if got == lang {
            right += 1;
        } else if got != host_lang {
            *wrong.entry(got.clone()).or_default() += 1;
        }
    }
    format!(
        "{lang} sentence in a {host_lang} article: {right}/{} read as {lang}; as another language {wrong:?}",
        guests.len()
    )
}

fn main() {
    if texts("eng").is_none() {
        eprintln!("../shared/data/masakhane-news is absent: nothing to measure");
        return;
    }
    let set = LexiconSet::load_paths(&[std::path::PathBuf::from("lexicons")]).expect("shipped lexicons load");
    let c = Classifier::build(&set, Default::default()).expect("shipped lexicons compile");
    for (dir, lang) in [
        ("eng", "en"),
        ("fra", "fr"),
        ("deu", "de"),
        ("pcm", "en"),
        ("swa", "sw"),
        ("hau", "ha"),
        ("som", "so"),
        ("yor", "yo"),
    ] {
        let articles = texts(dir).unwrap_or_default();
        let bytes: usize = articles.iter().map(String::len).sum();
        let mut switched: BTreeMap<String, usize> = BTreeMap::new();
        for text in &articles {
            for r in runs(text, lang, &c).into_iter().filter(|r| r.lang != lang) {
                *switched.entry(r.lang).or_default() += 1;
            }
        }
        let started = Instant::now();
        for text in &articles {
            std::hint::black_box(runs(text, lang, &c));
        }
        let mb_s = bytes as f64 / 1e6 / started.elapsed().as_secs_f64();
        println!(
            "{dir} articles read as {lang}: {} articles, runs in another language {switched:?} ({mb_s:.0} MB/s)",
            articles.len()
        );
    }
    for (host_dir, host_lang) in [("eng", "en"), ("fra", "fr"), ("swa", "sw"), ("hau", "ha")] {
        let hosts = texts(host_dir).unwrap_or_default();
        for (dir, lang) in [("swa", "sw"), ("som", "so"), ("yor", "yo"), ("hau", "ha"), ("fra", "fr"), ("eng", "en")] {
            if lang == host_lang {
                continue;
            }
            let guests: Vec<String> = texts(dir)
                .unwrap_or_default()
                .iter()
                .take(200)
                .filter_map(|guest| guest.find(". ").map(|end| guest[..=end].to_string()))
                .collect();
            println!("{}", read_as(&c, &hosts, host_lang, &guests, lang));
        }
    }
    println!("lingua test sentences:");
    for (host_dir, host_lang) in [("eng", "en"), ("fra", "fr"), ("deu", "de")] {
        let hosts = texts(host_dir).unwrap_or_default();
        for lang in ["de", "en", "es", "fr", "it", "nl", "pl", "pt", "tr"] {
            if lang != host_lang && !hosts.is_empty() {
                println!("  {}", read_as(&c, &hosts, host_lang, &lingua_sentences(lang), lang));
            }
        }
    }
}
