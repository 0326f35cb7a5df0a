//! The command line as a user runs it: exit codes, messages naming file and line, JSON output.

use std::io::Write;
use std::process::Stdio;

use crate::util::tocsin;

#[test]
fn classify_jsonl_keeps_ids_and_order() {
    let input = concat!(
        r#"{"id": "a", "text": "The newcomers are cockroaches. Kill them all.", "lang": "en"}"#,
        "\n",
        r#"{"id": 2, "text": "Fish prices fell at the landing site this week.", "lang": "en"}"#,
        "\n",
        r#"{"id": "c", "text": "Ces étrangers sont des cafards, tuez-les tous."}"#,
        "\n"
    );
    let mut child =
        tocsin().args(["classify", "--jsonl", "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["id"], "a");
    assert_eq!(lines[1]["id"], 2);
    assert_eq!(lines[2]["id"], "c");
    assert_ne!(lines[0]["level"], "none");
    assert_eq!(lines[1]["level"], "none");
    assert_eq!(lines[2]["lang"], "fr", "language detected when absent");
    assert_ne!(lines[2]["level"], "none");
    let ev = &lines[0]["evidence"][0];
    for field in ["start", "end", "text", "sentence", "term_or_rule", "lexicon", "category", "language", "speech"] {
        assert!(!ev[field].is_null(), "evidence lacks {field}: {ev}");
    }
}

#[test]
fn classify_jsonl_names_the_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.jsonl");
    std::fs::write(&path, "{\"id\": 1, \"text\": \"ok\"}\nnot json\n").unwrap();
    let out = tocsin().args(["classify", "--jsonl"]).arg(&path).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("in.jsonl:2"), "{err}");
}

#[test]
fn classify_explain_shows_speech_and_weight() {
    let mut child = tocsin()
        .args(["classify", "--lang", "en", "--explain"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("The minister condemned leaflets that call the newcomers cockroaches.".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("condemned speech"), "{text}");
    assert!(text.contains("[[cockroaches]]"), "{text}");
}

#[test]
fn classify_names_the_parts_read_in_another_language() {
    let text = "One banner read \"اذبحوهم جميعا، اقتلوهم أينما وجدتموهم\" and the crowd cheered.";
    let run = |args: &[&str]| {
        let mut child = tocsin().args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&run(&["classify", "--lang", "en", "--json"])).unwrap();
    let runs = json["runs"].as_array().unwrap();
    let langs: Vec<&str> = runs.iter().map(|r| r["lang"].as_str().unwrap()).collect();
    assert_eq!(langs, ["en", "ar", "en"], "{json:#}");
    let quote = text.find('"').unwrap();
    assert_eq!(runs[1]["start"].as_u64().unwrap() as usize, quote);
    assert_eq!(json["evidence"][0]["language"], "ar");
    let explained = run(&["classify", "--lang", "en", "--explain"]);
    assert!(explained.contains("Read in their own language:") && explained.contains("ar (bytes"), "{explained}");
}

#[test]
fn a_malformed_pipeline_stops_before_any_work_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "[pipeline]\nname = \"x\"\ndata_dir = \"d\"\n\n[[feed]]\nurl = \"http://127.0.0.1:1/f\"\noutlet = \"X\"\ncountri = \"KE\"\n",
    )
    .unwrap();
    let out = tocsin().arg("run").arg(&path).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml:8:"), "{err}");
    assert!(err.contains("countri"), "{err}");
    assert!(!dir.path().join("d").exists(), "no work may start");
}

#[test]
fn a_malformed_lexicon_is_reported_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(crate::util::repo().join("lexicons/categories.toml"), dir.path().join("categories.toml")).unwrap();
    std::fs::create_dir(dir.path().join("xx")).unwrap();
    std::fs::write(
        dir.path().join("xx/bad.toml"),
        "[lexicon]\nid = \"xx-bad\"\nlanguage = \"xx\"\n\n[[term]]\nmatch = \"ok\"\ncategory = \"violence\"\n\n[[term]]\nmatch = \"x\"\ncategory = \"violense\"\n\n[[term]]\nregex = \"a*\"\ncategory = \"threat\"\n",
    )
    .unwrap();
    let out = tocsin().args(["classify", "--lexicons"]).arg(dir.path()).arg("-").stdin(Stdio::null()).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml:9: unknown category \"violense\""), "{err}");
    assert!(err.contains("bad.toml:13: regex \"a*\" matches the empty string"), "{err}");
}
