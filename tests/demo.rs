//! `tocsin demo` as a new user runs it, and the demo's answer key checked against the index.

use std::collections::HashMap;

use serde::Deserialize;
use tocsin::model::Level;

use crate::util::{block_on, build, repo, tocsin};

#[test]
fn demo_runs_twice_without_duplicates() {
    let tmp = tempfile::tempdir().unwrap();
    let run = || {
        let out = tocsin().arg("demo").arg("--data-dir").arg(tmp.path()).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let first = run();
    assert!(first.contains("Articles indexed this run: 163"), "{first}");
    assert!(first.contains("Index now holds 163 articles"), "{first}");
    for lang in ["[en]", "[fr]", "[sw]", "[ar]"] {
        assert!(first.contains(lang), "no flagged {lang} article shown:\n{first}");
    }
    assert!(first.contains("direct") && first.contains("[["), "{first}");
    assert!(first.contains("search --flagged"), "{first}");
    let second = run();
    assert!(second.contains("Articles indexed this run: 0"), "{second}");
    assert!(second.contains("Index now holds 163 articles"), "{second}");
}

#[derive(Deserialize)]
struct Answers {
    item: Vec<Answer>,
}

#[derive(Deserialize)]
struct Answer {
    feed: String,
    id: String,
    lang: String,
    class: String,
}

/// Each item's article id, from the feed files themselves.
fn article_ids() -> HashMap<(String, String), String> {
    let mut ids = HashMap::new();
    for entry in std::fs::read_dir(repo().join("pipelines/demo")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !(name.ends_with(".xml") || name.ends_with(".json")) {
            continue;
        }
        let feed = feed_rs::parser::parse(std::fs::read(&path).unwrap().as_slice()).unwrap();
        for e in feed.entries {
            let link = e.links.first().map(|l| l.href.clone()).unwrap();
            let id = tocsin::parse::canonical::stable_id(&tocsin::parse::canonical::canonical_url(&link));
            ids.insert((name.clone(), e.id.clone()), id);
        }
    }
    ids
}

#[test]
fn demo_answer_key_holds() {
    let tmp = tempfile::tempdir().unwrap();
    let answers: Answers =
        toml::from_str(&std::fs::read_to_string(repo().join("pipelines/demo/answers.toml")).unwrap()).unwrap();
    let ids = article_ids();
    let mut config = tocsin::config::PipelineConfig::load(&repo().join("pipelines/demo.toml")).unwrap();
    config.pipeline.data_dir = tmp.path().to_path_buf();
    config.pipeline.lexicons = vec![repo().join("lexicons")];
    block_on(async {
        let server = tocsin::demo::FeedServer::start(&repo().join("pipelines/demo")).await.unwrap();
        tocsin::demo::rewrite_demo_urls(&mut config, &server.base_url());
        let pipeline = build(config);
        tocsin::run::run_once(&pipeline).await.unwrap();
        let index = tocsin::index::ArticleIndex::open(&pipeline.index_dir()).unwrap();
        let mut wrong = Vec::new();
        for a in &answers.item {
            // Feed-rs may rewrite an id (Atom ids are kept, RSS guids too); match on both.
            let id =
                ids.get(&(a.feed.clone(), a.id.clone())).unwrap_or_else(|| panic!("{} {} not in feed", a.feed, a.id));
            let got = tocsin::query::get_article(&index, id).unwrap().expect("indexed");
            let level = got.assessment.level;
            let ok = match a.class.as_str() {
                "incitement" => level >= Level::Warning,
                "reported" => level >= Level::Watch,
                "condemned" => level <= Level::Watch,
                "ordinary" | "tricky" => level <= Level::Watch && (a.class == "tricky" || level == Level::None),
                other => panic!("unknown class {other}"),
            };
            if !ok {
                let ev: Vec<String> =
                    got.assessment.evidence.iter().map(|e| format!("{}:{}:{}", e.category, e.text, e.speech)).collect();
                wrong.push(format!(
                    "[{}] {} {} is {} ({:.2}): {}",
                    a.lang,
                    a.class,
                    got.article.title,
                    level,
                    got.assessment.score,
                    ev.join(", ")
                ));
            }
        }
        assert!(
            wrong.is_empty(),
            "{} of {} demo items misjudged:\n{}",
            wrong.len(),
            answers.item.len(),
            wrong.join("\n")
        );
        drop(server);
    });
}
