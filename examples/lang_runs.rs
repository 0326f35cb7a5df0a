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
//! 2. The first sentence of an article of one language put after the first sentence of an
//!    English, French, Swahili or Hausa article: how often that sentence's run has its
//!    language (Swahili and Hausa have no dictionary: their articles are searched for
//!    sentences of another dictionary's language).

use std::collections::BTreeMap;
use std::time::Instant;

use tocsin::classify::Classifier;
use tocsin::lang::runs::runs;
use tocsin::lexicon::LexiconSet;

/// The text column of a MasakhaNEWS dev set, one article per line.
fn texts(dir: &str) -> Option<Vec<String>> {
    let data = std::fs::read_to_string(format!("../shared/data/masakhane-news/data/{dir}/dev.tsv")).ok()?;
    Some(data.lines().skip(1).filter_map(|l| l.split('\t').nth(2).map(|t| t.replace("  ", " "))).collect())
}

fn main() {
    if texts("eng").is_none() {
        eprintln!("../shared/data/masakhane-news is absent: nothing to measure");
        return;
    }
    let set = LexiconSet::load_paths(&[std::path::PathBuf::from("lexicons")]).expect("shipped lexicons load");
    let c = Classifier::build(&set, Default::default()).expect("shipped lexicons compile");
    for (dir, lang) in
        [("eng", "en"), ("fra", "fr"), ("pcm", "en"), ("swa", "sw"), ("hau", "ha"), ("som", "so"), ("yor", "yo")]
    {
        let articles = texts(dir).unwrap_or_default();
        let bytes: usize = articles.iter().map(String::len).sum();
        let started = Instant::now();
        let mut switched: BTreeMap<String, usize> = BTreeMap::new();
        for text in &articles {
            for r in runs(text, lang, &c).into_iter().filter(|r| r.lang != lang) {
                *switched.entry(r.lang).or_default() += 1;
            }
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
            let (mut n, mut right, mut wrong) = (0, 0, BTreeMap::<String, usize>::new());
            for (i, guest) in texts(dir).unwrap_or_default().iter().enumerate().take(200) {
                let Some(end) = guest.find(". ") else { continue };
                let sentence = &guest[..=end];
                let host = &hosts[i % hosts.len()];
                let first = host.find(". ").map_or(host.len(), |c| c + 1);
                let text = format!("{} {sentence} {}", &host[..first], &host[first..]);
                let middle = first + 1 + sentence.len() / 2;
                let runs = runs(&text, host_lang, &c);
                let got = &runs.iter().find(|r| r.range.contains(&middle)).expect("runs cover the text").lang;
                n += 1;
                if got == lang {
                    right += 1;
                } else if got != host_lang {
                    *wrong.entry(got.clone()).or_default() += 1;
                }
            }
            println!(
                "{lang} sentence in a {host_lang} article: {right}/{n} read as {lang}; as another language {wrong:?}"
            );
        }
    }
}
