//! `tocsin eval`: every preset reads its real dataset with the counts the sources document,
//! the bundled samples run end to end, metrics match confusion matrices counted by hand on
//! engineered lexicons, the HTML report is well-formed with its charts, and `--compare`
//! finds the verdicts a lexicon change flips.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use tocsin::config::Levels;
use tocsin::eval::presets::{PRESETS, find};
use tocsin::eval::{LangSource, Lexicons, Options, Report, classify_all, load, report};

use crate::util::{fixture, repo, shared_data, tocsin};

/// (preset, examples, positives, languages) as documented in `../shared/data/SOURCES.md` and
/// the datasets' own READMEs.
const COUNTS: &[(&str, usize, usize, &[&str])] = &[
    ("hatecheck", 3_728, 2_563, &["en"]),
    ("davidson", 24_783, 1_430, &["en"]),
    ("ethos", 998, 433, &["en"]),
    ("ethos-violence", 433, 142, &["en"]),
    // train_en 9,000 (3,783) + dev_en 1,000 (427) + train_es 4,500 (1,857) + dev_es 500 (222)
    ("hateval", 15_000, 6_289, &["en", "es"]),
    // hateful: en 1,278 + fr 399 + ar 755
    ("mlma", 13_014, 2_432, &["en", "fr", "ar"]),
    // ABUSE: training 1,022 + test 773
    ("germeval", 8_541, 1_795, &["de"]),
    ("told-br", 21_000, 376, &["pt"]),
    ("l-hsab", 5_846, 468, &["ar"]),
    // labels 1 and 2: train 922 + 389, dev 417 + 196, test 719 + 201
    ("blp-vitd", 6_046, 2_844, &["bn"]),
    // News, every article negative. dev + test: am 564, en 1,420, fr 633, ha 954, so 442,
    // sw 713, yo 617.
    ("masakhane-news", 5_343, 0, &["am", "en", "fr", "ha", "so", "sw", "yo"]),
    ("10kgnad", 1_028, 0, &["de"]),
];

#[test]
fn every_preset_reads_its_real_dataset_with_the_documented_counts() {
    assert_eq!(COUNTS.len(), PRESETS.len(), "a preset without expected counts");
    let Some(data) = shared_data("") else { return };
    for &(name, examples, positives, langs) in COUNTS {
        let preset = find(name).unwrap();
        if shared_data(preset.folder).is_none() {
            continue;
        }
        let spec = preset.spec(Vec::new(), &data);
        let d = load(&spec).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(d.skipped.is_empty(), "{name}: skipped rows {:?}", &d.skipped[..d.skipped.len().min(5)]);
        assert_eq!(d.examples.len(), examples, "{name}: examples");
        assert_eq!(d.examples.iter().filter(|e| e.gold).count(), positives, "{name}: positives");
        let mut seen: Vec<&str> = Vec::new();
        for e in &d.examples {
            let l = e.lang.as_deref().expect("every preset gives a language");
            if !seen.contains(&l) {
                seen.push(l);
            }
        }
        assert_eq!(seen, langs, "{name}: languages");
        if let LangSource::Fixed(_) = spec.lang {
            assert_eq!(seen.len(), 1);
        }
    }
}

#[test]
fn hatecheck_preset_categories_and_functionalities() {
    let Some(data) = shared_data("hatecheck-en") else { return };
    let spec = find("hatecheck").unwrap().spec(Vec::new(), data.parent().unwrap());
    let d = load(&spec).unwrap();
    let count = |c: &str| d.examples.iter().filter(|e| e.category == c).count();
    // The suite has 133 threat_dir_h (threat), 140 threat_norm_h (incitement; SOURCES.md says
    // 133) and 140 derog_dehum_h (dehumanisation) cases; every *_nh case is "not hate".
    assert_eq!(count("threat"), 133);
    assert_eq!(count("incitement"), 140);
    assert_eq!(count("dehumanisation"), 140);
    assert_eq!(count("not hate"), 1_165);
    let mut functionalities: Vec<&str> = d.examples.iter().map(|e| e.groups[0].as_str()).collect();
    functionalities.dedup();
    assert_eq!(functionalities.len(), 29);
}

/// Run `tocsin eval ARGS --json` and parse the report.
fn eval_json(args: &[&str]) -> Value {
    let out = tocsin().arg("eval").args(args).arg("--json").output().unwrap();
    assert!(out.status.success(), "tocsin eval {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The shipped lexicons, compiled once for every test here that needs them.
fn shipped() -> &'static Lexicons {
    static SHIPPED: OnceLock<Lexicons> = OnceLock::new();
    SHIPPED.get_or_init(|| Lexicons::load(&[repo().join("lexicons")], Levels::default()).unwrap())
}

/// A preset's report on the bundled sample, with the shipped lexicons.
fn sample_report(name: &str) -> Report {
    let spec = find(name).unwrap().spec(Vec::new(), &fixture("eval"));
    let data = load(&spec).unwrap();
    let outcomes = classify_all(&shipped().classifier, &data.examples);
    report::build(&spec, &data, &outcomes, &shipped().info, Levels::default(), Options::default())
}

#[test]
fn presets_run_on_the_bundled_samples() {
    // (preset, examples, positives, languages in order)
    let cases: &[(&str, usize, usize, &[&str])] = &[
        ("hatecheck", 58, 36, &["en"]),
        ("davidson", 30, 10, &["en"]),
        ("mlma", 30, 12, &["en", "fr", "ar"]),
        ("germeval", 30, 10, &["de"]),
        ("told-br", 20, 8, &["pt"]),
    ];
    for &(name, examples, positives, langs) in cases {
        let r = sample_report(name);
        assert_eq!((r.dataset.examples, r.dataset.positives), (examples, positives), "{name}");
        assert_eq!(r.overall.confusion.total(), examples, "{name}: the confusion matrix covers every example");
        let got: Vec<&str> = r.by_language.iter().map(|s| s.value.as_str()).collect();
        assert_eq!(got, langs, "{name}");
        assert_eq!(r.sweep.len(), 20);
        assert!(!r.pr_curve.is_empty());
    }
    let r = sample_report("hatecheck");
    assert_eq!(r.groups[0].column, "functionality");
    assert_eq!(r.groups[0].slices.len(), 29);
    assert_eq!(r.groups[0].slices[0].value, "derog_neg_emote_h", "functionalities keep the suite's order");
    assert_eq!(r.groups[1].column, "target_ident");
    assert!(r.overall.flagged > 0 && !r.terms.is_empty(), "the English lexicons flag some HateCheck cases");
    let html = tocsin::eval::render::html::report(&r);
    well_formed(&html);
    assert!(html.contains("Accuracy by functionality") && html.contains("counter_quote_nh"));
}

/// A lexicon folder with the shipped categories and one English lexicon of made-up words, so
/// that what fires is known exactly.
fn lexicon_dir(root: &Path, name: &str, terms: &str) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(dir.join("en")).unwrap();
    std::fs::copy(repo().join("lexicons/categories.toml"), dir.join("categories.toml")).unwrap();
    let toml = format!(
        "[lexicon]\nid = \"en-test\"\nlanguage = \"en\"\nversion = \"1\"\ndescription = \"test\"\n\
         sources = [\"tests\"]\nlicence = \"CC-BY-4.0\"\n\n{terms}"
    );
    std::fs::write(dir.join("en/test.toml"), toml).unwrap();
    dir
}

const OLD_TERMS: &str = "[[term]]\nmatch = \"zorblat*\"\ncategory = \"dehumanisation\"\nweight = 0.5\n";
const NEW_TERMS: &str = "[[term]]\nregex = '\\bzorblats must go\\b'\ncategory = \"dehumanisation\"\nweight = 0.5\n\n\
     [[term]]\nmatch = \"glimmerfang*\"\ncategory = \"dehumanisation\"\nweight = 0.5\n";

/// Five examples whose verdicts under OLD and NEW are known:
///
/// | text | gold | OLD | NEW |
/// |---|---|---|---|
/// | The zorblats must go. | + | TP | TP |
/// | Beware the zorblat menace. | + | TP | FN (lost) |
/// | They are glimmerfangs, all of them. | + | FN | TP (caught) |
/// | Zorblat soup is on the menu. | − | FP | TN (cleared) |
/// | The market opens at nine. | − | TN | TN |
fn engineered_dataset(dir: &Path) -> PathBuf {
    let path = dir.join("engineered.jsonl");
    let rows = [
        ("The zorblats must go.", 1, "a"),
        ("Beware the zorblat menace.", 1, "a"),
        ("They are glimmerfangs, all of them.", 1, "b"),
        ("Zorblat soup is on the menu. <script>alert(1)</script>", 0, "b"),
        ("The market opens at nine.", 0, "a"),
    ];
    let body: String = rows
        .iter()
        .map(|(t, l, g)| serde_json::json!({"text": t, "label": l, "lang": "en", "source": g}).to_string() + "\n")
        .collect();
    std::fs::write(&path, body).unwrap();
    path
}

#[test]
fn metrics_match_a_confusion_matrix_counted_by_hand() {
    let tmp = tempfile::tempdir().unwrap();
    let old = lexicon_dir(tmp.path(), "old", OLD_TERMS);
    let data = engineered_dataset(tmp.path());
    let r = eval_json(&[
        data.to_str().unwrap(),
        "--lang-column",
        "lang",
        "--group",
        "source",
        "--lexicons",
        old.to_str().unwrap(),
    ]);
    // OLD: TP 2, FP 1, FN 1, TN 1 → precision 2/3, recall 2/3, F1 2/3, accuracy 3/5.
    let o = &r["overall"];
    assert_eq!(
        (o["tp"].as_u64(), o["fp"].as_u64(), o["fn"].as_u64(), o["tn"].as_u64()),
        (Some(2), Some(1), Some(1), Some(1))
    );
    for (k, v) in [("precision", 2.0 / 3.0), ("recall", 2.0 / 3.0), ("f1", 2.0 / 3.0), ("accuracy", 0.6)] {
        assert!((o[k].as_f64().unwrap() - v).abs() < 1e-9, "{k}: {}", o[k]);
    }
    // Group a: TP 2 (zorblats, menace), TN 1 (market); group b: FN 1 (glimmerfangs), FP 1 (soup).
    let slices = &r["groups"][0]["slices"];
    assert_eq!(slices[0]["value"], "a");
    assert_eq!(
        (slices[0]["tp"].as_u64(), slices[0]["tn"].as_u64(), slices[0]["precision"].as_f64()),
        (Some(2), Some(1), Some(1.0))
    );
    assert_eq!((slices[1]["fn"].as_u64(), slices[1]["fp"].as_u64()), (Some(1), Some(1)));
    assert!(slices[1]["precision"].as_f64() == Some(0.0) && slices[1]["recall"].as_f64() == Some(0.0));
    // The one term: 2 positives, 1 negative, that negative flagged.
    let t = &r["terms"][0];
    assert_eq!(t["term_or_rule"], "zorblat*");
    assert_eq!(
        (t["on_positives"].as_u64(), t["on_negatives"].as_u64(), t["false_alarms"].as_u64()),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(r["false_positives"][0]["line"], 4);
    assert_eq!(r["false_positives"][0]["evidence"][0]["text"], "Zorblat");
    assert_eq!(r["false_negatives"][0]["text"], "They are glimmerfangs, all of them.");
    // Every flag is at the same score, so the best threshold is that score, with OLD's F1.
    assert!((r["best_threshold"]["f1"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
}

#[test]
fn compare_finds_the_engineered_verdict_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let old = lexicon_dir(tmp.path(), "old", OLD_TERMS);
    let new = lexicon_dir(tmp.path(), "new", NEW_TERMS);
    let data = engineered_dataset(tmp.path());
    let html = tmp.path().join("compare.html");
    let c = eval_json(&[
        data.to_str().unwrap(),
        "--lang-column",
        "lang",
        "--compare",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
    ]);
    let s = &c["summary"];
    assert_eq!(
        (s["caught"].as_u64(), s["lost"].as_u64(), s["new_false_alarms"].as_u64(), s["cleared_false_alarms"].as_u64()),
        (Some(1), Some(1), Some(0), Some(1))
    );
    let changes: Vec<(&str, &str)> = c["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ch| (ch["change"].as_str().unwrap(), ch["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        changes,
        [
            ("lost", "Beware the zorblat menace."),
            ("caught", "They are glimmerfangs, all of them."),
            ("cleared_false_alarm", "Zorblat soup is on the menu. <script>alert(1)</script>"),
        ]
    );
    assert_eq!(c["changes"][1]["added"][0], "glimmerfang*");
    assert_eq!(c["changes"][0]["removed"][0], "zorblat*");
    // OLD TP 2 FP 1 FN 1; NEW TP 2 (zorblats must go, glimmerfangs) FP 0 FN 1.
    assert_eq!(c["delta"]["fp"], -1);
    assert_eq!(c["delta"]["tp"], 0);
    assert!((c["delta"]["precision"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9);
    assert!(c["delta"]["recall"].as_f64().unwrap().abs() < 1e-9);
    well_formed(&std::fs::read_to_string(&html).unwrap());
}

/// Parse strictly as XML: every element closed, every entity known.
fn well_formed(html: &str) {
    let mut reader = quick_xml::Reader::from_str(html);
    reader.config_mut().check_end_names = true;
    let mut depth: i64 = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::GeneralRef(r)) => {
                let known = matches!(&*r, "amp" | "lt" | "gt" | "quot" | "apos");
                assert!(known || r.resolve_char_ref().ok().flatten().is_some(), "unknown entity &{};", &*r);
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed at byte {}: {e}", reader.error_position()),
        }
    }
    assert_eq!(depth, 0, "unclosed elements");
}

#[test]
fn html_report_is_well_formed_self_contained_and_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let old = lexicon_dir(tmp.path(), "old", OLD_TERMS);
    let data = engineered_dataset(tmp.path());
    let html_path = tmp.path().join("report.html");
    let out = tocsin()
        .args(["eval", data.to_str().unwrap(), "--lang-column", "lang", "--lexicons", old.to_str().unwrap()])
        .args(["--html", html_path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(&html_path).unwrap();
    well_formed(&html);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.matches("<svg ").count() >= 2, "the PR curve and the language bars");
    assert!(html.contains("Precision-recall curve") && html.contains("by language"));
    assert!(!html.contains("<script"), "data text is escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("<mark>Zorblat</mark>"), "evidence is highlighted");
    for external in ["src=", "href=", "@import", "url("] {
        assert!(!html.contains(external), "no external assets: found {external}");
    }
}

#[test]
fn generic_flags_read_any_layout() {
    let tmp = tempfile::tempdir().unwrap();
    let old = lexicon_dir(tmp.path(), "old", OLD_TERMS);
    let path = tmp.path().join("d.tsv");
    std::fs::write(&path, "tweet\tclass\ttarget\n\"The zorblats\" must go\t2\tmigrants\nnice weather\t0\t\n").unwrap();
    let r = eval_json(&[
        "--lexicons",
        old.to_str().unwrap(),
        path.to_str().unwrap(),
        "--text",
        "tweet",
        "--positive",
        "class=1|2",
        "--lang",
        "en",
        "--group",
        "target",
        "--category-rule",
        "class=2 => threat",
        "--category-rule",
        "class=0 => none",
    ]);
    assert_eq!(r["dataset"]["positive"][0], "class=1|2");
    assert_eq!((r["dataset"]["examples"].as_u64(), r["dataset"]["positives"].as_u64()), (Some(2), Some(1)));
    let cats: Vec<&str> = r["by_category"].as_array().unwrap().iter().map(|s| s["value"].as_str().unwrap()).collect();
    assert_eq!(cats, ["threat", "none"]);
    assert_eq!(r["groups"][0]["slices"][1]["value"], "(none)");
    assert_eq!(r["overall"]["tp"], 1);
    assert_eq!(r["false_negatives"].as_array().unwrap().len(), 0);
    assert_eq!(r["terms"][0]["term_or_rule"], "zorblat*", "a TSV quote is text, not a quoted field");
}

#[test]
fn a_misspelt_column_stops_with_the_columns_the_file_has() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("d.csv");
    std::fs::write(&path, "tweet,class\nhello,0\n").unwrap();
    let out = tocsin().args(["eval", path.to_str().unwrap(), "--text", "twet"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no column \"twet\"") && err.contains("tweet, class"), "{err}");
    let out =
        tocsin().args(["eval", path.to_str().unwrap(), "--text", "tweet", "--positive", "class"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected COLUMN=VALUE"));
}

#[test]
fn presets_by_name_or_by_flag_with_other_files() {
    let tmp = tempfile::tempdir().unwrap();
    let lexicons = lexicon_dir(tmp.path(), "old", OLD_TERMS);
    let fixtures = fixture("eval");
    let by_name =
        eval_json(&["told-br", "--data", fixtures.to_str().unwrap(), "--lexicons", lexicons.to_str().unwrap()]);
    assert_eq!(by_name["dataset"]["name"], "told-br");
    assert_eq!(by_name["dataset"]["examples"], 20);
    let file = fixtures.join("told-br/ToLD-BR.csv");
    let by_flag = eval_json(&[
        "--preset",
        "told-br",
        file.to_str().unwrap(),
        "--positive",
        "insult>=2",
        "--lexicons",
        lexicons.to_str().unwrap(),
    ]);
    assert_eq!(by_flag["dataset"]["positive"], serde_json::json!(["insult>=2"]), "a flag overrides the preset");
    assert_eq!(by_flag["by_language"][0]["value"], "pt", "the rest of the preset still applies");
    let out = tocsin().args(["eval", "--list-presets", "--data", fixtures.to_str().unwrap()]).output().unwrap();
    let listing = String::from_utf8_lossy(&out.stdout);
    for p in PRESETS {
        assert!(listing.contains(p.name), "{} is listed", p.name);
    }
    assert!(listing.contains("(absent)"), "presets without files here say so");
}
