//! The analysts' lexicon tools as analysts run them: `tocsin lexicon lint | test | stats |
//! import-hurtlex` on small lexicons with deliberate mistakes, on every shipped lexicon, and on
//! HurtLex files (a made-up fixture always; the real files when ../shared/data is present).

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use tocsin::classify::Classifier;
use tocsin::config::Levels;
use tocsin::lexicon::LexiconSet;
use tocsin::lexicon::hurtlex::{self, ImportOptions, Level};
use tocsin::lexicon::lint::lint_paths;

use crate::util::{fixture, repo, shared_data, tocsin};

/// A temp folder with the shipped `categories.toml` and the given lexicon files.
fn lexicon_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("lexicons/categories.toml"), dir.path().join("categories.toml")).unwrap();
    for (name, body) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
    dir
}

fn run(args: &[&str], paths: &[&Path]) -> Output {
    tocsin().args(args).args(paths).output().unwrap()
}

fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", String::from_utf8_lossy(&out.stdout)))
}

/// `(file relative to dir, line, code)` of each finding in a lint JSON list.
fn findings(list: &Value, dir: &Path) -> Vec<(String, Option<u64>, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = Path::new(d["file"].as_str().unwrap());
            let file = file.strip_prefix(dir).unwrap_or(file).display().to_string();
            (file, d["line"].as_u64(), d["code"].as_str().unwrap().to_string())
        })
        .collect()
}

const BAD: &str = r#"[lexicon]
id = "en-bad"
language = "en"
sources = ["tests"]
licence = "CC0-1.0"

[[term]]
match = "kill them"
category = "violence"
note = "n"
examples = ["kill them"]

[[term]]
match = "Kill-Them!"
category = "violence"
note = "the same words as line 7 once normalised"
examples = ["kill them"]

[[term]]
match = "?!"
category = "violence"
note = "nothing left after normalisation"
examples = ["x"]

[[term]]
regex = "(kill"
category = "violence"
note = "does not compile"

[[term]]
regex = "a*"
category = "violence"
note = "matches the empty string"

[[term]]
match = "burn"
category = "violense"

[[term]]
match = "kill"
category = "violence"
note = "shadowed by kill them"
examples = ["kill"]

[[rule]]
id = "en-nothing"
all = ["violence", "slur"]
category = "threat"
note = "no slur term in en"
examples = ["kill them"]

[[rule]]
id = "en-typo"
all = ["en-kil"]
category = "threat"
note = "unknown term id"
examples = ["kill"]
"#;

const DUP: &str =
    "[lexicon]\nid = \"en-dup\"\nlanguage = \"en\"\n\n[[term]]\nmatch = \"kill them\"\ncategory = \"violence\"\n";

const BROKEN: &str =
    "[lexicon]\nid = \"fr-broken\"\nlanguage = \"fr\"\n\n[[term]]\nmatch = \"tuer\"\ncategori = \"violence\"\n";

#[test]
fn lint_reports_each_mistake_with_its_code_file_and_line() {
    let dir = lexicon_dir(&[("en/bad.toml", BAD), ("en/dup.toml", DUP), ("fr/broken.toml", BROKEN)]);
    let out = run(&["lexicon", "lint", "--json"], &[dir.path()]);
    assert!(!out.status.success(), "errors must fail the command");
    let report = stdout_json(&out);
    let errors = findings(&report["errors"], dir.path());
    let bad = |line: u64, code: &str| ("en/bad.toml".to_string(), Some(line), code.to_string());
    let expected_errors = [
        bad(13, "duplicate-term"),
        bad(19, "never-matches"),
        bad(25, "regex-invalid"),
        bad(30, "regex-matches-empty"),
        bad(35, "unknown-category"),
        bad(45, "rule-references-nothing"),
        bad(52, "unknown-reference"),
        ("en/dup.toml".into(), Some(5), "duplicate-term".into()),
        ("fr/broken.toml".into(), Some(7), "parse".into()),
    ];
    assert_eq!(errors, expected_errors, "{report:#}");
    let warnings = findings(&report["warnings"], dir.path());
    for expected in [
        bad(39, "shadowed"),
        ("en/dup.toml".into(), None, "missing-sources".into()),
        ("en/dup.toml".into(), None, "missing-licence".into()),
        ("en/dup.toml".into(), Some(5), "missing-note".into()),
    ] {
        assert!(warnings.contains(&expected), "{expected:?} missing from {warnings:?}");
    }
    assert_eq!(report["files"], 3);
    assert_eq!(report["counts"]["duplicate-term"], 2);
    let first = &report["errors"][0];
    for field in ["file", "line", "code", "severity", "message"] {
        assert!(!first[field].is_null(), "finding lacks {field}: {first}");
    }
    assert!(first["message"].as_str().unwrap().contains("bad.toml:7"), "names the first copy: {first}");
}

#[test]
fn lint_lists_errors_apart_from_warnings_and_exits_non_zero() {
    let dir = lexicon_dir(&[("en/bad.toml", BAD), ("en/dup.toml", DUP)]);
    let out = run(&["lexicon", "lint"], &[dir.path()]);
    assert!(!out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let bad = dir.path().join("en/bad.toml");
    assert!(text.contains(&format!("{}:13: error [duplicate-term]", bad.display())), "{text}");
    assert!(text.contains(&format!("{}:39: warning [shadowed]", bad.display())), "{text}");
    let (errors, warnings) = (text.find("8 errors:").unwrap(), text.find(" warnings:").unwrap());
    assert!(errors < warnings, "errors come first:\n{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("lexicon lint found 8 errors"));
}

#[test]
fn lint_with_only_warnings_succeeds() {
    let dir = lexicon_dir(&[("en/dup.toml", DUP)]);
    let out = run(&["lexicon", "lint"], &[dir.path()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8(out.stdout).unwrap().contains("1 files: 0 errors, 4 warnings"));
}

/// Issue 5 item 7, with `lexicons::shipped_lexicons_pass_their_examples` (what `lexicon
/// test` runs, through the library).
#[test]
fn shipped_lexicons_lint_without_errors() {
    let out = run(&["lexicon", "lint", "--json", "lexicons"], &[]);
    let report = stdout_json(&out);
    let errors: Vec<String> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{}:{} {}", d["file"], d["line"], d["message"]))
        .collect();
    assert!(errors.is_empty(), "lexicon lint errors in the shipped lexicons:\n{}", errors.join("\n"));
    assert!(out.status.success());
    // Issue 5: every shipped file names its sources and licence.
    for code in ["missing-sources", "missing-licence"] {
        assert!(report["counts"][code].is_null(), "shipped lexicons with {code}: {:#}", report["warnings"]);
    }
    assert!(report["files"].as_u64().unwrap() >= 10);
}

const TESTED: &str = r#"[lexicon]
id = "en-t"
language = "en"
sources = ["tests"]
licence = "CC0-1.0"

[[term]]
match = "kill them"
category = "violence"
note = "n"
examples = ["They will kill them all."]

[[term]]
match = "kill now"
category = "violence"
note = "a phrase the example does not contain"
examples = ["Kill them now."]

[[term]]
match = "vermin"
category = "dehumanisation"
note = "n"
examples = ["They are vermin."]
counter_examples = ["Call vermin control."]

[[term]]
match = "zzyzx"
category = "slur"
note = "n"
examples = ["Nothing here."]

[[rule]]
id = "en-kill-group"
all = ["violence", "dehumanisation"]
category = "call_to_action"
note = "n"
examples = ["Kill them now."]
"#;

#[test]
fn lexicon_test_prints_each_failure_with_what_fired() {
    let dir = lexicon_dir(&[("en/t.toml", TESTED)]);
    let out = run(&["lexicon", "test"], &[dir.path()]);
    assert!(!out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let file = dir.path().join("en/t.toml");
    for expected in [
        format!("{}:13: term \"kill now\" (en-t, violence) did not match example \"Kill them now.\"", file.display()),
        "    matched instead: violence \"kill them\" on \"Kill them\" (en-t)".to_string(),
        format!(
            "{}:19: term \"vermin\" (en-t, dehumanisation) matched counter-example \"Call vermin control.\"",
            file.display()
        ),
        "    matched: dehumanisation \"vermin\" on \"vermin\" (en-t)".to_string(),
        "    no term matched the example".to_string(),
        format!("{}:32: rule \"en-kill-group\" (en-t, call_to_action) did not fire on example", file.display()),
        "    fired: violence \"kill them\" on \"Kill them\" (en-t, direct, weight 0.4)".to_string(),
        "1 lexicons, 4 terms, 1 rules: 6 examples, 4 failed".to_string(),
    ] {
        assert!(text.contains(&expected), "{expected}\nnot in:\n{text}");
    }
}

#[test]
fn lexicon_test_json_names_entry_example_and_evidence() {
    let dir = lexicon_dir(&[("en/t.toml", TESTED)]);
    let out = run(&["lexicon", "test", "--json"], &[dir.path()]);
    assert!(!out.status.success());
    let report = stdout_json(&out);
    assert_eq!((report["examples"].as_u64(), report["failed"].as_u64()), (Some(6), Some(4)));
    let counter = report["failures"].as_array().unwrap().iter().find(|f| f["expected"] == "no_match").unwrap();
    assert_eq!(counter["entry"], "vermin");
    assert_eq!(counter["kind"], "term");
    assert_eq!(counter["line"], 19);
    assert_eq!(counter["lexicon"], "en-t");
    assert_eq!(counter["example"], "Call vermin control.");
    assert_eq!(counter["matches"][0]["text"], "vermin");
    assert_eq!(counter["fired"][0]["term_or_rule"], "vermin");
}

#[test]
fn stats_count_terms_and_rules_per_language_and_category() {
    let fr = "[lexicon]\nid = \"fr-v\"\nlanguage = \"fr\"\n\n[[term]]\nregex = \"tue[rz]\"\ncategory = \"violence\"\n";
    let dir = lexicon_dir(&[("en/t.toml", TESTED), ("fr/v.toml", fr)]);
    let out = run(&["lexicon", "stats", "--json"], &[dir.path()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = stdout_json(&out);
    assert_eq!(s["languages"]["en"]["terms"], 4);
    assert_eq!(s["languages"]["en"]["rules"], 1);
    assert_eq!(s["languages"]["en"]["categories"]["violence"]["terms"], 2);
    assert_eq!(s["languages"]["en"]["categories"]["call_to_action"]["rules"], 1);
    assert_eq!(s["languages"]["fr"]["regexes"], 1);
    assert_eq!(s["languages"]["fr"]["slow_regexes"], 0, "tue[rz] is a word list: it joins the automaton");
    assert_eq!(s["languages"]["fr"]["spelled"], 2, "spelled out as tuer and tuez");
    assert_eq!(s["total"]["terms"], 5);
    let out = run(&["lexicon", "stats"], &[dir.path()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["en", "violence", "2", "0"]), "{text}");
    assert!(text.lines().any(|l| l.starts_with("all") && l.split_whitespace().nth(2) == Some("5")), "{text}");
}

#[test]
fn a_reader_that_stops_early_is_no_error() {
    // `tocsin lexicon stats | head -3`: the pipe's reader is gone before the table is written.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let dir = lexicon_dir(&[("en/t.toml", TESTED)]);
    let out = tocsin().args(["lexicon", "stats"]).arg(dir.path()).stdout(writer).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.is_empty(), "{:?}: {stderr}", out.status);
}

#[test]
fn import_hurtlex_writes_a_licensed_lexicon_that_loads_compiles_and_matches() {
    let dir = lexicon_dir(&[]);
    let out_file = dir.path().join("xx-hurtlex.toml");
    let tsv = fixture("hurtlex/hurtlex_XX.tsv");
    let out = tocsin()
        .args(["lexicon", "import-hurtlex", "--lang", "xx", "--level", "inclusive", "--out"])
        .arg(&out_file)
        .arg(&tsv)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("13 rows, 13 at level inclusive, 1 skipped → 9 terms"), "{stderr}");
    let toml = std::fs::read_to_string(&out_file).unwrap();
    assert!(toml.contains("# Licence: CC BY-NC-SA 4.0"), "{toml}");
    assert!(toml.contains("licence = \"CC-BY-NC-SA-4.0\""));
    assert!(toml.contains("XX1 \"grubling\": an conservative, cds conservative, dmc inclusive"), "{toml}");

    let set = LexiconSet::load_paths(&[dir.path().to_path_buf()]).unwrap_or_else(|e| panic!("{e:?}"));
    let classifier = Classifier::build(&set, Levels::default()).unwrap();
    let a = classifier.classify("They are a grubling horde, every muddlewit among them.", Some("xx"));
    let categories: Vec<&str> = a.evidence.iter().map(|e| e.category.as_str()).collect();
    assert_eq!(categories, ["dehumanisation", "derogation"], "{:?}", a.evidence);
    let report = lint_paths(&[dir.path().to_path_buf()]);
    assert!(!report.has_errors(), "{:?}", report.errors().collect::<Vec<_>>());
}

#[test]
fn import_hurtlex_conservative_keeps_only_conservative_rows() {
    let out = tocsin()
        .args(["lexicon", "import-hurtlex", "--lang", "xx"])
        .arg(fixture("hurtlex/hurtlex_XX.tsv"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let toml = String::from_utf8(out.stdout).unwrap();
    assert!(toml.contains("id = \"xx-hurtlex-conservative\""));
    assert!(!toml.contains("fribbet"), "an inclusive-only word was imported");
    assert!(String::from_utf8_lossy(&out.stderr).contains("8 at level conservative, 1 skipped → 6 terms"));
}

#[test]
fn import_hurtlex_refuses_a_file_that_is_not_hurtlex() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.tsv");
    std::fs::write(&bad, "id\tpos\tcategory\tstereotype\tlemma\tlevel\nX1\tn\tzz\tno\tword\tconservative\n").unwrap();
    let out = tocsin().args(["lexicon", "import-hurtlex", "--lang", "xx"]).arg(&bad).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.tsv: line 2: unknown HurtLex category \"zz\""), "{stderr}");
}

/// Every real HurtLex 1.2 file parses and imports at both levels; the inclusive import (every
/// row) loads and compiles.
#[test]
fn import_hurtlex_real_files_load_and_compile() {
    let Some(lexica) = shared_data("hurtlex/lexica") else { return };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&lexica)
        .unwrap()
        .filter_map(|e| {
            let dir = e.ok()?.path();
            let code = dir.file_name()?.to_str()?.to_string();
            Some(dir.join("1.2").join(format!("hurtlex_{code}.tsv")))
        })
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(files.len() >= 50, "only {} HurtLex files", files.len());
    let dir = lexicon_dir(&[]);
    for file in &files {
        let code = file.file_stem().unwrap().to_str().unwrap().trim_start_matches("hurtlex_").to_lowercase();
        let language = if code == "simple" { "en".to_string() } else { code };
        let rows = hurtlex::parse_tsv(&std::fs::read_to_string(file).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let import = |level| {
            let source_name = file.file_name().unwrap().to_string_lossy().into();
            let options = ImportOptions { language: language.clone(), level, source_name, version: Some("1.2".into()) };
            hurtlex::import(&rows, options)
        };
        let (conservative, inclusive) = (import(Level::Conservative), import(Level::Inclusive));
        assert!(!conservative.terms.is_empty(), "{}: no conservative terms", file.display());
        assert!(inclusive.terms.len() >= conservative.terms.len());
        std::fs::write(dir.path().join("import.toml"), inclusive.to_toml()).unwrap();
        let set = LexiconSet::load_paths(&[dir.path().to_path_buf()])
            .unwrap_or_else(|e| panic!("{} does not load: {e:?}", file.display()));
        Classifier::build(&set, Levels::default())
            .unwrap_or_else(|e| panic!("{} does not compile: {e:?}", file.display()));
        if language == "en" {
            let report = lint_paths(&[dir.path().to_path_buf()]);
            assert!(!report.has_errors(), "{:?}", report.errors().take(5).collect::<Vec<_>>());
        }
        eprintln!(
            "{language}: {} rows, {} conservative terms, {} inclusive terms",
            rows.len(),
            conservative.terms.len(),
            inclusive.terms.len()
        );
    }
}

const TYPO_TOLERANT: &str = r#"[lexicon]
id = "en-typos"
language = "en"
typos = true
dictionary = "words.txt"

[[term]]
match = "strangle"
category = "violence"
weight = 0.5
"#;

#[test]
fn typos_correct_only_what_the_dictionary_does_not_know() {
    // Without a dictionary nothing is corrected: the lexicons alone cannot say that a word one
    // swap away from a term is spelt right (French "signes" is a swap of "singes").
    let without = TYPO_TOLERANT.replace("dictionary = \"words.txt\"\n", "");
    let dir = lexicon_dir(&[("en/t.toml", &without)]);
    let set = LexiconSet::load_paths(&[dir.path().to_path_buf()]).unwrap();
    let c = Classifier::build(&set, Levels::default()).unwrap();
    let found = |text: &str| c.classify(text, Some("en")).evidence.iter().map(|e| e.text.clone()).collect::<Vec<_>>();
    assert!(found("I will strangel them.").is_empty(), "no corrections without a dictionary");
    assert_eq!(found("I will strangle them."), ["strangle"]);

    let dir = lexicon_dir(&[("en/t.toml", TYPO_TOLERANT), ("en/words.txt", "strange\nstrangle\n")]);
    let set = LexiconSet::load_paths(&[dir.path().to_path_buf()]).unwrap();
    let c = Classifier::build(&set, Levels::default()).unwrap();
    let found = |text: &str| c.classify(text, Some("en")).evidence.iter().map(|e| e.text.clone()).collect::<Vec<_>>();
    assert_eq!(found("I will strangel them."), ["strangel"], "a swap is corrected; evidence shows it as written");
    assert_eq!(found("I will STRANGLE them."), ["STRANGLE"]);
    assert_eq!(found("I will strngle them."), ["strngle"], "an inner letter dropped");
    assert!(found("What a strange day.").is_empty(), "'strange' drops a letter of 'strangle' but is a word");
    assert!(c.classify("I will strangel them.", Some("fr")).evidence.is_empty(), "English typos only in English");
}

#[test]
fn common_words_files_load_and_a_missing_one_is_named() {
    let lexicon = |lang: &str, file: &str| {
        format!("[lexicon]\nid = \"{lang}-c\"\nlanguage = \"{lang}\"\ncommon_words = \"{file}\"\n")
    };
    let dir = lexicon_dir(&[
        ("en/c.toml", &lexicon("en", "common.txt")),
        ("en/common.txt", "# provenance\nthe\nof\n"),
        ("fr/c.toml", &lexicon("fr", "common.txt")),
        ("fr/common.txt", "de\nla\n"),
    ]);
    let set = LexiconSet::load_paths(&[dir.path().to_path_buf()]).unwrap();
    let the = tocsin::lexicon::WordKey::of("the");
    assert_eq!(set.common_words.of_key(the), set.common_words.bit("en").unwrap());
    assert_eq!(set.common_words.of_key(tocsin::lexicon::WordKey::of("provenance")), 0, "a comment");

    let dir = lexicon_dir(&[("fr/c.toml", &lexicon("fr", "absent.txt"))]);
    let errors = LexiconSet::load_paths(&[dir.path().to_path_buf()]).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].path.ends_with("fr/c.toml"), "{errors:?}");
    assert!(errors[0].message.contains("common_words") && errors[0].message.contains("absent.txt"), "{errors:?}");
    // The command line says so too.
    let out = run(&["lexicon", "lint"], &[dir.path()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("absent.txt"), "{out:?}");
}
